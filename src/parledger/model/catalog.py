"""The indices a workspace knows, and names for them as people type them.

The bundled ``indices.yaml`` declares PAR INDEX, SIPAS and PAPI; a
workspace's own ``indices.yaml`` adds its indices to those and replaces a
bundled one of the same id (see :func:`merged`).  Directives name an index
by its id ("PAR INDEX") and a dimension by its ASCII id ("e-governance");
the command line accepts either written any way (case, accents, spacing,
the Vietnamese or English name).
"""

from __future__ import annotations

from collections.abc import Iterable

from parledger.model.errors import UsageError
from parledger.model.models import IndexDimension, IndexSpec
from parledger.model.names import match_key


def merged(bundled: Iterable[IndexSpec], own: Iterable[IndexSpec]) -> list[IndexSpec]:
    """The bundled indices, each replaced by the workspace's own of the same
    id, then the workspace's others in its order.

    Extends rather than replaces the bundled list: a workspace made before
    indices were data has no indices.yaml and must read as before, and an
    office adding a provincial index should not have to copy the three it
    did not change; one that corrects a bundled index (a field the bundled
    file marks unconfirmed) writes that index whole in its own file."""
    own = list(own)
    mine = {match_key(spec.id): spec for spec in own}
    out = [mine.pop(match_key(spec.id), spec) for spec in bundled]
    return out + [spec for spec in own if match_key(spec.id) in mine]


class IndexCatalog:
    """Read-only lookups over a list of indices."""

    def __init__(self, indices: Iterable[IndexSpec]) -> None:
        self.indices: list[IndexSpec] = list(indices)
        self._by_key = {match_key(spec.id): spec for spec in self.indices}
        self.dimension_index: dict[str, str] = {
            dim.id: spec.id for spec in self.indices for dim in spec.dimensions
        }
        self._dimensions = {dim.id: dim for spec in self.indices for dim in spec.dimensions}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndexCatalog) and self.indices == other.indices

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> list[IndexSpec]:
        return self.indices

    def __setstate__(self, state: list[IndexSpec]) -> None:
        self.__init__(state)  # type: ignore[misc]

    def get(self, index_id: str) -> IndexSpec | None:
        """The index of this id, written exactly or any way it matches."""
        return self._by_key.get(match_key(index_id))

    def ids(self) -> list[str]:
        return [spec.id for spec in self.indices]

    def dimension(self, dimension_id: str) -> IndexDimension | None:
        return self._dimensions.get(dimension_id)

    def parse_index(self, text: str) -> str:
        """'PAR INDEX', 'par-index', 'parindex', 'papi', a name … → the index id."""
        wanted = match_key(text)
        for spec in self.indices:
            names = (spec.id, spec.name, spec.name_en)
            if any(name is not None and match_key(name) == wanted for name in names):
                return spec.id
        choices = ", ".join(self.ids()) or "none (the workspace declares no index)"
        raise UsageError(f"unknown index '{text}'; choose one of: {choices}")

    def parse_dimension(self, text: str, index_id: str | None = None) -> str:
        """A dimension's id from its id or either name, any case or accents;
        among ``index_id``'s dimensions when given."""
        wanted = match_key(text)
        specs = [s for s in self.indices if index_id is None or s.id == index_id]
        dims = [dim for spec in specs for dim in spec.dimensions]
        for dim in dims:
            names = (dim.id, dim.name, dim.name_en)
            if any(name is not None and match_key(name) == wanted for name in names):
                return dim.id
        choices = ", ".join(dim.id for dim in dims) or "none"
        raise UsageError(f"unknown dimension '{text}'; choose one of: {choices}")

    def dimension_name(self, dimension_id: str, vietnamese: bool) -> str:
        """The dimension's name in one language, else the other, else its id."""
        dim = self._dimensions.get(dimension_id)
        if dim is None:
            return dimension_id
        first, second = (dim.name, dim.name_en) if vietnamese else (dim.name_en, dim.name)
        return first or second or dim.id
