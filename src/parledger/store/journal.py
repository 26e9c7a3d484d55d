"""The ledger file on disk: one entry a line, appended safely, read back.

**One entry is one line**: ``- {"id": "e-…", "kind": "progress", …}``, a YAML
block sequence whose items are flow mappings written as JSON.  Why: git's
line tools (union merge, diff, blame, cherry-pick) and ``grep`` then treat an
entry as a unit, so no merge can interleave the fields of two entries, and a
reviewer's diff shows one added line per fact.  The file stays YAML (a YAML
library reads it to the same data), and one ``json.loads`` reads a line.

An append is one ``write`` of the whole line to a file opened with
O_APPEND, under an exclusive ``flock`` held from the read that validated the
new entry to the fsync after the write.  Concurrent parledger processes
therefore take turns; a process killed mid-command leaves either its whole
line or none of it; and a file changed behind the lock's back (an editor
saving over it) is detected and the write refused.  What a power cut can
still leave, a last line cut short, is found by every read
(:func:`split_torn`) and set aside by :func:`set_aside_torn`.

Every workspace file, not only the ledger, is opened by :func:`open_plain`
(or read by :func:`read_plain`): a FIFO, a device or a file of gigabytes is
refused with one line saying so, and nothing is written through a link out
of the workspace.  It lives here because every command imports this module
already (``files`` imports tempfile, which a warm status never needs).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from io import BufferedReader, FileIO
from pathlib import Path
from typing import Any

from parledger.model.errors import ParledgerError

HEADER = """\
# parledger ledger for {directive}: an append-only journal, one entry a line.
# Commands (assign, unassign, record, correct) append entries at the end;
# nothing ever rewrites or deletes one. A mistake is fixed by a new
# 'correction' entry: parledger correct ENTRY_ID --reason "…".
# Branches that both appended merge line by line (merge=union in
# .gitattributes, or 'parledger git-setup'); run 'parledger validate' after.
"""

LOCK_TIMEOUT = 30.0  # seconds a writer waits for another before giving up

# Fields in the order a reviewer reads them in `git diff`.
FIELD_ORDER = (
    "id", "kind", "task", "agency", "group", "date", "recorded", "by",
    "supersedes", "void", "role", "due", "status", "percent", "value",
    "target", "fact_date", "fact_agency", "fact_group", "evidence", "evidence_as_written",
    "reason", "note",
)  # fmt: skip

ENTRY_PREFIX = "- {"
"""How every entry line starts (after a BOM on the first line)."""

# JSON leaves these as they are, but they would break the line or the YAML:
# NEL, LS and PS are line breaks to YAML; C1 controls and DEL are not
# printable in YAML; a BOM, lone surrogates and non-characters are refused
# by YAML readers or by UTF-8 itself.  Written as escapes, they survive.
_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


class LedgerWriteError(ParledgerError):
    """The append could not be made; nothing was written."""


# -- opening a workspace file ----------------------------------------------

MAX_FILE_BYTES = 256 << 20
"""The most parledger reads of one workspace file.  Far above any real one:
the ledger of the 100,000-entry benchmark (decades of an office's work) is
27 MB and loads in 140 MB of memory; the directive is 95 KB, the registry
15 KB.  256 MB is about a million entries, still read in under 2 GB; what
is larger is the wrong file (a disk image, a sparse file, a link to
/dev/zero) and would otherwise take minutes and all the memory there is."""


class RefusedFile(OSError):
    """A workspace file parledger will not read or write: not a regular file,
    over :data:`MAX_FILE_BYTES`, or (for a write) a symbolic link leading out
    of the workspace folder.  An OSError, so every reader that reports an
    unreadable file reports this one too; ``code`` names it in a Problem and
    ``message`` (also its ``strerror``) says what is wrong in one line."""

    def __init__(self, path: Path, code: str, message: str) -> None:
        super().__init__(errno.EINVAL, message, str(path))
        self.code = code
        self.message = message


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _not_regular(path: Path, mode: int) -> RefusedFile:
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    message = f"not a regular file ({kind}); a workspace file must be a plain file"
    return RefusedFile(path, "not-regular", message)


def _too_large(path: Path, size: int, limit: int) -> RefusedFile:
    shown = f"{size / (1 << 30):.1f} GB" if size >= 1 << 30 else f"{size / (1 << 20):.1f} MB"
    message = (
        f"{shown}, over parledger's limit of {limit >> 20} MB for a workspace file: "
        "is this the right file?"
    )
    return RefusedFile(path, "too-large", message)


def inside(path: Path, folder: Path) -> Path:
    """Where a write to ``path`` lands, every symbolic link followed; refused
    when that is outside ``folder`` (the workspace's own folder).

    git commits symbolic links, so a pulled branch can make a workspace file
    a link to any file of the user who runs parledger; writing through it
    would change that file.  A link that stays inside the folder is allowed:
    the write lands in the workspace all the same, on a file its owner put
    there (a ledger kept in a subfolder, say), so refusing it would protect
    nothing; and no link can leave the folder unnoticed, since every link on
    the way is followed before the check."""
    real = Path(os.path.realpath(path))
    home = Path(os.path.realpath(folder))
    if real != home and real.is_relative_to(home):
        return real
    message = (
        f"a symbolic link to {real}, outside the workspace folder: parledger writes "
        "nothing through it; replace the link with the file itself"
    )
    raise RefusedFile(path, "link-outside", message)


def open_plain(
    path: Path,
    flags: int,
    mode: int = 0o666,
    *,
    limit: int | None = None,
    within: Path | None = None,
) -> int:
    """``os.open`` for a workspace file, refusing what is not a regular file
    (:class:`RefusedFile`); with ``limit``, one larger than that; with
    ``within``, a path that leads out of that folder (see :func:`inside`).

    O_NONBLOCK: opening a FIFO waits for a writer otherwise, forever.  The
    type and size are checked on the opened descriptor, so nothing can swap
    the file between the check and the read; the resolved path is opened
    with O_NOFOLLOW, so nor can a link put in its place after the check."""
    target = path
    if within is not None:
        target = inside(path, within)
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(target, flags | os.O_NONBLOCK | os.O_NOCTTY, mode)
    except OSError as exc:
        # ENXIO: a FIFO opened for writing with no reader, or a socket.
        if exc.errno == errno.ENXIO:
            raise _not_regular(path, os.stat(target).st_mode) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if limit is not None and info.st_size > limit:
            raise _too_large(path, info.st_size, limit)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_plain(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A workspace file's bytes; :class:`RefusedFile` for one that is not a
    regular file or is over ``limit``, without reading it."""
    fd = open_plain(path, os.O_RDONLY, limit=limit)
    with open(fd, "rb", buffering=0) as handle:
        return _read_all(handle, path, limit)


def _read_all(handle: BufferedReader | FileIO, path: Path, limit: int) -> bytes:
    """To the end, in one read of the size the file has; refused past
    ``limit`` should the file grow meanwhile."""
    data = handle.read(os.fstat(handle.fileno()).st_size)
    more = handle.read(1 << 20)
    if not more:
        return data
    parts = [data, more]
    size = len(data) + len(more)
    while more:
        if size > limit:
            raise _too_large(path, size, limit)
        more = handle.read(1 << 20)
        parts.append(more)
        size += len(more)
    return b"".join(parts)


def to_line(data: Mapping[str, Any]) -> str:
    """Plain data (str, int, float, bool, lists) as one entry line, with its
    newline.  JSON escapes every control character, so a note's newlines
    and tabs never break the line."""
    import json  # here: a command that only reads a cached workspace never needs it

    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    text = _UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
    return f"- {text}\n"


def plain_value(value: Any) -> Any:
    """One value as a line holds it: dates and times as ISO text, enum
    members as their values."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)  # the ledger's times are UTC
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain_value(item) for item in value]
    if isinstance(value, str):
        return str(value)  # a StrEnum member becomes its plain value
    return value


def format_entry(entry: Mapping[str, Any]) -> str:
    """An entry as one line; empty fields are left out, the rest in the
    order a reviewer reads them."""
    keys = [k for k in FIELD_ORDER if k in entry] + sorted(set(entry) - set(FIELD_ORDER))
    data = {key: plain_value(entry[key]) for key in keys if entry[key] not in (None, [])}
    return to_line(data)


def entry_text(line: str) -> str | None:
    """The mapping's text on an entry line (``{…}``), or None when the line
    does not have an entry's shape."""
    line = line.lstrip("\ufeff").rstrip("\r\n")
    if not (line.startswith(ENTRY_PREFIX) and line.endswith("}")):
        return None
    return line[2:]


def parse_line(line: str) -> dict[str, Any] | None:
    """The entry on a line as parledger writes it, or None when the line is
    not one (a comment, a blank line, another YAML style, a torn line)."""
    text = entry_text(line)
    if text is None:
        return None
    # Lazy: json, only for the slow path (a few ms a command).
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def is_blank_or_comment(line: str) -> bool:
    """A line that holds no entry.  Only spaces count as blank: a tab or a
    form feed there is an error to a YAML reader, which then says so."""
    stripped = line.lstrip("\ufeff").strip(" \r")
    return not stripped or stripped.startswith("#")


def header(directive_id: str) -> str:
    return HEADER.format(directive=directive_id)


# -- a last line cut short -------------------------------------------------


@dataclass(frozen=True)
class Torn:
    """The ledger's last line, cut short (a write that a power cut or a
    full disk interrupted): where it starts and its bytes."""

    offset: int
    line: int  # 1-based
    data: bytes


def split_torn(raw: bytes) -> tuple[bytes, Torn | None]:
    """The ledger's bytes up to its last whole line, and the torn line after
    it, if any.  parledger ends every line it writes with a newline, so bytes
    after the last newline are either a whole entry (a hand edit that left
    no final newline: kept) or a line cut short; NUL bytes at the end are
    what some file systems leave of a write lost in a crash."""
    end = raw.rfind(b"\n") + 1
    tail = raw[end:]
    if not tail.strip(b" \t\r"):
        return raw, None
    if b"\x00" not in tail:
        try:
            complete = parse_line(tail.decode("utf-8")) is not None
        except UnicodeDecodeError:
            complete = False
        if complete or tail.lstrip(b" \t\xef\xbb\xbf").startswith(b"#"):
            return raw, None
    line = raw.count(b"\n", 0, end) + 1
    return raw[:end], Torn(end, line, tail)


def set_aside_torn(path: Path) -> tuple[Torn, Path] | None:
    """Move a torn last line out of the ledger into ``<ledger>.torn`` (kept,
    never dropped), under the writers' lock.  None when there is none."""
    side = path.with_name(path.name + ".torn")
    # Both files are written: neither through a link out of the workspace.
    fd = open_plain(path, os.O_RDWR, limit=MAX_FILE_BYTES, within=path.parent)
    try:
        _lock(fd, path)
        size = os.fstat(fd).st_size
        raw = os.pread(fd, size, 0)
        _, torn = split_torn(raw)
        if torn is None:
            return None
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        note = f"# set aside {stamp} from {path.name} line {torn.line}:\n".encode()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        with open(open_plain(side, flags, within=path.parent), "ab") as kept:
            kept.write(note + torn.data + b"\n")
            kept.flush()
            os.fsync(kept.fileno())
        os.ftruncate(fd, torn.offset)
        os.fsync(fd)
        return torn, side
    finally:
        os.close(fd)


# -- appending -------------------------------------------------------------


class Current:
    """The ledger as it is under the lock, without reading it whole: a write
    costs about the same at any size.

    Read with pread, not mapped: a file truncated by a program that ignores
    the lock would make a mapping fault and kill the process; a read just
    comes back short (and the append is then refused as a changed file)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.size = os.fstat(fd).st_size

    def ends_with_newline(self) -> bool:
        return self.size == 0 or os.pread(self._fd, 1, self.size - 1) == b"\n"

    def uses_crlf(self) -> bool:
        """Whether the file's lines end in CRLF (saved on Windows): new lines
        then do too, so the file keeps one style and the diff shows no churn."""
        start = os.pread(self._fd, 65536, 0)
        end = start.find(b"\n")
        return end > 0 and start[end - 1 : end] == b"\r"

    def torn(self) -> bool:
        """Whether the last line was cut short; an append would glue to it."""
        if self.ends_with_newline():
            return False
        start = max(0, self.size - 65536)
        return split_torn(os.pread(self._fd, self.size - start, start))[1] is not None


Builder = Callable[[Current], str]
"""Given the ledger as it is, validate and return the text to append."""


def append(
    path: Path, build: Builder, *, directive_id: str
) -> tuple[int, bytes, os.stat_result] | None:
    """Append what ``build`` returns, under the lock; refuse if the file moved.

    ``build`` runs while the lock is held, so what it validated against is
    exactly what the new entries follow.  It raises to refuse; then nothing
    is written.  Returns where the appended bytes start, the bytes, and the
    file's stat right after them (taken under the lock), or None when
    ``build`` had nothing to add.
    """
    try:
        # The ledger lives in the workspace folder itself: never written
        # through a link that leads out of it.
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND
        fd = open_plain(path, flags, 0o644, within=path.parent)
    except RefusedFile as exc:
        raise LedgerWriteError(f"{path}: {exc.message}") from None  # before any write
    except OSError as exc:
        raise LedgerWriteError(f"{path}: cannot open the ledger: {exc.strerror}") from None
    try:
        _lock(fd, path)
        before = os.fstat(fd)
        current = Current(fd)
        if current.torn():
            raise LedgerWriteError(
                f"{path}: the last line was cut short (a write interrupted by a crash); "
                "nothing was written: run 'parledger repair' to set it aside"
            )
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
        return current.size, data, os.fstat(fd)
    finally:
        os.close(fd)  # closing releases the lock


def read_shared(path: Path) -> bytes:
    """The ledger's bytes, read under a shared lock (see :func:`shared`)."""
    with shared(path) as handle:
        return _read_all(handle, path, MAX_FILE_BYTES)


@contextmanager
def shared(path: Path) -> Iterator[BufferedReader]:
    """The ledger open for reading under a shared lock: never half of an
    entry that a writer is appending at that moment (a read that overlaps a
    write may otherwise see part of it).  Readers do not wait for one another.
    :class:`RefusedFile` for what is not a regular file or is over the limit."""
    with open(open_plain(path, os.O_RDONLY, limit=MAX_FILE_BYTES), "rb") as handle:
        try:
            _lock(handle.fileno(), path, fcntl.LOCK_SH)
        except OSError as exc:
            # A file system without flock (some network and FUSE mounts):
            # reading without the lock is how every reader worked before.
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
        yield handle  # closing releases the lock


def lock(fd: int, path: Path) -> None:
    """Take the writers' lock on an open ledger (released when it is closed)."""
    _lock(fd, path)


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
