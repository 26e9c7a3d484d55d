"""The ledger: what happened to the directive's tasks, as entries.

Commands here build one entry from what an analyst typed, check it against
the workspace (task, agency, values, the entry it corrects) and append it
through :mod:`parledger.journal`.  Nothing is written unless every check
passes.  Replaying the entries (corrections applied, withdrawn entries
dropped) gives the ledger's current view; :mod:`parledger.status` turns that
into the state of each task.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parledger import journal, yamlio
from parledger.dates import parse_date, parse_fact_date
from parledger.docref import normalise_evidence
from parledger.errors import Problem, UsageError
from parledger.fold import effective, root_of
from parledger.inputs import Clock, clean_text, recorder
from parledger.models import (
    AssignEntry,
    Entry,
    EntryKind,
    Node,
    NodeKind,
    ProgressEntry,
    Role,
    Status,
)
from parledger.names import Match
from parledger.workspace import Location, Workspace


@dataclass
class LoadedLedger:
    """The ledger's entries in file order, and where each one stands."""

    entries: list[Entry] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)  # each entry's place in the file's list
    loaded: yamlio.Loaded | None = None

    def position(self, entry_number: int, field_name: str | None = None) -> tuple[int, int]:
        """1-based (line, col) of an entry, or of one of its fields."""
        if self.loaded is None:
            return (1, 1)
        path: tuple[str | int, ...] = (self.indexes[entry_number],)
        return self.loaded.position((*path, field_name) if field_name else path)


CHUNK = 5000  # entries validated at a time: the raw data never all in memory


def load(path: Path, data: bytes | None = None) -> tuple[LoadedLedger, list[Problem]]:
    """Read and validate every entry; a missing ledger is an empty one.
    ``data``: the ledger's bytes, already read (the cache parses the very
    bytes it hashed, whatever was appended since)."""
    if data is None and not path.exists():
        return LoadedLedger(), []
    try:
        text = yamlio.read_text(path, journal.read_shared if data is None else lambda _: data)
        fast = _load_canonical(path, text)
        if fast is not None:
            return fast, []
        loaded = read(path, text)
    except yamlio.YamlLoadError as exc:
        return LoadedLedger(), [exc.problem]
    return validate_entries(loaded)


def _load_canonical(path: Path, text: str) -> LoadedLedger | None:
    """The common case, fast and lean: parsed and validated a chunk at a time.
    None when the text is not as parledger writes it or an entry is bad:
    the caller then reads it all and reports every problem."""
    from parledger import schema

    entries: list[Entry] = []
    chunk: list[dict[str, Any]] = []
    try:
        for raw in journal.entries(text):
            chunk.append(raw)
            if len(chunk) == CHUNK:
                entries += schema.entries(chunk)
                chunk = []
        entries += schema.entries(chunk)
    except (journal.NotCanonical, ValueError):  # pydantic's error is a ValueError
        return None
    positions = journal.Positions(text)
    return LoadedLedger(
        entries=entries,
        indexes=list(range(len(entries))),
        loaded=yamlio.Loaded(path=path, data=None, locate=positions.position),
    )


def read(path: Path, text: str | None = None) -> yamlio.Loaded:
    """The ledger's data with positions: the fast reader for the format
    parledger writes, the full YAML loader for anything else."""
    if text is None:
        text = yamlio.read_text(path, journal.read_shared)
    try:
        entries, positions = journal.parse(text)
    except (journal.NotCanonical, ValueError):
        return yamlio.load(path)
    return yamlio.Loaded(path=path, data=entries or None, locate=positions.position)


def validate_entries(loaded: yamlio.Loaded) -> tuple[LoadedLedger, list[Problem]]:
    """Validate each entry on its own, so every bad entry is reported."""
    from parledger import schema
    from parledger.schema import ValidationError

    path = loaded.path
    result = LoadedLedger(loaded=loaded)
    if loaded.data is None:  # only the header comment: no entries yet
        return result, []
    if not isinstance(loaded.data, list):
        return result, [
            Problem(str(path), 1, 1, "invalid-value", "the ledger must be a list of entries")
        ]
    try:
        # One call for the whole list: pydantic is many times faster so.
        result.entries = schema.entries(loaded.data)
        result.indexes = list(range(len(result.entries)))
        return result, []
    except ValidationError:
        pass
    # Something is wrong: validate entry by entry, to keep the good ones
    # and report every bad one at its line.
    problems: list[Problem] = []
    for index, raw in enumerate(loaded.data):
        try:
            entry = schema.entry(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = (index, *(p for p in error["loc"] if not _is_branch(p)))
                line, col = loaded.position(loc)
                problems.append(
                    Problem(str(path), line, col, "invalid-entry", _entry_message(raw, error))
                )
            continue
        result.entries.append(entry)
        result.indexes.append(index)
    return result, problems


def _is_branch(part: Any) -> bool:
    # pydantic names the union branch (assign, progress …) in error locations.
    return isinstance(part, str) and part in {kind.value for kind in EntryKind}


def _entry_message(raw: Any, error: Any) -> str:
    entry_id = raw.get("id", "?") if isinstance(raw, dict) else "?"
    where = ".".join(str(p) for p in error["loc"] if not _is_branch(p)) or "entry"
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"entry {entry_id}: unknown field '{where}'"
    if error["type"] in ("missing", "missing_keyword_argument"):
        return f"entry {entry_id}: required field '{where}' missing"
    return f"entry {entry_id}: {where}: {error['msg']}"


# -- writing -------------------------------------------------------------


def task_item(workspace: Workspace, task_id: str) -> Node:
    from parledger.query import find_node, outline_of

    node = find_node(outline_of(workspace), task_id)
    if node.kind is not NodeKind.ITEM:
        raise UsageError(
            f"{node.id} is a {node.kind.value} of the outline, not a task; "
            "give one of its numbered items (parledger tasks)"
        )
    return node


@dataclass(frozen=True)
class Common:
    """What every entry carries besides its kind's own fields."""

    date: str | None = None
    by: str | None = None
    note: str | None = None


def _base(
    workspace: Workspace, node: Node, party: Match, common: Common, clock: Clock
) -> dict[str, Any]:
    by = clean_text(common.by, "--by") or recorder(workspace.location.root)
    return {
        "task": node.id,
        "agency": party.id if party.kind == "agency" else None,
        "group": party.id if party.kind == "group" else None,
        "date": parse_fact_date(common.date, clock.today),
        "recorded": clock.now,
        "by": by,
        "note": clean_text(common.note, "--note"),
    }


def assign(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    role: Role = Role.IMPLEMENT,
    due: str | None = None,
    common: Common = Common(),
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    entry = _base(workspace, node, party, common, clock) | {
        "kind": EntryKind.ASSIGN,
        "role": role,
        "due": parse_date(due, "--due") if due is not None else None,
    }
    return _append(workspace, entry)


def unassign(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    reason: str | None,
    common: Common = Common(),
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    entry = _base(workspace, node, party, common, clock) | {
        "kind": EntryKind.UNASSIGN,
        "reason": clean_text(reason, "--reason", required=True),
    }
    from parledger.status import owes

    if party.kind == "agency" and not owes(workspace, node.id, party.id):
        raise UsageError(f"{party.id} does not owe {node.id}; there is nothing to unassign")
    return _append(workspace, entry)


def record(
    workspace: Workspace,
    task_id: str,
    agency: Match,
    *,
    status: Status,
    percent: int | None = None,
    value: float | None = None,
    target: str | None = None,
    evidence: Iterable[str] = (),
    common: Common = Common(),
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    if agency.kind != "agency":
        raise UsageError(
            "progress is recorded for one agency, not a group; give the agency that reported"
        )
    from parledger.status import owes

    if not owes(workspace, node.id, agency.id):
        raise UsageError(
            f"{agency.id} does not owe {node.id}; if it should, first run "
            f"'parledger assign {node.id} --agency {agency.id}'"
        )
    percent = _percent(status, percent)
    target = _target(node, value, target)
    entry = _base(workspace, node, agency, common, clock) | {
        "kind": EntryKind.PROGRESS,
        "status": status,
        "percent": percent,
        "value": value,
        "target": target,
        "evidence": [normalise_evidence(item) for item in evidence],
    }
    return _append(workspace, entry)


def _percent(status: Status | None, percent: int | None) -> int | None:
    if percent is not None and not 0 <= percent <= 100:
        raise UsageError(f"--percent {percent} is outside 0–100")
    if status is Status.DONE:
        if percent is not None and percent < 100:
            raise UsageError(
                f"status done with --percent {percent}: done means 100%; "
                "record in_progress with the percent instead"
            )
        return 100
    return percent


def _target(node: Node, value: float | None, target: str | None) -> str | None:
    if value is None and target is None:
        return None
    ids = [t.id for t in node.targets]
    if not ids:
        raise UsageError(f"{node.id} states no quantitative target; --value has nothing to count")
    if target is None:
        if len(ids) > 1:
            raise UsageError(
                f"{node.id} has several targets; choose one with --target ({', '.join(ids)})"
            )
        return ids[0]
    if target not in ids:
        raise UsageError(f"{node.id} has no target '{target}'; its targets: {', '.join(ids)}")
    if value is None:
        raise UsageError("--target needs --value: the figure reached towards it")
    return target


@dataclass(frozen=True)
class Changes:
    """What a correction changes; None leaves a field as it was."""

    date: str | None = None
    note: str | None = None
    status: Status | None = None
    percent: int | None = None
    value: float | None = None
    target: str | None = None
    evidence: Sequence[str] | None = None
    role: Role | None = None
    due: str | None = None


_PROGRESS_ONLY = ("status", "percent", "value", "target", "evidence")
_ASSIGN_ONLY = ("role", "due")


def correct(
    workspace: Workspace,
    entry_id: str,
    *,
    reason: str | None,
    changes: Changes = Changes(),
    void: bool = False,
    by: str | None = None,
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    entries = workspace.entries
    by_id = {entry.id: entry for entry in entries}
    if entry_id not in by_id:
        raise UsageError(
            f"no ledger entry '{entry_id}'; 'parledger history' lists the entries and their ids"
        )
    root_id = root_of(entry_id, by_id)
    facts = {entry.id: entry for entry in effective(entries)}
    if root_id is None or root_id not in facts:
        raise UsageError(f"entry {entry_id} was withdrawn by an earlier correction")
    fact = facts[root_id]
    given = {name: getattr(changes, name) for name in Changes.__dataclass_fields__}
    given = {name: value for name, value in given.items() if value is not None}
    if not given and not void:
        raise UsageError("say what to correct (e.g. --percent 80) or withdraw it with --void")
    if void and given:
        raise UsageError("--void withdraws the entry; it cannot be combined with new values")
    wrong = [
        n
        for n in given
        if (n in _PROGRESS_ONLY and not isinstance(fact, ProgressEntry))
        or (n in _ASSIGN_ONLY and not isinstance(fact, AssignEntry))
    ]
    if wrong:
        raise UsageError(
            f"entry {entry_id} is a {fact.kind.value} entry; --{wrong[0]} does not apply to it"
        )
    node = task_item(workspace, fact.task)
    entry: dict[str, Any] = {
        "kind": EntryKind.CORRECTION,
        "task": fact.task,
        "agency": fact.agency,
        "group": fact.group,
        "date": clock.today,
        "recorded": clock.now,
        "by": clean_text(by, "--by") or recorder(workspace.location.root),
        "supersedes": entry_id,
        "reason": clean_text(reason, "--reason", required=True),
        "void": True if void else None,
    }
    if "date" in given:
        entry["fact_date"] = parse_fact_date(changes.date, clock.today)
    entry["note"] = clean_text(changes.note, "--note")
    if isinstance(fact, ProgressEntry):
        status = changes.status or fact.status
        percent = changes.percent if changes.percent is not None else fact.percent
        if "status" in given or "percent" in given:
            percent = _percent(status, percent)
        entry["status"] = changes.status
        entry["percent"] = percent if ("status" in given or "percent" in given) else None
        if "value" in given or "target" in given:
            value = changes.value if changes.value is not None else fact.value
            entry["value"] = value
            entry["target"] = _target(node, value, changes.target or fact.target)
        if changes.evidence is not None:
            entry["evidence"] = [normalise_evidence(item) for item in changes.evidence]
    if isinstance(fact, AssignEntry):
        entry["role"] = changes.role
        entry["due"] = parse_date(changes.due, "--due") if changes.due is not None else None
    return _append(workspace, entry)


def _append(workspace: Workspace, entry: dict[str, Any]) -> Entry:
    """Give the entry a fresh id, validate it as the loader will, append it."""
    location: Location = workspace.location
    if location.bundled:
        raise UsageError(
            "the bundled workspace is read-only; create your own with "
            "'parledger init DIR', then use --data-dir DIR (or set PARLEDGER_DATA)"
        )
    final: dict[str, Entry] = {}

    known = workspace.known_ids

    def build(current: journal.Current) -> str:
        def taken(candidate: str) -> bool:
            # The ids the load knew, then a byte search of what came after
            # (of everything, when it knew none), never a parse: a write
            # costs about the same at any size.
            needle = f"- id: {candidate}".encode()
            if known is None:
                return current.contains(needle)
            ids, length = known
            return candidate in ids or current.contains(needle, start=length)

        entry_id = new_entry_id(taken)
        raw = {"id": entry_id} | entry
        text = journal.format_entry(raw)
        # Validate exactly what will be on disk, read back as the loader reads it.
        from parledger import schema

        final["entry"] = schema.entry(yamlio.parse(text)[0])
        return text

    written = journal.append(location.ledger_path, build, directive_id=workspace.directive.id)
    if written is not None and workspace.after_append is not None:
        workspace.after_append(final["entry"], *written)
    return final["entry"]


def new_entry_id(taken: Callable[[str], bool]) -> str:
    """A random id that is not taken."""
    candidate = draw_entry_id()
    while taken(candidate):
        candidate = draw_entry_id()
    return candidate


def draw_entry_id() -> str:
    """A random id: unique across branches without coordination."""
    return f"e-{secrets.token_hex(6)}"
