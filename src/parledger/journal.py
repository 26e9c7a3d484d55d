"""The ledger file on disk: formatting entries, and appending them safely.

Entries are written as YAML text built here, not dumped by a YAML library:
the format is small and fixed, every string is written double-quoted with
JSON escapes (which YAML reads the same way), and an append then costs the
same whatever the ledger's size.

An append is one ``write`` of the whole block to a file opened with
O_APPEND, under an exclusive ``flock`` held from the read that validated the
new entries to the fsync after the write.  Concurrent parledger processes
therefore take turns; a process killed mid-command leaves either all of its
block or none of it; and a file changed behind the lock's back (an editor
saving over it) is detected and the write refused.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from io import BufferedReader
from pathlib import Path
from typing import Any

from parledger.errors import ParledgerError

HEADER = """\
# parledger ledger for {directive}: an append-only journal.
# Commands (assign, unassign, record, correct) append entries at the end;
# nothing ever rewrites or deletes one. A mistake is fixed by a new
# 'correction' entry: parledger correct ENTRY_ID --reason "…".
# Branches that both appended merge without conflict (merge=union in
# .gitattributes); run 'parledger validate' after a merge.
"""

LOCK_TIMEOUT = 30.0  # seconds a writer waits for another before giving up

# Fields in the order a reviewer reads them in `git diff`.
FIELD_ORDER = (
    "id", "kind", "task", "agency", "group", "date", "recorded", "by",
    "supersedes", "void", "role", "due", "status", "percent", "value",
    "target", "fact_date", "evidence", "reason", "note",
)  # fmt: skip


# Strings that every YAML loader reads back as the same string when unquoted:
# a letter first (so never a number or date), then letters, digits and . _ -
# but none of the words YAML 1.1 or 1.2 turns into booleans or null.
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")  # line breaks to YAML, not to JSON
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"}


class LedgerWriteError(ParledgerError):
    """The append could not be made; nothing was written."""


def yaml_scalar(value: Any) -> str:
    """One value as a YAML scalar that every YAML loader reads back exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text  # ids and keywords read best unquoted in a diff
    # JSON's escapes are a subset of YAML's double-quoted ones, so control
    # characters and newlines in a note survive and cannot break the block.
    # JSON leaves NEL, LS and PS as they are, but YAML reads them as line
    # breaks: they are escaped too.
    quoted = json.dumps(text, ensure_ascii=False)
    for mark in _YAML_BREAKS:
        quoted = quoted.replace(mark, f"\\u{ord(mark):04x}")
    return quoted


def format_entry(entry: Mapping[str, Any]) -> str:
    """An entry as a YAML list item; empty fields are left out."""
    lines: list[str] = []
    keys = [k for k in FIELD_ORDER if k in entry] + sorted(set(entry) - set(FIELD_ORDER))
    for key in keys:
        value = entry[key]
        if value is None or value == []:
            continue
        lead = "- " if not lines else "  "
        if isinstance(value, list):
            lines.append(f"{lead}{key}:")
            lines += [f"  - {yaml_scalar(item)}" for item in value]
        else:
            lines.append(f"{lead}{key}: {yaml_scalar(value)}")
    return "\n".join(lines) + "\n"


def header(directive_id: str) -> str:
    return HEADER.format(directive=directive_id)


class Current:
    """The ledger as it is under the lock, read a piece at a time: a write
    must cost about the same at any size, and the file may be large.

    Read with pread, not mapped: a file truncated by a program that ignores
    the lock would make a mapping fault and kill the process; a read just
    comes back short (and the append is then refused as a changed file)."""

    CHUNK = 1 << 20

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.size = os.fstat(fd).st_size

    def contains(self, needle: bytes, *, start: int = 0) -> bool:
        """Whether the file holds ``needle``.  ``start``: the file's first
        bytes up to there are known not to hold it (this command's load
        checked them); only what lies beyond is read."""
        overlap = len(needle) - 1
        if start > self.size:
            start = 0  # shorter than it was: search it all
        offset = max(0, start - overlap)
        while offset < self.size:
            chunk = os.pread(self._fd, self.CHUNK + overlap, offset)
            if needle in chunk:
                return True
            if len(chunk) <= overlap:
                return False
            offset += len(chunk) - overlap
        return False

    def ends_with_newline(self) -> bool:
        return self.size == 0 or os.pread(self._fd, 1, self.size - 1) == b"\n"

    def uses_crlf(self) -> bool:
        """Whether the file's lines end in CRLF (saved on Windows): new lines
        then do too, so the file keeps one style and the diff shows no churn."""
        start = os.pread(self._fd, 65536, 0)
        end = start.find(b"\n")
        return end > 0 and start[end - 1 : end] == b"\r"


Builder = Callable[[Current], str]
"""Given the ledger as it is, validate and return the text to append."""


def append(path: Path, build: Builder, *, directive_id: str) -> tuple[int, bytes] | None:
    """Append what ``build`` returns, under the lock; refuse if the file moved.

    ``build`` runs while the lock is held, so what it validated against is
    exactly what the new entries follow.  It raises to refuse; then nothing
    is written.  Returns where the appended bytes start and the bytes, or
    None when ``build`` had nothing to add.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError as exc:
        raise LedgerWriteError(f"{path}: cannot open the ledger: {exc.strerror}") from None
    try:
        _lock(fd, path)
        before = os.fstat(fd)
        current = _snapshot(fd)
        text = build(current)
        if not text:
            return None
        if not current.size:
            text = header(directive_id) + text
        elif not current.ends_with_newline():
            text = "\n" + text  # a hand edit left no final newline
        if current.uses_crlf():
            text = text.replace("\n", "\r\n")
        _check_unchanged(fd, path, before, current.size)
        data = text.encode("utf-8")
        _write_all(fd, data, path)
        return current.size, data
    finally:
        os.close(fd)  # closing releases the lock


def read_shared(path: Path) -> bytes:
    """The ledger's bytes, read under a shared lock (see :func:`shared`)."""
    with shared(path) as handle:
        return handle.read()


@contextmanager
def shared(path: Path) -> Iterator[BufferedReader]:
    """The ledger open for reading under a shared lock: never half of an
    entry that a writer is appending at that moment (a read that overlaps a
    write may otherwise see part of it).  Readers do not wait for one another."""
    with path.open("rb") as handle:
        try:
            _lock(handle.fileno(), path, fcntl.LOCK_SH)
        except OSError as exc:
            # A file system without flock (some network and FUSE mounts):
            # reading without the lock is how every reader worked before.
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
        yield handle  # closing releases the lock


def _lock(fd: int, path: Path, kind: int = fcntl.LOCK_EX) -> None:
    # flock is released by the kernel when the holder dies, so a killed
    # writer never leaves a stale lock behind; a live one that hangs is
    # waited for LOCK_TIMEOUT seconds, never forever.
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise LedgerWriteError(
                    f"{path}: another parledger command has held the ledger for "
                    f"{LOCK_TIMEOUT:.0f} s; try again when it has finished"
                ) from None
            time.sleep(0.01)


def _snapshot(fd: int) -> Current:
    return Current(fd)


def _check_unchanged(fd: int, path: Path, before: os.stat_result, length: int) -> None:
    """Refuse when the file changed since it was read (fava's rule)."""
    now = os.fstat(fd)
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        on_disk = None
    replaced = on_disk is None or (on_disk.st_ino, on_disk.st_dev) != (now.st_ino, now.st_dev)
    if replaced or now.st_size != length or now.st_mtime_ns != before.st_mtime_ns:
        raise LedgerWriteError(
            f"{path} changed on disk while this command was reading it "
            "(an editor or a program that does not take parledger's lock); "
            "nothing was written: check the file, then run the command again"
        )


def _write_all(fd: int, data: bytes, path: Path) -> None:
    length = os.fstat(fd).st_size
    try:
        written = os.write(fd, data)
        while written < len(data):  # only on a signal or a full disk
            written += os.write(fd, data[written:])
        os.fsync(fd)
    except OSError as exc:
        # Take back whatever part of the block reached the file, so the
        # ledger never ends in a torn entry.
        try:
            os.ftruncate(fd, length)
            os.fsync(fd)
        except OSError:
            pass
        hint = " (the disk is full)" if exc.errno == errno.ENOSPC else ""
        raise LedgerWriteError(
            f"{path}: the write failed{hint}: {exc.strerror}; nothing was recorded"
        ) from None


# -- reading ---------------------------------------------------------------------

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_KEY = re.compile(r"[a-z_]+")
_SPACE = " \t\r"


class NotCanonical(Exception):
    """The text is valid YAML perhaps, but not as parledger writes it."""


def _value(text: str) -> Any:
    """One scalar, read by its shape (the shapes :func:`yaml_scalar` writes)."""
    first = text[:1]
    if first == '"':
        if "\\" not in text and text.endswith('"') and text.count('"') == 2:
            return text[1:-1]  # nothing escaped: the text is the value
        value = json.loads(text)  # raises ValueError on anything but one string
        if not isinstance(value, str):
            raise NotCanonical(text)
        return value
    if first.isdigit() or first == "-":
        if len(text) == 10 and _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if len(text) == 20 and _STAMP.fullmatch(text):
            return dt.datetime.fromisoformat(text)  # 'Z' reads as UTC
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        raise NotCanonical(text)
    if text == "true" or text == "false":
        return text == "true"
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    raise NotCanonical(text)


class Positions:
    """Where each entry, key and list item of a parsed ledger stands.

    Only where each entry starts is kept; a key's line is found when a
    problem needs it, by reading that entry's lines again.  A ledger of
    100,000 entries would otherwise hold a million positions it never uses.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.starts = [found.start() for found in _ENTRY_START.finditer(text)]
        self.first_line = first_line

    def position(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        if not path or not isinstance(path[0], int) or not 0 <= path[0] < len(self.starts):
            return (self.first_line, 1)
        index = path[0]
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        line = self.text.count("\n", 0, start) + self.first_line
        lines = self.text[start:end].split("\n")
        if len(path) > 1 and isinstance(path[1], str):
            prefix = f"{path[1]}:"
            for offset, text in enumerate(lines):
                if text[2:].startswith(prefix):
                    item = (
                        offset + 1 + path[2] if len(path) > 2 and isinstance(path[2], int) else None
                    )
                    if item is not None and item < len(lines) and lines[item].startswith("  - "):
                        return (line + item, 5)
                    return (line + offset, 3)
        return (line, 3)


_ENTRY_START = re.compile(r"^- ", re.MULTILINE)
_SEGMENT = 1 << 20  # characters split into lines at a time


def _lines(text: str) -> Iterator[str]:
    """``text.split("\\n")``, a segment at a time: splitting the whole of a
    large ledger at once would hold every line in memory together."""
    start = 0
    while True:
        if len(text) - start <= _SEGMENT:
            yield from text[start:].split("\n")
            return
        end = text.rfind("\n", start, start + _SEGMENT)
        if end < 0:
            end = text.find("\n", start + _SEGMENT)
            if end < 0:
                yield text[start:]
                return
        yield from text[start:end].split("\n")
        start = end + 1


def parse(text: str, *, first_line: int = 1) -> tuple[list[dict[str, Any]], Positions]:
    """Read a ledger written the way :func:`format_entry` writes it; see
    :func:`entries`.  Returns the entries and their positions."""
    return list(entries(text)), Positions(text, first_line)


def entries(text: str) -> Iterator[dict[str, Any]]:
    """The entries of a ledger written the way :func:`format_entry` writes it,
    one at a time (a caller may validate and drop them as they come).

    Many times faster than a general YAML parser: one pass over the lines,
    values read by their shape.  Anything it does not recognise (a hand edit
    in another YAML style, CRLF line ends, flow collections) raises
    NotCanonical, and the caller reads the file with the full YAML loader
    instead; what this accepts, that loader reads to the same data.
    """
    if any(mark in text for mark in _YAML_BREAKS):
        raise NotCanonical("a line break YAML knows and JSON does not")
    current: dict[str, Any] | None = None
    items: list[Any] | None = None
    seen: dict[str, Any] = {}
    keys: set[str] = set()  # keys already checked
    for number, line in enumerate(_lines(text), start=1):
        if not line or line[0] == "#":
            items = None
            continue
        if line[0] == "-":
            if line[:2] != "- ":
                raise NotCanonical(f"line {number}")
            if current is not None:
                yield current
            current = {}
            items = None
            body = line[2:]
        elif line[:2] == "  " and current is not None:
            if line[2:4] == "- ":
                if items is None:
                    raise NotCanonical(f"line {number}")
                items.append(_value(line[4:]))
                continue
            body = line[2:]
        else:
            raise NotCanonical(f"line {number}")
        key, sep, rest = body.partition(": ")
        if not sep:
            if body[-1:] != ":" or key != body:
                raise NotCanonical(f"line {number}")
            key = body[:-1]
            if key in current or (key not in keys and not _KEY.fullmatch(key)):
                raise NotCanonical(f"line {number}")
            keys.add(key)
            items = current[key] = []
            continue
        if (
            key in current
            or not rest
            or rest[0] in _SPACE
            or rest[-1] in _SPACE
            or (key not in keys and not _KEY.fullmatch(key))
        ):
            raise NotCanonical(f"line {number}")
        keys.add(key)
        items = None
        value = seen.get(rest)
        if value is None:
            # Ids of agencies and tasks, statuses, dates, names repeat all
            # through a ledger: read each distinct text once.
            value = seen[rest] = _value(rest)
        current[key] = value
    if current is not None:
        yield current
