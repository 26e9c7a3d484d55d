"""Writing to the ledger: what an analyst typed, checked, as one new entry.

Commands here build one entry (an assignment, a progress report, a
correction), check it against the workspace (task, agency, values, the entry
it corrects) and append it through :mod:`parledger.store.journal`.  Nothing
is written unless every check passes.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from parledger.model.dates import display, parse_date, parse_fact_date
from parledger.model.docref import evidence_after, office_date, read_evidence
from parledger.model.errors import UsageError
from parledger.model.models import (
    AssignEntry,
    CorrectionEntry,
    Effect,
    Entry,
    EntryKind,
    Node,
    ProgressEntry,
    Role,
    Status,
    UnassignEntry,
)
from parledger.model.names import Match
from parledger.rules import plausible
from parledger.rules.fold import corrected, effective, root_of
from parledger.rules.succession import ended
from parledger.store import journal, schema
from parledger.store.workspace import Location, Workspace
from parledger.track.inputs import Clock, clean_text, recorder
from parledger.track.query import find_node, outline_of
from parledger.track.status import owes


def task_item(workspace: Workspace, task_id: str) -> Node:
    outline = outline_of(workspace)
    node = find_node(outline, task_id)
    if not outline.is_task(node):
        purpose = outline.effect_of(node) is Effect.PURPOSE
        what = f"a {node.kind.value} of the outline"
        raise UsageError(
            f"{node.id} is {what}{' that states a purpose' if purpose else ''}, not a task; "
            "give one of its numbered or lettered items (parledger tasks)"
        )
    return node


@dataclass(frozen=True)
class Written:
    """An entry appended, and what it says that looks wrong though it may be
    true (:mod:`parledger.rules.plausible`): a sentence each, for the user."""

    entry: Entry
    warnings: list[str]


def warnings(workspace: Workspace, fact: Entry) -> list[str]:
    """What a fact (an entry as it stands) says that is unlikely."""
    issued = workspace.directive.metadata.date
    return [doubt.message for doubt in plausible.doubts(fact, issued) if not doubt.refused]


def _written(workspace: Workspace, entry: Entry) -> Written:
    return Written(entry, warnings(workspace, entry))


@dataclass(frozen=True)
class Common:
    """What every entry carries besides its kind's own fields."""

    date: str | None = None
    by: str | None = None
    note: str | None = None


def _base(
    workspace: Workspace,
    node: Node,
    party: Match,
    common: Common,
    clock: Clock,
    *,
    dated: bool = True,
) -> dict[str, Any]:
    by = clean_text(common.by, "--by", lines=False) or recorder(workspace.location.root)
    day = parse_fact_date(common.date, clock.today)
    if dated:
        existing(workspace, party, day)
    return {
        "task": node.id,
        "agency": party.id if party.kind == "agency" else None,
        "group": party.id if party.kind == "group" else None,
        "date": day,
        "recorded": clock.now,
        "by": by,
        "note": clean_text(common.note, "--note"),
    }


def existing(workspace: Workspace, party: Match, day: dt.date) -> None:
    """Refuse a fact about an agency or group on a day it did not exist,
    naming who took over (the registry's changes of agencies)."""
    registry = workspace.registry
    found = (
        next((a for a in registry.agencies if a.id == party.id), None)
        if party.kind == "agency"
        else next((g for g in registry.groups if g.id == party.id), None)
    )
    if found is None or found.exists_on(day):
        return
    name = found.name
    if found.valid_from is not None and day < found.valid_from:
        raise UsageError(
            f"{name} was set up on {display(found.valid_from)}: a fact of {display(day)} "
            "is about whoever held its duties then"
        )
    ending = ended(registry, party.id)
    names = {a.id: a.name for a in registry.agencies}
    if ending:
        event = ending[0]
        after = [event.into] if event.into else list(event.to)
        who = ", ".join(names.get(a, a) for a in after) or "nobody named"
        raise UsageError(
            f"{name} ended on {display(found.valid_until or event.date)} ({event.kind} "
            f"{display(event.date)}, {event.source}); record against {who}, or give "
            f"--date on or before {display(found.valid_until or event.date)}"
        )
    last = found.valid_until or day
    raise UsageError(f"{name} ended on {display(last)}: a fact of {display(day)} is not about it")


def assign(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    role: Role = Role.IMPLEMENT,
    due: str | None = None,
    common: Common = Common(),
    clock: Clock | None = None,
) -> Written:
    entry = assign_entry(
        workspace, task_id, party, role=role, due=due, common=common, clock=clock or Clock.system()
    )
    return _written(workspace, _append(workspace, entry))


def assign_entry(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    role: Role = Role.IMPLEMENT,
    due: str | None = None,
    common: Common = Common(),
    clock: Clock,
    dated: bool = True,
) -> dict[str, Any]:
    """The assignment ``assign`` appends, checked, not yet written.
    ``dated=False`` leaves out :func:`existing`, for bulk entry, which asks
    it only of a row that says something new: a sheet exported today holds
    rows of agencies ended since, given back unchanged."""
    node = task_item(workspace, task_id)
    return _base(workspace, node, party, common, clock, dated=dated) | {
        "kind": EntryKind.ASSIGN,
        "role": role,
        "due": parse_date(due, "--due") if due is not None else None,
    }


def unassign(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    reason: str | None,
    common: Common = Common(),
    clock: Clock | None = None,
) -> Written:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    entry = _base(workspace, node, party, common, clock) | {
        "kind": EntryKind.UNASSIGN,
        "reason": clean_text(reason, "--reason", required=True),
    }
    if party.kind == "agency" and not owes(workspace, node.id, party.id):
        raise UsageError(f"{party.id} does not owe {node.id}; there is nothing to unassign")
    return _written(workspace, _append(workspace, entry))


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
) -> Written:
    entry = progress_entry(
        workspace, task_id, agency, status=status, percent=percent, value=value,
        target=target, evidence=evidence, common=common, clock=clock or Clock.system(),
    )  # fmt: skip
    return _written(workspace, _append(workspace, entry))


def progress_entry(
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
    clock: Clock,
    dated: bool = True,
) -> dict[str, Any]:
    """The progress report ``record`` appends, checked, not yet written
    (``dated``: as for :func:`assign_entry`)."""
    node = task_item(workspace, task_id)
    if agency.kind != "agency":
        raise UsageError(
            "progress is recorded for one agency, not a group; give the agency that reported"
        )
    day = parse_fact_date(common.date, clock.today)
    if dated:
        existing(workspace, agency, day)
    if not owes(workspace, node.id, agency.id, today=clock.today, on=day):
        if owes(workspace, node.id, agency.id, today=clock.today):
            raise UsageError(
                f"{agency.id} took {node.id} over from an agency that ended after "
                f"{display(day)}: a fact of that day is that agency's; record against it, "
                f"or give the date of {agency.id}'s own report (--date)"
            )
        raise UsageError(
            f"{agency.id} does not owe {node.id}; if it should, first run "
            f"'parledger assign {node.id} --agency {agency.id}'"
        )
    percent = _percent(status, percent)
    target = _target(node, value, target)
    entry = _base(workspace, node, agency, common, clock, dated=False) | {
        "kind": EntryKind.PROGRESS,
        "status": status,
        "percent": percent,
        "value": value,
        "target": target,
    }
    return entry | _cited(evidence, entry["date"], "--date")


def _cited(evidence: Iterable[str], fact: dt.date, source: str) -> dict[str, list[str] | None]:
    """The evidence as the ledger keeps it: each citation in its canonical
    form, and the texts as typed beside them when any differs.  Refused
    when a document is dated after the fact it is to prove."""
    citations = [read_evidence(item) for item in evidence]
    late = evidence_after(citations, fact)
    if late is not None and late.date is not None:
        raise UsageError(
            f"evidence '{late.written}' is dated {office_date(late.date)}, after the fact's "
            f"date {display(fact)} ({source}); a fact is dated no earlier than the document "
            "that proves it: check the document's date, or the fact's"
        )
    canonical = [citation.canonical for citation in citations]
    written = [citation.written for citation in citations]
    return {"evidence": canonical, "evidence_as_written": written if written != canonical else None}


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
    doubts = plausible.progress_doubts(status, percent) if status is not None else []
    refused = [doubt for doubt in doubts if doubt.refused]
    if refused:
        raise UsageError(refused[0].message)
    return percent


def _target(node: Node, value: float | None, target: str | None) -> str | None:
    if value is not None and not math.isfinite(value):
        raise UsageError(
            f"--value {value} is not a number a report can state; give the figure, e.g. 12 or 3.5"
        )
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
    agency: Match | None = None  # the agency (or group) the fact is about


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
) -> Written:
    """Append a correction of an entry: what it changes, or its withdrawal.
    The fact as corrected is held to the rules a new entry is: refused if it
    cannot be true, with warnings if it is unlikely."""
    clock = clock or Clock.system()
    writable(workspace)
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
    first = by_id[root_id]  # every correction in a chain names the party first recorded
    entry: dict[str, Any] = {
        "kind": EntryKind.CORRECTION,
        "task": first.task,
        "agency": first.agency,
        "group": first.group,
        "date": clock.today,
        "recorded": clock.now,
        "by": clean_text(by, "--by", lines=False) or recorder(workspace.location.root),
        "supersedes": entry_id,
        "reason": clean_text(reason, "--reason", required=True),
        "void": True if void else None,
    }
    if "date" in given:
        entry["fact_date"] = parse_fact_date(changes.date, clock.today)
    fact_day: dt.date = entry.get("fact_date") or fact.date
    entry["note"] = clean_text(changes.note, "--note")
    if changes.agency is not None:
        entry |= _moved(workspace, fact, changes.agency)
    if isinstance(fact, ProgressEntry):
        if "status" in given or "percent" in given:
            status = changes.status or fact.status
            # Done means 100%: a report corrected to done needs no --percent.
            percent = changes.percent
            if percent is None and status is not Status.DONE:
                percent = fact.percent
            try:
                entry["percent"] = _percent(status, percent)
            except UsageError as exc:
                if changes.percent is not None:
                    raise
                raise UsageError(
                    f"{exc} (entry {entry_id} says {fact.percent}%: give --percent too)"
                ) from None
            entry["status"] = changes.status
        if "value" in given or "target" in given:
            value = changes.value if changes.value is not None else fact.value
            entry["value"] = value
            entry["target"] = _target(node, value, changes.target or fact.target)
        if changes.evidence is not None:
            source = "--date" if "date" in given else f"entry {root_id}"
            entry |= _cited(changes.evidence, fact_day, source)
        elif "date" in given:
            # A new day for the fact must not put it before its evidence.
            _cited(fact.evidence, fact_day, "--date")
    if isinstance(fact, AssignEntry):
        entry["role"] = changes.role
        entry["due"] = parse_date(changes.due, "--due") if changes.due is not None else None
    prepared = prepare(entry)
    if void:
        return Written(append_all(workspace, [prepared])[0], [])
    assert isinstance(prepared.entry, CorrectionEntry)
    try:
        result = corrected(fact, prepared.entry)
    except ValueError as exc:
        raise UsageError(f"entry {entry_id} as corrected would not stand: {exc}") from None
    issued = workspace.directive.metadata.date
    refused = [doubt for doubt in plausible.doubts(result, issued) if doubt.refused]
    if refused:
        raise UsageError(f"entry {entry_id} as corrected: {refused[0].message}")
    return Written(append_all(workspace, [prepared])[0], warnings(workspace, result))


def _moved(workspace: Workspace, fact: Entry, party: Match) -> dict[str, Any]:
    """The fields that move a fact to another agency or group, checked as
    the command that writes such a fact would check them."""
    current = fact.agency if fact.agency is not None else f"group:{fact.group}"
    wanted = party.id if party.kind == "agency" else f"group:{party.id}"
    if wanted == current:
        raise UsageError(f"entry {fact.id} is about {current} already; nothing to correct")
    if isinstance(fact, ProgressEntry):
        if party.kind != "agency":
            raise UsageError(
                "progress is recorded for one agency, not a group; give the agency that reported"
            )
        if not owes(workspace, fact.task, party.id):
            raise UsageError(
                f"{party.id} does not owe {fact.task}; if it should, first run "
                f"'parledger assign {fact.task} --agency {party.id}'"
            )
    if (
        isinstance(fact, UnassignEntry)
        and party.kind == "agency"
        and not owes(workspace, fact.task, party.id)
    ):
        raise UsageError(f"{party.id} does not owe {fact.task}; there is nothing to release")
    if party.kind == "agency":
        return {"fact_agency": party.id}
    return {"fact_group": party.id}


def _append(workspace: Workspace, entry: dict[str, Any]) -> Entry:
    """Give the entry a fresh id, validate it as the loader will, append it."""
    writable(workspace)
    return append_all(workspace, [prepare(entry)])[0]


def writable(where: Workspace | Location) -> None:
    """Refuse a write to the read-only bundled workspace, before any work."""
    (where.location if isinstance(where, Workspace) else where).writable()


@dataclass(frozen=True)
class Prepared:
    """An entry as it will be on disk: its line, and the line read back."""

    line: str
    entry: Entry


def prepare(entry: dict[str, Any], taken: set[str] | None = None) -> Prepared:
    """The entry with a fresh id, as one line, validated exactly as the
    loader will read it back (pydantic's ValidationError if it would not).
    ``taken``: ids already drawn for the same write, never drawn again."""
    # No search of the ledger for the new id: 48 random bits make a clash
    # about one in three billion even at 100,000 entries, and a write must
    # cost the same at any size; 'validate' reports a clash should one happen.
    entry_id = draw_entry_id()
    while taken is not None and entry_id in taken:
        entry_id = draw_entry_id()
    if taken is not None:
        taken.add(entry_id)
    line = journal.format_entry({"id": entry_id} | entry)
    return Prepared(line, schema.entry(journal.parse_line(line)))


def append_all(workspace: Workspace, prepared: Sequence[Prepared]) -> list[Entry]:
    """Append the entries as one write under the ledger's lock: every one of
    them or, should the write fail, none."""
    location: Location = workspace.location
    writable(workspace)
    if not prepared:
        return []
    text = "".join(item.line for item in prepared)
    entries = [item.entry for item in prepared]
    written = journal.append(
        location.ledger_path, lambda current: text, directive_id=workspace.directive.id
    )
    if written is not None and workspace.after_append is not None:
        workspace.after_append(entries, *written)
    return entries


def draw_entry_id() -> str:
    """A random id: unique across branches without coordination."""
    return f"e-{secrets.token_hex(6)}"
