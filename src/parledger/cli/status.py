"""status and validate."""

from __future__ import annotations

import sys

import typer

from parledger.cli.common import State, console, emit, load_workspace, show
from parledger.export import Format

WIDE_AT = 110  # columns from which the agency table has room for task titles

STATUS_COLUMNS = [
    "task", "agency", "index", "title", "role", "roles", "lead", "due", "status", "percent",
    "value", "category", "last_update", "evidence", "entry",
]  # fmt: skip
OVERVIEW_COLUMNS = [
    "agency", "name", "kind", "tasks", "done_on_time", "done_late", "in_progress",
    "overdue", "not_started", "not_applicable", "completion", "last_update",
]  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("validate")(validate)


def status(
    ctx: typer.Context,
    agency: str | None = typer.Option(
        None,
        "--agency",
        "-a",
        help='Agency id, name or short form, e.g. "Sở Nội vụ", "so noi vu", SNV.',
    ),
    index: str | None = typer.Option(None, "--index", "-i", help="PAR INDEX, SIPAS or PAPI."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Replay the ledger up to this day (2024-09-30 or 30/9/2024)."
    ),
    fmt: Format = typer.Option(Format.TABLE, "--format", "-f", help="table, json, csv or md."),
) -> None:
    """Where tasks stand. With --agency: the agency's tasks grouped by index, with its
    role, due date, status category, percent, last update and evidence. Without: one
    row per agency with how many tasks are done on time, done late, in progress,
    overdue and not started.

    Categories: done on time (Hoàn thành đúng hạn), done late (Hoàn thành quá hạn),
    in progress within the deadline (Đang thực hiện trong hạn), overdue (Quá hạn),
    not started (Chưa thực hiện). Due dates come from `assign --due`; the directive
    sets none, and continuous tasks without one are never overdue.
    """
    from parledger import export, query, render
    from parledger import status as standing
    from parledger.dates import parse_date

    workspace = load_workspace(ctx)
    index_ = query.parse_index(index) if index is not None else None
    day = parse_date(as_of, "--as-of") if as_of is not None else None
    shown_as_of = day.isoformat() if day else None
    if agency is None:
        records = standing.overview_rows(workspace, as_of=day)
        if fmt is Format.TABLE:
            show(render.overview_table(records, shown_as_of))
        else:
            emit(export.render(records, OVERVIEW_COLUMNS, fmt))
        return
    agency_id = query.resolver(workspace).resolve_agency(agency)
    records = standing.agency_rows(workspace, agency_id, index=index_, as_of=day)
    if fmt is Format.TABLE:
        found = next(a for a in query.agencies(workspace) if a["id"] == agency_id)
        wide = console().width >= WIDE_AT
        show(render.agency_status(found, records, shown_as_of, wide=wide))
    else:
        emit(export.render(records, STATUS_COLUMNS, fmt))


def validate(ctx: typer.Context) -> None:
    """Check the workspace's files: schema, then every cross-reference.

    Prints every problem as path:line:col: code: message and exits 1 if there
    is any; prints a one-line summary and exits 0 when the workspace is clean.
    """
    from parledger import validate as checks
    from parledger import workspace

    state = ctx.find_object(State)
    location = workspace.locate(state.data_dir if state else None)
    loaded, problems = checks.check(location)
    for problem in problems:
        emit(f"{problem}\n")
    if problems or loaded is None:
        sys.stderr.write(f"parledger: {len(problems)} problem(s) in {location.root}\n")
        raise typer.Exit(1)
    items = sum(1 for node in loaded.directive.outline if node.kind.value == "item")
    emit(
        f"ok: {location.root} ({location.source.value}): {items} items, "
        f"{len(loaded.registry.agencies)} agencies, {len(loaded.registry.groups)} groups\n"
    )
