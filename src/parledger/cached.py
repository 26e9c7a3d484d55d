"""Loading a workspace through the cache.

Items per workspace, each keyed by content (see :mod:`parledger.cache`):

- the structure: the directive and the registry, validated, as objects;
- the ledger's state: how many bytes of the ledger it covers, their SHA-256,
  and the fold of their entries (:mod:`parledger.fold`); stored under the
  hash of those bytes, and under the ledger's first bytes (which appends
  never change) as "the latest state of this ledger";
- the ledger's facts: the entries themselves, stored when a command first
  needs them (history, a correction).

A run finds its state by the hash of the whole ledger; failing that, it
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
from pathlib import Path
from typing import Any

from parledger import cache
from parledger.fold import Fold
from parledger.models import Directive, Entry, Registry
from parledger.workspace import Location, Workspace, load_checked

LEDGER_KEY_BYTES = 65536  # the start of a ledger that names it
MAX_TAIL_ENTRIES = 500  # more appended than this: read everything again


class _Stale(Exception):
    """The cache cannot answer; read everything."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


class _Keys:
    def __init__(self, directive_bytes: bytes, registry_bytes: bytes, ledger_bytes: bytes) -> None:
        self.structure = cache.key("structure", directive_bytes, registry_bytes)
        self.ledger_sha = hashlib.sha256(ledger_bytes).hexdigest()
        # The ledger's first bytes name it: a copy or a clone finds its state.
        self.latest = "l-" + cache.key("latest", self.structure, ledger_bytes[:LEDGER_KEY_BYTES])
        self.facts = "f-" + cache.key("facts", self.structure, ledger_bytes[:LEDGER_KEY_BYTES])

    def exact(self, sha: str) -> str:
        return "x-" + cache.key("state", self.structure, sha)


def load(location: Location) -> Workspace:
    if cache.folder() is None:
        return load_checked(location)
    try:
        directive_bytes = location.directive_path.read_bytes()
        registry_bytes = location.registry_path.read_bytes()
    except OSError:
        return load_checked(location)  # reports the missing or unreadable file
    ledger_bytes = _read(location.ledger_path)
    keys = _Keys(directive_bytes, registry_bytes, ledger_bytes)
    structure = cache.get(f"s-{keys.structure}")
    if structure is not None:
        try:
            return _warm(location, structure, keys, ledger_bytes)
        except _Stale:
            pass
    workspace = load_checked(location)
    cache.put(f"s-{keys.structure}", (workspace.directive, workspace.registry))
    _store_state(keys, len(ledger_bytes), keys.ledger_sha, workspace.fold_all())
    return workspace


RECENT_STATES = 8  # states remembered per ledger: branches, copies, clones


def _store_state(keys: _Keys, length: int, sha: str, folded: Fold) -> None:
    state = {"length": length, "sha": sha, "fold": folded.as_data()}
    cache.put(keys.exact(sha), state)
    recent = [s for s in _states(keys.latest) if s["sha"] != sha]
    cache.put(keys.latest, [state, *recent][:RECENT_STATES])


def _valid(state: Any) -> bool:
    return isinstance(state, dict) and {"length", "sha", "fold"} <= set(state)


def _states(name: str) -> list[dict[str, Any]]:
    found = cache.get(name)
    return [s for s in found if _valid(s)] if isinstance(found, list) else []


def _best_state(keys: _Keys, ledger_bytes: bytes) -> dict[str, Any] | None:
    """The state of these very bytes, else the longest one whose bytes are
    still the start of the file (one pass of the hash over the file)."""
    exact = cache.get(keys.exact(keys.ledger_sha))
    if isinstance(exact, dict) and _valid(exact) and exact["length"] == len(ledger_bytes):
        return exact
    candidates = sorted(
        (s for s in _states(keys.latest) if s["length"] <= len(ledger_bytes)),
        key=lambda s: s["length"],
    )
    running = hashlib.sha256()
    done = 0
    best: dict[str, Any] | None = None
    for state in candidates:
        running.update(ledger_bytes[done : state["length"]])
        done = state["length"]
        if running.hexdigest() == state["sha"]:
            best = state
    return best


def _warm(location: Location, structure: Any, keys: _Keys, ledger_bytes: bytes) -> Workspace:
    directive, registry = structure
    if not isinstance(directive, Directive) or not isinstance(registry, Registry):
        raise _Stale
    state = _best_state(keys, ledger_bytes)
    if state is None:
        raise _Stale
    length = state["length"]
    folded = Fold.from_data(state["fold"])

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
    if not tail.strip():
        return workspace
    appended = _appended(location, workspace, ledger_bytes, length)
    from parledger.outline import Outline

    members = Outline(directive, registry).members
    for entry in appended:
        if not folded.apply(entry, members, in_order=False):
            workspace.refold()
            break
    _store_state(keys, len(ledger_bytes), keys.ledger_sha, workspace.fold_all())
    return workspace


def _appended(
    location: Location, workspace: Workspace, ledger_bytes: bytes, length: int
) -> list[Entry]:
    """The entries appended after ``length``, validated; any problem sends the
    load down the full path, which reports it with its line."""
    from parledger import journal, schema, yamlio
    from parledger.ledger import LoadedLedger
    from parledger.models import CorrectionEntry
    from parledger.validate import ledger_crossref_problems

    try:
        raw, positions = journal.parse(ledger_bytes[length:].decode("utf-8"))
        if len(raw) > MAX_TAIL_ENTRIES:
            raise _Stale  # a large pull: as cheap to read everything
        entries = [schema.entry(item) for item in raw]
    except Exception as exc:  # not canonical, not UTF-8, not valid: let the full path say
        raise _Stale from exc
    if any(isinstance(entry, CorrectionEntry) for entry in entries):
        raise _Stale  # it rewrites an earlier fact: check and fold everything
    new_ids = [entry.id for entry in entries]
    if len(set(new_ids)) != len(new_ids) or any(
        ledger_bytes.find(f"- id: {entry_id}\n".encode(), 0, length) >= 0 for entry_id in new_ids
    ):
        raise _Stale  # a duplicate id: validate names both places
    view = LoadedLedger(
        entries=entries,
        indexes=list(range(len(entries))),
        loaded=yamlio.Loaded(path=location.ledger_path, data=raw, locate=positions.position),
    )
    if ledger_crossref_problems(view, workspace.directive, workspace.registry):
        raise _Stale
    return entries


def _facts(location: Location, keys: _Keys, ledger_bytes: bytes) -> list[Entry]:
    """Every entry: the cached ones, then those appended since."""
    stored = cache.get(keys.facts)
    if isinstance(stored, dict) and {"length", "sha", "entries"} <= set(stored):
        length = stored["length"]
        prefix_ok = len(ledger_bytes) >= length and (
            hashlib.sha256(ledger_bytes[:length]).hexdigest() == stored["sha"]
        )
        tail = ledger_bytes[length:] if prefix_ok else b""
        if prefix_ok and not tail.strip():
            return list(stored["entries"])
        if prefix_ok:
            try:
                from parledger import journal, schema

                raw, _ = journal.parse(tail.decode("utf-8"))
                return [*stored["entries"], *(schema.entry(item) for item in raw)]
            except Exception:  # anything odd: read everything
                pass
    workspace = load_checked(location)
    entries = workspace.entries
    cache.put(keys.facts, {"length": len(ledger_bytes), "sha": keys.ledger_sha, "entries": entries})
    return entries
