"""status and validate."""

from __future__ import annotations

import sys

import typer

from parledger.cli.common import State, emit, load_workspace, show
from parledger.export import Format

STATUS_COLUMNS = ["task", "index", "title", "roles", "lead", "cadence"]
OVERVIEW_COLUMNS = ["agency", "name", "kind", "PAR INDEX", "SIPAS", "PAPI", "tasks", "leads"]


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
    fmt: Format = typer.Option(Format.TABLE, "--format", "-f", help="table, json, csv or md."),
) -> None:
    """What an agency owes under the directive, grouped by index, with its role in each
    task; without --agency, how many tasks each agency owes."""
    from parledger import export, query, render

    workspace = load_workspace(ctx)
    index_ = query.parse_index(index) if index is not None else None
    if agency is None:
        records = query.overview(workspace)
        if fmt is Format.TABLE:
            show(render.overview_table(records, ["PAR INDEX", "SIPAS", "PAPI"]))
        else:
            emit(export.render(records, OVERVIEW_COLUMNS, fmt))
        return
    agency_id = query.resolver(workspace).resolve_agency(agency)
    records = query.agency_tasks(workspace, agency_id, index=index_)
    if fmt is Format.TABLE:
        found = next(a for a in query.agencies(workspace) if a["id"] == agency_id)
        show(render.agency_status(found, records))
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
