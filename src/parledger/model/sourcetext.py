"""A document's text as read from its file, before anything is made of it.

Whatever the format (a plain text file, a Word file, a PDF's text layer),
the readers in :mod:`parledger.store.document` give the same neutral
structure: the blocks of the body in reading order (paragraphs of text, and
tables as rows of cells), and the footnotes by number.  A footnote's marker
stays in the paragraph's text where the document put it, written as
superscript digits ("năm 2024¹"), the way the plain-text source of the
bundled directive prints it: one convention, so the interpreter
(:mod:`parledger.track.importer`) reads every format alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def marker(number: int) -> str:
    """A footnote's marker as it stands in a paragraph: 10 → "¹⁰"."""
    return "".join(SUPERSCRIPT_DIGITS[int(digit)] for digit in str(number))


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; ``text`` may hold several lines (a header's or a
    subject's lines, kept as printed); ``where`` places it for a message
    ("line 12", "paragraph 40", "page 3")."""

    text: str
    where: str


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]
    where: str


Block = Paragraph | Table


@dataclass(frozen=True)
class SourceText:
    """A document read in: its blocks in order, its footnotes by number."""

    name: str
    blocks: list[Block]
    footnotes: dict[int, str] = field(default_factory=dict)
    format: str = "txt"  # txt, docx or pdf: what was read
    notes: list[str] = field(default_factory=list)  # what the reader could not read
