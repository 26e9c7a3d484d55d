"""What an analyst types into a write command: free text, who, and when."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from parledger.model.errors import UsageError
from parledger.model.models import MAX_TEXT
from parledger.model.text import unsafe_character


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
    """Who records: git's user.name in the workspace, else the login name;
    held to the rules of --by, and named as git's setting when refused."""
    what = "git's user.name (the default --by; give --by NAME, or fix it with git config)"
    return clean_text(_recorder(root), what, required=True, lines=False) or ""


def _recorder(root: Path) -> str:
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


def clean_text(
    text: str | None, what: str, *, required: bool = False, lines: bool = True
) -> str | None:
    """A note or reason as stored: NFC, trimmed; refused if empty or unsafe.
    ``lines``: line breaks are allowed (a note, a reason; not a name)."""
    if text is None:
        if required:
            raise UsageError(f"{what} is required; say why in a few words")
        return None
    tidy = unicodedata.normalize("NFC", text).strip()
    if not tidy:
        if required:
            raise UsageError(f"{what} is empty; say why in a few words")
        return None
    unsafe = unsafe_character(tidy, lines=lines)
    if unsafe is not None:
        breaks = " (line breaks are fine)" if lines else ""
        raise UsageError(f"{what} contains control characters ({unsafe}); type plain text{breaks}")
    if len(tidy) > MAX_TEXT:
        hint = " and cite the document that holds the rest as evidence" if lines else ""
        raise UsageError(f"{what} is {len(tidy)} characters long; keep it under {MAX_TEXT}{hint}")
    return tidy
