"""A cache of what reading the workspace costs, kept between runs.

It lives in the user's cache folder (``$PARLEDGER_CACHE_DIR``, else
``$XDG_CACHE_HOME/parledger``, else ``~/.cache/parledger``), never in the
workspace, and ``PARLEDGER_NO_CACHE=1`` turns it off.  Every item is keyed by
the SHA-256 of the bytes it was made from, so a change to any byte gives a
fresh result; an item that cannot be read (corrupt, truncated, written by
another version) is ignored and made again, never an error.  The YAML files
stay the only source of truth.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from parledger import __version__

# Part of every key: a new parledger never reads an older one's items.
FORMAT = f"parledger {__version__} cache 2"


def folder() -> Path | None:
    """Where items live, or None when caching is off."""
    if os.environ.get("PARLEDGER_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("PARLEDGER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "parledger"


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:40]


def get(name: str) -> Any | None:
    """The item, or None if there is none or it cannot be trusted."""
    where = folder()
    if where is None:
        return None
    try:
        data = (where / name).read_bytes()
        header, _, body = data.partition(b"\n")
        if header != FORMAT.encode():
            return None
        return pickle.loads(body)
    except Exception:  # a broken cache is a miss, whatever broke it
        return None


def put(name: str, value: Any) -> None:
    """Store an item; a cache that cannot be written is simply not used."""
    where = folder()
    if where is None:
        return
    try:
        from parledger.files import write_atomic

        where.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        # No fsync: after a crash an item may be lost or torn, and a torn
        # pickle fails to load, which is a miss.
        write_atomic(where / name, FORMAT.encode() + b"\n" + body, durable=False)
        _prune(where)
    except Exception:  # full disk, read-only home: run uncached
        return


MAX_ITEMS = 200


def _prune(where: Path) -> None:
    """Keep the folder bounded: the least recently written items go first."""
    items = list(where.iterdir())
    if len(items) <= MAX_ITEMS:
        return
    items.sort(key=lambda item: item.stat().st_mtime_ns)
    for item in items[: len(items) - MAX_ITEMS]:
        item.unlink(missing_ok=True)
