"""The documents a directive cites, read from its text and its footnotes.

A citation as offices write it: the kind ("Kế hoạch", or the code in the
number), the number (parsed as :mod:`parledger.model.docref` parses
evidence), "ngày" and the date, "của" and the issuer, "về" and the title.
What a citation leaves out and the importer supplies (a kind from the
number's code, an issuer from the symbol) is noted in the document's
``assumed:``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from parledger.model.docref import KINDS, parse_document_number
from parledger.model.names import match_key
from parledger.track.textnames import Names, without_markers

_KIND_WORDS = sorted(KINDS, key=len, reverse=True)
_NUMBER_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:&[A-Za-zĐđ0-9]+)*"
_DOCUMENT_NUMBER = re.compile(
    rf"(?<![\w/.-])(?:\d+(?:/\d{{4}})?/{_NUMBER_CODE}(?:-{_NUMBER_CODE})+"
    rf"|\d+-{_NUMBER_CODE}/{_NUMBER_CODE}(?:-{_NUMBER_CODE})*)(?![\w/])"
)
_KIND_NAMES = "|".join(map(re.escape, _KIND_WORDS))
_KIND_BEFORE = re.compile(rf"(?P<kind>{_KIND_NAMES})\s+(?:số\s+)?$")
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


class Citations:
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
        clean, marks = without_markers(text)
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
        """The documents ``text`` cites, by where; each read (and first
        listed) in the order the text cites them."""
        found: list[tuple[int, Callable[[], str]]] = []
        for number in _DOCUMENT_NUMBER.finditer(text):
            ref = parse_document_number(number.group())
            if ref is not None:
                found.append(
                    (
                        number.start(),
                        partial(self._numbered, text, number, ref.system, in_note=in_note),
                    )
                )
        for law in _LAW.finditer(text):
            found.append((law.start(), partial(self._named, law.group().strip(), "Luật")))
        for project in _PROJECT.finditer(text):
            found.append((project.start(), partial(self._project, project.group())))
        found.sort(key=lambda item: item[0])
        return [(start, read()) for start, read in found]

    def _project(self, name: str) -> str:
        doc = self._named(name, "Đề án")
        self.found[doc].setdefault("assumed", {})["id"] = (
            f"Văn bản chỉ gọi tắt “{name}”, không in số, ngày, cơ quan ban hành; "
            "giữ tên gọi tắt làm id."
        )
        return doc

    def _add(self, doc: dict[str, Any]) -> str:
        """A document cited again adds what this citation prints; a field
        it prints replaces one an earlier citation only supplied."""
        known = self.found.get(doc["id"])
        if known is None:
            self.found[doc["id"]] = doc
            self.order.append(doc["id"])
            return str(doc["id"])
        supplied = doc.get("assumed", {})
        notes = known.pop("assumed", {})
        for key, value in doc.items():
            if key == "assumed" or value is None:
                continue
            if known.get(key) is None:
                known[key] = value
                if key in supplied:
                    notes[key] = supplied[key]
            elif key in notes and key not in supplied:
                known[key] = value
                del notes[key]
        if notes:
            known["assumed"] = notes
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
            if after[title.end() :].startswith("..."):
                assumed["title"] = (
                    f"Tên văn bản kết thúc bằng “...”: hiểu là “v.v.” của danh sách văn bản, "
                    f"không thuộc tên {kind}."
                )
        if system == "party":
            doc["system"] = "party"
        if assumed:
            doc["assumed"] = assumed
        return self._add(doc)
