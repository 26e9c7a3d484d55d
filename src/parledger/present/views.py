"""The views a workspace is exported as, and their columns.

A view is a list of plain records and the columns (in order) that files for
people show; JSON carries every key of every record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from parledger.model.records import Record
from parledger.present.export import Sheet
from parledger.store.workspace import Workspace
from parledger.track.status import Scope


@dataclass(frozen=True)
class View:
    name: str
    columns: list[str]
    dates: set[str]
    collect: Callable[[Workspace, Scope, dt.date | None], list[Record]]

    def sheet(self, workspace: Workspace, scope: Scope, today: dt.date | None = None) -> Sheet:
        return Sheet(self.name, self.columns, self.collect(workspace, scope, today), self.dates)


def _status(workspace: Workspace, scope: Scope, today: dt.date | None) -> list[Record]:
    # Lazy: a view imports its track module only when it is exported.
    from parledger.track.status import rows

    return rows(workspace, scope, today=today)


def _overview(workspace: Workspace, scope: Scope, today: dt.date | None) -> list[Record]:
    # Lazy: a view imports its track module only when it is exported.
    from parledger.track.status import overview_rows

    return overview_rows(workspace, scope, today=today)


def _tasks(workspace: Workspace, scope: Scope, today: dt.date | None) -> list[Record]:
    # Lazy: a view imports its track module only when it is exported.
    from parledger.track.query import tasks

    return tasks(workspace, index=scope.index)


def _report(workspace: Workspace, scope: Scope, today: dt.date | None) -> list[Record]:
    # Lazy: a view imports its track module only when it is exported.
    from parledger.track.report import build

    report = build(workspace, scope, today=today)
    return [*report["rollups"], report["total"]]


def _history(workspace: Workspace, scope: Scope, today: dt.date | None) -> list[Record]:
    # Lazy: a view imports its track module only when it is exported.
    from parledger.present.trail import worded
    from parledger.track.history import history

    return [
        {k: v for k, v in r.items() if k != "entry"}
        for r in worded(history(workspace, agencies=scope.agencies))
    ]


STATUS_COLUMNS = [
    "task", "agency", "name", "index", "dimension", "title", "role", "due", "status",
    "percent", "value", "target", "category", "stale", "last_update", "evidence", "note", "entry",
]  # fmt: skip
OVERVIEW_COLUMNS = [
    "agency", "name", "short", "kind", "group", "tasks", "done_on_time", "done_late", "in_progress",
    "overdue", "not_started", "not_applicable", "stale", "completion", "last_update",
]  # fmt: skip
TASK_COLUMNS = [
    "id", "parent", "kind", "index", "dimension", "title", "agencies", "lead",
    "refs", "documents", "targets", "cadence", "text",
]  # fmt: skip
REPORT_COLUMNS = [
    "section", "key", "tasks", "obligations", "done_on_time", "done_late", "in_progress",
    "overdue", "not_started", "not_applicable", "stale", "done", "completion",
]  # fmt: skip
HISTORY_COLUMNS = ["recorded", "by", "id", "kind", "task", "party", "date", "details"]

VIEWS = {
    view.name: view
    for view in [
        View("overview", OVERVIEW_COLUMNS, {"last_update"}, _overview),
        View("status", STATUS_COLUMNS, {"due", "last_update"}, _status),
        View("report", REPORT_COLUMNS, set(), _report),
        View("tasks", TASK_COLUMNS, set(), _tasks),
        View("history", HISTORY_COLUMNS, {"date"}, _history),
    ]
}


def across(
    parts: Sequence[tuple[Workspace, Sequence[Record]]],
    columns: Sequence[str],
    *,
    lead: bool | None = None,
) -> tuple[list[Record], list[str]]:
    """Several directives' records as one list: each led by its directive's
    key (a ``directive`` column), so that I.1.1 of one is never taken for
    I.1.1 of another.  ``lead``: whether to (default: when there are several
    parts).  Without it the records are returned as they are: a workspace
    of one directive writes exactly what it always wrote."""
    if not (len(parts) > 1 if lead is None else lead):
        return [record for _, found in parts for record in found], list(columns)
    records = [
        {"directive": workspace.key, **record} for workspace, found in parts for record in found
    ]
    return records, ["directive", *columns]
