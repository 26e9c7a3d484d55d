"""What the ledger's facts add up to, per (task, agency): the fold.

Status needs, for each pair, only the outcome of its facts taken in the order
they happened: the last assignment or release (with the role and due date it
leaves), the latest progress, the latest value reported, the latest report
date.  Folding the facts once gives that outcome; it is small (a few hundred
pairs however long the ledger), so it is what the cache keeps, and a new
entry that happened after everything before it is folded in on its own —
only what was appended is read.

Plain tuples and dicts of strings and numbers only: the cache pickles a fold,
and such data loads fast and from any parledger module layout.  The tuples'
fields have names below (``Final`` positions, which mypy types exactly);
NamedTuples were measured and left out: a fold of them unpickles in twice
the time, about 10 ms more on every warm status at 100,000 entries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Final

from parledger.model.models import AssignEntry, CorrectionEntry, Entry, ProgressEntry, UnassignEntry

Pair = tuple[str, str]  # (task id, agency id)
Members = Callable[[str], list[str]]  # group id → the agencies that owe for it

# Per pair: (date ordinal, sequence, present, directive dropped, role, due ordinal, entry id)
Assignment = tuple[int, int, bool, bool, str | None, int | None, str]
# Per pair: (date ordinal, sequence, status, percent, evidence, entry id, note)
Progress = tuple[int, int, str, int | None, tuple[str, ...], str, str | None]
# Per pair: (date ordinal, sequence, value, target)
Value = tuple[int, int, float, str | None]

# The fields' positions.  Every tuple starts with its fact's date and its
# place in the order facts were folded in, so (DAY, SEQUENCE) orders them.
DAY: Final = 0
SEQUENCE: Final = 1
PRESENT: Final = 2  # Assignment: assigned (True) or released (False)
DROPPED: Final = 3  # Assignment: released once, so the directive's own duty is dropped
DUE: Final = 5  # Assignment: due date ordinal
VALUE: Final = 2  # Value
TARGET: Final = 3  # Value


@dataclass
class Fold:
    assignments: dict[Pair, Assignment] = field(default_factory=dict)
    progress: dict[Pair, Progress] = field(default_factory=dict)
    values: dict[Pair, Value] = field(default_factory=dict)
    max_date: int = 0  # ordinal of the latest fact folded in; 0: none
    sequence: int = 0  # facts folded in so far

    def apply(self, entry: Entry, members: Members, *, in_order: bool = True) -> bool:
        """Fold one fact in after all the others.

        With ``in_order`` (facts fed sorted by date, as :func:`fold` does)
        this always succeeds.  For a fact appended later it answers whether
        folding it in alone gives what a fold of everything would: not for a
        correction (it changes an earlier fact), nor for an assignment that
        happened before the pair's last one.  The fold is unchanged when it
        returns False.
        """
        day = entry.date.toordinal()
        if isinstance(entry, CorrectionEntry):
            return False
        if isinstance(entry, AssignEntry | UnassignEntry):
            pairs = _pairs(entry, members)
            if not in_order and any(
                day < self.assignments[p][DAY] for p in pairs if p in self.assignments
            ):
                return False
            self.sequence += 1
            for pair in pairs:
                self.assignments[pair] = self._assigned(pair, entry, day)
        elif isinstance(entry, ProgressEntry) and entry.agency is not None:
            self.sequence += 1
            pair = (entry.task, entry.agency)
            key = (day, self.sequence)
            if pair not in self.progress or key >= self.progress[pair][: SEQUENCE + 1]:
                self.progress[pair] = (
                    day, self.sequence, entry.status.value, entry.percent,
                    tuple(entry.evidence), entry.id, entry.note,
                )  # fmt: skip
            if entry.value is not None and (
                pair not in self.values or key >= self.values[pair][: SEQUENCE + 1]
            ):
                self.values[pair] = (day, self.sequence, entry.value, entry.target)
        else:
            self.sequence += 1
        self.max_date = max(self.max_date, day)
        return True

    def _assigned(self, pair: Pair, entry: AssignEntry | UnassignEntry, day: int) -> Assignment:
        before = self.assignments.get(pair)
        if isinstance(entry, UnassignEntry):
            return (day, self.sequence, False, True, None, None, entry.id)
        dropped = before is not None and before[DROPPED]
        # A new assignment keeps the due date of the one it follows unless it
        # sets its own; after a release it starts afresh.
        carried = before[DUE] if before is not None and before[PRESENT] else None
        due = entry.due.toordinal() if entry.due is not None else carried
        return (day, self.sequence, True, dropped, entry.role.value, due, entry.id)

    def copy(self) -> Fold:
        """A fold that applying more facts to leaves this one as it is."""
        return Fold(
            dict(self.assignments), dict(self.progress), dict(self.values),
            self.max_date, self.sequence,
        )  # fmt: skip

    def as_data(self) -> tuple[object, ...]:
        return (self.assignments, self.progress, self.values, self.max_date, self.sequence)

    @staticmethod
    def from_data(data: tuple[object, ...]) -> Fold:
        assignments, progress, values, max_date, sequence = data
        if not all(isinstance(part, dict) for part in (assignments, progress, values)):
            raise TypeError("not a fold")
        return Fold(assignments, progress, values, max_date, sequence)  # type: ignore[arg-type]


_CORRECTABLE = {
    "fact_date": "date",
    "note": "note",
    "status": "status",
    "percent": "percent",
    "value": "value",
    "target": "target",
    "evidence": "evidence",
    "role": "role",
    "due": "due",
}


def corrected(fact: Entry, correction: CorrectionEntry) -> Entry:
    """The fact with the correction's values (a withdrawal aside: see
    :func:`effective`).  Raises ValueError when the result is no valid fact
    (a hand-edited correction: 'done' over a report at 40%, progress moved
    to a group); ``validate`` reports it, at the correction's line."""
    names = _field_names(fact)
    changes: dict[str, Any] = {
        target_field: getattr(correction, source)
        for source, target_field in _CORRECTABLE.items()
        if getattr(correction, source) is not None and target_field in names
    }
    if "evidence" in changes:
        # The texts as typed belong to the evidence they were typed for:
        # new evidence brings its own, or none when typed as stored.
        changes["evidence_as_written"] = correction.evidence_as_written
    if correction.fact_agency is not None:
        changes |= {"agency": correction.fact_agency, "group": None}
    elif correction.fact_group is not None:
        if isinstance(fact, ProgressEntry):
            raise ValueError("progress is recorded for one agency, not a group")
        changes |= {"agency": None, "group": correction.fact_group}
    return dataclasses.replace(fact, **changes)


@dataclass
class Replay:
    """What the ledger's corrections do, and what the checks of a ledger
    need to know of it."""

    changed: dict[str, Entry]  # fact id → the fact as corrected (only those changed)
    void: set[str]  # ids of withdrawn facts
    last: dict[str, str]  # fact id → the last correction applied to it
    refused: dict[str, str]  # correction id → why its result is no valid fact


def replay(entries: Sequence[Entry]) -> Replay:
    """Apply each correction, in file order, to the fact it finally refers
    to (through chains of corrections).  A correction that refers to no
    fact, or whose result would be no valid fact, is left out: ``validate``
    reports it; replay ignores it."""
    by_id = {entry.id: entry for entry in entries}
    result = Replay({}, set(), {}, {})
    changed = result.changed
    for entry in entries:
        if type(entry) is not CorrectionEntry:
            continue
        root = root_of(entry.supersedes, by_id)
        if root is None:
            continue
        if entry.void:
            result.void.add(root)
        else:
            try:
                changed[root] = corrected(changed.get(root) or by_id[root], entry)
            except ValueError as exc:
                result.refused[entry.id] = str(exc)
                continue
        result.last[root] = entry.id
    return result


def effective(entries: Sequence[Entry]) -> list[Entry]:
    """Facts as they stand: each correction applied to the entry it supersedes
    (following chains of corrections), withdrawn entries left out.  Order is
    the file's; corrections themselves are not facts and are not returned."""
    if not any(type(entry) is CorrectionEntry for entry in entries):
        return list(entries)
    done = replay(entries)
    changed, void = done.changed, done.void
    return [
        changed.get(entry.id, entry)
        for entry in entries
        if type(entry) is not CorrectionEntry and entry.id not in void
    ]


def _field_names(entry: Entry) -> set[str]:
    return {spec.name for spec in dataclasses.fields(entry)}


def root_of(entry_id: str, by_id: dict[str, Entry]) -> str | None:
    """The fact an entry id finally refers to, through chains of corrections;
    None when the chain ends at a missing entry or loops."""
    end, _ = _chain_end(entry_id, by_id)
    return end.id if end is not None else None


def in_cycle(entry_id: str, by_id: dict[str, Entry]) -> bool:
    """Whether a chain of corrections comes back on itself (rather than
    ending at an entry that is missing)."""
    return _chain_end(entry_id, by_id)[1]


def _chain_end(entry_id: str, by_id: dict[str, Entry]) -> tuple[Entry | None, bool]:
    seen: set[str] = set()
    current = by_id.get(entry_id)
    while isinstance(current, CorrectionEntry):
        if current.id in seen:
            return None, True  # a cycle can only come from hand edits
        seen.add(current.id)
        current = by_id.get(current.supersedes)
    return current, False


def _pairs(entry: AssignEntry | UnassignEntry, members: Members) -> list[Pair]:
    agencies = [entry.agency] if entry.agency else members(entry.group or "")
    return [(entry.task, agency) for agency in agencies]


def fold(facts: Iterable[Entry], members: Members, *, cutoff: dt.date | None = None) -> Fold:
    """Fold the facts (corrections already applied) that happened by ``cutoff``,
    in the order they happened; facts of the same day keep their file order."""
    limit = cutoff.toordinal() if cutoff else None
    ordered = sorted(
        (entry for entry in facts if limit is None or entry.date.toordinal() <= limit),
        key=attrgetter("date"),
    )
    result = Fold()
    progress, values = result.progress, result.values
    sequence = 0
    for entry in ordered:
        if type(entry) is not ProgressEntry or entry.agency is None:
            result.sequence = sequence
            result.apply(entry, members)
            sequence = result.sequence
            continue
        # Nine facts in ten are progress reports: folded here without the
        # general method's checks, which facts in date order never need
        # (each comes after every fact before it).
        sequence += 1
        day = entry.date.toordinal()
        pair = (entry.task, entry.agency)
        progress[pair] = (
            day, sequence, entry.status._value_, entry.percent, tuple(entry.evidence), entry.id,
            entry.note,
        )  # fmt: skip
        if entry.value is not None:
            values[pair] = (day, sequence, entry.value, entry.target)
    result.sequence = sequence
    if ordered:
        result.max_date = max(result.max_date, ordered[-1].date.toordinal())
    return result
