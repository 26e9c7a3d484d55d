"""parledger.exact builds entries without pydantic: never one pydantic would
refuse, never one different from what pydantic builds."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parledger import exact, journal, schema, yamlio
from parledger.models import Entry
from tests.conftest import ROOT
from tests.test_fuzz import _damage, entry_dicts

SCENARIO = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"


def _as_read(raw: dict[str, Any]) -> dict[str, Any]:
    """The entry as a reader hands it over: written, then read back (by the
    YAML loader when a damaged entry is not in the fast reader's form)."""
    text = journal.format_entry(raw)
    try:
        (read,), _ = journal.parse(text)
    except journal.NotCanonical:
        (read,) = yamlio.parse(text)
    return dict(read)


def _same(built: Entry, expected: Entry) -> None:
    assert type(built) is type(expected)
    for field in dataclasses.fields(expected):
        ours, theirs = getattr(built, field.name), getattr(expected, field.name)
        assert type(ours) is type(theirs), field.name
        assert ours == theirs, field.name


def test_the_scenario_ledger_is_built_without_pydantic_the_same() -> None:
    raws, _ = journal.parse(Path(SCENARIO).read_text(encoding="utf-8"))
    assert len(raws) == 12
    for raw in raws:
        built = exact.entry(raw)
        assert built is not None, raw["id"]  # exactly typed: no pydantic needed
        _same(built, schema.entry(raw))


@settings(max_examples=200, deadline=None)
@given(raw=entry_dicts())
def test_a_well_formed_entry_is_built_as_pydantic_builds_it(raw: dict[str, Any]) -> None:
    read = _as_read(raw)
    built = exact.entry(read)
    assert built is not None
    _same(built, schema.entry(read))


@st.composite
def damaged(draw: st.DrawFn) -> dict[str, Any]:
    return _as_read(_damage(draw, draw(entry_dicts()), [], set()))


@settings(max_examples=300, deadline=None)
@given(raw=damaged())
def test_what_pydantic_refuses_is_never_built(raw: dict[str, Any]) -> None:
    built = exact.entry(raw)
    try:
        expected = schema.entry(raw)
    except schema.ValidationError:
        assert built is None
        return
    if built is not None:
        _same(built, expected)


def test_values_of_another_type_are_left_to_pydantic() -> None:
    base = {
        "id": "e-0123456789ab", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": journal._value("2024-06-01"), "recorded": journal._value("2024-06-01T10:00:00Z"),
        "by": "T", "status": "in_progress",
    }  # fmt: skip
    assert exact.entry(base) is not None
    for change in (
        {"percent": "50"},  # pydantic would read the string as 50: it decides
        {"percent": True},
        {"date": "2024-06-01"},
        {"status": "finished"},
        {"evidence": "200/BC-SNV"},
        {"colour": "red"},
        {"kind": "payment"},
    ):
        assert exact.entry(base | change) is None, change
    assert exact.entry({k: v for k, v in base.items() if k != "status"}) is None
