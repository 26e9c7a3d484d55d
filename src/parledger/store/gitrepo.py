"""The little of git that parledger uses: registering its merge driver and
textconv in a repository, reading a file at a revision, and git's own 3-way
text merge for the driver's fallback.

Every call runs ``git`` as a subprocess with ``-C``, its output captured:
nothing here prints, and nothing touches the working tree or the index.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from parledger.model.errors import DataError, UsageError
from parledger.store.files import write_atomic

DRIVER = "parledger"
ATTRIBUTES_LINE = f"ledger_*.yaml merge={DRIVER} diff={DRIVER}"
DRIVER_NAME = "parledger: union of ledger entries by id"


class GitError(DataError):
    """git could not do what was asked (not a repository, a bad revision…)."""


def run(
    args: Sequence[str], cwd: Path, *, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """``git -C cwd ARGS``, output captured; GitError when it fails and
    ``check`` is on, or when git is not installed."""
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, check=False, env=_env()
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done


def _env() -> dict[str, str]:
    # Messages parledger quotes are parsed only for their last line; the
    # C locale keeps git from translating nothing else we rely on.
    return {**os.environ, "LC_ALL": "C"}


def toplevel(folder: Path) -> Path | None:
    """The root of the git work tree holding ``folder``, or None."""
    try:
        done = run(["rev-parse", "--show-toplevel"], folder, check=False)
    except GitError:
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(os.fsdecode(done.stdout.strip()))


def git_path(folder: Path, name: str) -> Path:
    """A path inside the repository's git folder (``info/attributes``),
    right for linked worktrees too."""
    out = os.fsdecode(run(["rev-parse", "--git-path", name], folder).stdout.strip())
    return (folder / out).resolve()


def parledger_command() -> str:
    """How git runs this parledger: the running interpreter by its absolute
    path, so the driver works from any shell, venv activated or not."""
    return f"{shlex.quote(os.path.abspath(sys.executable))} -m parledger"


@dataclass
class Setup:
    root: Path
    attributes: Path
    changed: list[str] = field(default_factory=list)  # what was set, in words


def setup(workspace: Path) -> Setup:
    """Register the merge driver and the textconv in the repository that
    holds ``workspace``, idempotently: git config (``--local``, not
    versioned) and a line in ``$GIT_DIR/info/attributes`` (not versioned
    either; it overrides the workspace's ``.gitattributes``).  Every other
    line of that file is kept; the line is never added twice."""
    root = toplevel(workspace)
    if root is None:
        raise UsageError(
            f"{workspace} is not inside a git work tree: run 'git init' (or clone) first, "
            "then 'parledger git-setup'"
        )
    command = parledger_command()
    relative = os.path.relpath(workspace.resolve(), root.resolve())
    textconv = f"{command} --data-dir {shlex.quote(relative)} diff-text"
    wanted = {
        f"merge.{DRIVER}.name": DRIVER_NAME,
        f"merge.{DRIVER}.driver": f"{command} merge-driver %O %A %B %P",
        f"diff.{DRIVER}.textconv": textconv,
    }
    done = Setup(root, git_path(workspace, "info/attributes"))
    for key, value in wanted.items():
        now = run(["config", "--local", "--get", key], workspace, check=False)
        if now.returncode != 0 or os.fsdecode(now.stdout).rstrip("\n") != value:
            run(["config", "--local", key, value], workspace)
            done.changed.append(f"git config {key} '{value}'")
    if _add_line(done.attributes, ATTRIBUTES_LINE):
        done.changed.append(f"added '{ATTRIBUTES_LINE}' to {done.attributes}")
    return done


def register_in_git(workspace: Path) -> str | None:
    """What ``parledger init`` does for a new workspace: the same as
    :func:`setup` when the folder is inside a git work tree, None (nothing
    done) otherwise.  Returns a sentence saying what happened.  A failure
    does not raise: the workspace exists by then, and only needs the
    registration finished by hand."""
    if toplevel(workspace) is None:
        return None
    try:
        done = setup(workspace)
    except (DataError, UsageError, OSError) as exc:
        return f"could not register parledger in git ({exc}); run 'parledger git-setup'"
    return (
        f"registered parledger's merge driver and diff in the git repository at {done.root} "
        f"(git config, and {done.attributes}); every other clone needs 'parledger git-setup'"
    )


def _add_line(path: Path, line: str) -> bool:
    """Append ``line`` unless the file holds it already."""
    old = path.read_bytes() if path.exists() else b""
    if line in (text.strip() for text in old.decode("utf-8", "replace").splitlines()):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    glue = b"" if not old or old.endswith(b"\n") else b"\n"
    write_atomic(path, old + glue + line.encode() + b"\n")
    return True


def relative_to_root(path: Path) -> tuple[Path, str]:
    """The work tree's root and ``path`` relative to it, as git names it."""
    root = toplevel(path.parent)
    if root is None:
        raise UsageError(f"{path.parent} is not inside a git work tree")
    relative = os.path.relpath(path.resolve(), root.resolve())
    return root, Path(relative).as_posix()


def read_at(root: Path, revision: str, relative: str) -> bytes:
    """The file's bytes at ``revision`` (empty if it did not exist then),
    read from git's objects: the working tree and the index are untouched."""
    known = run(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root, check=False)
    if known.returncode != 0:
        raise UsageError(f"'{revision}' is not a revision of the repository at {root}")
    blob = f"{revision}:{relative}"
    if run(["cat-file", "-e", blob], root, check=False).returncode != 0:
        return b""  # the ledger did not exist yet: every entry is new
    return run(["cat-file", "blob", blob], root).stdout


def merge_file(ours: Path, base: Path, theirs: Path, name: str) -> int:
    """git's own 3-way text merge into ``ours``, conflict markers where both
    sides changed; returns the number of conflicts (0: merged cleanly)."""
    labels = ["-L", f"ours:{name}", "-L", f"base:{name}", "-L", f"theirs:{name}"]
    done = run(["merge-file", *labels, str(ours), str(base), str(theirs)], Path.cwd(), check=False)
    if done.returncode < 0 or done.returncode > 127:
        raise GitError(f"git merge-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.returncode
