"""Loading a workspace through the cache.

Items per workspace, each keyed by content (see :mod:`parledger.cache`):

- the structure: the directive and the registry, validated, as objects;
- the ledger's state: how many bytes of the ledger it covers, their SHA-256,
  and the fold of their entries (:mod:`parledger.fold`); stored under the
  hash of those bytes, and under the ledger's first bytes (which appends
  never change) as "the latest state of this ledger".  A command that
  appends stores its new state as a delta: the state it read plus its one
  entry, a few hundred bytes instead of the whole fold again;
- the ledger's facts: the entries themselves, stored when a command first
  needs them (history, a correction).

A run first bets that the ledger is as the last command left it: it hashes
the file a megabyte at a time, in a thread, while it loads the newest state
stored for a ledger of that length (:func:`_unchanged`).  Failing that, it
reads the whole file and finds its state by the hash; failing that, it
takes the latest state of the ledger, checks that its bytes are still the
start of the file, and reads only what was appended since: it validates
those entries and folds them in when they come after everything else.  A
correction, an assignment dated before the pair's last one, a problem in the
new entries, changed bytes, an item that does not load: each falls back to
reading and validating everything, which is also how problems are reported,
with their lines.
"""

from __future__ import annotations

import hashlib
import os
import threading
from array import array
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from parledger import cache, journal
from parledger.fold import Fold, Members
from parledger.models import Directive, Entry, Registry
from parledger.workspace import Location, Workspace, load_checked

LEDGER_KEY_BYTES = 65536  # the start of a ledger that names it
MAX_TAIL_ENTRIES = 500  # more appended than this: read everything again


# What may follow the last entry and still add nothing: spaces and line ends.
# A tab, VT or FF there is a YAML error, which only the full read reports.
_BLANK = b" \r\n"


class _Stale(Exception):
    """The cache cannot answer; read everything."""


class _Ids:
    """The ids of every entry in the bytes a state covers, kept with it: a
    write checks its new id against them (``Workspace.known_ids``), where a
    search of the ledger's bytes took 10 ms at 100,000 entries.  Ids are ``e-`` and 12 hex digits,
    so each is a 48-bit number; a sorted array of them pickles as one string
    of bytes and loads as fast."""

    def __init__(self, stored: array[int] | None = None, more: Iterable[str] = ()) -> None:
        self._sorted = stored if stored is not None else array("Q")
        self._more = {_number(entry_id) for entry_id in more}

    @staticmethod
    def of(entries: Iterable[Entry]) -> _Ids:
        return _Ids(array("Q", sorted(_number(entry.id) for entry in entries)))

    def __contains__(self, entry_id: object) -> bool:
        if not isinstance(entry_id, str):
            return False
        number = _number(entry_id)
        at = bisect_left(self._sorted, number)
        return number in self._more or (at < len(self._sorted) and self._sorted[at] == number)

    def plus(self, entry_ids: Iterable[str]) -> _Ids:
        more = _Ids(self._sorted, entry_ids)
        more._more |= self._more
        return more

    def data(self) -> array[int]:
        """What a whole state stores: one sorted array."""
        numbers = array("Q", self._sorted)
        for number in sorted(self._more):
            insort(numbers, number)
        return numbers


def _number(entry_id: str) -> int:
    return int(entry_id.removeprefix("e-"), 16)


def _read(path: Path) -> bytes:
    from parledger.journal import read_shared

    try:
        return read_shared(path)
    except FileNotFoundError:
        return b""


class _Keys:
    def __init__(
        self, location: Location, directive_bytes: bytes, registry_bytes: bytes, ledger: bytes
    ) -> None:
        self.structure = cache.key("structure", directive_bytes, registry_bytes)
        start = ledger[:LEDGER_KEY_BYTES]
        # A ledger's recent states are listed under its first bytes (a copy or
        # a clone finds them) and under its path (a small ledger's first bytes
        # change as it grows).
        self.latest = [
            "l-" + cache.key("latest", self.structure, start),
            "p-" + cache.key("path", self.structure, str(location.ledger_path.resolve())),
        ]
        self.facts = "f-" + cache.key("facts", self.structure, start)
        self.ledger_sha = ""  # set by _best_state, which hashes the file once
        self.running: Any = None  # that hash, open to what a command appends
        self.depth = 0  # deltas between the state of the bytes read and a whole fold
        self.ids = _Ids()  # the entry ids in those bytes, once the state is known

    def hash_ledger(self, ledger: bytes) -> None:
        self.running = hashlib.sha256(ledger)
        self.ledger_sha = self.running.hexdigest()

    def exact(self, sha: str) -> str:
        return "x-" + cache.key("state", self.structure, sha)


def load(location: Location) -> Workspace:
    """See :func:`parledger.workspace.load`."""
    if cache.folder() is None:
        return load_checked(location)
    try:
        directive_bytes = location.directive_path.read_bytes()
        registry_bytes = location.registry_path.read_bytes()
    except OSError:
        return load_checked(location)  # reports the missing or unreadable file
    try:
        unchanged = _unchanged(location, directive_bytes, registry_bytes)
    except OSError:
        unchanged = None  # the long way says what is wrong with the file
    if unchanged is not None:
        return unchanged
    ledger_bytes = _read(location.ledger_path)
    keys = _Keys(location, directive_bytes, registry_bytes, ledger_bytes)
    workspace = _load(location, keys, ledger_bytes)
    workspace.after_append = _remember(keys, len(ledger_bytes), workspace)
    workspace.known_ids = (keys.ids, len(ledger_bytes))
    return workspace


CHUNK = 1 << 20  # bytes hashed at a time on the fast path


def _unchanged(
    location: Location, directive_bytes: bytes, registry_bytes: bytes
) -> Workspace | None:
    """The common case, the ledger exactly as the last command left it, at
    the cost of one hash and without holding the file in memory.

    Under the shared lock, a thread hashes the file through a small buffer
    (hashlib and reads let go of the interpreter) while this one loads the
    newest state stored for a ledger of this length; it is used if the hash
    then names it.  None when it does not: the long way reads the whole file
    and finds out what changed."""
    with journal.shared(location.ledger_path) as handle:
        fd = handle.fileno()
        size = os.fstat(fd).st_size
        keys = _Keys(location, directive_bytes, registry_bytes, os.pread(fd, LEDGER_KEY_BYTES, 0))
        guess = _newest(_recent(keys), size)
        structure = _structure(keys) if guess is not None else None
        if guess is None or structure is None:
            return None
        hashed: list[Any] = []

        def hash_file() -> None:
            try:
                running = hashlib.sha256()
                raw = bytearray(CHUNK)
                buffer = memoryview(raw)
                offset = 0
                while offset < size:
                    got = handle.readinto(buffer[: min(CHUNK, size - offset)])
                    if not got:
                        return  # shorter than it was: someone ignored the lock
                    running.update(buffer[:got])
                    offset += got
                hashed.append(running)
            except Exception:  # a read error: the long way meets it again and says so
                return

        hashing = threading.Thread(target=hash_file, name="parledger-hash")
        hashing.start()
        folds = _Folds(*structure)
        try:
            state = folds.state(keys, guess["sha"], size)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            state = None  # an item that does not fit is a miss
        finally:
            hashing.join()
    if state is None or not hashed or hashed[0].hexdigest() != guess["sha"]:
        return None
    keys.running, keys.ledger_sha = hashed[0], guess["sha"]
    keys.depth, keys.ids = state.depth, state.ids
    directive, registry = structure

    def read_entries() -> list[Entry]:
        # The bytes this load hashed, read again for the entries themselves.
        ledger_bytes = _read(location.ledger_path)[:size]
        if hashlib.sha256(ledger_bytes).hexdigest() != guess["sha"]:
            return load_checked(location).entries  # the file changed since
        return _facts(location, keys, ledger_bytes)

    workspace = Workspace(
        location, directive, registry, read_entries=read_entries, folded=state.fold
    )
    workspace.after_append = _remember(keys, size, workspace)
    workspace.known_ids = (keys.ids, size)
    return workspace


def _structure(keys: _Keys) -> tuple[Directive, Registry] | None:
    """The directive and registry, validated when these bytes were first read."""
    structure = cache.get(f"s-{keys.structure}")
    if isinstance(structure, tuple) and len(structure) == 2:
        directive, registry = structure
        if isinstance(directive, Directive) and isinstance(registry, Registry):
            return directive, registry
    return None


Remember = Callable[[Entry, int, bytes], None]


def _remember(keys: _Keys, length: int, workspace: Workspace) -> Remember:
    """What a command's own append does to the state, stored as the next
    state: its entry was validated by the command, so the next read of the
    ledger finds it folded in and validates nothing again.

    Keyed like every state by the SHA-256 of the bytes it describes: the bytes
    read (hashed already) and then the bytes appended.  Should anything else
    have changed the file meanwhile, no file has those bytes and the state is
    never used.  Stored as a delta on the state of the bytes read (every load
    leaves one): writing the whole fold again would cost a write as much as
    the ledger is long."""

    def remember(entry: Entry, offset: int, appended: bytes) -> None:
        if keys.running is None or offset != length:
            return  # the file grew since it was read: the next read folds it
        from parledger.outline import Outline

        members = Outline(workspace.directive, workspace.registry).members
        after = workspace.fold_all().copy()
        if not after.apply(entry, members, in_order=False):
            return  # it changes an earlier fact: the next read folds everything
        base = {"base": keys.ledger_sha, "base_length": length, "entry": entry}
        running = keys.running.copy()
        running.update(appended)
        keys.running, keys.ledger_sha = running, running.hexdigest()
        keys.ids = keys.ids.plus([entry.id])
        if keys.depth < MAX_CHAIN:
            keys.depth += 1
            _store(keys, length + len(appended), base)
        else:
            keys.depth = 0
            _store_state(keys, length + len(appended), after)

    return remember


def _load(location: Location, keys: _Keys, ledger_bytes: bytes) -> Workspace:
    structure = _structure(keys)
    if structure is not None:
        directive, registry = structure
        try:
            return _warm(location, directive, registry, keys, ledger_bytes)
        except (_Stale, TypeError, ValueError, KeyError, IndexError, AttributeError):
            # A state that does not fit (or an item that unpickled into
            # something else) is a miss, never an error.
            return _ledger_only(location, directive, registry, keys, ledger_bytes)
    workspace = load_checked(location, ledger_bytes)
    cache.put(f"s-{keys.structure}", (workspace.directive, workspace.registry))
    keys.hash_ledger(ledger_bytes)
    keys.ids = _Ids.of(workspace.entries)
    _store_state(keys, len(ledger_bytes), workspace.fold_all())
    return workspace


def _ledger_only(
    location: Location, directive: Directive, registry: Registry, keys: _Keys, ledger_bytes: bytes
) -> Workspace:
    """The directive and registry are known good: read and check the ledger."""
    from parledger import ledger
    from parledger.errors import ProblemsError
    from parledger.validate import ledger_crossref_problems

    journal, problems = ledger.load(location.ledger_path, ledger_bytes)
    problems += ledger_crossref_problems(journal, directive, registry)
    if problems:
        raise ProblemsError(problems)
    workspace = Workspace(location, directive, registry, journal.entries)
    if keys.running is None:  # _best_state hashed these bytes already, if it ran
        keys.hash_ledger(ledger_bytes)
    keys.ids = _Ids.of(workspace.entries)
    _store_state(keys, len(ledger_bytes), workspace.fold_all())
    return workspace


RECENT_STATES = 8  # states remembered per ledger: branches, copies, clones
MAX_CHAIN = 16  # deltas on deltas before a write stores the whole fold again


def _store_state(keys: _Keys, length: int, folded: Fold) -> None:
    """A whole state: the fold, and the entry ids (``keys.ids``)."""
    _store(keys, length, {"fold": folded.as_data(), "ids": keys.ids.data()})


def _store(keys: _Keys, length: int, content: dict[str, Any]) -> None:
    """The state of the ledger's first ``length`` bytes (hashed in ``keys``):
    a whole fold, or a delta on the state of fewer bytes."""
    sha = keys.ledger_sha
    cache.put(keys.exact(sha), {"length": length, "sha": sha} | content)
    _list_first(keys, length, sha)


def _list_first(keys: _Keys, length: int, sha: str) -> None:
    """Put a stored state first among this ledger's recent ones."""
    for name in keys.latest:
        recent = [ref for ref in _refs(name) if ref["sha"] != sha]
        cache.put(name, [{"length": length, "sha": sha}, *recent][:RECENT_STATES])


def _recent(keys: _Keys) -> dict[str, dict[str, Any]]:
    """This ledger's recent states by their hash, the newest first."""
    return {ref["sha"]: ref for name in keys.latest for ref in _refs(name)}


def _newest(recent: dict[str, dict[str, Any]], length: int) -> dict[str, Any] | None:
    """The newest of these states at this length: the one :func:`_unchanged`
    bets on."""
    return next((ref for ref in recent.values() if ref["length"] == length), None)


def _refs(name: str) -> list[dict[str, Any]]:
    found = cache.get(name)
    if not isinstance(found, list):
        return []
    return [r for r in found if isinstance(r, dict) and {"length", "sha"} <= set(r)]


class State(NamedTuple):
    """What is known of the ledger's first bytes without reading them."""

    fold: Fold
    depth: int  # deltas that led to it from a whole fold
    ids: _Ids


class _Folds:
    """Folds of stored states, with who owes a group's tasks worked out once
    (a delta's entry may be a group assignment)."""

    def __init__(self, directive: Directive, registry: Registry) -> None:
        self._structure = (directive, registry)
        self._members: Members | None = None

    def members(self) -> Members:
        if self._members is None:
            from parledger.outline import Outline

            self._members = Outline(*self._structure).members
        return self._members

    def state(self, keys: _Keys, sha: str, length: int) -> State | None:
        """The state of the ledger's first ``length`` bytes, whose hash is
        ``sha``; None when not stored."""
        deltas: list[Entry] = []
        while True:
            state = cache.get(keys.exact(sha))
            if not isinstance(state, dict):
                return None
            if (state.get("length"), state.get("sha")) != (length, sha):
                return None
            if "fold" in state:
                break
            if len(deltas) >= MAX_CHAIN or not state["base_length"] < length:
                return None  # a chain too long, or a loop: never from this code
            deltas.append(state["entry"])
            sha, length = state["base"], state["base_length"]
        folded = Fold.from_data(state["fold"])
        ids = state["ids"]
        if not isinstance(ids, array) or ids.typecode != "Q":
            return None
        for entry in reversed(deltas):
            if not folded.apply(entry, self.members(), in_order=False):
                return None
        return State(folded, len(deltas), _Ids(ids, (entry.id for entry in deltas)))


def _best_state(keys: _Keys, ledger_bytes: bytes, folds: _Folds) -> tuple[int, State] | None:
    """The state of these very bytes, else of the longest recent state whose
    bytes still start the file, and how many bytes it covers.  One pass of
    the hash over the file."""
    refs = _recent(keys)
    candidates = sorted(
        (ref for ref in refs.values() if ref["length"] <= len(ledger_bytes)),
        key=lambda ref: ref["length"],
    )
    running = hashlib.sha256()
    done = 0
    matching: list[dict[str, Any]] = []
    view = memoryview(ledger_bytes)  # slices of a view copy nothing
    for ref in candidates:
        running.update(view[done : ref["length"]])
        done = ref["length"]
        if running.hexdigest() == ref["sha"]:
            matching.append(ref)
    running.update(view[done:])
    keys.running, keys.ledger_sha = running, running.hexdigest()
    exact = folds.state(keys, keys.ledger_sha, len(ledger_bytes))
    if exact is not None:
        keys.depth = exact.depth
        newest = _newest(refs, len(ledger_bytes))
        if newest is None or newest["sha"] != keys.ledger_sha:
            # Found by its hash, not first in the list (a branch checked out
            # again, a copy): first from now on, so the next read is fast.
            _list_first(keys, len(ledger_bytes), keys.ledger_sha)
        return len(ledger_bytes), exact
    for ref in reversed(matching):
        state = folds.state(keys, ref["sha"], ref["length"])
        if state is not None:
            return ref["length"], state  # the tail is folded in and stored whole
    return None


def _warm(
    location: Location, directive: Directive, registry: Registry, keys: _Keys, ledger_bytes: bytes
) -> Workspace:
    folds = _Folds(directive, registry)
    state = _best_state(keys, ledger_bytes, folds)
    if state is None:
        raise _Stale
    length, (folded, _, ids) = state
    keys.ids = ids

    def read_entries() -> list[Entry]:
        return _facts(location, keys, ledger_bytes)

    workspace = Workspace(
        location,
        directive,
        registry,
        read_entries=read_entries,
        folded=folded,
    )
    tail = ledger_bytes[length:]
    if not tail.strip(_BLANK):
        if length < len(ledger_bytes):  # blank lines since: the same fold, for these bytes
            _store_state(keys, len(ledger_bytes), folded)
        return workspace
    appended = _appended(location, workspace, ledger_bytes, length, ids)
    keys.ids = ids.plus(entry.id for entry in appended)
    for entry in appended:
        if not folded.apply(entry, folds.members(), in_order=False):
            workspace.refold()
            break
    _store_state(keys, len(ledger_bytes), workspace.fold_all())
    return workspace


def _appended(
    location: Location, workspace: Workspace, ledger_bytes: bytes, length: int, before: _Ids
) -> list[Entry]:
    """The entries appended after ``length`` (whose entries' ids are
    ``before``), validated; any problem sends the load down the full path,
    which reports it with its line."""
    from parledger import journal, yamlio
    from parledger.ledger import LoadedLedger
    from parledger.models import CorrectionEntry
    from parledger.validate import ledger_crossref_problems

    try:
        raw, positions = journal.parse(ledger_bytes[length:].decode("utf-8"))
        if len(raw) > MAX_TAIL_ENTRIES:
            raise _Stale  # a large pull: as cheap to read everything
        entries = [_validated(item) for item in raw]
    except Exception as exc:  # not canonical, not UTF-8, not valid: let the full path say
        raise _Stale from exc
    if any(isinstance(entry, CorrectionEntry) for entry in entries):
        raise _Stale  # it rewrites an earlier fact: check and fold everything
    new_ids = [entry.id for entry in entries]
    if len(set(new_ids)) != len(new_ids) or any(entry_id in before for entry_id in new_ids):
        raise _Stale  # a duplicate id: validate names both places
    view = LoadedLedger(
        entries=entries,
        indexes=list(range(len(entries))),
        loaded=yamlio.Loaded(path=location.ledger_path, data=raw, locate=positions.position),
    )
    if ledger_crossref_problems(view, workspace.directive, workspace.registry):
        raise _Stale
    return entries


def _validated(raw: Any) -> Entry:
    """One appended entry, validated: built as it is when its values have
    exactly the model's types (no pydantic to import for a few entries),
    else by pydantic, which also says what is wrong."""
    from parledger import exact

    built = exact.entry(raw)
    if built is not None:
        return built
    from parledger import schema

    return schema.entry(raw)


def _facts(location: Location, keys: _Keys, ledger_bytes: bytes) -> list[Entry]:
    """Every entry: the cached ones, then those appended since."""
    stored = cache.get(keys.facts)
    if isinstance(stored, dict) and {"length", "sha", "entries"} <= set(stored):
        length = stored["length"]
        prefix_ok = len(ledger_bytes) >= length and (
            hashlib.sha256(memoryview(ledger_bytes)[:length]).hexdigest() == stored["sha"]
        )
        tail = ledger_bytes[length:] if prefix_ok else b""
        if prefix_ok and not tail.strip(_BLANK):
            return list(stored["entries"])
        if prefix_ok:
            try:
                from parledger import journal

                raw, _ = journal.parse(tail.decode("utf-8"))
                return [*stored["entries"], *(_validated(item) for item in raw)]
            except Exception:  # anything odd: read everything
                pass
    workspace = load_checked(location, ledger_bytes)
    entries = workspace.entries
    cache.put(keys.facts, {"length": len(ledger_bytes), "sha": keys.ledger_sha, "entries": entries})
    return entries
