"""Records: the model's objects as plain values, the form every query,
report and export shares."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

Record = dict[str, Any]
"""One row as plain values (what :func:`plain` gives): what queries and
reports return, and what the renderers and exports take."""


def plain(value: Any, *, drop_empty: bool = True) -> Any:
    """Any of these objects as JSON-ready data: dates as ISO text, enums as
    their values; None and empty fields left out unless ``drop_empty`` is off."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for spec in dataclasses.fields(value):
            item = plain(getattr(value, spec.name), drop_empty=drop_empty)
            if drop_empty and item in (None, [], {}):
                continue
            out[spec.name] = item
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item, drop_empty=drop_empty) for item in value]
    if isinstance(value, dict):
        return {key: plain(item, drop_empty=drop_empty) for key, item in value.items()}
    return value


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
        # Lazy: json, only for a mapping in a cell (a few ms a command).
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return str(value)
