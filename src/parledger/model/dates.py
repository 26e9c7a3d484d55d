"""Dates as analysts type them, and the bounds that catch typing slips."""

from __future__ import annotations

import datetime as dt
import re

from parledger.model.errors import UsageError

# Vietnamese offices write day/month/year ("15/6/2024"); scripts write ISO.
# ASCII digits only: int() would read Arabic-Indic or fullwidth ones too.
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)

# A date outside these years is a slip (2204 for 2024), not a plan.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def parse_date(text: str, what: str = "date") -> dt.date:
    """'2024-06-15', '15/6/2024', '15.06.2024' → a date; anything else is refused."""
    value = text.strip()
    iso = _ISO.match(value)
    dmy = _DMY.match(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        raise UsageError(f"{what} '{text}' is not a date; write it as 2024-06-15 or 15/6/2024")
    return real_date(year, month, day, what, text)


def real_date(year: int, month: int, day: int, what: str, text: str) -> dt.date:
    """The day, refused as ``what '<text>'`` when the calendar has no such
    day (31/2) or its year is a slip (outside EARLIEST–LATEST)."""
    try:
        parsed = dt.date(year, month, day)
    except ValueError as exc:
        raise UsageError(f"{what} '{text}' is not a real date ({exc})") from None
    if not EARLIEST <= parsed <= LATEST:
        raise UsageError(
            f"{what} '{text}' is outside {EARLIEST.year}–{LATEST.year}; check the year"
        )
    return parsed


def parse_fact_date(text: str | None, today: dt.date) -> dt.date:
    """The day something happened: default today, never in the future."""
    if text is None:
        return today
    parsed = parse_date(text, "--date")
    if parsed > today:
        raise UsageError(f"--date {text} is in the future; record facts once they have happened")
    return parsed


def display(day: dt.date) -> str:
    """A date as Vietnamese offices write it: 15/06/2024."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
