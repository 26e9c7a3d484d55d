"""Commands that write: init, assign, unassign, record, correct, alias; and history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parledger.cli.common import emit, emit_records, load_workspace, locate
from parledger.model.enums import Role, Status
from parledger.model.errors import UsageError
from parledger.present.export import Format

if TYPE_CHECKING:
    from parledger.model.models import Entry
    from parledger.model.names import Match
    from parledger.store.workspace import Workspace

AGENCY_HELP = 'Agency id, name or short form ("Sở Nội vụ", SNV); group:ID for a whole group.'
DATE_HELP = "Day the fact happened (2024-06-15 or 15/6/2024); default today."
BY_HELP = "Who records it; default git's user.name, else the login name."
EVIDENCE_HELP = (
    "The document that proves it, as offices cite it ('200/BC-SNV ngày 15/6/2024', "
    "'Báo cáo số 200/BC-SNV ngày 15 tháng 6 năm 2024'), dated no later than the fact, "
    "or a URL. Kept in one canonical form, with the text as typed. Repeat for several."
)


def register(app: typer.Typer) -> None:
    for command in (init, assign, unassign, record, correct, history, alias, repair):
        app.command(command.__name__)(command)
    app.command("upgrade-ledger")(upgrade_ledger)


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
    emit(f"next: export PARLEDGER_DATA={folder}  (or pass --data-dir {folder})\n")


def _resolve(ctx: typer.Context, name: str) -> tuple[Workspace, Match]:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query

    workspace = load_workspace(ctx)
    return workspace, query.resolver(workspace).resolve(name)


def _report(entry: Entry, workspace: Workspace) -> None:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track.history import entry_summary

    emit(f"recorded {entry.id}: {entry_summary(entry, workspace)}\n")


def assign(
    ctx: typer.Context,
    task: str = typer.Argument(..., metavar="TASK", help="Item id, e.g. I.1.3."),
    agency: str = typer.Option(..., "--agency", "-a", help=AGENCY_HELP),
    role: Role = typer.Option(Role.IMPLEMENT, "--role", help="lead, support or implement."),
    due: str | None = typer.Option(None, "--due", help="Due date (2024-09-30 or 30/9/2024)."),
    note: str | None = typer.Option(None, "--note", help="Free text, e.g. the assigning document."),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Assign a task to an agency, or to every member of a group, with a role and an
    optional due date. Appends one entry to the ledger."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace, party = _resolve(ctx, agency)
    common = writing.Common(date=date, by=by, note=note)
    entry = writing.assign(workspace, task, party, role=role, due=due, common=common)
    _report(entry, workspace)


def unassign(
    ctx: typer.Context,
    task: str = typer.Argument(..., metavar="TASK", help="Item id, e.g. I.1.3."),
    agency: str = typer.Option(..., "--agency", "-a", help=AGENCY_HELP),
    reason: str = typer.Option(..., "--reason", help="Why the agency no longer owes the task."),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    by: str | None = typer.Option(None, "--by", help=BY_HELP),
) -> None:
    """Release an agency (or a group) from a task, with the reason. Works on the
    directive's own addressees too; the entry stays in the ledger."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace, party = _resolve(ctx, agency)
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
    task: str = typer.Argument(..., metavar="TASK", help="Item id, e.g. I.1.3."),
    agency: str = typer.Option(..., "--agency", "-a", help="The agency that reported."),
    status: str = typer.Option(..., "--status", metavar="<status>", help=STATUS_HELP),
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
) -> None:
    """Record what an agency reported on a task: status, percent, value, evidence.
    Appends one entry to the ledger; checks everything before writing."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace, party = _resolve(ctx, agency)
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


def correct(
    ctx: typer.Context,
    entry_id: str = typer.Argument(..., metavar="ENTRY_ID", help="The entry to correct."),
    reason: str = typer.Option(..., "--reason", help="Why the correction is made."),
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
    edited or deleted; `history` shows both."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import record as writing

    workspace = load_workspace(ctx)
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
    )
    entry = writing.correct(workspace, entry_id, reason=reason, changes=changes, void=void, by=by)
    _report(entry, workspace)


def history(
    ctx: typer.Context,
    task: str | None = typer.Argument(None, metavar="[TASK]", help="Only this item."),
    agency: str | None = typer.Option(
        None, "--agency", "-a", help="Only entries about this agency (and its groups)."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only entries whose date is on or after this day."
    ),
    fmt: Format = typer.Option(Format.TABLE, "--format", "-f", help="table, json, csv or md."),
) -> None:
    """The audit trail: every ledger entry, corrections included, newest last, with
    who recorded it and when."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present import render
    from parledger.track import query
    from parledger.track.history import history as trail

    workspace = load_workspace(ctx)
    agency_id = query.resolver(workspace).resolve_agency(agency) if agency else None
    records = trail(workspace, task=task, agency=agency_id, since=since)
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.views import HISTORY_COLUMNS

    emit_records(fmt, records, HISTORY_COLUMNS, lambda: render.history_table(records))


def alias(
    ctx: typer.Context,
    agency: str = typer.Argument(..., metavar="AGENCY", help="The agency, as it is known now."),
    name: str = typer.Argument(..., metavar="ALIAS", help="Another name it goes by."),
) -> None:
    """Teach the registry another name for an agency. Edits agencies.yaml in place;
    everything else in the file stays byte for byte."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track import query, registry

    workspace = load_workspace(ctx)
    agency_id = query.resolver(workspace).resolve_agency(agency)
    added = registry.add_alias(workspace, agency_id, name)
    emit(f"added alias '{added}' to {agency_id} in {workspace.location.registry_path}\n")


def upgrade_ledger(ctx: typer.Context) -> None:
    """Rewrite a ledger written by parledger 0.1 (each entry over many lines) as one
    entry a line, once: every entry, id and value kept, and the comments you added.
    Refused, with every problem listed, when the workspace does not validate."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import upgrade

    done = upgrade.upgrade_ledger(locate(ctx))
    if done is None:
        emit("the ledger is one entry a line already; nothing to do\n")
        return
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

    done = upgrade.repair_ledger(locate(ctx))
    if done is None:
        emit("the ledger's last line is whole; nothing to repair\n")
        return
    emit(
        f"set aside line {done.line} of {done.path} ({done.size} bytes, cut short) "
        f"into {done.side}; record that fact again, then commit\n"
    )
