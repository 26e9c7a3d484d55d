"""Finding and loading a workspace: its directives and the agency registry.

Where the workspace is, in order: ``--data-dir``, then ``$PARLEDGER_DATA``,
then ``./data`` when it holds a directive, then the copy bundled in the
package (read-only).

A workspace folder holds one agency registry and one or more directives,
each beside its own ledger: ``directive_KEY.yaml`` and ``ledger_KEY.yaml``.
The KEY in the file's name is how the workspace knows the directive (``2024``
for the bundled one, ``1487-ubnd-nc-2025`` for one added by its number):
``--directive KEY`` picks one, and ``KEY:I.1.1`` names a task of it.  One
folder, one registry: an office's agencies are the same for every directive
it tracks, and one git repository keeps all of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import unicodedata
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
DIRECTIVE_PREFIX = "directive_"
DIRECTIVE_GLOB = DIRECTIVE_PREFIX + "*.yaml"
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
"""A directive's key, as its file's name carries it: lower-case ASCII, so
that it is typed the same on every keyboard and sorts the same on every
file system."""
QUALIFIER = ":"
"""Between a directive's key and a task id: ``2025:I.1.1``."""


class Source(StrEnum):
    OPTION = "--data-dir"
    ENV = "$" + ENV_VAR
    CWD = "./data"
    BUNDLED = "bundled"


@dataclass(frozen=True)
class Location:
    """A workspace folder, how it was found, and which of its directives
    (``key``; None: the folder's only one)."""

    root: Path
    source: Source
    key: str | None = None

    @property
    def bundled(self) -> bool:
        return self.source is Source.BUNDLED

    def writable(self) -> None:
        """Refuse a write to the read-only bundled workspace, before any work."""
        if self.bundled:
            raise UsageError(
                "the bundled workspace is read-only; create your own with "
                "'parledger init DIR', then use --data-dir DIR (or set PARLEDGER_DATA)"
            )

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
        if self.key is not None:
            return self.root / f"{DIRECTIVE_PREFIX}{self.key}.yaml"
        found = directive_files(self.root)
        if not found:
            raise UsageError(
                f"no {DIRECTIVE_GLOB} in {self.root}: "
                "point --data-dir or $PARLEDGER_DATA at a parledger workspace"
            )
        if len(found) > 1:
            keys = ", ".join(key_of(path) for path in found)
            raise UsageError(
                f"{self.root} holds {len(found)} directives ({keys}): choose one with "
                "--directive KEY, or name a task as KEY:ID"
            )
        return found[0]

    @property
    def keys(self) -> list[str]:
        """The keys of the folder's directives, in order."""
        return [key_of(path) for path in directive_files(self.root)]

    @property
    def several(self) -> bool:
        """Whether the folder holds more than one directive."""
        return len(directive_files(self.root)) > 1

    def of(self, key: str) -> Location:
        """The same folder, bound to the directive ``key``."""
        return dataclasses.replace(self, key=key)

    def each(self) -> list[Location]:
        """One location per directive: the chosen one, else every one."""
        if self.key is not None:
            return [self]
        return [self.of(key) for key in self.keys]

    def choose(self, text: str) -> Location:
        """The directive a user named (``--directive``, a task's qualifier):
        its key in any case, its file's name, or a unique part of its key
        (``2025``, ``1487``)."""
        keys = self.keys
        wanted = _key_text(text)
        folded = {key_for(key): key for key in keys}
        if wanted in folded:
            return self.of(folded[wanted])
        parts = [key for fold, key in folded.items() if wanted and wanted in fold.split("-")]
        if len(parts) == 1:
            return self.of(parts[0])
        listed = ", ".join(keys) or "none"
        if len(parts) > 1:
            raise UsageError(f"directive '{text}' could be {', '.join(parts)}: give the whole key")
        raise UsageError(f"no directive '{text}' in {self.root}; its directives: {listed}")


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


def key_of(path: Path) -> str:
    """directive_2024.yaml → 2024."""
    return path.stem[len(DIRECTIVE_PREFIX) :]


def _key_text(text: str) -> str:
    text = text.strip()
    if text.endswith(".yaml"):
        text = text[: -len(".yaml")]
    if text.startswith(DIRECTIVE_PREFIX):
        text = text[len(DIRECTIVE_PREFIX) :]
    return key_for(text)


def key_for(*parts: str | int | None) -> str:
    """A directive key from what identifies it (its number, symbol and
    year: ``1487``, ``UBND-NC``, ``2025`` → ``1487-ubnd-nc-2025``): ASCII
    lower case, "đ" as "d", every other run of characters as one "-"."""
    words = " ".join(str(part) for part in parts if part not in (None, ""))
    folded = unicodedata.normalize("NFD", words.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def split_task(text: str) -> tuple[str | None, str]:
    """``2025:I.1.1`` → ("2025", "I.1.1"); ``I.1.1`` → (None, "I.1.1")."""
    qualifier, colon, task = text.strip().rpartition(QUALIFIER)
    if not colon:
        return None, task
    return qualifier.strip(), task.strip()


def locate(
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    directive: str | None = None,
    to_fill: bool = False,
) -> Location:
    """Find the workspace: --data-dir, $PARLEDGER_DATA, ./data, the bundled copy (the
    README's "The workspace"); never guesses silently.  ``directive``: the
    one a user named (``--directive``).  ``to_fill``: a workspace a
    directive is to be written into (``import``), which may hold none yet
    (its registry is what it needs), and is never the read-only bundled one."""
    found = _folder(data_dir, os.environ if environ is None else environ, cwd, to_fill)
    return found.choose(directive) if directive is not None else found


def _folder(
    data_dir: Path | None, environ: Mapping[str, str], cwd: Path | None, to_fill: bool
) -> Location:
    if data_dir is not None:
        return _explicit(data_dir, Source.OPTION, to_fill)
    if environ.get(ENV_VAR):
        return _explicit(Path(environ[ENV_VAR]), Source.ENV, to_fill)
    local = (cwd or Path.cwd()) / "data"
    if directive_files(local) or (to_fill and (local / REGISTRY_FILE).is_file()):
        return Location(local, Source.CWD)
    if to_fill:
        raise UsageError(
            "import writes into a workspace: pass --data-dir DIR or set $PARLEDGER_DATA "
            "(make one with 'parledger init DIR')"
        )
    return Location(bundled_root(), Source.BUNDLED)


def _explicit(folder: Path, source: Source, to_fill: bool = False) -> Location:
    if not folder.is_dir():
        raise UsageError(f"{source.value}: {folder} is not a folder")
    if not to_fill and not directive_files(folder):
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
    def key(self) -> str:
        """The directive's key in its workspace (``2024``)."""
        return self.location.key or key_of(self.location.directive_path)

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
