"""Evidence: the document that proves a fact, as Vietnamese offices cite it.

State documents are numbered ``NUMBER/TYPE-ISSUER`` (125/BC-SNV), with the
year for legal documents (61/2018/NĐ-CP); an official letter (công văn) has no
type code, only issuer and unit (3087/UBND-PVHCC&KSTT).  Party documents are
``NUMBER-TYPE/ISSUER`` (28-CT/TU).  A citation may add "ngày D/M/YYYY".
Evidence may also be a web address.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from parledger.model.dates import EARLIEST, LATEST, parse_date
from parledger.model.errors import UsageError
from parledger.model.text import unsafe_character

_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*(?:&[A-Za-zĐđ0-9]+)*"
# Digits are ASCII (re.ASCII): a fullwidth or Arabic-Indic number is no
# document number an office wrote.
_STATE = re.compile(rf"^\d+(?:/\d{{4}})?/{_CODE}(?:-{_CODE})+$", re.ASCII)
_PARTY = re.compile(rf"^\d+-{_CODE}/{_CODE}(?:-{_CODE})*$", re.ASCII)
_CITATION = re.compile(r"^(?:[Ss]ố\s+)?(?P<number>\S+)(?:\s+ngày\s+(?P<date>\S+))?$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentRef:
    number: str  # as written: 200/BC-SNV
    system: str  # state or party


def parse_document_number(text: str) -> DocumentRef | None:
    if _STATE.match(text):
        return DocumentRef(text, "state")
    if _PARTY.match(text):
        return DocumentRef(text, "party")
    return None


def normalise_evidence(text: str) -> str:
    """Check one piece of evidence and return it tidied (NFC, single spaces).

    Raises UsageError naming the accepted forms when it is neither a
    document reference nor a URL.
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
        return tidy
    citation = _CITATION.match(tidy)
    if citation and parse_document_number(citation["number"]):
        if citation["date"]:
            parse_date(citation["date"], "the evidence's date")
        return tidy
    raise UsageError(
        f"evidence '{tidy}' is neither a document reference nor a URL; write it as "
        "offices cite documents, e.g. '200/BC-SNV ngày 15/6/2024', '28-CT/TU', "
        "or give an https:// address"
    )


# The form parledger itself writes (tidy, one document, an optional date),
# matched in one step: a large ledger holds a hundred thousand of them.
_AS_WRITTEN = re.compile(
    rf"(?:\d+(?:/\d{{4}})?/{_CODE}(?:-{_CODE})+|\d+-{_CODE}/{_CODE}(?:-{_CODE})*)"
    r"(?: ngày (\d{1,2})/(\d{1,2})/(\d{4}))?",
    re.ASCII,
)


# The same form, with only dates that exist whatever the month (days up to
# 28) in 2000–2100: a line matching it needs no further check.
_SURELY_GOOD = re.compile(
    rf"^(?:\d+(?:/\d{{4}})?/{_CODE}(?:-{_CODE})+|\d+-{_CODE}/{_CODE}(?:-{_CODE})*)"
    r"(?: ngày (?:0?[1-9]|1\d|2[0-8])/(?:0?[1-9]|1[0-2])/(?:20\d\d|2100))?$",
    re.MULTILINE | re.ASCII,
)


def evidence_problems(texts: set[str]) -> dict[str, str]:
    """Why each of these texts is not evidence, for those that are not.

    For a cold read of a large ledger (tens of thousands of citations): the
    texts in the form parledger writes are picked out by one regular
    expression over all of them, in C; only the rest are checked one by one."""
    good: set[str] = set()
    pending = list(texts)
    for start in range(0, len(pending), 10_000):  # a few megabytes at a time at most
        batch = pending[start : start + 10_000]
        good.update(texts.intersection(_SURELY_GOOD.findall("\n".join(batch))))
    return {
        text: problem for text in texts - good if (problem := evidence_problem(text)) is not None
    }


def evidence_problem(text: str) -> str | None:
    """Why evidence read from a file is not evidence, or None when it is."""
    written = _AS_WRITTEN.fullmatch(text)
    if written is not None:
        if written[1] is None:
            return None
        try:
            if EARLIEST <= dt.date(int(written[3]), int(written[2]), int(written[1])) <= LATEST:
                return None
        except ValueError:
            pass  # not a real date: the full check says so in its words
    try:
        normalise_evidence(text)
    except UsageError as exc:
        return str(exc)
    return None
