"""What a directive's text names: the registry's agencies and groups where a
text opens with them, and the footnote markers it holds.

Shared by the importer's readings (:mod:`parledger.track.importer`,
:mod:`parledger.track.citations`, :mod:`parledger.track.appendix`).
"""

from __future__ import annotations

import re

from parledger.model.models import Registry
from parledger.model.names import match_key
from parledger.model.sourcetext import SUPERSCRIPT_DIGITS

MARKERS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_MAX_NAME_WORDS = 18


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


def without_markers(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without its footnote markers, and each marker's number and
    place in the text without them."""
    marks: list[tuple[int, int]] = []
    pieces: list[str] = []
    length = 0
    last = 0
    for found in MARKERS.finditer(text):
        pieces.append(text[last : found.start()])
        length += found.start() - last
        number = int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in found.group()))
        marks.append((number, length))
        last = found.end()
    pieces.append(text[last:])
    return "".join(pieces), marks
