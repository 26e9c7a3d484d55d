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
Cited documents are read by :mod:`parledger.track.citations`, an appendix's
table of tasks by :mod:`parledger.track.appendix`, the registry's names in
the text by :mod:`parledger.track.textnames`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parledger.model.docref import KINDS
from parledger.model.errors import DataError, Problem, UsageError
from parledger.model.models import Registry
from parledger.model.names import match_key
from parledger.model.sourcetext import Paragraph, SourceText, Table
from parledger.track import appendix
from parledger.track.appendix import Task, task_header
from parledger.track.citations import Citations
from parledger.track.outline_text import (
    LETTERED,
    NUMBERED,
    ROMAN,
    OutlineError,
    OutlineNode,
    label_of,
    parse_outline,
)
from parledger.track.textnames import MARKERS, Names, without_markers

# A paragraph that ends without one of these continues after a page break
# (when the next one opens in lower case).
TERMINAL = (".", ":", ";", "!", "?", "…")
_NUMBER_LINE = re.compile(r"^Số\s*:?\s*(?P<number>\S*?)\s*/\s*(?P<symbol>\S+)\s*$")
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\d]+?),\s*ngày\b(?P<rest>.*?)năm\s*(?P<year>\d{4})\s*$", re.IGNORECASE
)
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


# -- what the importer gives back ---------------------------------------------


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

    @property
    def points(self) -> int:
        """Lettered points: a), b), đ)."""
        return sum(1 for node in self.data["outline"] if node["kind"] == "subitem")


# -- the whole document ----------------------------------------------------------


def draft(
    source: SourceText,
    registry: Registry,
    *,
    key: str | None = None,
    indices: Sequence[str] = (),
) -> Draft:
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
    checks: list[str] = list(source.notes)
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
    documents = Citations(names, metadata)
    footnotes = source.footnotes
    for text in metadata["preamble"]:
        documents.scan(text, footnotes)
    metadata["considered_reports"] = [
        doc for doc in documents.order if documents.found[doc]["type"] == "Báo cáo"
    ]
    metadata["baseline"] = [
        rank for text in metadata["preamble"] for rank in _baseline(text, indices)
    ]
    nodes: list[dict[str, Any]] = []
    deadlines: dict[str, tuple[dt.date, str]] = {}
    for root in outline:
        for node in root.walk():
            fields = node_fields(node, indices)
            _interpret(fields, node, names, documents, footnotes, nodes, deadlines, checks)
            nodes.append(fields)
    tasks = [task for table in tables for task in appendix.tasks(table, names, checks)]
    if tasks:
        _place_rows(nodes, tasks, registry, deadlines, checks)
    served = _served(metadata.get("subject_lines", []), indices)
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
    if served and not any(node.get("index") for node in nodes):
        # No part names an index: the one the subject names is served by all.
        data["serves"] = served
        data["assumed"] = {
            "serves": f"Suy từ dòng trích yếu, nêu Chỉ số {served[0]}; các phần không ghi chỉ số."
        }
        checks.append(f"serves: {served[0]}, read from the subject line")
    for fields in nodes:
        if fields.get("effect") == "purpose":
            checks.append(f"{fields['id']}: states a purpose, so its items are no tasks")
    for doc in data["documents"]:
        for topic in doc.get("assumed", {}):
            checks.append(f"document {doc['id']}: {topic} assumed ({doc['assumed'][topic]})")
    return Draft(the_key, data, outline, tasks, deadlines, checks)


def _served(subject: Sequence[str], indices: Sequence[str]) -> list[str]:
    """The one index of the catalog the subject names in brackets ("… (PAPI)
    tỉnh Hưng Yên năm 2025"), if exactly one."""
    text = " ".join(subject)
    named = [index for index in indices if f"({index})" in text]
    return named if len(named) == 1 else []


def _place_rows(
    nodes: list[dict[str, Any]],
    tasks: list[Task],
    registry: Registry,
    deadlines: dict[str, tuple[dt.date, str]],
    checks: list[str],
) -> None:
    """An appendix table's rows as items of the outline, under the node that
    sends the reader to the appendix ("… tại Phụ lục kèm theo"): each row's
    task verbatim, its leads (chủ trì) and supporting bodies (phối hợp) as
    addressees, its deadline as for any item; what was read from which
    column is said in ``assumed``."""
    pointer = next(
        (
            node
            for node in nodes
            if any("phuluc" in match_key(text) for text in node.get("paragraphs", []))
        ),
        None,
    )
    if pointer is None:
        checks.append(
            f"appendix: {len(tasks)} rows of tasks, but no item of the outline refers to "
            "'Phụ lục'; they are not in the outline: add them by hand"
        )
        return
    pointer["kind"] = "section"  # it now holds the rows
    pointer.pop("addressees", None)
    agencies = {agency.id for agency in registry.agencies}
    at = nodes.index(pointer) + 1
    for count, task in enumerate(tasks, start=1):
        number = task.number if task.number.isdigit() else str(count)
        node_id = f"{pointer['id']}.{number}"
        parties = [*task.lead, *(id_ for id_ in task.support if id_ not in task.lead)]
        node: dict[str, Any] = {
            "id": node_id,
            "kind": "item",
            "parent": pointer["id"],
            "label": f"{number}.",
            "paragraphs": [task.what],
            "addressees": [{"agency" if id_ in agencies else "group": id_} for id_ in parties],
        }
        if any(id_ in agencies for id_ in task.lead):
            node["leads"] = [node_id]  # its agencies of the lead column lead it
        assumed = {
            "addressees": (
                f"Từ bảng Phụ lục: cơ quan chủ trì “{task.lead_as_printed}”"
                + (
                    f"; cơ quan phối hợp “{task.support_as_printed}”"
                    if task.support_as_printed
                    else ""
                )
                + "."
            )
        }
        if task.due is not None:
            deadlines[node_id] = (task.due, task.deadline_as_printed)
            assumed["due"] = (
                f"Hạn “{task.deadline_as_printed}” đọc từ bảng Phụ lục; mô hình chưa có trường "
                f"hạn: giao bằng `parledger assign {node_id} --due {task.due.isoformat()}`."
            )
        elif task.deadline_as_printed:
            assumed["due"] = (
                f"Thời hạn “{task.deadline_as_printed}” trong bảng Phụ lục không là một ngày; "
                "giao hạn bằng `parledger assign … --due` khi đã rõ."
            )
        node["assumed"] = assumed
        nodes.insert(at, node)
        at += 1
    checks.append(
        f"appendix: {len(tasks)} rows placed as items {pointer['id']}.1 … under "
        f"{pointer['id']}; check their leads and deadlines"
    )


def _linear(source: SourceText) -> tuple[list[Paragraph], list[Table]]:
    """The blocks as paragraphs, and the tables of tasks apart; any other
    table (a header or a signature laid out in columns) read column by
    column."""
    paragraphs: list[Paragraph] = []
    tables: list[Table] = []
    for block in source.blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(block)
        elif task_header(block.rows) is not None:
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
    automatic = (
        " (its paragraphs use Word's automatic numbering, which is not read: type the "
        "labels into the text)"
        if source.notes
        else ""
    )
    raise DataError(
        f"{source.name}: no numbered outline found (a directive's body is numbered "
        f"I., II. … or 1., 2. …){automatic}; is this a directive, a plan or an official letter?"
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
            and not MARKERS.sub("", joined[-1][0]).endswith(TERMINAL)
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


_RANK = re.compile(
    r"(?P<wording>Chỉ số[^;:]*?\((?P<index>[^)]+)\)[^;:]*?đứng thứ (?P<rank>\d+)/(?P<of>\d+)"
    r"[^;]*?(?P<way>giảm|tăng) (?P<change>\d+) bậc so với năm (?P<compared>\d{4}))"
)
_RANKS_OF = re.compile(r"năm (?P<year>\d{4}) như sau")


def _baseline(text: str, indices: Sequence[str]) -> list[dict[str, Any]]:
    """The ranks a preamble quotes ("Chỉ số … (PAPI) đứng thứ 12/63 …, giảm
    01 bậc so với năm 2022"), for the indices the model knows."""
    year = _RANKS_OF.search(text)
    ranks = []
    for found in _RANK.finditer(text):
        if found["index"] not in indices:
            continue
        compared = int(found["compared"])
        change = int(found["change"]) * (-1 if found["way"] == "giảm" else 1)
        ranks.append(
            {
                "index": found["index"],
                "year": int(year["year"]) if year else compared + 1,
                "rank": int(found["rank"]),
                "of": int(found["of"]),
                "change": change,
                "compared_to": compared,
                "wording": found["wording"],
            }
        )
    return ranks


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


def node_fields(node: OutlineNode, indices: Sequence[str] = ()) -> dict[str, Any]:
    """The data model's fields of one outline node: the one place that maps
    the document's numbering to ids and kinds, and its text to a heading
    and paragraphs (footnote markers still in them).

    A Roman part is a ``part``; a numbered node with nodes under it a
    ``section``, with its line as the heading; a lettered point (a), đ)) a
    ``subitem`` with its own id (II.1.1.a); any other node an ``item``,
    whose line is its heading when paragraphs follow and it does not end as
    a sentence does ("2.1. Sở Nội vụ:", "1. Mục đích"), else its first
    paragraph.  A part's index is the one of ``indices`` (the workspace's
    catalog) its heading names in brackets; a part headed "MỤC ĐÍCH, YÊU
    CẦU" states a purpose and binds nobody (``effect: purpose``).
    """
    fields: dict[str, Any] = {"id": node.id}
    if node.level == "roman":
        fields["kind"] = "part"
    elif node.children:
        fields["kind"] = "section"
    elif node.level == "letter":
        fields["kind"] = "subitem"
    else:
        fields["kind"] = "item"
    if node.parent is not None:
        fields["parent"] = node.parent.id
    fields["label"] = node.label
    opening = node.opening
    if fields["kind"] == "part":
        # A part names the index it serves in brackets: "Đối với Chỉ số cải
        # cách hành chính (PAR INDEX):".
        index = next((i for i in indices if f"({i})" in opening), None)
        if index is not None:
            fields["index"] = index
        if match_key(opening).startswith("mucdich"):
            fields["effect"] = "purpose"
            fields["assumed"] = {
                "effect": "Phần “MỤC ĐÍCH, YÊU CẦU” nêu mục đích, yêu cầu; không giao nhiệm vụ."
            }
    if fields["kind"] not in ("item", "subitem"):
        fields["heading"] = opening
        if node.paragraphs:
            fields["paragraphs"] = list(node.paragraphs)
    elif node.paragraphs and not MARKERS.sub("", opening).endswith((".", ";", "./.")):
        fields["heading"] = opening
        fields["paragraphs"] = list(node.paragraphs)
    else:
        fields["paragraphs"] = [opening, *node.paragraphs]
    return fields


def _interpret(
    fields: dict[str, Any],
    node: OutlineNode,
    names: Names,
    documents: Citations,
    footnotes: dict[int, str],
    done: list[dict[str, Any]],
    deadlines: dict[str, tuple[dt.date, str]],
    checks: list[str],
) -> None:
    """Annotations read from a node's text: footnote links, the index a
    part serves, addressees, leads, cited documents, a deadline."""
    heading = fields.get("heading")
    if heading is not None:
        if MARKERS.search(heading):
            checks.append(f"{node.id}: a footnote marker in the heading is not linked")
        fields["heading"] = MARKERS.sub("", heading)
        documents.scan(heading, footnotes)
    links: list[dict[str, Any]] = []
    clean: list[str] = []
    cites: list[str] = []
    for number, paragraph in enumerate(fields.get("paragraphs", []), start=1):
        text, marks = without_markers(paragraph)
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
    indices = store_draft.indices(folder)
    source = read_document(path)
    made = draft(source, registry, key=key, indices=indices)
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
