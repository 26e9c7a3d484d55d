"""A cache of what reading the workspace costs, kept between runs.

It lives under the user's cache root (``$PARLEDGER_CACHE_DIR``, else
``$XDG_CACHE_HOME/parledger``, else ``~/.cache/parledger``), never in the
workspace, and ``PARLEDGER_NO_CACHE=1`` turns it off.  Every item is keyed by
the SHA-256 of the bytes it was made from, so a change to any byte gives a
fresh result; an item that cannot be read (corrupt, truncated, written by
another version) is ignored and made again, never an error.  The YAML files
stay the only source of truth.

The cache deletes and runs nothing it does not own:

- Items live in a folder of their own, ``<root>/parledger-cache-<euid>``,
  never in the root itself: the root may be a folder the user shares with
  other files (``PARLEDGER_CACHE_DIR=~/reports``) or with other users (a
  shared ``XDG_CACHE_HOME``, ``/tmp``).  The user id in the name lets users
  sharing a root each have one, and keeps ``sudo parledger`` (same HOME,
  euid 0) from filling the user's folder with items the user cannot replace.
- That folder is created 0700 whatever the umask, and used only if it is
  not a symbolic link, is owned by the effective user and is not writable by
  group or others.  Items are written 0600 and renamed into place; one is
  loaded only if it is a regular file, owned by the effective user and not
  writable by group or others, checked on the opened descriptor (no race
  between the check and the read).  Everything is opened relative to the
  checked folder's descriptor, so swapping the folder after its check
  changes nothing.
- Pruning, to keep at most ``MAX_ITEMS`` items, deletes only files in that
  folder that are named as parledger names items and begin with the header
  every parledger cache item begins with: never anything else.

Items are pickles because they hold the directive and the registry as frozen
dataclasses, which no data-only format (JSON, marshal) stores without a
converter of its own to write and keep in step; a pickle runs code when
loaded, so the rule above is what makes it safe: a pickle is only ever loaded
from a file that only this user could have written.  A folder that fails a
check is not used at all (``get`` misses, ``put`` does nothing), an item that
fails one is a miss, and :func:`warning` says why, for the command line to
print once; this module never prints.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import re
import stat
import zlib
from pathlib import Path
from typing import Any

from parledger import __version__

# Part of every key: a new parledger never reads an older one's items.
# 3: models pickled as their values (models.model); 4: modules in layer folders;
# 5: evidence_as_written on progress and correction entries, or (another
# branch's) a correction that moves a fact to another party;
# 6: both, and the fold keeps each pair's last note;
# 7: (two branches) the catalog of indices (indices.yaml) with the
#    structure, or a directive's rank targets (Target.index, compared_to);
# 8: both
FORMAT = f"parledger {__version__} cache 8"

MAX_ITEMS = 200

# How every version's items begin (FORMAT's first word): what pruning looks for.
HEADER = b"parledger "

# How items are named: key()'s 16 hex digits (40 in earlier versions' items),
# bare or after a one-letter kind ("s-", "x-", ...).  Pruning deletes nothing
# else, and a name that could leave the folder ("../x") is refused outright.
ITEM_NAME = re.compile(r"(?:[a-z]-)?(?:[0-9a-f]{16}|[0-9a-f]{40})")


def root() -> Path | None:
    """The cache root the environment names, or None when caching is off."""
    if os.environ.get("PARLEDGER_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("PARLEDGER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "parledger"


def folder() -> Path | None:
    """Where items live (parledger's own folder in the root), or None when caching is off."""
    top = root()
    return None if top is None else top / f"parledger-cache-{os.geteuid()}"


def key(*parts: bytes | str) -> str:
    """An item's name for these parts (a workspace's path), 16 hex digits.

    Not a cryptographic hash, on purpose: two paths that share a name only
    make each other's item a miss, since an item is checked against the
    bytes of the files it covers before it is used.  zlib's checksums cost
    nothing (Typer's imports load zlib already); hashlib would cost 3 ms a
    command (``benchmarks/``, target 6)."""
    data = FORMAT.encode()
    for part in parts:
        raw = part.encode() if isinstance(part, str) else part
        data += len(raw).to_bytes(8, "little") + raw
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def get(name: str) -> Any | None:
    """The item, or None if there is none or it cannot be trusted."""
    _check_name(name)
    where = folder()
    if where is None:
        return None
    try:
        folder_fd = _open_folder(where)
        if folder_fd is None:
            return None
        try:
            fd = _open_item(folder_fd, name)
        finally:
            os.close(folder_fd)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
        header, _, body = data.partition(b"\n")
        if header != FORMAT.encode():
            return None
        return pickle.loads(body)
    except _Untrusted as exc:
        _refuse(f"the cache item {where / name} {exc}; it was not loaded (fix: delete it)")
        return None
    except Exception:  # a broken cache is a miss, whatever broke it
        return None


def put(name: str, value: Any) -> None:
    """Store an item; a cache that cannot be written is simply not used."""
    _check_name(name)
    where = folder()
    if where is None:
        return
    try:
        _make_folders(where)
        folder_fd = _open_folder(where)
        if folder_fd is None:
            return
        try:
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            # No fsync: after a crash an item may be lost or torn, and a torn
            # pickle fails to load, which is a miss.
            _write(folder_fd, name, FORMAT.encode() + b"\n" + body)
            _prune(folder_fd)
        finally:
            os.close(folder_fd)
    except Exception:  # full disk, read-only home: run uncached
        return


_warning: str | None = None
_warned: set[str] = set()


def warning() -> str | None:
    """Why the cache was not used, as one line to print, or None.

    Each message is handed out once per process: asking again gives None
    until something else is refused.
    """
    global _warning
    message, _warning = _warning, None
    if message is not None:
        _warned.add(message)
    return message


def _refuse(what: str) -> None:
    global _warning
    message = f"parledger: warning: {what}"
    if _warning is None and message not in _warned:
        _warning = message


class _Untrusted(Exception):
    """A file or folder someone else could have written: never used."""


def _check_name(name: str) -> None:
    # A programming error, not a cache miss: such an item would never be pruned.
    if not ITEM_NAME.fullmatch(name):
        raise ValueError(f"not a cache item name: {name!r}")


def _untrusted(info: os.stat_result) -> str | None:
    """What makes a file or folder one another user could have written, if anything."""
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by other users"
    return None


def _make_folders(where: Path) -> None:
    """Create the items folder, and the root and what leads to it if missing, 0700.

    Under a umask of 077 mkdir's 0700 is exact whatever the caller's umask,
    with no chmod afterwards (nothing to race, and a root that exists is never
    changed: it may be /tmp).  The umask is the process's: a thread creating a
    file meanwhile gets one no looser than it asked for.
    """
    previous = os.umask(0o077)
    try:
        where.mkdir(0o700, parents=True, exist_ok=True)
    except FileExistsError:
        pass  # a file or a link stands there: _open_folder says so
    finally:
        os.umask(previous)


def _open_folder(where: Path) -> int | None:
    """A descriptor on the items folder, or None (with a warning) if it cannot be trusted.

    Raises OSError when the folder cannot be opened at all (missing, no
    permission): a plain miss.
    """
    try:
        fd = os.open(where, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        # O_NOFOLLOW fails on a symbolic link (ELOOP), O_DIRECTORY on a file.
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        what = "is a symbolic link" if where.is_symlink() else "is not a folder"
        _refuse(
            f"the cache folder {where} {what}; running without the cache "
            "(fix: remove it or set PARLEDGER_CACHE_DIR)"
        )
        return None
    info = os.fstat(fd)
    problem = _untrusted(info)
    if problem is None:
        return fd
    os.close(fd)
    fix = "set PARLEDGER_CACHE_DIR to a folder of your own"
    if info.st_uid == os.geteuid():  # ours, only too open
        fix = f"chmod 700 {where} or {fix}"
    _refuse(f"the cache folder {where} {problem}; running without the cache (fix: {fix})")
    return None


def _open_item(folder_fd: int, name: str) -> int:
    """A descriptor on an item fit to load; raises _Untrusted or OSError otherwise."""
    try:
        # O_NONBLOCK: a FIFO planted under an item's name must not hang the open.
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Untrusted("is a symbolic link") from None
        raise
    info = os.fstat(fd)
    problem = _untrusted(info) if stat.S_ISREG(info.st_mode) else "is not a regular file"
    if problem is not None:
        os.close(fd)
        raise _Untrusted(problem)
    return fd


def _write(folder_fd: int, name: str, content: bytes) -> None:
    """Replace an item atomically: readers see the old one or the new one.

    Not files.write_atomic, which works by path: this writes relative to the
    checked folder's descriptor, and sets 0600 exactly whatever the umask.
    """
    temporary = f".{name}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(temporary, flags, 0o600, dir_fd=folder_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # the umask may have taken bits
            handle.write(content)
        os.replace(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder_fd)
        raise


def _prune(folder_fd: int) -> None:
    """Keep at most MAX_ITEMS items: the least recently written go first.

    Only our items count and only they are deleted: files named as items,
    that pass the checks a load makes, and that begin with HEADER.
    """
    names = [name for name in os.listdir(folder_fd) if ITEM_NAME.fullmatch(name)]
    if len(names) <= MAX_ITEMS:
        return  # the usual case, which opens no file
    ours: list[tuple[int, str]] = []
    for name in names:
        try:
            fd = _open_item(folder_fd, name)
        except (OSError, _Untrusted):
            continue
        with os.fdopen(fd, "rb") as handle:
            if handle.read(len(HEADER)) == HEADER:
                ours.append((os.fstat(handle.fileno()).st_mtime_ns, name))
    excess = len(ours) - MAX_ITEMS
    if excess <= 0:
        return
    ours.sort()
    for _, name in ours[:excess]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=folder_fd)
