"""The roll-up an office pastes into its periodic report.

Per index the directive serves, and per dimension of each index whose
dimensions its outline tags: how many tasks, how many (task, agency)
obligations, how many done, overdue, and the share done; the baseline ranks
the directive quotes, the results recorded since and the rank targets'
verdicts; and, for continuous tasks, which agencies sent no report in the
period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from parledger.model.periods import parse_period
from parledger.model.records import Record, plain
from parledger.rules.outline import Outline
from parledger.store.calendar import calendar
from parledger.store.results import read as read_results
from parledger.store.workspace import Workspace
from parledger.track.results import progression, rank_targets
from parledger.track.status import Category, Scope, completion, rows

_COUNTS = [c.value for c in Category]


def _rollup(section: str, key: str, selected: list[Record]) -> Record:
    counts: Record = {
        "section": section,
        "key": key,
        "tasks": len({row["task"] for row in selected}),
        "obligations": len(selected),
        **{name: 0 for name in _COUNTS},
        "done": 0,
        "stale": sum(1 for row in selected if row["stale"]),
    }
    for row in selected:
        counts[row["category"]] += 1
    counts["done"] = counts[Category.DONE_ON_TIME.value] + counts[Category.DONE_LATE.value]
    counts["completion"] = completion({**counts, "tasks": counts["obligations"]})
    return counts


def default_scope(workspace: Workspace, scope: Scope, today: dt.date | None = None) -> Scope:
    """``scope`` with the report's default period filled in (see :func:`build`)."""
    if scope.period is not None or scope.as_of is not None:
        return scope
    year = parse_period(str(workspace.directive.metadata.year), calendar(workspace.location))
    if year.contains(today or dt.date.today()):
        return scope
    return dataclasses.replace(scope, period=year)


def rolled_dimensions(workspace: Workspace, index: str) -> list[str]:
    """The dimensions of ``index`` the report rolls up: all the catalog
    declares, in its order, when the directive tags any node with one of
    them; none when it tags none (a table of zeros says nothing)."""
    spec = workspace.catalog.get(index)
    if spec is None:
        return []
    declared = [dim.id for dim in spec.dimensions]
    tagged = {dim for node in workspace.directive.outline for dim in node.dimensions}
    return declared if tagged.intersection(declared) else []


BEHIND_LISTED = 5  # agencies the report names as furthest behind


def furthest_behind(selected: list[Record], listed: int = BEHIND_LISTED) -> list[Record]:
    """The agencies furthest behind: most tasks overdue, then most continuous
    tasks with no report in the period, then the least share done; only
    those with something overdue or unreported, at most ``listed``."""
    by_agency: dict[str, list[Record]] = {}
    for row in selected:
        by_agency.setdefault(row["agency"], []).append(row)
    behind = []
    for at, (agency, owned) in enumerate(by_agency.items()):
        overdue = sum(1 for r in owned if r["category"] == "overdue")
        stale = sum(1 for r in owned if r["stale"])
        if not overdue and not stale:
            continue
        applicable = [r for r in owned if r["category"] != "not_applicable"]
        done = sum(1 for r in applicable if r["category"] in ("done_on_time", "done_late"))
        updates = [r["last_update"] for r in owned if r["last_update"]]
        behind.append(
            (
                -overdue,
                -stale,
                done / len(applicable) if applicable else 1.0,
                at,
                {
                    "agency": agency,
                    "name": owned[0]["name"],
                    "tasks": len(owned),
                    "overdue": overdue,
                    "stale": stale,
                    "completion": round(100 * done / len(applicable)) if applicable else None,
                    "last_update": max(updates) if updates else None,
                },
            )
        )
    behind.sort(key=lambda ranked: ranked[:4])
    return [ranked[4] for ranked in behind[:listed]]


def build(workspace: Workspace, scope: Scope, *, today: dt.date | None = None) -> Record:
    """The whole report as one record: period, baseline, roll-ups, missing reports.

    Without --period or --as-of, the period is today's quarter while today
    falls in the directive's year; after that year (a 2024 directive read in
    2026), the directive's year itself: the report is on what the directive
    asked for, not on the machine's clock."""
    scope = default_scope(workspace, scope, today)
    window = scope.window(calendar(workspace.location), today)
    selected = rows(workspace, scope, today=today)
    meta = workspace.directive.metadata
    served = Outline(workspace.directive, workspace.registry).served()
    by_index = [
        _rollup("index", index, [r for r in selected if r["index"] == index])
        for index in served
        if scope.index in (None, index)
    ]
    by_dimension = [
        _rollup("dimension", dim, [r for r in selected if dim in r["dimension"]])
        for index in served
        if scope.index in (None, index)
        for dim in rolled_dimensions(workspace, index)
        if scope.dimension in (None, dim)
    ]
    built: Record = {
        "directive": {
            "id": workspace.directive.id,
            "number": meta.number_as_printed,
            "subject": meta.subject,
        },
        "period": {
            "label": window.label,
            "kind": window.kind,
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "due": window.due.isoformat(),
        },
        "as_of": scope.cutoff(today).isoformat(),
        "baseline": [plain(b) for b in meta.baseline],
        **_results(workspace, scope),
        "rollups": [*by_index, *by_dimension],
        "total": _rollup("total", "all", selected),
        "behind": furthest_behind(selected),
        "stale": [
            {
                "task": r["task"],
                "agency": r["agency"],
                "name": r["name"],
                "title": r["title"],
                "last_update": r["last_update"],
            }
            for r in selected
            if r["stale"]
        ],
    }
    return built


def _results(workspace: Workspace, scope: Scope) -> Record:
    """The results recorded since the baseline, per index, and the rank
    targets' verdicts; nothing at all for a workspace that records none, so
    that its report reads as it did before results existed."""
    recorded = read_results(workspace.location, workspace.catalog.ids())
    directive = workspace.directive
    wanted = scope.index
    checked = [t for t in rank_targets(directive, recorded) if wanted in (None, t["index"])]
    found: Record = {}
    # The indices this directive serves: a workspace's results are of every
    # index it records, and another directive may serve others.
    served = set(Outline(directive, workspace.registry).served())
    steps = [r for r in progression(directive, recorded, index=wanted) if r["index"] in served]
    if recorded and steps:
        found["results"] = steps
    if checked:
        found["rank_targets"] = checked
    return found
