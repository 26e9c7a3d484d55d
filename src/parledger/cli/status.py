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
    load_each,
    load_workspace,
    locate,
    note,
    show,
    spanning,
)
from parledger.model.errors import ProblemsError, UsageError
from parledger.present.export import Format, TextFormat

if TYPE_CHECKING:
    from rich.console import RenderableType

    from parledger.model.errors import Problem
    from parledger.model.records import Record
    from parledger.present.labels import Lang
    from parledger.store.workspace import Location, Workspace
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
INDEX_HELP = "Only this index: one the directive serves (see 'parledger indices')."
DIMENSION_HELP = (
    "Only tasks tagged with this dimension of an index: its id or name (see 'parledger indices')."
)
AS_OF_HELP = "Replay the ledger up to this day (2024-09-30 or 30/9/2024)."


def register(app: typer.Typer) -> None:
    for command in (status, report, export, validate):
        app.command(command.__name__)(command)


def _scope(
    workspace: Workspace,
    *,
    as_of: str | None = None,
    period: str | None = None,
    index: str | None = None,
    dimension: str | None = None,
    category: str | None = None,
) -> Scope:
    """The options as a Scope; --index and --dimension among the indices the
    workspace knows (its catalog), hence after loading it."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.model.dates import parse_date
    from parledger.model.periods import parse_period
    from parledger.present import labels
    from parledger.store.calendar import calendar
    from parledger.track.status import Category, Scope

    def choice(value: str) -> Category:
        # The value, or the words status prints for it, English or Vietnamese
        # ("quá hạn", "Overdue"), whatever --lang says.
        key = labels.parse(labels.CATEGORY, value)
        if key is None:
            # A status word names its category where they share a key
            # ("đang thực hiện" is in_progress); "done" is two categories.
            key = labels.parse(labels.STATUS, value)
        for member in Category:
            if member.value == key:
                return member
        raise UsageError(
            f"unknown category '{value}'; choose one of: {labels.spelled(labels.CATEGORY)}"
        )

    catalog = workspace.catalog
    chosen = catalog.parse_index(index) if index is not None else None
    return Scope(
        as_of=parse_date(as_of, "--as-of") if as_of is not None else None,
        period=parse_period(period, calendar(workspace.location)) if period is not None else None,
        index=chosen,
        dimension=catalog.parse_dimension(dimension, chosen) if dimension else None,
        category=choice(category) if category else None,
    )


def _workspace(ctx: typer.Context, fail_on: list[Condition]) -> Workspace:
    """Load; with --fail-on invalid, data problems exit 3 instead of 1."""

    try:
        return load_workspace(ctx)
    except ProblemsError as exc:
        fail(exc, EXIT_FAIL_ON if Condition.INVALID in fail_on else None)


def _workspaces(ctx: typer.Context, fail_on: list[Condition]) -> list[Workspace]:
    """Each directive's workspace (--directive: that one's), as :func:`_workspace`."""

    try:
        return load_each(ctx)
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
    index: str | None = typer.Option(None, "--index", "-i", help=INDEX_HELP),
    dimension: str | None = typer.Option(None, "--dimension", help=DIMENSION_HELP),
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
    from parledger.track import query
    from parledger.track import status as standing

    language = _lang(lang)
    workspaces = _workspaces(ctx, fail_on)
    # One catalog of indices serves every directive of the folder.
    base = _scope(
        workspaces[0],
        as_of=as_of,
        period=period,
        index=index,
        dimension=dimension,
        category=category,
    )
    shown = base.cutoff().isoformat() if (as_of or period) else None
    wide = wide or console().width >= WIDE_AT
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.render import by_directive
    from parledger.present.views import OVERVIEW_COLUMNS, STATUS_COLUMNS, across
    from parledger.track.query import directive_record

    overview_shape = not agency and category is None and due_within is None
    found: list[tuple[Workspace, Scope, list[Record]]] = []
    if len(workspaces) > 1:
        # Across directives: those in force on the day judged.
        day = base.cutoff()
        keys = ", ".join(one.key for one in workspaces)
        workspaces = [one for one in workspaces if one.directive.in_force(day)]
        if not workspaces:
            raise UsageError(
                f"none of this workspace's directives ({keys}) is in force on "
                f"{day.isoformat()}: name one with --directive KEY"
            )
    for workspace in workspaces:
        scope = base
        chosen = query.agency_set(workspace, agency) if agency else None
        if chosen and workspace is workspaces[0]:
            for sentence in query.changes_of(workspace, chosen, base.cutoff()):
                note(sentence)
        if chosen is not None or due_within is not None:
            due_by = None if due_within is None else base.cutoff() + dt.timedelta(days=due_within)
            scope = dataclasses.replace(base, agencies=chosen, due_by=due_by)
        found.append((workspace, scope, standing.rows(workspace, scope)))
    everything = [row for _, _, rows in found for row in rows]
    if agency and everything:
        # What the agencies owe, directive by directive: a directive that
        # asks nothing of them is left out.
        found = [part for part in found if part[2]]
    if quiet:
        pass
    elif fmt is not TextFormat.TABLE:
        machine = [
            (
                workspace,
                standing.overview_rows(workspace, scope, selected=rows) if overview_shape else rows,
            )
            for workspace, scope, rows in found
        ]
        records, named = across(
            machine, OVERVIEW_COLUMNS if overview_shape else STATUS_COLUMNS, lead=spanning(ctx)
        )
        emit(export.render(records, named, Format(fmt.value), lang=language))
    else:
        sections = [
            (
                directive_record(workspace),
                _status_table(workspace, scope, rows, shown=shown, lang=language, wide=wide),
            )
            for workspace, scope, rows in found
        ]
        show(ctx, by_directive(sections, headed=spanning(ctx)), wide=wide)
    _check(fail_on, everything)


def _status_table(
    workspace: Workspace,
    scope: Scope,
    rows: list[Record],
    *,
    shown: str | None,
    lang: Lang,
    wide: bool,
) -> RenderableType:
    """One directive's part of status: the overview, the chase list, or
    each chosen agency's table."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render_status as render
    from parledger.track import status as standing

    chosen = scope.agencies
    one = chosen is not None and len(chosen) == 1
    if not one and (scope.category is not None or scope.due_by is not None):
        return render.chase_table(
            rows,
            as_of=scope.cutoff(),
            of_category=scope.category.value if scope.category else None,
            due_by=scope.due_by,
            lang=lang,
        )
    if chosen is None:
        return render.overview_table(
            standing.overview_rows(workspace, scope, selected=rows),
            as_of=shown,
            lang=lang,
            wide=wide,
            width=layout_width(wide),
            other_names={a.id: (a.short, a.aliases) for a in workspace.registry.agencies},
        )
    # Each agency's table in registry order; only the name and id head it:
    # no need to count every agency's tasks, as `query.agencies` does.
    return render.one_after_another(
        [
            render.agency_status(
                {"id": known.id, "name": known.name},
                [row for row in rows if row["agency"] == known.id],
                as_of=shown,
                lang=lang,
                wide=wide,
            )
            for known in workspace.registry.agencies
            if known.id in chosen
        ]
    )


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
    """The periodic roll-up: per index the directive serves and per dimension of
    those indices its items are tagged with, tasks, obligations,
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
    workspaces = _workspaces(ctx, fail_on)
    if word and len(workspaces) > 1:
        keys = ", ".join(one.key for one in workspaces)
        raise UsageError(f"a Word report is of one directive: add --directive KEY (one of {keys})")
    asked = _scope(workspaces[0], as_of=as_of, period=period, index=index)
    made = []
    for workspace in workspaces:
        scope = reports.default_scope(workspace, asked)
        made.append((workspace, scope, reports.build(workspace, scope)))
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.render import by_directive
    from parledger.present.views import REPORT_COLUMNS, across
    from parledger.track.query import directive_record

    text, data = "", b""
    if word:
        # Lazy: python-docx is imported for this format alone.
        from parledger.model.dates import parse_date
        from parledger.present.report_docx import document
        from parledger.track import filing

        workspace, scope, built = made[0]
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
            sections = [
                (directive_record(one), render.report_view(built, language, one.catalog))
                for one, _, built in made
            ]
            show(ctx, by_directive(sections, headed=spanning(ctx)))
    elif fmt is ReportFormat.JSON:
        if not spanning(ctx):
            text = export.to_json(made[0][2])
        else:
            text = export.to_json({one.key: built for one, _, built in made})
    elif fmt is ReportFormat.MD:
        # Lazy: what this command alone uses; --help and other commands stay light.
        from parledger.present.report_markdown import markdown

        # Each report opens with its directive's subject as a heading.
        text = "\n".join(markdown(built, language, one.catalog) for one, _, built in made)
    else:
        records, columns = across(
            [(one, [*built["rollups"], built["total"]]) for one, _, built in made],
            REPORT_COLUMNS,
            lead=spanning(ctx),
        )
        text = export.render(records, columns, Format(fmt.value), lang=language)
    if output is not None:
        _write(output, data or text.encode(), quiet)
    elif text and not quiet:
        emit(text)
    _check(fail_on, [row for one, scope, _ in made for row in standing.rows(one, scope)])


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
    index: str | None = typer.Option(None, "--index", "-i", help=INDEX_HELP),
    dimension: str | None = typer.Option(None, "--dimension", help=DIMENSION_HELP),
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
    from parledger.present.export import Sheet
    from parledger.present.views import VIEWS, across
    from parledger.track import status as standing

    language = _lang(lang)
    if fmt is ExportFormat.XLSX and output is None and sys.stdout.isatty():
        raise UsageError("an Excel file is binary: give --output FILE.xlsx")
    workspaces = _workspaces(ctx, fail_on)
    asked = _scope(
        workspaces[0],
        as_of=as_of,
        period=period,
        index=index,
        dimension=dimension,
        category=category,
    )
    scopes = []
    for workspace in workspaces:
        scope = asked
        if agency:
            # Lazy: what this command alone uses; --help and other commands stay light.
            from parledger.track import query

            scope = dataclasses.replace(scope, agencies=query.agency_set(workspace, agency))
        scopes.append((workspace, scope))
    names = list(VIEWS) if view is ViewName.ALL else [view.value]
    if view is ViewName.ALL and fmt not in (ExportFormat.JSON, ExportFormat.XLSX):
        raise UsageError("--view all needs --format json or xlsx; CSV and Markdown hold one table")
    collected = {
        name: across(
            [(one, VIEWS[name].collect(one, scope, None)) for one, scope in scopes],
            VIEWS[name].columns,
            lead=spanning(ctx),
        )
        for name in names
    }
    if fmt is ExportFormat.XLSX:
        content = files.to_xlsx(
            [
                Sheet(name, columns, records, VIEWS[name].dates)
                for name, (records, columns) in collected.items()
            ],
            lang=language,
        )
    elif fmt is ExportFormat.JSON and view is ViewName.ALL:
        content = files.to_json(
            {name: records for name, (records, _) in collected.items()}
        ).encode()
    else:
        records, columns = collected[names[0]]
        text = files.render(records, columns, Format(fmt.value), lang=language, bom=bom)
        content = text.encode()
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        _write(output, content, quiet)
    _check(fail_on, [row for one, scope in scopes for row in standing.rows(one, scope)])


def validate(
    ctx: typer.Context,
) -> None:
    """Check the workspace's files: schema, then every cross-reference; every
    directive of the workspace, with its ledger, unless --directive names one;
    and results.yaml and periods.yaml where the workspace has them.

    Prints every problem as path:line:col: code: message and exits 1 if there
    is any; prints a one-line summary and exits 0 when the workspace is clean.
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import calendar, pipeline, results

    location = locate(ctx)
    each = location.each() if location.key is None and location.several else [location]
    problems: list[Problem] = []
    clean: list[tuple[Location, Workspace]] = []
    for one in each:
        loaded, found = pipeline.run(one)
        # The registry is every directive's: its problems are said once.
        problems += [problem for problem in found if problem not in problems]
        if loaded is not None:
            clean.append((one, loaded))
    # The files beside the directives that no ledger fact depends on.
    indices = clean[0][1].catalog if clean else pipeline.catalog(location)
    problems += calendar.problems_of(location)
    if indices is not None:  # else its problems are said, and results wait
        problems += results.problems_of(location, indices.ids())
    for problem in problems:
        emit(f"{problem}\n")
    if problems or len(clean) < len(each):
        sys.stderr.write(f"parledger: {len(problems)} problem(s) in {location.root}\n")
        raise typer.Exit(1)
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.rules.outline import Outline

    for one, loaded in clean:
        # The tasks: items and lettered sub-items that bind someone.
        items = len(Outline(loaded.directive, loaded.registry).items())
        which = f" directive {loaded.key}" if len(clean) > 1 else ""
        emit(
            f"ok: {location.root} ({location.source.value}){which}: {items} items, "
            f"{len(loaded.registry.agencies)} agencies, {len(loaded.registry.groups)} groups, "
            f"{len(loaded.entries)} ledger entries\n"
        )
        if loaded.ledger_multiline:
            sys.stderr.write(
                f"parledger: note: {one.ledger_path.name} spreads entries over several "
                "lines (the form of parledger 0.1), so a merge of two branches can mix them up; "
                "run 'parledger upgrade-ledger' once, then commit\n"
            )
