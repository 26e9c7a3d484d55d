"""Bulk entry: the rows of a table, each one entry exactly as ``record`` or
``assign`` would write it, written all together or not at all.

Every row is checked first, by the very functions the single commands use
(:mod:`parledger.track.record`): the same task and agency lookup, the same
checks, the same normalisation, the same entry.  Every refused row is
reported (:class:`RowsError`), and then nothing is written.  When all are
good, the entries are appended in one write under the ledger's lock, so
another command sees all of them or none, and a crash leaves none.

A row that says exactly what ``export --view status`` shows for its task
and agency today, with no date or note of its own, is not recorded again:
an exported sheet in which a few rows were edited then records only those.
Without this, importing such a sheet would restate every other pair as a
fresh report dated today, which hides who has not reported this period.
To confirm an unchanged status as a new report, give the row its date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parledger.model.errors import RowProblem, RowsError, UsageError
from parledger.model.models import Entry, Role, Status
from parledger.model.names import Match
from parledger.model.records import Record, cell
from parledger.store.sheet import Cell
from parledger.store.workspace import Workspace
from parledger.track import record as writing
from parledger.track.inputs import Clock, recorder
from parledger.track.query import resolver
from parledger.track.status import rows as status_rows


@dataclass(frozen=True)
class Row:
    """One row of the table: its number as the spreadsheet shows it, and
    its cells by the field they hold (only the command's own fields)."""

    number: int
    values: Mapping[str, Cell]


@dataclass(frozen=True)
class Words:
    """How the table's words are read: a status ("Đang thực hiện") and a
    role ("chủ trì") as the tool prints them, to their keys; each raises
    UsageError for a word it does not know."""

    status: Callable[[str], Status]
    role: Callable[[str], str]


@dataclass(frozen=True)
class Outcome:
    """What a bulk command wrote (or, checking only, would write)."""

    entries: list[Entry]
    unchanged: int  # rows that say what the ledger holds already
    rows: int
    # Rows that say something unlikely, though possible (rules.plausible):
    # written all the same, and said.
    warnings: list[RowProblem] = field(default_factory=list)


def record_rows(
    workspace: Workspace,
    source: str,
    rows: Sequence[Row],
    words: Words,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
) -> Outcome:
    """Each row one progress report, as ``record`` writes it."""
    bulk = _Bulk(workspace, rows, clock or Clock.system())

    def build(row: Row) -> dict[str, Any] | None:
        agency = bulk.party(row)
        entry = writing.progress_entry(
            workspace,
            _required(row, "task"),
            agency,
            status=words.status(_required(row, "status")),
            percent=_percent(row),
            value=_value(row),
            target=_text(row, "target"),
            evidence=_evidence(row),
            common=bulk.common(row),
            clock=bulk.clock,
            dated=False,
        )
        shown = bulk.standing(entry["task"], agency)
        if shown is not None and _same_progress(row, entry, shown):
            return None
        writing.existing(workspace, agency, entry["date"])
        return entry

    return bulk.write(source, build, dry_run=dry_run)


def assign_rows(
    workspace: Workspace,
    source: str,
    rows: Sequence[Row],
    words: Words,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
) -> Outcome:
    """Each row one assignment, as ``assign`` writes it.  A role the
    directive gives (addressee, named, group: what status shows for a duty
    the directive's own words create) is no role ``assign`` can write: the
    row reads as one without a role, which assigns the default, implement."""
    bulk = _Bulk(workspace, rows, clock or Clock.system())

    def build(row: Row) -> dict[str, Any] | None:
        party = bulk.party(row)
        word = _text(row, "role")
        role_key = words.role(word) if word is not None else None
        due = _day(row, "due")
        entry = writing.assign_entry(
            workspace,
            _required(row, "task"),
            party,
            role=Role(role_key) if role_key in _ASSIGNABLE else Role.IMPLEMENT,
            due=due,
            common=bulk.common(row),
            clock=bulk.clock,
            dated=False,
        )
        shown = bulk.standing(entry["task"], party)
        unchanged = (
            shown is not None
            and not _own_fact(row, shown)
            and role_key == shown["role"]
            and (entry["due"].isoformat() if entry["due"] else None) == shown["due"]
        )
        if unchanged:
            return None
        writing.existing(workspace, party, entry["date"])
        return entry

    return bulk.write(source, build, dry_run=dry_run)


_ASSIGNABLE = {role.value for role in Role}


class _Bulk:
    """What every row of one command shares: one clock (every entry is
    recorded at the same moment), one name resolver, one default recorder,
    and where each pair stands now."""

    def __init__(self, workspace: Workspace, rows: Sequence[Row], clock: Clock) -> None:
        writing.writable(workspace)  # before any row is read
        self.workspace = workspace
        self.rows = rows
        self.clock = clock
        self._resolver = resolver(workspace)
        # git's user.name is asked once, not once a row; and refused once,
        # not on every row, when it breaks the rules of --by.
        anonymous = any(_text(row, "by") is None for row in rows)
        self._by = recorder(workspace.location.root) if anonymous else None
        self._standing: dict[tuple[str, str], Record] | None = None

    def party(self, row: Row) -> Match:
        return self._resolver.resolve(_required(row, "agency"))

    def common(self, row: Row) -> writing.Common:
        return writing.Common(
            date=_day(row, "date"), by=_text(row, "by") or self._by, note=_text(row, "note")
        )

    def standing(self, task: str, party: Match) -> Record | None:
        """The pair's row of ``export --view status`` today, if it owes the task."""
        if party.kind != "agency":
            return None
        if self._standing is None:
            shown = status_rows(self.workspace, today=self.clock.today)
            self._standing = {(r["task"], r["agency"]): r for r in shown}
        return self._standing.get((task, party.id))

    def write(
        self, source: str, build: Callable[[Row], dict[str, Any] | None], *, dry_run: bool
    ) -> Outcome:
        # Lazy: pydantic's error type; the write imports pydantic anyway.
        from parledger.store.schema import ValidationError

        if not self.rows:
            raise UsageError(f"{source}: no rows under the header; nothing to write")
        problems: list[RowProblem] = []
        warnings: list[RowProblem] = []
        prepared: list[writing.Prepared] = []
        taken: set[str] = set()
        unchanged = 0
        for row in self.rows:
            try:
                entry = build(row)
                if entry is None:
                    unchanged += 1
                    continue
                prepared.append(writing.prepare(entry, taken))
                warnings += [
                    RowProblem(source, row.number, _in_columns(message))
                    for message in writing.warnings(self.workspace, prepared[-1].entry)
                ]
            except UsageError as exc:
                problems.append(RowProblem(source, row.number, _in_columns(str(exc))))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                problems.append(RowProblem(source, row.number, f"{where}: {first['msg']}"))
        if problems:
            raise RowsError(problems, len(self.rows))
        if dry_run:
            return Outcome([item.entry for item in prepared], unchanged, len(self.rows), warnings)
        entries = writing.append_all(self.workspace, prepared)
        return Outcome(entries, unchanged, len(self.rows), warnings)


# -- the cells -------------------------------------------------------------


def _text(row: Row, field: str) -> str | None:
    value = row.values.get(field)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else cell(value)
    return text or None


def _required(row: Row, field: str) -> str:
    text = _text(row, field)
    if text is None:
        raise UsageError(f"the {field} cell is empty; every row needs its {field}")
    return text


def _day(row: Row, field: str) -> str | None:
    """A date cell as the single commands take it: text; Excel's dates
    (a datetime at midnight) as their day."""
    value = row.values.get(field)
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        raise UsageError(f"--{field} {value.isoformat(sep=' ')} is a moment, not a day")
    return _text(row, field)


def _percent(row: Row) -> int | None:
    value = row.values.get("percent")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        number = _number(value.strip().removesuffix("%").strip())
    if number is None or not float(number).is_integer():
        hint = (
            " (a cell formatted as a percentage holds 0.8 for 80%: type 80)"
            if (isinstance(number, float) and 0 < number < 1)
            else ""
        )
        raise UsageError(f"--percent '{cell(value)}' is not a whole number from 0 to 100{hint}")
    return int(number)


def _value(row: Row) -> float | None:
    value = row.values.get("value")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = cell(value).strip()
    number = _number(text)
    if number is None:
        hint = (
            "; write decimals with a point (3.5), and no thousands separator"
            if "," in text
            else "; write it as 12 or 3.5"
        )
        raise UsageError(f"--value '{text}' is not a number{hint}")
    return number


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_ITEMS = re.compile(r"[;\n]")


def _evidence(row: Row) -> list[str]:
    """Several documents in one cell, as export writes them: '; ' between
    them (or one a line, as a person may type them in a cell)."""
    text = _text(row, "evidence")
    if text is None:
        return []
    return [item.strip() for item in _ITEMS.split(text) if item.strip()]


def _own_fact(row: Row, shown: Record) -> bool:
    """A row with a date, or a note other than the one status shows (if it
    shows one), states a new fact, always."""
    note = _text(row, "note")
    return _text(row, "date") is not None or (note is not None and note != shown.get("note"))


def _same_progress(row: Row, entry: Mapping[str, Any], shown: Record) -> bool:
    if _own_fact(row, shown):
        return False
    value_same = entry["value"] is None or (
        entry["value"] == shown["value"] and entry["target"] == shown["target"]
    )
    return (
        entry["status"].value == shown["status"]
        and entry["percent"] == shown["percent"]
        and list(entry["evidence"]) == list(shown["evidence"])
        and value_same
    )


# The single commands' messages name their options; a row's, its columns.
_OPTION = re.compile(
    r"--(task|agency|status|percent|value|target|evidence|note|date|by|role|due)\b"
)


_COMMAND = re.compile(r"('parledger [^']*')")


def _in_columns(message: str) -> str:
    # A suggested command, in quotes, keeps its options as they are typed.
    parts = _COMMAND.split(message)
    return "".join(part if i % 2 else _OPTION.sub(r"\1", part) for i, part in enumerate(parts))
