"""The audit trail: ledger entries as people and scripts read them."""

from __future__ import annotations

import datetime as dt

from parledger.model.dates import display, parse_date
from parledger.model.docref import shown_evidence
from parledger.model.models import AssignEntry, Entry, ProgressEntry, UnassignEntry
from parledger.model.records import Record, cell, plain
from parledger.model.text import shown
from parledger.rules.outline import Outline
from parledger.store.workspace import Workspace
from parledger.track.query import find_node, outline_of


def _party(entry: Entry) -> str:
    return entry.agency if entry.agency is not None else f"group:{entry.group}"


def entry_details(entry: Entry) -> str:
    """What an entry says besides who and which task, in one line."""
    bits: list[str] = []
    if isinstance(entry, AssignEntry):
        bits.append(f"role {entry.role.value}")
        if entry.due:
            bits.append(f"due {display(entry.due)}")
    elif isinstance(entry, UnassignEntry):
        bits.append(f"reason: {entry.reason}")
    elif isinstance(entry, ProgressEntry):
        bits.append(
            entry.status.value + (f" {entry.percent}%" if entry.percent is not None else "")
        )
        if entry.value is not None:
            bits.append(f"value {cell(entry.value)} ({entry.target})")
        if entry.evidence:
            bits.append("evidence: " + "; ".join(map(shown_evidence, entry.evidence)))
    else:
        changed = {
            name: getattr(entry, name)
            for name in (
                "fact_date",
                "status",
                "percent",
                "value",
                "target",
                "evidence",
                "role",
                "due",
            )
            if getattr(entry, name) is not None
        }
        if entry.evidence is not None:
            changed["evidence"] = [shown_evidence(item) for item in entry.evidence]
        what = ", ".join(
            f"{k} {cell(v.value if hasattr(v, 'value') else v)}" for k, v in changed.items()
        )
        verb = "withdraws" if entry.void else "corrects"
        bits.append(f"{verb} {entry.supersedes}" + (f": {what}" if what else ""))
        bits.append(f"reason: {entry.reason}")
    if entry.note:
        bits.append(f"note: {entry.note}")
    # One line, as promised: a note's or reason's line breaks are shown as \n.
    return shown("; ".join(bits))


def entry_summary(entry: Entry, workspace: Workspace) -> str:
    """One line for a command to confirm what it recorded."""
    names = {a.id: a.name for a in workspace.registry.agencies}
    names |= {f"group:{g.id}": g.name for g in workspace.registry.groups}
    party = _party(entry)
    return f"{entry.kind.value} {entry.task} · {names.get(party, party)} · {entry_details(entry)}"


def history(
    workspace: Workspace,
    *,
    task: str | None = None,
    agency: str | None = None,
    since: str | None = None,
    agencies: frozenset[str] | None = None,
) -> list[Record]:
    """Every entry, corrections included, in the order they were recorded;
    ``agencies``: only those that concern one of them (an export's filter)."""
    outline = outline_of(workspace)
    wanted_task = find_node(outline, task).id if task is not None else None
    since_day = parse_date(since, "--since") if since is not None else None
    numbered = sorted(enumerate(workspace.entries), key=lambda pair: (pair[1].recorded, pair[0]))
    out: list[Record] = []
    for _, entry in numbered:
        if wanted_task is not None and entry.task != wanted_task:
            continue
        if agency is not None and not _concerns(outline, entry, agency):
            continue
        if agencies is not None and not any(_concerns(outline, entry, a) for a in agencies):
            continue
        if since_day is not None and entry.date < since_day:
            continue
        out.append(
            {
                "recorded": cell_time(entry.recorded),
                "by": entry.by,
                "id": entry.id,
                "kind": entry.kind.value,
                "task": entry.task,
                "party": _party(entry),
                "date": entry.date.isoformat(),
                "details": entry_details(entry),
                "entry": plain(entry),
            }
        )
    return out


def _concerns(outline: Outline, entry: Entry, agency: str) -> bool:
    """An entry concerns the agency it names, or every member of its group."""
    if entry.agency is not None:
        return entry.agency == agency
    return agency in outline.members(entry.group or "")


def cell_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
