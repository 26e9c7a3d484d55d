"""Which workspace, and output that loses nothing (issue 15).

An analyst in a new shell or another folder must see which workspace a table
shows; a table piped to a file or asked for ``--wide`` must carry every value
whole; at 80 columns the agency table names each agency on one line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Invoke, below_workspace_line

PIPED = {"COLUMNS": None}  # stdout is CliRunner's buffer: a pipe, not a terminal


def _recorded(cli: Invoke, ws: Path) -> None:
    for args in (
        ("record", "I.1.3", "-a", "SNV", "--status", "in_progress", "--percent", "40",
         "--evidence", "200/BC-SNV ngày 15/6/2024", "--date", "2024-06-20"),
        ("assign", "I.1.4", "-a", "SNV", "--due", "2024-09-30", "--date", "2024-06-01"),
    ):  # fmt: skip
        assert cli("--data-dir", str(ws), *args).exit_code == 0


@pytest.mark.parametrize(
    "command",
    [["status"], ["status", "-a", "SNV"], ["tasks"], ["agencies"], ["refs"], ["report"],
     ["history"], ["show", "I.1.3"]],
)  # fmt: skip
def test_every_table_names_the_workspace_it_read(
    cli: Invoke, workspace_dir: Path, command: list[str]
) -> None:
    bundled = cli(*command, env=PIPED)
    chosen = cli("--data-dir", str(workspace_dir), *command, env=PIPED)
    from_env = cli(*command, env={**PIPED, "PARLEDGER_DATA": str(workspace_dir)})

    assert bundled.stdout.splitlines()[0] == (
        "Workspace: the bundled copy, read-only (see --data-dir, $PARLEDGER_DATA)"
    )
    assert chosen.stdout.splitlines()[0] == f"Workspace: {workspace_dir} (--data-dir)"
    assert from_env.stdout.splitlines()[0] == f"Workspace: {workspace_dir} ($PARLEDGER_DATA)"


def test_machine_formats_carry_no_workspace_line(cli: Invoke) -> None:
    for fmt in ("json", "csv", "jsonl"):
        assert "Workspace:" not in cli("status", "-f", fmt).stdout


def test_data_dir_after_the_command_reads_the_same_workspace(
    cli: Invoke, workspace_dir: Path
) -> None:
    _recorded(cli, workspace_dir)
    before = cli("--data-dir", str(workspace_dir), "status", "-a", "SNV", env=PIPED)
    after = cli("status", "-a", "SNV", "--data-dir", str(workspace_dir), env=PIPED)
    short = cli("status", "-a", "SNV", "-d", str(workspace_dir), env=PIPED)
    joined = cli("status", f"--data-dir={workspace_dir}", "-a", "SNV", env=PIPED)

    assert before.exit_code == 0
    assert "40" in before.stdout
    assert after.stdout == short.stdout == joined.stdout == before.stdout


def test_data_dir_after_the_command_without_a_folder_is_a_usage_error(cli: Invoke) -> None:
    result = cli("status", "--data-dir")
    assert result.exit_code == 2
    assert "--data-dir needs a folder" in result.stderr


def test_a_note_that_reads_like_the_option_stays_the_note(cli: Invoke, workspace_dir: Path) -> None:
    result = cli(
        "record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--date", "2024-06-01",
        "--note", "-d", "--data-dir", str(workspace_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    history = cli("--data-dir", str(workspace_dir), "export", "--view", "history", "-f", "json")
    assert "note: -d" in history.stdout


def test_a_relative_workspace_variable_that_is_not_there_is_an_error(cli: Invoke) -> None:
    result = cli("status", env={"PARLEDGER_DATA": "no-such-ws"})
    assert result.exit_code == 2
    assert "$PARLEDGER_DATA: no-such-ws is not a folder" in result.stderr
    assert result.stdout == ""


def test_init_suggests_a_variable_that_holds_from_any_folder(cli: Invoke) -> None:
    result = cli("init", "hy")
    assert result.exit_code == 0, result.output
    assert 'next: export PARLEDGER_DATA="$PWD/hy"  (or pass --data-dir hy)' in result.stdout


@pytest.mark.parametrize(
    "command",
    [["refs"], ["tasks"], ["status"], ["status", "-a", "SNV"], ["status", "-a", "SNV", "-w"],
     ["agencies"], ["history"], ["report", "--period", "2024-Q3"]],
)  # fmt: skip
def test_piped_tables_cut_nothing_and_end_no_line_in_spaces(
    cli: Invoke, workspace_dir: Path, command: list[str]
) -> None:
    _recorded(cli, workspace_dir)
    result = cli("--data-dir", str(workspace_dir), *command, env=PIPED)

    assert result.exit_code == 0, result.output
    assert not [line for line in result.stdout.splitlines() if line.endswith(" ")]
    # An ellipsis Rich adds to a cut value; the directive's own text has
    # "…" only in a handful of places, none at the end of a cell.
    assert not re.search(r"\w…( |$)", result.stdout, re.MULTILINE), result.stdout


def test_refs_piped_keeps_dates_and_the_tasks_column(cli: Invoke) -> None:
    out = below_workspace_line(cli("refs", env=PIPED).stdout)
    assert out.splitlines()[0].split()[-1] == "Tasks"
    assert re.search(r"\b15/04/2024\b", out)


def test_wide_at_80_columns_cuts_no_value(cli: Invoke, workspace_dir: Path) -> None:
    _recorded(cli, workspace_dir)
    result = cli("--data-dir", str(workspace_dir), "status", "-a", "SNV", "--wide",
                 env={"COLUMNS": "80"})  # fmt: skip
    row = next(line for line in result.stdout.splitlines() if line.startswith("I.1.3 "))
    assert "in progress" in row
    assert "20/06/2024" in row
    assert row.rstrip().endswith("200/BC-SNV ngày 15/6/2024")


@pytest.mark.parametrize("as_of", [(), ("--as-of", "2024-12-31")], ids=["today", "2024"])
def test_at_80_columns_each_agency_stays_on_one_line(cli: Invoke, as_of: tuple[str, ...]) -> None:
    # Today the districts and the merged departments are under a heading of
    # their own; at the end of 2024 every agency still existed.
    result = cli("status", *as_of, env={"COLUMNS": "80"})
    lines = below_workspace_line(result.stdout).splitlines()
    assert max(len(line) for line in lines) <= 80
    headings = {"Departments", "District UBNDs", "Other bodies", "No longer existing"}
    rows = [line for line in lines[3:] if line and not line.startswith("─")]
    # Every row but a group's heading and the count below holds the numbers.
    broken = [
        line
        for line in rows
        if line not in headings and not re.search(r"\d", line) and "agencies" not in line
    ]
    assert broken == []
    assert ("No longer existing" in rows) == (not as_of)
    # A long name gives way to a short form the registry knows, not a cut.
    assert any(line.startswith("Sở KH&ĐT " if as_of else "Sở NN&MT ") for line in rows)
    assert not any("…" in line for line in rows)


def test_piped_agency_table_names_every_agency_in_full(cli: Invoke) -> None:
    out = cli("status", "--as-of", "2024-12-31", env=PIPED).stdout  # before the mergers
    assert "Sở Kế hoạch và Đầu tư " in out
    assert "Sở Nông nghiệp và Phát triển nông thôn " in out
