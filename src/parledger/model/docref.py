"""Evidence: the document that proves a fact, as Vietnamese offices cite it.

State documents are numbered ``NUMBER/TYPE-ISSUER`` (125/BC-SNV), with the
year for legal documents (61/2018/NĐ-CP); an official letter (công văn) has no
type code, only issuer and unit (3087/UBND-PVHCC&KSTT).  Party documents are
``NUMBER-TYPE/ISSUER`` (28-CT/TU).  Evidence may also be a web address.

Offices cite a document as they write it in their own texts: "Báo cáo số
130/BC-VP ngày 28/6/2024", "Công văn số 1023/UBND-NC ngày 03 tháng 6 năm
2024", "130/BC-VP, ngày 28/6/2024".  Each of these is read into one
canonical form — the number, then "ngày" and the date as Decree
30/2020/NĐ-CP writes dates (a day below 10, and the months 1 and 2, with
their 0) — so that one document is one text in the ledger, whatever the
keyboard; the text as typed is kept beside it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from parledger.model.dates import EARLIEST, LATEST, parse_date, real_date
from parledger.model.errors import UsageError
from parledger.model.names import match_key
from parledger.model.text import unsafe_character

_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:&[A-Za-zĐđ0-9]+)*"
_STATE = rf"\d+(?:/\d{{4}})?/{_CODE}(?:-{_CODE})+"
_PARTY = rf"\d+-{_CODE}/{_CODE}(?:-{_CODE})*"
# Parledger's canonical form: capitals, and the office's date.  A code
# offices write with a small letter (TTg) is not matched, in either case:
# it goes the long way.
_NOT_MIXED = r"(?!(?:TTG|CTR|TTR|QYĐ)(?![A-ZĐ0-9]))"
_CAPITALS = rf"{_NOT_MIXED}[A-ZĐ][A-ZĐ0-9]*(?:&{_NOT_MIXED}[A-ZĐ0-9]+)*"
_CANONICAL_NUMBER = (
    rf"\d+(?:/\d{{4}})?/{_CAPITALS}(?:-{_CAPITALS})+|\d+-{_CAPITALS}/{_CAPITALS}(?:-{_CAPITALS})*"
)


# The patterns of a document number are compiled on first use: together
# they take about 10 ms to compile, which a command that shows no evidence
# should not pay, and a warm status, which only shows it, pays for one.
# Digits are ASCII (re.ASCII): a fullwidth or Arabic-Indic number is no
# document number an office wrote.


class _Numbers(NamedTuple):
    state: re.Pattern[str]
    party: re.Pattern[str]


@cache
def _numbers() -> _Numbers:
    return _Numbers(re.compile(rf"^{_STATE}$", re.ASCII), re.compile(rf"^{_PARTY}$", re.ASCII))


class _Ledger(NamedTuple):
    """What a cold read of a ledger checks its citations with."""

    as_written: re.Pattern[str]
    surely_good: re.Pattern[str]


@cache
def _ledger() -> _Ledger:
    numbers = f"(?:{_STATE}|{_PARTY})"
    return _Ledger(
        # The form parledger itself writes (tidy, one document, an optional
        # date), matched in one step: a large ledger holds a hundred
        # thousand of them.
        re.compile(rf"{numbers}(?: ngày (\d{{1,2}})/(\d{{1,2}})/(\d{{4}}))?", re.ASCII),
        # The same form, with only dates that exist whatever the month
        # (days up to 28) in 2000–2100: a line matching it needs no further
        # check.  Each match is the text and its date ("" when none).
        re.compile(
            rf"^({numbers}"
            r"(?: ngày ((?:0?[1-9]|1\d|2[0-8])/(?:0?[1-9]|1[0-2])/(?:20\d\d|2100)))?)$",
            re.MULTILINE | re.ASCII,
        ),
    )


@cache
def _canonical() -> re.Pattern[str]:
    return re.compile(
        rf"(?:{_CANONICAL_NUMBER})"
        r"(?: ngày (?:0[1-9]|[12]\d|3[01])/(?:0[12]|[3-9]|1[0-2])/\d{4})?",
        re.ASCII,
    )


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)

# Words before the number (a document kind, "số"), the number from its
# first ASCII digit to a space or comma, then what may follow it: ", ngày …".
_CITED = re.compile(
    r"^(?P<before>\D*?)(?P<number>\d[^\s,]*)(?:(?:\s*,\s*|\s+)(?P<after>.+))?$", re.ASCII
)
_ON_DAY = re.compile(r"^(?P<word>\S+)\s+(?P<date>.+)$")
_SPELT_DATE = re.compile(r"^(\d{1,2})\s+(\S+)\s+(\d{1,2})\s+(\S+)\s+(\d{4})$", re.ASCII)

# Dashes a word processor or a PDF puts where the office typed a hyphen.
_DASHES = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)

# The document kinds an office names before the number, and the code its
# number carries (Decree 30/2020/NĐ-CP, Appendix III, for administrative
# documents; the Law on legal documents for decrees and circulars; the
# Party's own for conclusions and action programmes).  A công văn, or any
# "văn bản", has no code.
KINDS: dict[str, str | None] = {
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Chỉ thị": "CT",
    "Chương trình": "CTr",
    "Chương trình hành động": "CTr",
    "Công điện": "CĐ",
    "Công văn": None,
    "Dự án": "DA",
    "Đề án": "ĐA",
    "Giấy mời": "GM",
    "Hướng dẫn": "HD",
    "Hợp đồng": "HĐ",
    "Kế hoạch": "KH",
    "Kết luận": "KL",
    "Nghị định": "NĐ",
    "Nghị quyết": "NQ",
    "Phương án": "PA",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Quyết định": "QĐ",
    "Thông báo": "TB",
    "Thông cáo": "TC",
    "Thông tư": "TT",
    "Thông tư liên tịch": "TTLT",
    "Tờ trình": "TTr",
    "Văn bản": None,
}
_KIND_BY_KEY = {match_key(name): name for name in KINDS}
_KIND_NAMES = ", ".join(sorted(KINDS, key=match_key))
_NUMBER_WORD = "so"  # "số", "Số:", "SO" …: the word that introduces a number

# Codes offices write with a small letter: the Prime Minister (TTg), and
# the kinds of Decree 30/2020/NĐ-CP spelt so (CTr, TTr, QyĐ).  Every other
# code is in capitals.
_MIXED_CASE = {"TTG": "TTg", "CTR": "CTr", "TTR": "TTr", "QYĐ": "QyĐ"}
_CODE_PIECES = re.compile(r"([/&-])")
# The type code of a number: state (after the number and a year) or Party.
_TYPE_CODE = re.compile(r"^\d+(?:/\d{4})?/([^-/]+)-|^\d+-([^/]+)/")
# Each code once, by its first kind: in capitals, and folded (QD for QĐ)
# for a number typed without Vietnamese letters.
_KIND_OF_CODE = {code.upper(): name for name, code in reversed(KINDS.items()) if code}
_KIND_OF_FOLDED = {match_key(code): name for name, code in reversed(KINDS.items()) if code}


# Named tuples, not dataclasses: a warm status imports this module to show
# evidence, and a dataclass costs half a millisecond to make.
class DocumentRef(NamedTuple):
    number: str  # as written: 200/BC-SNV
    system: str  # state or party


class Citation(NamedTuple):
    """One piece of evidence, read: what the ledger keeps and what was typed."""

    canonical: str  # 130/BC-VP ngày 28/6/2024, or the URL
    written: str  # Báo cáo số 130/BC-VP, ngày 28/6/2024 (NFC, single spaces)
    date: dt.date | None  # the document's date, when the citation gives one


def parse_document_number(text: str) -> DocumentRef | None:
    numbers = _numbers()
    if numbers.state.match(text):
        return DocumentRef(text, "state")
    if numbers.party.match(text):
        return DocumentRef(text, "party")
    return None


def office_date(day: dt.date) -> str:
    """A date as offices write it in a citation (Decree 30/2020/NĐ-CP):
    a day below 10 and the months 1 and 2 with their 0, so that no 1 or 2
    can be put in front of them — 05/01/2024, 15/6/2024, 02/10/2024."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def normalise_evidence(text: str) -> str:
    """One piece of evidence in its canonical form; see :func:`read_evidence`."""
    return read_evidence(text).canonical


def read_evidence(text: str) -> Citation:
    """Read one piece of evidence as an office cites it.

    Raises UsageError, in one line, when it is neither a document reference
    nor a URL, names a document kind parledger does not know (or one its
    number contradicts), or gives a date that does not exist.
    """
    tidy = " ".join(unicodedata.normalize("NFC", text).split())
    if not tidy:
        raise UsageError("--evidence is empty; give a document number or a URL")
    unsafe = unsafe_character(tidy)
    if unsafe is not None:
        raise UsageError(
            f"evidence contains control characters ({unsafe}); "
            "give the document number or URL as plain text"
        )
    if _URL.match(tidy):
        return Citation(tidy, tidy, None)
    cited = _CITED.match(tidy.translate(_DASHES))
    number = _canonical_number(cited["number"]) if cited else None
    if cited is None or number is None:
        raise UsageError(
            f"evidence '{tidy}' is neither a document reference nor a URL; write it as "
            "offices cite documents, e.g. '200/BC-SNV ngày 15/6/2024', "
            "'Báo cáo số 200/BC-SNV ngày 15 tháng 6 năm 2024', '28-CT/TU', "
            "or give an https:// address"
        )
    _check_kind(tidy, cited["before"], number)
    day = None
    if cited["after"] is not None:
        on = _ON_DAY.match(cited["after"])
        if on is None or match_key(on["word"]) != "ngay":
            raise UsageError(
                f"evidence '{tidy}': after the number only its date may follow, "
                f"as 'ngày 15/6/2024' or 'ngày 15 tháng 6 năm 2024'"
            )
        day = _evidence_date(on["date"])
    canonical = number if day is None else f"{number} ngày {office_date(day)}"
    return Citation(canonical, tidy, day)


def _canonical_number(written: str) -> str | None:
    """The number with its codes in capitals (TTg, CTr, TTr as offices
    write them), or None when it is no document number."""
    pieces = _CODE_PIECES.split(written)
    upper = "".join(_MIXED_CASE.get(p.upper(), p.upper()) for p in pieces)
    return upper if parse_document_number(upper) else None


def _check_kind(tidy: str, before: str, number: str) -> None:
    words = before.replace(":", " ").split()
    if words and match_key(words[-1]) == _NUMBER_WORD:
        words.pop()
    if not words:
        return
    kind = _KIND_BY_KEY.get(match_key(" ".join(words)))
    if kind is None:
        raise UsageError(
            f"evidence '{tidy}': '{' '.join(words)}' is not a document kind parledger knows; "
            f"write one of {_KIND_NAMES} before the number, or the number alone"
        )
    code = KINDS[kind]
    typed = _TYPE_CODE.match(number)
    found = next((g for g in typed.groups() if g), "").upper() if typed else ""
    if code is None or found == code.upper():
        return
    # An exact code first: HD (hướng dẫn) is not HĐ (hợp đồng), nor DA ĐA.
    other = _KIND_OF_CODE.get(found)
    if other is None and match_key(found) != match_key(code):
        other = _KIND_OF_FOLDED.get(match_key(found))
    if other is not None:
        raise UsageError(
            f"evidence '{tidy}': {number} is numbered as a {other} ({KINDS[other]}), "
            f"not a {kind} ({code}); check which document it is"
        )


def _evidence_date(text: str) -> dt.date:
    spelt = _SPELT_DATE.match(text)
    if spelt is None:
        return parse_date(text, "the evidence's date")
    if (match_key(spelt[2]), match_key(spelt[4])) != ("thang", "nam"):
        raise UsageError(
            f"the evidence's date '{text}' is not a date; "
            "write it as 15/6/2024 or 15 tháng 6 năm 2024"
        )
    return real_date(int(spelt[5]), int(spelt[3]), int(spelt[1]), "the evidence's date", text)


def evidence_problems(texts: set[str]) -> dict[str, str]:
    """Why each of these texts is not evidence, for those that are not."""
    return read_citations(texts).problems


class Citations(NamedTuple):
    """What a cold read of a ledger learns of its citations, all at once."""

    problems: dict[str, str]  # text → why it is not evidence
    # The date a citation in parledger's own form gives, by its last word,
    # which is that date ("15/6/2024"): a ledger's citations share a few
    # hundred days, so this stays small, and a lookup in it is quick.
    days: dict[str, dt.date]
    # Text → date, for a dated citation in another form ("Số 200/BC-SNV
    # ngày 15 tháng 6 năm 2024"): as an older parledger kept what was typed.
    others: dict[str, dt.date]


def read_citations(texts: set[str]) -> Citations:
    """Why each text is not evidence, for those that are not, and the dates
    the others give their documents.

    For a cold read of a large ledger (tens of thousands of citations): the
    texts in the form parledger writes are picked out, with their dates, by
    one regular expression over all of them, in C; only the rest are read
    one by one, and each day is made a date once."""
    surely_good = _ledger().surely_good
    found: dict[str, str] = {}
    pending = list(texts)
    for start in range(0, len(pending), 10_000):  # a few megabytes at a time at most
        found.update(surely_good.findall("\n".join(pending[start : start + 10_000])))
    # A key of found that is no text is a line of one that spans lines; the
    # text itself is read below.
    days = {day: _dmy(day) for day in set(found.values()) if day}
    problems: dict[str, str] = {}
    others: dict[str, dt.date] = {}
    for text in texts - found.keys():
        problem, date, own_form = _one_citation(text)
        if problem is not None:
            problems[text] = problem
        elif date is not None and own_form:
            days[text.rpartition(" ")[2]] = date
        elif date is not None:
            others[text] = date
    return Citations(problems, days, others)


def citation_date(text: str) -> dt.date | None:
    """The date a citation read from a file gives its document; None when
    it gives none, or is not evidence (which is said elsewhere)."""
    return _one_citation(text)[1]


def _dmy(text: str) -> dt.date:
    day, month, year = text.split("/")
    return dt.date(int(year), int(month), int(day))


def _one_citation(text: str) -> tuple[str | None, dt.date | None, bool]:
    """Why a text read from a file is not evidence (or None), the date it
    gives its document (or None), and whether it is in parledger's own
    form, whose last word is its date."""
    written = _ledger().as_written.fullmatch(text)
    if written is not None:
        if written[1] is None:
            return None, None, True
        try:
            day = dt.date(int(written[3]), int(written[2]), int(written[1]))
        except ValueError:
            day = None  # not a real date: the full reading says so in its words
        if day is not None and EARLIEST <= day <= LATEST:
            return None, day, True
    try:
        return None, read_evidence(text).date, False
    except UsageError as exc:
        return str(exc), None, False


def evidence_problem(text: str) -> str | None:
    """Why evidence read from a file is not evidence, or None when it is."""
    return _one_citation(text)[0]


def shown_evidence(text: str) -> str:
    """Evidence as parledger shows it: in its canonical form, whatever form
    an older ledger keeps it in; a text that is no evidence, as it is."""
    if _canonical().fullmatch(text) or _URL.match(text):
        return text
    try:
        return read_evidence(text).canonical
    except UsageError:
        return text


def evidence_after(citations: list[Citation], fact: dt.date) -> Citation | None:
    """The first citation dated after the fact it is to prove, if any."""
    return next((c for c in citations if c.date is not None and c.date > fact), None)
