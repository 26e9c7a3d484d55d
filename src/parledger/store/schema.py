"""pydantic validation of the workspace files into :mod:`parledger.model.models`.

The only module that imports pydantic.  Its adapters are built on first use:
building them is the costly part of pydantic, paid only by commands that
read YAML (a cache miss, ``validate``, a write), never by a cached read.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import Field, TypeAdapter, ValidationError

from parledger.model.models import Directive, Entry, IndexFile, Registry
from parledger.model.periods import CalendarFile
from parledger.model.results import ResultsFile

__all__ = [
    "ValidationError", "calendar", "directive", "entries", "entries_json", "entries_validator",
    "entry", "index_file", "registry", "results",
]  # fmt: skip

T = TypeVar("T")


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def registry(data: Any) -> Registry:
    result: Registry = _adapter(Registry).validate_python(data)
    return result


def index_file(data: Any) -> IndexFile:
    result: IndexFile = _adapter(IndexFile).validate_python(data)
    return result


def calendar(data: Any) -> CalendarFile:
    result: CalendarFile = _adapter(CalendarFile).validate_python(data)
    return result


def results(data: Any) -> ResultsFile:
    result: ResultsFile = _adapter(ResultsFile).validate_python(data)
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


def entries_validator() -> bytes:
    """The entries' validator as pydantic built it, to keep (the cache does):
    :mod:`parledger.store.validator` rebuilds it with pydantic-core alone, so a
    command that validates a few pulled entries does not pay for importing
    pydantic and generating the schema again (about 0.1 s).  Pickled with
    pydantic-core's version, and without the metadata only JSON Schema
    uses (functions that do not pickle)."""
    # Lazy: only a run that keeps or rebuilds the validator needs it.
    import pickle

    # Lazy: only a run that keeps or rebuilds the validator needs it.
    import pydantic_core

    schema = _without_metadata(_adapter(list[LedgerEntry]).core_schema)
    return pickle.dumps((pydantic_core.__version__, schema), protocol=pickle.HIGHEST_PROTOCOL)


def _without_metadata(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_metadata(value) for key, value in node.items() if key != "metadata"}
    if isinstance(node, list):
        return [_without_metadata(value) for value in node]
    return node


def entries(data: Any) -> list[Entry]:
    """A whole list of entries at once; raises on the first bad one's list."""
    result: list[Entry] = _adapter(list[LedgerEntry]).validate_python(data)
    return result
