"""What a change to a ledger means, one sentence per entry: for
``parledger diff`` and for git's textconv (``git diff``/``git log -p`` once
``parledger git-setup`` ran).  Pure functions over entries and bytes."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parledger.model.records import plain
from parledger.store import journal, ledger
from parledger.store.merge import canonical, entry_key, split_lines


@dataclass(frozen=True)
class Change:
    sign: str  # "+" or "-"
    entry: dict[str, Any]
    flag: str = ""  # "" (added), "removed", "changed"


def ledger_entries(data: bytes) -> list[dict[str, Any]] | None:
    """The entries of a one-entry-a-line ledger in file order, or None when
    it is in another form (the caller reads it with the YAML reader)."""
    text = data.decode("utf-8", "replace")
    entries = []
    for line_text, _ in split_lines(text):
        entry = journal.parse_line(line_text)
        if entry is not None:
            entries.append(entry)
        elif not journal.is_blank_or_comment(line_text):
            return None
    return entries


def changes(old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]) -> list[Change]:
    """What changed, entry by entry: added entries in the new order (an
    entry whose content changed shows as its old and new lines, flagged),
    then entries removed, flagged: in an append-only ledger both mean
    someone rewrote history."""
    before = {entry_key(entry): entry for entry in old}
    found: list[Change] = []
    seen: set[str] = set()
    for entry in new:
        key = entry_key(entry)
        seen.add(key)
        had = before.get(key)
        if had is None:
            found.append(Change("+", entry))
        elif canonical(had) != canonical(entry):
            found += [Change("-", had, "changed"), Change("+", entry, "changed")]
    found += [Change("-", entry, "removed") for key, entry in before.items() if key not in seen]
    return found


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CHANGED_FIELDS = (
    ("fact_date", "date"), ("status", "status"), ("percent", "percent"),
    ("value", "value"), ("target", "target"), ("evidence", "evidence"),
    ("role", "role"), ("due", "due"), ("fact_agency", "agency"), ("fact_group", "group"),
    ("note", "note"),
)  # fmt: skip


def _text(value: Any) -> str:
    """A value on one line: a note's line breaks show as \\n."""
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), str(value))


def _day(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return _text(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _value(name: str, value: Any) -> str:
    return _day(value) if name in ("fact_date", "due") else _text(value)


def sentence(entry: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """An entry as one sentence a reviewer reads: kind and task · who ·
    what · who recorded · the day of the fact · id, e.g. ``progress I.1.1 ·
    Sở Nội vụ · in_progress 60% · 200/BC-SNV ngày 15/6/2024 · Nguyễn Thị Mai
    · 15/06/2024 · e-6dd9652dfeb1``.  Works on any entry, valid or not."""
    kind = entry.get("kind")
    if entry.get("agency") is None and entry.get("group") is not None:
        party = f"group:{_text(entry['group'])}"
    else:
        party = _text(entry.get("agency", "?"))
    bits = [f"{_text(kind)} {_text(entry.get('task', '?'))}", names.get(party, party)]
    if kind == "progress":
        percent = entry.get("percent")
        bits.append(_text(entry.get("status", "?")) + ("" if percent is None else f" {percent}%"))
        if entry.get("value") is not None:
            bits.append(f"value {_text(entry['value'])} ({_text(entry.get('target'))})")
        if entry.get("evidence"):
            bits.append(_text(entry["evidence"]))
    elif kind == "assign":
        bits.append(f"role {_text(entry.get('role', 'implement'))}")
        if entry.get("due"):
            bits.append(f"due {_day(entry['due'])}")
    elif kind == "correction":
        if entry.get("void"):
            bits.append(f"withdraws {_text(entry.get('supersedes'))}")
        else:
            what = [
                f"{label} {_value(name, entry[name])}"
                for name, label in _CHANGED_FIELDS
                if entry.get(name) is not None
            ]
            bits.append(f"corrects {_text(entry.get('supersedes'))}: " + ", ".join(what))
    if entry.get("reason") is not None:
        bits.append(f"reason: {_text(entry['reason'])}")
    if entry.get("note") is not None and kind != "correction":
        bits.append(f"note: {_text(entry['note'])}")
    bits += [_text(entry.get("by", "?")), _day(entry.get("date")), _text(entry.get("id", "?"))]
    return " · ".join(bits)


def change_line(change: Change, names: Mapping[str, str]) -> str:
    flag = {
        "removed": "  [removed: a ledger is append-only; undo with 'parledger correct --void', "
        "never by deleting]",
        "changed": "  [changed in place: a ledger is append-only; use 'parledger correct']",
    }.get(change.flag, "")
    return f"{change.sign} {sentence(change.entry, names)}{flag}"


def textconv(data: bytes, names: Mapping[str, str]) -> str:
    """A ledger as git's textconv shows it: one sentence per entry line,
    comments and blank lines dropped, any other line as it is (so the
    older multi-line form still diffs as text)."""
    out = []
    for text, _ in split_lines(data.decode("utf-8", "replace")):
        entry = journal.parse_line(text)
        if entry is not None:
            out.append(sentence(entry, names) + "\n")
        elif not journal.is_blank_or_comment(text):
            out.append(text + "\n")
    return "".join(out)


def registry_names(path: Path) -> dict[str, str]:
    """Agency and group names by id (groups as ``group:ID``) from a registry
    file; empty when it cannot be read: a description then shows ids."""
    # Lazy: pydantic, only when a registry must be read for names.
    from parledger.store import schema, yamlio

    try:
        registry = schema.registry(yamlio.load(path).data)
    except Exception:  # any registry that cannot be read means: show ids
        return {}
    names = {agency.id: agency.name for agency in registry.agencies}
    names |= {f"group:{group.id}": group.name for group in registry.groups}
    return names


def entries_of(old: bytes, new: bytes, path: Path) -> tuple[list[dict[str, Any]], ...]:
    """Both versions' entries as data.  When either is not one entry a line
    (the older multi-line form, or a ledger across 'upgrade-ledger'), both
    are read by the full reader and compared as the models see them, so
    the change of form alone shows no change of entries."""
    fast = (ledger_entries(old), ledger_entries(new))
    if fast[0] is not None and fast[1] is not None:
        return fast[0], fast[1]
    return tuple(
        [plain(entry) for entry in ledger.load(path, data)[0].entries] for data in (old, new)
    )
