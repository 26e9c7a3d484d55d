"""What every command shares: the workspace, output, and error reporting."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from parledger.errors import ParledgerError
from parledger.export import Format, Record

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from parledger.workspace import Location, Workspace


@dataclass
class State:
    data_dir: Path | None


def fail(exc: ParledgerError) -> NoReturn:
    """One line per problem on stderr, then the error's exit code."""
    from parledger.errors import ProblemsError

    if isinstance(exc, ProblemsError) and exc.problems:
        for problem in exc.problems[:20]:
            sys.stderr.write(f"{problem}\n")
        more = len(exc.problems) - 20
        tail = f" ({more} more not shown)" if more > 0 else ""
        sys.stderr.write(
            f"parledger: the workspace has {len(exc.problems)} problem(s){tail}; "
            "fix them, then run 'parledger validate'\n"
        )
    else:
        sys.stderr.write(f"parledger: error: {_one_line(str(exc))}\n")
    raise typer.Exit(exc.exit_code)


def _one_line(message: str) -> str:
    return " ".join(message.split())


ONE_SHOT = False
"""Set by the console script: this process ends with the command."""


def locate(ctx: typer.Context) -> Location:
    """Where the workspace the options name is, without loading it."""
    from parledger import workspace

    state = ctx.find_object(State)
    return workspace.locate(state.data_dir if state else None)


def load_workspace(ctx: typer.Context) -> Workspace:
    """The workspace the options name."""
    from parledger import workspace

    location = locate(ctx)
    if not ONE_SHOT:
        return _warn_about_cache(workspace.load(location))
    # What is loaded lives until the process ends.  The collector is kept
    # out of the load, whose objects all live on, and then out of their
    # sight: they are not walked again by each collection that the rest of
    # the command sets off (a write imports pydantic).  Not in a long-lived
    # process (tests run commands in theirs): what is frozen is never
    # collected.
    gc.disable()
    try:
        loaded = workspace.load(location)
        gc.freeze()
    finally:
        gc.enable()
    return _warn_about_cache(loaded)


def _warn_about_cache(loaded: Workspace) -> Workspace:
    """Say once why the cache was not used (someone else could write it)."""
    from parledger import cache

    message = cache.warning()
    if message:
        sys.stderr.write(f"{message}\n")
    return loaded


def console() -> Console:
    from rich.console import Console

    # Rich already drops colour when stdout is not a terminal or NO_COLOR is
    # set.  Markup and emoji codes are off: the directive's own text (or an
    # agency name like "[group:…]") must be printed as written, never parsed.
    return Console(highlight=False, markup=False, emoji=False)


def show(renderable: RenderableType) -> None:
    console().print(renderable)


def emit(text: str) -> None:
    """Machine output goes straight to stdout, never through Rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


def emit_records(
    fmt: Format,
    records: Sequence[Record],
    columns: Sequence[str],
    table: Callable[[], RenderableType],
) -> None:
    """A table for people, or the records in a text format for scripts."""
    if fmt is Format.TABLE:
        show(table())
        return
    if fmt is Format.XLSX:
        from parledger.errors import UsageError

        raise UsageError("an Excel file is written by 'parledger export --format xlsx -o FILE'")
    from parledger import export

    emit(export.render(records, columns, fmt))
