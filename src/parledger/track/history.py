"""The audit trail: ledger entries as people and scripts read them."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from parledger.model.dates import display, parse_date
from parledger.model.docref import shown_evidence
from parledger.model.models import (
    AssignEntry,
    CorrectionEntry,
    Entry,
    ProgressEntry,
    UnassignEntry,
)
from parledger.model.records import Record, cell, plain
from parledger.model.text import shown
from parledger.rules.outline import Outline
from parledger.store.workspace import Workspace
from parledger.track.query import find_node, outline_of


def _party(entry: Entry) -> str:
    return entry.agency if entry.agency is not None else f"group:{entry.group}"


_CHANGED = (
    ("fact_date", "date"), ("fact_agency", "agency"), ("fact_group", "group"),
    ("status", "status"), ("percent", "percent"), ("value", "value"), ("target", "target"),
    ("evidence", "evidence"), ("role", "role"), ("due", "due"),
)  # fmt: skip


def _said(value: object) -> str:
    if isinstance(value, dt.date):
        return display(value)
    return cell(value.value if isinstance(value, Enum) else value)


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
        # The fields of the fact it changes, by the names people know them by.
        changed = [
            (label, getattr(entry, name))
            for name, label in _CHANGED
            if getattr(entry, name) is not None
        ]
        what = ", ".join(
            f"{label} {_said([shown_evidence(i) for i in value] if label == 'evidence' else value)}"
            for label, value in changed
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
    ``agencies``: only those that concern one of them (an export's filter).
    What each says, in words, is the presenter's (``present.trail``)."""
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
                "entry": plain(entry),
            }
        )
    return out


def _concerns(outline: Outline, entry: Entry, agency: str) -> bool:
    """An entry concerns the agency it names, or every member of its group;
    a correction, also the agency or group it moves the fact to."""
    if isinstance(entry, CorrectionEntry) and (
        entry.fact_agency == agency
        or (entry.fact_group is not None and agency in outline.members(entry.fact_group))
    ):
        return True
    if entry.agency is not None:
        return entry.agency == agency
    return agency in outline.members(entry.group or "")


def cell_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
