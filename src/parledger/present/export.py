"""Files for machines and offices: JSON, JSON Lines, CSV, Markdown, Excel.

The same records always give the same bytes: records come in a fixed order,
nothing carries a timestamp unless the records do, line ends are LF, text is
UTF-8, and the Excel file's zip entries and document properties carry fixed
dates.  Headers and words people read (categories, statuses, roles) follow
the language; JSON keys and values never do, so scripts are not broken by
--lang.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from parledger.model.records import Record, cell
from parledger.present import labels
from parledger.present.labels import Lang


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MD = "md"
    XLSX = "xlsx"


class TextFormat(StrEnum):
    """What a command that prints writes: every format but the binary xlsx,
    which only ``export`` and ``report`` write to a file; --help lists these."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MD = "md"


# csv and json are imported where they are used: a status table needs
# neither, and every command pays for what is imported here (2.5 ms).


def to_json(data: Any) -> str:
    # Lazy: only this format needs it (openpyxl alone is about 0.1 s).
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(records: Iterable[Record]) -> str:
    # Lazy: only this format needs it (openpyxl alone is about 0.1 s).
    import json

    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def localise(records: Sequence[Record], lang: Lang) -> list[Record]:
    """Records with the words people read (category, status, role) in ``lang``."""
    out = []
    for record in records:
        copy = dict(record)
        for key, table in labels.VALUE_TABLES.items():
            value = copy.get(key)
            if isinstance(value, str):
                copy[key] = labels.word(table, value, lang)
        out.append(copy)
    return out


def headers(columns: Sequence[str], lang: Lang) -> list[str]:
    return [labels.header(column, lang) for column in columns]


def to_csv(
    records: Sequence[Record],
    columns: Sequence[str],
    *,
    names: Sequence[str] | None = None,
    bom: bool = False,
) -> str:
    """CSV in UTF-8; ``bom`` prefixes the byte-order mark Excel needs to read
    Vietnamese correctly when the file is opened by double-click."""
    # Lazy: only this format needs it (openpyxl alone is about 0.1 s).
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names or columns)
    for record in records:
        writer.writerow([cell(record.get(column)) for column in columns])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def to_markdown(
    records: Sequence[Record], columns: Sequence[str], *, names: Sequence[str] | None = None
) -> str:
    # Lazy: only this format needs it (openpyxl alone is about 0.1 s).
    from tabulate import tabulate

    rows = [[_md_cell(record.get(column)) for column in columns] for record in records]
    header = list(names or columns)
    return tabulate(rows, headers=header, tablefmt="github", disable_numparse=True) + "\n"


def _md_cell(value: Any) -> str:
    # A pipe would end the cell and a newline the row; keep the text intact.
    return cell(value).replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def render(
    records: Sequence[Record],
    columns: Sequence[str],
    fmt: Format,
    *,
    lang: Lang = Lang.EN,
    bom: bool = False,
) -> str:
    """Records as text.  CSV keeps the record keys as headers in English (for
    scripts) and uses the Vietnamese headers and words with --lang vi (for
    offices); Markdown is for people and always uses words."""
    if fmt is Format.JSON:
        return to_json(list(records))
    if fmt is Format.JSONL:
        return to_jsonl(records)
    if fmt is Format.CSV:
        if lang is Lang.EN:
            return to_csv(records, columns, bom=bom)
        return to_csv(localise(records, lang), columns, names=headers(columns, lang), bom=bom)
    if fmt is Format.MD:
        return to_markdown(localise(records, lang), columns, names=headers(columns, lang))
    raise ValueError(f"{fmt} is not a text format")


# -- Excel -------------------------------------------------------------------


@dataclass
class Sheet:
    """One view of the workspace as one worksheet."""

    title: str
    columns: Sequence[str]
    records: Sequence[Record]
    date_columns: set[str] = field(default_factory=set)


# Fixed so that the same workspace gives the same bytes (zip entries and
# document properties otherwise carry the time of writing).
_EPOCH = dt.datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_MAX_WIDTH = 60


def to_xlsx(sheets: Sequence[Sheet], *, lang: Lang = Lang.EN) -> bytes:
    """A workbook, one sheet per view: a frozen bold header row, widths that fit
    the content (capped), dates as Excel dates shown dd/mm/yyyy."""
    # Lazy: only this format needs it (openpyxl alone is about 0.1 s).
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.title[:31])
        ws.append(headers(sheet.columns, lang))
        for header_cell in ws[1]:
            header_cell.font = Font(bold=True)
        widths = [len(h) for h in headers(sheet.columns, lang)]
        for record in localise(sheet.records, lang):
            row: list[Any] = []
            for index, column in enumerate(sheet.columns):
                value = record.get(column)
                if column in sheet.date_columns and isinstance(value, str) and value:
                    row.append(dt.date.fromisoformat(value[:10]))
                    widths[index] = max(widths[index], 10)
                    continue
                if not isinstance(value, int | float | bool):
                    value = cell(value) or None  # an empty cell, not an empty string
                row.append(value)
                widths[index] = max(widths[index], min(len(cell(value)), _MAX_WIDTH))
            ws.append(row)
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = widths[index - 1] + 2
            if column in sheet.date_columns:
                for (date_cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    date_cell.number_format = "dd/mm/yyyy"
        ws.freeze_panes = "A2"
    book.properties.creator = "parledger"
    book.properties.created = _EPOCH
    book.properties.modified = _EPOCH
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())


def stable_zip(data: bytes, *, modified: dt.datetime = _EPOCH) -> bytes:
    """An Office file (a zip: xlsx, docx) whose bytes depend on its content
    only: every entry dated alike, and the document's "modified" property,
    which the libraries stamp with the time of saving, set to ``modified``."""
    # Lazy: only the Office formats need it (openpyxl alone is about 0.1 s).
    import zipfile

    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            target.writestr(fixed, content)
    return target_buffer.getvalue()
