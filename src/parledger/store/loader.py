"""Loading a workspace: through the cache when it is on, else the full pipeline."""

from __future__ import annotations

from parledger.store import cached
from parledger.store.workspace import Location, Workspace


def load(location: Location, *, use_cache: bool = True) -> Workspace:
    """Load and validate; raise ProblemsError with every problem found.

    Through the cache when it is on (see :mod:`parledger.store.cache`): a
    workspace whose bytes were validated before is not validated again.
    """
    if use_cache:
        return cached.load(location)
    # Lazy: the pipeline reads YAML and validates with pydantic; a warm run
    # through the cache needs neither (cached imports it only on a miss).
    from parledger.store import pipeline

    return pipeline.load(location)
