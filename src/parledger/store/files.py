"""Writing whole files so that a reader sees the old one or the new one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``content``: readers see the old file or the new one.

    The temporary file lives in the same folder so the rename cannot cross a
    file system, and it is fsynced before the rename so a crash cannot leave
    a renamed but empty file.  ``durable=False`` skips the fsync, for files
    that may be lost (the cache, whose reader treats a damaged item as absent).
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        # Name the file the user asked for, not our temporary one.
        raise OSError(exc.errno, f"cannot write here ({exc.strerror})", str(path)) from None
    try:
        # mkstemp makes the file 0600: give it the group and mode of the
        # file it replaces (a workspace file stays readable and writable by
        # the team), or what a new file gets under the umask.
        _keep_group(fd, path)
        os.fchmod(fd, _mode_for(path))  # after the group: chown clears setgid
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        full = " (the disk is full)" if exc.errno == errno.ENOSPC else ""
        message = f"the write failed{full}: {exc.strerror}; the file was not changed"
        raise OSError(exc.errno, message, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keep_group(fd: int, path: Path) -> None:
    """The group of the file replaced, when it is not the user's own: a 0664
    file of the office's group stays writable by its members.  Allowed when
    the user belongs to that group; otherwise the file gets the user's group,
    as any new file would."""
    try:
        group = os.stat(path).st_gid
        if group != os.fstat(fd).st_gid:
            os.fchown(fd, -1, group)
    except OSError:  # no file to replace, or not a group of this user's
        pass


def _mode_for(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
