"""The workspace's reporting calendar: its own ``periods.yaml``, else the bundled one.

Read outside the workspace's cache (:mod:`parledger.store.cached`): the
calendar changes no ledger fact, only which period a day falls in.  A warm
``status`` reads no YAML, so the calendar read from a file's bytes is kept
as a cache item of its own, keyed by those bytes, and in the process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from parledger.model.errors import DataError, Problem, ProblemsError
from parledger.model.periods import Calendar, CalendarFile
from parledger.store import cache
from parledger.store.workspace import Location, bundled_root

PERIODS_FILE = "periods.yaml"

_READ: dict[bytes, Calendar] = {}


def calendar_path(root: Path) -> Path:
    """The workspace's own periods.yaml when it has one, else the bundled default."""
    own = root / PERIODS_FILE
    return own if own.is_file() else bundled_root() / PERIODS_FILE


def calendar(location: Location) -> Calendar:
    """The calendar the workspace reports by; ProblemsError (file:line) when
    its periods.yaml is not one."""
    path = calendar_path(location.root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the reporting periods ({exc.strerror})") from None
    known = _READ.get(raw)
    if known is not None:
        return known
    name = "p-" + cache.key("periods", raw)
    kept = cache.get(name)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == raw:
        made: Calendar = kept[1]
    else:
        made, problems = read(path, None)  # read as every YAML file is (encoding checks)
        if problems:
            raise ProblemsError(problems)
        cache.put(name, (raw, made))
    _READ[raw] = made
    return made


def problems_of(location: Location) -> list[Problem]:
    """What is wrong with the workspace's own periods.yaml (none without one)."""
    own = location.root / PERIODS_FILE
    if not own.is_file():
        return []
    return read(own, None)[1]


def read(path: Path, text: str | None) -> tuple[Calendar, list[Problem]]:
    """periods.yaml read, validated and checked: the periods must tile the year."""
    # Lazy: YAML and pydantic, only when the calendar's bytes are new.
    from parledger.store import pipeline, schema

    found, loaded, problems = pipeline.read_file(path, schema.calendar, text)
    if found is None or loaded is None:
        return _EMPTY, problems or [Problem(str(path), 1, 1, "empty-file", "no periods")]
    made = Calendar(tuple(found.periods), found.due_day)

    def at(number: int, key: str, code: str, message: str) -> Problem:
        line, col = loaded.position(("periods", number, key))
        return Problem(str(path), line, col, code, message)

    return made, _tiling(made, found, at, path)


_EMPTY = Calendar((), 20)
_At = Callable[[int, str, str, str], Problem]


def _tiling(made: Calendar, found: CalendarFile, at: _At, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    numbered = list(enumerate(found.periods))
    seen: dict[str, int] = {}
    for number, definition in numbered:
        for name in [definition.id, *definition.aliases]:
            if name in seen:
                problems.append(at(number, "id", "duplicate-period", f"'{name}' is declared twice"))
            seen[name] = number
        end = made.of_year(2023, definition).end
        if definition.due is None and made.due_day < end.day:
            problems.append(
                at(number, "end", "due-before-cutoff",
                   f"{definition.id} ends on {definition.end}, after the report is due "
                   f"(day {made.due_day} of that month): give it its own 'due'")
            )  # fmt: skip
    years = [(n, d) for n, d in numbered if d.kind == "year"]
    quarters = [(n, d) for n, d in numbered if d.kind == "quarter"]
    if len(years) != 1 or not quarters:
        line = 1 if not numbered else at(0, "id", "", "").line
        return [
            *problems,
            Problem(
                str(path), line, 1, "periods-incomplete",
                "declare exactly one period of kind 'year' and the quarters that tile it",
            ),
        ]  # fmt: skip
    if problems:
        return problems
    year_number, year = years[0]
    for reference in (2023, 2024):  # a year with 29/2 and one without
        span = made.of_year(reference, year)
        if span.start != made.of_year(reference - 1, year).end + dt.timedelta(days=1):
            problems.append(
                at(year_number, "start", "periods-gap",
                   f"the year runs {year.start}–{year.end}: it must end the day before "
                   "it starts again")
            )  # fmt: skip
            break
        ordered = sorted(
            ((made.of_year(reference, d), n, d) for n, d in quarters), key=lambda q: q[0].start
        )
        expected = span.start
        for period, number, definition in ordered:
            if period.start != expected:
                problems.append(
                    at(number, "start", "periods-gap",
                       f"{definition.id} starts on {definition.start}, but the period before "
                       f"it ends on {_dm(expected - dt.timedelta(days=1))}: the quarters "
                       "must follow each other without gap or overlap")
                )  # fmt: skip
                break
            expected = period.end + dt.timedelta(days=1)
        else:
            if expected != span.end + dt.timedelta(days=1):
                number, definition = ordered[-1][1], ordered[-1][2]
                problems.append(
                    at(number, "end", "periods-gap",
                       f"the last quarter, {definition.id}, ends on {definition.end}, but "
                       f"the year ends on {year.end}")
                )  # fmt: skip
        if problems:
            break
        starts = {q[0].start for q in ordered}
        ends = {q[0].end for q in ordered}
        for number, definition in numbered:
            if definition.kind != "six-month":
                continue
            period = made.of_year(reference, definition)
            if period.start not in starts or period.end not in ends:
                problems.append(
                    at(number, "start", "periods-gap",
                       f"{definition.id} runs {definition.start}–{definition.end}: it must "
                       "start at a quarter's start and end at a quarter's end")
                )  # fmt: skip
        if problems:
            break
    return problems


def _dm(day: dt.date) -> str:
    return f"{day.day}/{day.month}"
