"""Faults around a write: locks held or left behind, a read-only folder, a
full disk, and every kind of command running at once.

What must hold in each: a clear message, a non-zero exit code, and nothing
lost or half-written.  (A writer killed mid-append is in test_ledger.py.)
"""

from __future__ import annotations

import csv
import errno
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parledger.store import files, journal, ledger
from tests.conftest import Invoke
from tests.test_ledger import _ledger, _snapshot, _writer

RECORD = ("record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "2024-06-01")

HOLDER = """
import fcntl, sys, time
handle = open(sys.argv[1], "rb")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(600)
"""


@pytest.fixture
def ws(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ws"
    assert cli("init", str(folder)).exit_code == 0
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    assert cli(*RECORD).exit_code == 0  # the ledger exists and holds one entry
    return folder


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def _stop(holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()


def test_a_live_lock_holder_is_waited_for_then_reported(
    cli: Invoke, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "LOCK_TIMEOUT", 0.5)
    before = _snapshot(ws)
    holder = _hold_lock(_ledger(ws))
    try:
        started = time.monotonic()
        writer = cli(*RECORD)
        reader = cli("status", "--agency", "SNV")
    finally:
        _stop(holder)
    assert time.monotonic() - started < 10
    for result in (writer, reader):
        assert result.exit_code == 1
        assert "another parledger command has held the ledger for 0 s" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    assert _snapshot(ws) == before


def test_a_lock_left_by_a_killed_process_does_not_block(cli: Invoke, ws: Path) -> None:
    holder = _hold_lock(_ledger(ws))
    _stop(holder)
    # The kernel dropped the lock with the process: the next writer goes
    # straight through (a stale lock would make it wait LOCK_TIMEOUT, then fail).
    started = time.monotonic()
    result = cli(*RECORD)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < journal.LOCK_TIMEOUT / 2
    assert len(ledger.load(_ledger(ws))[0].entries) == 2


def _refuse(error: int) -> object:
    def refuse(*args: object, **kwargs: object) -> int:
        raise OSError(error, os.strerror(error))

    return refuse


def _refuse_writes(error: int) -> object:
    # A read-only file system opens files for reading (the load does so
    # through os.open too, with O_NONBLOCK) and refuses only writes.
    real = os.open

    def refuse(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(error, os.strerror(error))
        return real(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    return refuse


def test_a_read_only_file_system_refuses_the_append(
    cli: Invoke, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(ws)
    monkeypatch.setattr(journal.os, "open", _refuse_writes(errno.EROFS))
    result = cli(*RECORD)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"parledger: error: {_ledger(ws)}: cannot open the ledger: Read-only file system"
    )
    monkeypatch.undo()
    assert _snapshot(ws) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_a_read_only_folder_refuses_every_write(cli: Invoke, ws: Path, tmp_path: Path) -> None:
    before = _snapshot(ws)
    for path in ws.iterdir():
        path.chmod(0o444)
    ws.chmod(0o555)
    try:
        for args in (RECORD, ("alias", "SNV", "Sở Nội vụ Hưng Yên")):
            result = cli(*args)
            assert result.exit_code == 1, result.output
            assert "Permission denied" in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1
    finally:
        ws.chmod(0o755)
        for path in ws.iterdir():
            path.chmod(0o644)
    assert _snapshot(ws) == before


def test_a_read_only_folder_refuses_alias_and_export(
    cli: Invoke, ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(ws)
    monkeypatch.setattr(files.tempfile, "mkstemp", _refuse(errno.EROFS))
    alias = cli("alias", "SNV", "Sở Nội vụ Hưng Yên")
    output = tmp_path / "out" / "status.csv"
    output.parent.mkdir()
    export = cli("export", "--format", "csv", "--output", str(output))
    monkeypatch.undo()
    for result, path in ((alias, ws / "agencies.yaml"), (export, output)):
        assert result.exit_code == 1, result.output
        assert result.stderr.strip() == (
            f"parledger: error: {path}: cannot write here (Read-only file system)"
        )
    assert _snapshot(ws) == before
    assert list(output.parent.iterdir()) == []


def test_a_full_disk_leaves_the_file_as_it_was(
    cli: Invoke, ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "status.csv"
    output.write_bytes(b"yesterday's export\n")
    before = _snapshot(ws)
    monkeypatch.setattr(files.os, "fsync", _refuse(errno.ENOSPC))
    alias = cli("alias", "SNV", "Sở Nội vụ Hưng Yên")
    export = cli("export", "--format", "csv", "--output", str(output))
    monkeypatch.undo()
    for result, path in ((alias, ws / "agencies.yaml"), (export, output)):
        assert result.exit_code == 1, result.output
        assert result.stderr.strip() == (
            f"parledger: error: {path}: the write failed (the disk is full): "
            "No space left on device; the file was not changed"
        )
    assert _snapshot(ws) == before
    assert output.read_bytes() == b"yesterday's export\n"
    leftovers = [p.name for p in (*ws.iterdir(), *tmp_path.iterdir()) if p.name.endswith(".tmp")]
    assert leftovers == []


def _parledger(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PARLEDGER_DATA": str(ws)}
    command = [sys.executable, "-m", "parledger", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_writers_reader_and_export_at_once(ws: Path, tmp_path: Path) -> None:
    """Two writers append while status and export run again and again: every
    command succeeds, and the ledger ends with every acknowledged entry."""
    writers = [_writer(ws, 150, "so-noi-vu"), _writer(ws, 150, "so-tai-chinh")]
    output = tmp_path / "status.csv"
    runs: list[subprocess.CompletedProcess[str]] = []
    while any(w.poll() is None for w in writers) or len(runs) < 4:
        runs.append(_parledger(ws, "status", "--agency", "SNV"))
        runs.append(_parledger(ws, "export", "--format", "csv", "--output", str(output)))
        # Each export is whole: a header and complete rows, never a torn file.
        rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
        assert rows and all(None not in row for row in rows)
    acknowledged = 1  # the entry the fixture recorded
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        acknowledged += len(out.splitlines())
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
    entries, problems = ledger.load(_ledger(ws))
    assert problems == []
    assert len(entries.entries) == acknowledged == 301
    assert len({entry.id for entry in entries.entries}) == 301
