"""An appendix's table of tasks: a row per task, with its lead agency, the
agencies that support it and its deadline, as plans (kế hoạch) attach them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parledger.model.names import match_key
from parledger.model.sourcetext import Table
from parledger.track.textnames import Names

_BULLET = re.compile(r"^[-+•–]\s*")


@dataclass
class Task:
    """One row of an appendix table of tasks."""

    id: str
    number: str  # as printed in the table's first column
    what: str
    lead: list[str]  # agency or group ids
    lead_as_printed: str
    support: list[str]
    support_as_printed: str
    deadline_as_printed: str
    due: dt.date | None
    heading: str | None  # the table's group row above it, if any
    unknown: list[str] = field(default_factory=list)  # names the registry lacks


def task_header(rows: list[list[str]]) -> dict[str, int] | None:
    """The columns of a table of tasks, by what its first row says."""
    if not rows:
        return None
    columns: dict[str, int] = {}
    for index, cell in enumerate(rows[0]):
        key = match_key(cell)
        if "chutri" in key:
            columns.setdefault("lead", index)
        elif "phoihop" in key:
            columns.setdefault("support", index)
        elif any(word in key for word in ("thoigian", "thoihan", "tiendo", "hoanthanh")):
            columns.setdefault("deadline", index)
        elif key in ("tt", "stt", "so"):
            columns.setdefault("number", index)
        elif any(word in key for word in ("noidung", "nhiemvu", "congviec", "hoatdong")):
            columns.setdefault("what", index)
    return columns if "lead" in columns and "what" in columns else None


def tasks(table: Table, names: Names, checks: list[str]) -> list[Task]:
    columns = task_header(table.rows)
    assert columns is not None
    tasks: list[Task] = []
    heading = None

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    for row in table.rows[1:]:
        number = cell(row, "number")
        what = cell(row, "what")
        lead_text = cell(row, "lead")
        if not lead_text and not cell(row, "deadline"):
            heading = " ".join(part for part in (number, what) if part) or heading
            continue
        lead, unknown = _parties(lead_text, names)
        support, unknown_support = _parties(cell(row, "support"), names)
        deadline_text = cell(row, "deadline")
        due = _table_date(deadline_text)
        task = Task(
            id=f"PL.{len(tasks) + 1}",
            number=number,
            what=what,
            lead=lead,
            lead_as_printed=lead_text,
            support=support,
            support_as_printed=cell(row, "support"),
            deadline_as_printed=deadline_text,
            due=due,
            heading=heading,
            unknown=unknown + unknown_support,
        )
        for name in task.unknown:
            checks.append(
                f"appendix row {number or len(tasks) + 1}: '{name}' is not in the registry"
            )
        tasks.append(task)
    return tasks


def _parties(text: str, names: Names) -> tuple[list[str], list[str]]:
    found: list[str] = []
    unknown: list[str] = []
    for piece in re.split(r"[;\n]|,\s+(?=[A-ZĐ])", text):
        piece = _BULLET.sub("", piece.strip()).rstrip(".,;")
        if not piece:
            continue
        hit = names.lookup(piece)
        if hit is None:
            listed, _ = names.opening(piece)
            if listed:
                found += [id_ for _, id_, _ in listed if id_ not in found]
                continue
            unknown.append(piece)
        elif hit[1] not in found:
            found.append(hit[1])
    return found, unknown


def _table_date(text: str) -> dt.date | None:
    found = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if found:
        try:
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            return None
    found = re.search(r"(?:tháng\s+)?(\d{1,2})/(\d{4})", text)
    if found:
        month, year = int(found[1]), int(found[2])
        if 1 <= month <= 12:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
    return None
