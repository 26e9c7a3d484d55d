"""The audit trail in people's words: what each ledger entry says, in
English or Vietnamese, with the words the tables' columns use ("date",
"due", "evidence") and never the ledger's field names ("fact_date").

Works on entries as plain data (:func:`parledger.model.records.plain`), as
``history`` records carry them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from parledger.model.dates import display
from parledger.model.docref import shown_evidence
from parledger.model.records import Record, cell
from parledger.model.text import shown
from parledger.present import labels
from parledger.present.labels import Lang

# What a correction may change, in the order history says it: the field a
# correction holds, and the word for the field of the fact it changes.
_CHANGED = (
    ("fact_date", "date"), ("fact_agency", "agency"), ("fact_group", "group"),
    ("status", "status"), ("percent", "percent"), ("value", "value"), ("target", "target"),
    ("evidence", "evidence"), ("role", "role"), ("due", "due"),
)  # fmt: skip


def details(entry: Mapping[str, Any], lang: Lang = Lang.EN) -> str:
    """What an entry says besides who and which task, on one line: a
    note's or a reason's line breaks are shown as \\n."""

    def word(key: str) -> str:
        return labels.word(labels.FIELD, key, lang)

    bits: list[str] = []
    kind = entry.get("kind")
    if kind == "assign":
        bits.append(f"{word('role')} {labels.word(labels.ROLE, entry.get('role', ''), lang)}")
        if entry.get("due"):
            bits.append(f"{word('due')} {_day(entry['due'])}")
    elif kind == "unassign":
        bits.append(f"{word('reason')}: {entry.get('reason', '')}")
    elif kind == "progress":
        bits.append(_status(entry, lang))
        if entry.get("value") is not None:
            bits.append(f"{word('value')} {cell(entry['value'])} ({entry.get('target')})")
        if entry.get("evidence"):
            bits.append(f"{word('evidence')}: {_cited(entry['evidence'])}")
    elif kind == "correction":
        changed = [
            f"{word(label)} {_value(name, entry[name], lang)}"
            for name, label in _CHANGED
            if entry.get(name) is not None
        ]
        verb = word("withdraws") if entry.get("void") else word("corrects")
        what = f": {', '.join(changed)}" if changed else ""
        bits.append(f"{verb} {entry.get('supersedes')}{what}")
        bits.append(f"{word('reason')}: {entry.get('reason', '')}")
    if entry.get("note"):
        bits.append(f"{word('note')}: {entry['note']}")
    return shown("; ".join(bits))


def _status(entry: Mapping[str, Any], lang: Lang) -> str:
    status = _in_text(labels.word(labels.STATUS, entry.get("status", ""), lang))
    percent = entry.get("percent")
    return status + (f" {percent}%" if percent is not None else "")


def _in_text(word: str) -> str:
    # A table's cell starts with a capital ("Đang thực hiện"); a sentence's
    # word does not.
    return word[:1].lower() + word[1:]


def _value(name: str, value: Any, lang: Lang) -> str:
    if name in ("fact_date", "due"):
        return _day(value)
    if name == "status":
        return _in_text(labels.word(labels.STATUS, value, lang))
    if name == "role":
        return labels.word(labels.ROLE, value, lang)
    if name == "percent":
        return f"{value}%"
    if name == "evidence":
        return _cited(value)
    return cell(value)


def _cited(evidence: Sequence[str]) -> str:
    # In its canonical form, whatever an older ledger kept.
    return "; ".join(shown_evidence(item) for item in evidence)


def _day(iso: str) -> str:
    try:
        return display(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def kind(record: Mapping[str, Any], lang: Lang) -> str:
    return labels.word(labels.KIND, record["kind"], lang)


def recorded(record: Mapping[str, Any], lang: Lang) -> str:
    template = labels.word(labels.TRAIL, "recorded", lang)
    return template.format(when=record["recorded"], who=shown(record["by"]))


def count(n: int, lang: Lang) -> str:
    return labels.word(labels.TRAIL, "entry" if n == 1 else "entries", lang).format(n=n)


def worded(records: Sequence[Record], lang: Lang = Lang.EN) -> list[Record]:
    """``history`` records with what each entry says (``details``) in
    ``lang``, placed after the entry's date, before the entry itself."""
    out = []
    for record in records:
        copy: Record = {}
        for key, value in record.items():
            if key == "entry":
                copy["details"] = details(value, lang)
            copy[key] = value
        out.append(copy)
    return out
