"""The outline of an administrative document, as its own numbering gives it.

Decree 30/2020/NĐ-CP numbers a document's body in parts (I., II., …, any
count), then numbered levels (1., 1.1., 1.1.1., any depth), then lettered
points (a), b), … đ) …); "-" and "+" bullets stay inside the item they
follow.  :func:`parse_outline` reads the body's paragraphs into that tree,
nothing more: every node keeps its label as printed, the text on the label's
line and the paragraphs after it, verbatim.  Which node is a part, a section
or an item, and what of its text is a heading, is decided in one place,
:func:`parledger.track.importer.node_fields`, so that the shape of the data
model can change without touching this reading.

A label out of order (a "2.3." under "1.", a "1.3." after "1.1.") is an
outline this reader cannot follow: :class:`OutlineError` names where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parledger.model.errors import DataError

ROMAN = re.compile(r"^(?P<label>(?P<roman>[IVXLC]+)\.)\s+(?P<rest>\S.*)$", re.DOTALL)
NUMBERED = re.compile(
    r"^(?P<label>(?P<numbers>\d{1,3}(?:\.\d{1,3})*)\.)\s+(?P<rest>\S.*)$", re.DOTALL
)
LETTERED = re.compile(r"^(?P<label>(?P<letter>[a-zđ])\))\s+(?P<rest>\S.*)$", re.DOTALL)
# The order of the letters of Vietnamese lettered points (no f, j, w, z).
LETTERS = "abcdđeghiklmnopqrstuvxy"

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


class OutlineError(DataError):
    """An outline the reader cannot follow; the message says where."""


def roman_value(text: str) -> int:
    total = 0
    for index, letter in enumerate(text):
        value = _ROMAN_VALUES[letter]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


@dataclass
class OutlineNode:
    """One numbered node of the body, as printed."""

    id: str  # from the document's numbering: II, II.1, II.1.1, II.1.1.a
    level: str  # roman, number or letter
    label: str  # as printed: "II.", "1.1.", "a)"
    opening: str  # the text on the label's line, after the label
    where: str
    paragraphs: list[str] = field(default_factory=list)  # the paragraphs after it
    children: list[OutlineNode] = field(default_factory=list)
    parent: OutlineNode | None = field(default=None, repr=False)

    def walk(self) -> list[OutlineNode]:
        return [self, *(node for child in self.children for node in child.walk())]


def label_of(text: str) -> re.Match[str] | None:
    """The label a paragraph opens with, if it opens an outline node."""
    return ROMAN.match(text) or NUMBERED.match(text) or LETTERED.match(text)


def parse_outline(paragraphs: list[tuple[str, str]]) -> list[OutlineNode]:
    """The tree of the body's ``(text, where)`` paragraphs; the first must
    open a node."""
    roots: list[OutlineNode] = []
    part: OutlineNode | None = None
    numbered: list[OutlineNode] = []  # the open numbered nodes, by depth
    current: OutlineNode | None = None
    for text, where in paragraphs:
        found = ROMAN.match(text)
        if found:
            node = _roman(found, where, roots)
            roots.append(node)
            part, numbered, current = node, [], node
            continue
        found = NUMBERED.match(text)
        if found:
            node = _numbered(found, where, part, numbered, roots)
            numbered = [*numbered[: node.id.count(".") - (0 if part is None else 1)], node]
            current = node
            continue
        found = LETTERED.match(text)
        if found and numbered:
            current = _lettered(found, where, numbered[-1])
            continue
        if current is None:
            raise OutlineError(
                f"{where}: the body does not open with a numbered part or item "
                f"('I.', '1.'): '{_short(text)}'"
            )
        current.paragraphs.append(text)
    return roots


def _roman(found: re.Match[str], where: str, roots: list[OutlineNode]) -> OutlineNode:
    roman = found["roman"]
    expected = len(roots) + 1
    if roman_value(roman) != expected:
        raise OutlineError(
            f"{where}: part '{found['label']}' comes where part {expected} was expected; "
            "the outline's parts must be numbered I., II., III., … in order"
        )
    return OutlineNode(roman, "roman", found["label"], found["rest"].strip(), where)


def _numbered(
    found: re.Match[str],
    where: str,
    part: OutlineNode | None,
    numbered: list[OutlineNode],
    roots: list[OutlineNode],
) -> OutlineNode:
    numbers = found["numbers"].split(".")
    depth = len(numbers)
    if depth - 1 > len(numbered):
        raise OutlineError(
            f"{where}: '{found['label']}' has no '{'.'.join(numbers[:-1])}.' above it"
        )
    parent = numbered[depth - 2] if depth > 1 else part
    if depth > 1 and parent is not None and parent.label[:-1] != ".".join(numbers[:-1]):
        raise OutlineError(
            f"{where}: '{found['label']}' is not under the open item '{parent.label}'; "
            "the outline's numbering is out of order"
        )
    siblings = parent.children if parent is not None else roots
    numbered_siblings = [child for child in siblings if child.level == "number"]
    expected = len(numbered_siblings) + 1
    if int(numbers[-1]) != expected:
        raise OutlineError(
            f"{where}: '{found['label']}' comes where number {expected} was expected "
            "at that level; the outline's numbering is out of order"
        )
    prefix = f"{part.id}." if part is not None else ""
    node = OutlineNode(
        prefix + ".".join(numbers), "number", found["label"], found["rest"].strip(), where
    )
    node.parent = parent
    siblings.append(node)
    return node


def _lettered(found: re.Match[str], where: str, parent: OutlineNode) -> OutlineNode:
    letter = found["letter"]
    used = [child.label[0] for child in parent.children if child.level == "letter"]
    if letter in used:
        raise OutlineError(f"{where}: point '{found['label']}' appears twice under {parent.id}")
    node = OutlineNode(
        f"{parent.id}.{letter}", "letter", found["label"], found["rest"].strip(), where
    )
    node.parent = parent
    parent.children.append(node)
    return node


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"
