"""The read-only commands, through the CLI, on the bundled and copied workspaces."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from parledger.cli import app
from tests.conftest import Invoke, below_workspace_line

COMMANDS = [
    "status", "report", "export", "validate", "tasks", "show", "agencies", "refs", "indices",
    "init", "assign", "unassign", "record", "correct", "history", "alias",
    "repair", "upgrade-ledger", "add-directive", "import", "git-setup", "resolve", "diff",
    "merge-driver", "diff-text", "results", "record-result",
]  # fmt: skip


def _no_traceback(result: object) -> None:
    text = getattr(result, "output", "") + getattr(result, "stderr", "")
    assert "Traceback" not in text


# -- help and version ------------------------------------------------------


def test_every_command_has_help(cli: Invoke) -> None:
    registered = {command.name for command in app.registered_commands}
    assert registered == set(COMMANDS)
    for name in COMMANDS:
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        usage, _, body = result.output.partition("\n\n")
        assert f"parledger {name}" in usage.lower() or name in usage
        assert len(body.strip()) > 40, f"{name} --help says too little"


def test_top_level_help_documents_exit_codes(cli: Invoke) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    assert "Exit codes: 0 ok, 1 data problems, 2 usage" in result.output


def test_version(cli: Invoke) -> None:
    from parledger import __version__

    result = cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"parledger {__version__}"


def test_python_dash_m_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parledger", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("parledger ")


SCRIPT = "import sys; sys.argv[0] = 'parledger'; from parledger.cli import main; main()"


@pytest.mark.parametrize(
    "args",
    [
        ["status", "-a", "SNV", "-f", "json"],
        ["-d", "{ws}", "status", "-a", "SNV", "-f", "csv"],
        ["--data-dir", "{ws}", "tasks", "--index", "SIPAS", "-f", "csv"],
        ["--data-dir={ws}", "agencies", "-f", "csv"],
        ["-d", "status", "validate"],  # a folder named like a command
        ["stat"],
        ["status", "--bogus"],
    ],
)
def test_the_console_script_runs_a_command_as_the_whole_app_does(
    cli: Invoke, workspace_dir: Path, tmp_path: Path, args: list[str]
) -> None:
    # The console script builds only the command it runs; what it prints,
    # and how it fails, must be what the app with every command gives.
    (tmp_path / "status").mkdir()  # cli and the script both run from tmp_path
    args = [arg.replace("{ws}", str(workspace_dir)) for arg in args]
    expected = cli(*args)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        expected.exit_code,
        expected.stdout,
        expected.stderr,
    )


@pytest.mark.parametrize("args", [["--help"], []])
def test_the_console_script_lists_every_command_when_none_is_named(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, check=False
    )
    listed = (done.stdout + done.stderr).split("Commands:")[1].split()
    assert all(info.name in listed for info in app.registered_commands)


# -- status ------------------------------------------------------------------


SNV_SPELLINGS = [
    "Sở Nội vụ",
    "so noi vu",
    "SỞ NỘI VỤ",
    unicodedata.normalize("NFD", "Sở Nội vụ"),
    "SNV",
    "so-noi-vu",
]


@pytest.mark.parametrize("spelling", SNV_SPELLINGS)
def test_status_accepts_every_spelling_of_an_agency(cli: Invoke, spelling: str) -> None:
    result = cli("status", "--agency", spelling, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["agency"] for row in rows} == {"so-noi-vu"}
    tasks = {row["task"]: row for row in rows}
    # The lead relations of part I section 2 reach the items they lead …
    for led in ["I.1.1", "I.1.4", "I.1.5"]:
        assert tasks[led]["lead"] is True, led
        assert "lead (I.2.1)" in tasks[led]["roles"]
    # … and its own items are there, as addressee.
    assert {"I.2.1", "III.3.1"} <= set(tasks)
    assert tasks["I.1.2"]["lead"] is False


def test_status_table_groups_by_index_with_roles(cli: Invoke) -> None:
    result = cli("status", "--agency", "Sở Nội vụ", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    out = below_workspace_line(result.stdout)
    assert out.startswith(
        "Sở Nội vụ (so-noi-vu): 17 tasks, 17 not started; lead on 3; "
        "1 without a report this period."
    )
    assert out.index("PAR INDEX") < out.index("SIPAS") < out.index("PAPI")
    i11 = next(line for line in out.splitlines() if line.strip().startswith("I.1.1 "))
    assert "Tổ chức thực hiện" in i11  # wide enough for titles
    assert " lead " in i11 and "not started" in i11
    assert "\x1b[" not in out  # piped: no ANSI codes
    narrow = cli("status", "--agency", "SNV", env={"COLUMNS": "80"}).stdout
    assert "Tổ chức thực hiện" not in narrow
    assert all(len(line) <= 80 for line in narrow.splitlines())


def test_status_district_owes_commune_tasks_through_itself(cli: Invoke) -> None:
    result = cli("status", "--agency", "Văn Lâm", "--format", "json")
    assert result.exit_code == 0
    tasks = {row["task"]: row for row in json.loads(result.stdout)}
    assert "I.1.5" in tasks
    assert "via UBND cấp xã" in tasks["III.2.1"]["roles"]
    assert "III.3.1" not in tasks


def test_status_index_filter(cli: Invoke) -> None:
    result = cli("status", "--agency", "SNV", "--index", "sipas", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows and {row["index"] for row in rows} == {"SIPAS"}


def test_status_overview_without_agency(cli: Invoke) -> None:
    result = cli("status", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_id = {row["agency"]: row for row in rows}
    assert by_id["so-noi-vu"]["tasks"] == by_id["so-noi-vu"]["not_started"] == "17"
    assert int(by_id["ubmttq-tinh"]["tasks"]) == 1  # II.3, a request
    assert int(by_id["ubnd-huyen-van-lam"]["tasks"]) == 23
    assert "bo-noi-vu" not in by_id  # cited, owes nothing
    table = cli("status", env={"COLUMNS": "80"}).stdout
    assert "Total" in table
    assert all(len(line) <= 80 for line in table.splitlines())


def test_unknown_agency_is_a_usage_error_with_suggestion(cli: Invoke) -> None:
    result = cli("status", "--agency", "So Noi Vuu")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown agency 'So Noi Vuu'" in lines[0]
    assert "Sở Nội vụ (so-noi-vu)" in lines[0]
    _no_traceback(result)


def test_ambiguous_agency_lists_candidates(cli: Invoke) -> None:
    result = cli("status", "--agency", "noi vu")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line
    assert "so-noi-vu" in line and "bo-noi-vu" in line


def test_empty_agency_is_refused(cli: Invoke) -> None:
    result = cli("status", "--agency", "")
    assert result.exit_code == 2
    assert "empty" in result.stderr


def test_a_group_for_status_is_its_members(cli: Invoke) -> None:
    result = cli("status", "--agency", "group:ubnd-cap-huyen", "-f", "json")
    assert result.exit_code == 0, result.stderr
    districts = {row["agency"] for row in json.loads(result.stdout)}
    assert len(districts) == 10
    assert {"ubnd-huyen-van-lam", "ubnd-tp-hung-yen"} <= districts
    table = cli("status", "--agency", "group:ubnd-cap-huyen").stdout
    assert table.count("(ubnd-") == 10  # each member's table, under its summary line


# -- tasks -------------------------------------------------------------------


def _tasks_json(cli: Invoke, *args: str) -> list[dict[str, object]]:
    result = cli("tasks", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def test_tasks_json_has_one_object_per_outline_node(cli: Invoke) -> None:
    nodes = _tasks_json(cli)
    assert len(nodes) == 3 + 6 + 47
    required = {"id", "parent", "index", "title", "text", "agencies", "lead", "refs", "targets"}
    for node in nodes:
        assert required <= set(node), node["id"]
        assert "dimension" in node
    by_id = {node["id"]: node for node in nodes}
    assert by_id["I.1.1"]["lead"] == ["so-noi-vu"]
    assert by_id["I.1.1"]["refs"] == [1]
    assert by_id["I.1.2"]["parent"] == "I.1"
    assert by_id["I.1.2"]["index"] == "PAR INDEX"
    assert "kiểm tra định kỳ hoặc đột xuất" in str(by_id["I.1.2"]["text"])
    assert by_id["III.2.7"]["dimension"] == ["environment"]
    assert "so-noi-vu" in by_id["I.1.1"]["agencies"]  # type: ignore[operator]


def test_tasks_json_is_deterministic(cli: Invoke) -> None:
    first = cli("tasks", "--format", "json").stdout
    second = cli("tasks", "--format", "json").stdout
    assert first == second


def test_tasks_index_filter(cli: Invoke) -> None:
    nodes = _tasks_json(cli, "--index", "PAPI")
    assert {node["index"] for node in nodes} == {"PAPI"}
    assert sum(1 for node in nodes if node["kind"] == "item") == 24


def test_tasks_unknown_index(cli: Invoke) -> None:
    result = cli("tasks", "--index", "GDP")
    assert result.exit_code == 2
    assert "PAR INDEX, SIPAS, PAPI" in result.stderr


@pytest.mark.parametrize("query", ["kiem tra dinh ky", "KIỂM TRA ĐỊNH KỲ", "Kiểm tra định kỳ"])
def test_tasks_search_ignores_case_and_accents(cli: Invoke, query: str) -> None:
    ids = [node["id"] for node in _tasks_json(cli, "--search", query)]
    assert "I.1.2" in ids


def test_tasks_agency_filter_keeps_only_owed_items(cli: Invoke) -> None:
    ids = {node["id"] for node in _tasks_json(cli, "--agency", "Thanh tra tỉnh")}
    assert "III.3.6" in ids
    assert "III.3.1" not in ids
    assert all(node_id.count(".") >= 1 for node_id in ids)


def test_tasks_csv_and_markdown(cli: Invoke) -> None:
    result = cli("tasks", "--format", "csv", "--index", "SIPAS")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["id"] == "II"
    assert any(row["id"] == "II.3" for row in rows)
    md = cli("tasks", "--format", "md", "--index", "SIPAS").stdout
    assert md.splitlines()[0].startswith("| Id ")
    assert md.count("\n") == len(rows) + 2


def test_tasks_table(cli: Invoke) -> None:
    result = cli("tasks", "--index", "sipas")
    assert result.exit_code == 0
    assert "II.2.3" in result.stdout
    assert "outline nodes" in result.stdout


# -- show --------------------------------------------------------------------


def test_show_item_in_full(cli: Invoke) -> None:
    result = cli("show", "i.1.2")
    assert result.exit_code == 0
    out = result.stdout
    assert "I.1.2" in out
    assert "Văn phòng UBND tỉnh thường xuyên theo dõi" in out
    # Square brackets in output are text, not Rich markup to be swallowed.
    assert "Lead (chủ trì)" in out
    assert "[vp-ubnd-tinh]" in out


def test_show_json_carries_footnotes_and_documents(cli: Invoke) -> None:
    result = cli("show", "I.1.1", "--format", "json")
    record = json.loads(result.stdout)
    assert record["footnotes"][0]["number"] == 1
    assert record["footnotes"][0]["text"].startswith("Chỉ thị số 28-CT/TU")
    assert "28-CT/TU" in record["documents"]
    assert record["owed_by"]


def test_show_unknown_id_suggests(cli: Invoke) -> None:
    result = cli("show", "I.1.11")
    assert result.exit_code == 2
    assert "no task 'I.1.11'" in result.stderr
    assert "I.1.1" in result.stderr
    _no_traceback(result)


# -- agencies and refs -----------------------------------------------------


def test_agencies_lists_registry_with_counts(cli: Invoke) -> None:
    result = cli("agencies", "--format", "json")
    records = {r["id"]: r for r in json.loads(result.stdout)}
    assert records["so-noi-vu"]["kind"] == "department"
    assert records["so-noi-vu"]["leads"] == 3
    assert records["bo-noi-vu"]["tasks"] == 0
    districts = cli("agencies", "--kind", "district", "--format", "json")
    assert len(json.loads(districts.stdout)) == 10


def test_agencies_groups_and_bad_kind(cli: Invoke) -> None:
    groups = json.loads(cli("agencies", "--groups", "--format", "json").stdout)
    by_id = {g["id"]: g for g in groups}
    assert by_id["ubnd-cap-xa"]["represented_by"] == "ubnd-cap-huyen"
    assert len(by_id["ubnd-cap-huyen"]["members"]) == 10
    result = cli("agencies", "--kind", "ministry")
    assert result.exit_code == 2
    assert "department" in result.stderr


def test_refs_lists_tasks_resting_on_a_document(cli: Invoke) -> None:
    result = cli("refs", "766/QĐ-TTg", "--format", "json")
    assert result.exit_code == 0
    (record,) = json.loads(result.stdout)
    assert {"I.1.3", "I.1.9"} <= set(record["tasks"])
    footnoted = json.loads(cli("refs", "28-ct/tu", "--format", "json").stdout)
    assert footnoted[0]["footnotes"] == [1]
    assert "I.1.1" in footnoted[0]["tasks"]


def test_refs_unknown_document(cli: Invoke) -> None:
    result = cli("refs", "999/QĐ-XYZ")
    assert result.exit_code == 2
    assert "no document '999/QĐ-XYZ'" in result.stderr


# -- validate and the workspace's location ----------------------------------


def test_validate_bundled_is_clean(cli: Invoke) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")
    assert "47 items" in result.stdout


def test_data_dir_option_env_and_cwd(cli: Invoke, workspace_dir: Path, tmp_path: Path) -> None:
    assert "(--data-dir)" in cli("--data-dir", str(workspace_dir), "validate").stdout
    env = {"PARLEDGER_DATA": str(workspace_dir)}
    assert "($PARLEDGER_DATA)" in cli("validate", env=env).stdout
    (tmp_path / "data").symlink_to(workspace_dir)
    assert "(./data)" in cli("validate").stdout


def test_data_dir_that_is_not_a_workspace(cli: Invoke, tmp_path: Path) -> None:
    result = cli("--data-dir", str(tmp_path), "tasks")
    assert result.exit_code == 2
    assert "holds no directive_*.yaml" in result.stderr
    missing = cli("--data-dir", str(tmp_path / "nope"), "tasks")
    assert missing.exit_code == 2
    assert "is not a folder" in missing.stderr


@pytest.mark.parametrize(
    ("command", "listed", "refused"),
    [
        ("report", ["table", "json", "jsonl", "csv", "md", "docx"], "xlsx"),
        ("export", ["csv", "json", "jsonl", "md", "xlsx"], "table"),
    ],
)
def test_format_help_lists_what_the_command_accepts(
    cli: Invoke, tmp_path: Path, command: str, listed: list[str], refused: str
) -> None:
    # Every format --help lists works; the one it leaves out is refused in one line.
    shown = re.search(r"--format <([a-z|]+)>", cli(command, "--help").stdout)
    assert shown is not None and shown[1].split("|") == listed
    for fmt in listed:
        target = tmp_path / f"out.{fmt}"
        result = cli(command, "--format", fmt, *(["-o", str(target)] * (fmt != "table")))
        assert result.exit_code == 0, (fmt, result.output)
        assert fmt == "table" or target.stat().st_size > 0
    result = cli(command, "--format", refused)
    assert result.exit_code == 2
    assert f"'{refused}' is not one of" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [["tasks"], ["agencies"], ["agencies", "--groups"], ["refs"], ["history"], ["status"],
     ["status", "-a", "SNV"], ["show", "I.1.1"]],
)  # fmt: skip
def test_excel_is_only_written_by_export(cli: Invoke, args: list[str]) -> None:
    result = cli(*args, "--format", "xlsx")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "export" in result.stderr or "table or json" in result.stderr
    _no_traceback(result)
