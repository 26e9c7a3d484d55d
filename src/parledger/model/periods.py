"""Reporting periods of administrative-reform reports, as a calendar read from data.

The Ministry of Home Affairs' cut-offs ship as ``data/periods.yaml`` (its
sources and what is derived are said there); a workspace may hold its own
``periods.yaml`` instead (:mod:`parledger.store.calendar` reads either).  This
module holds what a calendar is and what follows from it: which days a
period covers, when its report is due, and which quarter a day falls in.

A period is declared by day/month cut-offs (``start: 15/12``, ``end: 14/3``)
and belongs to the year its cut-off ``end`` falls in; a ``start`` later in
the year than the ``end`` is in the year before (Q1 of 2024 starts on
15/12/2023).  The report is due by the period's ``due`` (the first such
day on or after the end), else by ``due_day`` of the end's month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from parledger.model.errors import UsageError
from parledger.model.models import FORBID_EXTRA, Assumptions, model

PERIOD_ID = re.compile(r"^[A-Z0-9]{1,6}$")
_DAY_MONTH = re.compile(r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})$", re.ASCII)
_FORM = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>[A-Za-z0-9]+))?$", re.ASCII)


def day_month(text: str) -> tuple[int, int]:
    """'15/12' → (12, 15), as (month, day); raises ValueError for a day no
    year has (31/2) or that only leap years have (29/2: a cut-off every
    year must have)."""
    found = _DAY_MONTH.match(text.strip())
    if not found:
        raise ValueError(f"'{text}' is not a day/month such as 15/12")
    day, month = int(found["day"]), int(found["month"])
    if (month, day) == (2, 29):
        raise ValueError("29/2 exists only in leap years; a cut-off must exist every year")
    try:
        dt.date(2023, month, day)
    except ValueError:
        raise ValueError(f"{text} is not a day of the year") from None
    return month, day


@model
class PeriodDefinition:
    """One period as ``periods.yaml`` declares it."""

    __pydantic_config__ = FORBID_EXTRA
    id: str  # Q1 … Q4, H1, Y: written after the year, 2024-Q1
    kind: Literal["quarter", "six-month", "year"]
    start: str  # day/month the period's data start
    end: str  # day/month of its data cut-off, inclusive
    due: str | None = None  # day/month the report is due, on or after the end;
    # default: the calendar's due_day of the end's month
    aliases: list[str] = field(default_factory=list)  # other ways to write id (6M)
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in [self.id, *self.aliases]:
            if not PERIOD_ID.fullmatch(name):
                raise ValueError(
                    f"period id '{name}' does not match {PERIOD_ID.pattern} (Q1, H1, Y …)"
                )
        day_month(self.start)
        day_month(self.end)
        if self.due is not None:
            day_month(self.due)


@model
class CalendarFile:
    """``periods.yaml``: the reporting periods and where they come from."""

    __pydantic_config__ = FORBID_EXTRA
    sources: list[str] = field(default_factory=list)
    due_day: int  # the report is due by this day of the period's last month
    periods: list[PeriodDefinition]

    def __post_init__(self) -> None:
        if not 1 <= self.due_day <= 28:
            raise ValueError(f"due_day {self.due_day} is not a day every month has (1–28)")


@dataclass(frozen=True)
class Period:
    label: str  # 2024-Q3, 2024-H1, 2024
    kind: str  # quarter, six-month, year
    start: dt.date
    end: dt.date  # the data cut-off, inclusive
    due: dt.date  # the report is due by this day

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Calendar:
    """The periods a workspace reports by (see the module's docstring)."""

    periods: tuple[PeriodDefinition, ...]
    due_day: int

    def of_year(self, year: int, definition: PeriodDefinition) -> Period:
        end_month, end_day = day_month(definition.end)
        start_month, start_day = day_month(definition.start)
        before = (start_month, start_day) > (end_month, end_day)
        label = str(year) if definition.kind == "year" else f"{year}-{definition.id}"
        end = dt.date(year, end_month, end_day)
        if definition.due is None:
            due = dt.date(year, end_month, self.due_day)
        else:
            due_month, due_day = day_month(definition.due)
            due = dt.date(year, due_month, due_day)
            if due < end:  # 14/12's report due on 5/1: of the next year
                due = dt.date(year + 1, due_month, due_day)
        return Period(
            label=label,
            kind=definition.kind,
            start=dt.date(year - before, start_month, start_day),
            end=end,
            due=due,
        )

    @property
    def quarters(self) -> list[PeriodDefinition]:
        return [d for d in self.periods if d.kind == "quarter"]

    def named(self, part: str) -> PeriodDefinition | None:
        wanted = part.upper()
        for definition in self.periods:
            if wanted == definition.id or wanted in definition.aliases:
                return definition
        return None

    def forms(self, year: int) -> str:
        """The periods as one writes them, for a message."""
        quarters = self.quarters
        said = []
        if quarters:
            said.append(f"{year}-{quarters[0].id} … {year}-{quarters[-1].id}")
        for definition in self.periods:
            if definition.kind == "six-month":
                said.append(f"{year}-{definition.id} (six months)")
            elif definition.kind == "year":
                said.append(f"{year} (the year)")
        return ", ".join(said[:-1]) + " or " + said[-1] if len(said) > 1 else "".join(said)


def parse_period(text: str, calendar: Calendar) -> Period:
    """'2024-Q3', '2024-H1' (or an alias, 2024-6M), '2024' → the period."""
    match = _FORM.match(text.strip())
    definition = None
    if match:
        part = match["part"]
        if part is None:
            definition = next((d for d in calendar.periods if d.kind == "year"), None)
        else:
            definition = calendar.named(part)
    if match is None or definition is None:
        year = re.search(r"\d{4}", text)
        example = int(year[0]) if year else dt.date.today().year
        raise UsageError(
            f"period '{text}' is not one of the reporting periods; write {calendar.forms(example)}"
        )
    return calendar.of_year(int(match["year"]), definition)


def quarter_of(day: dt.date, calendar: Calendar) -> Period:
    """The reporting quarter a day falls in (with the Ministry's cut-offs,
    15/12 onwards opens next year's Q1)."""
    for year in (day.year, day.year + 1):
        for definition in calendar.quarters:
            period = calendar.of_year(year, definition)
            if period.contains(day):
                return period
    # The calendar's reader refuses quarters that do not tile the year.
    raise AssertionError(f"no quarter holds {day}")
