"""Agencies through mergers: the registry's dated changes (events) and who
answers, on a day, for what an agency that ended owed.

The bundled registry holds the changes of 2025 (departments merged on
1/3/2025, the districts dissolved on 1/7/2025); the scenario ledger of 2024
is judged before and after them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT, Invoke, below_workspace_line, registry_before_2025

SCENARIO = ROOT / "tests" / "data" / "scenario"
GOLDEN = ROOT / "tests" / "golden"
KHDT = "so-ke-hoach-dau-tu"
MERGED = "2025-03-01"


@pytest.fixture
def ws(workspace_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled workspace with the scenario's 2024 ledger."""
    shutil.copy(SCENARIO / "ledger_2024.yaml", workspace_dir / "ledger_2024.yaml")
    monkeypatch.setenv("PARLEDGER_DATA", str(workspace_dir))
    monkeypatch.delenv("PARLEDGER_LANG", raising=False)
    return workspace_dir


def _json(cli: Invoke, *args: str) -> Any:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _rows(cli: Invoke, agency: str, as_of: str) -> dict[str, dict[str, Any]]:
    return {r["task"]: r for r in _json(cli, "status", "--agency", agency, "--as-of", as_of)}


def _edit_registry(root: Path, edit: Any) -> None:
    yaml = YAML()
    yaml.width = 4096
    path = root / "agencies.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    edit(data)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def _agency(data: Any, agency_id: str) -> Any:
    return next(a for a in data["agencies"] if a["id"] == agency_id)


# -- the merger of 1/3/2025 ------------------------------------------------


def test_the_2024_facts_are_owed_by_kh_dt_until_the_merger_and_by_tai_chinh_after(
    cli: Invoke, ws: Path
) -> None:
    reported = cli(
        "record", "I.2.5", "--agency", "Sở KH&ĐT", "--status", "in_progress", "--percent", "40",
        "--evidence", "215/BC-SKHĐT ngày 20/10/2024", "--date", "2024-10-21",
    )  # fmt: skip
    assert reported.exit_code == 0, reported.output
    before = _rows(cli, "Sở Kế hoạch và Đầu tư", "2025-02-28")
    assert before["I.2.5"]["status"] == "in_progress" and before["I.2.5"]["percent"] == 40
    assert before["I.1.6"]["due"] == "2024-09-30"  # the scenario's assignment
    assert not any("inherited_from" in row for row in before.values())

    after = _rows(cli, "Sở Tài chính", MERGED)
    for task in ("I.2.5", "I.1.6"):
        row = after[task]
        assert row["agency"] == "so-tai-chinh"
        assert (row["inherited_from"], row["since"]) == (KHDT, MERGED)
        assert row["inherited_name"] == "Sở Kế hoạch và Đầu tư"
        assert row["role"] == "inherited"
        for field in ("status", "percent", "evidence", "last_update", "due", "entry"):
            assert row[field] == before[task][field], (task, field)
    # Its own tasks stay its own.
    assert "inherited_from" not in after["I.2.3"]
    # Sở KH&ĐT owes nothing open from that day; its name still leads to who does.
    gone = cli("status", "--agency", "Sở KH&ĐT", "--as-of", MERGED, "--format", "json")
    assert gone.exit_code == 0
    assert not [r for r in json.loads(gone.stdout) if r["status"] != "done"]
    assert gone.stderr.startswith(
        "parledger: note: Sở Kế hoạch và Đầu tư was merged into Sở Tài chính on 01/03/2025"
    )

    # The successor's own report after the handover counts for the task.
    done = cli(
        "record", "I.2.5", "--agency", "Sở Tài chính", "--status", "done", "--date", "2025-04-02"
    )
    assert done.exit_code == 0, done.output
    later = _rows(cli, "Sở Tài chính", "2025-04-30")["I.2.5"]
    assert (later["status"], later["inherited_from"]) == ("done", KHDT)

    table = cli("status", "--agency", "Sở Tài chính", "--as-of", MERGED, env={"COLUMNS": "100"})
    assert "inherited from Sở Kế hoạch và Đầu tư since 01/03/2025: I.1.6, I.1.10, I.2.5" in (
        table.stdout
    )


def test_an_agency_recorded_against_after_its_end_is_refused_naming_its_successor(
    cli: Invoke, ws: Path
) -> None:
    ledger = ws / "ledger_2024.yaml"
    before = ledger.read_bytes()
    refused = cli("record", "I.2.5", "-a", "Sở KH&ĐT", "--status", "done", "--date", "2025-03-05")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    [line] = refused.stderr.splitlines()
    assert line.startswith("parledger: error: Sở Kế hoạch và Đầu tư ended on 28/02/2025")
    assert "record against Sở Tài chính" in line
    assigned = cli("assign", "I.1.1", "--agency", "Sở KH&ĐT", "--date", "2025-03-05")
    assert assigned.exit_code == 2 and "Sở Tài chính" in assigned.stderr
    # A department set up on 1/3/2025 had no duties before.
    early = cli("record", "III.3.4", "-a", "Sở NN&MT", "--status", "done", "--date", "2024-12-01")
    assert early.exit_code == 2
    assert "Sở Nông nghiệp và Môi trường was set up on 01/03/2025" in early.stderr
    # The successor answers for what it took over from the day it took it over.
    successor = cli(
        "record", "I.2.5", "-a", "Sở Tài chính", "--status", "done", "--date", "2024-11-01"
    )
    assert successor.exit_code == 2
    assert "so-tai-chinh took I.2.5 over from an agency that ended after 01/11/2024" in (
        successor.stderr
    )
    assert ledger.read_bytes() == before
    # On a day it still existed, the fact is its own.
    kept = cli("record", "I.2.5", "-a", "Sở KH&ĐT", "--status", "done", "--date", "2025-02-20")
    assert kept.exit_code == 0, kept.output


def test_an_old_name_resolves_with_a_note_of_what_became_of_it(cli: Invoke) -> None:
    result = cli("status", "--agency", "so ke hoach va dau tu")
    assert result.exit_code == 0, result.output
    assert "(so-ke-hoach-dau-tu)" in below_workspace_line(result.stdout).splitlines()[0]
    [note] = result.stderr.splitlines()
    assert note == (
        "parledger: note: Sở Kế hoạch và Đầu tư was merged into Sở Tài chính on 01/03/2025 "
        "(Nghị định số 45/2025/NĐ-CP ngày 28/02/2025 của Chính phủ); its open tasks are "
        "shown under Sở Tài chính"
    )
    # Before the merger it is a department like any other: no note.
    then = cli("status", "--agency", "so ke hoach va dau tu", "--as-of", "2024-12-31")
    assert then.exit_code == 0 and then.stderr == ""


def test_after_the_districts_ended_the_overview_has_no_district_group(cli: Invoke) -> None:
    def groups(as_of: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in _json(cli, "status", "--as-of", as_of):
            out.setdefault(row["group"], set()).add(row["agency"])
        return out

    before = groups("2025-06-30")
    assert len(before["districts"]) == 10
    after = groups("2025-07-01")
    assert "districts" not in after
    assert before["districts"] <= after["ended"]
    table = cli("status", "--as-of", "2025-07-01", env={"COLUMNS": "80"}).stdout
    assert "District UBNDs" not in table and "No longer existing" in table
    # Their open tasks are said to have no successor, never given to a guess.
    lam = cli("status", "--agency", "Văn Lâm", "--as-of", "2025-07-01", env={"COLUMNS": "200"})
    assert "no successor named (dissolved 2025-07-01, Nghị quyết số 203/2025/QH15" in lam.stdout


# -- a split, in a registry of the test's own --------------------------------


def test_a_split_hands_over_the_tasks_it_lists_and_says_which_it_does_not(
    cli: Invoke, ws: Path
) -> None:
    def split(data: Any) -> None:
        _agency(data, "so-y-te")["valid_until"] = dt_last
        data["events"].append(
            {
                "date": dt_split,
                "kind": "split",
                "agencies": ["so-y-te"],
                "to": ["so-noi-vu", "so-tai-chinh"],
                "tasks": {"2024:III.3.8": "so-noi-vu"},
                "source": "Quyết định số 1/QĐ-TEST (a test's own)",
            }
        )

    import datetime as dt

    dt_last, dt_split = dt.date(2025, 4, 30), dt.date(2025, 5, 1)
    _edit_registry(ws, split)
    assert cli("validate").exit_code == 0

    snv = _rows(cli, "Sở Nội vụ", "2025-05-01")
    assert (snv["III.3.8"]["inherited_from"], snv["III.3.8"]["since"]) == ("so-y-te", "2025-05-01")
    left = _rows(cli, "Sở Y tế", "2025-05-01")
    assert "III.3.8" not in left
    why = "split 2025-05-01, Quyết định số 1/QĐ-TEST (a test's own)"
    assert left and all(row["unresolved"] == why for row in left.values())
    table = cli("status", "--agency", "Sở Y tế", "--as-of", "2025-05-01", env={"COLUMNS": "200"})
    listed = f"no successor named ({why}): {', '.join(left)}"
    assert listed in " ".join(table.stdout.split())
    # The day before, nothing moved.
    assert not any(
        "unresolved" in row or "inherited_from" in row
        for row in _json(cli, "status", "--as-of", "2025-04-30")
    )


# -- what validate refuses ---------------------------------------------------


def test_a_succession_that_comes_back_to_its_start_is_refused_at_its_line(
    cli: Invoke, workspace_dir: Path
) -> None:
    def cycle(data: Any) -> None:
        source = "Quyết định số 2/QĐ-TEST"
        _agency(data, "so-y-te")["valid_until"] = "2025-04-30"
        data["events"].append(
            {"date": "2025-05-01", "kind": "merged", "agencies": ["so-y-te"],
             "into": "so-noi-vu", "source": source}
        )  # fmt: skip
        data["events"].append(
            {"date": "2025-05-01", "kind": "merged", "agencies": ["so-noi-vu"],
             "into": "so-y-te", "source": source}
        )  # fmt: skip

    _edit_registry(workspace_dir, cycle)
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    lines = (workspace_dir / "agencies.yaml").read_text(encoding="utf-8").splitlines()
    found = [line for line in result.stdout.splitlines() if "succession-cycle" in line]
    assert found, result.output
    for line in found:
        path, number = line.split(":")[:2]
        assert path.endswith("agencies.yaml")
        assert lines[int(number) - 1].strip() in ("agencies:", "- so-y-te", "- so-noi-vu")
    assert "lead back to it" in found[0]


def test_an_obligation_of_an_agency_that_did_not_exist_on_the_directive_s_day(
    cli: Invoke, workspace_dir: Path
) -> None:
    _edit_registry(workspace_dir, lambda data: _agency(data, "so-y-te").update(
        valid_until="2023-12-31"
    ))  # fmt: skip
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    directive = (workspace_dir / "directive_2024.yaml").read_text(encoding="utf-8").splitlines()
    found = [line for line in result.stdout.splitlines() if "out-of-dates" in line]
    assert found, result.output
    for line in found:
        path, number = line.split(":")[:2]
        assert path.endswith("directive_2024.yaml")
        assert "so-y-te" in directive[int(number) - 1], line
        assert "so-y-te did not exist on 2024-12-31" in line
    assert any("III.3.8:" in line for line in found)


# -- a registry without changes reads as before --------------------------------


GOLDEN_AS_BEFORE = {
    "status.csv": ["export", "--format", "csv", "--as-of", "2024-11-15"],
    "all.json": ["export", "--format", "json", "--view", "all", "--as-of", "2024-11-15"],
    "status-snv.json": ["status", "--agency", "SNV", "--as-of", "2024-11-15", "--format", "json"],
    "report-2024-Q3.json": ["report", "--period", "2024-Q3", "--format", "json"],
}


def test_a_registry_without_changes_writes_the_same_bytes_as_before(cli: Invoke, ws: Path) -> None:
    registry_before_2025(ws)
    text = (ws / "agencies.yaml").read_text(encoding="utf-8")
    assert "\nevents:" not in text and "valid_until:" not in text
    for name, args in GOLDEN_AS_BEFORE.items():
        assert cli(*args).stdout_bytes == (GOLDEN / name).read_bytes(), name
    # Judged today too: nothing inherited, nothing unresolved, nothing ended.
    today = _json(cli, "export", "--view", "all")
    for row in today["status"]:
        assert not {"inherited_from", "inherited_name", "since", "unresolved"} & set(row)
    assert {row["group"] for row in today["overview"]} <= {
        "departments", "districts", "other bodies",
    }  # fmt: skip
    shown = cli("status", "--agency", "Sở KH&ĐT")
    assert shown.exit_code == 0 and shown.stderr == ""


# -- names across time ---------------------------------------------------------


def test_did_you_mean_suggests_the_agencies_of_the_day_first() -> None:
    import datetime as dt

    from parledger.model.names import Resolver
    from parledger.store import schema, yamlio
    from parledger.store.workspace import bundled_root

    registry = schema.registry(yamlio.load(bundled_root() / "agencies.yaml").data)
    typed = "So nong nghiep va moi truon"
    then = Resolver(registry, dt.date(2024, 12, 31)).suggest(typed)
    now = Resolver(registry, dt.date(2025, 3, 1)).suggest(typed)
    new, old = "Sở Nông nghiệp và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn"
    assert then.index(old) < then.index(new)
    assert now[0] == new
    assert sorted(then) == sorted(now)  # an old name is still suggested, after
