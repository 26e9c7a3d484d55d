"""The ledger: assign, record, correct, history; append-only and safe on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parledger.store import journal, ledger, yamlio
from parledger.store.loader import load
from parledger.store.workspace import Location, Source
from tests.conftest import Invoke

EVIDENCE = "200/BC-SNV ngày 15/6/2024"


@pytest.fixture
def ws(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace made by `parledger init`, named by $PARLEDGER_DATA."""
    folder = tmp_path / "ws"
    result = cli("init", str(folder))
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    return folder


def _ledger(folder: Path) -> Path:
    return folder / "ledger_2024.yaml"


def _entries(folder: Path) -> list[dict[str, object]]:
    loaded = yamlio.load(_ledger(folder))
    return list(loaded.data or [])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _record(cli: Invoke, *args: str) -> str:
    result = cli("record", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("recorded e-")
    return result.stdout.split()[1].rstrip(":")


# -- init ----------------------------------------------------------------------


def test_init_makes_a_workspace_that_validates(cli: Invoke, ws: Path) -> None:
    names = {p.name for p in ws.iterdir()}
    assert names == {
        "directive_2024.yaml",
        "agencies.yaml",
        "results.yaml",
        "ledger_2024.yaml",
        ".gitattributes",
        "README.md",
    }
    assert "ledger_*.yaml merge=union" in (ws / ".gitattributes").read_text()
    assert "git" in (ws / "README.md").read_text()
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert "($PARLEDGER_DATA)" in result.stdout


def test_init_never_overwrites(cli: Invoke, ws: Path) -> None:
    before = _snapshot(ws)
    result = cli("init", str(ws))
    assert result.exit_code == 2
    assert "never overwrites" in result.stderr
    assert _snapshot(ws) == before


def test_writing_into_the_bundled_workspace_is_refused(cli: Invoke) -> None:
    result = cli("record", "I.1.1", "--agency", "SNV", "--status", "in_progress")
    assert result.exit_code == 2
    assert "read-only" in result.stderr and "parledger init" in result.stderr


# -- record and status ----------------------------------------------------------


def test_record_appends_and_changes_nothing_else(cli: Invoke, ws: Path) -> None:
    before = _snapshot(ws)
    entry_id = _record(
        cli, "I.1.1", "--agency", "so noi vu", "--status", "in_progress", "--percent", "60",
        "--evidence", EVIDENCE, "--note", "Đã ban hành kế hoạch", "--date", "15/6/2024",
    )  # fmt: skip
    after = _snapshot(ws)
    assert {name for name in after if after[name] != before[name]} == {"ledger_2024.yaml"}
    assert after["ledger_2024.yaml"].startswith(before["ledger_2024.yaml"])
    (entry,) = _entries(ws)
    assert entry["id"] == entry_id
    assert entry["agency"] == "so-noi-vu"
    assert entry["percent"] == 60
    assert entry["evidence"] == [EVIDENCE]
    assert str(entry["date"]) == "2024-06-15"
    assert entry["by"]


def test_status_shows_progress_and_categories(cli: Invoke, ws: Path) -> None:
    cli("assign", "I.1.3", "--agency", "VP UBND tỉnh", "--due", "30/9/2024", "--date", "2024-06-01")
    cli(
        "assign", "I.1.6", "--agency", "VP UBND tỉnh", "--due", "2024-09-30", "--date", "2024-06-01"
    )
    cli(
        "assign", "I.1.9", "--agency", "VP UBND tỉnh", "--due", "2024-12-31", "--date", "2024-06-01"
    )
    _record(cli, "I.1.3", "--agency", "vp-ubnd-tinh", "--status", "done", "--date", "2024-10-05")
    _record(cli, "I.1.9", "--agency", "vp-ubnd-tinh", "--status", "done", "--date", "2024-09-01")
    _record(
        cli, "I.1.1", "--agency", "vp-ubnd-tinh", "--status", "in_progress", "--date", "2024-09-01"
    )
    _record(cli, "I.1.2", "--agency", "vp-ubnd-tinh", "--status", "blocked", "--date", "2024-09-01")

    result = cli("status", "--agency", "VP UBND tỉnh", "--as-of", "2024-11-01", "--format", "json")
    rows = {row["task"]: row for row in json.loads(result.stdout)}
    assert rows["I.1.3"]["category"] == "done_late"
    assert rows["I.1.3"]["percent"] == 100
    assert rows["I.1.9"]["category"] == "done_on_time"
    assert rows["I.1.6"]["category"] == "overdue"
    assert rows["I.1.1"]["category"] == "in_progress"
    assert rows["I.1.2"]["category"] == "in_progress"  # continuous: never overdue
    assert rows["I.1.10"]["category"] == "not_started"
    assert rows["I.1.3"]["due"] == "2024-09-30"
    assert rows["I.1.3"]["last_update"] == "2024-10-05"

    # --as-of replays the ledger up to a day: before the reports, before the deadline.
    earlier = cli("status", "--agency", "vp-ubnd-tinh", "--as-of", "2024-08-01", "--format", "json")
    rows = {row["task"]: row for row in json.loads(earlier.stdout)}
    assert rows["I.1.3"]["category"] == "not_started"
    assert rows["I.1.6"]["category"] == "not_started"

    table = cli("status", "--agency", "VP UBND tỉnh", "--as-of", "2024-11-01")
    assert "done late" in table.stdout and "OVERDUE" in table.stdout
    assert "\x1b[" not in table.stdout

    overview = cli("status", "--as-of", "2024-11-01", "--format", "json")
    vp = next(row for row in json.loads(overview.stdout) if row["agency"] == "vp-ubnd-tinh")
    assert (vp["done_on_time"], vp["done_late"], vp["overdue"], vp["in_progress"]) == (1, 1, 1, 2)


def test_group_assignment_binds_every_member(cli: Invoke, ws: Path) -> None:
    result = cli(
        "assign", "III.3.14", "--agency", "group:ubnd-cap-huyen", "--role", "support",
        "--due", "2024-12-31", "--date", "2024-06-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (entry,) = _entries(ws)
    assert entry["group"] == "ubnd-cap-huyen" and "agency" not in entry
    rows = json.loads(cli("status", "--agency", "Văn Lâm", "--format", "json").stdout)
    row = next(r for r in rows if r["task"] == "III.3.14")
    assert row["role"] == "support" and row["due"] == "2024-12-31"
    # Progress is then recorded by one member.
    _record(
        cli, "III.3.14", "--agency", "Văn Lâm", "--status", "in_progress", "--date", "2024-07-01"
    )


def test_unassign_releases_and_record_then_refuses(cli: Invoke, ws: Path) -> None:
    result = cli(
        "unassign",
        "I.1.1",
        "--agency",
        "Sở Y tế",
        "--reason",
        "Không thuộc lĩnh vực",
        "--date",
        "2024-06-01",
    )
    assert result.exit_code == 0, result.output
    refused = cli("record", "I.1.1", "--agency", "Sở Y tế", "--status", "done")
    assert refused.exit_code == 2
    assert "does not owe I.1.1" in refused.stderr and "parledger assign" in refused.stderr


def test_value_towards_a_target(cli: Invoke, ws: Path) -> None:
    _record(
        cli,
        "III.3.12",
        "--agency",
        "SNN&PTNT",
        "--status",
        "in_progress",
        "--value",
        "87.5",
        "--date",
        "2024-06-01",
    )
    (entry,) = _entries(ws)
    assert entry["value"] == 87.5 and entry["target"] == "t1"


# -- corrections and history ---------------------------------------------------


def test_correction_supersedes_without_editing(cli: Invoke, ws: Path) -> None:
    first = _record(
        cli,
        "I.1.1",
        "--agency",
        "SNV",
        "--status",
        "in_progress",
        "--percent",
        "60",
        "--date",
        "2024-06-15",
    )
    before = _ledger(ws).read_bytes()
    result = cli("correct", first, "--percent", "70", "--reason", "Báo cáo ghi 70%")
    assert result.exit_code == 0, result.output
    assert _ledger(ws).read_bytes().startswith(before)
    row = next(
        r
        for r in json.loads(cli("status", "-a", "SNV", "-f", "json").stdout)
        if r["task"] == "I.1.1"
    )
    assert row["percent"] == 70

    correction = result.stdout.split()[1].rstrip(":")
    # A correction of a correction applies to the same fact.
    assert cli("correct", correction, "--percent", "75", "--reason", "Sửa lại").exit_code == 0
    row = next(
        r
        for r in json.loads(cli("status", "-a", "SNV", "-f", "json").stdout)
        if r["task"] == "I.1.1"
    )
    assert row["percent"] == 75

    assert cli("correct", first, "--void", "--reason", "Nhập nhầm").exit_code == 0
    row = next(
        r
        for r in json.loads(cli("status", "-a", "SNV", "-f", "json").stdout)
        if r["task"] == "I.1.1"
    )
    assert row["status"] == "not_started" and row["percent"] is None

    trail = json.loads(cli("history", "I.1.1", "--format", "json").stdout)
    assert [r["kind"] for r in trail] == ["progress", "correction", "correction", "correction"]
    assert trail[-1]["details"].startswith(f"withdraws {first}")
    assert all(r["by"] and r["recorded"].endswith("Z") for r in trail)


def test_correction_refusals(cli: Invoke, ws: Path) -> None:
    assign = cli(
        "assign", "I.1.3", "--agency", "SNV", "--due", "2024-09-30", "--date", "2024-06-01"
    )
    entry_id = assign.stdout.split()[1].rstrip(":")
    before = _snapshot(ws)
    cases = [
        (["correct", "e-000000000000", "--percent", "5", "--reason", "x"], "no ledger entry"),
        (["correct", entry_id, "--reason", "x"], "say what to correct"),
        (["correct", entry_id, "--percent", "5", "--reason", "x"], "does not apply"),
        (["correct", entry_id, "--due", "2024-10-31", "--reason", ""], "--reason is empty"),
        (
            ["correct", entry_id, "--void", "--due", "2024-10-31", "--reason", "x"],
            "cannot be combined",
        ),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)
    assert _snapshot(ws) == before
    assert cli("correct", entry_id, "--due", "2024-10-31", "--reason", "Gia hạn").exit_code == 0


def test_history_filters(cli: Invoke, ws: Path) -> None:
    _record(cli, "I.1.1", "--agency", "SNV", "--status", "in_progress", "--date", "2024-03-01")
    _record(cli, "I.1.1", "--agency", "STC", "--status", "in_progress", "--date", "2024-06-01")
    cli("assign", "III.3.14", "--agency", "group:ubnd-cap-huyen", "--date", "2024-06-01")
    assert len(json.loads(cli("history", "--format", "json").stdout)) == 3
    assert len(json.loads(cli("history", "I.1.1", "--format", "json").stdout)) == 2
    by_snv = json.loads(cli("history", "--agency", "SNV", "--format", "json").stdout)
    assert [r["party"] for r in by_snv] == ["so-noi-vu"]
    by_district = json.loads(cli("history", "--agency", "Kim Động", "--format", "json").stdout)
    assert [r["party"] for r in by_district] == ["group:ubnd-cap-huyen"]
    since = json.loads(cli("history", "--since", "2024-05-01", "--format", "json").stdout)
    assert len(since) == 2
    table = cli("history").stdout
    assert "recorded " in table and "3 entries" in table


# -- bad input: the command lines that must be refused are in tests/corpus ----------


def test_multiline_note_is_kept_as_one_entry(cli: Invoke, ws: Path) -> None:
    note = 'Dòng một\nDòng hai: "trích dẫn" # không phải chú thích'
    _record(
        cli, "I.1.1", "-a", "SNV", "--status", "in_progress", "--note", note, "--date", "2024-06-01"
    )
    (entry,) = _entries(ws)
    assert entry["note"] == note
    assert cli("validate").exit_code == 0


# -- safety on disk ------------------------------------------------------------------


def test_write_refused_when_file_changed_while_reading(
    cli: Invoke, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ReadThenSomeoneEdits(journal.Current):
        def __init__(self, fd: int) -> None:
            super().__init__(fd)
            with _ledger(ws).open("ab") as handle:  # an editor that takes no lock
                handle.write(b"# edited by hand\n")

    monkeypatch.setattr(journal, "Current", ReadThenSomeoneEdits)
    before = _ledger(ws).read_bytes()
    result = cli("record", "I.1.1", "-a", "SNV", "--status", "in_progress")
    assert result.exit_code == 1
    assert "changed on disk" in result.stderr
    assert _ledger(ws).read_bytes() == before + b"# edited by hand\n"


def test_failed_write_leaves_no_torn_entry(
    cli: Invoke, ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def half_then_disk_full(fd: int, data: bytes) -> int:
        if len(data) > 50:
            real_write(fd, data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(journal.os, "write", half_then_disk_full)
    before = _ledger(ws).read_bytes()
    result = cli("record", "I.1.1", "-a", "SNV", "--status", "in_progress")
    assert result.exit_code == 1
    assert "disk is full" in result.stderr and "nothing was recorded" in result.stderr
    assert _ledger(ws).read_bytes() == before


WRITER = """
import sys
from parledger.store import loader, workspace
from parledger.track import record
from parledger.model.enums import Status
from parledger.model.names import Match
ws = loader.load(workspace.locate(None))
for i in range(int(sys.argv[1])):
    record.record(ws, "I.1.1", Match("agency", sys.argv[2]), status=Status.IN_PROGRESS,
                  percent=i % 100, common=record.Common(date="2024-06-01", by="writer"))
    print(i, flush=True)
"""


def _writer(ws: Path, count: int, agency: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PARLEDGER_DATA": str(ws)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(count), agency],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_concurrent_writers_leave_every_entry(ws: Path) -> None:
    writers = [_writer(ws, 200, "so-noi-vu"), _writer(ws, 200, "so-tai-chinh")]
    for process in writers:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    workspace = load(Location(ws, Source.OPTION))
    assert len(workspace.entries) == 400
    assert len({entry.id for entry in workspace.entries}) == 400
    assert sorted(e.agency or "" for e in workspace.entries).count("so-noi-vu") == 200


def test_killed_writer_never_leaves_a_partial_entry(ws: Path) -> None:
    import random
    import signal
    import time

    acknowledged = 0
    moments = random.Random(2024)  # seeded: a failure can be replayed
    for kills, delay in enumerate([moments.uniform(0.25, 1.0) for _ in range(10)], start=1):
        process = _writer(ws, 10_000, "so-noi-vu")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate()
        acknowledged += len(out.splitlines())
        entries, problems = ledger.load(_ledger(ws))
        assert problems == []
        # Every entry the writer reported is there; at most one more per
        # kill, that it wrote but had no time to report.  Whenever the kill
        # lands, this holds: the test does not depend on timing.
        assert acknowledged <= len(entries.entries) <= acknowledged + kills


# -- git -------------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org",
    }  # fmt: skip
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_record_shows_as_added_lines_in_git_diff(cli: Invoke, ws: Path) -> None:
    _git(ws, "init", "-q")
    _git(ws, "add", "-A")
    _git(ws, "commit", "-qm", "init")
    _record(
        cli, "I.1.1", "-a", "SNV", "--status", "in_progress", "-e", EVIDENCE, "--date", "2024-06-15"
    )
    stat = _git(ws, "diff", "--numstat").split()
    # One added line for the fact, in one file; the first entry also brings
    # the ledger's header of comments.
    assert stat[1:] == ["0", "ledger_2024.yaml"]
    added = [line for line in _git(ws, "diff").splitlines() if line.startswith("+- ")]
    assert len(added) == 1 and '"task": "I.1.1"' in added[0]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_branches_that_append_merge_without_conflict(cli: Invoke, ws: Path) -> None:
    _git(ws, "init", "-q", "-b", "main")
    _git(ws, "add", "-A")
    _git(ws, "commit", "-qm", "init")
    _git(ws, "checkout", "-qb", "analyst-a")
    _record(cli, "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "2024-06-01")
    _record(cli, "I.1.3", "-a", "SNV", "--status", "done", "--date", "2024-06-02")
    _git(ws, "commit", "-qam", "a")
    _git(ws, "checkout", "-q", "main")
    _record(cli, "I.1.2", "-a", "STC", "--status", "in_progress", "--date", "2024-06-03")
    _git(ws, "commit", "-qam", "b")
    _git(ws, "merge", "-q", "--no-edit", "analyst-a")
    assert "<<<<<<<" not in _ledger(ws).read_text()
    assert len(_entries(ws)) == 3
    assert cli("validate").exit_code == 0

    # The same entry appended on two branches (a copied block, a replayed
    # command) survives a union merge twice, and an entry naming a task that
    # does not exist merges as well: validate names each place.
    text = _ledger(ws).read_text()
    copied = text.splitlines(keepends=True)[-1]
    _git(ws, "checkout", "-qb", "copy")
    with _ledger(ws).open("a") as handle:
        handle.write(copied)
    _git(ws, "commit", "-qam", "copy")
    _git(ws, "checkout", "-q", "main")
    stray = {
        "id": "e-0123456789ab", "kind": "progress", "task": "I.9.9", "agency": "so-noi-vu",
        "date": "2024-06-04", "recorded": "2024-06-04T00:00:00Z", "by": "T", "status": "done",
    }  # fmt: skip
    with _ledger(ws).open("a") as handle:
        handle.write(journal.format_entry(stray))
    _git(ws, "commit", "-qam", "stray")
    _git(ws, "merge", "-q", "--no-edit", "copy")
    lines = _ledger(ws).read_text().splitlines()
    result = cli("validate")
    assert result.exit_code == 1
    problems = [line.split(":", 4) for line in result.stdout.splitlines()]
    found = {(code.strip(), int(line)) for _, line, _, code, _ in problems}
    copied_id = copied.splitlines()[0]
    assert ("duplicate-id", lines.index(copied_id, lines.index(copied_id) + 1) + 1) in found
    stray_line = next(n for n, line in enumerate(lines, 1) if '"task": "I.9.9"' in line)
    assert ("unknown-task", stray_line) in found
