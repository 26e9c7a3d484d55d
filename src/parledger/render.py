"""Rich renderables for people at a terminal; returned, never printed here.

Colour only ever repeats what the text already says (a lead is also written
'lead'), so output piped to a file or read with NO_COLOR loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from parledger.dates import display

Record = dict[str, Any]


def _table(title: str | None = None) -> Table:
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


def tasks_table(records: Sequence[Record]) -> RenderableType:
    table = _table()
    table.add_column("ID", no_wrap=True, min_width=7)
    table.add_column("Index", no_wrap=True, min_width=9)
    table.add_column("Task", ratio=3, min_width=20)
    table.add_column("Lead", ratio=1, min_width=10, overflow="fold")
    for record in records:
        style = "bold" if record["kind"] != "item" else ""
        table.add_row(
            record["id"],
            record["index"] or "",
            _line(record["title"], style=style),
            ", ".join(record["lead"]),
        )
    return Group(table, _count(len(records), "outline node"))


def task_detail(record: Record, agency_names: dict[str, str]) -> RenderableType:
    parts: list[RenderableType] = []
    header = f"{record['id']}  ({record['kind']}, {record['index'] or 'no index'})"
    parts.append(
        Panel(Text(record["text"] or record["heading"] or ""), title=header, title_align="left")
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
        facts.add_row("PAPI dimension", ", ".join(record["dimension"]))
    facts.add_row("Cadence", _cadence(record))
    if record["mode"] == "request":
        facts.add_row("Form", "request (đề nghị), not an order")
    for target in record["targets"]:
        by = f" by {target['by_year']}" if target.get("by_year") else ""
        at_least = "≥ " if target["comparator"] == ">=" else ""
        value = f"{at_least}{_number(target['value'])}{target['unit']}"
        facts.add_row(
            f"Target {target['id']}", f"{target['what']}: {value}{by}\n“{target['quote']}”"
        )
    for footnote in record.get("footnotes", []):
        facts.add_row(f"Footnote {footnote['number']}", footnote["text"])
    for doc in record.get("document_details", []):
        facts.add_row("Rests on", _document_line(doc))
    if record.get("owed_by"):
        owing = _plural(len(record["owed_by"]), "agency", "agencies")
        facts.add_row("Owed by", f"{owing} (see parledger status --agency …)")
    for key, note in record["assumed"].items():
        facts.add_row(f"Assumed ({key})", note)
    if record.get("children"):
        facts.add_row("Contains", ", ".join(record["children"]))
    parts.append(facts)
    return Group(*parts)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _count(n: int, one: str, many: str | None = None, tail: str = "") -> Text:
    """The dim count line under a table."""
    return Text(_plural(n, one, many) + tail, style="dim")


def _line(text: str, style: str = "") -> Text:
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
        bits.append(f"ngày {_day(doc['date'])}")
    if doc.get("title"):
        bits.append(doc["title"])
    return " ".join(bit for bit in bits if bit)


def agencies_table(records: Sequence[Record]) -> RenderableType:
    table = _table()
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Tasks", justify="right")
    table.add_column("Leads", justify="right")
    for record in records:
        table.add_row(
            record["id"], record["name"], record["kind"], str(record["tasks"]), str(record["leads"])
        )
    return Group(table, _count(len(records), "agency", "agencies"))


def groups_table(records: Sequence[Record]) -> RenderableType:
    table = _table()
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Members", justify="right")
    table.add_column("Note", overflow="fold")
    for record in records:
        note = f"through {record['represented_by']}" if record["represented_by"] else ""
        table.add_row(record["id"], record["name"], str(len(record["members"])), note)
    return table


def documents_table(records: Sequence[Record]) -> RenderableType:
    table = _table()
    table.add_column("Document", no_wrap=True)
    table.add_column("Type", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Tasks", overflow="fold")
    for record in records:
        table.add_row(
            record["id"], record["type"], _day(record["date"]), ", ".join(record["tasks"])
        )
    return Group(table, _count(len(records), "document"))


CATEGORY_LABEL = {
    "done_on_time": ("done on time", "green"),
    "done_late": ("done late", "yellow"),
    "in_progress": ("in progress", "cyan"),
    "overdue": ("OVERDUE", "bold red"),
    "not_started": ("not started", ""),
    "not_applicable": ("n/a", "dim"),
}
# Column headers of the overview, short enough for 80 columns.
CATEGORY_HEADER = {
    "done_on_time": "Done\non time",
    "done_late": "Done\nlate",
    "in_progress": "In\nprogress",
    "overdue": "Over-\ndue",
    "not_started": "Not\nstarted",
}


def category(value: str) -> Text:
    """A category in words; the colour only repeats what the words say."""
    label, style = CATEGORY_LABEL.get(value, (value, ""))
    return Text(label, style=style)


def agency_status(
    agency: Record, records: Sequence[Record], as_of: str | None, *, wide: bool = False
) -> RenderableType:
    """An agency's tasks grouped by index, with a summary line on top."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record["category"]] = counts.get(record["category"], 0) + 1
    leads = sum(1 for record in records if record["lead"])
    summary = Text.assemble(
        (agency["name"], "bold"),
        f" ({agency['id']}): {_plural(len(records), 'task')}",
        *(
            part
            for value, (label, style) in CATEGORY_LABEL.items()
            if counts.get(value)
            for part in (", ", (f"{counts[value]} {label.lower()}", style))
        ),
        f"; lead on {leads}" if leads else "",
        f" (as of {_day(as_of)})" if as_of else "",
        ".",
    )
    parts: list[RenderableType] = [summary]
    indices = list(dict.fromkeys(record["index"] for record in records))
    for index in indices:
        table = _table(title=index)
        # Floors on the short columns keep a long title from squeezing them away.
        table.add_column("Task", no_wrap=True)
        if wide:  # an 80-column terminal has no room for it; `show ID` prints it
            table.add_column("Title", ratio=2, min_width=10)
        table.add_column("Role", no_wrap=True)
        table.add_column("Due", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("%", justify="right", no_wrap=True)
        table.add_column("Updated", no_wrap=True)
        table.add_column("Evidence", ratio=1, min_width=8)
        for record in records:
            if record["index"] != index:
                continue
            percent = record["percent"]
            cells: list[RenderableType] = [record["task"]]
            if wide:
                cells.append(_line(record["title"]))
            table.add_row(
                *cells,
                record["role"],
                _day(record["due"]) or ("continuous" if record["cadence"] == "continuous" else ""),
                category(record["category"]),
                "" if percent is None else str(percent),
                _day(record["last_update"]),
                _line("; ".join(record["evidence"])),
            )
        parts.append(table)
    if not records:
        parts.append(
            Text("The directive and the ledger assign no task to this agency.", style="dim")
        )
    return Group(*parts)


def _day(iso: str | None) -> str:
    """An ISO date from a record, as Vietnamese offices write it."""
    return display(dt.date.fromisoformat(iso)) if iso else ""


def history_table(records: Sequence[Record]) -> RenderableType:
    """The audit trail like `git log`: a heading line per entry, then what it says."""
    lines: list[RenderableType] = []
    for record in records:
        lines.append(
            Text.assemble(
                (record["id"], "bold"),
                f"  {_day(record['date'])}  ",
                (record["kind"], "bold"),
                f"  {record['task']}  {record['party']}",
            )
        )
        lines.append(Text(f"    recorded {record['recorded']} by {record['by']}", style="dim"))
        lines.append(Text(f"    {record['details']}"))
    lines.append(_count(len(records), "entry", "entries"))
    return Group(*lines)


def overview_table(records: Sequence[Record], as_of: str | None) -> RenderableType:
    table = _table(title=f"As of {_day(as_of)}" if as_of else None)
    table.add_column("Agency", ratio=1, min_width=12, overflow="fold")
    table.add_column("Tasks", justify="right")
    for value, header in CATEGORY_HEADER.items():
        table.add_column(header, justify="right", style=CATEGORY_LABEL[value][1])
    table.add_column("Done\n%", justify="right")
    table.add_column("Last\nupdate", no_wrap=True)
    totals = {key: 0 for key in ["tasks", *CATEGORY_LABEL]}
    for record in records:
        for key in totals:
            totals[key] += record[key]
        table.add_row(
            record["name"],
            str(record["tasks"]),
            *(str(record[v]) for v in CATEGORY_HEADER),
            "" if record["completion"] is None else str(record["completion"]),
            _day(record["last_update"]),
        )
    table.add_section()
    done = totals["done_on_time"] + totals["done_late"]
    applicable = totals["tasks"] - totals["not_applicable"]
    table.add_row(
        Text("Total", style="bold"),
        str(totals["tasks"]),
        *(str(totals[v]) for v in CATEGORY_HEADER),
        str(round(100 * done / applicable)) if applicable else "",
        "",
    )
    return Group(table, _count(len(records), "agency owes", "agencies owe", " tasks"))
