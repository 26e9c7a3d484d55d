"""Reporting periods of administrative-reform reports (Ministry of Home Affairs).

Reports are quarterly, six-monthly and annual (Văn bản 581/BNV-CCHC;
Circular 07/2021/TT-BNV), due by the 20th of the period's last month, with
these data cut-offs:

- Q1: 15/12 of the previous year – 14/3
- six months (H1): 15/12 of the previous year – 14/6
- Q3: 15/6 – 14/9
- year: 15/12 of the previous year – 14/12

Q2 (15/3 – 14/6) and Q4 (15/9 – 14/12) are not named in those sources; they
are the quarters between the named cut-offs, used to decide whether a
continuous task was reported "this quarter".  Keep them in mind as derived.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from parledger.model.errors import UsageError


@dataclass(frozen=True)
class Period:
    label: str  # 2024-Q3, 2024-H1, 2024
    kind: str  # quarter, six-month, year
    start: dt.date
    end: dt.date  # the data cut-off, inclusive
    due: dt.date  # the report is due by the 20th of the last month

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _quarter(year: int, number: int) -> Period:
    starts = {1: (year - 1, 12), 2: (year, 3), 3: (year, 6), 4: (year, 9)}
    start_year, start_month = starts[number]
    end_month = {1: 3, 2: 6, 3: 9, 4: 12}[number]
    return Period(
        label=f"{year}-Q{number}",
        kind="quarter",
        start=dt.date(start_year, start_month, 15),
        end=dt.date(year, end_month, 14),
        due=dt.date(year, end_month, 20),
    )


_FORM = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>Q[1-4]|H1|6M|Y))?$", re.IGNORECASE | re.ASCII)


def parse_period(text: str) -> Period:
    """'2024-Q3', '2024-H1' (or 2024-6M), '2024' (or 2024-Y) → the period."""
    match = _FORM.match(text.strip())
    if not match:
        raise UsageError(
            f"period '{text}' is not one of the reporting periods; write 2024-Q1 … 2024-Q4, "
            "2024-H1 (six months) or 2024 (the year)"
        )
    year = int(match["year"])
    part = (match["part"] or "Y").upper()
    if part.startswith("Q"):
        return _quarter(year, int(part[1]))
    if part in {"H1", "6M"}:
        return Period(
            f"{year}-H1", "six-month", dt.date(year - 1, 12, 15), dt.date(year, 6, 14),
            dt.date(year, 6, 20),
        )  # fmt: skip
    return Period(
        f"{year}", "year", dt.date(year - 1, 12, 15), dt.date(year, 12, 14), dt.date(year, 12, 20)
    )


def quarter_of(day: dt.date) -> Period:
    """The reporting quarter a day falls in (15/12 onwards opens next year's Q1)."""
    if (day.month, day.day) >= (12, 15):
        return _quarter(day.year + 1, 1)
    for number in (1, 2, 3, 4):
        period = _quarter(day.year, number)
        if period.contains(day):
            return period
    raise AssertionError(f"no quarter holds {day}")  # the quarters tile the year
