"""Where each task stands: the directive's obligations replayed with the ledger.

Who owes what starts from the directive (its addressees and leads need no
entry), then ledger assignments and unassignments are applied in the order
the facts happened.  Each (task, agency) pair takes its status from its
latest progress entry, and the category that Vietnamese offices' tracking
systems use:

- Hoàn thành đúng hạn — done on or before the due date, or done with no due
  date set;
- Hoàn thành quá hạn — done after the due date;
- Đang thực hiện trong hạn — work reported (in progress, blocked, or a
  percent above 0) and the due date, if any, not passed;
- Quá hạn — not done and the due date passed;
- Chưa thực hiện — nothing reported yet, due date not passed.

The directive sets no deadlines; a due date comes only from an ``assign``
entry.  Continuous tasks (thường xuyên) without one are never overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from parledger.ledger import effective
from parledger.models import (
    AssignEntry,
    Cadence,
    Entry,
    Index,
    ProgressEntry,
    Role,
    Status,
    UnassignEntry,
)
from parledger.outline import Outline, RoleKind
from parledger.outline import Role as DirectiveRole
from parledger.workspace import Workspace


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    NOT_APPLICABLE = "not_applicable"


CATEGORY_VI = {
    Category.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Category.DONE_LATE: "Hoàn thành quá hạn",
    Category.IN_PROGRESS: "Đang thực hiện trong hạn",
    Category.OVERDUE: "Quá hạn",
    Category.NOT_STARTED: "Chưa thực hiện",
    Category.NOT_APPLICABLE: "Không áp dụng",
}


@dataclass
class TaskState:
    """One agency's standing on one task."""

    task: str
    agency: str
    directive_roles: tuple[DirectiveRole, ...] = ()  # from the directive's wording
    ledger_role: Role | None = None  # from the latest assign entry
    assigned_in: str | None = None  # id of that assign entry
    due: dt.date | None = None
    continuous: bool = False
    status: Status = Status.NOT_STARTED
    percent: int | None = None
    value: float | None = None
    target: str | None = None
    last_update: dt.date | None = None
    evidence: list[str] = field(default_factory=list)
    entry: str | None = None  # id of the progress entry the status comes from
    category: Category = Category.NOT_STARTED


def states(
    workspace: Workspace, *, as_of: dt.date | None = None, today: dt.date | None = None
) -> list[TaskState]:
    """Every owed (task, agency) pair, in outline then registry order."""
    outline = Outline(workspace.directive, workspace.registry)
    cutoff = as_of or today or dt.date.today()
    facts = sorted(
        (entry for entry in effective(workspace.entries) if entry.date <= cutoff),
        key=lambda entry: entry.date,  # stable: equal dates keep file order
    )
    owed = _obligations(outline, facts)
    for entry in facts:
        if isinstance(entry, ProgressEntry) and entry.agency is not None:
            state = owed.get((entry.task, entry.agency))
            if state is not None:
                _apply_progress(state, entry)
    for state in owed.values():
        state.category = categorise(state, cutoff)
    order = _order(outline)
    return sorted(owed.values(), key=lambda s: (order[0].get(s.task, 0), order[1].get(s.agency, 0)))


def _obligations(outline: Outline, facts: Sequence[Entry]) -> dict[tuple[str, str], TaskState]:
    def continuous(task: str) -> bool:
        node = outline.nodes.get(task)
        return node is not None and node.cadence is Cadence.CONTINUOUS

    owed: dict[tuple[str, str], TaskState] = {}
    for ob in outline.obligations():
        owed[(ob.task, ob.agency)] = TaskState(
            task=ob.task,
            agency=ob.agency,
            directive_roles=ob.roles,
            continuous=continuous(ob.task),
        )
    for entry in facts:
        if not isinstance(entry, AssignEntry | UnassignEntry):
            continue
        agencies = [entry.agency] if entry.agency else outline.members(entry.group or "")
        for agency in agencies:
            key = (entry.task, agency)
            if isinstance(entry, UnassignEntry):
                owed.pop(key, None)
                continue
            state = owed.setdefault(
                key, TaskState(task=entry.task, agency=agency, continuous=continuous(entry.task))
            )
            state.ledger_role = entry.role
            state.assigned_in = entry.id
            state.due = entry.due if entry.due is not None else state.due
    return owed


def _apply_progress(state: TaskState, entry: ProgressEntry) -> None:
    state.status = entry.status
    state.percent = entry.percent
    if entry.value is not None:
        state.value, state.target = entry.value, entry.target
    state.last_update = entry.date
    state.evidence = list(entry.evidence)
    state.entry = entry.id


def categorise(state: TaskState, today: dt.date) -> Category:
    if state.status is Status.NOT_APPLICABLE:
        return Category.NOT_APPLICABLE
    if state.status is Status.DONE:
        late = (
            state.due is not None
            and state.last_update is not None
            and state.last_update > state.due
        )
        return Category.DONE_LATE if late else Category.DONE_ON_TIME
    if state.due is not None and today > state.due:
        return Category.OVERDUE
    started = state.status in (Status.IN_PROGRESS, Status.BLOCKED) or bool(state.percent)
    return Category.IN_PROGRESS if started else Category.NOT_STARTED


def _order(outline: Outline) -> tuple[dict[str, int], dict[str, int]]:
    tasks = {node.id: i for i, node in enumerate(outline.directive.outline)}
    agencies = {agency_id: i for i, agency_id in enumerate(outline.agencies)}
    return tasks, agencies


def owes(workspace: Workspace, task: str, agency: str) -> bool:
    """Whether the agency owes the task today, directive and ledger together."""
    return any(s.task == task and s.agency == agency for s in states(workspace))


# -- records for tables and exports ----------------------------------------

Record = dict[str, Any]


def _roles(outline: Outline, state: TaskState) -> list[str]:
    roles = [outline.describe(role) for role in state.directive_roles]
    if state.ledger_role is not None:
        roles.append(f"assigned: {state.ledger_role.value}")
    return roles


def _main_role(state: TaskState) -> str:
    """One word for a narrow table: the strongest reason the agency owes it."""
    kinds = {role.kind for role in state.directive_roles}
    if RoleKind.LEAD in kinds or state.ledger_role is Role.LEAD:
        return "lead"
    if state.ledger_role is not None:
        return state.ledger_role.value
    if RoleKind.NAMED in kinds:
        return "named"
    if any(role.group for role in state.directive_roles):
        return "group"
    return "addressee"


def agency_rows(
    workspace: Workspace,
    agency_id: str,
    *,
    index: Index | None = None,
    as_of: dt.date | None = None,
) -> list[Record]:
    """The tasks an agency owes, in outline order, with where each stands."""
    outline = Outline(workspace.directive, workspace.registry)
    out: list[Record] = []
    for state in states(workspace, as_of=as_of):
        if state.agency != agency_id:
            continue
        node = outline.nodes[state.task]
        node_index = outline.index_of(node)
        if index is not None and node_index is not index:
            continue
        out.append(
            {
                "task": state.task,
                "agency": state.agency,
                "index": node_index.value if node_index else None,
                "title": outline.title(node),
                "role": _main_role(state),
                "roles": _roles(outline, state),
                "lead": _main_role(state) == "lead",
                "cadence": node.cadence.value if node.cadence else None,
                "due": state.due.isoformat() if state.due else None,
                "status": state.status.value,
                "percent": state.percent,
                "value": state.value,
                "target": state.target,
                "category": state.category.value,
                "last_update": state.last_update.isoformat() if state.last_update else None,
                "evidence": state.evidence,
                "entry": state.entry,
            }
        )
    return out


COUNTED = [c for c in Category if c is not Category.NOT_APPLICABLE]


def overview_rows(workspace: Workspace, *, as_of: dt.date | None = None) -> list[Record]:
    """One row per agency that owes anything: counts per category, in registry order."""
    outline = Outline(workspace.directive, workspace.registry)
    rows: dict[str, Record] = {}
    for state in states(workspace, as_of=as_of):
        agency = outline.agencies.get(state.agency)
        row = rows.setdefault(
            state.agency,
            {
                "agency": state.agency,
                "name": agency.name if agency else state.agency,
                "kind": agency.kind.value if agency else None,
                "tasks": 0,
                **{category.value: 0 for category in Category},
                "completion": None,
                "last_update": None,
            },
        )
        row["tasks"] += 1
        row[state.category.value] += 1
        if state.last_update is not None:
            last = state.last_update.isoformat()
            row["last_update"] = max(row["last_update"] or last, last)
    for row in rows.values():
        applicable = row["tasks"] - row[Category.NOT_APPLICABLE.value]
        done = row[Category.DONE_ON_TIME.value] + row[Category.DONE_LATE.value]
        row["completion"] = round(100 * done / applicable) if applicable else None
    order = {agency_id: i for i, agency_id in enumerate(outline.agencies)}
    return sorted(rows.values(), key=lambda row: order.get(row["agency"], len(order)))
