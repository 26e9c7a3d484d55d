"""What an analyst types into a write command: free text, who, and when."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from parledger.model.errors import UsageError
from parledger.model.models import MAX_TEXT

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Clock:
    """Today and now; tests pass fixed ones."""

    today: dt.date
    now: dt.datetime

    @staticmethod
    def system() -> Clock:
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return Clock(today=dt.date.today(), now=now)


def recorder(root: Path) -> str:
    """Who records: git's user.name in the workspace, else the login name."""
    try:
        done = subprocess.run(
            ["git", "config", "user.name"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return os.environ.get("USER") or getpass.getuser() or "unknown"
    except (KeyError, OSError):
        return "unknown"


def clean_text(text: str | None, what: str, *, required: bool = False) -> str | None:
    """A note or reason as stored: NFC, trimmed; refused if empty or unsafe."""
    if text is None:
        if required:
            raise UsageError(f"{what} is required; say why in a few words")
        return None
    tidy = unicodedata.normalize("NFC", text).strip()
    if not tidy:
        if required:
            raise UsageError(f"{what} is empty; say why in a few words")
        return None
    if _FORBIDDEN.search(tidy):
        raise UsageError(
            f"{what} contains control characters; type plain text (line breaks are fine)"
        )
    if len(tidy) > MAX_TEXT:
        raise UsageError(
            f"{what} is {len(tidy)} characters long; keep it under {MAX_TEXT} "
            "and cite the document that holds the rest as evidence"
        )
    return tidy
