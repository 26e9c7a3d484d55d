"""Loading a workspace: through the cache when it is on, else the full pipeline."""

from __future__ import annotations

from parledger.store import cached, pipeline
from parledger.store.workspace import Location, Workspace


def load(location: Location, *, use_cache: bool = True) -> Workspace:
    """Load and validate; raise ProblemsError with every problem found.

    Through the cache when it is on (see :mod:`parledger.store.cache`): a
    workspace whose bytes were validated before is not validated again.
    """
    return cached.load(location) if use_cache else pipeline.load(location)
