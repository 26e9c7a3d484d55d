"""Workspace files that are not what they seem.

1. A file replaced whole (``alias`` edits agencies.yaml, ``export -o``
   overwrites an export) keeps the mode and group of the file it replaces,
   so a colleague sharing the workspace can still read and write it; a new
   file gets what the umask gives.
2. A FIFO, a device (a link to /dev/zero) or a file of gigabytes (a sparse
   file) as the ledger, the directive or the registry: every command that
   reads it answers at once with one line naming the file and what it is,
   instead of waiting forever or eating the machine's memory.
3. A ledger (or its ``.torn`` side file) that is a symbolic link out of the
   workspace folder, as a pulled branch can make it: nothing is ever written
   through it.  A link that stays inside the folder keeps working.

None of these tests may hang: every FIFO has no writer, every command runs
in-process, and an alarm turns a blocked open into a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from typer.testing import Result

from parledger.store import journal
from parledger.store.workspace import bundled_root
from tests.conftest import ROOT, Invoke

SCENARIO = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"
MULTILINE = ROOT / "tests" / "data" / "multiline" / "ledger_2024.yaml"
LEDGER, REGISTRY, DIRECTIVE = "ledger_2024.yaml", "agencies.yaml", "directive_2024.yaml"
RECORD = ("record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "2024-06-01")
ALIAS = "Sở Nội vụ tỉnh"
TWO_GB = 2 * 1024**3


class Blocked(BaseException):
    """A command blocked on a FIFO.  Not an OSError (TimeoutError is one, and
    the code's handlers of unreadable files would swallow it and block on the
    next open), nor an Exception: nothing in parledger catches it."""


@pytest.fixture(autouse=True)
def never_hang() -> Iterator[None]:
    """A command blocked on a FIFO fails the test instead of hanging it (the
    alarm interrupts the blocked open).  A guard, not a timing assertion."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Blocked("parledger blocked: a FIFO opened without O_NONBLOCK?")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(120)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace of the bundled directive and registry and the scenario ledger."""
    folder = tmp_path / "ws"
    shutil.copytree(bundled_root(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(SCENARIO, folder / LEDGER)
    return folder


@pytest.fixture
def run(cli: Invoke, ws: Path) -> Callable[..., Result]:
    def invoke(*args: str) -> Result:
        return cli("--data-dir", str(ws), *args)

    return invoke


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _plain_files(folder: Path) -> dict[str, bytes]:
    """The regular files of small size, by name: never a 2 GB one, nor a FIFO."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if stat.S_ISREG(p.lstat().st_mode) and p.lstat().st_size < 1 << 20
    }


# -- 1. a file replaced whole keeps its mode (and group) ----------------------


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o640], ids=oct)
def test_alias_keeps_the_mode_of_the_registry(
    run: Callable[..., Result], ws: Path, mode: int
) -> None:
    registry = ws / REGISTRY
    registry.chmod(mode)
    result = run("alias", "SNV", ALIAS)
    assert result.exit_code == 0, result.output
    assert ALIAS in registry.read_text("utf-8")
    assert _mode(registry) == mode  # not mkstemp's 0600: the office can still read it


@pytest.mark.parametrize("mode", [0o644, 0o664], ids=oct)
def test_export_over_a_file_keeps_its_mode(
    run: Callable[..., Result], tmp_path: Path, mode: int
) -> None:
    output = tmp_path / "out.csv"
    output.write_bytes(b"yesterday's export\n")
    output.chmod(mode)
    result = run("export", "--format", "csv", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert output.read_bytes() != b"yesterday's export\n"
    assert _mode(output) == mode


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o002, 0o664)], ids=["umask-022", "umask-002"]
)
def test_a_new_export_gets_what_the_umask_gives(
    run: Callable[..., Result], tmp_path: Path, umask: int, mode: int
) -> None:
    output = tmp_path / "new.csv"
    previous = os.umask(umask)
    try:
        result = run("export", "--format", "csv", "-o", str(output))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert _mode(output) == mode


def _another_group() -> int | None:
    """A group the files can be given that is not the user's own: one of
    the user's other groups, or any group when running as root."""
    others = [g for g in os.getgroups() if g != os.getegid()]
    if others:
        return others[0]
    return 4242 if os.geteuid() == 0 else None


@pytest.mark.skipif(_another_group() is None, reason="needs a second group, or root")
def test_alias_and_export_keep_the_group_of_the_file_they_replace(
    run: Callable[..., Result], ws: Path, tmp_path: Path
) -> None:
    # A 0664 file of the office's group stays writable by the office: the
    # new file is not given the group of whoever ran the command.
    group = _another_group()
    assert group is not None
    registry, output = ws / REGISTRY, tmp_path / "out.csv"
    output.write_bytes(b"old\n")
    for path in (registry, output):
        os.chown(path, -1, group)
        path.chmod(0o664)
    assert run("alias", "SNV", ALIAS).exit_code == 0
    assert run("export", "--format", "csv", "-o", str(output)).exit_code == 0
    for path in (registry, output):
        assert (path.stat().st_gid, _mode(path)) == (group, 0o664), path


# -- 2. a FIFO, a device, a file of gigabytes --------------------------------


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # no writer: opening it to read would wait forever


def _dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")  # endless zeros: reading it whole never ends


def _sparse(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(TWO_GB)  # costs no disk; reading it costs 2 GB of memory


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (
        _fifo,
        "not-regular: not a regular file (a FIFO); a workspace file must be a plain file",
    ),
    "dev-zero": (
        _dev_zero,
        "not-regular: not a regular file (a character device); "
        "a workspace file must be a plain file",
    ),
    "sparse-2gb": (
        _sparse,
        "too-large: 2.0 GB, over parledger's limit of 256 MB for a workspace file: "
        "is this the right file?",
    ),
}

# Every command that reads the workspace, as a user types it.
READS: list[tuple[str, ...]] = [
    ("validate",),
    ("status",),
    ("status", "--agency", "SNV"),
    RECORD,
    ("history",),
    ("export", "--format", "csv", "-o", "out.csv"),
    ("alias", "SNV", ALIAS),
]


def _state(path: Path) -> tuple[int, int, int]:
    """What a refused file looks like from outside: it must not change."""
    info = path.lstat()
    return info.st_mode, info.st_size, info.st_mtime_ns


def _assert_refused(result: Result, args: tuple[str, ...], path: Path, message: str) -> None:
    assert result.exit_code == 1, (args, result.output[:2000])
    assert "Traceback" not in result.output
    # validate lists the problems it found on stdout; every other command
    # says on stderr why it stopped.
    answer = result.stdout if args[0] == "validate" else result.stderr
    assert answer.splitlines()[0] == f"{path}:1:1: {message}", (args, answer[:2000])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", [LEDGER, REGISTRY, DIRECTIVE])
def test_every_read_refuses_a_file_that_is_not_plain_at_once(
    run: Callable[..., Result], ws: Path, tmp_path: Path, name: str, kind: str
) -> None:
    make, message = KINDS[kind]
    path = ws / name
    make(path)
    before, others = _state(path), _plain_files(ws)
    for args in READS:  # the cache is cold: nothing was ever loaded
        _assert_refused(run(*args), args, path, message)
    assert (_state(path), _plain_files(ws)) == (before, others)
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", [LEDGER, REGISTRY, DIRECTIVE])
def test_a_warm_cache_refuses_it_too(
    run: Callable[..., Result], ws: Path, name: str, kind: str
) -> None:
    # The cache trusts a file by its stat or its hash: a file replaced since
    # is neither, and hashing it must not block on it or read 2 GB.
    assert run("status", "--agency", "SNV").exit_code == 0
    assert run("status", "--agency", "SNV").exit_code == 0  # from the cache
    make, message = KINDS[kind]
    path = ws / name
    make(path)
    for args in READS[1:]:
        _assert_refused(run(*args), args, path, message)


@pytest.mark.parametrize("kind", ["fifo", "sparse-2gb"])  # /dev/zero is outside: as in 3.
def test_the_commands_that_mend_the_ledger_refuse_it(
    run: Callable[..., Result], ws: Path, kind: str
) -> None:
    make, message = KINDS[kind]
    path = ws / LEDGER
    make(path)
    before = _state(path)
    for args in (("repair",), ("upgrade-ledger",), ("resolve",)):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output[:2000])
        assert "Traceback" not in result.output
        # One line: the file, then what it is (without the problem's code).
        assert result.stderr == f"parledger: error: {path}: {message.split(': ', 1)[1]}\n"
    assert _state(path) == before
    assert not path.with_name(LEDGER + ".torn").exists()


def test_an_append_never_writes_into_a_fifo(ws: Path) -> None:
    # What record does after its checks, should the ledger become a FIFO
    # in between: refused before anything is built or written.
    path = ws / LEDGER
    _fifo(path)

    def build(current: journal.Current) -> str:
        raise AssertionError("nothing may be built for a FIFO")

    with pytest.raises(journal.LedgerWriteError) as refused:
        journal.append(path, build, directive_id="2024")
    assert str(refused.value) == (
        f"{path}: not a regular file (a FIFO); a workspace file must be a plain file"
    )
    assert stat.S_ISFIFO(path.lstat().st_mode)


# -- 3. a symbolic link out of the workspace is never written through ---------


def _outside(tmp_path: Path, content: bytes | None) -> Path:
    """A file beside the workspace, not in it (absent when content is None)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    target = folder / "ledger.yaml"
    if content is not None:
        target.write_bytes(content)
    return target


def _link_out(ws: Path, name: str, target: Path) -> Path:
    link = ws / name
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(target, ws))  # as git checks out a committed link
    return link


def _link_message(link: Path, target: Path) -> str:
    return (
        f"{link}: a symbolic link to {target.resolve()}, outside the workspace folder: "
        "parledger writes nothing through it; replace the link with the file itself"
    )


@pytest.mark.parametrize("exists", [True, False], ids=["to-a-file", "dangling"])
def test_record_never_writes_through_a_ledger_linked_out_of_the_workspace(
    run: Callable[..., Result], ws: Path, tmp_path: Path, exists: bool
) -> None:
    target = _outside(tmp_path, SCENARIO.read_bytes() if exists else None)
    link = _link_out(ws, LEDGER, target)
    before = _plain_files(target.parent)
    result = run(*RECORD)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"parledger: error: {_link_message(link, target)}\n"
    assert _plain_files(target.parent) == before  # not changed, and not created
    assert target.exists() == exists
    assert link.is_symlink()


def test_a_link_that_stays_in_the_workspace_is_written_through(
    run: Callable[..., Result], ws: Path
) -> None:
    # A ledger kept in a subfolder of the workspace, linked where parledger
    # looks for it: the write lands in the workspace all the same.
    kept = ws / "archive" / "ledger.yaml"
    kept.parent.mkdir()
    (ws / LEDGER).rename(kept)
    link = _link_out(ws, LEDGER, kept)
    lines = kept.read_bytes().count(b"\n")
    result = run(*RECORD)
    assert result.exit_code == 0, result.output
    assert kept.read_bytes().count(b"\n") == lines + 1
    assert '"task": "I.1.1", "agency": "so-noi-vu"' in kept.read_text("utf-8").splitlines()[-1]
    assert link.is_symlink()
    assert run("validate").exit_code == 0


TORN = b'- {"id": "e-0000000000ff", "kind": "prog'  # a write cut short by a crash


def test_repair_never_writes_through_a_ledger_linked_out_of_the_workspace(
    run: Callable[..., Result], ws: Path, tmp_path: Path
) -> None:
    target = _outside(tmp_path, SCENARIO.read_bytes() + TORN)
    link = _link_out(ws, LEDGER, target)
    before = _plain_files(target.parent)
    result = run("repair")
    assert result.exit_code == 1, result.output
    assert result.stderr == f"parledger: error: {_link_message(link, target)}\n"
    assert _plain_files(target.parent) == before  # the torn line is still there
    assert not (ws / (LEDGER + ".torn")).exists()


@pytest.mark.parametrize("exists", [True, False], ids=["to-a-file", "dangling"])
def test_repair_never_writes_through_a_torn_side_file_linked_out(
    run: Callable[..., Result], ws: Path, tmp_path: Path, exists: bool
) -> None:
    ledger = ws / LEDGER
    ledger.write_bytes(SCENARIO.read_bytes() + TORN)
    target = _outside(tmp_path, b"someone's notes\n" if exists else None)
    side = _link_out(ws, LEDGER + ".torn", target)
    before_ws, before_out = _plain_files(ws), _plain_files(target.parent)
    result = run("repair")
    assert result.exit_code == 1, result.output
    assert result.stderr == f"parledger: error: {_link_message(side, target)}\n"
    assert (_plain_files(ws), _plain_files(target.parent)) == (before_ws, before_out)
    assert side.is_symlink()


def test_repair_refuses_a_torn_side_file_that_is_a_fifo(
    run: Callable[..., Result], ws: Path
) -> None:
    ledger = ws / LEDGER
    ledger.write_bytes(SCENARIO.read_bytes() + TORN)
    side = ws / (LEDGER + ".torn")
    os.mkfifo(side)  # no reader: opening it to write would wait forever
    before = _plain_files(ws)
    result = run("repair")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"parledger: error: {side}: not a regular file (a FIFO); "
        "a workspace file must be a plain file\n"
    )
    assert _plain_files(ws) == before  # the torn line is kept in the ledger


def test_upgrade_ledger_never_rewrites_a_ledger_linked_out_of_the_workspace(
    run: Callable[..., Result], ws: Path, tmp_path: Path
) -> None:
    target = _outside(tmp_path, MULTILINE.read_bytes())
    link = _link_out(ws, LEDGER, target)
    result = run("upgrade-ledger")
    assert result.exit_code == 1, result.output
    assert result.stderr == f"parledger: error: {_link_message(link, target)}\n"
    assert target.read_bytes() == MULTILINE.read_bytes()
    assert link.is_symlink()


def test_upgrade_ledger_rewrites_a_link_inside_the_workspace_where_it_points(
    run: Callable[..., Result], ws: Path
) -> None:
    kept = ws / "archive" / "ledger.yaml"
    kept.parent.mkdir()
    kept.write_bytes(MULTILINE.read_bytes())
    link = _link_out(ws, LEDGER, kept)
    result = run("upgrade-ledger")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()  # still the link, to the rewritten file
    entries = [line for line in kept.read_text("utf-8").splitlines() if line.startswith("- {")]
    assert len(entries) == 12
    assert run("validate").exit_code == 0
