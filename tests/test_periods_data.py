"""The reporting periods as data: the Ministry's cut-offs bundled
(data/periods.yaml), a workspace's own periods.yaml in their place (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parledger.store.loader import load
from parledger.store.workspace import bundled_root, locate
from tests.conftest import Invoke

MINISTRY = (bundled_root() / "periods.yaml").read_text(encoding="utf-8")
# Q3 cut at the month's end, its report due on 5/10; Q4 from 1/10.
MONTH_END_Q3 = MINISTRY.replace('start: "15/9"', 'start: "1/10"').replace(
    'end: "14/9"', 'end: "30/9"\n  due: "5/10"'
)


@pytest.fixture
def ws(workspace_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARLEDGER_DATA", str(workspace_dir))
    return workspace_dir


def _own(ws: Path, text: str) -> Path:
    path = ws / "periods.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_calendar_names_its_sources_and_what_is_derived() -> None:
    assert "Văn bản 581/BNV-CCHC" in MINISTRY and "Thông tư 07/2021/TT-BNV" in MINISTRY
    # Q2 and Q4 are not named in the sources: each carries an 'assumed' note.
    for quarter in ("Q2", "Q4"):
        block = MINISTRY.split(f"- id: {quarter}\n")[1].split("- id:")[0]
        assert "assumed:" in block and "Not named in the sources" in block


def test_a_workspace_s_own_cut_off_moves_a_day_to_another_quarter(cli: Invoke, ws: Path) -> None:
    # With the Ministry's cut-offs 20/9 is in Q4 (15/9 – 14/12) …
    ministry = json.loads(cli("report", "--as-of", "2024-09-20", "-f", "json").stdout)
    assert ministry["period"]["label"] == "2024-Q4"
    # … with quarters cut at the month's end, in Q3 (15/6 – 30/9).
    _own(ws, MONTH_END_Q3)
    assert cli("validate").exit_code == 0
    own = json.loads(cli("report", "--as-of", "2024-09-20", "-f", "json").stdout)
    assert own["period"] == {
        "label": "2024-Q3",
        "kind": "quarter",
        "start": "2024-06-15",
        "end": "2024-09-30",
        "due": "2024-10-05",
    }
    q3 = json.loads(cli("report", "--period", "2024-Q3", "-f", "json").stdout)
    assert q3["period"]["end"] == "2024-09-30"
    assert q3["as_of"] == "2024-09-30"  # the period's cut-off is the day judged


def test_a_due_day_before_a_cut_off_is_refused(cli: Invoke, ws: Path) -> None:
    # Q3 ending on 30/9 while reports are due on the 20th: refused at Q3's end.
    path = _own(ws, MONTH_END_Q3.replace('  due: "5/10"\n', ""))
    line = MONTH_END_Q3.splitlines().index('  end: "30/9"') + 1
    said = cli("validate").stdout
    assert (
        f"{path}:{line}:3: due-before-cutoff: Q3 ends on 30/9, after the report is due "
        "(day 20 of that month): give it its own 'due'"
    ) in said


def test_a_cut_off_that_does_not_exist_is_refused_at_its_line(cli: Invoke, ws: Path) -> None:
    path = _own(ws, MINISTRY.replace('end: "14/3"', 'end: "31/2"'))
    line = MINISTRY.splitlines().index("- id: Q1") + 1
    failed = cli("status")
    assert failed.exit_code == 1
    assert failed.stderr.startswith(f"{path}:{line}:")
    assert "31/2 is not a day of the year" in failed.stderr
    checked = cli("validate")
    assert checked.exit_code == 1 and "31/2 is not a day of the year" in checked.stdout


def test_quarters_that_leave_a_gap_are_refused(cli: Invoke, ws: Path) -> None:
    path = _own(ws, MINISTRY.replace('start: "15/6"', 'start: "20/6"'))
    checked = cli("validate")
    assert checked.exit_code == 1
    line = MINISTRY.splitlines().index('  start: "15/6"') + 1
    assert (
        f"{path}:{line}:3: periods-gap: Q3 starts on 20/6, but the period before it ends on "
        "14/6: the quarters must follow each other without gap or overlap"
    ) in checked.stdout


def test_a_six_month_period_must_be_made_of_quarters(cli: Invoke, ws: Path) -> None:
    _own(ws, MINISTRY.replace('  start: "15/12"\n  end: "14/6"', '  start: "1/1"\n  end: "14/6"'))
    said = cli("validate").stdout
    assert "H1 runs 1/1–14/6: it must start at a quarter's start" in said


def test_a_period_the_calendar_does_not_have_is_a_usage_error(cli: Invoke, ws: Path) -> None:
    _own(ws, MINISTRY.replace("  aliases: [6M]\n", ""))
    refused = cli("report", "--period", "2024-6M")
    assert refused.exit_code == 2
    assert "write 2024-Q1 … 2024-Q4, 2024-H1 (six months) or 2024 (the year)" in refused.stderr


def test_the_calendar_is_read_once_by_its_bytes(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parledger.store import calendar as periods

    workspace = load(locate(ws))
    first = periods.calendar(workspace.location)
    _own(ws, MINISTRY.replace('end: "14/12"', 'end: "14/12"  # the year'))
    assert periods.calendar(workspace.location) == first  # same periods, other bytes
    periods._READ.clear()
    monkeypatch.setattr(periods, "read", None)  # a second read would fail: the cache answers
    assert periods.calendar(workspace.location) == first


def test_a_warm_status_reads_no_yaml_with_a_calendar_of_its_own(ws: Path) -> None:
    from tests.test_imports import _loaded

    _own(ws, MONTH_END_Q3)
    _loaded("status", "--agency", "SNV")  # fills the cache, the calendar with it
    loaded = _loaded("status", "--agency", "SNV")
    assert not {"ruamel.yaml", "parledger.store.yamlio", "parledger.store.schema"} & loaded
