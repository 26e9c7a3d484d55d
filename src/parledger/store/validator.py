"""Validating a few ledger entries with the validator pydantic built once.

Why: a ``status`` after a ``git pull`` brought a few entries must validate
them, and importing pydantic and generating the entries' schema costs about
0.1 s, more than the rest of such a command.  pydantic-core, the engine
pydantic builds validators for, rebuilds the very same validator from the
schema pydantic generated (kept by the cache, :func:`parledger.store.schema.
entries_validator`) in a fraction of a millisecond.  Same schema, same
checks, same errors: the models' ``__post_init__`` runs either way.

A kept schema that does not load, or was made by another pydantic-core,
is not used: pydantic builds the validator as usual.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

from parledger.model.models import Entry

EntriesJson = Callable[[bytes], list[Entry]]


def from_kept(kept: bytes | None) -> EntriesJson | None:
    """A function validating a JSON array of entries, or None when the kept
    validator cannot be used."""
    if not kept:
        return None
    try:
        # Lazy: pydantic-core, only when pulled lines are validated.
        import pydantic_core

        version, schema = pickle.loads(kept)
        if version != pydantic_core.__version__:
            return None
        validator: Any = pydantic_core.SchemaValidator(schema)
    except Exception:  # a schema this pydantic-core does not take: build anew
        return None

    def entries_json(data: bytes) -> list[Entry]:
        result: list[Entry] = validator.validate_json(data)
        return result

    return entries_json
