"""Status tables, reports and exports on a fixed scenario workspace.

The scenario is the bundled directive and registry with the ledger in
tests/data/scenario/.  Every text export is compared byte for byte with a
golden file in tests/golden/; after an intended change, regenerate them with
PARLEDGER_REGEN_GOLDEN=1 pytest tests/test_exports.py and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from parledger.model.periods import parse_period, quarter_of
from parledger.store.calendar import calendar
from parledger.store.workspace import Location, Source, bundled_root
from tests.conftest import ROOT, Invoke, below_workspace_line

SCENARIO = ROOT / "tests" / "data" / "scenario"
GOLDEN = ROOT / "tests" / "golden"
AS_OF = "2024-11-15"


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(bundled_root(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SCENARIO / "ledger_2024.yaml", folder / "ledger_2024.yaml")
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    monkeypatch.delenv("PARLEDGER_LANG", raising=False)
    return folder


GOLDEN_CASES = {
    "status.csv": ["export", "--format", "csv", "--as-of", AS_OF],
    "status-vi-bom.csv": ["export", "--format", "csv", "--bom", "--lang", "vi", "--as-of", AS_OF],
    "status.jsonl": ["export", "--format", "jsonl", "--as-of", AS_OF],
    "all.json": ["export", "--format", "json", "--view", "all", "--as-of", AS_OF],
    "overview.md": ["export", "--format", "md", "--view", "overview", "--as-of", AS_OF],
    "history.csv": ["history", "--format", "csv"],
    "report-2024-Q3.md": ["report", "--period", "2024-Q3", "--format", "md"],
    "report-2024-vi.md": ["report", "--period", "2024", "--format", "md", "--lang", "vi"],
    "report-2024-Q3.json": ["report", "--period", "2024-Q3", "--format", "json"],
    "status-snv.json": ["status", "--agency", "SNV", "--as-of", AS_OF, "--format", "json"],
    "tasks-papi.csv": ["tasks", "--index", "PAPI", "--format", "csv"],
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_exports_match_golden_files(cli: Invoke, scenario: Path, name: str) -> None:
    result = cli(*GOLDEN_CASES[name])
    assert result.exit_code == 0, result.output
    produced = result.stdout_bytes
    golden = GOLDEN / name
    if os.environ.get("PARLEDGER_REGEN_GOLDEN"):
        golden.write_bytes(produced)
    assert produced == golden.read_bytes(), f"{name} differs from {golden}"
    assert cli(*GOLDEN_CASES[name]).stdout_bytes == produced  # and again: same bytes


def test_golden_content_says_what_the_ledger_says(scenario: Path) -> None:
    # The golden files are checked by hand once; these facts keep them honest.
    lines = (GOLDEN / "status.jsonl").read_text(encoding="utf-8").splitlines()
    rows = {(r["task"], r["agency"]): r for r in map(json.loads, lines)}
    assert rows[("I.1.3", "vp-ubnd-tinh")]["category"] == "done_late"
    assert rows[("I.1.6", "so-ke-hoach-dau-tu")]["category"] == "overdue"
    assert rows[("I.2.1", "so-noi-vu")]["category"] == "done_on_time"
    assert rows[("I.1.1", "so-noi-vu")]["percent"] == 70  # the correction applied
    assert ("I.1.1", "so-y-te") not in rows  # unassigned
    assert rows[("III.3.14", "ubnd-huyen-van-lam")]["role"] == "support"
    vi = (GOLDEN / "status-vi-bom.csv").read_bytes()
    assert vi.startswith(b"\xef\xbb\xbf")
    assert "Hoàn thành quá hạn" in vi.decode("utf-8-sig")


def test_csv_bom_only_when_asked(cli: Invoke, scenario: Path) -> None:
    plain = cli("export", "--format", "csv", "--as-of", AS_OF).stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert plain.splitlines()[0].startswith(b"task,agency,name")


def test_xlsx_reads_back(cli: Invoke, scenario: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        result = cli(
            "export", "--format", "xlsx", "--view", "all", "-o", str(target), "--as-of", AS_OF
        )
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    book = load_workbook(first)
    assert book.sheetnames == ["overview", "status", "report", "tasks", "history"]
    sheet = book["status"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Task", "Agency", "Name"]
    assert all(c.font.bold for c in sheet[1])
    rows = {
        (r[0], r[1]): dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    late = rows[("I.1.3", "vp-ubnd-tinh")]
    assert late["Due"] == dt.datetime(2024, 9, 30)  # a date cell, not text
    assert late["Category"] == "done late"
    assert late["%"] == 100
    due_column = header.index("Due") + 1
    assert sheet.cell(row=2, column=due_column).number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["F"].width > 20  # titles get room
    assert len(rows) == len(
        cli("export", "--format", "jsonl", "--as-of", AS_OF).stdout.splitlines()
    )


def test_xlsx_in_vietnamese(cli: Invoke, scenario: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "vi.xlsx"
    assert (
        cli("export", "-f", "xlsx", "-o", str(target), "--lang", "vi", "--as-of", AS_OF).exit_code
        == 0
    )
    sheet = load_workbook(target)["status"]
    assert [c.value for c in sheet[1]][:2] == ["Nhiệm vụ", "Cơ quan"]
    categories = {row[12] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Hoàn thành quá hạn", "Quá hạn", "Chưa thực hiện"} <= categories


def test_output_is_written_atomically_and_replaces(
    cli: Invoke, scenario: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "state.csv"
    target.parent.mkdir()
    target.write_text("old content that is longer than nothing\n" * 1000)
    result = cli("export", "--format", "csv", "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert f"wrote {target}" in result.stderr
    assert target.read_bytes() == (GOLDEN / "status.csv").read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["state.csv"]  # no temp file left
    quiet = cli("export", "--format", "csv", "-o", str(target), "--as-of", AS_OF, "--quiet")
    assert quiet.stderr == ""


def test_piped_output_has_no_ansi_even_with_colour_words(cli: Invoke, scenario: Path) -> None:
    for args in (
        ["status", "--as-of", AS_OF],
        ["status", "-a", "VP UBND tỉnh", "--as-of", AS_OF],
        ["report", "--period", "2024-Q3"],
        ["history"],
    ):
        out = cli(*args).stdout
        assert "\x1b[" not in out, args
    table = cli("status", "-a", "VP UBND tỉnh", "--as-of", AS_OF).stdout
    assert "OVERDUE" not in table and "done late" in table  # meaning in words
    overdue = cli("status", "-a", "SKHĐT", "--as-of", AS_OF).stdout
    assert "OVERDUE" in overdue


def test_no_color_env_and_forced_terminal(cli: Invoke, scenario: Path) -> None:
    # Even when Rich is told it writes to a terminal, NO_COLOR removes colour.
    env = {"FORCE_COLOR": "1", "NO_COLOR": "1", "TTY_COMPATIBLE": "1"}
    out = cli("status", "-a", "SKHĐT", "--as-of", AS_OF, env=env).stdout
    assert "\x1b[3" not in out and "\x1b[1;31" not in out


def test_status_filters(cli: Invoke, scenario: Path) -> None:
    def rows(*args: str) -> list[dict[str, object]]:
        result = cli("status", "-a", "SKHĐT", "--as-of", AS_OF, "-f", "json", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert [r["task"] for r in rows("--category", "overdue")] == ["I.1.6"]
    assert {r["index"] for r in rows("--index", "SIPAS")} == {"SIPAS"}
    papi = json.loads(
        cli("status", "-a", "Văn Lâm", "-f", "json", "--dimension", "environment").stdout
    )
    assert [r["task"] for r in papi] == ["III.2.7"]
    bad = cli("status", "--category", "late-ish")
    assert bad.exit_code == 2 and "done_on_time" in bad.stderr


def test_overview_groups_and_totals(cli: Invoke, scenario: Path) -> None:
    rows = json.loads(cli("status", "--as-of", AS_OF, "-f", "json").stdout)
    groups = [r["group"] for r in rows]
    assert groups == sorted(
        groups, key=["departments", "districts", "communes", "other bodies"].index
    )
    vp = next(r for r in rows if r["agency"] == "vp-ubnd-tinh")
    assert (vp["done_late"], vp["tasks"]) == (1, 16)
    table = cli("status", "--as-of", AS_OF, env={"COLUMNS": "80"}).stdout
    assert "Departments" in table and "District UBNDs" in table and "Other bodies" in table
    assert "Total" in table
    assert "VP UBND tỉnh" in table  # abbreviated to fit 80 columns
    assert all(len(line) <= 80 for line in below_workspace_line(table).splitlines())
    wide = cli("status", "--as-of", AS_OF, "--wide", env={"COLUMNS": "160"}).stdout
    assert "Văn phòng Ủy ban nhân dân tỉnh" in wide  # full names
    assert "N/A" in wide and "this period" in wide  # and every column


def test_vietnamese_words(cli: Invoke, scenario: Path) -> None:
    out = cli("status", "-a", "VP UBND tỉnh", "--as-of", AS_OF, "--lang", "vi").stdout
    assert "Hoàn thành quá hạn" in out and "Nhiệm vụ" in out
    env = cli("status", "-a", "VP UBND tỉnh", "--as-of", AS_OF, env={"PARLEDGER_LANG": "vi"}).stdout
    assert env == out
    bad = cli("status", "--lang", "fr")
    assert bad.exit_code == 2 and "use 'vi' or 'en'" in bad.stderr


def test_report_table(cli: Invoke, scenario: Path) -> None:
    out = cli("report", "--period", "2024-Q3", env={"COLUMNS": "100"}).stdout
    assert "data from 15/06/2024 to 14/09/2024; report due 20/09/2024" in out
    assert "26/63" in out and "-14" in out
    assert "Environmental governance" in out
    assert "Continuous tasks with no report in the period" in out


def test_fail_on_conditions(cli: Invoke, scenario: Path) -> None:
    clean = cli("status", "-a", "SNV", "--as-of", AS_OF, "--fail-on", "overdue")
    assert clean.exit_code == 0
    overdue = cli("status", "--as-of", AS_OF, "--fail-on", "overdue", "--quiet")
    assert overdue.exit_code == 3
    assert overdue.stdout == ""
    assert overdue.stderr.strip() == "parledger: --fail-on: 1 overdue"
    stale = cli("report", "--period", "2024-Q3", "--fail-on", "stale", "-q")
    assert stale.exit_code == 3 and "without a report this period" in stale.stderr
    exported = cli("export", "-f", "csv", "--as-of", AS_OF, "--fail-on", "overdue")
    assert exported.exit_code == 3
    assert exported.stdout_bytes == (GOLDEN / "status.csv").read_bytes()  # output still made


def test_fail_on_invalid(cli: Invoke, scenario: Path) -> None:
    ledger = scenario / "ledger_2024.yaml"
    ledger.write_text(ledger.read_text() + "- id: e-000000000000\n  kind: progress\n")
    plain = cli("status")
    assert plain.exit_code == 1
    flagged = cli("status", "--fail-on", "invalid")
    assert flagged.exit_code == 3
    assert "ledger_2024.yaml:" in flagged.stderr


def test_period_windows() -> None:
    # The bundled calendar (data/periods.yaml): the Ministry's cut-offs.
    ministry = calendar(Location(bundled_root(), Source.BUNDLED))
    q1 = parse_period("2024-Q1", ministry)
    assert (q1.start, q1.end, q1.due) == (
        dt.date(2023, 12, 15),
        dt.date(2024, 3, 14),
        dt.date(2024, 3, 20),
    )
    h1 = parse_period("2024-h1", ministry)
    assert (h1.start, h1.end) == (dt.date(2023, 12, 15), dt.date(2024, 6, 14))
    q3 = parse_period("2024-Q3", ministry)
    assert (q3.start, q3.end) == (dt.date(2024, 6, 15), dt.date(2024, 9, 14))
    year = parse_period("2024", ministry)
    assert (year.start, year.end, year.due) == (
        dt.date(2023, 12, 15),
        dt.date(2024, 12, 14),
        dt.date(2024, 12, 20),
    )
    assert quarter_of(dt.date(2024, 12, 15), ministry).label == "2025-Q1"
    assert quarter_of(dt.date(2024, 3, 14), ministry).label == "2024-Q1"
    assert quarter_of(dt.date(2024, 3, 15), ministry).label == "2024-Q2"
    assert parse_period("2024-6m", ministry).label == "2024-H1"


def test_bad_period_is_a_usage_error(cli: Invoke, scenario: Path) -> None:
    result = cli("report", "--period", "Q3-2024")
    assert result.exit_code == 2
    assert "2024-Q1 … 2024-Q4" in result.stderr
