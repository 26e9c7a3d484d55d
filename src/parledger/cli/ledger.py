"""Commands that write: init, assign, unassign, record, correct, alias; and history."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from parledger.cli.common import (
    emit,
    emit_across,
    load_at,
    load_each,
    load_shared,
    load_task,
    locate,
    warn,
)
from parledger.model.enums import Role, Status
from parledger.model.errors import UsageError
from parledger.present.export import TextFormat

if TYPE_CHECKING:
    from parledger.model.names import Match
    from parledger.store.workspace import Workspace
    from parledger.track.record import Written

AGENCY_HELP = 'Agency id, name or short form ("Sở Nội vụ", SNV); group:ID for a whole group.'
DATE_HELP = "Day the fact happened (2024-06-15 or 15/6/2024); default today."
BY_HELP = "Who records it; default git's user.name, else the login name."
EVIDENCE_HELP = (
    "The document that proves it, as offices cite it ('200/BC-SNV ngày 15/6/2024', "
    "'Báo cáo số 200/BC-SNV ngày 15 tháng 6 năm 2024'), dated no later than the fact, "
    "or a URL. Kept in one canonical form, with the text as typed. Repeat for several."
)

TASK_HELP = "Item id, e.g. I.1.3; KEY:ID (2025:I.1.1) when several directives hold it."
FROM_HELP = (
    "Many entries at once: a CSV file (UTF-8) or an .xlsx workbook, a row per entry, "
    "in export's columns. All rows are written, or none."
)
SHEET_HELP = "With --from: the workbook's sheet to read, when it has several."
DRY_RUN_HELP = "With --from: check every row and say what would be written; write nothing."


def register(app: typer.Typer) -> None:
    for command in (init, assign, unassign, record, correct, history, alias, repair):
        app.command(command.__name__)(command)
    app.command("upgrade-ledger")(upgrade_ledger)
    app.command("add-directive")(add_directive)
    app.command("import")(import_document)


def import_document(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., metavar="FILE", help="The directive's document: .docx, .txt (UTF-8) or .pdf."
    ),
    key: str | None = typer.Option(
        None,
        "--as",
        metavar="KEY",
        help="The draft's key (directive_KEY.yaml); default from its number, symbol and year.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Read the document and say what was found; write nothing."
    ),
) -> None:
    """Make a draft directive from its document: a Word file, a plain text file, or a
    PDF with a text layer (pip install "parledger[pdf]"). Writes directive_KEY.yaml and
    an empty ledger_KEY.yaml into the workspace, beside its other directives, and says
    what it found and what a person must check; never overwrites.

    The wording is copied verbatim; the outline's ids follow the document's numbering;
    what was interpreted rather than read is noted in the data's assumed: notes.

    \b
    Examples:
      parledger import chi-thi-2025.docx --data-dir ws
      parledger import ke-hoach.pdf --as kh-2025 --dry-run
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track.importer import import_document as run_import

    done = run_import(file, _import_folder(ctx), key=key, write=not dry_run)
    for line in import_summary(done):
        emit(line + "\n")


def _import_folder(ctx: typer.Context) -> Path:
    """The workspace to import into: --data-dir, $PARLEDGER_DATA or ./data, as
    for every command, but one with no directive yet is welcome (its registry
    is what the import needs)."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.cli.common import State
    from parledger.store.workspace import locate as find

    state = ctx.find_object(State)
    return find(state.data_dir if state else None, to_fill=True).root


def import_summary(done: Any) -> list[str]:
    """What an import found, and what a person must check, as lines."""
    made = done.draft
    meta = made.data["metadata"]
    outline = made.data["outline"]
    kinds = {kind: sum(1 for n in outline if n["kind"] == kind) for kind in ("part", "section")}
    links = sum(len(n.get("footnotes", [])) for n in outline)
    addressed = sum(1 for n in outline if n.get("addressees"))
    leads = sum(1 for n in outline if n.get("leads"))
    number = meta["number_as_printed"] or "(no number)"
    lines = [
        f"read a {done.source} document: "
        f"{meta['kind']} {number}, {meta['place_date_as_printed'] or '(no date)'}",
        f"  issuer: {meta['issuer'] or '?'} ({meta['issuer_name'] or 'not read'})",
        f"  outline: {kinds['part']} parts, {kinds['section']} sections, {made.items} items"
        + (f", {made.points} lettered points" if made.points else ""),
        f"  footnotes: {len(made.data['references'])}, {links} linked to the text",
        f"  documents cited: {len(made.data['documents'])}",
        f"  addressees read for {addressed} nodes; leads ('chủ trì') for {leads}",
        f"  deadlines read: {len(made.deadlines)}; appendix tasks: {len(made.tasks)}",
    ]
    if done.written:
        lines += [f"created {done.directive}", f"created {done.ledger}"]
    else:
        lines.append(f"would create {done.directive} and {done.ledger.name} (--dry-run)")
    checks = list(made.checks) + [f"{p.code}: {p.message}" for p in done.problems]
    lines.append(f"to check ({len(checks)}):" if checks else "to check: nothing flagged")
    lines += [f"  - {check}" for check in checks]
    lines.append(
        f"next: read the draft against the signed document (git diff shows it), then "
        f"'parledger validate --directive {made.key}'"
    )
    return lines


def init(
    folder: Path = typer.Argument(..., metavar="DIR", help="Folder for the new workspace."),
) -> None:
    """Create a workspace to record in: the bundled directive and registry, an empty
    ledger, a .gitattributes that merges ledgers with merge=union, and a README. Inside a
    git repository, also registers parledger's merge driver (see 'parledger git-setup')."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import create

    for path in create.init(folder, on_git=lambda message: emit(message + "\n")):
        emit(f"created {path}\n")
    # A relative folder is relative to here: "$PWD/…" keeps the variable
    # right from any other folder or a later shell.
    where = folder if folder.is_absolute() else f'"$PWD/{folder}"'
    emit(f"next: export PARLEDGER_DATA={where}  (or pass --data-dir {folder})\n")


def add_directive(
    ctx: typer.Context,
    source: Path = typer.Argument(
        ...,
        metavar="FILE",
        help="The directive as parledger YAML (see data/directive_2024.yaml).",
        dir_okay=False,
    ),
    key: str | None = typer.Option(
        None,
        "--as",
        metavar="KEY",
        help="The key to know it by (2025, hy-2025). Default: its number, symbol and year "
        "(1487-ubnd-nc-2025), else its year.",
    ),
) -> None:
    """Add another directive to the workspace, beside those it holds: copied in as
    directive_KEY.yaml with an empty ledger_KEY.yaml. It is checked against the
    workspace's agency registry first; a problem is reported at its line in FILE,
    and then nothing is written.

    \b
    Examples:
      parledger --data-dir hy add-directive ke-hoach-2025.yaml
      parledger --data-dir hy add-directive ke-hoach-2025.yaml --as 2025
      parledger --data-dir hy status --agency SNV --directive 2025
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import create

    added = create.add_directive(locate(ctx), source, key=key)
    emit(f"created {added.directive} ({added.items} items)\ncreated {added.ledger}\n")
    emit(
        f"next: parledger tasks --directive {added.key}; name its tasks as {added.key}:ID "
        "where another directive has the same id; commit both files\n"
    )


def _resolve(ctx: typer.Context, task: str, name: str) -> tuple[Workspace, str, Match]:
    """The workspace of the task's directive, the task's id in it, and the party."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query

    workspace, bare = load_task(ctx, task)
    return workspace, bare, query.resolver(workspace).resolve(name)


def _report(written: Written, workspace: Workspace) -> None:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track.history import entry_summary

    entry = written.entry
    # Where several directives share the folder, say whose ledger took it.
    whose = f" ({workspace.location.ledger_path.name})" if workspace.location.several else ""
    emit(f"recorded {entry.id}: {entry_summary(entry, workspace)}{whose}\n")
    for warning in written.warnings:
        warn(warning)


def assign(
    ctx: typer.Context,
    task: str | None = typer.Argument(None, metavar="[TASK]", help=TASK_HELP),
    agency: str | None = typer.Option(None, "--agency", "-a", help=AGENCY_HELP),
    role: Role | None = typer.Option(
        None, "--role", help="lead, support or implement (the default)."
    ),
    due: str | None = typer.Option(None, "--due", help="Due date (2024-09-30 or 30/9/2024)."),
    note: str | None = typer.Option(None, "--note", help="Free text, e.g. the assigning document."),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    source: Path | None = typer.Option(None, "--from", metavar="<file>", help=FROM_HELP),
    sheet: str | None = typer.Option(None, "--sheet", metavar="<sheet>", help=SHEET_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP),
) -> None:
    """Assign a task to an agency, or to every member of a group, with a role and an
    optional due date. Appends one entry to the ledger.

    With --from FILE: one assignment per row of a CSV file or an .xlsx sheet, in the
    columns export writes (keys or the headings of --lang vi, any case): task, agency,
    and any of role, due, note, date, by. Every row is checked first; each bad row is
    reported as FILE:ROW, and then nothing is written. A row that still shows its
    pair's role and due date as status does is not assigned again; a role the
    directive gives (addressee, named, group) reads as none.

    \b
    Examples:
      parledger assign I.2.1 --agency SNV --due 30/9/2024 --date 1/6/2024
      parledger assign I.1.3 --agency group:ubnd-cap-huyen --role support
      parledger assign --from deadlines.csv --dry-run
      parledger assign --from plan.xlsx --sheet status
    """
    if source is not None:
        given = {"TASK": task, "--agency": agency, "--role": role, "--due": due,
                 "--note": note, "--date": date, "--by": by}  # fmt: skip
        _from_file(ctx, "assign", source, sheet, dry_run, given)
        return
    task, agency = _single(task, agency, sheet, dry_run)
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace, task, party = _resolve(ctx, task, agency)
    common = writing.Common(date=date, by=by, note=note)
    entry = writing.assign(
        workspace, task, party, role=role or Role.IMPLEMENT, due=due, common=common
    )
    _report(entry, workspace)


def unassign(
    ctx: typer.Context,
    task: str = typer.Argument(..., metavar="TASK", help=TASK_HELP),
    agency: str = typer.Option(..., "--agency", "-a", help=AGENCY_HELP),
    reason: str = typer.Option(..., "--reason", help="Why the agency no longer owes the task."),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Release an agency (or a group) from a task, with the reason. Works on the
    directive's own addressees too; the entry stays in the ledger."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace, task, party = _resolve(ctx, task, agency)
    common = writing.Common(date=date, by=by)
    entry = writing.unassign(workspace, task, party, reason=reason, common=common)
    _report(entry, workspace)


STATUS_HELP = (
    "not_started, in_progress, done, blocked or not_applicable; or the words status "
    'prints for them, in English or Vietnamese ("in progress", "Đang thực hiện"), any case.'
)


def _status(text: str) -> Status:
    """--status as typed: the value or a word for it (labels.STATUS)."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import labels

    key = labels.parse(labels.STATUS, text)
    if key is None:
        raise UsageError(
            f"Invalid value for '--status': '{text}' is not a status; "
            f"use one of {labels.spelled(labels.STATUS)}, in any case"
        )
    return Status(key)


def record(
    ctx: typer.Context,
    task: str | None = typer.Argument(None, metavar="[TASK]", help=TASK_HELP),
    agency: str | None = typer.Option(None, "--agency", "-a", help="The agency that reported."),
    status: str | None = typer.Option(None, "--status", metavar="<status>", help=STATUS_HELP),
    percent: int | None = typer.Option(None, "--percent", help="0–100; done means 100."),
    value: float | None = typer.Option(
        None, "--value", help="Figure reached towards the task's quantitative target."
    ),
    target: str | None = typer.Option(
        None, "--target", help="Which target --value counts towards, when the task has several."
    ),
    evidence: list[str] = typer.Option([], "--evidence", "-e", help=EVIDENCE_HELP),
    note: str | None = typer.Option(None, "--note", help="What was done, in a few words."),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
    source: Path | None = typer.Option(None, "--from", metavar="<file>", help=FROM_HELP),
    sheet: str | None = typer.Option(None, "--sheet", metavar="<sheet>", help=SHEET_HELP),
    dry_run: bool = typer.Option(False, "--dry-run", help=DRY_RUN_HELP),
) -> None:
    """Record what an agency reported on a task: status, percent, value, evidence.
    Appends one entry to the ledger; checks everything before writing.

    With --from FILE: one report per row of a CSV file or an .xlsx sheet, in the
    columns export writes (keys or the headings of --lang vi, any case): task, agency,
    status, and any of percent, value, target, evidence ('; ' between documents), note,
    date, by. Every row is checked first; each bad row is reported as FILE:ROW, and
    then nothing is written. A row that still says what status shows for its pair,
    with no date or note of its own, is not recorded again: an exported sheet with a
    few rows edited records those rows.

    \b
    Examples:
      parledger record I.1.1 --agency "Sở Nội vụ" --status in_progress --percent 60
      parledger record I.2.1 -a SNV --status done -e "245/KH-UBND ngày 02/10/2024"
      parledger record --from reports.csv --dry-run
      parledger export --view status --format xlsx -o plan.xlsx
      parledger record --from plan.xlsx
    """
    if source is not None:
        given = {"TASK": task, "--agency": agency, "--status": status, "--percent": percent,
                 "--value": value, "--target": target, "--evidence": evidence,
                 "--note": note, "--date": date, "--by": by}  # fmt: skip
        _from_file(ctx, "record", source, sheet, dry_run, given)
        return
    task, agency = _single(task, agency, sheet, dry_run)
    if status is None:
        raise UsageError("Missing option '--status'")
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace, task, party = _resolve(ctx, task, agency)
    entry = writing.record(
        workspace,
        task,
        party,
        status=_status(status),
        percent=percent,
        value=value,
        target=target,
        evidence=evidence,
        common=writing.Common(date=date, by=by, note=note),
    )
    _report(entry, workspace)


def _single(
    task: str | None, agency: str | None, sheet: str | None, dry_run: bool
) -> tuple[str, str]:
    """The one entry's task and agency, which a command without --from needs."""
    if sheet is not None or dry_run:
        raise UsageError("--sheet and --dry-run go with --from FILE")
    if task is None:
        raise UsageError("Missing argument 'TASK' (or give --from FILE for many entries)")
    if agency is None:
        raise UsageError("Missing option '--agency' / '-a'")
    return task, agency


def _from_file(
    ctx: typer.Context,
    command: str,
    source: Path,
    sheet: str | None,
    dry_run: bool,
    given: Mapping[str, object],
) -> None:
    """``record --from`` and ``assign --from``: every row of the file checked,
    then all of them appended in one write, or none."""
    named = [name for name, value in given.items() if value not in (None, [], ())]
    if named:
        raise UsageError(
            f"--from reads every entry from {source}: give it without {', '.join(named)} "
            "(put them in the file's columns instead)"
        )
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import intake
    from parledger.store.sheet import read_table
    from parledger.track import bulk
    from parledger.track.record import writable

    writable(locate(ctx))  # said first: a file fixed for nothing is time lost
    table = read_table(source, sheet)
    columns = intake.RECORD if command == "record" else intake.ASSIGN
    rows = intake.rows(table, columns)
    workspace = _sheet_workspace(ctx, source, intake.directives(table), len(rows))
    run = bulk.record_rows if command == "record" else bulk.assign_rows
    outcome = run(workspace, str(source), rows, intake.WORDS, dry_run=dry_run)
    count = len(outcome.entries)
    entries = f"{count} {'entry' if count == 1 else 'entries'}"
    unchanged = (
        f"; {outcome.unchanged} of {outcome.rows} rows say what the ledger holds already, "
        "not recorded again"
        if outcome.unchanged
        else ""
    )
    if dry_run:
        emit(f"checked {source}: would record {entries}{unchanged}; nothing written (--dry-run)\n")
    else:
        emit(f"recorded {entries} from {source}{unchanged}\n")
    for row in outcome.warnings:
        warn(str(row))


def _sheet_workspace(
    ctx: typer.Context, source: Path, named: Mapping[int, str], count: int
) -> Workspace:
    """The one directive whose ledger takes a sheet's rows: --directive, the
    folder's only one, or the one the sheet's ``directive`` column names.
    All rows are written in one append, or none: one ledger per sheet."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.model.errors import RowProblem, RowsError

    location = locate(ctx)
    folder = location.of(location.keys[0]) if location.keys else location

    def key_of(text: str) -> str | None:
        try:
            return folder.choose(text).key
        except UsageError:
            return None

    keys = {key_of(text) for text in named.values()}
    if location.key is None and location.several and len(keys) == 1 and None not in keys:
        location = location.of(str(keys.pop()))
    if location.key is None and location.several:
        raise UsageError(
            f"{source} is recorded into one directive's ledger: add --directive KEY "
            f"(one of {', '.join(location.keys)}), or a directive column naming one"
        )
    workspace = load_at(ctx, location)
    other = [
        RowProblem(str(source), number, f"the row is of directive '{text}', not {workspace.key}")
        for number, text in sorted(named.items())
        if key_of(text) != workspace.key
    ]
    if other:
        raise RowsError(other, count)
    return workspace


def correct(
    ctx: typer.Context,
    entry_id: str = typer.Argument(..., metavar="ENTRY_ID", help="The entry to correct."),
    reason: str = typer.Option(..., "--reason", help="Why the correction is made."),
    agency: str | None = typer.Option(
        None,
        "--agency",
        "-a",
        help="The agency the fact is really about (id, name or short form; group:ID for an "
        "assignment to a group): the fact moves to it.",
    ),
    status: str | None = typer.Option(
        None, "--status", metavar="<status>", help="Corrected status. " + STATUS_HELP
    ),
    percent: int | None = typer.Option(None, "--percent", help="Corrected percent."),
    value: float | None = typer.Option(None, "--value", help="Corrected value."),
    target: str | None = typer.Option(None, "--target", help="Corrected target id."),
    evidence: list[str] | None = typer.Option(
        None, "--evidence", "-e", help="Corrected evidence (replaces the list)."
    ),
    note: str | None = typer.Option(None, "--note", help="Corrected note."),
    date: str | None = typer.Option(None, "--date", help="Corrected day of the fact."),
    role: Role | None = typer.Option(None, "--role", help="Corrected role (assign entries)."),
    due: str | None = typer.Option(None, "--due", help="Corrected due date (assign entries)."),
    void: bool = typer.Option(False, "--void", help="Withdraw the entry altogether."),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Correct an earlier entry: a new entry that supersedes it. Entries are never
    edited or deleted; `history` shows both. The entry as corrected must be possible
    (not_started at 50% is refused), as a new one must.

    \b
    Examples:
      parledger history I.1.1 --agency SNV
      parledger correct e-171b58a2718f --percent 70 --reason "Báo cáo ghi 70%"
      parledger correct e-171b58a2718f -a STP --reason "Sở Tư pháp báo cáo"
      parledger correct e-26d8220dd5d4 --due 31/10/2024 --reason "Gia hạn"
      parledger correct e-171b58a2718f --void --reason "Nhập trùng"
    """
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query
    from parledger.track import record as writing

    workspace = _holding(ctx, entry_id)
    changes = writing.Changes(
        date=date,
        note=note,
        status=_status(status) if status is not None else None,
        percent=percent,
        value=value,
        target=target,
        evidence=evidence or None,
        role=role,
        due=due,
        agency=query.resolver(workspace).resolve(agency) if agency is not None else None,
    )
    written = writing.correct(workspace, entry_id, reason=reason, changes=changes, void=void, by=by)
    _report(written, workspace)


def _holding(ctx: typer.Context, entry_id: str) -> Workspace:
    """The workspace whose ledger holds the entry: ids are unique across
    ledgers (random), so a correction needs no --directive."""
    found = load_each(ctx)
    if len(found) == 1:
        return found[0]
    wanted = entry_id.strip().lower()
    for workspace in found:
        if any(entry.id == wanted for entry in workspace.entries):
            return workspace
    keys = ", ".join(workspace.key for workspace in found)
    raise UsageError(
        f"no entry '{entry_id}' in the ledgers of this workspace's directives ({keys}); "
        "see 'parledger history'"
    )


def history(
    ctx: typer.Context,
    task: str | None = typer.Argument(None, metavar="[TASK]", help="Only this item."),
    agency: str | None = typer.Option(
        None, "--agency", "-a", help="Only entries about this agency (and its groups)."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only entries whose date is on or after this day."
    ),
    fmt: TextFormat = typer.Option(
        TextFormat.TABLE, "--format", "-f", help="table, json, jsonl, csv or md."
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="en or vi (default $PARLEDGER_LANG, else en); JSON stays English."
    ),
) -> None:
    """The audit trail: every ledger entry, corrections included, newest last, with
    who recorded it and when."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.present.labels import Lang, resolve
    from parledger.present.trail import worded
    from parledger.present.views import HISTORY_COLUMNS
    from parledger.track import query
    from parledger.track.history import history as trail

    language = resolve(lang)
    if task is not None:
        one, task = load_task(ctx, task)
        workspaces = [one]
    else:
        workspaces = load_each(ctx)
    # Scripts read JSON: its words never follow --lang.
    words = Lang.EN if fmt in (TextFormat.JSON, TextFormat.JSONL) else language
    parts = []
    for workspace in workspaces:
        agency_id = query.resolver(workspace).resolve_agency(agency) if agency else None
        found = trail(workspace, task=task, agency=agency_id, since=since)
        parts.append((workspace, worded(found, words)))
    emit_across(
        ctx,
        fmt,
        parts,
        HISTORY_COLUMNS,
        lambda records: render.history_table(records, language),
        lang=language,
    )


def alias(
    ctx: typer.Context,
    agency: str = typer.Argument(..., metavar="AGENCY", help="The agency, as it is known now."),
    name: str = typer.Argument(..., metavar="ALIAS", help="Another name it goes by."),
) -> None:
    """Teach the registry another name for an agency. Edits agencies.yaml in place;
    everything else in the file stays byte for byte."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query, registry

    # One registry serves every directive of the folder: any of them will do.
    workspace = load_shared(ctx)
    agency_id = query.resolver(workspace).resolve_agency(agency)
    added = registry.add_alias(workspace, agency_id, name)
    emit(f"added alias '{added}' to {agency_id} in {workspace.location.registry_path}\n")


def upgrade_ledger(ctx: typer.Context) -> None:
    """Rewrite a ledger written by parledger 0.1 (each entry over many lines) as one
    entry a line, once: every entry, id and value kept, and the comments you added.
    Refused, with every problem listed, when the workspace does not validate."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import upgrade

    for location in locate(ctx).each():
        done = upgrade.upgrade_ledger(location)
        if done is None:
            emit(f"{location.ledger_path.name} is one entry a line already; nothing to do\n")
            continue
        emit(
            f"rewrote {done.path}: {done.entries} entries, one a line "
            f"({done.lines_before} lines before, {done.lines_after} after); "
            "review with 'git diff', then commit\n"
        )


def repair(ctx: typer.Context) -> None:
    """Set aside a last ledger line cut short by a crash (power loss, a full disk),
    so work can go on. The line is kept in LEDGER.torn, never dropped: record
    that fact again from it."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import upgrade

    for location in locate(ctx).each():
        done = upgrade.repair_ledger(location)
        if done is None:
            emit(f"{location.ledger_path.name}'s last line is whole; nothing to repair\n")
            continue
        emit(
            f"set aside line {done.line} of {done.path} ({done.size} bytes, cut short) "
            f"into {done.side}; record that fact again, then commit\n"
        )
