"""The one load pipeline: read → parse → validate → cross-check.

Every file of a workspace is read and validated against the models, then
against each other; every problem is collected, never only the first.  The
fold (:mod:`parledger.rules.fold`) is the pipeline's last step, taken by the
workspace when a command first asks for it.  :mod:`parledger.store.cached`
runs this pipeline on a miss and keeps its outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from parledger.model.errors import Problem, ProblemsError
from parledger.model.names import match_key
from parledger.store import ledger, yamlio
from parledger.store.checks import (
    catalog_problems,
    directive_problems,
    ledger_crossref_problems,
    registry_problems,
    text_problems,
)
from parledger.store.workspace import Location, Workspace

if TYPE_CHECKING:
    from parledger.model.catalog import IndexCatalog
    from parledger.model.models import Directive, IndexSpec, Registry

M = TypeVar("M")

# pydantic's error types (for models and for dataclasses) → our codes.
_PYDANTIC_CODES = {
    "missing": "missing-field",
    "missing_keyword_argument": "missing-field",
    "extra_forbidden": "unknown-field",
    "unexpected_keyword_argument": "unknown-field",
}


def run(
    location: Location,
    ledger_bytes: bytes | None = None,
    *,
    read: tuple[ledger.LoadedLedger, list[Problem]] | None = None,
) -> tuple[Workspace | None, list[Problem]]:
    """Load both files, validate them against each other, return all problems.
    ``ledger_bytes``: the ledger as already read, else it is read here;
    ``read``: the ledger as already loaded (``ledger.load``'s result)."""
    problems: list[Problem] = []
    registry, directive, catalog = _structure(location, problems)
    journal, ledger_problems = read or ledger.load(location.ledger_path, ledger_bytes)
    problems += ledger_problems
    if directive is not None and registry is not None:
        problems += ledger_crossref_problems(journal, directive, registry)
    if problems or registry is None or directive is None:
        return None, problems
    workspace = Workspace(
        location=location,
        directive=directive,
        registry=registry,
        entries=journal.entries,
        catalog=catalog,
    )
    workspace.ledger_multiline = journal.multiline
    return workspace, []


# Registries and directives that passed every check, by the texts they were
# read from.  They depend on those texts alone (never on the folder or the
# ledger) and are immutable, so one process that loads many workspaces with
# the same structure, as a library caller or the test-suite does, parses and
# validates it once: the round-trip YAML parse is nine tenths of a cold load.
# Only clean outcomes are kept, so every problem is still found, and placed,
# by a full read of the file that holds it.
_CLEAN: dict[tuple[str, str, tuple[str, ...]], tuple[Registry, Directive, IndexCatalog]] = {}
_CLEAN_KEPT = 4


def _structure(
    location: Location, problems: list[Problem]
) -> tuple[Registry | None, Directive | None, IndexCatalog | None]:
    """The registry, the directive and the indices, validated alone and
    against each other."""
    # Lazy: a warm status, and the cache's checks of appended entries,
    # must not pay for importing pydantic.
    from parledger.store import schema

    registry_text, registry_unread = _read(location.registry_path)
    directive_text, directive_unread = _read(location.directive_path)
    catalog_paths = location.indices_paths
    catalog_read = [_read(path) for path in catalog_paths]
    catalog_texts = tuple(text or "" for text, _ in catalog_read)
    kept = (
        _CLEAN.get((registry_text, directive_text, catalog_texts))
        if registry_text is not None and directive_text is not None
        else None
    )
    if kept is not None:
        return kept
    found = len(problems)
    catalog = _catalog(catalog_paths, catalog_read, problems)
    problems += registry_unread
    registry_file = _parse(location.registry_path, registry_text, problems)
    problems += directive_unread
    directive_file = _parse(location.directive_path, directive_text, problems)
    for loaded in (registry_file, directive_file):
        if loaded is not None:
            problems += text_problems(loaded)
    registry = _model(schema.registry, registry_file, problems)
    directive = _model(schema.directive, directive_file, problems)
    if registry is not None and registry_file is not None:
        problems += registry_problems(registry, registry_file)
    if (
        directive is not None
        and directive_file is not None
        and registry is not None
        and registry_file is not None
    ):
        problems += directive_problems(directive, directive_file, registry, catalog)
    if (
        registry is not None
        and directive is not None
        and catalog is not None
        and len(problems) == found
    ):
        assert registry_text is not None and directive_text is not None
        if len(_CLEAN) >= _CLEAN_KEPT:
            del _CLEAN[next(iter(_CLEAN))]
        _CLEAN[registry_text, directive_text, catalog_texts] = (registry, directive, catalog)
    return registry, directive, catalog


def _catalog(
    paths: list[Path],
    read: list[tuple[str | None, list[Problem]]],
    problems: list[Problem],
) -> IndexCatalog | None:
    """The indices of the bundled file, extended by the workspace's own."""
    # Lazy: a warm status, and the cache's checks of appended entries,
    # must not pay for importing pydantic.
    from parledger.model.catalog import IndexCatalog, merged
    from parledger.store import schema

    found = len(problems)
    files: list[list[IndexSpec]] = []
    bundled_dimensions: dict[str, str] = {}
    for path, (text, unread) in zip(paths, read, strict=True):
        problems += unread
        loaded = _parse(path, text, problems)
        if loaded is not None:
            problems += text_problems(loaded)
        indices = _model(schema.index_file, loaded, problems)
        if indices is None or loaded is None:
            continue
        # A workspace's own file shares no dimension id with the bundled
        # indices it keeps (it may reuse those of an index it replaces).
        own_ids = {match_key(spec.id) for spec in indices.indices}
        known = {
            dim: index
            for dim, index in bundled_dimensions.items()
            if match_key(index) not in own_ids
        }
        problems += catalog_problems(indices, loaded, known)
        if not files:
            bundled_dimensions = {
                dim.id: spec.id for spec in indices.indices for dim in spec.dimensions
            }
        files.append(indices.indices)
    if len(problems) != found or not files:
        return None
    return IndexCatalog(merged(files[0], files[1]) if len(files) > 1 else files[0])


def catalog(location: Location) -> IndexCatalog | None:
    """The workspace's catalog of indices alone, or None when its files have
    problems (which a full load reports)."""
    paths = location.indices_paths
    return _catalog(paths, [_read(path) for path in paths], [])


def read_file(
    path: Path, build: Callable[[Any], M], text: str | None = None
) -> tuple[M | None, yamlio.Loaded | None, list[Problem]]:
    """One YAML file of the workspace beside the directive (periods.yaml,
    results.yaml), read and validated alone as the directive is: the model,
    the file as read (for the positions of later checks), every problem."""
    problems: list[Problem] = []
    if text is None:
        text, unread = _read(path)
        problems += unread
    loaded = _parse(path, text, problems)
    if loaded is not None:
        problems += text_problems(loaded)
    if problems:
        return None, loaded, problems
    return _model(build, loaded, problems), loaded, problems


def _read(path: Path) -> tuple[str | None, list[Problem]]:
    try:
        return yamlio.read_text(path), []
    except yamlio.YamlLoadError as exc:
        return None, [exc.problem]


def _parse(path: Path, text: str | None, problems: list[Problem]) -> yamlio.Loaded | None:
    if text is None:
        return None
    try:
        return yamlio.load_text(path, text)
    except yamlio.YamlLoadError as exc:
        problems.append(exc.problem)
        return None


def _model(
    build: Callable[[Any], M], loaded: yamlio.Loaded | None, problems: list[Problem]
) -> M | None:
    if loaded is None:
        return None
    if loaded.data is None:
        problems.append(Problem(str(loaded.path), 1, 1, "empty-file", "the file holds no data"))
        return None
    from parledger.store.schema import ValidationError  # lazy: pydantic, as above

    try:
        return build(loaded.data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_schema_problem(loaded, error))
        return None


def _schema_problem(loaded: yamlio.Loaded, error: Any) -> Problem:
    loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
    line, col = loaded.position(loc)
    where = _dotted(loc)
    code = _PYDANTIC_CODES.get(error["type"], "invalid-value")
    if code == "unknown-field":
        message = f"unknown field '{loc[-1]}' (not part of the format; check its spelling)"
    elif code == "missing-field":
        message = f"{where}: required field missing"
    else:
        message = f"{where}: {error['msg']}"
    return Problem(str(loaded.path), line, col, code, message)


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the branch name (e.g. 'function-after[...]') to locations
    # inside annotated types; a person only wants the field path.
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "document"


def load(location: Location, ledger_bytes: bytes | None = None) -> Workspace:
    """Read and validate every file in full, without the cache
    (``ledger_bytes``: the ledger as already read); raise
    :class:`ProblemsError` with every problem found."""
    workspace, problems = run(location, ledger_bytes)
    if problems or workspace is None:
        raise ProblemsError(problems or [_no_workspace(location)])
    return workspace


def _no_workspace(location: Location) -> Problem:
    return Problem(str(location.root), 1, 1, "unloadable", "the workspace could not be loaded")
