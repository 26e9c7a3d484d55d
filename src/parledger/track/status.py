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
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from parledger.model.models import (
    Cadence,
    Event,
    Role,
    Status,
)
from parledger.model.periods import Calendar, Period, quarter_of
from parledger.model.records import Record
from parledger.rules.fold import PRESENT, TARGET, VALUE, Fold, Pair
from parledger.rules.outline import DirectiveRole, DirectiveRoleKind, Outline
from parledger.rules.succession import Succession
from parledger.store.calendar import calendar
from parledger.store.workspace import Workspace


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"
    NOT_APPLICABLE = "not_applicable"


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
    note: str | None = None  # that entry's note: why a task is blocked, say
    category: Category = Category.NOT_STARTED
    stale: bool = False  # continuous, and no report in the period
    # Set when the registry's changes of agencies moved the obligation:
    # the agency that owed it first, and the day ``agency`` took it over.
    inherited_from: str | None = None
    since: dt.date | None = None
    # Set when the agency that owed it ended and no successor is named for
    # this task: the change that ended it.
    unresolved: Event | None = None


@dataclass(frozen=True)
class Scope:
    """What a status or report asks about: which day, which period, which tasks."""

    as_of: dt.date | None = None
    period: Period | None = None
    index: str | None = None  # an index's id, as the catalog has it
    dimension: str | None = None  # a dimension's id
    category: Category | None = None
    # Only these agencies (several --agency, or a group's members); None: all.
    agencies: frozenset[str] | None = None
    # Only tasks not done that fall due by this day (overdue ones included).
    due_by: dt.date | None = None

    def cutoff(self, today: dt.date | None = None) -> dt.date:
        """The day deadlines are judged on: --as-of, else the period's cut-off, else today."""
        if self.as_of is not None:
            return self.as_of
        if self.period is not None:
            return self.period.end
        return today or dt.date.today()

    def window(self, calendar: Calendar, today: dt.date | None = None) -> Period:
        """The period a continuous task must have a report in: the one asked
        for, else the calendar's quarter of the cut-off."""
        return self.period or quarter_of(self.cutoff(today), calendar)


def states(
    workspace: Workspace,
    *,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    scope: Scope | None = None,
    agency: str | None = None,
) -> list[TaskState]:
    """Every owed (task, agency) pair, in outline then registry order; only
    ``agency``'s when given (a province has thousands of pairs, and the
    common question is about one agency)."""
    outline = Outline(workspace.directive, workspace.registry)
    scope = scope or Scope(as_of=as_of)
    cutoff = scope.cutoff(today)
    window = scope.window(calendar(workspace.location), today)
    folded = workspace.fold(cutoff)
    # A report counts for the period if it falls inside it: the latest report
    # up to the period's end must not be older than the period's start.
    reports = folded if window.end >= cutoff else workspace.fold(window.end)
    start = window.start.toordinal()

    def continuous(task: str) -> bool:
        node = outline.nodes.get(task)
        return node is not None and node.cadence is Cadence.CONTINUOUS

    succession = Succession(workspace.registry, workspace.key)
    # One agency's pairs, and those of the agencies whose obligations may
    # have passed to it.
    wanted = None if agency is None else succession.sources(agency)

    owed: dict[Pair, TaskState] = {}
    for ob in outline.obligations():
        if wanted is not None and ob.agency not in wanted:
            continue
        owed[(ob.task, ob.agency)] = TaskState(
            task=ob.task, agency=ob.agency, directive_roles=ob.roles, continuous=continuous(ob.task)
        )
    for pair, (_, _, present, dropped, role, due, entry_id) in folded.assignments.items():
        if wanted is not None and pair[1] not in wanted:
            continue
        if not present:
            owed.pop(pair, None)
            continue
        state = owed.get(pair) if not dropped else None
        if state is None:
            state = owed[pair] = TaskState(
                task=pair[0], agency=pair[1], continuous=continuous(pair[0])
            )
        state.ledger_role = Role(role) if role else None
        state.assigned_in = entry_id
        state.due = dt.date.fromordinal(due) if due else None
    for pair, state in owed.items():
        progress = folded.progress.get(pair)
        if progress is not None:
            day, _, status, percent, evidence, entry_id, note = progress
            state.note = note
            state.status = Status(status)
            state.percent = percent
            state.last_update = dt.date.fromordinal(day)
            state.evidence = list(evidence)
            state.entry = entry_id
        value = folded.values.get(pair)
        if value is not None:
            state.value, state.target = value[VALUE], value[TARGET]
        last_report = reports.progress.get(pair)
        if succession:
            taken = _hand_over(state, succession, folded, cutoff)
            if taken is not None:
                later = reports.progress.get((state.task, state.agency))
                if later is not None and later[0] >= taken.toordinal():
                    last_report = later
        state.category = categorise(state, cutoff)
        reported = last_report is not None and last_report[0] >= start
        state.stale = (
            state.continuous and state.status is not Status.NOT_APPLICABLE and not reported
        )
    held = _one_per_pair(owed.values()) if succession else list(owed.values())
    found = [state for state in held if agency is None or state.agency == agency]
    order = _order(outline)
    return sorted(found, key=lambda s: (order[0].get(s.task, 0), order[1].get(s.agency, 0)))


def _one_per_pair(held: Iterable[TaskState]) -> list[TaskState]:
    """One state per (task, agency) after the handovers: a successor that
    owes the task itself (every department owes a group's task), or took it
    over from two agencies merged into it, answers for it once.  The state
    kept is the one last reported on; else the one the directive or the
    ledger singles out (a lead, a named agency, an assignment: its due date
    and role pass on); else the successor's own."""

    def weight(state: TaskState) -> tuple[dt.date, bool, bool]:
        singled = state.assigned_in is not None or _main_role(state) in ("lead", "named")
        return (state.last_update or dt.date.min, singled, state.inherited_from is None)

    kept: dict[Pair, TaskState] = {}
    for state in held:
        pair = (state.task, state.agency)
        other = kept.get(pair)
        if other is None or weight(state) > weight(other):
            kept[pair] = state
    return list(kept.values())


def _hand_over(
    state: TaskState, succession: Succession, folded: Fold, cutoff: dt.date
) -> dt.date | None:
    """Move an open obligation of an agency that ended by ``cutoff`` to its
    successor, with what it had reported; what the successor reports on the
    task from the handover on counts for it too.  Returns the day of the
    handover, if there was one.  An obligation done or set aside stays with
    the agency that finished it."""
    if state.status in (Status.DONE, Status.NOT_APPLICABLE):
        return None
    holder = succession.holder(state.agency, state.task, cutoff)
    if holder.unresolved is not None:
        state.unresolved = holder.unresolved
        return None
    if not holder.inherited or holder.since is None:
        return None
    state.inherited_from, state.agency, state.since = state.agency, holder.agency, holder.since
    later = folded.progress.get((state.task, holder.agency))
    if later is not None and later[0] >= holder.since.toordinal():
        day, _, status, percent, evidence, entry_id, note = later
        state.status, state.percent, state.note = Status(status), percent, note
        state.last_update, state.evidence, state.entry = (
            dt.date.fromordinal(day), list(evidence), entry_id,
        )  # fmt: skip
    return holder.since


def _falls_due(state: TaskState, by: dt.date) -> bool:
    """Not done nor set aside, and due by ``by``: what an office chases."""
    return (
        state.due is not None
        and state.due <= by
        and state.category in (Category.OVERDUE, Category.IN_PROGRESS, Category.NOT_STARTED)
    )


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


def owes(
    workspace: Workspace,
    task: str,
    agency: str,
    *,
    today: dt.date | None = None,
    on: dt.date | None = None,
) -> bool:
    """Whether the agency owes the task today, directive and ledger together.

    The same answer as looking for the pair in :func:`states`, for one pair:
    a command that writes one entry should not work out every task's state.
    ``on``: the day of the fact to be written (default today); an agency
    owes what it took over from an agency that ended only from that day.
    """
    day = today or dt.date.today()
    assignment = workspace.fold(day).assignments.get((task, agency))
    if assignment is not None:
        return assignment[PRESENT]  # the last assignment or release decides
    outline = Outline(workspace.directive, workspace.registry)
    node = outline.nodes.get(task)
    if node is None:
        return False
    owing = [ob.agency for ob in outline.obligations_of(node)]
    if agency in owing:
        return True
    # Or it took the task over from an agency that ended (registry events).
    succession = Succession(workspace.registry, workspace.key)
    return bool(succession) and any(
        succession.holder(first, task, on or day).agency == agency for first in owing
    )


# -- records for tables and exports ----------------------------------------


def _roles(outline: Outline, state: TaskState) -> list[str]:
    roles = [outline.describe(role) for role in state.directive_roles]
    if state.ledger_role is not None:
        roles.append(f"assigned: {state.ledger_role.value}")
    return roles


def _main_role(state: TaskState) -> str:
    """One word for a narrow table: the strongest reason the agency owes it."""
    kinds = {role.kind for role in state.directive_roles}
    if DirectiveRoleKind.LEAD in kinds or state.ledger_role is Role.LEAD:
        return "lead"
    if state.ledger_role is not None:
        return state.ledger_role.value
    if DirectiveRoleKind.NAMED in kinds:
        return "named"
    if any(role.group for role in state.directive_roles):
        return "group"
    return "addressee"


def rows(
    workspace: Workspace,
    scope: Scope | None = None,
    *,
    agency: str | None = None,
    today: dt.date | None = None,
) -> list[Record]:
    """One record per owed (task, agency) pair in the scope, outline then registry order."""
    scope = scope or Scope()
    outline = Outline(workspace.directive, workspace.registry)
    out: list[Record] = []
    only = scope.agencies
    if agency is None and only is not None and len(only) == 1:
        agency = next(iter(only))  # one agency's pairs alone are worked out
    for state in states(workspace, scope=scope, today=today, agency=agency):
        if scope.category is not None and state.category is not scope.category:
            continue
        if only is not None and state.agency not in only:
            continue
        if scope.due_by is not None and not _falls_due(state, scope.due_by):
            continue
        node = outline.nodes[state.task]
        node_index = outline.index_of(node)
        if scope.index is not None and node_index != scope.index:
            continue
        if scope.dimension is not None and scope.dimension not in node.dimensions:
            continue
        known = outline.agencies.get(state.agency)
        role = "inherited" if state.inherited_from else _main_role(state)
        out.append(
            {
                "task": state.task,
                "agency": state.agency,
                "name": known.name if known else state.agency,
                "index": node_index,
                "dimension": list(node.dimensions),
                "title": outline.title(node),
                "role": role,
                "roles": _roles(outline, state),
                "lead": role == "lead",
                "cadence": node.cadence.value if node.cadence else None,
                "due": state.due.isoformat() if state.due else None,
                "status": state.status.value,
                "percent": state.percent,
                "value": state.value,
                "target": state.target,
                "category": state.category.value,
                "stale": state.stale,
                "last_update": state.last_update.isoformat() if state.last_update else None,
                "evidence": _shown(state.evidence),
                "note": state.note,
                "entry": state.entry,
                **_succession(outline, state),
            }
        )
    return out


def _succession(outline: Outline, state: TaskState) -> Record:
    """What the registry's changes did to the pair, only when they did: a
    workspace whose registry has no changes writes what it always wrote."""
    if state.inherited_from is not None:
        first = outline.agencies.get(state.inherited_from)
        return {
            "inherited_from": state.inherited_from,
            "inherited_name": first.name if first else state.inherited_from,
            "since": state.since.isoformat() if state.since else None,
        }
    if state.unresolved is not None:
        event = state.unresolved
        return {"unresolved": f"{event.kind} {event.date.isoformat()}, {event.source}"}
    return {}


def _shown(evidence: list[str]) -> list[str]:
    """The evidence in its canonical form (an older ledger may keep another)."""
    if not evidence:
        return evidence
    # Lazy: reading citations costs a couple of milliseconds to import; a
    # status with no evidence to show does not pay it.
    from parledger.model.docref import shown_evidence

    return [shown_evidence(item) for item in evidence]


# How the overview groups agencies, in this order.
KIND_GROUPS = {
    "department": "departments",
    "district": "districts",
    "commune": "communes",
}
OTHER_GROUP = "other bodies"
ENDED_GROUP = "ended"


def overview_rows(
    workspace: Workspace,
    scope: Scope | None = None,
    *,
    today: dt.date | None = None,
    selected: list[Record] | None = None,
) -> list[Record]:
    """One row per agency owing anything in the scope: counts per category, the
    share done, the last update; departments, then districts, then the rest.
    ``selected``: the scope's :func:`rows`, when the caller has them already."""
    outline = Outline(workspace.directive, workspace.registry)
    cutoff = (scope or Scope()).cutoff(today)
    out: dict[str, Record] = {}
    for row in rows(workspace, scope, today=today) if selected is None else selected:
        known = outline.agencies.get(row["agency"])
        kind = known.kind.value if known else ""
        # Grouped by what the agency is on the day judged: one merged away
        # or dissolved by then is no department or district any more.
        group = KIND_GROUPS.get(kind, OTHER_GROUP)
        if known is not None and not known.exists_on(cutoff):
            group = ENDED_GROUP
        summary = out.setdefault(
            row["agency"],
            {
                "agency": row["agency"],
                "name": row["name"],
                "short": known.short[0] if known and known.short else None,
                "kind": kind,
                "group": group,
                "tasks": 0,
                **{category.value: 0 for category in Category},
                "stale": 0,
                "completion": None,
                "last_update": None,
            },
        )
        summary["tasks"] += 1
        summary[row["category"]] += 1
        summary["stale"] += int(row["stale"])
        if row["last_update"] is not None:
            summary["last_update"] = max(summary["last_update"] or "", row["last_update"])
    for summary in out.values():
        summary["completion"] = completion(summary)
    groups = [*KIND_GROUPS.values(), OTHER_GROUP, ENDED_GROUP]
    order = {agency_id: i for i, agency_id in enumerate(outline.agencies)}
    return sorted(
        out.values(), key=lambda r: (groups.index(r["group"]), order.get(r["agency"], len(order)))
    )


def completion(counts: Record) -> int | None:
    """Done (on time or late) as a share of what applies, in whole percent."""
    applicable = counts["tasks"] - counts.get(Category.NOT_APPLICABLE.value, 0)
    done = counts.get(Category.DONE_ON_TIME.value, 0) + counts.get(Category.DONE_LATE.value, 0)
    return round(100 * done / applicable) if applicable else None
