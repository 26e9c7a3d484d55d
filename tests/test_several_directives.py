"""A workspace of several directives: one registry, a ledger per directive.

The second directive here is the bundled one renumbered as another year's
(its ids all collide with 2024's), added with ``add-directive`` as an
office would; tests/test_outline_shapes.py holds one of another shape.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from parledger.model.errors import UsageError
from parledger.store.workspace import Location, Source, key_for, split_task
from tests.conftest import Invoke, below_workspace_line, registry_before_2025

SECOND = "1487-ubnd-nc-2025"


def _renumbered(text: str) -> str:
    """The bundled directive as if it were Công văn 1487/UBND-NC of 21/5/2025."""
    text = text.replace("id: directive_2024\n", "id: directive_1487\n", 1)
    return text.replace(
        "  year: 2024\n",
        '  year: 2025\n  number: "1487"\n  date: 2025-05-21\n',
        1,
    )


@pytest.fixture
def second_file(tmp_path: Path, workspace_dir: Path) -> Path:
    # Renumbered, it still names the departments that 2025's mergers ended.
    registry_before_2025(workspace_dir)
    path = tmp_path / "cong-van-1487.yaml"
    path.write_text(_renumbered((workspace_dir / "directive_2024.yaml").read_text("utf-8")))
    return path


@pytest.fixture
def several(cli: Invoke, workspace_dir: Path, second_file: Path) -> Path:
    done = cli("-d", str(workspace_dir), "add-directive", str(second_file))
    assert done.exit_code == 0, done.output
    return workspace_dir


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- adding a directive ----------------------------------------------------


def test_add_directive_names_it_by_its_number_and_gives_it_a_ledger(
    cli: Invoke, workspace_dir: Path, second_file: Path
) -> None:
    done = cli("-d", str(workspace_dir), "add-directive", str(second_file))
    assert done.exit_code == 0, done.output
    assert f"directive_{SECOND}.yaml (47 items)" in done.output
    assert (workspace_dir / f"directive_{SECOND}.yaml").read_text("utf-8") == (
        second_file.read_text("utf-8")
    )
    assert (workspace_dir / f"ledger_{SECOND}.yaml").read_text("utf-8").startswith("#")
    checked = cli("-d", str(workspace_dir), "validate")
    assert checked.exit_code == 0, checked.output
    assert "directive 2024: 47 items" in checked.output
    assert f"directive {SECOND}: 47 items" in checked.output


def test_a_directive_with_a_problem_is_placed_in_its_file_and_nothing_is_written(
    cli: Invoke, workspace_dir: Path, second_file: Path
) -> None:
    text = second_file.read_text("utf-8")
    broken = text.replace("  - group: so-ban-nganh-tinh\n", "  - group: so-khong-co\n", 1)
    assert broken != text
    second_file.write_text(broken, "utf-8")
    before = sorted(p.name for p in workspace_dir.iterdir())
    done = cli("-d", str(workspace_dir), "add-directive", str(second_file))
    assert done.exit_code == 1
    assert f"{second_file}:" in done.stderr and "so-khong-co" in done.stderr
    assert sorted(p.name for p in workspace_dir.iterdir()) == before


def test_a_key_taken_or_malformed_is_refused(cli: Invoke, several: Path, second_file: Path) -> None:
    again = cli("-d", str(several), "add-directive", str(second_file))
    assert again.exit_code == 2
    assert f"directive_{SECOND}.yaml" in again.stderr and "--as KEY" in again.stderr
    bad = cli("-d", str(several), "add-directive", str(second_file), "--as", "Năm 2025")
    assert bad.exit_code == 2 and "nam-2025" in bad.stderr
    other = cli("-d", str(several), "add-directive", str(second_file), "--as", "hy-2025")
    assert other.exit_code == 0, other.output
    assert (several / "directive_hy-2025.yaml").exists()


def test_init_points_a_second_directive_to_add_directive(cli: Invoke, workspace_dir: Path) -> None:
    done = cli("init", str(workspace_dir))
    assert done.exit_code == 2
    assert "add-directive" in done.stderr


# -- naming a directive and a task -------------------------------------------


def test_keys_and_qualified_ids() -> None:
    assert key_for("1487", "UBND-NC", 2025) == "1487-ubnd-nc-2025"
    assert key_for("12", "QĐ-UBND", 2025) == "12-qd-ubnd-2025"
    assert split_task("2025:I.1.1") == ("2025", "I.1.1")
    assert split_task(" I.1.1 ") == (None, "I.1.1")


def test_a_directive_is_chosen_by_its_key_or_a_unique_part_of_it(several: Path) -> None:
    folder = Location(several, Source.OPTION)
    assert folder.keys == [SECOND, "2024"]
    assert folder.choose("1487-UBND-NC-2025").key == SECOND
    assert folder.choose("directive_2024.yaml").key == "2024"
    assert folder.choose("1487").key == SECOND
    with pytest.raises(UsageError, match=r"no directive '2023'.*2024"):
        folder.choose("2023")


def test_a_bare_id_two_directives_hold_is_refused_with_both(cli: Invoke, several: Path) -> None:
    done = cli("-d", str(several), "show", "I.1.1")
    assert done.exit_code == 2
    assert f"{SECOND}:I.1.1" in done.stderr and "2024:I.1.1" in done.stderr
    for args in (["show", "2024:I.1.1"], ["show", "I.1.1", "--directive", "2024"]):
        shown = cli("-d", str(several), *args)
        assert shown.exit_code == 0, shown.output
        assert "I.1.1" in shown.output
    clash = cli("-d", str(several), "--directive", "2024", "show", "1487:I.1.1")
    assert clash.exit_code == 2 and "drop one" in clash.stderr
    unknown = cli("-d", str(several), "show", "I.9.9")
    assert unknown.exit_code == 2 and "no task 'I.9.9'" in unknown.stderr


# -- one directive's entries never count for another ----------------------------


def test_a_fact_recorded_on_one_directive_stays_in_its_ledger(cli: Invoke, several: Path) -> None:
    ledger_2024 = several / "ledger_2024.yaml"
    before = ledger_2024.read_bytes() if ledger_2024.exists() else None
    done = cli(
        "-d", str(several), "record", "1487:I.1.1", "-a", "SNV",
        "--status", "in_progress", "--percent", "40", "--date", "2025-06-01",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"(ledger_{SECOND}.yaml)" in done.output
    assert (ledger_2024.read_bytes() if ledger_2024.exists() else None) == before
    assert "I.1.1" in (several / f"ledger_{SECOND}.yaml").read_text("utf-8")
    rows = _rows(cli("-d", str(several), "status", "-a", "SNV", "-f", "csv").output)
    mine = {(row["directive"], row["task"]): row for row in rows}
    assert mine[SECOND, "I.1.1"]["percent"] == "40"
    assert mine["2024", "I.1.1"]["percent"] == ""
    assert mine["2024", "I.1.1"]["category"] == "not_started"


def test_status_of_an_agency_is_grouped_by_directive(cli: Invoke, several: Path) -> None:
    done = cli("-d", str(several), "status", "--agency", "Sở Nội vụ")
    assert done.exit_code == 0, done.output
    shown = below_workspace_line(done.stdout)
    first = shown.index("2024 Công văn")
    second = shown.index(f"{SECOND} Công văn")
    assert first < second  # oldest first
    assert shown.count("Sở Nội vụ (so-noi-vu): 17 tasks") == 2


def test_one_directive_chosen_reads_exactly_as_a_workspace_of_one(
    cli: Invoke, workspace_dir: Path, second_file: Path
) -> None:
    commands = [
        ["status", "-f", "csv"],
        ["status", "-a", "SNV", "-f", "json"],
        ["tasks", "-f", "csv"],
        ["report", "--period", "2024", "-f", "json"],
        ["export", "--view", "all", "-f", "json"],
        ["history", "-f", "csv"],
    ]
    alone = [cli("-d", str(workspace_dir), *args).stdout for args in commands]
    cli("-d", str(workspace_dir), "add-directive", str(second_file))
    chosen = [
        cli("-d", str(workspace_dir), "--directive", "2024", *args).stdout for args in commands
    ]
    assert chosen == alone


def test_lists_across_directives_lead_with_the_directive(cli: Invoke, several: Path) -> None:
    tasks = _rows(cli("-d", str(several), "tasks", "-f", "csv").output)
    assert {row["directive"] for row in tasks} == {"2024", SECOND}
    assert len(tasks) == 2 * len([row for row in tasks if row["directive"] == "2024"])
    report = json.loads(cli("-d", str(several), "report", "--period", "2025", "-f", "json").output)
    assert set(report) == {"2024", SECOND}
    exported = json.loads(cli("-d", str(several), "export", "--view", "all", "-f", "json").output)
    assert {row["directive"] for row in exported["status"]} == {"2024", SECOND}
    word = cli("-d", str(several), "report", "-f", "docx", "-o", "r.docx")
    assert word.exit_code == 2 and "--directive" in word.stderr


def test_a_correction_finds_its_entry_in_whichever_ledger(cli: Invoke, several: Path) -> None:
    cli(
        "-d", str(several), "record", f"{SECOND}:I.1.3", "-a", "SNV",
        "--status", "in_progress", "--percent", "20", "--date", "2025-06-01",
    )  # fmt: skip
    history = json.loads(cli("-d", str(several), "history", "-f", "json").output)
    entry = next(row["id"] for row in history if row["directive"] == SECOND)
    done = cli(
        "-d", str(several), "correct", entry, "--percent", "25", "--reason", "Báo cáo ghi 25%"
    )
    assert done.exit_code == 0, done.output
    assert entry in (several / f"ledger_{SECOND}.yaml").read_text("utf-8").split("supersedes")[-1]


def test_a_directive_no_longer_in_force_leaves_status_across(cli: Invoke, several: Path) -> None:
    path = several / "directive_2024.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("\noutline:\n", "\nin_force_until: 2025-05-20\noutline:\n", 1))
    rows = _rows(cli("-d", str(several), "status", "-a", "SNV", "-f", "csv").output)
    assert {row["directive"] for row in rows} == {SECOND}
    old = _rows(
        cli("-d", str(several), "status", "-a", "SNV", "--as-of", "2024-12-31", "-f", "csv").output
    )
    assert {row.get("directive", "2024") for row in old} == {"2024"}
    chosen = cli("-d", str(several), "--directive", "2024", "status", "-a", "SNV")
    assert chosen.exit_code == 0 and "17 tasks" in chosen.output


def test_a_problem_in_one_directive_is_placed_in_its_file(cli: Invoke, several: Path) -> None:
    path = several / f"directive_{SECOND}.yaml"
    path.write_text(path.read_text("utf-8").replace("kind: item", "kind: itme", 1))
    done = cli("-d", str(several), "validate")
    assert done.exit_code == 1
    assert f"directive_{SECOND}.yaml:" in done.output
    assert "directive_2024.yaml" not in done.output


def test_a_sheet_exported_across_directives_records_into_the_one_it_names(
    cli: Invoke, several: Path, tmp_path: Path
) -> None:
    exported = cli("-d", str(several), "export", "--view", "status", "-a", "SNV").stdout
    rows = _rows(exported)
    header = list(rows[0])
    mine = [row for row in rows if row["task"] == "I.1.3"]
    assert {row["directive"] for row in mine} == {"2024", SECOND}
    for row in mine:
        row.update(status="in_progress", percent="10", note="đang làm")

    def sheet(chosen: list[dict[str, str]]) -> Path:
        path = tmp_path / "sheet.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(chosen)
        return path

    ledgers = {p.name: p.read_bytes() for p in several.glob("ledger_*.yaml")}
    both = cli("-d", str(several), "record", "--from", str(sheet(mine)))
    assert both.exit_code == 2
    assert "add --directive KEY" in both.stderr
    assert {p.name: p.read_bytes() for p in several.glob("ledger_*.yaml")} == ledgers
    wrong = cli("-d", str(several), "--directive", "2024", "record", "--from", str(sheet(mine)))
    assert wrong.exit_code == 2 and f"of directive '{SECOND}', not 2024" in wrong.stderr
    one = [row for row in mine if row["directive"] == SECOND]
    done = cli("-d", str(several), "record", "--from", str(sheet(one)))
    assert done.exit_code == 0, done.output
    assert "I.1.3" in (several / f"ledger_{SECOND}.yaml").read_text("utf-8")
    untouched = {p.name: p.read_bytes() for p in several.glob("ledger_2024.yaml")}
    assert untouched == {k: v for k, v in ledgers.items() if k == "ledger_2024.yaml"}


# -- a second directive of another shape (tests/data/several) -------------------

SEVERAL = Path(__file__).resolve().parent / "data" / "several"


@pytest.fixture
def shapes(cli: Invoke, workspace_dir: Path) -> Path:
    """The bundled 2024 directive beside the fictional 2025 plan: four parts
    (one of purpose), four levels, lettered points, the DTI index, ids that
    collide with 2024's."""
    registry_before_2025(workspace_dir)  # the plan names the districts of 2024
    (workspace_dir / "indices.yaml").write_bytes((SEVERAL / "indices.yaml").read_bytes())
    done = cli("-d", str(workspace_dir), "add-directive", str(SEVERAL / "directive_2025.yaml"))
    assert done.exit_code == 0, done.output
    assert "directive_2025.yaml (13 items)" in done.output
    return workspace_dir


def test_both_shapes_validate_and_list_their_own_tasks(cli: Invoke, shapes: Path) -> None:
    checked = cli("-d", str(shapes), "validate")
    assert checked.exit_code == 0, checked.output
    assert "directive 2024: 47 items" in checked.output
    assert "directive 2025: 13 items" in checked.output
    rows = _rows(cli("-d", str(shapes), "tasks", "-f", "csv").stdout)
    mine = {(row["directive"], row["id"]): row for row in rows}
    assert mine["2025", "II.1.1.đ"]["kind"] == "subitem"
    assert mine["2025", "III.1.2.1"]["parent"] == "III.1.2"
    assert mine["2025", "IV.1"]["index"] == "DTI"
    assert ("2024", "IV.1") not in mine
    dti = _rows(cli("-d", str(shapes), "tasks", "--index", "dti", "-f", "csv").stdout)
    assert {row["directive"] for row in dti} == {"2025"}


def test_ids_both_hold_are_refused_and_those_one_holds_are_found(cli: Invoke, shapes: Path) -> None:
    both = cli("-d", str(shapes), "show", "II.1.1")
    assert both.exit_code == 2
    assert "2024:II.1.1" in both.stderr and "2025:II.1.1" in both.stderr
    assert "2024:II.1.1" in cli("-d", str(shapes), "record", "II.1.1", "-a", "SNV",
                                "--status", "done").stderr  # fmt: skip
    only = cli("-d", str(shapes), "show", "II.1.1.đ")
    assert only.exit_code == 0, only.output
    assert "subitem, PAPI" in only.stdout
    # Which directive the table is about, on the line naming the workspace.
    assert only.stdout.splitlines()[0].endswith(", directive 2025")


def test_a_sub_item_is_assigned_recorded_and_traced_in_its_directive_alone(
    cli: Invoke, shapes: Path
) -> None:
    before = _rows(cli("-d", str(shapes), "--directive", "2024", "status", "-f", "csv").stdout)
    assigned = cli(
        "-d", str(shapes), "assign", "2025:II.1.1.a", "-a", "UBND huyện Văn Lâm",
        "--due", "30/6/2025", "--date", "2025-04-01",
    )  # fmt: skip
    assert assigned.exit_code == 0, assigned.output
    recorded = cli(
        "-d", str(shapes), "record", "II.1.1.đ", "-a", "Văn Lâm", "--status", "done",
        "-e", "Báo cáo số 15/BC-UBND ngày 20/6/2025", "--date", "2025-06-21",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "(ledger_2025.yaml)" in recorded.stdout
    trail = json.loads(cli("-d", str(shapes), "history", "II.1.1.đ", "-f", "json").stdout)
    assert [(row["task"], row["kind"]) for row in trail] == [("II.1.1.đ", "progress")]
    rows = _rows(cli("-d", str(shapes), "status", "-a", "Văn Lâm", "--as-of", "2025-06-30",
                     "-f", "csv").stdout)  # fmt: skip
    mine = {(row["directive"], row["task"]): row for row in rows}
    assert mine["2025", "II.1.1.đ"]["category"] == "done_on_time"
    assert mine["2025", "II.1.1.a"]["due"] == "2025-06-30"
    # Nothing of 2025 counts for 2024.
    after = _rows(cli("-d", str(shapes), "--directive", "2024", "status", "-f", "csv").stdout)
    assert after == before
    assert not (shapes / "ledger_2024.yaml").exists()


def test_each_report_rolls_up_what_its_directive_serves(cli: Invoke, shapes: Path) -> None:
    built = json.loads(cli("-d", str(shapes), "report", "--period", "2025", "-f", "json").stdout)
    keys = {key: [r["key"] for r in report["rollups"] if r["section"] == "index"]
            for key, report in built.items()}  # fmt: skip
    assert keys == {"2024": ["PAR INDEX", "SIPAS", "PAPI"], "2025": ["PAPI", "PAR INDEX", "DTI"]}
    steps = {r["index"] for r in built["2025"]["results"]}
    assert steps == {"PAPI", "PAR INDEX"}  # the 2024 results of what 2025 serves
    (target,) = built["2025"]["rank_targets"]
    assert (target["task"], target["index"]) == ("II.2", "PAPI")
    assert (target["verdict"], target["missing"]) == ("not_published", [2025])
    exported = json.loads(cli("-d", str(shapes), "export", "--view", "all", "-f", "json").stdout)
    assert {row["directive"] for row in exported["tasks"]} == {"2024", "2025"}


@pytest.mark.parametrize(("rank", "verdict"), [(17, "met"), (19, "missed")])
def test_the_rank_target_is_judged_by_the_result_of_its_year(
    cli: Invoke, shapes: Path, rank: int, verdict: str
) -> None:
    done = cli(
        "-d", str(shapes), "record-result", "--index", "PAPI", "--year", "2025",
        "--rank", str(rank), "--of", "34", "--source", "Công văn số 9/UBND-NC ngày 5/5/2026",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    built = json.loads(
        cli(
            "-d", str(shapes), "--directive", "2025", "report", "--period", "2025", "-f", "json"
        ).stdout
    )
    (target,) = built["rank_targets"]
    assert target["verdict"] == verdict
