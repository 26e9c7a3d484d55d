"""Commands load only what they use: --help and --version stay light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = [
    "ruamel.yaml",
    "parledger.model.models",
    "parledger.store.schema",
    "tabulate",
    "openpyxl",
    "docx",
]

PROBE = """
import json, sys
sys.argv = ["parledger", *json.loads(sys.argv[1])]
from parledger.cli import main
try:
    main()
except SystemExit:
    pass
print("\\n" + json.dumps(sorted(sys.modules)))
"""


def _loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"], ["status", "--help"], ["export", "--help"], ["report", "--help"]],
)
def test_help_and_version_load_no_yaml_models_or_exporters(args: list[str]) -> None:
    loaded = _loaded(*args)
    assert not [name for name in HEAVY if name in loaded]


def test_a_cached_status_reads_no_yaml() -> None:
    # The autouse fixture gives this test (and its subprocesses) a private cache.
    _loaded("status", "--agency", "SNV")  # fills the cache
    loaded = _loaded("status", "--agency", "SNV")
    assert "ruamel.yaml" not in loaded
    assert "parledger.store.schema" not in loaded  # no validation: nothing new to read
    # nor the modules of the full pipeline (about 40 ms of imports)
    assert not {"parledger.store.pipeline", "parledger.store.yamlio"} & loaded
    assert "openpyxl" not in loaded


def test_status_after_a_record_validates_nothing_again(
    workspace_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # record validated its entry and remembered the new state: the next
    # status finds it (no schema, no pydantic) and shows the new fact.
    monkeypatch.setenv("PARLEDGER_DATA", str(workspace_dir))
    _loaded("status", "--agency", "SNV")
    _loaded("record", "I.1.1", "-a", "SNV", "--status", "blocked", "--date", "2024-06-01")
    loaded = _loaded("status", "--agency", "SNV")
    assert "parledger.store.schema" not in loaded
    assert "pydantic" not in loaded
    shown = subprocess.run(
        [sys.executable, "-m", "parledger", "status", "--agency", "SNV"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "17 tasks, 1 in progress, 16 not started" in shown


def test_status_after_a_pulled_entry_validates_it_without_importing_pydantic(
    workspace_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An entry another office appended (a git pull): validated by the
    # validator pydantic built once, rebuilt by pydantic-core from the schema
    # the cache keeps; pydantic itself is not imported.
    import datetime as dt

    from parledger.store import journal

    monkeypatch.setenv("PARLEDGER_DATA", str(workspace_dir))
    _loaded("status", "--agency", "SNV")
    entry = {
        "id": "e-0123456789ab", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": dt.date(2024, 6, 2), "recorded": dt.datetime(2024, 6, 2, 8, tzinfo=dt.UTC),
        "by": "Văn phòng khác", "status": "blocked",
    }  # fmt: skip
    with (workspace_dir / "ledger_2024.yaml").open("a", encoding="utf-8") as ledger:
        ledger.write(journal.header("directive_2024") + journal.format_entry(entry))
    loaded = _loaded("status", "--agency", "SNV")
    assert "pydantic_core" in loaded  # the entry was validated …
    assert "pydantic" not in loaded and "parledger.store.schema" not in loaded  # … by the kept one
    shown = subprocess.run(
        [sys.executable, "-m", "parledger", "status", "--agency", "SNV", "-f", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '"status": "blocked"' in shown


GC_PROBE = """
import gc, json, sys
sys.argv = ["parledger", *json.loads(sys.argv[1])]
from parledger.cli import main, status
load = status.load_each
seen = {}

def watched(*args, **kwargs):
    loaded = load(*args, **kwargs)
    seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())
    return loaded

status.load_each = watched
try:
    main()
except SystemExit:
    pass
print("\\n" + json.dumps(seen))
"""


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_the_console_script_loads_without_the_collector_and_turns_it_back_on(
    cache: str,
) -> None:
    # The load runs with the collector off (all it builds lives on), then
    # freezes what it built; the rest of the command collects as usual.
    args = json.dumps(["status", "--agency", "SNV"])
    if cache == "warm":
        subprocess.run([sys.executable, "-c", GC_PROBE, args], check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, args], capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["enabled"] is True
    assert seen["frozen"] > 0
