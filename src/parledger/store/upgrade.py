"""Bringing a ledger file back to the form parledger writes: one entry a
line (a ledger written by parledger 0.1 spreads each entry over many lines),
and no last line cut short by a crash.

Both are rare, deliberate acts of a person, so both are commands of their
own; every read meanwhile still works (the multi-line form) or says what is
wrong and which command mends it (a torn line).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parledger.model.errors import ProblemsError, UsageError
from parledger.store import journal, ledger
from parledger.store.files import write_atomic
from parledger.store.pipeline import run
from parledger.store.workspace import Location


@dataclass(frozen=True)
class Upgraded:
    path: Path
    entries: int
    lines_before: int
    lines_after: int


def upgrade_ledger(location: Location) -> Upgraded | None:
    """Rewrite a multi-line ledger as one entry a line, keeping every entry,
    its id and its values, and the comments a person added; None when it is
    one entry a line already.  Refused, with every problem, when the
    workspace does not validate: a rewrite must not carry a broken entry
    into a new form where it is harder to see what was meant."""
    if location.bundled:
        raise UsageError("the bundled workspace is read-only and already one entry a line")
    path = location.ledger_path
    if not path.exists():
        return None  # an empty ledger is in every form
    # Rewritten where it is (a link inside the workspace stays a link), never
    # through a link out of the workspace folder.
    target = journal.inside(path, path.parent)
    fd = journal.open_plain(path, os.O_RDWR, limit=journal.MAX_FILE_BYTES, within=path.parent)
    try:
        journal.lock(fd, path)  # no append can slip in meanwhile
        raw = os.pread(fd, os.fstat(fd).st_size, 0)
        read = ledger.load(path, raw)
        before = read[0]
        if not before.multiline:
            return None  # 'validate' says what else may be wrong with it
        workspace, problems = run(location, read=read)  # the ledger read once
        if problems or workspace is None:
            raise ProblemsError(problems)
        assert before.loaded is not None and isinstance(before.loaded.data, list)
        text = _one_line_text(raw, before, workspace.directive.id)
        after, problems = ledger.load(path, text)
        if problems:  # never from a ledger that validated: refuse, lose nothing
            raise ProblemsError(problems)
        if after.multiline or after.entries != before.entries:
            message = "the rewritten ledger would not read back the same; nothing was changed"
            raise UsageError(f"{path}: {message}")
        write_atomic(target, text)
    finally:
        os.close(fd)
    return Upgraded(path, len(after.entries), raw.count(b"\n") + 1, text.count(b"\n") + 1)


def _one_line_text(raw: bytes, loaded: ledger.LoadedLedger, directive_id: str) -> bytes:
    """The new file: parledger's header, then the old file's lines, each
    entry as one line where it started, comments a person added where they
    stood (the old header's are replaced), the rest of each entry dropped."""
    assert loaded.loaded is not None
    data: list[Any] = loaded.loaded.data
    starts = {loaded.loaded.position((index,))[0]: item for index, item in enumerate(data)}
    text = raw.decode("utf-8-sig")
    crlf = "\r\n" in text
    lines = text.replace("\r\n", "\n").split("\n")
    out = [journal.header(directive_id)]
    in_header = True
    for number, line in enumerate(lines, start=1):
        if number in starts:
            out.append(journal.format_entry(starts[number]))
            in_header = False
        elif line.lstrip().startswith("#"):
            if not in_header:
                out.append(line.lstrip() + "\n")
        elif line.strip():
            in_header = False  # an entry's other lines
    body = "".join(out)
    if crlf:
        body = body.replace("\n", "\r\n")
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    return (bom + body).encode("utf-8")


@dataclass(frozen=True)
class Repaired:
    path: Path
    line: int
    size: int
    side: Path


def repair_ledger(location: Location) -> Repaired | None:
    """Set a torn last line aside into ``<ledger>.torn`` so work can go on;
    None when the last line is whole."""
    if location.bundled:
        raise UsageError("the bundled workspace is read-only")
    path = location.ledger_path
    if not path.exists():
        return None
    done = journal.set_aside_torn(path)
    if done is None:
        return None
    torn, side = done
    return Repaired(path, torn.line, len(torn.data), side)
