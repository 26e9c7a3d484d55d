"""A new workspace (the bundled directive, registry and results, an empty
ledger), and another directive added to a workspace beside the ones it holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parledger.model.errors import DataError, ProblemsError, UsageError
from parledger.store import draft, yamlio
from parledger.store.gitrepo import register_in_git
from parledger.store.journal import header
from parledger.store.results import RESULTS_FILE
from parledger.store.workspace import (
    KEY,
    REGISTRY_FILE,
    Location,
    bundled_root,
    directive_files,
    key_for,
)

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
`agencies.yaml` (the agency registry), `results.yaml` (the indices' published
results, `parledger record-result`) and `{ledger}` (the append-only ledger).
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

The reporting periods (quarters, six months, year; their cut-offs and due
day) are the Ministry's, bundled with parledger. To report by other
cut-offs, copy parledger's `periods.yaml` here and edit it.
"""


def init(target: Path, *, on_git: Callable[[str], None] | None = None) -> list[Path]:
    """A new workspace in ``target``: the bundled directive and registry, an
    empty ledger, .gitattributes and a README.  Refuses to overwrite.

    When ``target`` is inside a git work tree, parledger's merge driver and
    diff are registered there too (what ``parledger git-setup`` does), and
    ``on_git`` is told so in one sentence; outside git nothing happens."""
    source = bundled_root()
    directive = directive_files(source)[0]
    ledger_name = directive.name.replace("directive_", "ledger_", 1)
    files = {
        directive.name: directive.read_bytes(),
        REGISTRY_FILE: (source / REGISTRY_FILE).read_bytes(),
        # The indices' results published so far; the reporting periods are
        # not copied: without a periods.yaml of its own a workspace follows
        # the bundled one (and its corrections).
        RESULTS_FILE: (source / RESULTS_FILE).read_bytes(),
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
        more = (
            "; to track another directive there, use 'parledger add-directive FILE'"
            if directive_files(target)
            else ""
        )
        raise UsageError(
            f"{target} already holds {', '.join(sorted(set(clashes)))}; "
            f"parledger init never overwrites: choose an empty or new folder{more}"
        )
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = target / name
        with path.open("xb") as handle:  # "x": fail rather than overwrite
            handle.write(content)
        written.append(path)
    message = register_in_git(target)
    if message and on_git is not None:
        on_git(message)
    return written


@dataclass(frozen=True)
class Added:
    key: str
    directive: Path
    ledger: Path
    items: int


def add_directive(location: Location, source: Path, *, key: str | None = None) -> Added:
    """Copy the directive in ``source`` (parledger's YAML) into the workspace
    as ``directive_KEY.yaml``, with an empty ``ledger_KEY.yaml`` beside it.

    KEY: ``key``, else one made from the directive's number, symbol and
    year (``1487-ubnd-nc-2025``), else from its year alone.  The directive is
    checked against the workspace's shared files first (the draft's check of
    ``parledger import``); a problem is reported at its line in ``source``,
    and then nothing is written.  Both files are written, or neither."""
    location.writable()
    text = yamlio.read_text(source)
    chosen, directive_id = _identity(source, text, key)
    directive, ledger = draft.paths(location.root, chosen)
    taken = [path.name for path in (directive, ledger) if path.exists()]
    if taken:
        raise UsageError(
            f"{location.root} already holds {', '.join(taken)}: give the directive another "
            "key with --as KEY"
        )
    items, problems = draft.staged(location.root, chosen, text, directive_id, shown_as=source)
    if problems:
        raise ProblemsError(problems)
    draft.write(location.root, chosen, text, directive_id)
    return Added(chosen, directive, ledger, items)


def _identity(source: Path, text: str, key: str | None) -> tuple[str, str]:
    """The key to file the directive under, and its own id (its ledger's
    header names it)."""
    data = yamlio.load_text(source, text).data
    meta = data.get("metadata") if isinstance(data, dict) else None
    if not isinstance(meta, dict):
        raise DataError(f"{source}: no 'metadata' mapping: is it a parledger directive file?")
    directive_id = str(data.get("id") or "")
    if key is not None:
        if not KEY.fullmatch(key):
            raise UsageError(
                f"--as '{key}': a key is lower-case letters, digits, '-' and '_', e.g. "
                f"{key_for(key) or '2025'}"
            )
        return key, directive_id
    number, symbol, year = meta.get("number"), meta.get("symbol"), meta.get("year")
    made = key_for(number, symbol, year) if number else key_for(year)
    if not made:
        raise UsageError(f"{source}: no number or year to name the directive by: give --as KEY")
    return made, directive_id
