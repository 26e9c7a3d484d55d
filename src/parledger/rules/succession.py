"""Who answers today for what an agency owed: the registry's changes of agencies.

A directive binds the agencies that existed when it was issued.  When one of
them is merged away, renamed, split or dissolved (``events`` in the registry,
each with its date and the document that decided it), its open obligations
pass to its successor from that day, with the progress it had reported; a
task whose new holder the registry does not name (a split that does not
list it, a dissolution) is *unresolved*, and said to be, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from parledger.model.models import Event, Registry


@dataclass(frozen=True)
class Holder:
    """Who answers on a day for one agency's obligation on one task."""

    agency: str  # the agency that answers (the first one, when nobody took over)
    since: dt.date | None = None  # from when, when it is a successor
    predecessor: str | None = None  # the agency whose obligation it inherited
    event: Event | None = None  # the last change that moved it
    unresolved: Event | None = None  # the change after which nobody is named

    @property
    def inherited(self) -> bool:
        return self.predecessor is not None and self.unresolved is None


class Succession:
    """The registry's events, asked about one directive's tasks."""

    def __init__(self, registry: Registry, directive_key: str | None = None) -> None:
        self.key = directive_key
        self.events: dict[str, list[Event]] = {}
        for event in sorted(registry.events, key=lambda e: e.date):
            for agency in event.agencies:
                self.events.setdefault(agency, []).append(event)

    def __bool__(self) -> bool:
        return bool(self.events)

    def sources(self, agency: str) -> set[str]:
        """``agency`` and every agency whose obligations may pass to it, through
        any number of changes: the pairs to work out for one agency's status."""
        found = {agency}
        grew = True
        while grew:
            grew = False
            for first, events in self.events.items():
                if first not in found and any(
                    {e.into, *e.to, *e.tasks.values()} & found for e in events
                ):
                    found.add(first)
                    grew = True
        return found

    def _names(self, event: Event, task: str) -> str | None:
        """The agency ``event.tasks`` gives ``task`` to, if it lists it."""
        for key in ((f"{self.key}:{task}",) if self.key else ()) + (task,):
            if key in event.tasks:
                return event.tasks[key]
        return None

    def holder(self, agency: str, task: str, day: dt.date) -> Holder:
        """Who answers on ``day`` for ``agency``'s obligation on ``task``."""
        current, since, last = agency, None, None
        seen = {agency}
        while True:
            step = self._next(current, task, since, day)
            if step is None:
                break
            event, successor = step
            if successor is None:  # dissolved, or split without this task
                return Holder(agency, since, None, last, unresolved=event)
            if successor in seen:  # a cycle; validate reports it
                break
            seen.add(successor)
            current, since, last = successor, event.date, event
        if current == agency:
            return Holder(agency)
        return Holder(current, since, agency, last)

    def _next(
        self, agency: str, task: str, after: dt.date | None, day: dt.date
    ) -> tuple[Event, str | None] | None:
        """The first change to ``agency`` after ``after`` and by ``day`` that
        moves ``task``, and to whom (None: nobody named).  On one day, an
        event that names the task (a transfer, a split) decides for it
        before a merger of the whole agency does."""
        dates = sorted(
            {
                event.date
                for event in self.events.get(agency, ())
                if event.date <= day and (after is None or event.date > after)
            }
        )
        for date in dates:
            that_day = [event for event in self.events[agency] if event.date == date]
            for event in that_day:
                named = self._names(event, task)
                if named is not None and event.kind in ("split", "transferred"):
                    return event, named
            for event in that_day:
                if event.kind in ("merged", "renamed"):
                    return event, event.into
                if event.kind in ("dissolved", "split"):
                    return event, None
        return None


def ended(registry: Registry, agency: str) -> Sequence[Event]:
    """The changes that ended ``agency`` (merged away, renamed, split, dissolved)."""
    return [
        event
        for event in registry.events
        if agency in event.agencies and event.kind != "transferred"
    ]
