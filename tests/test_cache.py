"""The cache changes how fast answers come, never what they are."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parledger import cache, journal
from parledger.errors import ParledgerError
from parledger.status import Scope, rows
from parledger.workspace import Location, Source, bundled_root, load
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


def _outputs(cli: Invoke) -> list[tuple[int, bytes]]:
    return [(r.exit_code, r.stdout_bytes) for r in (cli(*args) for args in READ_COMMANDS)]


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
        warm = _outputs(cli)
        monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
        assert _outputs(cli) == warm, args
        monkeypatch.delenv("PARLEDGER_NO_CACHE")


def _states(folder: Path) -> list[dict[str, Any]]:
    import pickle

    found = []
    for item in folder.iterdir():
        if item.name.startswith("x-"):
            found.append(pickle.loads(item.read_bytes().partition(b"\n")[2]))
    return found


def test_writes_store_deltas_and_a_whole_fold_when_the_chain_is_long(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    from parledger import cached

    monkeypatch.setattr(cached, "MAX_CHAIN", 2)
    cli("status", "-a", "STP", "-f", "json")  # the whole fold of the ledger as it is
    stored = []
    for percent in range(10, 60, 10):
        args = ["record", "I.1.1", "-a", "STP", "--status", "in_progress"]
        assert cli(*args, "--percent", str(percent)).exit_code == 0
        newest = max(_states(private_cache), key=lambda state: int(state["length"]))
        stored.append("fold" if "fold" in newest else "delta")
        warm = _outputs(cli)
        monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
        assert _outputs(cli) == warm, percent
        monkeypatch.delenv("PARLEDGER_NO_CACHE")
    assert stored == ["delta", "delta", "fold", "delta", "delta"]


def test_blank_lines_appended_leave_a_state_for_the_bytes_read(
    cli: Invoke, scenario: Path, private_cache: Path
) -> None:
    # A write stores its state as a delta on the state of the bytes its load
    # read: that state must exist even when only blank lines came since.
    cli("status", "-a", "STP", "-f", "json")
    ledger = scenario / "ledger_2024.yaml"
    ledger.write_bytes(ledger.read_bytes() + b"\n\n")
    cli("status", "-a", "STP", "-f", "json")
    assert ledger.stat().st_size in {state["length"] for state in _states(private_cache)}


def test_a_warm_load_does_not_hold_the_ledger_in_memory(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing changed since the last command: the ledger is hashed through a
    # small buffer, never read whole (25 MB at 100,000 entries).
    from parledger import cached

    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    assert cli("record", "I.1.1", "-a", "SNV", "--status", "blocked").exit_code == 0
    after_record = cli("status", "-a", "SNV", "-f", "json").stdout

    def whole(path: Path) -> bytes:
        raise AssertionError(f"{path} read whole")

    monkeypatch.setattr(cached, "_read", whole)
    assert cli("status", "-a", "SNV", "-f", "json").stdout == after_record != expected
    assert cli("record", "I.1.1", "-a", "SNV", "--status", "in_progress").exit_code == 0
    assert '"status": "in_progress"' in cli("status", "-a", "SNV", "-f", "json").stdout


def test_a_state_found_by_its_hash_is_listed_first_for_the_next_load(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    # A branch checked out again: its state is stored, but not first among
    # the ledger's recent states.  The long way finds it by its hash, and
    # lists it first, so the next load takes the short way.
    from parledger import cached

    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    for item in private_cache.iterdir():
        if item.name.startswith(("l-", "p-")):
            item.unlink()
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected

    def whole(path: Path) -> bytes:
        raise AssertionError(f"{path} read whole")

    monkeypatch.setattr(cached, "_read", whole)
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected


@pytest.mark.parametrize("cache_state", ["warm", "pulled", "cold", "off"])
def test_a_write_never_takes_an_id_the_ledger_holds(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch, cache_state: str
) -> None:
    # A write checks the id it draws against the ids its load knew: those
    # its state holds (warm), those of what was appended since (pulled), those
    # of the entries it read (cold); with the cache off it searches the file.
    # An id the ledger holds is drawn again.
    import re

    from parledger import ledger

    path = scenario / "ledger_2024.yaml"
    if cache_state in ("warm", "pulled"):
        cli("status", "-a", "SNV")
    if cache_state == "pulled":  # an entry the cache has not seen
        monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
        assert cli("record", "I.1.2", "-a", "SNV", "--status", "blocked").exit_code == 0
        monkeypatch.delenv("PARLEDGER_NO_CACHE")
    elif cache_state == "off":
        monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    held = re.findall(r"^- id: (e-[0-9a-f]{12})$", path.read_text(), re.MULTILINE)
    taken = held[-1] if cache_state == "pulled" else held[len(held) // 2]
    draws = iter([taken, "e-00000000000a"])
    monkeypatch.setattr(ledger, "draw_entry_id", lambda: next(draws))
    assert cli("record", "I.1.1", "-a", "SNV", "--status", "blocked").exit_code == 0
    text = path.read_text()
    assert text.count(f"- id: {taken}\n") == 1
    assert "- id: e-00000000000a\n" in text
    assert cli("validate").exit_code == 0


def test_ids_kept_with_a_state_answer_as_a_search_would() -> None:
    from parledger.cached import _Ids

    held = ["e-000000000000", "e-7f3a00c0ffee", "e-ffffffffffff", "e-0123456789ab"]
    ids = _Ids.of(_Id(entry_id) for entry_id in held[:3]).plus([held[3]])
    assert all(entry_id in ids for entry_id in held)
    assert not any(e in ids for e in ["e-000000000001", "e-7f3a00c0ffef", "e-fffffffffffe"])
    stored = _Ids(ids.data())  # as a whole state stores it: the extra id sorted in
    assert list(ids.data()) == sorted(int(entry_id[2:], 16) for entry_id in held)
    assert all(entry_id in stored for entry_id in held)


class _Id:
    def __init__(self, entry_id: str) -> None:
        self.id = entry_id


def test_an_appended_entry_that_repeats_an_id_is_reported_with_a_warm_cache(
    cli: Invoke, scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The appended entries' ids are checked against the state's ids, not
    # against the bytes: a copied block must still be found.
    cli("status", "-a", "SNV")
    path = scenario / "ledger_2024.yaml"
    text = path.read_text()
    start = text.index("- id:", len(text) // 2)
    block = text[start : text.index("- id:", start + 1)]
    path.write_text(text + block)
    warm = cli("status", "-a", "SNV")
    monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    uncached = cli("status", "-a", "SNV")
    assert warm.exit_code == uncached.exit_code != 0
    assert "duplicate-id" in warm.stderr
    assert (warm.stdout, warm.stderr) == (uncached.stdout, uncached.stderr)


def test_a_delta_whose_base_is_gone_is_a_miss(
    cli: Invoke, scenario: Path, private_cache: Path
) -> None:
    cli("status", "-a", "STP", "-f", "json")
    args = ["record", "I.1.1", "-a", "STP", "--status", "in_progress", "--percent", "45"]
    assert cli(*args).exit_code == 0
    for item in private_cache.iterdir():
        if item.name.startswith("x-") and b"fold" in item.read_bytes():
            item.unlink()  # the whole fold the delta builds on
    row = next(
        r for r in _json(cli("status", "-a", "STP", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["percent"] == 45


@pytest.mark.parametrize(
    ("known", "command"),
    [
        ("nothing", ["status", "-a", "SNV", "-f", "json"]),
        ("the structure", ["status", "-a", "SNV", "-f", "json"]),
        ("the ledger's state", ["history", "-f", "json"]),  # its entries: read now
    ],
)
def test_what_is_stored_describes_the_bytes_hashed_though_the_file_grew_meanwhile(
    cli: Invoke,
    scenario: Path,
    monkeypatch: pytest.MonkeyPatch,
    private_cache: Path,
    known: str,
    command: list[str],
) -> None:
    # Another process appends right after the load read the ledger.  What is
    # stored under the hash of the bytes read must be theirs, not the grown
    # file's: a file with exactly those bytes (the append reset with git,
    # another clone) must later show what they hold.
    from parledger import cached

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
    if known == "the structure":
        for item in private_cache.iterdir():
            if item.name.startswith(("x-", "l-", "p-")):
                item.unlink()  # the ledger's states: the load reads and checks it all
    read = cached._read

    def read_then_grow(ledger: Path) -> bytes:
        data = read(ledger)
        ledger.write_bytes(grown)
        return data

    monkeypatch.setattr(cached, "_read", read_then_grow)
    cli(*command)
    monkeypatch.setattr(cached, "_read", read)
    path.write_bytes(before)
    assert cli(*command).stdout == expected


def test_a_change_in_the_middle_is_not_missed(cli: Invoke, scenario: Path) -> None:
    cli("status", "-a", "SNV", "-f", "json")  # warm the cache
    ledger = scenario / "ledger_2024.yaml"
    text = ledger.read_text()
    ledger.write_text(text.replace("percent: 60", "percent: 65", 1))  # same length, other bytes
    row = next(
        r for r in _json(cli("status", "-a", "SNV", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["percent"] == 70  # the correction still applies …
    ledger.write_text(text.replace("  percent: 70\n", "  percent: 71\n", 1))
    row = next(
        r for r in _json(cli("status", "-a", "SNV", "-f", "json").stdout) if r["task"] == "I.1.1"
    )
    assert row["percent"] == 71  # … and a changed correction is read again


def test_corrupt_or_foreign_cache_items_are_ignored(
    cli: Invoke, scenario: Path, private_cache: Path
) -> None:
    expected = cli("status", "-a", "SNV", "-f", "json").stdout
    items = list(private_cache.iterdir())
    assert items
    for index, item in enumerate(items):
        damage = [b"", b"garbage", item.read_bytes()[: len(item.read_bytes()) // 2]][index % 3]
        item.write_bytes(damage)
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
    for item in private_cache.iterdir():
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


def _answer(location: Location, *, cached: bool) -> object:
    try:
        workspace = load(location, use_cache=cached)
    except ParledgerError as exc:
        return ("error", type(exc).__name__)
    scope = Scope(as_of=dt.date(2025, 3, 1))
    return (
        rows(workspace, scope),
        rows(workspace, Scope(as_of=dt.date(2024, 8, 1))),
        sorted(entry.id for entry in workspace.entries),
    )


@settings(
    max_examples=25,
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
                ledger.write_bytes(data + b"- id: e-zzz\n  kind: nonsense\n")
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
    for item in private_cache.iterdir():
        if item.name.startswith("x-"):  # a state: keep it matching, break its fold
            header, _, body = item.read_bytes().partition(b"\n")
            state = pickle.loads(body)
            state["fold"] = ("not", "a", "fold")
            item.write_bytes(header + b"\n" + pickle.dumps(state))
    assert cli("status", "-a", "SNV", "-f", "json").stdout == expected
