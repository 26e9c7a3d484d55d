"""The floor under target 6: a bare Typer app that prints parledger's table.

``run.py`` times ``parledger status --agency "Sở Nội vụ"`` on the bundled
data against this script, in turns, and calls the difference of the medians
parledger's own share of the command.  This app does only what any Typer and
Rich program printing that table must do: import typer and rich, parse the
same options as ``parledger status``, read the rows (a small JSON file that
``run.py`` wrote once, before timing, from ``parledger status --agency … -f
json``; its path is in ``$BARE_ROWS``) and print a Rich table of them, with
the console settings and the table style parledger uses.  Plain Rich: Rich
measures the columns itself.

It imports nothing of parledger.  Run by hand::

    BARE_ROWS=rows.json python benchmarks/bare.py status --agency "Sở Nội vụ"
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

ROWS_VAR = "BARE_ROWS"
WIDE_AT = 110


# The options' types, as parledger declares them.
class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MD = "md"
    XLSX = "xlsx"


class Condition(StrEnum):
    OVERDUE = "overdue"
    STALE = "stale"
    INVALID = "invalid"


# The words and colours of parledger's English table.
STYLE = {
    "done_on_time": "green",
    "done_late": "yellow",
    "in_progress": "cyan",
    "overdue": "bold red",
    "not_started": "",
    "not_applicable": "dim",
}
CATEGORY = {
    "done_on_time": "done on time",
    "done_late": "done late",
    "in_progress": "in progress",
    "overdue": "overdue",
    "not_started": "not started",
    "not_applicable": "n/a",
}

app = typer.Typer(
    name="bare",
    help="A bare Typer and Rich app with parledger's status options.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    data_dir: Path | None = typer.Option(None, "--data-dir", "-d", help="Workspace folder."),
    version: bool = typer.Option(False, "--version", is_eager=True, help="Print the version."),
) -> None:
    """Parledger's root options: one command of a group, as in parledger."""


@app.command()
def status(
    agency: str | None = typer.Option(None, "--agency", "-a", help="Agency."),
    index: str | None = typer.Option(None, "--index", "-i", help="Index."),
    dimension: str | None = typer.Option(None, "--dimension", help="PAPI dimension."),
    category: str | None = typer.Option(None, "--category", "-c", help="Category."),
    as_of: str | None = typer.Option(None, "--as-of", help="Day."),
    period: str | None = typer.Option(None, "--period", "-p", help="Period."),
    fmt: Format = typer.Option(Format.TABLE, "--format", "-f", help="Format."),
    wide: bool = typer.Option(False, "--wide", "-w", help="Every column."),
    lang: str | None = typer.Option(None, "--lang", help="Language."),
    fail_on: list[Condition] = typer.Option([], "--fail-on", help="Exit 3 when this holds."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing."),
) -> None:
    """Where an agency's tasks stand: the rows in $BARE_ROWS as a table."""
    rows = json.loads(Path(os.environ[ROWS_VAR]).read_text(encoding="utf-8"))
    console = Console(highlight=False, markup=False, emoji=False)
    if not quiet:
        console.print(render(rows, agency or "", wide=wide or console.width >= WIDE_AT))


def day(iso: str | None) -> str:
    if not iso:
        return ""
    year, month, date = iso.split("-")
    return f"{date}/{month}/{year}"


def render(rows: list[dict], agency: str, *, wide: bool) -> RenderableType:
    """The summary line, then a table per index, as parledger prints them."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    leads = sum(1 for row in rows if row["lead"])
    stale = sum(1 for row in rows if row["stale"])
    name, agency_id = (rows[0]["name"], rows[0]["agency"]) if rows else (agency, agency)
    tasks = f"{len(rows)} task" + ("" if len(rows) == 1 else "s")
    summary = Text.assemble(
        (name, "bold"),
        f" ({agency_id}): {tasks}",
        *(
            part
            for value in STYLE
            if counts.get(value)
            for part in (", ", (f"{counts[value]} {CATEGORY[value]}", STYLE[value]))
        ),
        f"; lead on {leads}" if leads else "",
        f"; {stale} without a report this period" if stale else "",
        ".",
    )
    parts: list[RenderableType] = [summary]
    for index in dict.fromkeys(row["index"] for row in rows):
        table = Table(
            title=index,
            title_justify="left",
            title_style="bold",
            header_style="bold",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            collapse_padding=True,
            expand=False,
        )
        table.add_column("Task", no_wrap=True)
        if wide:
            table.add_column("Title", ratio=2, min_width=10)
        table.add_column("Role", no_wrap=True)
        table.add_column("Due", no_wrap=True)
        table.add_column("Category", no_wrap=True)
        table.add_column("%", justify="right", no_wrap=True)
        table.add_column("Last update", no_wrap=True)
        table.add_column("Evidence", ratio=1, min_width=8)
        for row in rows:
            if row["index"] != index:
                continue
            word = CATEGORY.get(row["category"], row["category"])
            cells: list[RenderableType] = [row["task"] + (" *" if row["stale"] else "")]
            if wide:
                cells.append(Text(row["title"], no_wrap=True, overflow="ellipsis"))
            table.add_row(
                *cells,
                row["role"],
                day(row["due"]) or ("continuous" if row["cadence"] == "continuous" else ""),
                Text(
                    word.upper() if row["category"] == "overdue" else word,
                    style=STYLE.get(row["category"], ""),
                ),
                "" if row["percent"] is None else str(row["percent"]),
                day(row["last_update"]),
                Text("; ".join(row["evidence"]), no_wrap=True, overflow="ellipsis"),
            )
        parts.append(table)
    if stale:
        parts.append(Text("* continuous task with no report in this period", style="dim"))
    if not rows:
        parts.append(Text("No task in this selection.", style="dim"))
    return Group(*parts)


def main() -> None:
    app(prog_name="bare")


if __name__ == "__main__":
    sys.exit(main())
