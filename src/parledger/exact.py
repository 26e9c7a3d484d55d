"""Ledger entries built without pydantic when their values already have
exactly the types the models declare.

Why: a ``status`` after a ``git pull`` brought a few entries must validate
them, and importing pydantic and building its schema costs about 0.1 s, more
than the rest of such a command.  The fast reader (:mod:`parledger.journal`)
reads every value by its shape, so an entry whose values have exactly the
declared types needs no coercion: only the checks the models run themselves
(``__post_init__``, which pydantic runs too).

What this accepts is a strict subset of what pydantic accepts: a key, a type
or an annotation it does not know makes it answer None, and the caller then
validates that entry with pydantic (:mod:`parledger.schema`), which also
words the error.  ``tests/test_exact.py`` checks with hypothesis and with
every entry kind that whatever this builds, pydantic builds equal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin, get_type_hints

from parledger.models import ENTRY_CLASSES, Entry

_NO = object()  # a value this module does not take as it is
Convert = Callable[[Any], Any]  # the value as the model holds it, or _NO


def entry(raw: Any) -> Entry | None:
    """The entry, or None: not exactly typed, or refused by the model's checks."""
    if type(raw) is not dict or type(raw.get("kind")) is not str:
        return None
    cls: type[Any] | None = ENTRY_CLASSES.get(raw["kind"])
    if cls is None:
        return None
    plan = _plan(cls)
    if plan is None:
        return None
    converts, required = plan
    if not required <= raw.keys() <= converts.keys():
        return None  # a field missing, or one the model does not have
    values = {}
    for name, value in raw.items():
        converted = converts[name](value)
        if converted is _NO:
            return None
        values[name] = converted
    try:
        return typing.cast(Entry, cls(**values))
    except (ValueError, TypeError):
        return None  # pydantic refuses it too, and says why


Plan = tuple[dict[str, Convert], frozenset[str]]  # per field, and the required ones
_PLANS: dict[type[Any], Plan | None] = {}


def _plan(cls: type[Any]) -> Plan | None:
    if cls not in _PLANS:
        _PLANS[cls] = _make_plan(cls)
    return _PLANS[cls]


def _make_plan(cls: type[Any]) -> Plan | None:
    hints = get_type_hints(cls)
    converts: dict[str, Convert] = {}
    required: set[str] = set()
    for field in dataclasses.fields(cls):
        convert = _convert(hints[field.name])
        if convert is None:
            return None  # an annotation not handled here: pydantic decides
        converts[field.name] = convert
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            required.add(field.name)
    return converts, frozenset(required)


def _convert(annotation: Any) -> Convert | None:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        others = [a for a in get_args(annotation) if a is not type(None)]
        inner = _convert(others[0]) if len(others) == 1 else None
        if inner is None:
            return None
        return lambda value: None if value is None else inner(value)
    if origin is Literal:
        allowed = {a.value: a for a in get_args(annotation) if isinstance(a, enum.Enum)}
        return lambda value: allowed.get(value, _NO) if type(value) is str else _NO
    if origin is list and get_args(annotation) == (str,):
        return lambda value: (
            list(value) if type(value) is list and all(type(v) is str for v in value) else _NO
        )
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = {m.value: m for m in annotation}
        return lambda value: members.get(value, _NO) if type(value) is str else _NO
    return _EXACT.get(annotation)


def _exactly(kind: type) -> Convert:
    return lambda value: value if type(value) is kind else _NO


_EXACT: dict[Any, Convert] = {
    str: _exactly(str),
    int: _exactly(int),  # never a bool, which is an int to Python
    bool: _exactly(bool),
    dt.date: _exactly(dt.date),  # never a datetime, which is a date to Python
    dt.datetime: _exactly(dt.datetime),
    # pydantic turns an int into a float for a float field.
    float: lambda value: float(value) if type(value) in (int, float) else _NO,
}
