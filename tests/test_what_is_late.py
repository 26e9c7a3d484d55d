"""What is late, and who is behind (issue 15).

A task-level view across agencies (overdue, due within N days), the agencies
furthest behind in `report`, notes in status and exports, several --agency
and groups, and export's filters.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Invoke

AS_OF = "2024-09-20"
BLOCKED = "chờ Sở Tài chính cấp kinh phí"


@pytest.fixture
def ws(cli: Invoke, workspace_dir: Path) -> Path:
    """SNV owes I.1.4 by 30/9 (10 days left on AS_OF) and is overdue on
    III.3.1 (due 31/8, blocked, with a note); STP is overdue on I.1.5 (due
    15/9); SNV finished I.2.1 late, which is never chased."""
    for args in (
        ("assign", "I.1.4", "-a", "SNV", "--due", "2024-09-30", "--date", "2024-06-01"),
        ("assign", "III.3.1", "-a", "SNV", "--due", "2024-08-31", "--date", "2024-06-01"),
        ("record", "III.3.1", "-a", "SNV", "--status", "blocked", "--note", BLOCKED,
         "--date", "2024-08-15"),
        ("assign", "I.1.5", "-a", "STP", "--due", "2024-09-15", "--date", "2024-06-01"),
        ("assign", "I.2.1", "-a", "SNV", "--due", "2024-09-01", "--date", "2024-06-01"),
        ("record", "I.2.1", "-a", "SNV", "--status", "done", "--date", "2024-09-10"),
        ("assign", "I.1.6", "-a", "SNV", "--due", "2024-12-31", "--date", "2024-06-01"),
    ):  # fmt: skip
        result = cli("--data-dir", str(workspace_dir), *args)
        assert result.exit_code == 0, result.output
    return workspace_dir


def _json(cli: Invoke, ws: Path, *args: str) -> list[dict[str, object]]:
    result = cli("--data-dir", str(ws), *args, "-f", "json")
    assert result.exit_code == 0, result.output
    loaded: list[dict[str, object]] = json.loads(result.stdout)
    return loaded


def test_overdue_is_a_list_of_tasks_across_agencies(cli: Invoke, ws: Path) -> None:
    rows = _json(cli, ws, "status", "--category", "overdue", "--as-of", AS_OF)
    assert {(r["task"], r["agency"]) for r in rows} == {
        ("III.3.1", "so-noi-vu"),
        ("I.1.5", "so-tu-phap"),
    }
    table = cli("--data-dir", str(ws), "status", "--category", "quá hạn", "--as-of", AS_OF,
                env={"COLUMNS": None}).stdout  # fmt: skip
    lines = table.splitlines()
    assert lines[1] == "Overdue (as of 20/09/2024)"
    first, second = (line for line in lines if line.startswith(("III.3.1", "I.1.5")))
    # soonest due first, with the days late and the blocked task's note
    assert first.split()[:4] == ["III.3.1", "Sở", "Nội", "vụ"]
    assert "31/08/2024" in first and "20 late" in first and BLOCKED in first
    assert "15/09/2024" in second and "5 late" in second
    assert lines[-1] == "2 tasks of 2 agencies"


def test_due_within_lists_what_to_chase_and_nothing_done(cli: Invoke, ws: Path) -> None:
    rows = _json(cli, ws, "status", "--due-within", "14", "--as-of", AS_OF)
    assert {r["task"] for r in rows} == {"I.1.4", "I.1.5", "III.3.1"}
    # done late (I.2.1) is not chased; due after 4/10 (I.1.6) not yet
    assert not {"I.2.1", "I.1.6"} & {r["task"] for r in rows}
    table = cli("--data-dir", str(ws), "status", "--due-within", "14", "--as-of", AS_OF,
                env={"COLUMNS": None}).stdout  # fmt: skip
    order = [line.split()[0] for line in table.splitlines() if line.startswith("I")]
    assert order == ["III.3.1", "I.1.5", "I.1.4"]  # soonest due first
    assert "10 left" in next(line for line in table.splitlines() if line.startswith("I.1.4"))
    wider = _json(cli, ws, "status", "--due-within", "120", "--as-of", AS_OF)
    assert "I.1.6" in {r["task"] for r in wider}


def test_notes_appear_in_status_and_exports(cli: Invoke, ws: Path) -> None:
    rows = _json(cli, ws, "status", "-a", "SNV", "--as-of", AS_OF)
    assert next(r for r in rows if r["task"] == "III.3.1")["note"] == BLOCKED
    exported = cli("--data-dir", str(ws), "export", "--as-of", AS_OF).stdout
    found = [r for r in csv.DictReader(io.StringIO(exported)) if r["task"] == "III.3.1"]
    assert [r["note"] for r in found if r["agency"] == "so-noi-vu"] == [BLOCKED]
    wide = cli("--data-dir", str(ws), "status", "-a", "SNV", "--wide", "--as-of", AS_OF,
               env={"COLUMNS": None}).stdout  # fmt: skip
    assert BLOCKED in next(line for line in wide.splitlines() if line.startswith("III.3.1"))


def test_several_agencies_and_groups(cli: Invoke, ws: Path) -> None:
    both = _json(cli, ws, "status", "-a", "SNV", "-a", "Sở Tư pháp", "--as-of", AS_OF)
    assert {r["agency"] for r in both} == {"so-noi-vu", "so-tu-phap"}
    table = cli("--data-dir", str(ws), "status", "-a", "SNV", "-a", "STP").stdout
    assert "Sở Nội vụ (so-noi-vu):" in table and "Sở Tư pháp (so-tu-phap):" in table
    districts = _json(cli, ws, "status", "-a", "group:ubnd-cap-huyen", "-a", "SNV")
    assert len({r["agency"] for r in districts}) == 11
    overdue_here = _json(cli, ws, "status", "-a", "STP", "-a", "Văn Lâm", "-c", "overdue",
                         "--as-of", AS_OF)  # fmt: skip
    assert [(r["task"], r["agency"]) for r in overdue_here] == [("I.1.5", "so-tu-phap")]
    unknown = cli("--data-dir", str(ws), "status", "-a", "SNV", "-a", "Sở Không Có")
    assert unknown.exit_code == 2 and "Sở Không Có" in unknown.stderr


def test_export_takes_the_filters_of_status(cli: Invoke, ws: Path) -> None:
    args = ("-a", "SNV", "-a", "STP", "--category", "overdue", "--as-of", AS_OF)
    status = _json(cli, ws, "status", *args)
    exported = _json(cli, ws, "export", *args)
    assert exported == status
    papi = _json(cli, ws, "export", "-a", "Văn Lâm", "--index", "PAPI", "--dimension", "services")
    assert papi and {(r["index"], r["agency"]) for r in papi} == {("PAPI", "ubnd-huyen-van-lam")}
    assert all("services" in r["dimension"] for r in papi)  # type: ignore[operator]
    history = _json(cli, ws, "export", "--view", "history", "-a", "STP")
    assert {r["party"] for r in history} == {"so-tu-phap"}


def test_report_names_the_agencies_furthest_behind(cli: Invoke, ws: Path) -> None:
    result = cli("--data-dir", str(ws), "report", "--as-of", AS_OF, "-f", "json")
    behind = json.loads(result.stdout)["behind"]
    assert len(behind) == 5
    # one overdue each, before any agency with none overdue
    assert {(b["agency"], b["overdue"]) for b in behind[:2]} == {
        ("so-noi-vu", 1),
        ("so-tu-phap", 1),
    }
    assert behind[0]["stale"] >= behind[1]["stale"]
    assert all(b["overdue"] == 0 for b in behind[2:])
    assert [b["stale"] for b in behind[2:]] == sorted(
        (b["stale"] for b in behind[2:]), reverse=True
    )
    table = cli("--data-dir", str(ws), "report", "--as-of", AS_OF, env={"COLUMNS": None}).stdout
    assert "Furthest behind" in table
    md = cli("--data-dir", str(ws), "report", "--as-of", AS_OF, "-f", "md").stdout
    assert "## Furthest behind" in md and "| Sở Nội vụ " in md


def test_nothing_behind_says_so(cli: Invoke) -> None:
    # The bundled workspace before anything is due: continuous tasks only.
    report = json.loads(cli("report", "--period", "2024-Q3", "-f", "json").stdout)
    assert all(b["overdue"] == 0 for b in report["behind"])
    chased = cli("status", "--category", "overdue", "--as-of", "2024-07-01", "-f", "json")
    assert json.loads(chased.stdout) == []


def test_nothing_to_chase_is_one_line(cli: Invoke, ws: Path) -> None:
    out = cli("--data-dir", str(ws), "status", "--due-within", "3", "--as-of", "2024-07-01",
              env={"COLUMNS": None}).stdout  # fmt: skip
    assert out.splitlines()[1:] == ["Overdue or due by 04/07/2024 (as of 01/07/2024): no task."]


def test_a_note_of_two_lines_stays_on_its_row(cli: Invoke, ws: Path) -> None:
    recorded = cli(
        "--data-dir", str(ws), "record", "I.1.4", "-a", "SNV", "--status", "in_progress",
        "--note", "chờ số liệu\ncủa huyện", "--date", "2024-09-01",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    for args in (["--due-within", "30"], ["-a", "SNV", "--wide"]):
        out = cli("--data-dir", str(ws), "status", *args, "--as-of", AS_OF,
                  env={"COLUMNS": None}).stdout  # fmt: skip
        row = next(line for line in out.splitlines() if line.startswith("I.1.4"))
        assert row.endswith("chờ số liệu\\ncủa huyện")
