"""The ledger: what happened to the directive's tasks, as entries.

Commands here build one entry from what an analyst typed, check it against
the workspace (task, agency, values, the entry it corrects) and append it
through :mod:`parledger.store.journal`.  Nothing is written unless every check
passes.  Replaying the entries (corrections applied, withdrawn entries
dropped) gives the ledger's current view; :mod:`parledger.track.status` turns that
into the state of each task.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parledger.model.errors import Problem
from parledger.model.models import (
    Entry,
    EntryKind,
)
from parledger.store import journal, yamlio
from parledger.store.validator import EntriesJson


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
    (:mod:`parledger.store.validator`), else pydantic's."""
    if data is None:
        if not path.exists():
            return LoadedLedger(), []
        try:
            data = journal.read_shared(path)
        except journal.RefusedFile as exc:  # a FIFO, a device, a 2 GB file
            return LoadedLedger(), [Problem(str(path), 1, 1, exc.code, exc.message)]
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
        # Lazy: pydantic (about 0.1 s); a warm status validates nothing.
        from parledger.store import schema

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
    # Lazy: pydantic (about 0.1 s); a warm status validates nothing.
    from parledger.store import schema
    from parledger.store.schema import ValidationError

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
    # Lazy: pydantic (about 0.1 s); a warm status validates nothing.
    from parledger.store import schema

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
