"""Machine formats: JSON, CSV and Markdown, deterministic to the byte.

The same records always give the same text: no timestamps, no dict-order
surprises (records are built in a fixed order), LF line ends, UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

Record = dict[str, Any]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def cell(value: Any) -> str:
    """One value as flat text: lists joined with '; ', mappings as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return str(value)


def to_csv(records: Sequence[Record], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([cell(record.get(column)) for column in columns])
    return buffer.getvalue()


def to_markdown(records: Sequence[Record], columns: Sequence[str]) -> str:
    from tabulate import tabulate

    rows = [[_md_cell(record.get(column)) for column in columns] for record in records]
    return tabulate(rows, headers=list(columns), tablefmt="github", disable_numparse=True) + "\n"


def _md_cell(value: Any) -> str:
    # A pipe would end the cell and a newline the row; keep the text intact.
    return cell(value).replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def render(records: Sequence[Record], columns: Sequence[str], fmt: Format) -> str:
    """Records in a machine format; ``columns`` choose and order CSV/MD columns."""
    if fmt is Format.JSON:
        return to_json(list(records))
    if fmt is Format.CSV:
        return to_csv(records, columns)
    if fmt is Format.MD:
        return to_markdown(records, columns)
    raise ValueError(f"{fmt} is rendered by parledger.render, not as text")
