"""Loading a workspace through the cache: one item per ledger.

The item holds what a full load of the workspace learnt: the directive and
the registry as validated objects, and the ledger's *fold* (per task and
agency, the outcome of its entries, :mod:`parledger.rules.fold`), with the bytes
each covers — the file's stat, and SHA-256 hashes of the ledger's first
bytes, as a few segments — and the entries' validator as pydantic built it
(:mod:`parledger.store.validator`).

A run trusts a file whose stat (device, inode, size, mtime and ctime, to the
nanosecond) is what the item stored, provided the stored mtime and ctime
were older than the moment the item was made by more than any file system's
timestamp granularity: git's rule for a "racy clean" index.  A file written
within that moment could change again without its stat showing it, so it is
hashed instead.  Failing the stat, the run hashes the bytes the item
covers, a megabyte at a time: the ledger is append-only, so when its first
bytes are still those the fold covers, only the lines after them are read,
parsed, validated and folded in.  A correction, an entry that changes an
earlier fact, a problem in the new lines, a changed byte anywhere before
them: each sends the run down the one full pipeline
(:func:`parledger.store.pipeline.load`), which is also how problems are
reported, with their lines.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from parledger.model.catalog import IndexCatalog
from parledger.model.errors import ProblemsError
from parledger.model.models import Directive, Entry, Registry
from parledger.rules.fold import Fold
from parledger.store import cache, journal
from parledger.store.workspace import Appended, Location, Workspace

if TYPE_CHECKING:
    import hashlib

# How far apart two writes must be for the file system to give them
# different timestamps, at most.  Linux file systems keep nanoseconds but
# tick with the kernel's coarse clock (a few milliseconds): 0.1 s is ample.
# A file whose times are whole seconds lives on one that keeps seconds
# (FAT keeps two): 2 s.  A file older than its item by more is trusted.
FINE_NS = 100_000_000
COARSE_NS = 2_000_000_000
MAX_SEGMENTS = 16  # hashes kept per ledger before they are made one again


class Stamp(NamedTuple):
    """What a file's stat says of its bytes, as git's index keeps it."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int


Segments = list[tuple[int, str]]  # (end offset, SHA-256 of the bytes since the last end)


def _stamp(stat: os.stat_result) -> Stamp:
    return Stamp(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _granularity(stamp: Stamp) -> int:
    whole_seconds = stamp.mtime_ns % 1_000_000_000 == 0 and stamp.ctime_ns % 1_000_000_000 == 0
    return COARSE_NS if whole_seconds else FINE_NS


def _trusted(stamp: Stamp | None, stored: Stamp | None, made_at: int) -> bool:
    return (
        stamp is not None
        and stamp == stored
        and max(stamp.mtime_ns, stamp.ctime_ns) + _granularity(stamp) < made_at
    )


def _settled(stamp: Stamp, started: int) -> Stamp | None:
    """The stamp to store for a file hashed at ``started``: None while it is
    too fresh to be trusted later (it is hashed again next time)."""
    fresh = max(stamp.mtime_ns, stamp.ctime_ns) + _granularity(stamp) >= started
    return None if fresh else stamp


def _sha(data: bytes | memoryview) -> str:
    return _sha256(data).hexdigest()


def _sha256(data: bytes | memoryview = b"") -> hashlib._Hash:
    # Imported when first hashed: a run that trusts every stat hashes
    # nothing, and importing hashlib costs 3 ms (OpenSSL's module).
    import hashlib

    return hashlib.sha256(data)


@dataclass
class _Item:
    """What is stored for one ledger; see the module's docstring.  The
    structure and the fold are kept pickled on their own: an item stored
    again with a new stat or one more hash copies them as bytes instead of
    pickling a megabyte of objects again."""

    made_at: int  # time.time_ns() before the files were looked at
    directive: tuple[Stamp | None, str]
    registry: tuple[Stamp | None, str]
    # The indices.yaml files (Location.indices_paths): they decide what the
    # directive's indices and dimensions may be, so they are structure too.
    indices: tuple[tuple[Stamp | None, str], ...]
    ledger: Stamp | None  # None: no ledger file (an empty ledger)
    segments: Segments
    structure: bytes  # (Directive, Registry, IndexCatalog), pickled
    fold: bytes  # Fold.as_data(), pickled
    validator: bytes  # the entries' validator, as schema.entries_validator() keeps it

    @property
    def length(self) -> int:
        return self.segments[-1][0] if self.segments else 0


@dataclass
class _Opened:
    """An item and what its pickled parts hold."""

    item: _Item
    directive: Directive
    registry: Registry
    catalog: IndexCatalog
    fold: Fold

    @staticmethod
    def of(found: Any) -> _Opened | None:
        """The item read from the cache, if it has the shape this code writes."""
        if not isinstance(found, _Item):
            return None
        try:
            directive, registry, catalog = pickle.loads(found.structure)
            fold = Fold.from_data(pickle.loads(found.fold))
            ends = [end for end, sha in found.segments if isinstance(sha, str)]
        except Exception:  # not an item of this code's: a miss, never an error
            return None
        if not isinstance(directive, Directive) or not isinstance(registry, Registry):
            return None
        if not isinstance(catalog, IndexCatalog):
            return None
        if ends != sorted(ends) or len(ends) != len(found.segments):
            return None
        return _Opened(found, directive, registry, catalog, fold)


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _name(location: Location) -> str:
    return "w-" + cache.key("workspace", str(location.ledger_path.resolve()))


def load(location: Location) -> Workspace:
    """See :func:`parledger.store.workspace.load`."""
    if cache.folder() is None:
        from parledger.store import pipeline  # lazy: YAML and pydantic, see _full

        return pipeline.load(location)
    name = _name(location)
    started = time.time_ns()
    opened = _Opened.of(cache.get(name))
    try:
        files = _structure(location, opened.item, started) if opened is not None else None
    except OSError:
        files = None  # the full load says what is wrong with the file
    if opened is None or files is None:
        return _full(location, name, started)
    item = opened.item
    path = location.ledger_path
    try:
        stamp: Stamp | None = _stamp(os.stat(path))
    except FileNotFoundError:
        stamp = None
    if stamp == item.ledger and (stamp is None or _trusted(stamp, item.ledger, item.made_at)):
        if files != _files_of(item):
            # The stat of a directive or registry that was hashed this time:
            # trusted from now on.  (The ledger's stamp was trusted already,
            # so the later moment trusts it too.)
            item = dataclasses.replace(
                item, made_at=started, directive=files[0], registry=files[1], indices=files[2]
            )
            cache.put(name, item)
            opened = dataclasses.replace(opened, item=item)
        return _workspace(location, name, opened)
    try:
        return _appended(location, name, opened, started, files)
    except _Stale:
        return _full(location, name, started)


class _Stale(Exception):
    """The item cannot answer for the ledger as it is: read everything."""


File = tuple[Stamp | None, str]
Files = tuple[File, File, tuple[File, ...]]
"""The directive's, the registry's and the indices files' stamps and hashes."""


def _files_of(item: _Item) -> Files:
    return item.directive, item.registry, item.indices


def _structure(location: Location, item: _Item, started: int) -> Files | None:
    """The structure files' stamps and hashes now, if they are still the
    bytes whose objects the item holds; None if not."""
    indices = location.indices_paths
    if len(indices) != len(item.indices):
        return None  # a workspace's own indices.yaml came or went
    files = []
    for path, (stored, sha) in zip(
        (location.directive_path, location.registry_path, *indices),
        (item.directive, item.registry, *item.indices),
        strict=True,
    ):
        stamp = _stamp(os.stat(path))
        if _trusted(stamp, stored, item.made_at):
            files.append((stored, sha))
            continue
        if _sha(journal.read_plain(path)) != sha:
            return None
        files.append((_settled(stamp, started), sha))
    return files[0], files[1], tuple(files[2:])


def _read(path: Path) -> tuple[Stamp | None, bytes]:
    """The ledger's stat and bytes, taken together under the shared lock."""
    try:
        with journal.shared(path) as handle:
            stamp = _stamp(os.fstat(handle.fileno()))
            return stamp, handle.read(stamp.size)
    except FileNotFoundError:
        return None, b""


def _full(location: Location, name: str, started: int) -> Workspace:
    """The one pipeline over every file; its outcome stored as the item."""
    # The directive and registry are hashed before they are read: should
    # they change in between, the item names older bytes than it holds and
    # the next run reads them again, never the reverse.
    files = (
        _file(location.directive_path, started),
        _file(location.registry_path, started),
        tuple(_file(path, started) for path in location.indices_paths),
    )
    # Lazy: the full pipeline reads YAML and validates with pydantic; a warm
    # run, or one that folds in a few appended lines, needs neither.
    from parledger.store import pipeline

    try:
        stamp, data = _read(location.ledger_path)
    except journal.RefusedFile:  # a FIFO, a device, a 2 GB file: reported
        return pipeline.load(location)  # with the other files' problems
    workspace = pipeline.load(location, data)
    item = _Item(
        made_at=started,
        directive=files[0],
        registry=files[1],
        indices=files[2],
        ledger=stamp,
        segments=[(len(data), _sha(data))] if data else [],
        structure=_pickled((workspace.directive, workspace.registry, workspace.catalog)),
        fold=_pickled(workspace.fold_all().as_data()),
        validator=_kept_validator(),
    )
    cache.put(name, item)
    opened = _Opened(
        item, workspace.directive, workspace.registry, workspace.catalog, workspace.fold_all()
    )
    workspace.after_append = _remember(name, opened)
    return workspace


def _kept_validator() -> bytes:
    # Lazy: a warm run with nothing appended needs none of this.
    from parledger.store import schema

    try:
        return schema.entries_validator()
    except Exception:  # a pydantic whose schema does not pickle: validate as usual
        return b""


def _file(path: Path, started: int) -> tuple[Stamp | None, str]:
    try:
        stamp = _stamp(os.stat(path))
        return _settled(stamp, started), _sha(journal.read_plain(path))
    except OSError:
        return None, ""  # the full load reports it


CHUNK = 1 << 20  # bytes hashed at a time: the ledger is never read whole
MAX_TAIL_BYTES = 1 << 20  # more appended than this: as cheap to read everything


def _appended(
    location: Location,
    name: str,
    opened: _Opened,
    started: int,
    files: Files,
) -> Workspace:
    """The ledger's stat is not the item's (or too fresh to trust): check
    the bytes the item covers by their hashes, and fold in what was
    appended, if that is all that happened."""
    item = opened.item
    fold = opened.fold
    checked = _checked(location.ledger_path, item)
    segments = list(item.segments)
    if checked.tail.strip(b" \r\n"):
        fold = fold.copy()
        # Lazy: a warm run with nothing appended needs none of this.
        from parledger.rules.outline import Outline

        members = Outline(opened.directive, opened.registry).members
        for entry in _validated_tail(location, opened, checked):
            if not fold.apply(entry, members, in_order=False):
                raise _Stale  # it changes an earlier fact: fold everything
    if checked.tail:
        segments.append((checked.stamp.size, _sha(checked.tail)))
    if checked.whole is not None and len(segments) > MAX_SEGMENTS:
        segments = [(checked.stamp.size, checked.whole.hexdigest())]
    blob = item.fold if fold is opened.fold else _pickled(fold.as_data())
    new = _Item(started, *files, checked.stamp, segments, item.structure, blob, item.validator)
    changed = (checked.stamp, segments, files) != (item.ledger, item.segments, _files_of(item))
    # Stored again, too, once the stat is old enough to be trusted next time.
    if changed or _trusted(checked.stamp, checked.stamp, started):
        cache.put(name, new)
    return _workspace(
        location, name, _Opened(new, opened.directive, opened.registry, opened.catalog, fold)
    )


@dataclass
class _Checked:
    """The ledger as the item knows it, checked: its stat, the bytes after
    what the item covers, and whether the ids on those lines occur before."""

    stamp: Stamp
    tail: bytes
    ids_before: bool
    whole: Any  # the whole file's SHA-256, when the segments are to be made one


_ID = re.compile(rb'"id": "(e-[0-9a-f]{12})"')


def _checked(path: Path, item: _Item) -> _Checked:
    """Check the bytes the item covers by their hashes, through a small
    buffer (27 MB at 100,000 entries are never held), and read what came
    after them; the ids appended are looked for in the bytes before them as
    they pass (two branches that made the same id, a copied line).  Anything
    but an append is :class:`_Stale`."""
    try:
        with journal.shared(path) as handle:
            stamp = _stamp(os.fstat(handle.fileno()))
            size = stamp.size
            if size < item.length or size - item.length > MAX_TAIL_BYTES:
                raise _Stale  # rewritten, or a large pull: as cheap to read everything
            tail = os.pread(handle.fileno(), size - item.length, item.length)
            needles = set(_ID.findall(tail))
            # The segments are made one again when they would be too many:
            # then the whole file's hash is worked out in the same pass.
            whole = _sha256() if len(item.segments) >= MAX_SEGMENTS else None
            found = False
            carry = b""  # an id's length, less one: an id cut by two pieces is found too
            buffer = memoryview(bytearray(CHUNK))
            start = 0
            for end, sha in item.segments:
                running = _sha256()
                while start < end:
                    got = handle.readinto(buffer[: min(CHUNK, end - start)])
                    if not got:
                        raise _Stale  # shorter than it was: someone ignored the lock
                    piece = buffer[:got]
                    running.update(piece)
                    if whole is not None:
                        whole.update(piece)
                    if needles and not found:
                        window = carry + bytes(piece)
                        found = any(needle in window for needle in needles)
                        carry = window[-15:]
                    start += got
                if running.hexdigest() != sha:
                    raise _Stale
            if whole is not None:
                whole.update(tail)
            return _Checked(stamp, tail, found, whole)
    except (FileNotFoundError, journal.RefusedFile):
        raise _Stale from None  # the full read reports what the file is


def _validated_tail(location: Location, opened: _Opened, checked: _Checked) -> list[Entry]:
    """The entries appended, validated as the full read would; any problem,
    or anything the fold cannot take alone, is :class:`_Stale`."""
    # Lazy: a warm run with nothing appended needs none of this.
    from parledger.model.models import CorrectionEntry
    from parledger.store import ledger, validator
    from parledger.store.checks import ledger_crossref_problems

    if checked.ids_before:
        raise _Stale  # an id met before: the full read names both places
    kept = validator.from_kept(opened.item.validator)
    loaded, problems = ledger.load(location.ledger_path, checked.tail, entries_json=kept)
    if problems or loaded.multiline:
        raise _Stale  # the full read reports them with their lines
    if any(isinstance(entry, CorrectionEntry) for entry in loaded.entries):
        raise _Stale  # it rewrites an earlier fact: check and fold everything
    ids = [entry.id for entry in loaded.entries]
    if len(set(ids)) != len(ids) or set(ids) != {i.decode() for i in _ID.findall(checked.tail)}:
        raise _Stale  # the same id twice, or an id not where the search looked
    if ledger_crossref_problems(loaded, opened.directive, opened.registry):
        raise _Stale
    return loaded.entries


def _workspace(location: Location, name: str, opened: _Opened) -> Workspace:
    def read_entries() -> list[Entry]:
        # history and corrections need the entries themselves: the pipeline
        # over the ledger alone (the structure is known good).
        from parledger.store import ledger

        loaded, problems = ledger.load(location.ledger_path)
        if problems:
            raise ProblemsError(problems)
        return loaded.entries

    workspace = Workspace(
        location,
        opened.directive,
        opened.registry,
        read_entries=read_entries,
        folded=opened.fold,
        catalog=opened.catalog,
    )
    workspace.after_append = _remember(name, opened)
    return workspace


def _remember(name: str, opened: _Opened) -> Appended:
    """What a command's own append does to the item: its entries, validated
    by the command, folded in, so the next run parses nothing.  The stat is
    the one taken under the writer's lock, so it describes exactly these
    bytes; they are one segment, however many entries a bulk write holds."""
    item = opened.item

    def remember(
        entries: Sequence[Entry], offset: int, appended: bytes, stat: os.stat_result
    ) -> None:
        if offset != item.length:
            return  # the file grew since it was read: the next run folds it
        # Lazy: a warm run with nothing appended needs none of this.
        from parledger.rules.outline import Outline

        fold = opened.fold.copy()
        members = Outline(opened.directive, opened.registry).members
        for entry in entries:
            if not fold.apply(entry, members, in_order=False):
                return  # it changes an earlier fact: the next run folds everything
        segments = [*item.segments, (offset + len(appended), _sha(appended))]
        if len(segments) > MAX_SEGMENTS:
            return  # the next run hashes the file anyway, and makes them one
        # Made "at" the ledger's own mtime: never trusted by its stat alone,
        # so the next run checks these bytes by their hash (and then trusts
        # the stat, if it has settled).
        stored = _Item(
            stat.st_mtime_ns, item.directive, item.registry, item.indices, _stamp(stat),
            segments, item.structure, _pickled(fold.as_data()), item.validator,
        )  # fmt: skip
        cache.put(name, stored)

    return remember
