"""A directive's document made into a draft of parledger's data.

Why here, in ``track/``: reading the document's file is storage
(:mod:`parledger.store.document`), and writing the draft's YAML is too
(:mod:`parledger.store.draft`); what lies between — deciding which line is
the number, which paragraph a heading, who is addressed, which documents are
cited — is what an analyst does when they type a directive in, the domain's
work, and it needs the registry to know an agency when the text names one.

What is read, not guessed, is copied verbatim: every heading and paragraph,
the number and the date as printed, the subject lines, the recipients, the
footnotes.  What is interpreted — the issuer where the header leaves it out,
a document's kind or issuer the text does not print, a deadline found in a
sentence, an appendix row's agencies — carries a note in the ``assumed:``
mapping of the object it belongs to, and is listed in :attr:`Draft.checks`,
so that the reviewer's ``git diff`` and the command's summary show what to
check.

The outline's shape is read by :mod:`parledger.track.outline_text` (any
count of parts, any depth, lettered points); :func:`node_fields` alone maps
its nodes to the data model's fields (ids, kinds, heading or paragraph).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parledger.model.docref import KINDS, parse_document_number
from parledger.model.enums import Index
from parledger.model.errors import DataError, Problem, UsageError
from parledger.model.models import Registry
from parledger.model.names import match_key
from parledger.model.sourcetext import SUPERSCRIPT_DIGITS, Paragraph, SourceText, Table
from parledger.track.outline_text import (
    LETTERED,
    NUMBERED,
    ROMAN,
    OutlineError,
    OutlineNode,
    label_of,
    parse_outline,
)

# A paragraph that ends without one of these continues after a page break
# (when the next one opens in lower case).
TERMINAL = (".", ":", ";", "!", "?", "…")
_MARKERS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_NUMBER_LINE = re.compile(r"^Số\s*:?\s*(?P<number>\S*?)\s*/\s*(?P<symbol>\S+)\s*$")
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\d]+?),\s*ngày\b(?P<rest>.*?)năm\s*(?P<year>\d{4})\s*$", re.IGNORECASE
)
_PRINTED_DATE = re.compile(r"^\s*(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?\s*$")
_KIND_WORDS = sorted(KINDS, key=len, reverse=True)
_KIND_TITLES = {kind.upper(): kind for kind in KINDS}
_HEADER_NOISE = re.compile(
    r"^(?:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM|"
    r"Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc|[-_–—=.\s]+)$",
    re.IGNORECASE,
)
_RECIPIENTS = re.compile(r"^Nơi\s+nhận\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_ADDRESSED = re.compile(r"^Kính\s+gửi\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_SUBJECT = re.compile(r"^V/v\b", re.IGNORECASE)
_BULLET = re.compile(r"^[-+•–]\s*")
_APPENDIX = re.compile(r"^PHỤ\s+LỤC\b", re.IGNORECASE)
_CAPACITY = re.compile(r"^(?:TM|KT|TL|TUQ|Q|PP)\.\s")

_NUMBER_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:&[A-Za-zĐđ0-9]+)*"
_DOCUMENT_NUMBER = re.compile(
    rf"(?<![\w/.-])(?:\d+(?:/\d{{4}})?/{_NUMBER_CODE}(?:-{_NUMBER_CODE})+"
    rf"|\d+-{_NUMBER_CODE}/{_NUMBER_CODE}(?:-{_NUMBER_CODE})*)(?![\w/])"
)
_KIND_BEFORE = re.compile(rf"(?P<kind>{'|'.join(map(re.escape, _KIND_WORDS))})\s+(?:số\s+)?$")
_KIND_NAMES = "|".join(map(re.escape, _KIND_WORDS))
_LISTED_BEFORE = re.compile(
    rf"(?P<kind>{_KIND_NAMES})"
    r"(?:\s+của\s+(?P<issuer>[^:;]+?))?\s*:\s*(?:số\s+[^:]*?[,;]\s*)*số\s+$"
)
_ISSUER_BEFORE = re.compile(
    rf"^.*\bcủa\s+(?P<issuer>[^,;:]+?)\s+tại\s+(?:các\s+)?(?:{_KIND_NAMES})"
    r"\s+(?:số\s+)?$",
    re.DOTALL,
)
_DATE_AFTER = re.compile(
    r"^\s*,?\s*ngày\s+(?:(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"|(?P<sd>\d{1,2})\s+tháng\s+(?P<sm>\d{1,2})\s+năm\s+(?P<sy>\d{4}))"
)
# A title ends with its clause; within a list ("các Kế hoạch: số 184/… về …,
# số 187/… về …") also where the list's next number begins.
_TITLE_AFTER = re.compile(
    r"^\s*(?P<title>về\s.+?)(?=;|\.\.\.|\.\s|\.$|(?P<listed>),\s+số\s"
    rf"|\s+và\s+(?:{_KIND_NAMES})\s+số\s|$)"
)
_TITLE_IN_TEXT = re.compile(
    rf"^\s*(?P<title>về\s.+?)(?=;|\.\.\.|\.\s|\.$|\s+và\s+(?:{_KIND_NAMES})\s+số\s|$)"
)
_LAW = re.compile(
    r"Luật\s+[A-ZĐ](?:[^;.(,]|,\s(?=chống\b))*?"
    r"(?=\s+(?:và\s+(?:Luật|các)|để|tới|cho|trong|theo|đối với|nhằm)\s|\s*[;.(]|,(?!\s*chống\b)|$)"
)
_PROJECT = re.compile(r"Đề án\s+(?P<number>\d+)\b(?![/\w])")
_POINTS = re.compile(
    r"điểm\s+(?P<points>\d+(?:\.\d+)*(?:\s*,\s*\d+(?:\.\d+)*)*)\s+mục\s+(?P<section>\d+)"
    r"\s+phần\s+(?P<part>[IVXLC]+)\b"
)
_DEADLINE = re.compile(
    r"(?P<quote>(?:trước|chậm nhất|hoàn thành trước|trong)\s+(?:ngày\s+)?"
    r"(?:(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"|(?P<sd>\d{1,2})\s+tháng\s+(?P<sm>\d{1,2})\s+năm\s+(?P<sy>\d{4})))",
    re.IGNORECASE,
)
_REQUEST = re.compile(r"^Đề nghị\s+")
_MAX_NAME_WORDS = 18


# -- what the importer gives back ---------------------------------------------


@dataclass
class Task:
    """One row of an appendix table of tasks."""

    id: str
    number: str  # as printed in the table's first column
    what: str
    lead: list[str]  # agency or group ids
    lead_as_printed: str
    support: list[str]
    support_as_printed: str
    deadline_as_printed: str
    due: dt.date | None
    heading: str | None  # the table's group row above it, if any
    unknown: list[str] = field(default_factory=list)  # names the registry lacks


@dataclass
class Draft:
    """The directive as plain data, in the order the file keeps it, and
    what the reviewer must check."""

    key: str
    data: dict[str, Any]
    outline: list[OutlineNode]
    tasks: list[Task]
    deadlines: dict[str, tuple[dt.date, str]]  # node id → (date, quote)
    checks: list[str]

    @property
    def items(self) -> int:
        return sum(1 for node in self.data["outline"] if node["kind"] == "item")


# -- the registry's names, found at the start of a text ---------------------------


class Names:
    """The registry's names by their folded key, to find an agency or
    group where a text opens with it ("Sở Nội vụ:", "UBND cấp huyện,
    cấp xã"): exact names, short forms and aliases only, never a part of
    one, so an ordinary sentence is never read as a name."""

    def __init__(self, registry: Registry) -> None:
        self.index: dict[str, tuple[str, str]] = {}
        for group in registry.groups:
            for name in (group.name, *group.aliases):
                self.index.setdefault(match_key(name), ("group", group.id))
        for agency in registry.agencies:
            for name in (agency.name, *agency.short, *agency.aliases):
                self.index.setdefault(match_key(name), ("agency", agency.id))

    def lookup(self, text: str) -> tuple[str, str] | None:
        return self.index.get(match_key(text)) if match_key(text) else None

    def opening(self, text: str) -> tuple[list[tuple[str, str, str]], int]:
        """The names ``text`` opens with, each as (kind, id, as printed),
        and where they end."""
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        found: list[tuple[str, str, str]] = []
        at = 0
        end = 0
        previous: list[str] = []
        while at < len(words):
            match = self._longest(text, words, at)
            if match is None and previous:
                match = self._elliptic(text, words, at, previous)
            if match is None:
                break
            (kind, id_), last = match
            quote = text[words[at][0] : words[last][1]].rstrip(",;:.")
            if (kind, id_) not in [(k, i) for k, i, _ in found]:
                found.append((kind, id_, quote))
            previous = text[words[at][0] : words[last][1]].split()
            end = words[at][0] + len(quote)
            at = last + 1
            if text[words[last][0] : words[last][1]].endswith(":"):
                break
            if at < len(words) and text[words[at][0] : words[at][1]] == "và":
                at += 1
        return found, end

    def _longest(
        self, text: str, words: list[tuple[int, int]], at: int
    ) -> tuple[tuple[str, str], int] | None:
        for last in range(min(len(words), at + _MAX_NAME_WORDS) - 1, at - 1, -1):
            hit = self.lookup(text[words[at][0] : words[last][1]])
            if hit is not None:
                return hit, last
        return None

    def _elliptic(
        self, text: str, words: list[tuple[int, int]], at: int, previous: list[str]
    ) -> tuple[tuple[str, str], int] | None:
        """ "UBND cấp huyện, cấp xã": the second name is written without the
        words the first began with."""
        first = text[words[at][0] : words[at][1]]
        if first not in previous or previous.index(first) == 0:
            return None
        lead = " ".join(previous[: previous.index(first)])
        for last in range(min(len(words), at + _MAX_NAME_WORDS) - 1, at - 1, -1):
            hit = self.lookup(lead + " " + text[words[at][0] : words[last][1]])
            if hit is not None:
                return hit, last
        return None


# -- the whole document ----------------------------------------------------------


def draft(source: SourceText, registry: Registry, *, key: str | None = None) -> Draft:
    """The draft directive of ``source``.  Raises DataError (one line,
    naming the document and where) for a document that is not a directive
    or whose outline cannot be followed."""
    # Lazy: the key's spelling is the workspace's rule; only an import needs it.
    from parledger.store.workspace import key_for

    names = Names(registry)
    paragraphs, tables = _linear(source)
    where_body = _body_start(source, paragraphs)
    header = _header(source, paragraphs[:where_body])
    tail_at = next(
        (
            i
            for i in range(where_body, len(paragraphs))
            if _RECIPIENTS.match(paragraphs[i].text.split("\n")[0])
        ),
        len(paragraphs),
    )
    closing_at = next(
        (
            i
            for i in range(tail_at - 1, max(where_body, tail_at - 4) - 1, -1)
            if paragraphs[i].text.rstrip().endswith("./.")
        ),
        None,
    )
    body_end = closing_at if closing_at is not None else tail_at
    body = _rejoined(paragraphs[where_body:body_end])
    try:
        outline = parse_outline(body)
    except OutlineError as exc:
        raise DataError(f"{source.name}: {exc}") from None
    tail = _tail(paragraphs[tail_at:]) if tail_at < len(paragraphs) else _Tail([], [], None)
    checks: list[str] = []
    try:
        metadata = _metadata(header, tail, names, registry, checks)
    except DataError as exc:
        raise DataError(f"{source.name}: {exc}") from None
    metadata["closing"] = paragraphs[closing_at].text if closing_at is not None else ""
    if closing_at is None:
        checks.append("metadata.closing: no closing sentence ending in './.' was found; fill it in")
    number = metadata.get("number")
    the_key = (
        key or key_for(number, metadata.get("symbol"), metadata["year"])
        if number
        else (key or key_for(metadata["year"]))
    )
    documents = _Documents(names, metadata)
    footnotes = source.footnotes
    for text in metadata["preamble"]:
        documents.scan(text, footnotes)
    metadata["considered_reports"] = [
        doc for doc in documents.order if documents.found[doc]["type"] == "Báo cáo"
    ]
    nodes: list[dict[str, Any]] = []
    deadlines: dict[str, tuple[dt.date, str]] = {}
    for root in outline:
        for node in root.walk():
            fields = node_fields(node)
            _interpret(fields, node, names, documents, footnotes, nodes, deadlines, checks)
            nodes.append(fields)
    tasks = [task for table in tables for task in _tasks(table, names, checks)]
    references = [
        {"number": number, "text": text, "documents": documents.in_footnote.get(number, [])}
        for number, text in sorted(footnotes.items())
    ]
    for number in sorted(footnotes):
        if not any(link["number"] == number for n in nodes for link in n.get("footnotes", [])):
            checks.append(f"footnote {number}: its marker was not found in the outline's text")
    data: dict[str, Any] = {
        "id": "directive_" + the_key.replace("-", "_"),
        "source": source.name,
        "metadata": metadata,
        "documents": [documents.found[doc] for doc in documents.order],
        "references": references,
        "outline": nodes,
    }
    for doc in data["documents"]:
        for topic in doc.get("assumed", {}):
            checks.append(f"document {doc['id']}: {topic} assumed")
    return Draft(the_key, data, outline, tasks, deadlines, checks)


def _linear(source: SourceText) -> tuple[list[Paragraph], list[Table]]:
    """The blocks as paragraphs, and the tables of tasks apart; any other
    table (a header or a signature laid out in columns) read column by
    column."""
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    for block in source.blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(block)
        elif _task_header(block.rows) is not None:
            tables.append(block)
        else:
            width = max(len(row) for row in block.rows)
            for column in range(width):
                for row in block.rows:
                    if column < len(row) and row[column].strip():
                        paragraphs.append(Paragraph(row[column], block.where))
    return paragraphs, tables


def _body_start(source: SourceText, paragraphs: list[Paragraph]) -> int:
    for level in (ROMAN, NUMBERED):
        for index, paragraph in enumerate(paragraphs):
            found = level.match(paragraph.text)
            if found and found["label"] in ("I.", "1."):
                return index
    raise DataError(
        f"{source.name}: no numbered outline found (a directive's body is numbered "
        "I., II. … or 1., 2. …); is this a directive, a plan or an official letter?"
    )


def _rejoined(paragraphs: list[Paragraph]) -> list[tuple[str, str]]:
    """The body's paragraphs, a paragraph split by a page break made whole
    again: one that ends without a full stop, a colon or a semicolon, when
    the next opens in lower case."""
    joined: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        text = " ".join(line.strip() for line in paragraph.text.split("\n") if line.strip())
        if (
            joined
            and not _MARKERS.sub("", joined[-1][0]).endswith(TERMINAL)
            and text[:1].islower()
            and label_of(text) is None
        ):
            joined[-1] = (joined[-1][0] + " " + text, joined[-1][1])
        else:
            joined.append((text, paragraph.where))
    return joined


# -- the header and the tail -------------------------------------------------------


@dataclass
class _Header:
    issuer_lines: list[str] = field(default_factory=list)
    number_line: str | None = None
    place_date: str | None = None
    kind_title: str | None = None
    subject: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)


def _header(source: SourceText, paragraphs: list[Paragraph]) -> _Header:
    header = _Header()
    state = ""
    for paragraph in paragraphs:
        lines = [line.strip() for line in paragraph.text.split("\n") if line.strip()]
        if state == "subject" and source.format == "pdf" and _subject_goes_on(lines[0]):
            header.subject += lines
            continue
        if state == "title":
            header.subject += lines
            state = ""
            continue
        if header.preamble:
            header.preamble.append(" ".join(lines))
            continue
        if state != "addressees":
            state = ""
        taken = False
        for index, line in enumerate(lines):
            if state == "subject":
                header.subject.append(line)
            elif state == "addressees" and _BULLET.match(line):
                header.addressees.append(_BULLET.sub("", line))
            elif _NUMBER_LINE.match(line) or line.startswith("Số:"):
                header.number_line, state = line, ""
            elif _PLACE_DATE.match(line):
                header.place_date, state = line, ""
            elif _SUBJECT.match(line):
                header.subject, state = [line], "subject"
            elif _ADDRESSED.match(line):
                rest = _ADDRESSED.match(line)["rest"]  # type: ignore[index]
                header.addressees = [rest] if rest else []
                state = "addressees"
            elif line.upper() in _KIND_TITLES and line == line.upper():
                header.kind_title = _KIND_TITLES[line.upper()]
                if index + 1 < len(lines):
                    header.subject += lines[index + 1 :]
                    break
                state = "title"
                taken = True
            elif _HEADER_NOISE.match(line):
                pass
            elif header.number_line is None and line == line.upper():
                header.issuer_lines.append(line)
            else:
                if any((header.number_line, header.place_date, header.subject)):
                    header.preamble.append(" ".join(lines[index:]))
                break
        if taken:
            continue
        if state == "addressees" and not header.addressees:
            continue
    return header


def _subject_goes_on(line: str) -> bool:
    return not (_ADDRESSED.match(line) or line.endswith(".") or len(line) > 90 or label_of(line))


@dataclass
class _Tail:
    recipients: list[str]
    signature: list[str]
    name: str | None


def _tail(paragraphs: list[Paragraph]) -> _Tail:
    lines = [line.strip() for p in paragraphs for line in p.text.split("\n") if line.strip()]
    first = _RECIPIENTS.match(lines[0])
    recipients: list[str] = []
    if first and first["rest"]:
        recipients.append(_BULLET.sub("", first["rest"]))
    signature: list[str] = []
    name = None
    for line in lines[1:]:
        if _APPENDIX.match(line):
            break
        if _BULLET.match(line) and not signature:
            recipients.append(_BULLET.sub("", line))
        elif line == line.upper() or _CAPACITY.match(line):
            signature.append(line)
        elif signature and name is None and len(line.split()) <= 6:
            name = line
        else:
            break
    return _Tail(recipients, signature, name)


def _metadata(
    header: _Header, tail: _Tail, names: Names, registry: Registry, checks: list[str]
) -> dict[str, Any]:
    assumed: dict[str, str] = {}
    if header.number_line is None and header.kind_title is None and not header.subject:
        raise DataError(
            "no 'Số: …' line, no 'V/v' subject and no kind (KẾ HOẠCH, CHỈ THỊ …) in the "
            "header: this does not look like an administrative document"
        )
    number = symbol = None
    number_as_printed = header.number_line or ""
    found = _NUMBER_LINE.match(number_as_printed)
    if found:
        number = found["number"] or None
        symbol = found["symbol"]
    else:
        checks.append("metadata.number: no 'Số: …/…' line was read; fill in number and symbol")
    place, year, date = "", None, None
    place_date = header.place_date or ""
    when = _PLACE_DATE.match(place_date)
    if when:
        place, year = when["place"].strip(), int(when["year"])
        day_month = re.findall(r"\d{1,2}", when["rest"])
        if len(day_month) == 2:
            try:
                date = dt.date(year, int(day_month[1]), int(day_month[0]))
            except ValueError:
                date = None
    else:
        checks.append("metadata.place_date: no place and date line was read")
    if year is None:
        year = dt.date.today().year
        assumed["year"] = "Văn bản không in năm ban hành đọc được; lấy năm hiện tại."
    kind = header.kind_title
    if kind is None:
        code = symbol.split("-")[0] if symbol else ""
        by_code = {value.upper(): name for name, value in reversed(KINDS.items()) if value}
        if code.upper() in by_code:
            kind = by_code[code.upper()]
            assumed["kind"] = f"Văn bản không in tên loại; suy từ ký hiệu “{symbol}”."
        else:
            kind = "Công văn"
            assumed["kind"] = (
                f"Văn bản không in chữ “Công văn”; suy từ số ký hiệu không có mã loại "
                f"(“{number_as_printed}”)"
                + (" và dòng trích yếu “V/v”." if header.subject else ".")
            )
    issuer, issuer_name = _issuer(header, tail, place, names, registry, assumed)
    meta: dict[str, Any] = {
        "kind": kind,
        "issuer": issuer,
        "issuer_name": issuer_name,
        "number_as_printed": number_as_printed,
        "number": number,
        "symbol": symbol,
        "place_date_as_printed": place_date,
        "place": place,
        "year": year,
        "date": date,
        "subject_lines": header.subject,
        "addressees": [_line(text, names) for text in header.addressees],
        "preamble": header.preamble,
        "considered_reports": [],
        "baseline": [],
        "closing": "",
        "recipients": [],
        "signature": {"lines": tail.signature, "name": tail.name},
        "assumed": assumed,
    }
    meta["recipients"] = [_line(text, names, meta["addressees"]) for text in tail.recipients]
    if tail.name is None:
        checks.append("metadata.signature.name: the signer's name was not read; fill it in")
    for topic in assumed:
        checks.append(f"metadata.{topic}: assumed ({assumed[topic]})")
    return meta


def _issuer(
    header: _Header,
    tail: _Tail,
    place: str,
    names: Names,
    registry: Registry,
    assumed: dict[str, str],
) -> tuple[str, str]:
    by_id = {agency.id: agency.name for agency in registry.agencies}
    if header.issuer_lines:
        printed = " ".join(header.issuer_lines)
        hit = names.lookup(printed)
        if hit is not None and hit[0] == "agency":
            return hit[1], by_id[hit[1]]
    on_behalf = next((line[4:] for line in tail.signature if line.startswith("TM. ")), None)
    if on_behalf is not None:
        for guess in (on_behalf, f"{on_behalf} tỉnh", f"{on_behalf} tỉnh {place}"):
            hit = names.lookup(guess)
            if hit is not None and hit[0] == "agency":
                assumed["issuer"] = (
                    "Phần tiêu đề cơ quan ban hành không đọc được trong văn bản; xác định từ "
                    f"khối chữ ký “TM. {on_behalf}” và địa danh “{place}”."
                )
                return hit[1], by_id[hit[1]]
    assumed["issuer"] = "Không xác định được cơ quan ban hành; điền id trong danh mục."
    return "", " ".join(header.issuer_lines)


def _line(text: str, names: Names, above: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A line of the addressees or the recipients, with the agencies and
    groups it names; "Như trên" names the addressees above."""
    line: dict[str, Any] = {"text": text}
    if above is not None and re.match(r"^Như trên\b", text):
        for field_name in ("agencies", "groups"):
            ids = [id_ for item in above for id_ in item.get(field_name, [])]
            if ids:
                line[field_name] = ids
        return line
    # A recipient's initials (^{…}) are no part of its name; "Lãnh đạo X" is
    # reached through X.
    plain = re.sub(r"\^\{[^}]*\}", "", text)
    found, _ = names.opening(plain)
    if not found and plain.startswith("Lãnh đạo "):
        found, _ = names.opening(plain.removeprefix("Lãnh đạo "))
    agencies = [id_ for kind, id_, _ in found if kind == "agency"]
    groups = [id_ for kind, id_, _ in found if kind == "group"]
    if agencies:
        line["agencies"] = agencies
    if groups:
        line["groups"] = groups
    return line


# -- the outline's nodes -----------------------------------------------------------


def node_fields(node: OutlineNode) -> dict[str, Any]:
    """The data model's fields of one outline node: the one place that maps
    the document's numbering to ids and kinds, and its text to a heading
    and paragraphs (footnote markers still in them).

    Today's model: a Roman part is a ``part``; a numbered node with nodes
    under it a ``section``, with its line as the heading; any other node an
    ``item``, whose line is its heading when paragraphs follow and it does
    not end as a sentence does ("2.1. Sở Nội vụ:", "1. Mục đích"), else its
    first paragraph.  A
    lettered point is an item too, with its own id (II.1.1.a): until the
    model holds such ids, a draft with lettered points does not validate.
    A part's index is the one its heading names in brackets.
    """
    fields: dict[str, Any] = {"id": node.id}
    if node.level == "roman":
        fields["kind"] = "part"
    elif node.children:
        fields["kind"] = "section"
    else:
        fields["kind"] = "item"
    if node.parent is not None:
        fields["parent"] = node.parent.id
    fields["label"] = node.label
    opening = node.opening
    if fields["kind"] == "part":
        # Today's indices are an enum; a part names the one it serves in
        # brackets: "Đối với Chỉ số cải cách hành chính (PAR INDEX):".
        index = next((i for i in Index if f"({i.value})" in opening), None)
        if index is not None:
            fields["index"] = index.value
    if fields["kind"] != "item":
        fields["heading"] = opening
        if node.paragraphs:
            fields["paragraphs"] = list(node.paragraphs)
    elif node.paragraphs and not _MARKERS.sub("", opening).endswith((".", ";", "./.")):
        fields["heading"] = opening
        fields["paragraphs"] = list(node.paragraphs)
    else:
        fields["paragraphs"] = [opening, *node.paragraphs]
    return fields


def _interpret(
    fields: dict[str, Any],
    node: OutlineNode,
    names: Names,
    documents: _Documents,
    footnotes: dict[int, str],
    done: list[dict[str, Any]],
    deadlines: dict[str, tuple[dt.date, str]],
    checks: list[str],
) -> None:
    """Annotations read from a node's text: footnote links, the index a
    part serves, addressees, leads, cited documents, a deadline."""
    heading = fields.get("heading")
    if heading is not None:
        if _MARKERS.search(heading):
            checks.append(f"{node.id}: a footnote marker in the heading is not linked")
        fields["heading"] = _MARKERS.sub("", heading)
        documents.scan(heading, footnotes)
    links: list[dict[str, Any]] = []
    clean: list[str] = []
    cites: list[str] = []
    for number, paragraph in enumerate(fields.get("paragraphs", []), start=1):
        text, marks = _without_markers(paragraph)
        clean.append(text)
        for mark, position in marks:
            links.append({"number": mark, "paragraph": number, "anchor": _anchor(text, position)})
        for doc in documents.scan(paragraph, footnotes):
            if doc not in cites:
                cites.append(doc)
    if "paragraphs" in fields:
        fields["paragraphs"] = clean
    inherited = _inherited(fields, done)
    opening_text = heading if heading is not None else (clean[0] if clean else "")
    if fields["kind"] != "part" and opening_text:
        request = _REQUEST.match(opening_text)
        found, _ = names.opening(opening_text[request.end() :] if request else opening_text)
        if found:
            fields["addressees"] = [{kind: id_} for kind, id_, _ in found]
            if request:
                fields["mode"] = "request"
    own = {(k, v) for a in fields.get("addressees", []) for k, v in a.items()} | inherited
    by_paragraph: list[dict[str, Any]] = []
    for number, text in enumerate(clean, start=1):
        sentences = _sentence_starts(text)
        if number == 1 and heading is None:
            sentences = sentences[1:]
        for start in sentences:
            found, _ = names.opening(text[start:])
            for kind, id_, quote in found:
                if (kind, id_) not in own:
                    by_paragraph.append({kind: id_, "paragraph": number, "quote": quote})
                    own.add((kind, id_))
    if by_paragraph:
        fields["paragraph_addressees"] = by_paragraph
    leads = _leads(clean)
    if leads:
        fields["leads"] = leads
    if links:
        fields["footnotes"] = links
    if cites:
        fields["cites"] = cites
    for text in clean:
        due = _deadline(text)
        if due is not None:
            deadlines[node.id] = due
            fields.setdefault("assumed", {})["due"] = (
                f"Hạn “{due[1]}” đọc từ lời văn; mô hình chưa có trường hạn: giao bằng "
                f"`parledger assign {node.id} --due {due[0].isoformat()}`."
            )
            checks.append(f"{node.id}: deadline {due[0].isoformat()} read from “{due[1]}”")
            break


def _inherited(fields: dict[str, Any], done: list[dict[str, Any]]) -> set[tuple[str, str]]:
    by_id = {node["id"]: node for node in done}
    found: set[tuple[str, str]] = set()
    parent = fields.get("parent")
    while parent is not None and parent in by_id:
        for addressee in by_id[parent].get("addressees", []):
            found |= set(addressee.items())
        parent = by_id[parent].get("parent")
    return found


def _sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\.\s+(?=[A-ZĐÀ-Ỹ])", text)]


def _without_markers(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without its footnote markers, and each marker's number and
    place in the text without them."""
    marks: list[tuple[int, int]] = []
    pieces: list[str] = []
    length = 0
    last = 0
    for found in _MARKERS.finditer(text):
        pieces.append(text[last : found.start()])
        length += found.start() - last
        number = int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in found.group()))
        marks.append((number, length))
        last = found.end()
    pieces.append(text[last:])
    return "".join(pieces), marks


def _anchor(text: str, position: int) -> str:
    """The words the marker followed, enough of them to find its place:
    from the last document number or date among the few words before it,
    else the last two words, then more until their first occurrence in
    the paragraph is the marker's."""
    before = text[:position]
    starts = [m.start() for m in re.finditer(r"\S+", before)]
    if not starts:
        return ""
    take = 2
    for back in range(1, min(8, len(starts)) + 1):
        word = before[starts[-back] :]
        word = word.split()[0]
        if "/" in word and any(c.isdigit() for c in word):
            take = back
            break
    take = min(take, len(starts))
    while True:
        anchor = before[starts[-take] :]
        if text.find(anchor) + len(anchor) == position or take == len(starts):
            return anchor
        take += 1


def _leads(paragraphs: list[str]) -> list[str]:
    leads: list[str] = []
    for text in paragraphs:
        if "chủ trì" not in text.casefold():
            continue
        for found in _POINTS.finditer(text):
            for point in re.split(r"\s*,\s*", found["points"]):
                numbers = point.split(".")
                if numbers[0] != found["section"]:
                    numbers = [found["section"], *numbers]
                lead = ".".join([found["part"], *numbers])
                if lead not in leads:
                    leads.append(lead)
    return leads


def _deadline(text: str) -> tuple[dt.date, str] | None:
    for found in _DEADLINE.finditer(text):
        day = found["d"] or found["sd"]
        month = found["m"] or found["sm"]
        year = found["y"] or found["sy"]
        try:
            return dt.date(int(year), int(month), int(day)), found["quote"]
        except ValueError:
            continue
    return None


# -- cited documents ---------------------------------------------------------------


class _Documents:
    """The documents the text cites, in the order first cited, each with
    what its citations print: kind, number, date, issuer, title."""

    def __init__(self, names: Names, metadata: dict[str, Any]) -> None:
        self.names = names
        self.found: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.in_footnote: dict[int, list[str]] = {}
        self._scanned_notes: set[int] = set()
        self._own_code = (metadata.get("symbol") or "").split("-")[0]
        self._own_issuer = metadata.get("issuer")

    def scan(self, text: str, footnotes: dict[int, str]) -> list[str]:
        """The documents ``text`` cites (its footnotes read at their
        markers, but not counted as its own)."""
        clean, marks = _without_markers(text)
        cited = [(position, doc) for position, doc in self._cited(clean)]
        events = sorted(
            [(position, 0, doc) for position, doc in cited]
            + [(position, 1, str(number)) for number, position in marks]
        )
        own: list[str] = []
        for _, is_note, what in events:
            if is_note:
                number = int(what)
                if number in footnotes and number not in self._scanned_notes:
                    self._scanned_notes.add(number)
                    listed: list[str] = []
                    for _, doc in self._cited(footnotes[number], in_note=True):
                        if doc not in listed:
                            listed.append(doc)
                    # The documents the marked text names first: the note is theirs.
                    self.in_footnote[number] = [d for d in own if d in listed] + [
                        d for d in listed if d not in own
                    ]
            elif what not in own:
                own.append(what)
        return own

    def _cited(self, text: str, *, in_note: bool = False) -> Iterable[tuple[int, str]]:
        spans: list[tuple[int, str]] = []
        for found in _DOCUMENT_NUMBER.finditer(text):
            ref = parse_document_number(found.group())
            if ref is None:
                continue
            spans.append((found.start(), self._numbered(text, found, ref.system, in_note=in_note)))
        for found in _LAW.finditer(text):
            spans.append((found.start(), self._named(found.group().strip(), "Luật")))
        for found in _PROJECT.finditer(text):
            doc = self._named(found.group(), "Đề án")
            self.found[doc].setdefault("assumed", {})["id"] = (
                f"Văn bản chỉ gọi tắt “{found.group()}”, không in số, ngày, cơ quan ban hành; "
                "giữ tên gọi tắt làm id."
            )
            spans.append((found.start(), doc))
        return sorted(spans)

    def _add(self, doc: dict[str, Any]) -> str:
        known = self.found.get(doc["id"])
        if known is None:
            self.found[doc["id"]] = doc
            self.order.append(doc["id"])
        else:
            for key, value in doc.items():
                if key == "assumed":
                    for topic, note in value.items():
                        if topic not in known.get("title", {}) and not known.get(topic):
                            known.setdefault("assumed", {}).setdefault(topic, note)
                elif value is not None and known.get(key) is None:
                    known[key] = value
            if known.get("assumed"):
                for topic in list(known["assumed"]):
                    if topic in doc and topic in ("issuer", "type") and "assumed" not in doc:
                        del known["assumed"][topic]
                if not known["assumed"]:
                    del known["assumed"]
        return str(doc["id"])

    def _named(self, name: str, kind: str) -> str:
        key = match_key(name)
        for doc_id in self.order:
            if match_key(doc_id) == key:
                if doc_id != name:
                    self.found[doc_id].setdefault("assumed", {}).setdefault(
                        "id", f"Văn bản còn in “{name}”; coi là cùng một văn bản."
                    )
                return doc_id
        return self._add({"id": name, "type": kind})

    def _numbered(
        self, text: str, found: re.Match[str], system: str, *, in_note: bool = False
    ) -> str:
        number_text = found.group()
        before = text[: found.start()]
        after = text[found.end() :]
        assumed: dict[str, str] = {}
        if system == "party":
            number, symbol = number_text.split("-", 1)
            code = symbol.split("/")[0]
            issuer_code = symbol.split("/")[-1]
        else:
            number, _, symbol = number_text.rpartition("/")
            if "/" in number_text and re.match(r"^\d+/\d{4}/", number_text):
                number, symbol = number_text.rsplit("/", 1)
            code = symbol.split("-")[0]
            issuer_code = symbol.split("-")[-1]
        printed_kind = None
        issuer_printed = None
        kind_before = _KIND_BEFORE.search(before)
        listed = _LISTED_BEFORE.search(before)
        if kind_before:
            printed_kind = kind_before["kind"]
        elif listed:
            printed_kind = listed["kind"]
            if listed["issuer"]:
                issuer_printed = "của " + listed["issuer"].strip()
        by_code = {value.upper(): name for name, value in reversed(KINDS.items()) if value}
        kind = printed_kind
        printed_code = KINDS.get(kind) if kind is not None else None
        if kind is None or (printed_code and printed_code.upper() != code.upper()):
            kind = by_code.get(code.upper(), kind)
        if kind is None:
            kind = "Công văn"
            assumed["type"] = (
                f"Không in tên loại văn bản trước số “{number_text}”; coi là Công văn."
            )
        doc: dict[str, Any] = {
            "id": number_text,
            "type": kind,
            "number": number,
            "symbol": symbol,
            "date": None,
            "issuer": None,
            "issuer_as_printed": None,
            "title": None,
        }
        date = _DATE_AFTER.match(after)
        if date:
            day, month, year = (
                (date["d"], date["m"], date["y"])
                if date["d"]
                else (date["sd"], date["sm"], date["sy"])
            )
            with contextlib.suppress(ValueError):
                doc["date"] = dt.date(int(year), int(month), int(day))
            after = after[date.end() :]
        listed_after = re.match(r"^(?:\s*,\s*số\s+[^\s,;]+)+(?=\s+của\s)", after)
        if listed_after:  # "các Kế hoạch số 208-KH/TU, số 209-KH/TU của BCH Đảng bộ tỉnh"
            after = after[listed_after.end() :]
        own_issuer = re.match(r"^\s+của\s+", after)
        if own_issuer:
            rest = after[own_issuer.end() :]
            named, end = self.names.opening(rest)
            if named:
                doc["issuer"] = named[0][1]
                doc["issuer_as_printed"] = "của " + rest[:end]
                after = rest[end:]
                # A footnote lists documents: after the issuer, what it says
                # of the document up to the semicolon is its title, whether
                # or not it opens with "về".
                untitled = re.match(
                    r"^\s+(?P<title>[a-zđà-ỹ][^;]*?)\.?$|^\s+(?P<t>[a-zđà-ỹ][^;]*);", after
                )
                if in_note and untitled and not after.lstrip().startswith("về "):
                    doc["title"] = (untitled["title"] or untitled["t"]).strip()
            else:
                stop = re.search(r"\s+(?:về|tiếp tục|là|và)\s|[;,.:(]|$", rest)
                doc["issuer_as_printed"] = "của " + rest[: stop.start() if stop else len(rest)]
                after = rest[stop.start() if stop else len(rest) :]
        else:
            before_issuer = _ISSUER_BEFORE.search(before)
            printed = issuer_printed or (
                "của " + before_issuer["issuer"].strip() if before_issuer else None
            )
            if printed is not None:
                hit = self.names.lookup(printed[4:])
                doc["issuer_as_printed"] = printed
                if hit is not None:
                    doc["issuer"] = hit[1]
        if doc["issuer"] is None and doc["issuer_as_printed"] is None:
            hit = self.names.lookup(issuer_code)
            if issuer_code == self._own_code and self._own_issuer:
                doc["issuer"] = self._own_issuer
            elif hit is not None and hit[0] == "agency":
                doc["issuer"] = hit[1]
            if doc["issuer"] is not None:
                assumed["issuer"] = f"Không in cơ quan ban hành; suy từ ký hiệu “{symbol}”."
        title = _TITLE_AFTER.match(after)
        if title and title["listed"] is not None and not listed:
            title = _TITLE_IN_TEXT.match(after)
        if title and doc["title"] is None:
            doc["title"] = title["title"].strip()
        if system == "party":
            doc["system"] = "party"
        if assumed:
            doc["assumed"] = assumed
        return self._add(doc)


# -- an appendix's table of tasks ---------------------------------------------------


def _task_header(rows: list[list[str]]) -> dict[str, int] | None:
    """The columns of a table of tasks, by what its first row says."""
    if not rows:
        return None
    columns: dict[str, int] = {}
    for index, cell in enumerate(rows[0]):
        key = match_key(cell)
        if "chutri" in key:
            columns.setdefault("lead", index)
        elif "phoihop" in key:
            columns.setdefault("support", index)
        elif any(word in key for word in ("thoigian", "thoihan", "tiendo", "hoanthanh")):
            columns.setdefault("deadline", index)
        elif key in ("tt", "stt", "so"):
            columns.setdefault("number", index)
        elif any(word in key for word in ("noidung", "nhiemvu", "congviec", "hoatdong")):
            columns.setdefault("what", index)
    return columns if "lead" in columns and "what" in columns else None


def _tasks(table: Table, names: Names, checks: list[str]) -> list[Task]:
    columns = _task_header(table.rows)
    assert columns is not None
    tasks: list[Task] = []
    heading = None

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    for row in table.rows[1:]:
        number = cell(row, "number")
        what = cell(row, "what")
        lead_text = cell(row, "lead")
        if not lead_text and not cell(row, "deadline"):
            heading = " ".join(part for part in (number, what) if part) or heading
            continue
        lead, unknown = _parties(lead_text, names)
        support, unknown_support = _parties(cell(row, "support"), names)
        deadline_text = cell(row, "deadline")
        due = _table_date(deadline_text)
        task = Task(
            id=f"PL.{len(tasks) + 1}",
            number=number,
            what=what,
            lead=lead,
            lead_as_printed=lead_text,
            support=support,
            support_as_printed=cell(row, "support"),
            deadline_as_printed=deadline_text,
            due=due,
            heading=heading,
            unknown=unknown + unknown_support,
        )
        for name in task.unknown:
            checks.append(
                f"appendix row {number or len(tasks) + 1}: '{name}' is not in the registry"
            )
        tasks.append(task)
    return tasks


def _parties(text: str, names: Names) -> tuple[list[str], list[str]]:
    found: list[str] = []
    unknown: list[str] = []
    for piece in re.split(r"[;\n]|,\s+(?=[A-ZĐ])", text):
        piece = _BULLET.sub("", piece.strip()).rstrip(".,;")
        if not piece:
            continue
        hit = names.lookup(piece)
        if hit is None:
            listed, _ = names.opening(piece)
            if listed:
                found += [id_ for _, id_, _ in listed if id_ not in found]
                continue
            unknown.append(piece)
        elif hit[1] not in found:
            found.append(hit[1])
    return found, unknown


def _table_date(text: str) -> dt.date | None:
    found = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if found:
        try:
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
        except ValueError:
            return None
    found = re.search(r"(?:tháng\s+)?(\d{1,2})/(\d{4})", text)
    if found:
        month, year = int(found[1]), int(found[2])
        if 1 <= month <= 12:
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
    return None


# -- the command ----------------------------------------------------------------

# Problems of a draft that a reviewer fixes in the file: the draft is
# written with them, and the summary lists them.  Any other problem means
# this version's data model cannot hold what the document says: nothing is
# written.
REVIEWABLE = frozenset(
    {"no-addressee", "missing-index", "unknown-agency", "unknown-group", "quote-not-found"}
)


@dataclass
class Imported:
    draft: Draft
    source: str  # the format read: txt, docx or pdf
    directive: Path
    ledger: Path
    problems: list[Problem]  # what 'validate' will say, for the reviewer
    written: bool


def import_document(
    path: Path, folder: Path, *, key: str | None = None, write: bool = True
) -> Imported:
    """Read the document at ``path``, make its draft, check it against the
    workspace ``folder``'s registry and model, and (``write``) write it
    there with an empty ledger.  Raises DataError or UsageError, in one
    line, and writes nothing, for what cannot be imported."""
    # Lazy: reading documents and writing YAML, for this command alone.
    from parledger.store import draft as store_draft
    from parledger.store.document import read_document

    registry = store_draft.registry(folder)
    source = read_document(path)
    made = draft(source, registry, key=key)
    directive, ledger = store_draft.paths(folder, made.key)
    text = store_draft.render(made.data, file=directive.name, source=str(path))
    found = store_draft.problems(folder, made.key, text, made.data["id"])
    blocking = [problem for problem in found if problem.code not in REVIEWABLE]
    if blocking:
        raise DataError(
            f"{path}: the draft cannot be held by this version's data model "
            f"({blocking[0].code}: {blocking[0].message}"
            + (f"; {len(blocking) - 1} more" if len(blocking) > 1 else "")
            + "); nothing was written"
        )
    if write:
        store_draft.write(folder, made.key, text, made.data["id"])
    elif directive.exists():
        raise UsageError(
            f"{folder} already holds {directive.name}; give the draft another key with --as KEY"
        )
    return Imported(made, source.format, directive, ledger, found, write)


__all__ = [
    "LETTERED",
    "Draft",
    "Imported",
    "Names",
    "Task",
    "draft",
    "import_document",
    "node_fields",
]
