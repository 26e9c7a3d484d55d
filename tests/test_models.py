"""The models behave as frozen, keyword-only, slotted dataclasses.

``parledger.model.models.model`` writes their methods once instead of letting
``dataclasses`` compile five per class (see its docstring); these tests hold
it to what the rest of the code relies on: immutability, equality and
hashing by value, pickling (the cache), ``dataclasses.replace`` (corrections)
and the same objects whether built in Python or validated by pydantic.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle

import pytest

from parledger.model.models import Agency, AgencyKind, ProgressEntry, Status, Target
from parledger.store import schema

RAW = {
    "id": "e-0123456789ab",
    "kind": "progress",
    "task": "I.1.1",
    "agency": "so-noi-vu",
    "date": "2024-06-15",
    "recorded": "2024-06-15T08:00:00Z",
    "by": "Nguyễn Thị Mai",
    "status": "in_progress",
    "percent": 60,
    "evidence": ["200/BC-SNV ngày 15/6/2024"],
}


def _progress(**changes: object) -> ProgressEntry:
    values: dict[str, object] = {
        "id": "e-0123456789ab",
        "task": "I.1.1",
        "agency": "so-noi-vu",
        "date": dt.date(2024, 6, 15),
        "recorded": dt.datetime(2024, 6, 15, 8, 0, tzinfo=dt.UTC),
        "by": "Nguyễn Thị Mai",
        "kind": "progress",
        "status": Status.IN_PROGRESS,
        "percent": 60,
        "evidence": ["200/BC-SNV ngày 15/6/2024"],
    }
    return ProgressEntry(**(values | changes))  # type: ignore[arg-type]


def test_built_in_python_equals_validated_by_pydantic() -> None:
    assert schema.entry(RAW) == _progress()
    assert schema.entry(RAW) != _progress(percent=61)


def test_fields_cannot_be_assigned_or_deleted() -> None:
    entry = _progress()
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.percent = 100  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del entry.note  # type: ignore[misc]
    with pytest.raises(AttributeError):
        entry.extra = 1  # type: ignore[attr-defined]  # slots: no stray attributes
    assert entry.percent == 60


def test_keyword_only_with_defaults_and_checks() -> None:
    agency = Agency(id="so-noi-vu", name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT)
    other = Agency(id="so-tu-phap", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
    assert agency.short == [] and agency.parent is None
    assert agency.short is not other.short  # a new list each, never shared
    with pytest.raises(TypeError, match="missing keyword argument 'kind'"):
        Agency(id="so-noi-vu", name="Sở Nội vụ")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'nmae'"):
        Agency(id="x", name="X", kind=AgencyKind.DEPARTMENT, nmae="Y")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Agency("so-noi-vu", "Sở Nội vụ", AgencyKind.DEPARTMENT)  # type: ignore[misc]
    with pytest.raises(ValueError, match="agency id 'Sở' does not match"):
        Agency(id="Sở", name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT)  # __post_init__ ran


def test_equal_values_hash_alike_and_classes_differ() -> None:
    one = Target(id="t1", what="mức độ hài lòng", value=90, unit="%", quote="trên 90%")
    same = Target(id="t1", what="mức độ hài lòng", value=90, unit="%", quote="trên 90%")
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1
    assert one != dataclasses.replace(one, value=95)
    assert _progress() != object()
    with pytest.raises(TypeError):
        hash(_progress())  # a list field: unhashable, as a frozen dataclass would be


def test_repr_names_the_class_and_fields() -> None:
    shown = repr(Target(id="t1", what="x", value=1, unit="%", quote="q"))
    assert shown == (
        "Target(id='t1', what='x', value=1, unit='%', comparator='=', by_year=None, index=None, "
        "compared_to=None, quote='q')"
    )


def test_pickled_copied_and_replaced_objects_keep_values_and_rules() -> None:
    entry = _progress(note="dòng một")
    for clone in (
        pickle.loads(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)),
        copy.deepcopy(entry),
        copy.copy(entry),
    ):
        assert clone == entry and type(clone) is ProgressEntry
        with pytest.raises(dataclasses.FrozenInstanceError):
            clone.note = "khác"  # type: ignore[misc]
    changed = dataclasses.replace(entry, percent=80)
    assert (changed.percent, changed.note, entry.percent) == (80, "dòng một", 60)
    with pytest.raises(ValueError, match="outside 0–100"):
        dataclasses.replace(entry, percent=150)


def test_a_field_the_constructor_does_not_set_is_refused_at_declaration() -> None:
    # The shared methods compare, hash and pickle the constructor's fields
    # only: a field outside them would be silently lost by the cache.
    from dataclasses import field

    from parledger.model.models import model

    with pytest.raises(TypeError, match="all set by its constructor"):

        @model
        class Odd:
            a: int
            b: int = field(init=False, default=0)
