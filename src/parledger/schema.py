"""pydantic validation of the workspace files into :mod:`parledger.models`.

The only module that imports pydantic.  Its adapters are built on first use:
building them is the costly part of pydantic, paid only by commands that
read YAML (a cache miss, ``validate``, a write), never by a cached read.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import Field, TypeAdapter, ValidationError

from parledger.models import Directive, Entry, Registry

__all__ = ["ValidationError", "directive", "entries", "entries_json", "entry", "registry"]

T = TypeVar("T")


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def registry(data: Any) -> Registry:
    result: Registry = _adapter(Registry).validate_python(data)
    return result


def directive(data: Any) -> Directive:
    result: Directive = _adapter(Directive).validate_python(data)
    return result


# The ``kind`` field picks the entry's class.
LedgerEntry = Annotated[Entry, Field(discriminator="kind")]


def entry(data: Any) -> Entry:
    result: Entry = _adapter(LedgerEntry).validate_python(data)
    return result


def entries_json(data: bytes) -> list[Entry]:
    """A JSON array of entries, parsed and validated in one call."""
    result: list[Entry] = _adapter(list[LedgerEntry]).validate_json(data)
    return result


def entries(data: Any) -> list[Entry]:
    """A whole list of entries at once; raises on the first bad one's list."""
    result: list[Entry] = _adapter(list[LedgerEntry]).validate_python(data)
    return result
