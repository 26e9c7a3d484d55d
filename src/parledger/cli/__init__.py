"""The ``parledger`` command line: thin Typer commands over the library.

One error boundary (``_Boundary.invoke``) turns every library error into one
line on stderr and an exit code, so no traceback reaches a user for bad data
or bad arguments.  Library modules are imported inside the commands: ``--help``
and ``--version`` must not pay for YAML or pydantic.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from parledger import __version__
from parledger.cli.common import State, fail
from parledger.model.errors import ParledgerError, UsageError

EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 data problems, 2 usage (unknown agency, bad option or value), "
    "3 a --fail-on condition held (status, report, export)."
)


# click's UsageError, which typer vendors in recent releases and re-exports
# only through its subclass BadParameter.
_ClickUsageError: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)


class _Boundary(TyperGroup):
    """Maps library errors to one line on stderr and the documented exit code."""

    # ``ctx`` is click's Context, which typer vendors in recent releases and
    # imports in older ones; Any keeps the override valid for both.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._data_dir_first(ctx, args))

    def _data_dir_first(self, ctx: Any, args: list[str]) -> list[str]:
        """``parledger status --data-dir ws`` as ``parledger --data-dir ws status``:
        people type the folder where they think of it, after the command."""
        named = _command_named(args)
        if named is None or named not in args:
            return args
        at = args.index(named) + 1
        command = self.get_command(ctx, named)
        params = getattr(command, "params", ())
        own = {opt for param in params for opt in param.opts}
        # An option of the command's that takes a value: its value is never
        # read as an option (a --note "-d" stays the note).
        valued = {
            opt
            for param in params
            if not getattr(param, "is_flag", True) and not getattr(param, "count", False)
            for opt in param.opts
        }
        moved: list[str] = []
        rest: list[str] = []
        words = iter(args[at:])
        for word in words:
            if word == "--":
                rest += [word, *words]
                break
            if word in valued:
                rest += [word, *([value] if (value := next(words, None)) is not None else [])]
            elif word in _ROOT_VALUED and word not in own:
                value = next(words, None)
                if value is None:
                    what, example = (
                        ("a folder", "ws") if word in ("-d", "--data-dir") else ("a key", "2025")
                    )
                    fail(
                        UsageError(
                            f"{word} needs {what}, e.g. 'parledger {named} {word} {example}'"
                        )
                    )
                moved += [word, value]
            elif word.startswith(("--data-dir=", "--directive=")) and (
                word.partition("=")[0] not in own
            ):
                moved.append(word)
            else:
                rest.append(word)
        return [*moved, *args[:at], *rest] if moved else args

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ParledgerError as exc:
            fail(exc)
        except _ClickUsageError as exc:
            # Bad options of a command: one line, with where to read more.
            command = ctx.invoked_subcommand or ""
            hint = f"parledger {command} --help".replace("  ", " ")
            message = exc.format_message()  # type: ignore[attr-defined]
            if "'xlsx' is not one of" in message:
                hint = "an Excel file is written by 'parledger export --format xlsx -o FILE'"
                fail(UsageError(f"{message} ({hint})"))
            fail(UsageError(f"{message} (see '{hint}')"))
        except OSError as exc:
            # A file the user named or the workspace cannot be read or written.
            fail(ParledgerError(f"{exc.filename or 'file'}: {exc.strerror or exc}"))


app = typer.Typer(
    cls=_Boundary,
    name="parledger",
    help=(
        "A compliance ledger for a province's directives on the indices of public "
        "administration (see 'parledger indices'): "
        "which agency owes which task, what it has reported, what proves it, and what is "
        "late.\n\n" + EXIT_CODES_HELP
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"parledger {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(
        None,
        "--data-dir",
        "-d",
        help="Workspace folder, before or after the command's name. Default: "
        "$PARLEDGER_DATA, else ./data if it holds a directive, else the read-only copy "
        "bundled with parledger (every table names the one it read).",
        file_okay=False,
    ),
    directive: str | None = typer.Option(
        None,
        "--directive",
        "-D",
        metavar="KEY",
        help="Which directive of a workspace that holds several: its key (2024, "
        "1487-ubnd-nc-2025) or a unique part of it (1487). Before or after the command's "
        "name. Without it, a task is looked for in every directive (KEY:ID names one), "
        "and status, tasks, report, export and validate cover every directive.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    ctx.obj = State(data_dir=data_dir, directive=directive)


from parledger.cli import git as _git  # noqa: E402
from parledger.cli import ledger as _ledger  # noqa: E402
from parledger.cli import query as _query  # noqa: E402
from parledger.cli import results as _results  # noqa: E402
from parledger.cli import status as _status  # noqa: E402

_status.register(app)
_query.register(app)
_ledger.register(app)
_results.register(app)
_git.register(app)


def main() -> None:
    """Console-script entry point."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.cli import common

    common.ONE_SHOT = True
    # Typer builds a click command for every registered command on each run
    # (about 7 ms for fifteen); this process runs one, so only it is built.
    # Help and unknown names keep them all, to list them or suggest one.
    run = app
    invoked = _command_named(sys.argv[1:])
    chosen = [info for info in app.registered_commands if info.name == invoked]
    if chosen:
        run = copy.copy(app)
        run.registered_commands = chosen
    try:
        run()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.stderr.write("parledger: interrupted\n")
        sys.exit(130)


_ROOT_VALUED = ("-d", "--data-dir", "-D", "--directive")  # the root options that take a value


def _command_named(args: list[str]) -> str | None:
    """The command the arguments run: the first word that is neither a root
    option nor its value."""
    words = iter(args)
    for word in words:
        if word == "--":
            return next(words, None)
        if word in _ROOT_VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None
