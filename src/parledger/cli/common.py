"""What every command shares: the workspace, output, and error reporting."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from parledger.model.errors import ParledgerError, ProblemsError, RowsError, UsageError
from parledger.model.text import shown
from parledger.present import export
from parledger.present.export import Format, TextFormat
from parledger.present.labels import Lang

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from parledger.model.records import Record
    from parledger.store.workspace import Location, Workspace


@dataclass
class State:
    data_dir: Path | None
    directive: str | None = None  # --directive, as typed
    # Whether this run spans every directive of a workspace of several:
    # then what it prints names the directive of each row.
    spanning: bool = False
    read: Location | None = None  # the workspace this command loaded, once it has


# Exit codes, as `parledger --help` lists them.
EXIT_OK = 0
EXIT_DATA = 1  # the workspace has problems, or a file cannot be read
EXIT_USAGE = 2  # bad arguments: an unknown agency, a bad option value
EXIT_FAIL_ON = 3  # a --fail-on condition held (for cron)


def exit_code(exc: ParledgerError) -> int:
    """The exit code for an error the library raised."""

    return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_DATA


def fail(exc: ParledgerError, code: int | None = None) -> NoReturn:
    """One line per problem on stderr, then exit: with ``code``, else the
    error's own (:func:`exit_code`)."""

    if isinstance(exc, ProblemsError) and exc.problems:
        for problem in exc.problems[:20]:
            sys.stderr.write(f"{problem}\n")
        more = len(exc.problems) - 20
        tail = f" ({more} more not shown)" if more > 0 else ""
        sys.stderr.write(
            f"parledger: the workspace has {len(exc.problems)} problem(s){tail}; "
            "fix them, then run 'parledger validate'\n"
        )
    elif isinstance(exc, RowsError) and exc.problems:
        # Every row, not the first twenty: the user fixes the file in one pass.
        for row in exc.problems:
            sys.stderr.write(f"{row}\n")
        sys.stderr.write(
            f"parledger: error: {len(exc.problems)} of {exc.rows} rows refused; "
            "nothing was written: fix them and run the command again\n"
        )
    else:
        sys.stderr.write(f"parledger: error: {_one_line(str(exc))}\n")
    raise typer.Exit(exit_code(exc) if code is None else code)


def warn(message: str) -> None:
    """One line on stderr: what looks wrong in what was written, though it
    may be true; the entry stands and the command succeeds."""
    sys.stderr.write(f"parledger: warning: {_one_line(message)}\n")


def note(message: str) -> None:
    """One line on stderr: something true the user should know about what
    they asked (an agency merged away), not a problem."""
    sys.stderr.write(f"parledger: note: {_one_line(message)}\n")


def _one_line(message: str) -> str:
    # A message may quote what the user typed, or a file: shown escaped, so
    # that it neither breaks the line nor sends the terminal a command.
    return shown(" ".join(message.split()))


ONE_SHOT = False
"""Set by the console script: this process ends with the command."""


def locate(ctx: typer.Context) -> Location:
    """Where the workspace the options name is, without loading it."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import workspace

    state = ctx.find_object(State)
    if state is None:
        return workspace.locate(None)
    return workspace.locate(state.data_dir, directive=state.directive)


def load_workspace(ctx: typer.Context) -> Workspace:
    """The workspace the options name, bound to one directive: the one
    --directive names, else the folder's only one."""
    return load_at(ctx, locate(ctx))


def load_each(ctx: typer.Context) -> list[Workspace]:
    """The workspace once per directive: the one --directive names, else
    every directive in the folder, oldest first."""
    location = locate(ctx)
    if location.key is None and not location.several:
        return [load_at(ctx, location)]
    loaded = [load_at(ctx, one) for one in location.each()]
    if location.key is None:
        state = ctx.ensure_object(State)
        state.spanning = True
        state.read = location  # the folder: each table names its directive
    # Oldest first, as an office files them; the key orders one year's.
    return sorted(loaded, key=lambda one: (_issued(one), one.key))


def load_shared(ctx: typer.Context) -> Workspace:
    """One directive's workspace, for what every directive of the folder
    shares (the registry, the catalog of indices, the results): the one
    --directive names, else the first; the others are not read."""
    location = locate(ctx)
    loaded = load_at(ctx, location.each()[0])
    ctx.ensure_object(State).read = location  # a table of it is the folder's
    return loaded


def _issued(workspace: Workspace) -> tuple[int, str]:
    meta = workspace.directive.metadata
    return meta.year, meta.date.isoformat() if meta.date else ""


def load_task(ctx: typer.Context, task: str) -> tuple[Workspace, str]:
    """The workspace of the directive that holds ``task``, and the task's id.

    ``KEY:ID`` names the directive; a bare id is looked for in every
    directive of the folder and refused, with the candidates, when more
    than one holds it."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store.workspace import split_task

    qualifier, bare = split_task(task)
    location = locate(ctx)
    if qualifier is not None:
        named = location.choose(qualifier)
        if location.key is not None and named.key != location.key:
            raise UsageError(
                f"task '{task}' is of directive {named.key}, but --directive names "
                f"{location.key}: drop one of them"
            )
        return load_at(ctx, named), bare
    if location.key is not None or not location.several:
        return load_at(ctx, location), bare
    loaded = [load_at(ctx, one) for one in location.each()]
    holding = [one for one in loaded if _holds(one, bare)]
    if len(holding) == 1:
        return holding[0], bare
    keys = ", ".join(one.key for one in loaded)
    if not holding:
        raise UsageError(
            f"no task '{bare}' in any directive of this workspace ({keys}); see 'parledger tasks'"
        )
    candidates = ", ".join(f"{one.key}:{bare}" for one in holding)
    raise UsageError(
        f"task '{bare}' is in {len(holding)} directives: write {candidates} "
        "(or give --directive KEY)"
    )


def _holds(workspace: Workspace, task: str) -> bool:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.track.query import find_node, outline_of

    try:
        find_node(outline_of(workspace), task)
    except UsageError:
        return False
    return True


def load_at(ctx: typer.Context, location: Location) -> Workspace:
    """The workspace at ``location`` (one directive of its folder)."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store.loader import load

    state = ctx.find_object(State)
    if state is not None:
        state.read = location
    if not ONE_SHOT:
        return _warn_about_cache(load(location))
    # What is loaded lives until the process ends.  The collector is kept
    # out of the load, whose objects all live on, and then out of their
    # sight: they are not walked again by each collection that the rest of
    # the command sets off (a write imports pydantic).  Not in a long-lived
    # process (tests run commands in theirs): what is frozen is never
    # collected.
    gc.disable()
    try:
        loaded = load(location)
        gc.freeze()
    finally:
        gc.enable()
    return _warn_about_cache(loaded)


def _warn_about_cache(loaded: Workspace) -> Workspace:
    """Say once why the cache was not used (someone else could write it)."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import cache

    message = cache.warning()
    if message:
        sys.stderr.write(f"{message}\n")
    return loaded


def console(width: int | None = None) -> Console:
    # Lazy: rich's console costs about 20 ms to import; --help and the
    # machine formats never build one.
    from rich.console import Console

    # Rich already drops colour when stdout is not a terminal or NO_COLOR is
    # set.  Markup and emoji codes are off: the directive's own text (or an
    # agency name like "[group:…]") must be printed as written, never parsed.
    return Console(highlight=False, markup=False, emoji=False, width=width)


def show(ctx: typer.Context | None, renderable: RenderableType, *, wide: bool = False) -> None:
    """Print a table for people, under a line naming the workspace it read.

    Laid out to the terminal's width (or ``$COLUMNS``), where a long title
    may end in "…"; uncut with ``wide`` or when stdout is a file or a pipe,
    where nobody would see the terminal's width and a cut value is lost.
    No line ends in spaces (Rich pads every row to the table's width)."""
    out = console()
    if layout_width(wide, out) is None:
        # No table expands, and a box is as wide as its text: at this width
        # nothing wraps or is cut, and no line is longer than its content.
        out = console(width=_UNBOUNDED)
    state = ctx.find_object(State) if ctx is not None else None
    with out.capture() as captured:
        if state is not None and state.read is not None:
            # One line, however long its path: a terminal wraps it, whole.
            out.print(workspace_line(state.read), style="dim", soft_wrap=True)
        out.print(renderable)
    sys.stdout.write("\n".join(line.rstrip(" ") for line in captured.get().split("\n")))
    sys.stdout.flush()


def layout_width(wide: bool = False, out: Console | None = None) -> int | None:
    """The width tables must fit: the terminal's (or ``$COLUMNS``); None
    when nothing may be cut (``--wide``, or stdout a file or a pipe)."""
    out = out or console()
    if wide or not (out.is_terminal or "COLUMNS" in os.environ):
        return None
    return out.width


def workspace_line(location: Location) -> str:
    """Which workspace a table shows: from a new shell or another folder,
    parledger may not read the one the analyst thinks."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store.workspace import Source

    if location.source is Source.BUNDLED:
        return "Workspace: the bundled copy, read-only (see --data-dir, $PARLEDGER_DATA)"
    # Of a folder of several directives, which one this table is about.
    which = f", directive {location.key}" if location.key and location.several else ""
    return f"Workspace: {location.root} ({location.source.value}){which}"


_UNBOUNDED = 100_000  # wider than any line a workspace holds


def emit(text: str) -> None:
    """Machine output goes straight to stdout, never through Rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


def emit_records(
    ctx: typer.Context,
    fmt: TextFormat,
    records: Sequence[Record],
    columns: Sequence[str],
    table: Callable[[], RenderableType],
    *,
    lang: Lang = Lang.EN,
) -> None:
    """A table for people, or the records in a text format for scripts
    (CSV and Markdown headers in ``lang``)."""
    if fmt is TextFormat.TABLE:
        show(ctx, table())
        return
    emit(export.render(records, columns, Format(fmt.value), lang=lang))


def emit_across(
    ctx: typer.Context,
    fmt: TextFormat,
    parts: Sequence[tuple[Workspace, Sequence[Record]]],
    columns: Sequence[str],
    table: Callable[[Sequence[Record]], RenderableType],
    *,
    lang: Lang = Lang.EN,
    wide: bool = False,
) -> None:
    """:func:`emit_records` for one or several directives: a table per
    directive under its heading, or one list led by a ``directive`` column."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.present.views import across

    if fmt is TextFormat.TABLE:
        # Lazy: what this command alone uses; --help and other commands stay light.
        from parledger.present.render import by_directive
        from parledger.track.query import directive_record

        sections = [(directive_record(one), table(found)) for one, found in parts]
        show(ctx, by_directive(sections, headed=spanning(ctx)), wide=wide)
        return
    records, named = across(parts, columns, lead=spanning(ctx))
    emit(export.render(records, named, Format(fmt.value), lang=lang))


def spanning(ctx: typer.Context) -> bool:
    """Whether the command read every directive of a workspace of several."""
    state = ctx.find_object(State)
    return state is not None and state.spanning
