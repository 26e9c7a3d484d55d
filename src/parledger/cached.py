"""Loading a workspace through the cache.

Three items per workspace, each keyed by content (see :mod:`parledger.cache`):

- the structure: the directive and the registry, validated, as objects;
- the ledger's state: how many bytes of the ledger were read, their SHA-256,
  every entry id, and the fold of the entries (:mod:`parledger.fold`);
- the ledger's facts: the entries themselves, read only by commands that need
  them.

A run that finds the ledger's cached bytes still at the start of the file
reads only what was appended since: it validates those entries against the
structure and the known ids, and folds them in when they come after
everything else (a correction, or an assignment dated before the pair's last
one, refolds from the facts).  Anything unexpected — a problem in the new
entries, bytes changed in the middle, a cache item that does not load — falls
back to reading and validating everything, which is also how the problems
are reported, with their lines.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from parledger import cache
from parledger.fold import Fold
from parledger.models import Directive, Entry, Registry
from parledger.workspace import Location, Workspace, load_checked


class _Stale(Exception):
    """The cache cannot answer; read everything."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def load(location: Location) -> Workspace:
    if cache.folder() is None:
        return load_checked(location)
    try:
        directive_bytes = location.directive_path.read_bytes()
        registry_bytes = location.registry_path.read_bytes()
    except OSError:
        return load_checked(location)  # reports the missing or unreadable file
    structure_key = cache.key("structure", directive_bytes, registry_bytes)
    ledger_path = location.ledger_path
    ledger_key = cache.key("ledger", structure_key, str(ledger_path.resolve()))
    ledger_bytes = _read(ledger_path)
    structure = cache.get(f"s-{structure_key}")
    if structure is not None:
        try:
            return _warm(location, structure, ledger_key, ledger_bytes)
        except _Stale:
            pass
    workspace = load_checked(location)
    cache.put(f"s-{structure_key}", (workspace.directive, workspace.registry))
    _store(ledger_key, ledger_bytes, workspace.entries, workspace)
    return workspace


def _store(
    ledger_key: str, ledger_bytes: bytes, entries: list[Entry], workspace: Workspace
) -> None:
    sha = hashlib.sha256(ledger_bytes).hexdigest()
    folded = workspace.fold_all()
    state = {
        "length": len(ledger_bytes),
        "sha": sha,
        "ids": [entry.id for entry in entries],
        "fold": folded.as_data(),
    }
    cache.put(f"l-{ledger_key}", state)
    cache.put(f"f-{ledger_key}", {"length": len(ledger_bytes), "sha": sha, "entries": entries})


def _warm(location: Location, structure: Any, ledger_key: str, ledger_bytes: bytes) -> Workspace:
    directive, registry = structure
    if not isinstance(directive, Directive) or not isinstance(registry, Registry):
        raise _Stale
    state = cache.get(f"l-{ledger_key}")
    if not isinstance(state, dict):
        raise _Stale
    length = state["length"]
    if len(ledger_bytes) < length:
        raise _Stale
    prefix = hashlib.sha256(ledger_bytes[:length])
    if prefix.hexdigest() != state["sha"]:
        raise _Stale
    ids: set[str] = set(state["ids"])
    folded = Fold.from_data(state["fold"])
    tail = ledger_bytes[length:]

    def read_entries() -> list[Entry]:
        return _facts(location, ledger_key, ledger_bytes, length, state["sha"])

    workspace = Workspace(
        location,
        directive,
        registry,
        read_entries=read_entries,
        folded=folded,
        ids=ids,
        ledger_length=len(ledger_bytes),
    )
    if not tail.strip():
        return workspace
    appended = _appended(location, workspace, tail)
    from parledger.outline import Outline

    members = Outline(directive, registry).members
    for entry in appended:
        ids.add(entry.id)
        if not folded.apply(entry, members, in_order=False):
            workspace.refold()
            break
    prefix.update(tail)
    cache.put(
        f"l-{ledger_key}",
        {
            "length": len(ledger_bytes),
            "sha": prefix.hexdigest(),
            "ids": [*state["ids"], *(entry.id for entry in appended)],
            "fold": workspace.fold_all().as_data(),
        },
    )
    return workspace


def _appended(location: Location, workspace: Workspace, tail: bytes) -> list[Entry]:
    """The entries appended since the cached state, validated; any problem
    sends the load down the full path, which reports it with its line."""
    from parledger import journal, schema, yamlio
    from parledger.ledger import LoadedLedger
    from parledger.models import CorrectionEntry
    from parledger.validate import ledger_crossref_problems

    try:
        raw, positions = journal.parse(tail.decode("utf-8"))
        entries = [schema.entry(item) for item in raw]
    except Exception as exc:  # not canonical, not UTF-8, not valid: let the full path say
        raise _Stale from exc
    if any(isinstance(entry, CorrectionEntry) for entry in entries):
        raise _Stale  # it rewrites an earlier fact: check and fold everything
    if len({entry.id for entry in entries} | workspace.ids) != len(workspace.ids) + len(entries):
        raise _Stale  # a duplicate id: validate names both places
    view = LoadedLedger(
        entries=entries,
        indexes=list(range(len(entries))),
        loaded=yamlio.Loaded(path=location.ledger_path, data=raw, positions=positions),
    )
    if ledger_crossref_problems(view, workspace.directive, workspace.registry):
        raise _Stale
    return entries


def _facts(
    location: Location, ledger_key: str, ledger_bytes: bytes, length: int, sha: str
) -> list[Entry]:
    """Every entry: the cached ones, then those appended since."""
    stored = cache.get(f"f-{ledger_key}")
    if isinstance(stored, dict) and stored.get("length") == length and stored.get("sha") == sha:
        entries: list[Entry] = list(stored["entries"])
        tail = ledger_bytes[length:]
        if tail.strip():
            from parledger import journal, schema

            raw, _ = journal.parse(tail.decode("utf-8"))
            entries += [schema.entry(item) for item in raw]
        return entries
    workspace = load_checked(location)
    return workspace.entries
