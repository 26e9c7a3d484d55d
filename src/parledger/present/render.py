"""Rich renderables for people at a terminal; returned, never printed here.

Colour only ever repeats what the text already says (a lead is also written
'lead'), so output piped to a file or read with NO_COLOR loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from parledger.model.dates import display
from parledger.model.records import Record
from parledger.present import ranks
from parledger.present.labels import Lang


def directive_heading(record: Record) -> Text:
    """One line naming a directive, above its part of a table across several:
    its key, then kind, number and subject as printed."""
    line = Text(f"{record['key']} ", style="bold")
    number = record["number"] or ""
    line.append(" · ".join(part for part in (record["kind"], number, record["subject"]) if part))
    return line


def by_directive(
    sections: Sequence[tuple[Record, RenderableType]], *, headed: bool | None = None
) -> RenderableType:
    """Each directive's table under its heading, a blank line between them.
    ``headed``: whether to head them (default: when there are several); one
    directive's table alone is shown as it always was."""
    if len(sections) == 1 and not headed:
        return sections[0][1]
    shown: list[RenderableType] = []
    for record, renderable in sections:
        if shown:
            shown.append(Text(""))
        shown += [directive_heading(record), renderable]
    return Group(*shown)


def new_table(title: str | None = None) -> Table:
    # Light rules, no vertical bars: the columns, not the box, get the width
    # of an 80-column terminal.
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        expand=False,
    )


def fit_columns(table: Table) -> Table:
    """Give each one-line column (``no_wrap``) the width of its widest cell.

    Rich would find it by measuring every cell, and measures them all again
    when the table is wider than the terminal and a wrapping column gives
    way: a third of the time a status table takes to print (15 ms of 45 at
    45 rows).  The widths are the ones Rich would find: the longest line of
    each cell.  A cell that is not plain text leaves its column to Rich, and
    so do bounds (``min_width``, ``max_width``), which Rich applies after
    squeezing a measured column into a narrow terminal but not a fixed one.
    """
    for column in table.columns:
        if not column.no_wrap or column.width is not None:
            continue
        if column.min_width is not None or column.max_width is not None:
            continue
        widths = [_text_width(cell) for cell in (column.header, *column.cells)]
        if all(width is not None for width in widths):
            column.width = max(width for width in widths if width is not None)
    return table


def _text_width(cell: object) -> int | None:
    # Console() here never parses markup or emoji codes (cli.common.console),
    # so a string is measured as the Text it becomes (control codes dropped).
    # Tabs expand where they fall: left to Rich.
    if isinstance(cell, str):
        cell = Text(cell)
    if not isinstance(cell, Text) or "\t" in cell.plain:
        return None
    plain = cell.plain
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def tasks_table(records: Sequence[Record]) -> RenderableType:
    table = new_table()
    table.add_column("ID", no_wrap=True, min_width=7)
    table.add_column("Index", no_wrap=True, min_width=9)
    table.add_column("Task", ratio=3, min_width=20)
    table.add_column("Lead", ratio=1, min_width=10, overflow="fold")
    for record in records:
        style = "bold" if record["kind"] not in ("item", "subitem") else ""
        table.add_row(
            record["id"],
            record["index"] or "",
            one_line(record["title"], style=style),
            ", ".join(record["lead"]),
        )
    return Group(table, count_line(len(records), "outline node"))


def task_detail(record: Record, agency_names: dict[str, str]) -> RenderableType:
    parts: list[RenderableType] = []
    effect = record.get("effect")
    shown = record["kind"] if effect in (None, "task", "heading") else f"{record['kind']}, {effect}"
    header = f"{record['id']}  ({shown}, {record['index'] or 'no index'})"
    parts.append(
        # Not expanded: piped, where nothing is cut, the box is as wide as
        # the text's longest line, not as the page.
        Panel(
            Text(record["text"] or record["heading"] or ""),
            title=header,
            title_align="left",
            expand=False,
        )
    )
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")

    def name(party: str) -> str:
        return f"{agency_names.get(party, party)} [{party}]"

    if record["addressees"]:
        where = (
            f" (from {record['addressed_in']})" if record["addressed_in"] != record["id"] else ""
        )
        facts.add_row("Addressed to", "; ".join(name(p) for p in record["addressees"]) + where)
    for named in record["named"]:
        facts.add_row("Named", f"paragraph {named['paragraph']}: {name(named['party'])}")
    if record["lead"]:
        facts.add_row("Lead (chủ trì)", "; ".join(name(p) for p in record["lead"]))
    if record["leads"]:
        facts.add_row("Leads items", ", ".join(record["leads"]))
    if record["dimension"]:
        of = f"{record['index']} dimension" if record["index"] else "Dimension"
        facts.add_row(of, ", ".join(record["dimension"]))
    facts.add_row("Cadence", _cadence(record))
    if record["mode"] == "request":
        facts.add_row("Form", "request (đề nghị), not an order")
    checked = {t["target"]: t for t in record.get("rank_targets", [])}
    for target in record["targets"]:
        rank = checked.get(target["id"])
        if rank is not None:
            said = f"{ranks.target(rank)}\n{ranks.verdict(rank)}"
        else:
            by = f" by {target['by_year']}" if target.get("by_year") else ""
            at_least = {">=": "≥ ", "<=": "≤ "}.get(target["comparator"], "")
            said = f"{at_least}{_number(target['value'])}{target['unit']}{by}"
        facts.add_row(f"Target {target['id']}", f"{target['what']}: {said}\n“{target['quote']}”")
    for result in record.get("results", []):
        facts.add_row("Results", ranks.progression(result))
    for footnote in record.get("footnotes", []):
        facts.add_row(f"Footnote {footnote['number']}", footnote["text"])
    for doc in record.get("document_details", []):
        facts.add_row("Rests on", _document_line(doc))
    if record.get("owed_by"):
        owing = plural(len(record["owed_by"]), "agency", "agencies")
        facts.add_row("Owed by", f"{owing} (see parledger status --agency …)")
    for key, note in record["assumed"].items():
        facts.add_row(f"Assumed ({key})", note)
    if record.get("children"):
        facts.add_row("Contains", ", ".join(record["children"]))
    parts.append(facts)
    return Group(*parts)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def count_line(n: int, one: str, many: str | None = None, tail: str = "") -> Text:
    """The dim count line under a table."""
    return Text(plural(n, one, many) + tail, style="dim")


def one_line(text: str, style: str = "") -> Text:
    """One line, clipped with an ellipsis to the column: long wording stays
    readable as a list; ``parledger show ID`` prints it whole."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def _cadence(record: Record) -> str:
    if not record["cadence"]:
        return "not stated"
    return (
        f"{record['cadence']} (“{record['cadence_quote']}”)"
        if record["cadence_quote"]
        else record["cadence"]
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _document_line(doc: Record) -> str:
    bits = [doc.get("type", ""), doc["id"]]
    if doc.get("date"):
        bits.append(f"ngày {day(doc['date'])}")
    if doc.get("title"):
        bits.append(doc["title"])
    return " ".join(bit for bit in bits if bit)


def agencies_table(records: Sequence[Record]) -> RenderableType:
    table = new_table()
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Tasks", justify="right")
    table.add_column("Leads", justify="right")
    for record in records:
        # Under the name, every other name the agency answers to: --agency
        # takes each of them.
        name = Text(record["name"])
        others = [*record["short"], *record["aliases"]]
        if others:
            name.append("\nalso: " + "; ".join(others), style="dim")
        table.add_row(
            record["id"], name, record["kind"], str(record["tasks"]), str(record["leads"])
        )
    return Group(table, count_line(len(records), "agency", "agencies"))


def indices_table(records: Sequence[Record]) -> RenderableType:
    """The catalog: each index in bold, its dimensions under it; a name in
    Vietnamese where the catalog has one (both are in --format csv/json)."""
    table = new_table()
    table.add_column("Index / dimension", no_wrap=True)
    table.add_column("Name", overflow="fold", ratio=1)
    table.add_column("Served", no_wrap=True)
    table.add_column("Tasks", justify="right")
    for record in records:
        index = record["dimension"] is None
        table.add_row(
            Text(record["index"], style="bold") if index else "  " + record["dimension"],
            Text(record["name"] or record["name_en"] or "", style="bold" if index else ""),
            ("yes" if record["served"] else "") if index else "",
            str(record["tasks"]),
        )
    count = sum(1 for record in records if record["dimension"] is None)
    return Group(table, count_line(count, "index", "indices"))


def groups_table(records: Sequence[Record]) -> RenderableType:
    table = new_table()
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Members", justify="right")
    table.add_column("Note", overflow="fold")
    for record in records:
        note = f"through {record['represented_by']}" if record["represented_by"] else ""
        table.add_row(record["id"], record["name"], str(len(record["members"])), note)
    return table


def documents_table(records: Sequence[Record]) -> RenderableType:
    table = new_table()
    table.add_column("Document", no_wrap=True)
    table.add_column("Type", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Tasks", overflow="fold")
    for record in records:
        table.add_row(record["id"], record["type"], day(record["date"]), ", ".join(record["tasks"]))
    return Group(table, count_line(len(records), "document"))


def results_table(records: Sequence[Record]) -> RenderableType:
    table = new_table()
    table.add_column("Index", no_wrap=True)
    table.add_column("Year", justify="right")
    table.add_column("Rank", justify="right", no_wrap=True)
    table.add_column("Score", justify="right")
    table.add_column("Source", overflow="fold")
    for record in records:
        table.add_row(
            record["index"],
            str(record["year"]),
            f"{record['rank']}/{record['of']}",
            "" if record["score"] is None else _number(record["score"]),
            record["source_as_written"],
        )
    return Group(table, count_line(len(records), "result"))


def day(iso: str | None) -> str:
    """An ISO date from a record, as Vietnamese offices write it."""
    return display(dt.date.fromisoformat(iso)) if iso else ""


def history_table(records: Sequence[Record], lang: Lang = Lang.EN) -> RenderableType:
    """The audit trail like `git log`: a heading line per entry, then what it
    says, in ``lang``.  What an entry says is indented under its heading, and
    so is every line a long note wraps onto."""
    # Lazy: the trail's words (and the citation reader) are history's alone;
    # a status table must not pay for importing them.
    from parledger.present import trail

    lines: list[RenderableType] = []
    for record in records:
        lines.append(
            Text.assemble(
                (record["id"], "bold"),
                f"  {day(record['date'])}  ",
                (trail.kind(record, lang), "bold"),
                f"  {record['task']}  {record['party']}",
            )
        )
        lines.append(_under(Text(trail.recorded(record, lang), style="dim")))
        lines.append(_under(Text(record.get("details") or trail.details(record["entry"], lang))))
    lines.append(Text(trail.count(len(records), lang), style="dim"))
    return Group(*lines)


def _under(text: Text) -> Padding:
    # Padding, not leading spaces: a line Rich wraps starts under the text,
    # not at the left edge.
    return Padding(text, (0, 0, 0, 4))
