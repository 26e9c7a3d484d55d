"""What a fact may say: what cannot be true is refused, what is only
unlikely is said.

A fact is an assignment, a release or a progress report as it stands (any
correction applied).  The rule:

- **refused** — a statement that contradicts itself: a percent outside
  0–100; ``done`` under 100%; ``not_started`` or ``not_applicable`` with a
  percent above 0 (work not begun, or a task that does not apply, cannot be
  partly done).  ``record``, ``assign`` and ``correct`` write nothing, a
  bulk row is refused, ``validate`` reports it at the line.
- **warned** — possible, but worth a second look: ``in_progress`` or
  ``blocked`` at 100% (finished work is ``done``; offices do report 100%
  while awaiting acceptance); an assignment due before the day it was made
  (an overdue task handed on, or a due date restated when a role changes —
  more often a missing ``--date``); a fact dated before the directive was
  issued, when the directive states its date.  The entry is written and a
  line says why it looks wrong; ``validate`` does not count it.

Pure functions of the facts' values, so the commands, bulk entry and the
checks of a hand-edited ledger apply the very same rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from parledger.model.dates import display
from parledger.model.models import AssignEntry, Entry, ProgressEntry, Status


@dataclass(frozen=True)
class Doubt:
    """One thing a fact says that is wrong (``refused``) or unlikely."""

    field: str  # the fact's field that says it: "percent", "due", "date"
    refused: bool
    message: str


_NO_PROGRESS = {
    Status.NOT_STARTED: "work not yet started cannot be {p}% done; say in_progress, or 0%",
    Status.NOT_APPLICABLE: "a task that does not apply has no progress; leave the percent out",
}
_UNFINISHED = (Status.IN_PROGRESS, Status.BLOCKED)


def progress_doubts(status: Status, percent: int | None) -> list[Doubt]:
    """What a status with a percent says, refused first."""
    if percent is None:
        return []
    if not 0 <= percent <= 100:
        return [Doubt("percent", True, f"percent {percent} is outside 0–100")]
    if status is Status.DONE and percent < 100:
        return [Doubt("percent", True, f"status done with {percent}%: done means 100%")]
    if status in _NO_PROGRESS and percent > 0:
        why = _NO_PROGRESS[status].format(p=percent)
        return [Doubt("percent", True, f"status {status.value} with {percent}%: {why}")]
    if status in _UNFINISHED and percent == 100:
        return [
            Doubt(
                "percent",
                False,
                f"status {status.value} at 100%: if the work is finished, record it as done "
                "(with its evidence)",
            )
        ]
    return []


def assignment_doubts(date: dt.date, due: dt.date | None) -> list[Doubt]:
    if due is None or due >= date:
        return []
    message = (
        f"due {display(due)} is before the assignment's date {display(date)}: the task is "
        "overdue from the day it is assigned; if it was assigned earlier, give that day "
        "with --date"
    )
    return [Doubt("due", False, message)]


def date_doubts(date: dt.date, issued: dt.date | None) -> list[Doubt]:
    if issued is None or date >= issued:
        return []
    message = (
        f"dated {display(date)}, before the directive was issued ({display(issued)}); "
        "check the date"
    )
    return [Doubt("date", False, message)]


def doubts(fact: Entry, issued: dt.date | None = None) -> list[Doubt]:
    """Everything a fact says that is wrong or unlikely, refused first.
    ``issued``: the directive's date, when it states one."""
    found: list[Doubt] = []
    if isinstance(fact, ProgressEntry):
        found += progress_doubts(fact.status, fact.percent)
    elif isinstance(fact, AssignEntry):
        found += assignment_doubts(fact.date, fact.due)
    found += date_doubts(fact.date, issued)
    return sorted(found, key=lambda doubt: not doubt.refused)


def refusals(facts: Iterable[Entry]) -> Iterator[tuple[int, Doubt]]:
    """The facts that cannot be true, by their place among ``facts``, each
    with the first reason.  Written for a check of a large ledger, which
    meets facts by the hundred thousand: most are passed over in a test."""
    for index, fact in enumerate(facts):
        if (
            type(fact) is ProgressEntry
            and fact.percent is not None
            and (
                (fact.status in _NO_PROGRESS and fact.percent > 0)
                or (fact.status is Status.DONE and fact.percent != 100)
                or not 0 <= fact.percent <= 100
            )
        ):
            for doubt in progress_doubts(fact.status, fact.percent):
                if doubt.refused:
                    yield index, doubt
                    break
