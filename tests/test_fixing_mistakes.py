"""Fixing a mistake: `correct --agency`, a history in the user's words, and
entries that cannot be true refused (those only unlikely, said).

Each test asserts what a user notices: what status and history show, the
message on stderr, the exit code, and, when a command refuses, a ledger
byte for byte as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke, below_workspace_line
from tests.test_bulk_entry import _csv

LEDGER = "ledger_2024.yaml"
PIPED = {"COLUMNS": None}  # stdout is CliRunner's buffer: a pipe, not a terminal


@pytest.fixture
def ws(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace made by `parledger init`, named by $PARLEDGER_DATA."""
    folder = tmp_path / "ws"
    assert cli("init", str(folder)).exit_code == 0
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    return folder


def _ledger(ws: Path) -> bytes:
    return (ws / LEDGER).read_bytes()


def _ok(cli: Invoke, *args: str) -> str:
    """Run a command that writes one entry; the new entry's id."""
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    return result.stdout.split()[1].rstrip(":")


def _refused(cli: Invoke, ws: Path, *args: str) -> str:
    """Run a command that must refuse: exit 2, one line on stderr, nothing written."""
    before = _ledger(ws)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("parledger: error: ") and result.stderr.count("\n") == 1
    assert _ledger(ws) == before
    return result.stderr


def _warned(cli: Invoke, *args: str) -> str:
    """Run a command that writes its entry with one warning; the warning."""
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("recorded e-")
    assert result.stderr.startswith("parledger: warning: ") and result.stderr.count("\n") == 1
    return result.stderr


def _row(cli: Invoke, agency: str, task: str) -> dict[str, Any]:
    result = cli("status", "--agency", agency, "--format", "json")
    assert result.exit_code == 0, result.output
    return next(row for row in json.loads(result.stdout) if row["task"] == task)


def _append_line(ws: Path, entry: dict[str, Any]) -> None:
    line = "- " + json.dumps(entry, ensure_ascii=False) + "\n"
    with (ws / LEDGER).open("a", encoding="utf-8") as ledger:
        ledger.write(line)


def _entry(entry_id: str, **fields: Any) -> dict[str, Any]:
    base = {"id": entry_id, "task": "I.1.1", "agency": "so-noi-vu", "date": "2024-06-15",
            "recorded": "2024-06-15T08:00:00Z", "by": "Nguyễn Thị Mai"}  # fmt: skip
    return base | fields


# -- correct --agency -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Sở Tư pháp", "STP", "so tu phap", "SỞ TƯ PHÁP", "so-tu-phap"])
def test_a_report_corrected_to_another_agency_moves_in_status(
    cli: Invoke, ws: Path, name: str
) -> None:
    reported = _ok(
        cli, "record", "I.1.1", "--agency", "SNV", "--status", "in_progress",
        "--percent", "60", "--date", "15/6/2024",
    )  # fmt: skip
    assert _row(cli, "SNV", "I.1.1")["percent"] == 60  # read once: the cache knows it

    _ok(cli, "correct", reported, "--agency", name, "--reason", "Sở Tư pháp báo cáo")

    snv, stp = _row(cli, "SNV", "I.1.1"), _row(cli, "STP", "I.1.1")
    assert (snv["status"], snv["percent"], snv["entry"]) == ("not_started", None, None)
    assert (stp["status"], stp["percent"], stp["entry"]) == ("in_progress", 60, reported)
    assert cli("validate").exit_code == 0
    shown = cli("history", "I.1.1", env=PIPED).stdout
    assert f"corrects {reported}: agency so-tu-phap; reason: Sở Tư pháp báo cáo" in shown


def test_an_assignment_corrected_to_another_agency_takes_its_due_date_along(
    cli: Invoke, ws: Path
) -> None:
    assigned = _ok(cli, "assign", "I.1.1", "-a", "SNV", "--due", "30/9/2024", "--date", "1/6/2024")
    assert _row(cli, "SNV", "I.1.1")["due"] == "2024-09-30"

    _ok(cli, "correct", assigned, "-a", "Sở Tư pháp", "--reason", "Giao nhầm cơ quan")

    assert _row(cli, "SNV", "I.1.1")["due"] is None
    assert _row(cli, "STP", "I.1.1")["due"] == "2024-09-30"
    # history --agency finds the correction under the agency it moved the fact to
    trail = json.loads(cli("history", "--agency", "STP", "--format", "json").stdout)
    assert [record["kind"] for record in trail] == ["correction"]


def test_a_moved_report_corrected_again_stays_with_its_new_agency(cli: Invoke, ws: Path) -> None:
    reported = _ok(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--percent", "60",
        "--date", "15/6/2024",
    )  # fmt: skip
    moved = _ok(cli, "correct", reported, "-a", "STP", "--reason", "nhầm cơ quan")
    _ok(cli, "correct", moved, "--percent", "70", "--reason", "Báo cáo ghi 70%")

    assert _row(cli, "STP", "I.1.1")["percent"] == 70
    assert _row(cli, "SNV", "I.1.1")["status"] == "not_started"
    assert cli("validate").exit_code == 0


def test_a_correction_of_the_agency_is_refused_when_it_cannot_stand(cli: Invoke, ws: Path) -> None:
    reported = _ok(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "15/6/2024"
    )
    reason = ("--reason", "nhầm")
    message = _refused(cli, ws, "correct", reported, "-a", "Sở Nội vụ", *reason)
    assert "is about so-noi-vu already" in message
    message = _refused(cli, ws, "correct", reported, "-a", "group:ubnd-cap-huyen", *reason)
    assert "progress is recorded for one agency, not a group" in message
    # Báo Hưng Yên owes nothing of part I.1: it must be assigned first
    message = _refused(cli, ws, "correct", reported, "-a", "Báo Hưng Yên", *reason)
    assert "does not owe I.1.1" in message and "parledger assign I.1.1" in message
    message = _refused(cli, ws, "correct", reported, "-a", "Sở Không Có", *reason)
    assert "Sở Không Có" in message


def test_validate_reports_a_correction_moving_a_fact_to_an_unknown_agency(
    cli: Invoke, ws: Path
) -> None:
    _append_line(ws, _entry("e-00000000000a", kind="progress", status="in_progress"))
    correction = _entry(
        "e-00000000000b", kind="correction", supersedes="e-00000000000a", reason="nhầm",
        fact_agency="so-khong-co",
    )  # fmt: skip
    _append_line(ws, correction)
    result = cli("validate")
    assert result.exit_code == 1
    line = (ws / LEDGER).read_text(encoding="utf-8").count("\n")
    assert f"{LEDGER}:{line}:" in result.stdout
    assert "unknown-agency: entry e-00000000000b: agency 'so-khong-co'" in result.stdout


# -- history in the user's words -------------------------------------------------------


SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_history_speaks_the_words_of_the_tables_not_the_ledgers_fields(
    cli: Invoke, ws: Path
) -> None:
    assigned = _ok(cli, "assign", "I.1.1", "-a", "SNV", "--due", "30/9/2024", "--date", "1/6/2024")
    reported = _ok(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "not_started", "--date", "2/6/2024"
    )
    _ok(cli, "correct", reported, "--status", "in_progress", "--percent", "40",
        "--date", "3/6/2024", "-e", "200/BC-SNV ngày 01/6/2024",
        "--reason", "Báo cáo 200/BC-SNV")  # fmt: skip
    _ok(cli, "correct", assigned, "--due", "31/10/2024", "--role", "lead", "--reason", "Gia hạn")

    shown = below_workspace_line(cli("history", env=PIPED).stdout)
    assert not SNAKE_CASE.findall(shown), shown
    assert "not started" in shown
    assert (
        f"corrects {reported}: date 03/06/2024, status in progress, percent 40%, "
        "evidence 200/BC-SNV ngày 01/6/2024; reason: Báo cáo 200/BC-SNV"
    ) in shown
    assert f"corrects {assigned}: role lead, due 31/10/2024; reason: Gia hạn" in shown

    vietnamese = below_workspace_line(cli("history", "--lang", "vi", env=PIPED).stdout)
    assert (
        f"đính chính {reported}: ngày 03/06/2024, tình trạng đang thực hiện, tỷ lệ 40%, "
        "tài liệu kiểm chứng 200/BC-SNV ngày 01/6/2024; lý do: Báo cáo 200/BC-SNV"
    ) in vietnamese
    assert "vai trò thực hiện; hạn 30/09/2024" in vietnamese
    assert "chưa thực hiện" in vietnamese and vietnamese.rstrip().endswith("4 bản ghi")
    assert "recorded" not in vietnamese and "người ghi: " in vietnamese


def test_history_files_take_the_language_but_json_stays_english(cli: Invoke, ws: Path) -> None:
    _ok(cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "2/6/2024")
    csv_vi = cli("history", "--format", "csv", "--lang", "vi").stdout
    header, row = csv_vi.splitlines()
    assert header.startswith("Thời điểm ghi,Người ghi,Mã,")
    assert row.endswith(",Đang thực hiện") or row.endswith(",đang thực hiện")
    data = json.loads(cli("history", "--format", "json", "--lang", "vi").stdout)
    assert data[0]["details"] == "in progress"


LONG_NOTE = (
    "Chưa hoàn thành vì các đơn vị phối hợp chưa gửi báo cáo, cần thêm thời gian để "
    "tổng hợp số liệu của mười huyện, thị xã, thành phố và các sở, ban, ngành liên quan"
)


def test_a_long_note_wraps_under_the_entrys_text_at_80_columns(cli: Invoke, ws: Path) -> None:
    _ok(cli, "record", "I.1.1", "-a", "SNV", "--status", "blocked", "--note", LONG_NOTE,
        "--date", "2/6/2024")  # fmt: skip
    result = cli("history", env={"COLUMNS": "80"})
    lines = below_workspace_line(result.stdout).splitlines()
    assert len(lines) > 4  # the note took more than one line
    heading, *body, count = lines
    assert heading.startswith("e-") and count == "1 entry"
    assert all(line.startswith("    ") and len(line) <= 80 for line in body), body
    said = " ".join(line.strip() for line in body[1:])
    assert said == f"blocked; note: {LONG_NOTE}"


def test_piped_history_keeps_a_long_note_whole_on_its_line(cli: Invoke, ws: Path) -> None:
    _ok(cli, "record", "I.1.1", "-a", "SNV", "--status", "blocked", "--note", LONG_NOTE,
        "--date", "2/6/2024")  # fmt: skip
    lines = below_workspace_line(cli("history", env=PIPED).stdout).splitlines()
    assert lines[2] == f"    blocked; note: {LONG_NOTE}"
    assert len(lines) == 4


# -- what cannot be true is refused, what is unlikely is said -----------------------------


@pytest.mark.parametrize(
    ("status", "percent", "words"),
    [
        ("not_started", "50", "status not_started with 50%: work not yet started"),
        ("chưa thực hiện", "10", "status not_started with 10%"),
        ("not_applicable", "30", "status not_applicable with 30%: a task that does not apply"),
        ("done", "0", "done means 100%"),
    ],
)
def test_a_report_that_cannot_be_true_is_refused_and_nothing_is_written(
    cli: Invoke, ws: Path, status: str, percent: str, words: str
) -> None:
    message = _refused(
        cli, ws, "record", "I.1.1", "-a", "SNV", "--status", status, "--percent", percent
    )
    assert words in message


def test_a_report_at_100_percent_not_done_is_written_with_a_warning(cli: Invoke, ws: Path) -> None:
    before = _ledger(ws)
    warning = _warned(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--percent", "100",
        "--date", "2/6/2024",
    )  # fmt: skip
    assert "status in_progress at 100%: if the work is finished, record it as done" in warning
    assert len(_ledger(ws)) > len(before)
    assert _row(cli, "SNV", "I.1.1")["percent"] == 100
    assert cli("validate").exit_code == 0


def test_an_assignment_due_before_its_date_is_written_with_a_warning(cli: Invoke, ws: Path) -> None:
    warning = _warned(
        cli, "assign", "I.1.1", "-a", "SNV", "--due", "1/3/2024", "--date", "1/6/2024"
    )
    assert "due 01/03/2024 is before the assignment's date 01/06/2024" in warning
    assert "give that day with --date" in warning
    assert _row(cli, "SNV", "I.1.1")["due"] == "2024-03-01"


def test_a_fact_dated_before_the_directive_is_said_when_the_directive_has_a_date(
    cli: Invoke, ws: Path
) -> None:
    # The bundled directive leaves its day blank ("ngày   tháng   năm 2024"):
    # the rule holds only for a directive that states one.
    _ok(cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "1/1/2024")
    path = ws / "directive_2024.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  year: 2024\n", "  year: 2024\n  date: 2024-06-10\n", 1), "utf-8"
    )
    warning = _warned(
        cli, "record", "I.1.2", "-a", "SNV", "--status", "in_progress", "--date", "1/6/2024"
    )
    assert "dated 01/06/2024, before the directive was issued (10/06/2024)" in warning
    _ok(cli, "record", "I.1.2", "-a", "SNV", "--status", "in_progress", "--date", "11/6/2024")


def test_a_correction_must_leave_a_fact_that_can_be_true(cli: Invoke, ws: Path) -> None:
    reported = _ok(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--percent", "60",
        "--date", "2/6/2024",
    )  # fmt: skip
    message = _refused(cli, ws, "correct", reported, "--status", "not_started", "--reason", "x")
    assert "status not_started with 60%" in message
    assert f"entry {reported} says 60%: give --percent too" in message
    _refused(cli, ws, "correct", reported, "--status", "not_applicable", "--percent", "5",
             "--reason", "x")  # fmt: skip

    _ok(cli, "correct", reported, "--status", "not_started", "--percent", "0", "--reason", "x")
    assert _row(cli, "SNV", "I.1.1")["status"] == "not_started"


def test_a_report_corrected_to_done_is_done_at_100_percent(cli: Invoke, ws: Path) -> None:
    reported = _ok(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--percent", "40",
        "--date", "2/6/2024",
    )  # fmt: skip
    _ok(cli, "correct", reported, "--status", "done", "--reason", "Đã hoàn thành")
    row = _row(cli, "SNV", "I.1.1")
    assert (row["status"], row["percent"]) == ("done", 100)


def test_a_correction_leaving_something_unlikely_is_written_with_a_warning(
    cli: Invoke, ws: Path
) -> None:
    reported = _ok(
        cli, "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--percent", "40",
        "--date", "2/6/2024",
    )  # fmt: skip
    warning = _warned(cli, "correct", reported, "--percent", "100", "--reason", "Báo cáo ghi 100%")
    assert "status in_progress at 100%" in warning
    assigned = _ok(cli, "assign", "I.1.1", "-a", "SNV", "--due", "30/9/2024", "--date", "1/6/2024")
    warning = _warned(cli, "correct", assigned, "--date", "1/10/2024", "--reason", "Giao muộn")
    assert "due 30/09/2024 is before the assignment's date 01/10/2024" in warning


# -- bulk entry: the same rules, row by row ----------------------------------------------


def test_bulk_rows_that_cannot_be_true_are_named_and_nothing_is_written(
    cli: Invoke, ws: Path, tmp_path: Path
) -> None:
    source = _csv(
        tmp_path / "reports.csv",
        ["task", "agency", "status", "percent", "date"],
        [
            ["I.1.1", "SNV", "in_progress", "30", "2/6/2024"],
            ["I.1.2", "SNV", "Chưa thực hiện", "50", "2/6/2024"],
            ["I.1.3", "SNV", "not_applicable", "20", "2/6/2024"],
        ],
    )
    before = _ledger(ws)
    result = cli("record", "--from", str(source))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{source}:3: status not_started with 50%")
    assert lines[1].startswith(f"{source}:4: status not_applicable with 20%")
    assert "2 of 3 rows refused; nothing was written" in lines[2]
    assert _ledger(ws) == before


def test_bulk_rows_that_are_only_unlikely_are_written_and_each_is_said(
    cli: Invoke, ws: Path, tmp_path: Path
) -> None:
    reports = _csv(
        tmp_path / "reports.csv",
        ["task", "agency", "status", "percent", "date"],
        [
            ["I.1.1", "SNV", "in_progress", "30", "2/6/2024"],
            ["I.1.2", "SNV", "Đang thực hiện", "100", "2/6/2024"],
        ],
    )
    result = cli("record", "--from", str(reports))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("recorded 2 entries")
    assert result.stderr == (
        f"parledger: warning: {reports}:3: status in_progress at 100%: if the work is finished, "
        "record it as done (with its evidence)\n"
    )
    deadlines = _csv(
        tmp_path / "deadlines.csv",
        ["task", "agency", "due", "date"],
        [["I.1.1", "SNV", "1/3/2024", "1/6/2024"]],
    )
    result = cli("assign", "--from", str(deadlines))
    assert result.exit_code == 0, result.output
    # the single command's option is the sheet's column
    assert f"{deadlines}:2: due 01/03/2024 is before" in result.stderr
    assert "give that day with date" in result.stderr


# -- a hand-edited ledger: validate applies the same rules ---------------------------------


def test_validate_reports_a_fact_that_cannot_be_true_at_its_line(cli: Invoke, ws: Path) -> None:
    _append_line(ws, _entry("e-00000000000a", kind="progress", status="in_progress", percent=100))
    _append_line(ws, _entry("e-00000000000b", kind="progress", status="not_started", percent=50))
    _append_line(ws, _entry("e-00000000000c", kind="assign", due="2024-03-01"))
    lines = (ws / LEDGER).read_text(encoding="utf-8").count("\n")

    result = cli("validate")

    assert result.exit_code == 1
    problems = result.stdout.splitlines()
    # only the impossible one: an unlikely fact is no problem
    assert len(problems) == 1
    assert problems[0].startswith(f"{ws / LEDGER}:{lines - 1}:")
    assert "impossible-fact: entry e-00000000000b: status not_started with 50%" in problems[0]
    status = cli("status", "-a", "SNV")
    assert status.exit_code == 1 and "Traceback" not in status.output


def test_validate_reports_a_correction_that_leaves_an_impossible_fact(
    cli: Invoke, ws: Path
) -> None:
    _append_line(ws, _entry("e-00000000000a", kind="progress", status="in_progress", percent=40))
    correction = {"kind": "correction", "supersedes": "e-00000000000a", "reason": "x",
                  "date": "2024-06-20"}  # fmt: skip
    _append_line(ws, _entry("e-00000000000b", **correction, status="not_started"))
    _append_line(ws, _entry("e-00000000000c", **correction, status="done"))
    lines = (ws / LEDGER).read_text(encoding="utf-8").count("\n")

    result = cli("validate")

    assert result.exit_code == 1
    problems = result.stdout.splitlines()
    assert len(problems) == 2, problems
    # each at the correction's line: the first leaves "not started at 40%";
    # the second, 'done' over 40%, cannot be applied at all
    assert problems[0].startswith(f"{ws / LEDGER}:{lines - 1}:")
    assert (
        "impossible-fact: entry e-00000000000b leaves entry e-00000000000a saying "
        "status not_started with 40%"
    ) in problems[0]
    assert problems[1].startswith(f"{ws / LEDGER}:{lines}:")
    assert "invalid-correction: entry e-00000000000c" in problems[1]
    # status (which read the same ledger with a traceback before) refuses it too
    status = cli("status", "-a", "SNV")
    assert status.exit_code == 1 and "Traceback" not in status.output


# -- correct --help ------------------------------------------------------------------------


def test_correct_help_shows_examples_each_on_its_line(cli: Invoke) -> None:
    result = cli("correct", "--help", env={"COLUMNS": "100"})
    assert result.exit_code == 0
    text = result.stdout
    assert "Examples:" in text and "--agency" in text
    examples = [line.strip() for line in text.splitlines() if "parledger correct e-" in line]
    assert len(examples) == 4
    assert any("-a STP" in line for line in examples)
    assert any("--void" in line for line in examples)
