"""The report's default period belongs to the directive's year, not the clock
(issue 15): a 2024 directive read in 2026 reports on 2024."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from parledger.store.loader import load
from parledger.store.workspace import locate
from parledger.track import report
from parledger.track.status import Scope
from tests.conftest import Invoke


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (dt.date(2024, 8, 1), "2024-Q3"),  # inside the directive's year: today's quarter
        (dt.date(2024, 12, 10), "2024-Q4"),
        (dt.date(2025, 3, 1), "2024"),  # after it: the directive's year
        (dt.date(2026, 12, 1), "2024"),
    ],
)
def test_the_default_period_follows_the_directive_s_year(today: dt.date, label: str) -> None:
    workspace = load(locate(None, environ={}))
    built = report.build(workspace, Scope(), today=today)
    assert built["period"]["label"] == label


def test_a_period_or_a_day_given_is_kept(cli: Invoke) -> None:
    given = json.loads(cli("report", "--period", "2024-Q1", "-f", "json").stdout)
    assert given["period"]["label"] == "2024-Q1"
    as_of = json.loads(cli("report", "--as-of", "2026-11-30", "-f", "json").stdout)
    assert as_of["period"]["label"] == "2026-Q4"


def test_report_without_a_period_on_the_bundled_directive_reports_on_2024(cli: Invoke) -> None:
    # Today is past 2024 for good: the command reports on the directive's year.
    built = json.loads(cli("report", "-f", "json").stdout)
    assert built["period"]["label"] == "2024"
    assert built["as_of"] == "2024-12-14"
