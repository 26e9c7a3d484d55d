"""Finding and loading a workspace: the directive and the agency registry.

Where the workspace is, in order: ``--data-dir``, then ``$PARLEDGER_DATA``,
then ``./data`` when it holds a directive, then the copy bundled in the
package (read-only).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from parledger.model.catalog import IndexCatalog
from parledger.model.errors import UsageError
from parledger.model.models import Directive, Entry, Registry
from parledger.rules.fold import Fold, effective, fold
from parledger.rules.outline import Outline

ENV_VAR = "PARLEDGER_DATA"
REGISTRY_FILE = "agencies.yaml"
INDICES_FILE = "indices.yaml"
DIRECTIVE_GLOB = "directive_*.yaml"


class Source(StrEnum):
    OPTION = "--data-dir"
    ENV = "$" + ENV_VAR
    CWD = "./data"
    BUNDLED = "bundled"


@dataclass(frozen=True)
class Location:
    """A workspace folder and how it was found."""

    root: Path
    source: Source

    @property
    def bundled(self) -> bool:
        return self.source is Source.BUNDLED

    @property
    def registry_path(self) -> Path:
        return self.root / REGISTRY_FILE

    @property
    def indices_paths(self) -> list[Path]:
        """The catalog of indices: the bundled indices.yaml, then the
        workspace's own when it has one (the bundled workspace's is the
        bundled file itself)."""
        bundled, own = bundled_root() / INDICES_FILE, self.root / INDICES_FILE
        if self.bundled or not own.exists() or own.resolve() == bundled.resolve():
            return [bundled]
        return [bundled, own]

    @property
    def ledger_path(self) -> Path:
        """The journal beside the directive: directive_2024.yaml → ledger_2024.yaml."""
        directive = self.directive_path
        return directive.with_name(directive.name.replace("directive_", "ledger_", 1))

    @property
    def directive_path(self) -> Path:
        found = directive_files(self.root)
        if not found:
            raise UsageError(
                f"no {DIRECTIVE_GLOB} in {self.root}: "
                "point --data-dir or $PARLEDGER_DATA at a parledger workspace"
            )
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise UsageError(f"{self.root} holds several directives ({names}); keep one per folder")
        return found[0]


def bundled_root() -> Path:
    """The read-only workspace installed with the package.

    The one copy is ``data/`` at the repository's root; a wheel carries it
    as ``parledger/data`` (a build include in pyproject.toml).  An editable
    install or a source checkout has no such folder in the package, so the
    repository's own is used.  Found as files, not through
    ``importlib.resources``: pip installs the package as files, and that
    import costs 2 ms a command."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "data"
    return installed if installed.is_dir() else package.parents[1] / "data"


def directive_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(DIRECTIVE_GLOB)) if folder.is_dir() else []


def locate(
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Location:
    """Find the workspace: --data-dir, $PARLEDGER_DATA, ./data, the bundled copy (the
    README's "The workspace"); never guesses silently."""
    environ = os.environ if environ is None else environ
    if data_dir is not None:
        return _explicit(data_dir, Source.OPTION)
    if environ.get(ENV_VAR):
        return _explicit(Path(environ[ENV_VAR]), Source.ENV)
    local = (cwd or Path.cwd()) / "data"
    if directive_files(local):
        return Location(local, Source.CWD)
    return Location(bundled_root(), Source.BUNDLED)


def _explicit(folder: Path, source: Source) -> Location:
    if not folder.is_dir():
        raise UsageError(f"{source.value}: {folder} is not a folder")
    if not directive_files(folder):
        raise UsageError(
            f"{source.value}: {folder} holds no {DIRECTIVE_GLOB}; "
            "point it at a parledger workspace folder"
        )
    return Location(folder, source)


Appended = Callable[[Sequence[Entry], int, bytes, os.stat_result], None]
"""Told of an append: the entries (one write may hold many, in the order of
their lines), where their bytes start, the bytes, and the ledger's stat
taken under the writer's lock right after them."""


class Workspace:
    """A loaded, validated workspace.

    The ledger's entries are read only when a command needs them (history,
    a correction, a replay ``--as-of`` an earlier day): what most commands
    need is the fold of the entries, which a cached workspace has at hand.
    """

    def __init__(
        self,
        location: Location,
        directive: Directive,
        registry: Registry,
        entries: list[Entry] | None = None,
        *,
        read_entries: Callable[[], list[Entry]] | None = None,
        folded: Fold | None = None,
        catalog: IndexCatalog | None = None,
    ) -> None:
        self.location = location
        self.directive = directive
        self.registry = registry
        # The indices the workspace knows (bundled and its own indices.yaml);
        # None: none declared, as a workspace built in Python may have.
        self.catalog = catalog if catalog is not None else IndexCatalog([])
        self._entries = entries
        self._read_entries = read_entries
        self._folded = folded
        # Told of each entry a command appends, so a cache can remember the
        # new state instead of reading it next time.
        self.after_append: Appended | None = None
        # Read through the YAML library: the ledger is not (only) one entry
        # a line, as parledger 0.1 wrote it ('parledger upgrade-ledger').
        self.ledger_multiline = False

    @property
    def entries(self) -> list[Entry]:
        if self._entries is None:
            self._entries = self._read_entries() if self._read_entries else []
        return self._entries

    def fold_all(self) -> Fold:
        """Every fact in the ledger, folded."""
        if self._folded is None:
            self.refold()
        assert self._folded is not None
        return self._folded

    def refold(self) -> None:
        """Fold the facts again from the entries (after one changed an earlier fact)."""
        members = Outline(self.directive, self.registry).members
        self._folded = fold(effective(self.entries), members)

    def fold(self, cutoff: dt.date) -> Fold:
        """The ledger's facts up to ``cutoff`` (corrections applied), folded."""
        everything = self.fold_all()
        if cutoff.toordinal() >= everything.max_date:
            return everything
        members = Outline(self.directive, self.registry).members
        return fold(effective(self.entries), members, cutoff=cutoff)
