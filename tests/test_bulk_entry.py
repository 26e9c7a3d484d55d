"""Bulk entry: `record --from FILE` and `assign --from FILE`.

A CSV file or an Excel sheet in the columns `export` writes; every row one
entry exactly as the single command writes it; every row checked first and
nothing written unless all are good; all of them appended in one write.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from parledger.store import journal
from tests.conftest import Invoke
from tests.test_legacy import to_tcvn3

RECORD_COLUMNS = ["task", "agency", "status", "percent", "evidence", "note", "date"]


def _csv(path: Path, header: list[str], rows: list[list[str]], *, bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


def _ledger(workspace: Path) -> Path:
    return workspace / "ledger_2024.yaml"


def _entries(workspace: Path) -> list[dict[str, Any]]:
    lines = _ledger(workspace).read_text(encoding="utf-8").splitlines()
    return [json.loads(line[2:]) for line in lines if line.startswith("- {")]


# Facts these tests date in 2024 are judged as of the end of that year: today,
# some of those agencies have ended and others took their tasks over (the
# registry's events), and a fact of 2024 about a successor is refused.
IN_2024 = ("--as-of", "2024-12-31")


def _pairs(cli: Invoke, workspace: Path, *extra: str) -> list[tuple[str, str]]:
    """Every owed (task, agency) pair, from status as export writes it."""
    result = cli("--data-dir", str(workspace), "export", "--format", "json", *extra)
    return [(row["task"], row["agency"]) for row in json.loads(result.stdout)]


def _status(cli: Invoke, workspace: Path, *extra: str) -> dict[tuple[str, str], Any]:
    result = cli("--data-dir", str(workspace), "export", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return {(row["task"], row["agency"]): row for row in json.loads(result.stdout)}


def test_five_hundred_rows_are_recorded_by_one_command_in_one_write(
    cli: Invoke, workspace_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = _pairs(cli, workspace_dir, *IN_2024)[:500]
    assert len(pairs) == 500
    rows = [
        [
            task,
            agency,
            "Đang thực hiện",
            str(10 + i % 80),
            "200/BC-SNV ngày 15/6/2024",
            "",
            "1/7/2024",
        ]
        for i, (task, agency) in enumerate(pairs)
    ]
    source = _csv(tmp_path / "reports.csv", RECORD_COLUMNS, rows)
    appends = []
    original = journal.append

    def counted(*args: Any, **kwargs: Any) -> Any:
        appends.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(journal, "append", counted)
    result = cli("--data-dir", str(workspace_dir), "record", "--from", str(source))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"recorded 500 entries from {source}\n"
    assert len(appends) == 1  # one write under the lock, not 500
    assert len(_entries(workspace_dir)) == 500

    history = cli("--data-dir", str(workspace_dir), "history", "--format", "json")
    assert len(json.loads(history.stdout)) == 500
    state = _status(cli, workspace_dir, *IN_2024)
    for i, pair in enumerate(pairs):
        assert state[pair]["status"] == "in_progress"
        assert state[pair]["percent"] == 10 + i % 80
        assert state[pair]["evidence"] == ["200/BC-SNV ngày 15/6/2024"]
        assert state[pair]["last_update"] == "2024-07-01"
    # What the cache remembered of the write is what a full read finds.
    assert state == _status_without_cache(cli, workspace_dir, *IN_2024)


def _status_without_cache(cli: Invoke, workspace: Path, *extra: str) -> dict[tuple[str, str], Any]:
    result = cli(
        "--data-dir", str(workspace), "export", "--format", "json", *extra,
        env={"PARLEDGER_NO_CACHE": "1"},
    )  # fmt: skip
    return {(row["task"], row["agency"]): row for row in json.loads(result.stdout)}


def test_three_bad_rows_are_all_named_and_nothing_is_written(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    ws = str(workspace_dir)
    first = cli("--data-dir", ws, "record", "I.1.1", "-a", "SNV", "--status", "in_progress")
    assert first.exit_code == 0, first.stderr
    before = _ledger(workspace_dir).read_bytes()
    pairs = _pairs(cli, workspace_dir, *IN_2024)[:10]
    rows = [[task, agency, "in_progress", "20", "", "", "1/7/2024"] for task, agency in pairs]
    rows[1][1] = "Sở Không Có"  # row 3: an unknown agency
    rows[4][3] = "150"  # row 6: a percent out of range
    rows[7][0] = "IX.9.9"  # row 9: no such task
    source = _csv(tmp_path / "reports.csv", RECORD_COLUMNS, rows)

    result = cli("--data-dir", ws, "record", "--from", str(source))
    assert result.exit_code == 2
    assert result.stdout == ""
    named = [line for line in result.stderr.splitlines() if line.startswith(f"{source}:")]
    assert [line.split(":")[1] for line in named] == ["3", "6", "9"]
    assert "unknown agency 'Sở Không Có'" in named[0]
    assert "percent 150 is outside 0–100" in named[1]
    assert "no task 'IX.9.9'" in named[2]
    assert "3 of 10 rows refused; nothing was written" in result.stderr
    assert _ledger(workspace_dir).read_bytes() == before


def test_an_exported_sheet_round_trips_through_excel(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    """Export the status sheet in Vietnamese, fill two rows in as an office
    would, give it back: those two rows are recorded, the others are not
    restated; given again, nothing is new."""
    ws = str(workspace_dir)
    plan = tmp_path / "plan.xlsx"
    exported = cli("--data-dir", ws, "export", "--format", "xlsx", "--lang", "vi", "-o", str(plan))
    assert exported.exit_code == 0, exported.stderr
    book = load_workbook(plan)
    sheet = book.active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Nhiệm vụ", "Cơ quan"]
    column = {name: headers.index(name) + 1 for name in ("Tình trạng", "%", "Tài liệu kiểm chứng")}
    edited = []
    for row, (status, percent) in ((2, ("Hoàn thành", None)), (5, ("đang thực hiện", 45))):
        sheet.cell(row, column["Tình trạng"], status)
        sheet.cell(row, column["%"], percent)
        sheet.cell(row, column["Tài liệu kiểm chứng"], "130/BC-VP; https://example.org/bc")
        edited.append((sheet.cell(row, 1).value, sheet.cell(row, 2).value))
    book.save(plan)

    result = cli("--data-dir", ws, "record", "--from", str(plan))
    assert result.exit_code == 0, result.stderr
    total = len(_pairs(cli, workspace_dir))
    assert result.stdout.startswith(f"recorded 2 entries from {plan}; {total - 2} of {total} rows")
    state = _status(cli, workspace_dir)
    assert state[edited[0]]["status"] == "done" and state[edited[0]]["percent"] == 100
    assert state[edited[1]]["status"] == "in_progress" and state[edited[1]]["percent"] == 45
    assert state[edited[1]]["evidence"] == ["130/BC-VP", "https://example.org/bc"]

    again = cli("--data-dir", ws, "record", "--from", str(plan))
    assert again.stdout.startswith("recorded 0 entries")
    assert len(_entries(workspace_dir)) == 2


def test_an_english_workbook_with_its_own_rows_is_read(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    """Headings as the English export writes them ('Task', '%'), a date as an
    Excel date, numbers as numbers, a blank row kept out but counted."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Task", "Agency", "Status", "%", "Date", "Note"])
    sheet.append(["I.1.1", "Sở Nội vụ", "In Progress", 30, dt.datetime(2024, 7, 1), "đợt 1"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["I.1.1", "snv", "done", 100.0, dt.datetime(2024, 8, 1), None])
    sheet.append(["I.1.1", "snv", "done", 0.8, dt.datetime(2024, 8, 2), None])
    path = tmp_path / "mine.xlsx"
    book.save(path)

    refused = cli("--data-dir", str(workspace_dir), "record", "--from", str(path))
    assert refused.exit_code == 2
    assert f"{path}:5: percent '0.8' is not a whole number" in refused.stderr
    assert "type 80" in refused.stderr

    sheet.delete_rows(5)
    book.save(path)
    result = cli("--data-dir", str(workspace_dir), "record", "--from", str(path))
    assert result.exit_code == 0, result.stderr
    entries = _entries(workspace_dir)
    assert [(e["status"], e["percent"], e["date"]) for e in entries] == [
        ("in_progress", 30, "2024-07-01"),
        ("done", 100, "2024-08-01"),
    ]
    assert entries[0]["note"] == "đợt 1"


def _without_stamps(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in ("id", "recorded")}


def test_rows_become_the_very_entries_the_single_commands_write(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    ws = str(workspace_dir)
    singles = [
        ["assign", "I.2.1", "--agency", "SNV", "--role", "support", "--due", "30/9/2024",
         "--date", "1/6/2024", "--note", "Kế hoạch 245/KH-UBND"],
        ["assign", "I.1.3", "--agency", "group:ubnd-cap-huyen", "--due", "2024-10-31",
         "--date", "2024-06-02"],
        ["record", "I.2.1", "--agency", "Sở Nội vụ", "--status", "Đang thực hiện",
         "--percent", "60", "-e", "200/BC-SNV ngày 15/6/2024", "-e", "https://example.org/x",
         "--note", "Đã họp  \n hai lần", "--date", "1/7/2024", "--by", "Nguyễn Thị Lan"],
        ["record", "I.1.1", "--agency", "so-noi-vu", "--status", "done", "--date", "2/7/2024"],
    ]  # fmt: skip
    for args in singles:
        result = cli("--data-dir", ws, *args)
        assert result.exit_code == 0, result.stderr
    written = [_without_stamps(e) for e in _entries(workspace_dir)]

    # The same facts as an office types them: Vietnamese headings in another
    # case, names instead of ids, words instead of keys; a BOM and semicolons.
    assignments = _csv(
        tmp_path / "assign.csv",
        ["NHIỆM VỤ", "cơ quan", "Vai trò", "Hạn", "Ngày", "Ghi chú"],
        [
            ["I.2.1", "SNV", "phối hợp", "30/9/2024", "1/6/2024", "Kế hoạch 245/KH-UBND"],
            ["i.1.3", "group:ubnd-cap-huyen", "", "2024-10-31", "2024-06-02", ""],
        ],
        bom=True,
    )
    text = assignments.read_text(encoding="utf-8").replace(",", ";")
    assignments.write_text(text, encoding="utf-8")
    reports = _csv(
        tmp_path / "record.csv",
        ["Nhiệm vụ", "Cơ quan", "Tình trạng", "%", "Tài liệu kiểm chứng", "Ghi chú", "Ngày",
         "Người ghi"],
        [
            ["I.2.1", "sở nội vụ", "dang thuc hien", "60%",
             "200/BC-SNV ngày 15/6/2024; https://example.org/x", "Đã họp  \n hai lần",
             "1/7/2024", "Nguyễn Thị Lan"],
            ["I.1.1", "so-noi-vu", "Hoàn thành", "", "", "", "2/7/2024", ""],
        ],
    )  # fmt: skip
    assert cli("--data-dir", ws, "assign", "--from", str(assignments)).exit_code == 0
    result = cli("--data-dir", ws, "record", "--from", str(reports))
    assert result.exit_code == 0, result.stderr
    from_files = [_without_stamps(e) for e in _entries(workspace_dir)[len(singles) :]]
    assert from_files == written


def test_from_is_exclusive_with_a_task_and_entry_options(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    source = _csv(tmp_path / "r.csv", RECORD_COLUMNS, [["I.1.1", "snv", "done", "", "", "", ""]])
    ws = str(workspace_dir)
    both = cli("--data-dir", ws, "record", "I.1.1", "--from", str(source), "--percent", "5")
    assert both.exit_code == 2
    assert "give it without TASK, --percent" in both.stderr
    assign = cli("--data-dir", ws, "assign", "--from", str(source), "--role", "lead")
    assert assign.exit_code == 2 and "without --role" in assign.stderr
    neither = cli("--data-dir", ws, "record", "--agency", "snv", "--status", "done")
    assert neither.exit_code == 2 and "Missing argument 'TASK'" in neither.stderr
    lonely = cli("--data-dir", ws, "record", "I.1.1", "-a", "snv", "--status", "done", "--dry-run")
    assert lonely.exit_code == 2 and "--dry-run go with --from" in lonely.stderr
    assert not _ledger(workspace_dir).exists()


def test_a_dry_run_checks_every_row_and_writes_nothing(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    rows = [["I.1.1", "snv", "done", "", "", "", "1/7/2024"]] * 3
    source = _csv(tmp_path / "r.csv", RECORD_COLUMNS, rows)
    result = cli("--data-dir", str(workspace_dir), "record", "--from", str(source), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would record 3 entries; nothing written (--dry-run)" in result.stdout
    assert not _ledger(workspace_dir).exists()


def test_columns_unknown_to_export_are_named_and_its_own_are_read_past(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    ws = str(workspace_dir)
    header = ["task", "agency", "status", "percnet", "Phân loại", "Ghi chu them"]
    source = _csv(tmp_path / "r.csv", header, [["I.1.1", "snv", "done", "", "x", ""]])
    result = cli("--data-dir", ws, "record", "--from", str(source))
    assert result.exit_code == 2
    assert f"{source}:1: unknown columns 'percnet', 'Ghi chu them'" in result.stderr
    # export's computed columns (category, title, last update …) are not entry fields.
    header = ["task", "agency", "status", "Phân loại", "Tên nhiệm vụ", "last update"]
    source = _csv(tmp_path / "r.csv", header, [["I.1.1", "snv", "done", "x", "y", "z"]])
    assert cli("--data-dir", ws, "record", "--from", str(source)).exit_code == 0
    missing = _csv(tmp_path / "m.csv", ["task", "agency", "percent"], [["I.1.1", "snv", "5"]])
    result = cli("--data-dir", ws, "record", "--from", str(missing))
    assert result.exit_code == 2 and "no status (Tình trạng) column" in result.stderr
    wrong = cli("--data-dir", ws, "assign", "--from", str(missing))
    assert wrong.exit_code == 2 and "did you mean 'parledger record --from'" in wrong.stderr


def test_a_legacy_encoded_file_gets_the_encoding_named(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "r.csv"
    source.write_bytes(b"task,agency,status\nI.1.1," + to_tcvn3("Sở Nội vụ") + b",done\n")
    result = cli("--data-dir", str(workspace_dir), "record", "--from", str(source))
    assert result.exit_code == 2
    assert f"{source}:2: the file is not UTF-8; it looks like TCVN3" in result.stderr
    assert not _ledger(workspace_dir).exists()


def test_a_workbook_of_several_sheets_needs_one_named(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    ws = str(workspace_dir)
    every = tmp_path / "all.xlsx"
    cli("--data-dir", ws, "export", "--format", "xlsx", "--view", "all", "-o", str(every))
    result = cli("--data-dir", ws, "assign", "--from", str(every))
    assert result.exit_code == 2
    assert "5 sheets (overview, status, report, tasks, history); choose one with --sheet" in (
        result.stderr
    )
    chosen = cli("--data-dir", ws, "assign", "--from", str(every), "--sheet", "status")
    assert chosen.exit_code == 0, chosen.stderr
    assert chosen.stdout.startswith("recorded 0 entries")  # nothing in it changed


def test_assign_from_the_status_sheet_writes_only_the_changed_due_dates(
    cli: Invoke, workspace_dir: Path, tmp_path: Path
) -> None:
    ws = str(workspace_dir)
    exported = cli("--data-dir", ws, "export", "--format", "csv")
    rows = list(csv.reader(io.StringIO(exported.stdout)))
    header, body = rows[0], rows[1:]
    due = header.index("due")
    body[0][due] = "31/12/2024"  # a group addressee: the role reads as none
    body[1][due] = "2024-11-30"  # the lead
    source = _csv(tmp_path / "plan.csv", header, body)
    result = cli("--data-dir", ws, "assign", "--from", str(source))
    assert result.exit_code == 0, result.stderr
    entries = _entries(workspace_dir)
    assert [(e["task"], e["agency"], e["role"], e["due"]) for e in entries] == [
        (body[0][0], body[0][1], "implement", "2024-12-31"),
        (body[1][0], body[1][1], "lead", "2024-11-30"),
    ]


def test_the_write_leaves_every_row_folded_in_for_the_next_run(
    cli: Invoke, workspace_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is told of all the entries of the one write: the next run
    hashes the ledger but parses none of it."""
    from parledger.store import cached, ledger

    ws = str(workspace_dir)
    cli("--data-dir", ws, "record", "I.1.1", "-a", "SNV", "--status", "in_progress")
    # Today's pairs but those of districts, which have ended with nobody named
    # to answer for them: a fact of today about them is refused.
    today = _status(cli, workspace_dir)
    pairs = [pair for pair, row in today.items() if "unresolved" not in row][:20]
    rows = [[task, agency, "blocked", "", "", "", ""] for task, agency in pairs]
    source = _csv(tmp_path / "r.csv", RECORD_COLUMNS, rows)
    assert cli("--data-dir", ws, "record", "--from", str(source)).exit_code == 0

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the ledger was parsed, or read whole")

    monkeypatch.setattr(ledger, "load", parse)
    monkeypatch.setattr(cached, "_read", parse)
    state = _status(cli, workspace_dir)
    assert all(state[pair]["status"] == "blocked" for pair in pairs)


def test_the_bundled_workspace_is_refused_before_the_file_is_read(
    cli: Invoke, tmp_path: Path
) -> None:
    source = _csv(tmp_path / "r.csv", ["nonsense"], [["x"]])
    result = cli("record", "--from", str(source))
    assert result.exit_code == 2
    assert "the bundled workspace is read-only" in result.stderr
