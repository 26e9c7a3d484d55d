"""The cache deletes and loads only what it wrote, in a folder of its own.

A cache root may hold other files (``PARLEDGER_CACHE_DIR=~/reports``) or be
shared with other users (``/tmp``, a shared ``XDG_CACHE_HOME``).  A planted
item is a pickle that, if ever loaded, creates a marker folder: each test
checks the marker never appears.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from parledger.store import cache
from tests.conftest import Invoke

NOBODY = 65534

# Not root: the ownership checks can only be exercised with another uid.
needs_root = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="needs root: only root can act as, or give a file to, another user",
)


class Planted:
    """Loading this runs os.mkdir(marker): harmless, and easy to see."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (self.marker,))


def _item(i: int) -> str:
    return "s-" + cache.key("safety", str(i))


NAME = _item(0)


def _planted(marker: Path) -> bytes:
    """An item as parledger would write it, whose loading runs code."""
    return cache.FORMAT.encode() + b"\n" + pickle.dumps(Planted(marker))


def _ours(where: Path) -> list[str]:
    return [p.name for p in where.iterdir() if cache.ITEM_NAME.fullmatch(p.name)]


def _snapshot(where: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(where.iterdir())
        if p.is_file()
    }


def _own_folder() -> Path:
    where = cache.folder()
    assert where is not None
    return where


@pytest.fixture(autouse=True)
def fresh_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a warning another one caused, or the ones it was given."""
    monkeypatch.setattr(cache, "_warning", None)
    monkeypatch.setattr(cache, "_warned", set())


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "the-planted-pickle-ran"
    yield path
    assert not path.exists(), "a planted pickle was loaded"


# a) Only our own items, in our own folder, are ever deleted.


def test_a_root_holding_other_files_is_left_untouched(private_cache: Path) -> None:
    old = 1_000_000_000  # older than anything written: a prune would take them first
    for i in range(100):
        (private_cache / f"report-{i:03}.csv").write_bytes(f"agency,{i}\n".encode())
    for i in range(50):
        # Named as items are, but not ours: other content, or another
        # program's (or an older parledger's) that begins like ours.
        (private_cache / cache.key("foreign", str(i))).write_bytes(b"someone else's")
        header = b"parledger 0.0.1 cache 2\n" if i % 2 else b"not ours\n"
        (private_cache / f"x-{cache.key('old', str(i))}").write_bytes(header + b"data")
    for i in range(30):
        (private_cache / f".s-{i}.tmp").write_bytes(b"parledger half written")
    for path in private_cache.iterdir():
        os.utime(path, ns=(old, old))
    before = _snapshot(private_cache)
    assert len(before) == 230

    for i in range(260):
        cache.put(_item(i), {"i": i})

    assert _snapshot(private_cache) == before
    assert sorted(p.name for p in private_cache.iterdir() if p.is_dir()) == [_own_folder().name]
    assert len(_ours(_own_folder())) == cache.MAX_ITEMS
    assert cache.get(_item(259)) == {"i": 259}  # the newest are the ones kept


def test_only_our_items_count_and_go_in_our_own_folder(private_cache: Path) -> None:
    cache.put(_item(0), 0)
    where = _own_folder()
    old = 1_000_000_000
    header = cache.FORMAT.encode() + b"\n"
    foreign = {
        "notes.txt": b"parledger notes, not an item\n",  # our header, not our name
        cache.key("bare"): b"no header\n",  # our name, not our header
        f"x-{cache.key('other')}": b"parledgerx not quite\n",
        f".{NAME}.123.tmp": header + b"left by a crash",
        # Named and begun like ours, but a load would refuse it: not ours to delete.
        f"p-{cache.key('open')}": header + b"group-writable",
    }
    for name, content in foreign.items():
        (where / name).write_bytes(content)
        os.utime(where / name, ns=(old, old))
    (where / f"p-{cache.key('open')}").chmod(0o664)
    target = private_cache / "target"
    target.write_bytes(header + b"a link's target")
    link = where / f"l-{cache.key('link')}"  # named like ours, but a link
    link.symlink_to(target)
    os.utime(link, ns=(old, old), follow_symlinks=False)
    before = {name: _snapshot(where)[name] for name in foreign}

    for i in range(1, 260):
        cache.put(_item(i), i)

    after = _snapshot(where)
    assert {name: after[name] for name in foreign} == before
    assert link.is_symlink()
    assert target.read_bytes() == header + b"a link's target"
    assert len(_ours(where)) == cache.MAX_ITEMS + 4  # ours, and the four named like ours
    assert cache.get(_item(259)) == 259


def test_an_item_name_that_could_leave_the_folder_is_refused() -> None:
    for name in ("../" + NAME, "notes.txt", NAME.upper(), ""):
        with pytest.raises(ValueError, match="not a cache item name"):
            cache.put(name, 1)
        with pytest.raises(ValueError, match="not a cache item name"):
            cache.get(name)


# b) What the cache creates, only its owner can read or write, whatever the umask.


@pytest.mark.parametrize("umask", [0o000, 0o777])
def test_folders_are_0700_and_items_0600_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int
) -> None:
    root = tmp_path / "root"  # missing: the cache creates it
    monkeypatch.setenv("PARLEDGER_CACHE_DIR", str(root))
    previous = os.umask(umask)
    try:
        cache.put(NAME, "value")
    finally:
        os.umask(previous)
    where = _own_folder()
    assert where.parent == root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(where.stat().st_mode) == 0o700
    assert stat.S_IMODE((where / NAME).stat().st_mode) == 0o600
    assert [p.name for p in where.iterdir()] == [NAME]  # no temporary file left
    assert cache.get(NAME) == "value"


def test_a_root_that_exists_keeps_its_mode(private_cache: Path) -> None:
    private_cache.chmod(0o755)
    cache.put(NAME, 1)
    assert stat.S_IMODE(private_cache.stat().st_mode) == 0o755
    assert cache.get(NAME) == 1


# c) A folder someone else can write is not used, and the user is told why.


def test_a_planted_item_in_a_folder_others_can_write_is_never_loaded(marker: Path) -> None:
    cache.put(NAME, "ours")
    where = _own_folder()
    where.chmod(0o777)
    (where / NAME).write_bytes(_planted(marker))

    assert cache.get(NAME) is None
    message = cache.warning()
    assert message == (
        f"parledger: warning: the cache folder {where} is writable by other users; "
        f"running without the cache (fix: chmod 700 {where} or set PARLEDGER_CACHE_DIR "
        "to a folder of your own)"
    )
    assert cache.warning() is None  # once per process
    cache.put(NAME, "ours again")
    assert (where / NAME).read_bytes() == _planted(marker)  # nothing written there either


def test_a_group_writable_item_is_never_loaded(marker: Path) -> None:
    cache.put(NAME, "ours")
    where = _own_folder()
    (where / NAME).write_bytes(_planted(marker))
    (where / NAME).chmod(0o664)

    assert cache.get(NAME) is None
    message = cache.warning()
    assert message is not None
    assert f"the cache item {where / NAME} is writable by other users" in message


def test_an_item_that_is_a_link_is_never_followed(tmp_path: Path, marker: Path) -> None:
    cache.put(NAME, "ours")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(_planted(marker))
    elsewhere.chmod(0o600)
    (_own_folder() / NAME).unlink()
    (_own_folder() / NAME).symlink_to(elsewhere)

    assert cache.get(NAME) is None
    assert "is a symbolic link" in (cache.warning() or "")


def test_an_item_that_is_not_a_file_is_refused_without_waiting() -> None:
    cache.put(NAME, "ours")
    (_own_folder() / NAME).unlink()
    os.mkfifo(_own_folder() / NAME, 0o600)  # opening it for reading could block

    assert cache.get(NAME) is None
    assert "is not a regular file" in (cache.warning() or "")


def test_the_command_line_prints_the_warning(cli: Invoke) -> None:
    cache.put(NAME, "ours")
    where = _own_folder()
    where.chmod(0o777)

    result = cli("status")

    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"parledger: warning: the cache folder {where} is writable by other users; "
        f"running without the cache (fix: chmod 700 {where} or set PARLEDGER_CACHE_DIR "
        "to a folder of your own)"
    ]
    assert cache.warning() is None  # taken: the next command does not say it again


# d) Another user: one who can write the root, and a file another user owns.


@pytest.fixture
def shared_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A root every user can write, like /tmp (pytest's own tmp_path is 0700)."""
    root = Path(tempfile.mkdtemp(prefix="parledger-shared-"))
    root.chmod(0o1777)
    monkeypatch.setenv("PARLEDGER_CACHE_DIR", str(root))
    yield root
    shutil.rmtree(root)


def _as_nobody(action: Callable[[], None]) -> None:
    """Run action in a child process as uid and gid 65534; it must succeed."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            action()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the other user's part failed"


@needs_root
def test_a_folder_another_user_made_first_is_never_used(shared_root: Path) -> None:
    where = _own_folder()
    marker = shared_root / "the-planted-pickle-ran"

    def plant() -> None:
        # The name parledger will use, made before it runs: not writable by
        # others, so only its owner gives it away.
        os.mkdir(where, 0o755)
        (where / NAME).write_bytes(_planted(marker))
        (where / NAME).chmod(0o644)

    _as_nobody(plant)

    assert cache.get(NAME) is None
    cache.put(NAME, "ours")
    assert not marker.exists()
    assert [p.name for p in where.iterdir()] == [NAME]  # nothing written there
    assert (where / NAME).read_bytes() == _planted(marker)
    message = cache.warning()
    assert message is not None
    assert f"the cache folder {where} belongs to another user (uid {NOBODY})" in message


@needs_root
def test_an_item_another_user_planted_is_never_loaded(shared_root: Path) -> None:
    cache.put(NAME, "ours")
    where = _own_folder()
    where.chmod(0o777)  # the user's mistake, which another user takes up
    marker = shared_root / "the-planted-pickle-ran"

    def plant() -> None:
        os.unlink(where / NAME)
        (where / NAME).write_bytes(_planted(marker))

    _as_nobody(plant)

    assert cache.get(NAME) is None
    assert not marker.exists()
    assert "is writable by other users" in (cache.warning() or "")


@needs_root
def test_an_item_owned_by_another_user_is_never_loaded(marker: Path) -> None:
    cache.put(NAME, "ours")
    item = _own_folder() / NAME
    item.write_bytes(_planted(marker))
    os.chown(item, NOBODY, NOBODY)

    assert cache.get(NAME) is None
    message = cache.warning()
    assert message is not None
    assert f"the cache item {item} belongs to another user (uid {NOBODY})" in message


# e) The folder must be itself, not a link to somewhere else.


def test_a_folder_that_is_a_link_is_never_used(tmp_path: Path) -> None:
    cache.put(NAME, "elsewhere")
    elsewhere = tmp_path / "elsewhere"
    _own_folder().rename(elsewhere)
    _own_folder().symlink_to(elsewhere, target_is_directory=True)
    before = _snapshot(elsewhere)

    assert cache.get(NAME) is None
    cache.put(_item(1), "ours")
    assert _snapshot(elsewhere) == before
    message = cache.warning()
    assert message == (
        f"parledger: warning: the cache folder {_own_folder()} is a symbolic link; "
        "running without the cache (fix: remove it or set PARLEDGER_CACHE_DIR)"
    )


def test_a_file_in_the_folders_place_is_never_used() -> None:
    _own_folder().write_bytes(b"a file")

    cache.put(NAME, "ours")
    assert cache.get(NAME) is None
    assert _own_folder().read_bytes() == b"a file"
    assert "is not a folder" in (cache.warning() or "")
