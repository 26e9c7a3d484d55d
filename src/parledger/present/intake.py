"""A table in the columns ``export`` writes, read back for bulk entry: which
column holds which field, whatever language its heading is in, and the
words for statuses and roles the tool itself prints.

This is export read backwards, so it lives beside it: the headings are
:data:`parledger.present.labels.HEADER`'s, in English or Vietnamese, or the
keys a CSV for scripts carries, matched in any case, with or without tone
marks ("Tình trạng", "TINH TRANG", "status").  The cells' meaning is
:mod:`parledger.track.bulk`'s.

Columns ``export --view status`` writes that are not the command's fields
(name, title, category, last update …, and the other command's fields) are
read past: that export is the sheet an office fills in, and the same sheet
can be given to ``assign --from`` and to ``record --from``.  Any other
heading is an error naming it: a misspelt "percnet" must not be skipped in
silence while its values are lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from parledger.model.enums import Status
from parledger.model.errors import UsageError
from parledger.model.names import match_key
from parledger.present import labels
from parledger.present.views import STATUS_COLUMNS
from parledger.store.sheet import Table
from parledger.track.bulk import Row, Words


@dataclass(frozen=True)
class Command:
    """The fields one bulk command reads, and those every row must have."""

    name: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


RECORD = Command(
    "record",
    ("task", "agency", "status", "percent", "value", "target", "evidence", "note", "date", "by"),
    ("task", "agency", "status"),
)
ASSIGN = Command(
    "assign", ("task", "agency", "role", "due", "note", "date", "by"), ("task", "agency")
)

# "directive": the column an export across a workspace's directives leads
# with; the command line reads it to pick the ledger (see ``directives``).
_KNOWN = dict.fromkeys(["directive", *RECORD.fields, *ASSIGN.fields, *STATUS_COLUMNS])


def _names(key: str) -> set[str]:
    """What a heading for ``key`` may say: the key, and its words in both languages."""
    words = labels.HEADER.get(key, (key, key))
    return {key, key.replace("_", " "), *words}


def _fold(heading: str) -> str:
    # "%" is all punctuation, which match_key drops: it is its own key.
    return match_key(heading) or heading.strip()


_HEADINGS: dict[str, str] = {}
for _key in _KNOWN:
    for _name in _names(_key):
        _HEADINGS.setdefault(_fold(_name), _key)


def directives(table: Table) -> dict[int, str]:
    """The directive each row names, by row number, when the table has the
    ``directive`` column that an export across directives writes."""
    columns = {_HEADINGS.get(_fold(heading)): i for i, heading in enumerate(table.headers)}
    at = columns.get("directive")
    if at is None:
        return {}
    return {
        number: str(cells[at]).strip()
        for number, cells in table.rows
        if at < len(cells) and cells[at] not in (None, "")
    }


def rows(table: Table, command: Command) -> list[Row]:
    """Each row's cells by the field they hold; the headings checked first."""
    columns = _columns(table, command)
    return [
        Row(number, {field: cells[i] for i, field in columns.items()})
        for number, cells in table.rows
    ]


def _columns(table: Table, command: Command) -> dict[int, str]:
    where = f"{table.path}:1"
    found: dict[str, int] = {}
    unknown: list[str] = []
    for i, heading in enumerate(table.headers):
        key = _HEADINGS.get(_fold(heading))
        if key is None:
            unknown.append(heading)
        elif key in found and key in command.fields:
            raise UsageError(
                f"{where}: two columns hold {key}: '{table.headers[found[key]]}' and '{heading}'; "
                "keep one"
            )
        else:
            found.setdefault(key, i)
    if unknown:
        quoted = ", ".join(f"'{heading}'" for heading in unknown)
        raise UsageError(
            f"{where}: unknown column{'s' if len(unknown) > 1 else ''} {quoted}; "
            f"{command.name} reads {_spelled(command.fields)} "
            "(or the headings 'export --lang vi' writes for them)"
        )
    missing = [key for key in command.required if key not in found]
    if missing:
        raise UsageError(
            f"{where}: no {_spelled(missing)} column; every row of "
            f"'{command.name} --from' needs {_spelled(command.required)}"
        )
    if command is ASSIGN and not {"role", "due"} & set(found):
        progress = [key for key in ("status", "percent", "value", "evidence") if key in found]
        if progress:
            raise UsageError(
                f"{where}: the file has record's columns ({', '.join(progress)}) and neither "
                "role nor due: did you mean 'parledger record --from'?"
            )
    return {i: key for key, i in found.items() if key in command.fields}


def _spelled(keys: tuple[str, ...] | list[str]) -> str:
    words = [f"{key} ({labels.header(key, labels.Lang.VI)})" for key in keys]
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def status_word(text: str) -> Status:
    """A status cell: the key or the words status prints for it, any case."""
    key = labels.parse(labels.STATUS, text)
    if key is None:
        raise UsageError(
            f"status '{text}' is not a status; use one of {labels.spelled(labels.STATUS)}"
        )
    return Status(key)


def role_word(text: str) -> str:
    """A role cell: lead, support or implement, or a word for them; or a role
    the directive gives (addressee, named, group), as status shows it."""
    key = labels.parse(labels.ROLE, text)
    if key is None:
        raise UsageError(
            f"role '{text}' is not a role; use lead (chủ trì), support (phối hợp) or "
            "implement (thực hiện), or leave it empty"
        )
    return key


WORDS = Words(status=status_word, role=role_word)
