"""The ledger: what happened to the directive's tasks, as entries.

Commands here build one entry from what an analyst typed, check it against
the workspace (task, agency, values, the entry it corrects) and append it
through :mod:`parledger.journal`.  Nothing is written unless every check
passes.  Replaying the entries (corrections applied, withdrawn entries
dropped) gives the ledger's current view; :mod:`parledger.status` turns that
into the state of each task.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parledger import journal, yamlio
from parledger.dates import parse_date, parse_fact_date
from parledger.docref import normalise_evidence
from parledger.errors import Problem, UsageError
from parledger.fold import effective, root_of
from parledger.inputs import Clock, clean_text, recorder
from parledger.models import (
    AssignEntry,
    Entry,
    EntryKind,
    Node,
    NodeKind,
    ProgressEntry,
    Role,
    Status,
)
from parledger.names import Match
from parledger.validator import EntriesJson
from parledger.workspace import Location, Workspace


@dataclass
class LoadedLedger:
    """The ledger's entries in file order, and where each one stands."""

    entries: list[Entry] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)  # each entry's place in the file's list
    loaded: yamlio.Loaded | None = None
    # Read through the YAML library: not (only) one entry a line, as an
    # older parledger wrote it; 'parledger upgrade-ledger' rewrites it.
    multiline: bool = False
    count: int = 0  # entries read, good and bad: the next entry's index

    def position(self, entry_number: int, field_name: str | None = None) -> tuple[int, int]:
        """1-based (line, col) of an entry, or of one of its fields."""
        if self.loaded is None:
            return (1, 1)
        path: tuple[str | int, ...] = (self.indexes[entry_number],)
        return self.loaded.position((*path, field_name) if field_name else path)


PIECE = 1 << 20  # bytes decoded and validated at a time: never all the raw data in memory


class _NotOneLine(Exception):
    """A line that is not an entry as parledger writes it: the file is read
    by the YAML library instead."""


def load(
    path: Path, data: bytes | None = None, *, entries_json: EntriesJson | None = None
) -> tuple[LoadedLedger, list[Problem]]:
    """Read and validate every entry; a missing ledger is an empty one.

    The one pipeline: the bytes a piece at a time, each piece's lines handed
    to pydantic as one JSON array.  A ledger that is not one entry a line (the multi-line form of
    parledger 0.1, a hand edit in another YAML style) is read by the YAML
    library instead, slower but to the same data.  ``data``: the ledger's
    bytes, already read (the cache validates the very bytes it hashed);
    ``entries_json``: the validator, when the caller has it at hand
    (:mod:`parledger.validator`), else pydantic's."""
    if data is None:
        if not path.exists():
            return LoadedLedger(), []
        try:
            data = journal.read_shared(path)
        except OSError as exc:
            return LoadedLedger(), [
                Problem(str(path), 1, 1, "unreadable", f"cannot read the file: {exc.strerror}")
            ]
    body, torn = journal.split_torn(data)
    problems = [_torn_problem(path, torn)] if torn is not None else []
    try:
        result, found = _one_line_form(path, body, entries_json)
    except _NotOneLine:
        conflict = _CONFLICT.search(body)
        if conflict is not None:
            return LoadedLedger(), [_conflict_problem(path, body, conflict.start())]
        result, found = _multiline_form(path, body)
    except yamlio.YamlLoadError as exc:
        return LoadedLedger(), [exc.problem, *problems]
    return result, found + problems


_CONFLICT = re.compile(rb"^<<<<<<< ", re.MULTILINE)


def _conflict_problem(path: Path, body: bytes, offset: int) -> Problem:
    return Problem(
        str(path),
        body.count(b"\n", 0, offset) + 1,
        1,
        "merge-conflict",
        "the ledger holds git's conflict markers (a merge where parledger's merge driver "
        "did not run); run 'parledger resolve' to keep both sides' entries",
    )


def _torn_problem(path: Path, torn: journal.Torn) -> Problem:
    return Problem(
        str(path),
        torn.line,
        1,
        "torn-line",
        f"the last line ({len(torn.data)} bytes) was cut short, as a write interrupted "
        "by a crash leaves it; run 'parledger repair' to set it aside into "
        f"{path.name}.torn, then record that fact again",
    )


# A piece of a ledger that is one entry a line: entry lines, and lines of
# spaces or comments.  Checked over a whole piece at once, in C.
_ONE_LINE_FORM = re.compile(rb"(?:- \{[^\n]*\}\r?\n| *(?:#[^\n]*)?\r?\n)*")
_ENTRY_LINE = re.compile(rb"^- (\{[^\n]*\})\r?$", re.MULTILINE)


def _one_line_form(
    path: Path, body: bytes, entries_json: EntriesJson | None
) -> tuple[LoadedLedger, list[Problem]]:
    """A piece at a time (about a megabyte): decoded, its shape checked, its
    entries handed to pydantic as one JSON array, which parses and validates
    them in one call, in Rust.  No Python runs per line unless something is
    wrong; then the piece is gone through line by line to say what."""
    if entries_json is None:
        from parledger import schema

        entries_json = schema.entries_json
    result = LoadedLedger()
    problems: list[Problem] = []
    locate = _LineLocator(body).position
    first_line = 1
    for piece in _pieces(body):
        data = _utf8_nfc(path, piece, first_line)
        if not _ONE_LINE_FORM.fullmatch(data):
            raise _NotOneLine
        texts = _ENTRY_LINE.findall(data)
        first = result.count
        try:
            validated = entries_json(b"[" + b",".join(texts) + b"]")
            if len(validated) != len(texts):
                # A line holding two mappings ("- {…}, {…}") is not YAML.
                raise _NotOneLine
            result.entries += validated
            result.indexes += range(first, first + len(texts))
        except ValueError:  # pydantic's ValidationError: say which, and why
            raws = [journal.parse_line("- " + text.decode()) for text in texts]
            if None in raws:
                raise _NotOneLine from None  # not JSON: another YAML style
            problems += _each_entry(path, [r for r in raws if r is not None], first, result, locate)
        result.count += len(texts)
        first_line += data.count(b"\n")
    result.loaded = yamlio.Loaded(path=path, data=None, locate=locate)
    return result, problems


def _pieces(body: bytes) -> Iterator[bytes]:
    """The ledger in pieces of whole lines, each ending in a newline: a
    large ledger is never held whole as text (twice its bytes, for
    Vietnamese), nor all its entries' raw data at once."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]  # a BOM an editor added
    start = 0
    while start < len(body):
        end = body.find(b"\n", start + PIECE) + 1 or len(body)
        piece = body[start:end]
        yield piece if piece.endswith(b"\n") else piece + b"\n"
        start = end


def _utf8_nfc(path: Path, piece: bytes, first_line: int) -> bytes:
    """The piece as NFC UTF-8; a piece that is not UTF-8 (a legacy
    Vietnamese encoding) or holds NUL bytes is one problem at its line."""
    try:
        if b"\x00" in piece:
            raise ValueError
        text = piece.decode("utf-8")
    except ValueError:
        try:  # the reader of every workspace file words the problem
            yamlio.read_text(path, lambda _: piece)
        except yamlio.YamlLoadError as exc:
            problem = exc.problem  # its line counts from the piece's start
            raise yamlio.YamlLoadError(
                dataclasses.replace(problem, line=problem.line + first_line - 1)
            ) from None
        raise  # pragma: no cover - read_text refuses what decode refused
    if unicodedata.is_normalized("NFC", text):
        return piece
    return yamlio.read_text(path, lambda _: piece).encode("utf-8")


class _LineLocator:
    """Where an entry of a one-line ledger stands, and the column of one of
    its fields: worked out only when a problem asks."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._lines: list[tuple[int, bytes]] | None = None  # each entry's line and text

    def position(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        if self._lines is None:
            lines = self._body.split(b"\n")
            self._lines = [
                (number, line)
                for number, line in enumerate(lines, start=1)
                if line.lstrip(b"\xef\xbb\xbf").startswith(b"- {")
            ]
        if not path or not isinstance(path[0], int) or not 0 <= path[0] < len(self._lines):
            return (1, 1)
        number, line = self._lines[path[0]]
        if len(path) < 2 or not isinstance(path[1], str):
            return (number, 3)
        text = line.decode("utf-8", "replace")
        found = text.find(f'"{path[1]}": ')
        return (number, found + 1 if found >= 0 else 3)


def _each_entry(
    path: Path,
    batch: list[dict[str, Any]],
    first: int,
    result: LoadedLedger,
    locate: Callable[[tuple[str | int, ...]], tuple[int, int]],
) -> list[Problem]:
    """Validate entry by entry, to keep the good ones and report every bad
    one at its line."""
    from parledger import schema
    from parledger.schema import ValidationError

    problems: list[Problem] = []
    for offset, raw in enumerate(batch):
        try:
            entry = schema.entry(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = (first + offset, *(p for p in error["loc"] if not _is_branch(p)))
                line, col = locate(loc)
                problems.append(
                    Problem(str(path), line, col, "invalid-entry", _entry_message(raw, error))
                )
            continue
        result.entries.append(entry)
        result.indexes.append(first + offset)
    return problems


def _multiline_form(path: Path, body: bytes) -> tuple[LoadedLedger, list[Problem]]:
    """The whole file through the YAML library, with positions."""
    try:
        loaded = yamlio.load_text(path, yamlio.read_text(path, lambda _: body))
    except yamlio.YamlLoadError as exc:
        return LoadedLedger(), [exc.problem]
    result = LoadedLedger(loaded=loaded, multiline=True)
    if loaded.data is None:  # only comments: no entries yet
        return result, []
    if not isinstance(loaded.data, list):
        message = "the ledger must be a list of entries, one a line"
        return result, [Problem(str(path), 1, 1, "invalid-value", message)]
    from parledger import schema

    try:  # one call for the whole list: pydantic is many times faster so
        result.entries = schema.entries(loaded.data)
        result.indexes = list(range(len(result.entries)))
        return result, []
    except ValueError:
        return result, _each_entry(path, loaded.data, 0, result, loaded.position)


def _is_branch(part: Any) -> bool:
    # pydantic names the union branch (assign, progress …) in error locations.
    return isinstance(part, str) and part in {kind.value for kind in EntryKind}


def _entry_message(raw: Any, error: Any) -> str:
    entry_id = raw.get("id", "?") if isinstance(raw, dict) else "?"
    where = ".".join(str(p) for p in error["loc"] if not _is_branch(p)) or "entry"
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"entry {entry_id}: unknown field '{where}'"
    if error["type"] in ("missing", "missing_keyword_argument"):
        return f"entry {entry_id}: required field '{where}' missing"
    return f"entry {entry_id}: {where}: {error['msg']}"


# -- writing -------------------------------------------------------------


def task_item(workspace: Workspace, task_id: str) -> Node:
    from parledger.query import find_node, outline_of

    node = find_node(outline_of(workspace), task_id)
    if node.kind is not NodeKind.ITEM:
        raise UsageError(
            f"{node.id} is a {node.kind.value} of the outline, not a task; "
            "give one of its numbered items (parledger tasks)"
        )
    return node


@dataclass(frozen=True)
class Common:
    """What every entry carries besides its kind's own fields."""

    date: str | None = None
    by: str | None = None
    note: str | None = None


def _base(
    workspace: Workspace, node: Node, party: Match, common: Common, clock: Clock
) -> dict[str, Any]:
    by = clean_text(common.by, "--by") or recorder(workspace.location.root)
    return {
        "task": node.id,
        "agency": party.id if party.kind == "agency" else None,
        "group": party.id if party.kind == "group" else None,
        "date": parse_fact_date(common.date, clock.today),
        "recorded": clock.now,
        "by": by,
        "note": clean_text(common.note, "--note"),
    }


def assign(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    role: Role = Role.IMPLEMENT,
    due: str | None = None,
    common: Common = Common(),
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    entry = _base(workspace, node, party, common, clock) | {
        "kind": EntryKind.ASSIGN,
        "role": role,
        "due": parse_date(due, "--due") if due is not None else None,
    }
    return _append(workspace, entry)


def unassign(
    workspace: Workspace,
    task_id: str,
    party: Match,
    *,
    reason: str | None,
    common: Common = Common(),
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    entry = _base(workspace, node, party, common, clock) | {
        "kind": EntryKind.UNASSIGN,
        "reason": clean_text(reason, "--reason", required=True),
    }
    from parledger.status import owes

    if party.kind == "agency" and not owes(workspace, node.id, party.id):
        raise UsageError(f"{party.id} does not owe {node.id}; there is nothing to unassign")
    return _append(workspace, entry)


def record(
    workspace: Workspace,
    task_id: str,
    agency: Match,
    *,
    status: Status,
    percent: int | None = None,
    value: float | None = None,
    target: str | None = None,
    evidence: Iterable[str] = (),
    common: Common = Common(),
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    node = task_item(workspace, task_id)
    if agency.kind != "agency":
        raise UsageError(
            "progress is recorded for one agency, not a group; give the agency that reported"
        )
    from parledger.status import owes

    if not owes(workspace, node.id, agency.id):
        raise UsageError(
            f"{agency.id} does not owe {node.id}; if it should, first run "
            f"'parledger assign {node.id} --agency {agency.id}'"
        )
    percent = _percent(status, percent)
    target = _target(node, value, target)
    entry = _base(workspace, node, agency, common, clock) | {
        "kind": EntryKind.PROGRESS,
        "status": status,
        "percent": percent,
        "value": value,
        "target": target,
        "evidence": [normalise_evidence(item) for item in evidence],
    }
    return _append(workspace, entry)


def _percent(status: Status | None, percent: int | None) -> int | None:
    if percent is not None and not 0 <= percent <= 100:
        raise UsageError(f"--percent {percent} is outside 0–100")
    if status is Status.DONE:
        if percent is not None and percent < 100:
            raise UsageError(
                f"status done with --percent {percent}: done means 100%; "
                "record in_progress with the percent instead"
            )
        return 100
    return percent


def _target(node: Node, value: float | None, target: str | None) -> str | None:
    if value is None and target is None:
        return None
    ids = [t.id for t in node.targets]
    if not ids:
        raise UsageError(f"{node.id} states no quantitative target; --value has nothing to count")
    if target is None:
        if len(ids) > 1:
            raise UsageError(
                f"{node.id} has several targets; choose one with --target ({', '.join(ids)})"
            )
        return ids[0]
    if target not in ids:
        raise UsageError(f"{node.id} has no target '{target}'; its targets: {', '.join(ids)}")
    if value is None:
        raise UsageError("--target needs --value: the figure reached towards it")
    return target


@dataclass(frozen=True)
class Changes:
    """What a correction changes; None leaves a field as it was."""

    date: str | None = None
    note: str | None = None
    status: Status | None = None
    percent: int | None = None
    value: float | None = None
    target: str | None = None
    evidence: Sequence[str] | None = None
    role: Role | None = None
    due: str | None = None


_PROGRESS_ONLY = ("status", "percent", "value", "target", "evidence")
_ASSIGN_ONLY = ("role", "due")


def correct(
    workspace: Workspace,
    entry_id: str,
    *,
    reason: str | None,
    changes: Changes = Changes(),
    void: bool = False,
    by: str | None = None,
    clock: Clock | None = None,
) -> Entry:
    clock = clock or Clock.system()
    entries = workspace.entries
    by_id = {entry.id: entry for entry in entries}
    if entry_id not in by_id:
        raise UsageError(
            f"no ledger entry '{entry_id}'; 'parledger history' lists the entries and their ids"
        )
    root_id = root_of(entry_id, by_id)
    facts = {entry.id: entry for entry in effective(entries)}
    if root_id is None or root_id not in facts:
        raise UsageError(f"entry {entry_id} was withdrawn by an earlier correction")
    fact = facts[root_id]
    given = {name: getattr(changes, name) for name in Changes.__dataclass_fields__}
    given = {name: value for name, value in given.items() if value is not None}
    if not given and not void:
        raise UsageError("say what to correct (e.g. --percent 80) or withdraw it with --void")
    if void and given:
        raise UsageError("--void withdraws the entry; it cannot be combined with new values")
    wrong = [
        n
        for n in given
        if (n in _PROGRESS_ONLY and not isinstance(fact, ProgressEntry))
        or (n in _ASSIGN_ONLY and not isinstance(fact, AssignEntry))
    ]
    if wrong:
        raise UsageError(
            f"entry {entry_id} is a {fact.kind.value} entry; --{wrong[0]} does not apply to it"
        )
    node = task_item(workspace, fact.task)
    entry: dict[str, Any] = {
        "kind": EntryKind.CORRECTION,
        "task": fact.task,
        "agency": fact.agency,
        "group": fact.group,
        "date": clock.today,
        "recorded": clock.now,
        "by": clean_text(by, "--by") or recorder(workspace.location.root),
        "supersedes": entry_id,
        "reason": clean_text(reason, "--reason", required=True),
        "void": True if void else None,
    }
    if "date" in given:
        entry["fact_date"] = parse_fact_date(changes.date, clock.today)
    entry["note"] = clean_text(changes.note, "--note")
    if isinstance(fact, ProgressEntry):
        status = changes.status or fact.status
        percent = changes.percent if changes.percent is not None else fact.percent
        if "status" in given or "percent" in given:
            percent = _percent(status, percent)
        entry["status"] = changes.status
        entry["percent"] = percent if ("status" in given or "percent" in given) else None
        if "value" in given or "target" in given:
            value = changes.value if changes.value is not None else fact.value
            entry["value"] = value
            entry["target"] = _target(node, value, changes.target or fact.target)
        if changes.evidence is not None:
            entry["evidence"] = [normalise_evidence(item) for item in changes.evidence]
    if isinstance(fact, AssignEntry):
        entry["role"] = changes.role
        entry["due"] = parse_date(changes.due, "--due") if changes.due is not None else None
    return _append(workspace, entry)


def _append(workspace: Workspace, entry: dict[str, Any]) -> Entry:
    """Give the entry a fresh id, validate it as the loader will, append it."""
    location: Location = workspace.location
    if location.bundled:
        raise UsageError(
            "the bundled workspace is read-only; create your own with "
            "'parledger init DIR', then use --data-dir DIR (or set PARLEDGER_DATA)"
        )
    final: dict[str, Entry] = {}

    def build(current: journal.Current) -> str:
        # No search for the new id: 48 random bits make a clash about one in
        # three billion even at 100,000 entries, and a write must cost the
        # same at any size; 'validate' reports a clash should one happen.
        raw = {"id": draw_entry_id()} | entry
        line = journal.format_entry(raw)
        # Validate exactly what will be on disk, read back as the loader reads it.
        from parledger import schema

        final["entry"] = schema.entry(journal.parse_line(line))
        return line

    written = journal.append(location.ledger_path, build, directive_id=workspace.directive.id)
    if written is not None and workspace.after_append is not None:
        workspace.after_append(final["entry"], *written)
    return final["entry"]


def draw_entry_id() -> str:
    """A random id: unique across branches without coordination."""
    return f"e-{secrets.token_hex(6)}"
