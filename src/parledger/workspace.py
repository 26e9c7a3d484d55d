"""Finding and loading a workspace: the directive and the agency registry.

Where the workspace is, in order: ``--data-dir``, then ``$PARLEDGER_DATA``,
then ``./data`` when it holds a directive, then the copy bundled in the
package (read-only).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from parledger.errors import Problem, ProblemsError, UsageError
from parledger.models import Directive, Entry, Registry

if TYPE_CHECKING:
    from parledger.fold import Fold

ENV_VAR = "PARLEDGER_DATA"
REGISTRY_FILE = "agencies.yaml"
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

    Beside this module, not through ``importlib.resources``: pip installs
    the package as files, and that import costs 2 ms a command."""
    return Path(__file__).resolve().parent / "data"


def directive_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(DIRECTIVE_GLOB)) if folder.is_dir() else []


def locate(
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Location:
    """Find the workspace the way DESIGN.md says; never guesses silently."""
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


Appended = Callable[[Entry, int, bytes, os.stat_result], None]
"""Told of an append: the entry, where its bytes start, the bytes, and the
ledger's stat taken under the writer's lock right after them."""


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
    ) -> None:
        self.location = location
        self.directive = directive
        self.registry = registry
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
        from parledger.fold import effective, fold
        from parledger.outline import Outline

        members = Outline(self.directive, self.registry).members
        self._folded = fold(effective(self.entries), members)

    def fold(self, cutoff: dt.date) -> Fold:
        """The ledger's facts up to ``cutoff`` (corrections applied), folded."""
        everything = self.fold_all()
        if cutoff.toordinal() >= everything.max_date:
            return everything
        from parledger.fold import effective, fold
        from parledger.outline import Outline

        members = Outline(self.directive, self.registry).members
        return fold(effective(self.entries), members, cutoff=cutoff)


def load(location: Location, *, use_cache: bool = True) -> Workspace:
    """Load and validate; raise ProblemsError with every problem found.

    Through the cache when it is on (see :mod:`parledger.cache`): a workspace
    whose bytes were validated before is not validated again.
    """
    if use_cache:
        from parledger.cached import load as load_cached

        return load_cached(location)
    return load_checked(location)


def load_checked(location: Location, ledger_bytes: bytes | None = None) -> Workspace:
    """Read and validate every file in full, without the cache
    (``ledger_bytes``: the ledger as already read)."""
    from parledger.validate import check

    workspace, problems = check(location, ledger_bytes)
    if problems or workspace is None:
        raise ProblemsError(problems or [_no_workspace(location)])
    return workspace


def _no_workspace(location: Location) -> Problem:
    return Problem(str(location.root), 1, 1, "unloadable", "the workspace could not be loaded")


GITATTRIBUTES = """\
# Ledgers are append-only, one entry a line: when two branches both
# appended entries, keep both sides' lines instead of declaring a conflict.
# 'parledger git-setup' (once per clone) replaces this with parledger's own
# merge driver, which unions entries by id and refuses one id with two
# contents. Run 'parledger validate' after a merge.
ledger_*.yaml merge=union
"""

WORKSPACE_README = """\
# parledger workspace

This folder is a parledger workspace: `{directive}` (the directive as data),
`agencies.yaml` (the agency registry) and `{ledger}` (the append-only ledger).
Use it with `parledger --data-dir {folder} …` or `export PARLEDGER_DATA={folder}`.

Keep it in git: `git init && git add -A && git commit -m "parledger workspace"`.
Every `parledger record`/`assign` appends one line to `{ledger}`, so a
reviewer's `git diff` shows one added line per fact (`parledger diff` says
each as a sentence), and two branches merge without conflict
(`.gitattributes` marks the ledger `merge=union`).

In every clone, run `parledger git-setup` once: git then merges ledgers with
parledger's driver (both branches' entries kept once each, by id; one id with
two contents is a conflict) and `git diff` shows sentences. Git config is not
versioned, so a fresh clone has only `merge=union` until then. A merge made
where no driver runs (a git server) may leave conflict markers:
`parledger resolve` turns them into the union of both sides. Run
`parledger validate` after every merge.
"""


def init(target: Path, *, on_git: Callable[[str], None] | None = None) -> list[Path]:
    """A new workspace in ``target``: the bundled directive and registry, an
    empty ledger, .gitattributes and a README.  Refuses to overwrite.

    When ``target`` is inside a git work tree, parledger's merge driver and
    diff are registered there too (what ``parledger git-setup`` does), and
    ``on_git`` is told so in one sentence; outside git nothing happens."""
    from parledger.journal import header

    source = bundled_root()
    directive = directive_files(source)[0]
    ledger_name = directive.name.replace("directive_", "ledger_", 1)
    files = {
        directive.name: directive.read_bytes(),
        REGISTRY_FILE: (source / REGISTRY_FILE).read_bytes(),
        ledger_name: header(directive.stem).encode(),
        ".gitattributes": GITATTRIBUTES.encode(),
        "README.md": WORKSPACE_README.format(
            directive=directive.name, ledger=ledger_name, folder=target
        ).encode(),
    }
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    clashes = [name for name in files if (target / name).exists()] + [
        p.name for p in directive_files(target) if p.name not in files
    ]
    if clashes:
        raise UsageError(
            f"{target} already holds {', '.join(sorted(set(clashes)))}; "
            "parledger init never overwrites: choose an empty or new folder"
        )
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = target / name
        with path.open("xb") as handle:  # "x": fail rather than overwrite
            handle.write(content)
        written.append(path)
    from parledger.gitrepo import register_in_git

    message = register_in_git(target)
    if message and on_git is not None:
        on_git(message)
    return written
