"""Where things stand, for people and for cron: status, report, export, validate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parledger.cli.common import (
    EXIT_FAIL_ON,
    console,
    emit,
    fail,
    layout_width,
    load_workspace,
    locate,
    show,
)
from parledger.model.errors import ProblemsError, UsageError
from parledger.present.export import Format, TextFormat

if TYPE_CHECKING:
    from parledger.model.records import Record
    from parledger.present.labels import Lang
    from parledger.store.workspace import Workspace
    from parledger.track.status import Scope

WIDE_AT = 110  # terminal columns from which tables have room for titles


class Condition(StrEnum):
    OVERDUE = "overdue"
    STALE = "stale"
    INVALID = "invalid"


FAIL_ON_HELP = (
    "Exit 3 when this holds: overdue (a task past its due date), stale (a continuous "
    "task with no report this period), invalid (the workspace has data problems). "
    "Repeat for several. For cron: it mails only when something is wrong."
)
LANG_HELP = "Language of headers and status words: vi or en (default $PARLEDGER_LANG, else en)."
PERIOD_HELP = (
    "Reporting period: 2024-Q1 … 2024-Q4, 2024-H1 (six months) or 2024 (year), as the "
    "workspace's periods.yaml (else the Ministry's, bundled) cuts them; deadlines are "
    "judged at its data cut-off."
)
AS_OF_HELP = "Replay the ledger up to this day (2024-09-30 or 30/9/2024)."


def register(app: typer.Typer) -> None:
    for command in (status, report, export, validate):
        app.command(command.__name__)(command)


def _scope(
    ctx: typer.Context,
    *,
    as_of: str | None = None,
    period: str | None = None,
    index: str | None = None,
    dimension: str | None = None,
    category: str | None = None,
) -> Scope:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.model.dates import parse_date
    from parledger.model.models import Dimension
    from parledger.model.periods import parse_period
    from parledger.present import labels
    from parledger.store.calendar import calendar
    from parledger.track.query import parse_index
    from parledger.track.status import Category, Scope

    def choice(enum: type[StrEnum], value: str, what: str) -> StrEnum:
        # The value, or the words status prints for it, English or Vietnamese
        # ("quá hạn", "Overdue"), whatever --lang says.
        table = labels.CATEGORY if what == "category" else labels.DIMENSION
        key = labels.parse(table, value)
        if key is None and what == "category":
            # A status word names its category where they share a key
            # ("đang thực hiện" is in_progress); "done" is two categories.
            key = labels.parse(labels.STATUS, value)
        for member in enum:
            if member.value == key:
                return member
        raise UsageError(f"unknown {what} '{value}'; choose one of: {labels.spelled(table)}")

    return Scope(
        as_of=parse_date(as_of, "--as-of") if as_of is not None else None,
        period=parse_period(period, calendar(locate(ctx))) if period is not None else None,
        index=parse_index(index) if index is not None else None,
        dimension=choice(Dimension, dimension, "dimension") if dimension else None,  # type: ignore[arg-type]
        category=choice(Category, category, "category") if category else None,  # type: ignore[arg-type]
    )


def _workspace(ctx: typer.Context, fail_on: list[Condition]) -> Workspace:
    """Load; with --fail-on invalid, data problems exit 3 instead of 1."""

    try:
        return load_workspace(ctx)
    except ProblemsError as exc:
        fail(exc, EXIT_FAIL_ON if Condition.INVALID in fail_on else None)


def _check(fail_on: list[Condition], rows: list[Record]) -> None:
    """After the output: exit 3 with one line saying which condition held."""
    held = []
    if Condition.OVERDUE in fail_on:
        overdue = sum(1 for row in rows if row["category"] == "overdue")
        if overdue:
            held.append(f"{overdue} overdue")
    if Condition.STALE in fail_on:
        stale = sum(1 for row in rows if row["stale"])
        if stale:
            held.append(f"{stale} continuous without a report this period")
    if held:
        sys.stderr.write(f"parledger: --fail-on: {', '.join(held)}\n")
        raise typer.Exit(EXIT_FAIL_ON)


def _lang(lang: str | None) -> Lang:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.labels import resolve

    return resolve(lang)


AGENCIES_HELP = (
    'Agency id, name or short form ("Sở Nội vụ", "so noi vu", SNV), or group:ID for a '
    "group's members (group:ubnd-cap-huyen). Repeat for several."
)
DUE_WITHIN_HELP = (
    "Only tasks not done that are overdue or fall due within N days of the day the data "
    "is judged on, soonest first, across agencies."
)


def status(
    ctx: typer.Context,
    agency: list[str] = typer.Option([], "--agency", "-a", help=AGENCIES_HELP),
    index: str | None = typer.Option(None, "--index", "-i", help="PAR INDEX, SIPAS or PAPI."),
    dimension: str | None = typer.Option(
        None, "--dimension", help="PAPI dimension: participation, transparency, … e-governance."
    ),
    category: str | None = typer.Option(
        None,
        "--category",
        "-c",
        help="Only this category: done_on_time, done_late, in_progress, overdue, not_started "
        "(or the words the tables print, English or Vietnamese).",
    ),
    due_within: int | None = typer.Option(
        None, "--due-within", min=0, metavar="DAYS", help=DUE_WITHIN_HELP
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    period: str | None = typer.Option(None, "--period", "-p", help=PERIOD_HELP),
    fmt: TextFormat = typer.Option(
        TextFormat.TABLE, "--format", "-f", help="table, json, jsonl, csv or md."
    ),
    wide: bool = typer.Option(
        False, "--wide", "-w", help="Every column (titles, notes), no value cut."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
    fail_on: list[Condition] = typer.Option([], "--fail-on", help=FAIL_ON_HELP),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print nothing; for cron with --fail-on."
    ),
) -> None:
    """Where tasks stand.

    Without --agency: one row per agency (departments, district UBNDs, other
    bodies) with tasks owed, done on time, done late, in progress, overdue, not
    started, completion % and last update, and totals. With --agency: the
    agency's tasks grouped by index, a summary line of counts on top, and per task
    its role, due date, category, percent, last update and evidence (--wide: and
    the last report's note); several --agency, or a group, print each agency's
    table in turn. With --category or --due-within and no single agency: the tasks
    themselves across agencies, soonest due first, with the days late or left and
    the last report's note.

    Categories: done on time (Hoàn thành đúng hạn), done late (Hoàn thành quá
    hạn), in progress within the deadline (Đang thực hiện trong hạn), overdue
    (Quá hạn), not started (Chưa thực hiện). Due dates come from `assign --due`;
    continuous tasks without one are never overdue, but are "stale" when they
    have no report in the period. Exit codes: 0 ok, 1 data problems, 2 usage,
    3 a --fail-on condition held.

    \b
    Examples:
      parledger status --agency "Sở Nội vụ"
      parledger status --category overdue
      parledger status --due-within 14 --agency group:ubnd-cap-huyen
      parledger status --agency SNV --agency STP --format csv
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import export
    from parledger.present import render_status as render
    from parledger.track import query
    from parledger.track import status as standing

    language = _lang(lang)
    workspace = _workspace(ctx, fail_on)
    chosen = query.agency_set(workspace, agency) if agency else None
    scope = _scope(
        ctx, as_of=as_of, period=period, index=index, dimension=dimension, category=category
    )
    if chosen is not None or due_within is not None:
        due_by = None if due_within is None else scope.cutoff() + dt.timedelta(days=due_within)
        scope = dataclasses.replace(scope, agencies=chosen, due_by=due_by)
    shown = scope.cutoff().isoformat() if (as_of or period) else None
    wide = wide or console().width >= WIDE_AT
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.views import OVERVIEW_COLUMNS, STATUS_COLUMNS

    rows = standing.rows(workspace, scope)
    one = chosen is not None and len(chosen) == 1
    chase = not one and (scope.category is not None or scope.due_by is not None)
    if quiet:
        pass
    elif fmt is not TextFormat.TABLE:
        if chosen is None and not chase:
            overview = standing.overview_rows(workspace, scope, selected=rows)
            emit(export.render(overview, OVERVIEW_COLUMNS, Format(fmt.value), lang=language))
        else:
            emit(export.render(rows, STATUS_COLUMNS, Format(fmt.value), lang=language))
    elif chase:
        show(
            ctx,
            render.chase_table(
                rows,
                as_of=scope.cutoff(),
                of_category=scope.category.value if scope.category else None,
                due_by=scope.due_by,
                lang=language,
            ),
            wide=wide,
        )
    elif chosen is None:
        show(
            ctx,
            render.overview_table(
                standing.overview_rows(workspace, scope, selected=rows),
                as_of=shown,
                lang=language,
                wide=wide,
                width=layout_width(wide),
                other_names={a.id: (a.short, a.aliases) for a in workspace.registry.agencies},
            ),
            wide=wide,
        )
    else:
        # Each agency's table in registry order; only the name and id head
        # it: no need to count every agency's tasks, as `query.agencies` does.
        tables = [
            render.agency_status(
                {"id": known.id, "name": known.name},
                [row for row in rows if row["agency"] == known.id],
                as_of=shown,
                lang=language,
                wide=wide,
            )
            for known in workspace.registry.agencies
            if known.id in chosen
        ]
        show(ctx, render.one_after_another(tables), wide=wide)
    _check(fail_on, rows)


class ReportFormat(StrEnum):
    """What report writes: text, or the Word document an office files."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MD = "md"
    DOCX = "docx"


def report(
    ctx: typer.Context,
    period: str | None = typer.Option(
        None,
        "--period",
        "-p",
        help=PERIOD_HELP + " Default: the quarter of --as-of, or of today while today is in "
        "the directive's year; after that year, the directive's year.",
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    index: str | None = typer.Option(None, "--index", "-i", help="Only this index."),
    fmt: ReportFormat = typer.Option(
        ReportFormat.TABLE,
        "--format",
        "-f",
        help="table, json, jsonl, csv, md, or docx (a Word report in the national "
        "administrative format; needs --output).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout.",
        dir_okay=False,
    ),
    issuer: str | None = typer.Option(
        None,
        "--issuer",
        help="docx: the agency that files the report, e.g. SNV. Default: the directive's issuer.",
    ),
    number: str | None = typer.Option(
        None,
        "--number",
        help='docx: its number, 125 or 125/BC-SNV. Default: "Số:      /BC-…", left blank '
        "for the văn thư.",
    ),
    signed: str | None = typer.Option(
        None,
        "--date",
        help="docx: the date under the motto. Default: the day the data run to (--as-of, "
        "or the period's cut-off).",
    ),
    signer: list[str] = typer.Option(
        [],
        "--signer",
        help='docx: a line of the signer\'s title, e.g. --signer "KT. GIÁM ĐỐC" --signer '
        '"PHÓ GIÁM ĐỐC". Default: the decree\'s placeholder; no name is ever printed.',
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
    fail_on: list[Condition] = typer.Option([], "--fail-on", help=FAIL_ON_HELP),
    quiet: bool = typer.Option(
        False,
        "--quiet",
        "-q",
        help="Print nothing (with --output: write the file, without a message); for cron "
        "with --fail-on.",
    ),
) -> None:
    """The periodic roll-up: per index and per PAPI dimension, tasks, obligations,
    done, overdue and completion %; the baseline ranks the directive quotes; and the
    continuous tasks with no report in the period. --format md gives text to paste
    into an office's report.

    --format docx -o FILE.docx writes the report an office files, in Vietnamese,
    as Decree 30/2020/NĐ-CP sets it out: the issuing body, "Số:" and the national
    motto; place and date; "BÁO CÁO Kết quả thực hiện …"; the roll-up and, per
    agency, what is done and what is overdue; "Nơi nhận:" and the signature block
    left for the signer. The same workspace gives the same bytes. Example:
    parledger report --period 2024 --format docx --issuer SNV -o bao-cao.docx
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import export
    from parledger.present import render_status as render
    from parledger.track import report as reports
    from parledger.track import status as standing

    word = fmt is ReportFormat.DOCX
    if word and output is None:
        raise UsageError("a Word file is binary: give --output FILE.docx")
    if fmt is ReportFormat.TABLE and output is not None:
        raise UsageError("--output writes a file: choose --format md, json, jsonl, csv or docx")
    given = {"--issuer": issuer, "--number": number, "--date": signed, "--signer": signer}
    shaping = [flag for flag, value in given.items() if value]
    if shaping and not word:
        verb = "is" if len(shaping) == 1 else "are"
        raise UsageError(f"{', '.join(shaping)} {verb} for the Word report: add --format docx")
    language = _lang(lang)
    workspace = _workspace(ctx, fail_on)
    scope = reports.default_scope(workspace, _scope(ctx, as_of=as_of, period=period, index=index))
    built = reports.build(workspace, scope)
    rollups = [*built["rollups"], built["total"]]
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.views import REPORT_COLUMNS

    text, data = "", b""
    if word:
        # Lazy: python-docx is imported for this format alone.
        from parledger.model.dates import parse_date
        from parledger.present.report_docx import document
        from parledger.track import filing

        filed = filing.build(
            workspace,
            scope,
            built,
            issuer=issuer,
            number=number,
            signed=parse_date(signed, "--date") if signed is not None else None,
            signer=signer,
        )
        data = document(filed)
    elif fmt is ReportFormat.TABLE:
        if not quiet:
            show(ctx, render.report_view(built, language))
    elif fmt is ReportFormat.JSON:
        text = export.to_json(built)
    elif fmt is ReportFormat.MD:
        # Lazy: what this command alone uses; --help and other commands stay light.
        from parledger.present.report_markdown import markdown

        text = markdown(built, language)
    else:
        text = export.render(rollups, REPORT_COLUMNS, Format(fmt.value), lang=language)
    if output is not None:
        _write(output, data or text.encode(), quiet)
    elif text and not quiet:
        emit(text)
    _check(fail_on, standing.rows(workspace, scope))


def _write(output: Path, content: bytes, quiet: bool) -> None:
    """The file, atomically: a reader sees the old one or the new one."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store.files import write_atomic

    write_atomic(output, content)
    if not quiet:
        sys.stderr.write(f"parledger: wrote {output} ({len(content)} bytes)\n")


class ViewName(StrEnum):
    ALL = "all"
    OVERVIEW = "overview"
    STATUS = "status"
    REPORT = "report"
    TASKS = "tasks"
    HISTORY = "history"


class ExportFormat(StrEnum):
    """What export writes: files, never a table for the terminal."""

    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"
    XLSX = "xlsx"


def export(
    ctx: typer.Context,
    fmt: ExportFormat = typer.Option(
        ExportFormat.CSV,
        "--format",
        "-f",
        help="csv, json, jsonl, md or xlsx (--view all: a sheet per view).",
    ),
    view: ViewName = typer.Option(
        ViewName.STATUS,
        "--view",
        help="status (one row per task and agency), overview, report, tasks, history, or all "
        "(json and xlsx).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout.",
        dir_okay=False,
    ),
    bom: bool = typer.Option(
        False, "--bom", help="CSV: start with a BOM so Excel reads Vietnamese."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    period: str | None = typer.Option(None, "--period", "-p", help=PERIOD_HELP),
    agency: list[str] = typer.Option([], "--agency", "-a", help=AGENCIES_HELP),
    index: str | None = typer.Option(None, "--index", "-i", help="PAR INDEX, SIPAS or PAPI."),
    dimension: str | None = typer.Option(
        None, "--dimension", help="PAPI dimension: participation, transparency, … e-governance."
    ),
    category: str | None = typer.Option(
        None, "--category", "-c", help="Only this category, as status takes it."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
    fail_on: list[Condition] = typer.Option([], "--fail-on", help=FAIL_ON_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No message on success."),
) -> None:
    """Export the state for other systems: the same workspace gives the same bytes.

    --agency, --index, --dimension and --category select as they do for status:
    the status and overview views keep the rows they select, the report counts
    them, the tasks view keeps the index, the history the agencies' entries.

    CSV keeps English keys as headers unless --lang vi; Markdown and Excel use words
    people read. xlsx writes the chosen view as one sheet (--view all: every view,
    a sheet each), with a frozen header row and dates as dates. Typical cron line:
    parledger export --format xlsx --view all -o /srv/reports/parledger.xlsx --quiet
    --fail-on overdue
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import export as files
    from parledger.present.views import VIEWS
    from parledger.track import status as standing

    language = _lang(lang)
    if fmt is ExportFormat.XLSX and output is None and sys.stdout.isatty():
        raise UsageError("an Excel file is binary: give --output FILE.xlsx")
    workspace = _workspace(ctx, fail_on)
    scope = _scope(
        ctx, as_of=as_of, period=period, index=index, dimension=dimension, category=category
    )
    if agency:
        # Lazy: what this command alone uses; --help and other commands stay light.
        from parledger.track import query

        scope = dataclasses.replace(scope, agencies=query.agency_set(workspace, agency))
    names = list(VIEWS) if view is ViewName.ALL else [view.value]
    if view is ViewName.ALL and fmt not in (ExportFormat.JSON, ExportFormat.XLSX):
        raise UsageError("--view all needs --format json or xlsx; CSV and Markdown hold one table")
    if fmt is ExportFormat.XLSX:
        content = files.to_xlsx(
            [VIEWS[name].sheet(workspace, scope) for name in names], lang=language
        )
    elif fmt is ExportFormat.JSON and view is ViewName.ALL:
        content = files.to_json(
            {name: VIEWS[name].collect(workspace, scope, None) for name in names}
        ).encode()
    else:
        chosen = VIEWS[names[0]]
        records = chosen.collect(workspace, scope, None)
        text = files.render(records, chosen.columns, Format(fmt.value), lang=language, bom=bom)
        content = text.encode()
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        _write(output, content, quiet)
    _check(fail_on, standing.rows(workspace, scope))


def validate(
    ctx: typer.Context,
) -> None:
    """Check the workspace's files: schema, then every cross-reference; and
    results.yaml and periods.yaml where the workspace has them.

    Prints every problem as path:line:col: code: message and exits 1 if there
    is any; prints a one-line summary and exits 0 when the workspace is clean.
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import calendar, pipeline, results

    location = locate(ctx)
    loaded, problems = pipeline.run(location)
    # The files beside the directive that no ledger fact depends on.
    problems += calendar.problems_of(location) + results.problems_of(location)
    for problem in problems:
        emit(f"{problem}\n")
    if problems or loaded is None:
        sys.stderr.write(f"parledger: {len(problems)} problem(s) in {location.root}\n")
        raise typer.Exit(1)
    items = sum(1 for node in loaded.directive.outline if node.kind.value == "item")
    emit(
        f"ok: {location.root} ({location.source.value}): {items} items, "
        f"{len(loaded.registry.agencies)} agencies, {len(loaded.registry.groups)} groups, "
        f"{len(loaded.entries)} ledger entries\n"
    )
    if loaded.ledger_multiline:
        sys.stderr.write(
            f"parledger: note: {location.ledger_path.name} spreads entries over several "
            "lines (the form of parledger 0.1), so a merge of two branches can mix them up; "
            "run 'parledger upgrade-ledger' once, then commit\n"
        )
