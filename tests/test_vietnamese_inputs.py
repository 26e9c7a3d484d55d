"""Vietnamese in, not only out: the words parledger prints are words it reads.

`--status`, `--category`, `--dimension` and `--kind` take the value, or the
English or Vietnamese word a table shows for it, in any case and with or
without tone marks (issue 15, "Vietnamese in, not only out").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.test_ledger import _snapshot


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("đang thực hiện", "in_progress"),
        ("ĐANG THỰC HIỆN", "in_progress"),
        ("dang thuc hien", "in_progress"),
        ("in progress", "in_progress"),
        ("DONE", "done"),
        ("Hoàn thành", "done"),
        ("Vướng mắc", "blocked"),
        ("Không áp dụng", "not_applicable"),
        ("not_started", "not_started"),
    ],
)
def test_record_takes_the_status_as_tables_print_it(
    cli: Invoke, workspace_dir: Path, typed: str, stored: str
) -> None:
    result = cli(
        "--data-dir", str(workspace_dir), "record", "I.1.1", "-a", "SNV",
        "--status", typed, "--date", "2024-06-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(
        cli("--data-dir", str(workspace_dir), "status", "-a", "SNV", "-f", "json").stdout
    )
    assert next(row for row in rows if row["task"] == "I.1.1")["status"] == stored


def test_an_unknown_status_lists_the_choices_in_both_languages(
    cli: Invoke, workspace_dir: Path
) -> None:
    before = _snapshot(workspace_dir)
    result = cli(
        "--data-dir", str(workspace_dir), "record", "I.1.1", "-a", "SNV", "--status", "xong"
    )
    assert result.exit_code == 2
    assert "'xong' is not a status" in result.stderr
    assert "in_progress (Đang thực hiện)" in result.stderr
    assert _snapshot(workspace_dir) == before


def test_correct_takes_a_vietnamese_status(cli: Invoke, workspace_dir: Path) -> None:
    first = cli(
        "--data-dir", str(workspace_dir), "record", "I.1.1", "-a", "SNV",
        "--status", "in_progress", "--date", "2024-06-01",
    )  # fmt: skip
    entry_id = first.stdout.split()[1].rstrip(":")
    fixed = cli(
        "--data-dir", str(workspace_dir), "correct", entry_id,
        "--status", "hoàn thành", "--reason", "Báo cáo ghi hoàn thành",
    )  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    assert "status done" in fixed.stdout


@pytest.mark.parametrize("typed", ["overdue", "Overdue", "quá hạn", "QUÁ HẠN", "qua han"])
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_category_takes_the_words_either_language_prints(
    cli: Invoke, workspace_dir: Path, typed: str, lang: str
) -> None:
    cli(
        "--data-dir", str(workspace_dir), "assign", "I.2.1", "-a", "SNV",
        "--due", "2024-06-30", "--date", "2024-06-01",
    )  # fmt: skip
    result = cli(
        "--data-dir", str(workspace_dir), "status", "-a", "SNV", "--category", typed,
        "--as-of", "2024-07-15", "--lang", lang, "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["task"] for row in rows] == ["I.2.1"]


@pytest.mark.parametrize("typed", ["đang thực hiện", "Đang thực hiện trong hạn", "in progress"])
def test_the_status_word_names_its_category(cli: Invoke, workspace_dir: Path, typed: str) -> None:
    cli(
        "--data-dir", str(workspace_dir), "record", "I.1.1", "-a", "SNV",
        "--status", "in_progress", "--date", "2024-06-01",
    )  # fmt: skip
    result = cli(
        "--data-dir", str(workspace_dir), "status", "-a", "SNV", "--category", typed, "-f", "json"
    )
    assert result.exit_code == 0, result.output
    assert [row["task"] for row in json.loads(result.stdout)] == ["I.1.1"]


def test_done_is_no_category_of_its_own(cli: Invoke) -> None:
    result = cli("status", "--category", "done")
    assert result.exit_code == 2
    assert "done_on_time (Hoàn thành đúng hạn), done_late" in result.stderr


def test_an_unknown_category_lists_the_choices(cli: Invoke) -> None:
    result = cli("status", "--category", "trễ")
    assert result.exit_code == 2
    assert "overdue (Quá hạn)" in result.stderr


@pytest.mark.parametrize("typed", ["District", "DISTRICT", " district "])
def test_agencies_kind_in_any_case(cli: Invoke, typed: str) -> None:
    result = cli("agencies", "--kind", typed, "-f", "json")
    assert result.exit_code == 0, result.output
    kinds = {row["kind"] for row in json.loads(result.stdout)}
    assert kinds == {"district"}


def test_agencies_lists_every_name_an_agency_answers_to(cli: Invoke) -> None:
    listed = json.loads(cli("agencies", "-f", "json").stdout)
    snv_plan = next(a for a in listed if a["id"] == "so-ke-hoach-dau-tu")
    assert snv_plan["short"] == ["SKHĐT", "Sở KH&ĐT"]
    van_lam = next(a for a in listed if a["id"] == "ubnd-huyen-van-lam")
    assert "Văn Lâm" in van_lam["aliases"]
    table = cli("agencies", "--kind", "district", env={"COLUMNS": None}).stdout
    line = next(line for line in table.splitlines() if "also:" in line and "Văn Lâm" in line)
    assert "Ủy ban nhân dân huyện Văn Lâm; huyện Văn Lâm; Văn Lâm" in line
    # and each of them is a name --agency takes
    for name in van_lam["aliases"]:
        shown = cli("status", "-a", name, "-f", "csv").stdout
        assert shown.splitlines()[1].split(",")[1] == "ubnd-huyen-van-lam"
