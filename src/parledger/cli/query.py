"""Read-only commands: tasks, show, agencies, refs."""

from __future__ import annotations

from enum import StrEnum

import typer

from parledger.cli.common import emit, emit_across, emit_records, load_each, load_task, show
from parledger.model.errors import UsageError
from parledger.present.export import TextFormat

AGENCY_COLUMNS = ["id", "name", "kind", "short", "aliases", "groups", "tasks", "leads"]
INDEX_COLUMNS = ["index", "dimension", "name", "name_en", "publisher", "served", "tasks"]
DOCUMENT_COLUMNS = ["id", "type", "date", "issuer", "title", "footnotes", "tasks"]

FORMAT_HELP = "Output: table for people; json, jsonl, csv or md for scripts (stable bytes)."


class ShowFormat(StrEnum):
    """What show writes: one task is a panel or a JSON object, not rows."""

    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("tasks")(tasks)
    app.command("show")(show_task)
    app.command("agencies")(agencies)
    app.command("refs")(refs)
    app.command("indices")(indices)


def tasks(
    ctx: typer.Context,
    index: str | None = typer.Option(
        None, "--index", "-i", help="Only this index's nodes (see 'parledger indices')."
    ),
    agency: str | None = typer.Option(
        None, "--agency", "-a", help="Only the items this agency owes (id, name, short form)."
    ),
    search: str | None = typer.Option(
        None,
        "--search",
        "-s",
        help="Text to find in id, title or wording; case and accents ignored.",
    ),
    fmt: TextFormat = typer.Option(TextFormat.TABLE, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """List the directive's outline: its parts, sections, numbered items and
    lettered sub-items. In a workspace of several directives, each directive's under
    its heading (--directive for one); the machine formats add a first column,
    directive.

    Examples: parledger tasks --index papi; parledger tasks --agency SNV;
    parledger tasks --search "dich vu cong" --format json
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query

    parts = []
    for workspace in load_each(ctx):
        agency_id = query.resolver(workspace).resolve_agency(agency) if agency is not None else None
        found = query.tasks(
            workspace,
            index=query.parse_index(workspace, index) if index is not None else None,
            agency=agency_id,
            search=search,
        )
        parts.append((workspace, found))
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.present.views import TASK_COLUMNS

    emit_across(ctx, fmt, parts, TASK_COLUMNS, render.tasks_table)


def show_task(
    ctx: typer.Context,
    task_id: str = typer.Argument(
        ...,
        metavar="ID",
        help="Outline id, e.g. I.1.2 or III.3.5; KEY:ID (2025:I.1.1) when several "
        "directives hold it.",
    ),
    fmt: ShowFormat = typer.Option(ShowFormat.TABLE, "--format", "-f", help="table or json."),
) -> None:
    """Show one task in full: its verbatim wording, who must act, lead, references,
    targets and cadence."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query

    workspace, task_id = load_task(ctx, task_id)
    record = query.task_detail(workspace, task_id)
    if fmt is ShowFormat.JSON:
        # Lazy: what this command alone uses; --help and other commands stay light.
        from parledger.present import export

        emit(export.to_json(record))
    else:
        # Lazy: what this command alone uses; --help and other commands stay light.
        from parledger.present import render

        names = {a.id: a.name for a in workspace.registry.agencies}
        names |= {f"group:{g.id}": g.name for g in workspace.registry.groups}
        show(ctx, render.task_detail(record, names))


def agencies(
    ctx: typer.Context,
    kind: str | None = typer.Option(
        None, "--kind", "-k", help="Only this kind: department, district, media, central …"
    ),
    groups: bool = typer.Option(False, "--groups", help="List the groups instead of agencies."),
    fmt: TextFormat = typer.Option(TextFormat.TABLE, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """List the agency registry: ids, names, kinds, groups and how many tasks each owes."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.track import query

    # One registry serves every directive of the folder; the counts add up
    # what each directive asks of an agency.
    workspace, *others = load_each(ctx)
    if groups:
        found = query.groups(workspace)
        columns = ["id", "name", "members", "represented_by"]
        emit_records(ctx, fmt, found, columns, lambda: render.groups_table(found))
        return
    if kind is not None:
        _check_kind(kind)
    records = query.agencies(workspace, kind=kind.strip().lower() if kind else None, others=others)
    emit_records(ctx, fmt, records, AGENCY_COLUMNS, lambda: render.agencies_table(records))


def indices(
    ctx: typer.Context,
    fmt: TextFormat = typer.Option(TextFormat.TABLE, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """List the indices the workspace knows and their dimensions: the ids --index
    and --dimension take, their names, whether the directive serves each, and how
    many tasks each counts. The bundled indices.yaml declares them; a workspace's
    own indices.yaml adds others (or replaces one of the same id)."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.track import query

    # Which the directive serves, and its tasks of each: per directive.
    parts = [(one, query.indices(one)) for one in load_each(ctx)]
    emit_across(ctx, fmt, parts, INDEX_COLUMNS, render.indices_table)


def _check_kind(kind: str) -> None:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.model.models import AgencyKind

    if kind.strip().lower() not in {k.value for k in AgencyKind}:
        choices = ", ".join(k.value for k in AgencyKind)
        raise UsageError(f"unknown kind '{kind}'; choose one of: {choices}")


def refs(
    ctx: typer.Context,
    document: str | None = typer.Argument(
        None,
        metavar="[DOCUMENT]",
        help="One document, e.g. 766/QĐ-TTg, to list the tasks citing it.",
    ),
    fmt: TextFormat = typer.Option(TextFormat.TABLE, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """List the documents the directive cites and the tasks that rest on each."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.track import query

    parts = []
    missing: UsageError | None = None
    for one in load_each(ctx):
        try:
            parts.append((one, query.documents(one, document=document)))
        except UsageError as exc:  # cited by another directive, maybe
            missing = missing or exc
    if not parts and missing is not None:
        raise missing
    emit_across(ctx, fmt, parts, DOCUMENT_COLUMNS, render.documents_table)
