"""Merging ledgers: the union of entries by id, as text, testable without git.

- :func:`union3` is the merge driver's core: base, ours and theirs in,
  ours' lines as they are plus theirs' entries that ours lacks out.  Ours'
  bytes stay a prefix of the result, so parledger's cache, which knows ours,
  reads only what came after.  An entry deleted on one side is kept (the
  ledger is append-only: a deletion is not a change to carry over).
- :func:`resolve_conflicted` mends a file that a merge without the driver
  (a git server, ``merge=text``) left with conflict markers.

(:mod:`parledger.store.ledgerdiff` says what a change means, entry by entry, and
:mod:`parledger.store.gitrepo` is what runs git.)

Entries are compared by id, and their content as data (key order, JSON
spelling and Unicode normalisation do not count): the same entry carried by
two branches is one entry, and one id with two contents is a clash that no
program should settle, since either side may be the true record.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from parledger.model.errors import DataError
from parledger.store import journal

MARKER_SIZE = 7
_MARKER = re.compile(r"^([<|=>])\1{6,}(?:[ \t].*)?$")


class NotOneLineError(DataError):
    """A version of the ledger is not one entry a line: it is not merged by id."""

    def __init__(self, side: str, line: int, text: str) -> None:
        self.side, self.line = side, line
        super().__init__(
            f"{side}, line {line}, is neither an entry line, a comment nor blank "
            f"({_shorten(text)!r})"
        )


class ResolveError(DataError):
    """A conflicted ledger that is not just two sides appending entries."""


# -- lines --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    text: str  # without its line end; the first keeps a BOM
    end: str  # "\n", "\r\n", or "" for a last line without one
    entry: dict[str, Any] | None

    @property
    def key(self) -> str:
        assert self.entry is not None
        return entry_key(self.entry)

    @property
    def blank(self) -> bool:
        return not self.text.lstrip("\ufeff").strip()


def entry_key(entry: Mapping[str, Any]) -> str:
    """What makes two entries the same entry: the id (an entry without a
    string id, which validate reports, is keyed by its content)."""
    entry_id = entry.get("id")
    return entry_id if isinstance(entry_id, str) else "content:" + canonical(entry)


def canonical(entry: Mapping[str, Any]) -> str:
    """An entry's content as data: key order, JSON escapes and NFC/NFD do
    not make two entries different (parledger reads them all as NFC)."""
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False)
    return unicodedata.normalize("NFC", text)


def split_lines(text: str) -> list[tuple[str, str]]:
    """(text, end) for every line; a last line without a newline has end ""."""
    pieces = text.split("\n")
    last = pieces.pop()
    out = [(p[:-1], "\r\n") if p.endswith("\r") else (p, "\n") for p in pieces]
    if last:
        out.append((last, ""))
    return out


def _decode(data: bytes, side: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotOneLineError(side, line, "text that is not UTF-8") from None


def read_lines(data: bytes, side: str) -> list[Line]:
    """A ledger's lines, each read as an entry where it is one; raises
    NotOneLineError at the first line that is neither entry, comment nor blank."""
    lines = []
    for number, (text, end) in enumerate(split_lines(_decode(data, side)), 1):
        entry = journal.parse_line(text)
        if entry is None and not journal.is_blank_or_comment(text):
            raise NotOneLineError(side, number, text)
        lines.append(Line(number, text, end, entry))
    return lines


def _newline(*sides: list[Line]) -> str:
    """The first side's line-end style (CRLF when saved on Windows)."""
    for lines in sides:
        for line in lines:
            if line.end:
                return line.end
    return "\n"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the merge driver -----------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """One id with different content on the two sides."""

    id: str
    ours: int  # line numbers
    theirs: int


@dataclass(frozen=True)
class Union:
    data: bytes
    clashes: list[Clash] = field(default_factory=list)
    ours: int = 0  # entries ours had
    added: int = 0  # theirs' entries that ours lacked
    comments: int = 0  # comment lines theirs added


def union3(
    base: bytes, ours: bytes, theirs: bytes, *, labels: tuple[str, str] = ("ours", "theirs")
) -> Union:
    """The union by id of two versions of a ledger that grew from ``base``.

    The result is ours' lines as they are, then, in theirs' order, theirs'
    entries whose id ours lacks and the comment lines theirs added (in
    neither base nor ours: a note a person wrote); blank lines theirs added
    are dropped.  An entry both carry is kept once.  An id with different
    content on the two sides is a clash: ours' line is replaced by conflict
    markers around both lines, and ``clashes`` says which.  The line ends
    and BOM are ours' (theirs' when ours is empty).

    Raises NotOneLineError when a version is not one entry a line (the
    older multi-line form): merging that by id would be a guess.
    """
    base_lines = read_lines(base, "the common ancestor")
    ours_lines = read_lines(ours, "ours")
    theirs_lines = read_lines(theirs, "theirs")
    newline = _newline(ours_lines, theirs_lines)

    ours_entries: dict[str, Line] = {}
    for line in ours_lines:
        if line.entry is not None:
            ours_entries.setdefault(line.key, line)
    known_comments = {
        line.text.lstrip("\ufeff").strip()
        for line in (*base_lines, *ours_lines)
        if line.entry is None and not line.blank
    }
    clashed: dict[int, Line] = {}  # ours' line number → theirs' clashing line
    clashes: list[Clash] = []
    added: list[Line] = []
    added_entries: set[str] = set()
    comments = 0
    for line in theirs_lines:
        if line.entry is None:
            comment = line.text.lstrip("\ufeff").strip()
            if not line.blank and comment not in known_comments:
                known_comments.add(comment)
                added.append(line)
                comments += 1
            continue
        mine = ours_entries.get(line.key)
        if mine is not None:
            assert mine.entry is not None
            if canonical(mine.entry) != canonical(line.entry) and mine.number not in clashed:
                clashed[mine.number] = line
                clashes.append(Clash(line.key, mine.number, line.number))
            continue
        content = line.key + canonical(line.entry)
        if content not in added_entries:  # theirs' own exact repeat: once
            added_entries.add(content)
            added.append(line)

    out: list[str] = []
    if not ours_lines and theirs_lines and theirs_lines[0].text.startswith("\ufeff"):
        out.append("\ufeff")
    for line in ours_lines:
        end = line.end or (newline if added or clashes else "")
        theirs_line = clashed.get(line.number)
        if theirs_line is None:
            out.append(line.text + end)
        else:
            bom = "\ufeff" if line.text.startswith("\ufeff") else ""  # stays first in the file
            theirs_text = theirs_line.text.lstrip("\ufeff")
            out += [bom, *_markers([line.text[len(bom) :]], [theirs_text], labels, newline)]
    out += [line.text.lstrip("\ufeff") + newline for line in added]
    return Union(
        data="".join(out).encode("utf-8"),
        clashes=clashes,
        ours=len(ours_entries),
        added=len(added) - comments,
        comments=comments,
    )


def _markers(ours: list[str], theirs: list[str], labels: tuple[str, str], nl: str) -> list[str]:
    return [
        "<" * MARKER_SIZE + f" {labels[0]}{nl}",
        *(text + nl for text in ours),
        "=" * MARKER_SIZE + nl,
        *(text + nl for text in theirs),
        ">" * MARKER_SIZE + f" {labels[1]}{nl}",
    ]


# -- resolving a conflicted file ------------------------------------------------


@dataclass
class _Block:
    start: int  # line number of '<<<<<<<'
    ours: list[Line] = field(default_factory=list)
    theirs: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    data: bytes
    conflicts: int = 0
    ours: int = 0  # entries kept from ours' sides
    theirs: int = 0  # entries added from theirs' sides
    duplicates: int = 0  # theirs' entries ours already had


def resolve_conflicted(data: bytes) -> Resolved:
    """A ledger with git's conflict markers, resolved into the union by id.

    Each conflict becomes ours' side as it is, then theirs' entries that the
    file does not already hold (an identical entry is kept once).  The base
    section of diff3 markers is dropped: what both sides removed stays
    removed.  Refused (ResolveError naming the line) when the conflict is
    anything but entries: comment lines that differ between the sides, one
    id with different content, a line that is not an entry line (the older
    multi-line form), or markers out of order.  Blank lines count for
    nothing.  A file without markers comes back unchanged, conflicts=0.
    """
    text = _decode_conflicted(data)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    raw = split_lines(text[len(bom) :])
    newline = next((end for _, end in raw if end), "\n")
    pieces: list[Line | _Block] = []
    block: _Block | None = None
    section = ""  # "", "ours", "base", "theirs"
    for number, (line_text, end) in enumerate(raw, 1):
        marker = _MARKER.match(line_text)
        kind = marker.group(1) if marker else None
        if kind is None:
            line = _conflict_line(number, line_text, end)
            if block is None:
                pieces.append(line)
            elif section == "ours":
                block.ours.append(line)
            elif section == "theirs":
                block.theirs.append(line)
            continue
        expected = {"": "<", "ours": "|=", "base": "=", "theirs": ">"}[section]
        if kind not in expected:
            raise ResolveError(_misplaced(number, kind, block))
        if kind == "<":
            block, section = _Block(number), "ours"
        elif kind == "|":
            section = "base"
        elif kind == "=":
            section = "theirs"
        else:
            assert block is not None
            pieces.append(block)
            block, section = None, ""
    if block is not None:
        raise ResolveError(
            f"line {block.start}: this conflict has no end marker '{'>' * MARKER_SIZE}'; "
            "the file is not as git left it: resolve it by hand"
        )
    blocks = [piece for piece in pieces if isinstance(piece, _Block)]
    if not blocks:
        return Resolved(data)
    return _union_blocks(pieces, bom, newline, len(blocks))


def _decode_conflicted(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ResolveError(f"line {line}: the file is not UTF-8 text; resolve it by hand") from None


def _conflict_line(number: int, text: str, end: str) -> Line:
    entry = journal.parse_line(text)
    if entry is None and not journal.is_blank_or_comment(text):
        raise ResolveError(
            f"line {number} is neither an entry line, a comment nor a conflict marker "
            f"({_shorten(text)!r}); if the ledger is in the older multi-line form, "
            "resolve it by hand, then run 'parledger upgrade-ledger' on both branches"
        )
    return Line(number, text, end, entry)


def _misplaced(number: int, kind: str, block: _Block | None) -> str:
    marker = kind * MARKER_SIZE
    if block is None:
        where = "outside a conflict"
    else:
        where = f"in the conflict that starts at line {block.start}, out of order"
    return f"line {number}: '{marker}' {where}; the markers are not as git writes them"


def _union_blocks(pieces: list[Line | _Block], bom: str, newline: str, conflicts: int) -> Resolved:
    # Every entry the result keeps anyway (outside the conflicts, and ours'
    # sides), so a theirs' entry is checked against the whole file.
    kept: dict[str, Line] = {}
    for piece in pieces:
        for line in [piece] if isinstance(piece, Line) else piece.ours:
            if line.entry is not None:
                kept.setdefault(line.key, line)
    out: list[str] = [bom]
    ours = theirs = duplicates = 0
    for piece in pieces:
        if isinstance(piece, Line):
            out.append(piece.text + (piece.end or newline))
            continue
        _same_comments(piece)
        for line in piece.ours:
            out.append(line.text + (line.end or newline))
            ours += line.entry is not None
        for line in piece.theirs:
            if line.entry is None:
                continue
            had = kept.get(line.key)
            if had is None:
                kept[line.key] = line
                out.append(line.text + (line.end or newline))
                theirs += 1
            elif canonical(had.entry or {}) == canonical(line.entry):
                duplicates += 1
            else:
                raise ResolveError(
                    f"entry {line.key} is on line {had.number} and line {line.number} with "
                    "different content: keep the right one by hand, then record any "
                    "change with 'parledger correct'"
                )
    return Resolved("".join(out).encode("utf-8"), conflicts, ours, theirs, duplicates)


def _same_comments(block: _Block) -> None:
    """Refuse a conflict whose sides differ in comments: which note belongs
    where is for a person to decide (blank lines count for nothing)."""

    def comments(lines: list[Line]) -> list[Line]:
        return [line for line in lines if line.entry is None and not line.blank]

    mine, theirs = comments(block.ours), comments(block.theirs)
    for index in range(max(len(mine), len(theirs))):
        a = mine[index] if index < len(mine) else None
        b = theirs[index] if index < len(theirs) else None
        if a is None or b is None or a.text.strip() != b.text.strip():
            first = a or b
            assert first is not None
            raise ResolveError(
                f"line {first.number}: the conflict that starts at line {block.start} differs "
                "in lines that are not entries (comments): resolve it by hand"
            )
