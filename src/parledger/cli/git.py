"""Commands for ledgers in git: git-setup, merge-driver, resolve, diff, diff-text."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parledger.cli.common import emit, locate
from parledger.model.errors import ParledgerError, UsageError

if TYPE_CHECKING:
    from parledger.store.workspace import Location


def register(app: typer.Typer) -> None:
    app.command("git-setup")(git_setup)
    app.command("resolve")(resolve)
    app.command("diff")(diff)
    # Run by git rather than by people, but listed: --help is where one
    # looks up what the config that git-setup wrote runs.
    app.command("merge-driver")(merge_driver)
    app.command("diff-text")(diff_text)


def _workspace_folder(ctx: typer.Context) -> Location:

    location = locate(ctx)
    if location.bundled:
        raise UsageError(
            "no workspace: pass --data-dir or set $PARLEDGER_DATA to a workspace kept in git "
            "(the bundled one is read-only)"
        )
    return location


def git_setup(ctx: typer.Context) -> None:
    """Register parledger's merge driver and diff in the git repository holding the
    workspace: a merge then keeps both branches' entries, by id, and refuses one id
    with two contents; git diff shows one sentence per entry. Git config is not
    versioned: run this once in every clone. Safe to run again."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import gitrepo

    location = _workspace_folder(ctx)
    done = gitrepo.setup(location.root)
    for change in done.changed:
        emit(f"set {change}\n" if change.startswith("git config") else f"{change}\n")
    if not done.changed:
        emit(f"already set up in {done.root}; nothing to do\n")
    else:
        emit(f"git merge now unions ledgers by entry id in {done.root}\n")


def merge_driver(
    base: Path = typer.Argument(..., metavar="BASE", help="The common ancestor's version (%O)."),
    ours: Path = typer.Argument(..., metavar="OURS", help="Ours (%A); the result is written here."),
    theirs: Path = typer.Argument(..., metavar="THEIRS", help="Theirs (%B)."),
    pathname: str = typer.Argument("ledger", metavar="[PATHNAME]", help="The ledger's path (%P)."),
) -> None:
    """Git's merge driver for ledgers (set up by 'parledger git-setup'): writes into
    OURS ours' lines, then theirs' entries ours lacks. Exits 1 with conflict markers
    around both lines when one id has different content on the two sides. A version
    not one entry a line is merged by git's own text merge instead."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import gitrepo, merge
    from parledger.store.files import write_atomic

    try:
        done = merge.union3(base.read_bytes(), ours.read_bytes(), theirs.read_bytes())
    except merge.NotOneLineError as exc:
        conflicts = gitrepo.merge_file(ours, base, theirs, pathname)
        sys.stderr.write(
            f"parledger merge-driver: {pathname}: {exc}; not merged by entry id but by git's "
            f"text merge ({conflicts or 'no'} conflict(s)). If the ledger is in the older "
            "multi-line form, run 'parledger upgrade-ledger' on both branches and commit, "
            "then merge again.\n"
        )
        raise typer.Exit(1 if conflicts else 0) from None
    write_atomic(ours, done.data)
    if done.clashes:
        ids = ", ".join(clash.id for clash in done.clashes)
        sys.stderr.write(
            f"parledger merge-driver: {pathname}: {len(done.clashes)} entry id(s) with "
            f"different content on the two branches ({ids}): conflict markers show both; "
            "keep the right line, record any change with 'parledger correct', then "
            "'git add' and 'parledger validate'\n"
        )
        raise typer.Exit(1)


def resolve(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None, metavar="[FILE]", help="The conflicted ledger; default: the workspace's."
    ),
) -> None:
    """Resolve a ledger a merge left with conflict markers (a merge without the
    driver: a git server, merge=text) into the union of both sides by entry id.
    Refused, the file unchanged, when the conflict is anything but entries both
    sides appended."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import journal, merge
    from parledger.store.files import write_atomic

    paths = [file] if file is not None else [one.ledger_path for one in _each(ctx)]
    for path in paths:
        done = merge.resolve_conflicted(journal.read_plain(path))  # never a FIFO, nor 2 GB
        if not done.conflicts:
            emit(f"{path} has no conflict markers; nothing to resolve\n")
            continue
        write_atomic(path, done.data)
        dropped = f", {done.duplicates} already present" if done.duplicates else ""
        emit(
            f"resolved {_count(done.conflicts, 'conflict')} in {path}: "
            f"{_count(done.ours, 'entry', 'entries')} from ours, {done.theirs} from theirs"
            f"{dropped}\nnext: git add {path} && parledger validate\n"
        )


def _each(ctx: typer.Context) -> list[Location]:
    """The workspace's directives' locations: --directive's, else every one."""
    return _workspace_folder(ctx).each()


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def diff(
    ctx: typer.Context,
    rev1: str = typer.Argument("HEAD", metavar="[REV1]", help="Revision; default HEAD."),
    rev2: str | None = typer.Argument(
        None, metavar="[REV2]", help="Revision; default the working tree."
    ),
) -> None:
    """The ledger's change between two revisions (default: HEAD and the working
    tree) as one sentence per entry: '+' added; '-' removed or changed in place,
    which an append-only ledger never does (flagged; exit 1)."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import gitrepo, ledgerdiff
    from parledger.store.merge import entry_key

    rewritten: set[str] = set()
    for location in _each(ctx):
        path = location.ledger_path
        root, relative = gitrepo.relative_to_root(path)
        old = gitrepo.read_at(root, rev1, relative)
        new = gitrepo.read_at(root, rev2, relative) if rev2 else _working(path)
        before, after = ledgerdiff.entries_of(old, new, path)
        found = ledgerdiff.changes(before, after)
        names = ledgerdiff.registry_names(location.registry_path)
        for change in found:
            emit(ledgerdiff.change_line(change, names) + "\n")
        added = sum(1 for change in found if not change.flag)
        rewritten |= {entry_key(change.entry) for change in found if change.flag}
        against = f"{rev1}..{rev2 or 'working tree'}"
        emit(f"{relative} {against}: {_count(added, 'entry', 'entries')} added\n")
    if rewritten:
        sys.stderr.write(
            f"parledger: {len(rewritten)} entry(ies) removed or changed in place; a ledger "
            "is append-only: restore them and record changes with 'parledger correct'\n"
        )
        raise typer.Exit(1)


def _working(path: Path) -> bytes:
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import journal

    return journal.read_plain(path) if path.exists() else b""  # never a FIFO, nor 2 GB


def diff_text(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="A ledger file (git passes a copy)."),
) -> None:
    """Git's textconv for ledgers (set up by 'parledger git-setup'): prints FILE
    with one sentence per entry, comments dropped, so 'git diff' and 'git log -p'
    read as facts."""
    # Lazy: what this command alone uses; --help and other commands stay light.
    from parledger.store import ledgerdiff
    from parledger.store.workspace import REGISTRY_FILE, bundled_root

    # Never fail a 'git diff' for want of names: the bundled registry's, or ids.
    try:
        names = ledgerdiff.registry_names(locate(ctx).registry_path)
    except ParledgerError:
        names = {}
    names = names or ledgerdiff.registry_names(bundled_root() / REGISTRY_FILE)
    # Bytes, not text: git may run this under a locale Python would not
    # encode Vietnamese in.
    sys.stdout.buffer.write(ledgerdiff.textconv(file.read_bytes(), names).encode("utf-8"))
    sys.stdout.flush()
