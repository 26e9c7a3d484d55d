"""A table a person made: a CSV file or one sheet of an Excel workbook, read
as a header row and the rows under it.

What the cells mean is not decided here (see :mod:`parledger.present.intake`
and :mod:`parledger.track.bulk`); this module only gets them off the disk,
or says in one line, with the row, why it cannot.  Rows are numbered as the
spreadsheet shows them: the header is row 1, a quoted cell that holds line
breaks is still one row.  Rows with nothing in them are left out (a sheet
often ends in a few), and keep their numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from parledger.model.errors import UsageError
from parledger.store.journal import MAX_FILE_BYTES, RefusedFile, read_plain
from parledger.store.yamlio import legacy_hint

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None
"""A cell's value: text from a CSV file; an Excel cell also as a number, a
date or a truth value."""

_ZIP = b"PK\x03\x04"  # .xlsx is a zip archive
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) is an OLE file
_DELIMITERS = ",;\t"  # comma (export's), semicolon (Excel where "," is the decimal mark), tab


@dataclass(frozen=True)
class Table:
    """The header row's texts, and each row's number and cells."""

    path: Path
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]


def read_table(path: Path, sheet: str | None = None) -> Table:
    """A CSV file (UTF-8, a BOM accepted; UTF-16 with a BOM, as Excel's
    "Unicode text" saves it) or an .xlsx workbook, told apart by their
    bytes, not by the name.  ``sheet`` names the workbook's sheet to read;
    a workbook of one sheet needs none."""
    try:
        raw = read_plain(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except RefusedFile as exc:
        if exc.code == "not-regular":  # its message speaks of workspace files
            raise UsageError(f"{path}: not a file; give a CSV file or an .xlsx workbook") from None
        raise UsageError(f"{path}: {exc.message}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file: {exc.strerror}") from None
    if raw.startswith(_ZIP):
        headers, rows = _workbook(path, raw, sheet)
    elif raw.startswith(_OLE):
        raise UsageError(
            f"{path}: an Excel 97–2003 workbook (.xls); save it as .xlsx or as CSV UTF-8"
        )
    else:
        if sheet is not None:
            raise UsageError(f"{path}: --sheet is for an Excel workbook; this is a CSV file")
        headers, rows = _csv(path, raw)
    return _table(path, headers, rows)


def _text(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not valid UTF-16 although it starts as such") from None
    if b"\x00" in raw:
        row = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise UsageError(
            f"{path}:{row}: the file holds binary data; give a CSV file or an .xlsx workbook"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"{path}:{line}: {legacy_hint(raw, exc.start)}") from None


def _csv(path: Path, raw: bytes) -> tuple[list[Cell], list[tuple[int, list[Cell]]]]:
    # Lazy: only bulk entry reads CSV.
    import csv

    text = unicodedata.normalize("NFC", _text(raw, path))
    first = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, row in enumerate(reader, start=1):
            rows.append((number, list(row)))
    except csv.Error as exc:
        raise UsageError(f"{path}:{len(rows) + 1}: not a CSV row ({exc})") from None
    if not rows:
        raise UsageError(f"{path}: the file is empty; the first row names the columns")
    return rows[0][1], rows[1:]


def _workbook(
    path: Path, raw: bytes, wanted: str | None
) -> tuple[list[Cell], list[tuple[int, list[Cell]]]]:
    # Lazy: openpyxl costs about 0.1 s to import; only a workbook needs it.
    from openpyxl import load_workbook

    try:
        # read_only streams the rows; data_only takes a formula's last value.
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors alike
        raise UsageError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        names = list(book.sheetnames)
        if wanted is not None:
            chosen = _sheet_named(path, names, wanted)
        elif len(names) == 1:
            chosen = names[0]
        else:
            raise UsageError(
                f"{path} has {len(names)} sheets ({', '.join(names)}); choose one with --sheet NAME"
            )
        rows: list[tuple[int, list[Cell]]] = []
        # Rows are numbered from the sheet's first: blank rows above the
        # header would otherwise shift every number the user is told.
        for number, values in enumerate(book[chosen].iter_rows(values_only=True), start=1):
            rows.append((number, [_nfc(value) for value in values]))
    finally:
        book.close()
    if not rows:
        raise UsageError(f"{path}: sheet '{chosen}' is empty; its first row names the columns")
    return rows[0][1], rows[1:]


def _sheet_named(path: Path, names: Sequence[str], wanted: str) -> str:
    for name in names:
        if name.strip().casefold() == wanted.strip().casefold():
            return name
    raise UsageError(f"{path} has no sheet '{wanted}'; its sheets: {', '.join(names)}")


def _nfc(value: object) -> Cell:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if value is None or isinstance(value, int | float | bool | dt.date | dt.datetime | dt.time):
        return value
    return str(value)  # an error value or an object openpyxl could not map


def _blank(cells: Iterable[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _table(path: Path, header: list[Cell], rows: list[tuple[int, list[Cell]]]) -> Table:
    width = max([len(header), *(len(cells) for _, cells in rows)])
    # Trailing columns with neither a heading nor a value (Excel keeps a
    # formatted but empty column in the sheet) are not columns.
    used = [
        i
        for i in range(width)
        if not _blank([_at(header, i), *(_at(cells, i) for _, cells in rows)])
    ]
    width = used[-1] + 1 if used else 0
    headers = [_heading(_at(header, i)) for i in range(width)]
    for i, heading in enumerate(headers):
        if not heading:
            raise UsageError(
                f"{path}:1: column {_letter(i)} has values but no heading; "
                "name it in the first row, or delete the column"
            )
    kept = [
        (number, [_at(cells, i) for i in range(width)])
        for number, cells in rows
        if not _blank(cells)
    ]
    if not headers:
        raise UsageError(f"{path}: the first row is empty; it names the columns")
    return Table(path, headers, kept)


def _at(cells: Sequence[Cell], index: int) -> Cell:
    return cells[index] if index < len(cells) else None


def _heading(cell: Cell) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def _letter(index: int) -> str:
    """A column as the spreadsheet names it: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
