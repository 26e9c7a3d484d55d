"""The cache changes how fast answers come, never what they are."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parledger.model.errors import ParledgerError, ProblemsError
from parledger.model.models import Directive, Registry
from parledger.store import cache, journal
from parledger.store import ledger as ledgers
from parledger.store.checks import ledger_crossref_problems
from parledger.store.loader import load
from parledger.store.workspace import Location, Source, Workspace, bundled_root
from parledger.track.status import Scope, rows
from tests.conftest import ROOT, Invoke

SCENARIO = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"

READ_COMMANDS = [
    ["status", "--as-of", "2024-11-15", "-f", "json"],
    ["status", "-a", "SNV", "--as-of", "2024-11-15", "-f", "json"],
    ["status", "-a", "VP UBND tỉnh", "--as-of", "2024-08-01", "-f", "json"],
    ["status", "-a", "Văn Lâm", "-f", "json"],
    ["report", "--period", "2024-Q3", "-f", "json"],
    ["report", "--period", "2024", "-f", "json"],
    ["history", "-f", "json"],
    ["tasks", "-f", "json"],
    ["agencies", "-f", "json"],
    ["refs", "-f", "json"],
    ["show", "I.1.3", "-f", "json"],
    ["export", "-f", "jsonl", "--view", "status", "--as-of", "2024-11-15"],
    ["validate"],
]


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(bundled_root(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SCENARIO, folder / "ledger_2024.yaml")
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    return folder


# What a write can change: the state of pairs, a group's members, the trail.
WRITE_CHECKS = [READ_COMMANDS[0], READ_COMMANDS[3], READ_COMMANDS[5], READ_COMMANDS[6]]


def _outputs(cli: Invoke, commands: list[list[str]] = READ_COMMANDS) -> list[tuple[int, bytes]]:
    return [(r.exit_code, r.stdout_bytes) for r in (cli(*args) for args in commands)]


def test_every_read_command_gives_the_same_output_with_and_without_cache(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    uncached = _outputs(cli)
    assert not any(private_cache.iterdir())  # off means off
    monkeypatch.delenv("PARLEDGER_NO_CACHE")
    cold = _outputs(cli)
    assert any(private_cache.iterdir())
    warm = _outputs(cli)
    assert uncached == cold == warm
    assert all(code == 0 for code, _ in uncached)


def test_appended_entries_are_seen_and_folded(cli: Invoke, scenario: Path) -> None:
    before = cli("status", "-a", "STP", "-f", "json").stdout
    assert (
        cli("record", "I.1.1", "-a", "STP", "--status", "done", "--date", "2024-06-01").exit_code
        == 0
    )
    after = cli("status", "-a", "STP", "-f", "json").stdout
    assert before != after and '"status": "done"' in after


WRITES = [
    ["record", "I.1.1", "-a", "STP", "--status", "in_progress", "--percent", "40"],
    ["assign", "I.1.2", "-a", "STP", "--role", "lead", "--due", "2024-07-01"],
    ["record", "I.1.2", "-a", "STP", "--status", "done", "--date", "2024-08-01"],
    ["unassign", "I.1.1", "-a", "STP", "--reason", "chuyển cho Sở Nội vụ"],
    ["assign", "I.1.1", "-a", "STP", "--date", "2024-01-01"],  # before the release
    ["record", "I.2.1", "-a", "group:ubnd-cap-huyen", "--status", "done"],  # refused
]


def test_states_remembered_by_writes_match_a_full_read(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each write the next read uses the state the write remembered;
    it must be what reading the whole ledger gives."""
    for args in WRITES:
        cli(*args)
        warm = _outputs(cli, WRITE_CHECKS)
        monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
        assert _outputs(cli, WRITE_CHECKS) == warm, args
        monkeypatch.delenv("PARLEDGER_NO_CACHE")


def _trust_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is trusted by its stat as soon as its item is made: no
    waiting out the file system's timestamp granularity in a test."""
    from parledger.store import cached

    monkeypatch.setattr(cached, "FINE_NS", -1_000_000_000)
    monkeypatch.setattr(cached, "COARSE_NS", -1_000_000_000)


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time the cache reads or hashes the ledger, from now on."""
    from parledger.store import cached

    read, checked = cached._read, cached._checked
    seen: list[Path] = []

    def counted_read(path: Path) -> tuple[object, bytes]:
        seen.append(path)
        return read(path)

    def counted_check(path: Path, item: object) -> object:
        seen.append(path)
        return checked(path, item)  # type: ignore[arg-type]

    monkeypatch.setattr(cached, "_read", counted_read)
    monkeypatch.setattr(cached, "_checked", counted_check)
    return seen


def test_a_ledger_unchanged_since_its_item_is_trusted_by_its_stat_and_not_read(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_at_once(monkeypatch)
    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    reads = _reads(monkeypatch)
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
    assert reads == []


def test_a_file_changed_within_the_timestamp_granularity_is_hashed(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git's racy-clean rule: a stat taken less than the granularity after
    # the file's mtime may not show a change made in the same tick.
    from parledger.store import cached

    monkeypatch.setattr(cached, "FINE_NS", 60 * 10**9)  # the copy is that fresh
    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    reads = _reads(monkeypatch)
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
    assert reads == [scenario / "ledger_2024.yaml"]


def test_a_fresh_ledger_is_hashed_until_its_stat_settles_then_trusted(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from parledger.store import cached

    def clock(seconds_ahead: int) -> None:
        now = time.time_ns() + seconds_ahead * 10**9
        monkeypatch.setattr(cached, "time", SimpleNamespace(time_ns=lambda: now))

    cli("status", "-a", "SNV", "-f", "json")
    clock(10)
    cli("status", "-a", "SNV", "-f", "json")  # the copied files' stats settle
    monkeypatch.setattr(cached, "time", time)
    assert cli("record", "I.1.1", "-a", "SNV", "--status", "blocked").exit_code == 0
    reads = _reads(monkeypatch)
    clock(20)
    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    assert len(reads) == 1  # written just before its item: hashed …
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
    assert len(reads) == 1  # … once, then trusted by its stat
    assert '"status": "blocked"' in expected


def test_whole_second_timestamps_are_trusted_only_two_seconds_on() -> None:
    # A file system that keeps seconds (FAT keeps two) may give two writes a
    # second apart the same mtime; one that keeps nanoseconds ticks in ms.
    from parledger.store import cached

    second = 1_700_000_000 * 10**9
    coarse = cached.Stamp(1, 2, 3, second, second)
    fine = cached.Stamp(1, 2, 3, second + 123_456, second + 123_456)
    assert not cached._trusted(coarse, coarse, second + 1_500_000_000)
    assert cached._trusted(coarse, coarse, second + 2_500_000_000)
    assert not cached._trusted(fine, fine, second + 50_000_000)
    assert cached._trusted(fine, fine, second + 300_000_000)
    assert not cached._trusted(fine, coarse, second + 10**12)  # another stat


def test_an_edit_that_keeps_size_and_mtime_is_seen_by_its_ctime(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trust_at_once(monkeypatch)
    ledger = scenario / "ledger_2024.yaml"
    cli("status", "-a", "SNV", "-f", "json")
    before = ledger.stat()
    text = ledger.read_text()
    ledger.write_text(text.replace('"percent": 70', '"percent": 71', 1))
    os.utime(ledger, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back
    assert ledger.stat().st_size == before.st_size
    row = next(
        r for r in _json(cli("status", "-a", "SNV", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["percent"] == 71


def test_a_write_leaves_its_entry_folded_in_for_the_next_run(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The next run hashes the ledger (its stat is fresh) but parses nothing.
    from parledger.store import cached, ledger

    cli("status", "-a", "SNV", "-f", "json")
    assert cli("record", "I.1.1", "-a", "SNV", "--status", "blocked").exit_code == 0

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ledger was parsed, or read whole")

    monkeypatch.setattr(ledger, "load", parse)
    monkeypatch.setattr(cached, "_read", parse)  # hashed a piece at a time
    row = next(
        r for r in _json(cli("status", "-a", "SNV", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["status"] == "blocked"


def test_entries_pulled_by_git_are_read_alone_and_folded_in(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parledger.store import ledger

    cli("status", "-a", "SNV", "-f", "json")
    path = scenario / "ledger_2024.yaml"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + _entry_text(0, 30, 77).encode())
    load = ledger.load
    parsed: list[int] = []

    def counted(where: Path, data: bytes | None = None, **options: object) -> object:
        parsed.append(len(data) if data is not None else -1)
        return load(where, data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger, "load", counted)
    warm = cli("status", "-a", "SNV", "-f", "json").stdout
    assert parsed == [path.stat().st_size - size]  # only the new line
    monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    assert cli("status", "-a", "SNV", "-f", "json").stdout == warm


@pytest.mark.parametrize("chunk", [1 << 20, 37])
def test_an_appended_entry_that_repeats_an_id_is_reported_with_a_warm_cache(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # A line copied from the middle of the ledger to its end (two branches
    # made the same id, a replayed command): the appended lines' ids are
    # looked for in the bytes before them, as they are hashed a piece at a
    # time (37 bytes: every id is cut by a piece's end somewhere).
    from parledger.store import cached

    monkeypatch.setattr(cached, "CHUNK", chunk)
    cli("status", "-a", "SNV")
    path = scenario / "ledger_2024.yaml"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines) + lines[len(lines) // 2])
    warm = cli("status", "-a", "SNV")
    monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    uncached = cli("status", "-a", "SNV")
    assert warm.exit_code == uncached.exit_code != 0
    assert "duplicate-id" in warm.stderr
    assert (warm.stdout, warm.stderr) == (uncached.stdout, uncached.stderr)


@pytest.mark.parametrize(
    ("known", "command"),
    [
        ("nothing", ["status", "-a", "SNV", "-f", "json"]),
        ("the workspace", ["status", "-a", "SNV", "-f", "json"]),
        ("the workspace", ["history", "-f", "json"]),
    ],
)
def test_what_is_stored_describes_the_bytes_read_though_the_file_grew_meanwhile(
    cli: Invoke,
    scenario: Path,
    monkeypatch: pytest.MonkeyPatch,
    known: str,
    command: list[str],
) -> None:
    # Another process appends right after the load read the ledger.  What is
    # stored must describe the bytes read, not the grown file: a file with
    # exactly those bytes (the append reset with git) must show what they hold.
    from parledger.store import cached

    path = scenario / "ledger_2024.yaml"
    before = path.read_bytes()
    monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    expected = cli(*command).stdout
    assert cli("record", "I.1.1", "-a", "SNV", "--status", "blocked").exit_code == 0
    assert cli(*command).stdout != expected
    monkeypatch.delenv("PARLEDGER_NO_CACHE")
    grown = path.read_bytes()
    path.write_bytes(before)
    if known != "nothing":
        cli("status", "-a", "SNV", "-f", "json")
        path.write_bytes(before + b"\n")  # a change: the next run reads the file
    read, checked = cached._read, cached._checked

    def read_then_grow(ledger: Path) -> tuple[object, bytes]:
        found = read(ledger)
        ledger.write_bytes(grown)
        return found

    def check_then_grow(ledger: Path, item: object) -> object:
        found = checked(ledger, item)  # type: ignore[arg-type]
        ledger.write_bytes(grown)
        return found

    monkeypatch.setattr(cached, "_read", read_then_grow)
    monkeypatch.setattr(cached, "_checked", check_then_grow)
    cli(*command)
    monkeypatch.setattr(cached, "_read", read)
    monkeypatch.setattr(cached, "_checked", checked)
    path.write_bytes(before)
    assert cli(*command).stdout == expected


def test_many_appends_make_their_hashes_one_again(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each append adds a hash for its bytes; past MAX_SEGMENTS the run that
    # checks them works out the whole file's hash in the same pass.
    import pickle

    from parledger.store import cache, cached

    monkeypatch.setattr(cached, "MAX_SEGMENTS", 3)
    path = scenario / "ledger_2024.yaml"
    cli("status", "-a", "SNV", "-f", "json")
    for serial in range(6):
        path.write_bytes(
            path.read_bytes() + _entry_text(serial % 2, 40 + serial, 90 + serial).encode()
        )
        warm = cli("status", "-a", "SNV", "-f", "json").stdout
        (item,) = [p for p in cache.folder().glob("w-*")]  # type: ignore[union-attr]
        stored = pickle.loads(item.read_bytes().partition(b"\n")[2])
        assert 1 <= len(stored.segments) <= 3
        assert stored.segments[-1][0] == path.stat().st_size
    monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    assert cli("status", "-a", "SNV", "-f", "json").stdout == warm


def test_a_change_in_the_middle_is_not_missed(cli: Invoke, scenario: Path) -> None:
    cli("status", "-a", "SNV", "-f", "json")  # warm the cache
    ledger = scenario / "ledger_2024.yaml"
    text = ledger.read_text()
    ledger.write_text(text.replace('"percent": 60', '"percent": 65', 1))  # same length
    row = next(
        r for r in _json(cli("status", "-a", "SNV", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["percent"] == 70  # the correction still applies …
    ledger.write_text(text.replace('"percent": 70', '"percent": 71', 1))
    row = next(
        r for r in _json(cli("status", "-a", "SNV", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["percent"] == 71  # … and a changed correction is read again


def test_corrupt_or_foreign_cache_items_are_ignored(
    cli: Invoke, scenario: Path, private_cache: Path
) -> None:
    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    items = [item for item in private_cache.rglob("*") if item.is_file()]
    assert items
    for index, item in enumerate(items):
        damage = [b"", b"garbage", item.read_bytes()[: len(item.read_bytes()) // 2]][index % 3]
        item.write_bytes(damage)
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
    for item in items:
        item.write_bytes(cache.FORMAT.encode() + b"\n" + b"not a pickle")
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected


def test_an_unwritable_cache_folder_is_no_error(
    cli: Invoke, scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PARLEDGER_CACHE_DIR", str(blocker / "cache"))
    result = cli("status", "-a", "SNV")
    assert result.exit_code == 0


def test_cache_lives_outside_the_workspace(cli: Invoke, scenario: Path) -> None:
    before = sorted(p.name for p in scenario.iterdir())
    cli("status")
    assert sorted(p.name for p in scenario.iterdir()) == before


def _json(text: str) -> list[dict[str, object]]:
    import json

    data = json.loads(text)
    assert isinstance(data, list)
    return data


# -- property: random edits between runs never make cached answers differ ----------

ENTRY_TEMPLATES = [
    {
        "kind": "progress",
        "task": "I.1.1",
        "agency": "so-noi-vu",
        "status": "in_progress",
        "percent": 40,
    },
    {"kind": "progress", "task": "I.1.2", "agency": "so-tu-phap", "status": "done", "percent": 100},
    {
        "kind": "assign",
        "task": "III.3.14",
        "group": "ubnd-cap-huyen",
        "role": "support",
        "due": "2024-10-01",
    },
    {"kind": "unassign", "task": "I.1.1", "agency": "so-y-te", "reason": "Không thuộc lĩnh vực"},
    {"kind": "progress", "task": "III.3.14", "agency": "ubnd-huyen-van-lam", "status": "blocked"},
    {"kind": "progress", "task": "I.1.9", "agency": "vp-ubnd-tinh", "status": "done"},
]

Edit = tuple[str, int, int]


def _entry_text(template: int, day: int, serial: int) -> str:
    raw = dict(ENTRY_TEMPLATES[template])
    for key in ("due",):
        if key in raw:
            raw[key] = dt.date.fromisoformat(str(raw[key]))
    raw |= {
        "id": f"e-{serial:012x}",
        "date": dt.date(2024, 6, 1) + dt.timedelta(days=day),
        "recorded": dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
        "by": "Kiểm thử",
    }
    return journal.format_entry(raw)


edits = st.lists(
    st.tuples(
        st.sampled_from(["append", "append", "append", "truncate", "flip", "appendbad"]),
        st.integers(0, len(ENTRY_TEMPLATES) - 1),
        st.integers(0, 400),
    ),
    min_size=1,
    max_size=6,
)


@functools.cache
def _structure() -> tuple[Directive, Registry]:
    workspace = load(Location(bundled_root(), Source.BUNDLED), use_cache=False)
    return workspace.directive, workspace.registry


def _answer(location: Location, *, cached: bool) -> object:
    try:
        if cached:
            workspace = load(location, use_cache=True)
        else:
            # The pipeline over the ledger alone, the unchanging directive and
            # registry read once: what a full load does, at a tenth of the cost.
            loaded, problems = ledgers.load(location.ledger_path)
            problems += ledger_crossref_problems(loaded, *_structure())
            if problems:
                raise ProblemsError(problems)
            workspace = Workspace(location, *_structure(), loaded.entries)
    except ParledgerError as exc:
        return ("error", type(exc).__name__)
    scope = Scope(as_of=dt.date(2025, 3, 1))
    return (
        rows(workspace, scope),
        rows(workspace, Scope(as_of=dt.date(2024, 8, 1))),
        sorted(entry.id for entry in workspace.entries),
    )


@settings(
    # 8 in the quick suite; CI's long step sets PARLEDGER_FUZZ_EXAMPLES higher.
    max_examples=int(os.environ.get("PARLEDGER_FUZZ_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rounds=st.lists(edits, min_size=1, max_size=3))
def test_cached_and_uncached_results_always_agree(
    tmp_path_factory: pytest.TempPathFactory, rounds: list[list[Edit]]
) -> None:
    folder = tmp_path_factory.mktemp("ws")
    for name in ("directive_2024.yaml", "agencies.yaml"):
        shutil.copy(bundled_root() / name, folder / name)
    ledger = folder / "ledger_2024.yaml"
    shutil.copy(SCENARIO, ledger)
    location = Location(folder, Source.OPTION)
    serial = 1
    for edits_round in rounds:
        for action, template, number in edits_round:
            data = ledger.read_bytes()
            if action == "append":
                ledger.write_bytes(data + _entry_text(template, number, serial).encode())
                serial += 1
            elif action == "appendbad":
                ledger.write_bytes(data + b'- {"id": "e-zzz", "kind": "nonsense"}\n')
            elif action == "truncate":
                ledger.write_bytes(data[: max(0, len(data) - number)])
            elif action == "flip" and data:
                position = number * 37 % len(data)
                ledger.write_bytes(data[:position] + b"7" + data[position + 1 :])
        assert _answer(location, cached=True) == _answer(location, cached=False)
        # and once more, now that the cache holds this state
        assert _answer(location, cached=True) == _answer(location, cached=False)


def test_a_cache_item_of_the_wrong_shape_is_a_miss(
    cli: Invoke, scenario: Path, private_cache: Path
) -> None:
    import pickle

    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    items = [item for item in private_cache.rglob("w-*") if item.is_file()]
    assert items
    for item in items:  # an item that loads, with a fold that is not one
        header, _, body = item.read_bytes().partition(b"\n")
        stored = pickle.loads(body)
        stored.fold = ("not", "a", "fold")
        item.write_bytes(header + b"\n" + pickle.dumps(stored))
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
