"""What text parledger accepts: characters a reader sees as what they are.

Control characters can repaint a terminal (``ESC [2J`` clears it, an OSC
sequence sets its title), bidirectional controls reorder what a line seems
to say, and a lone surrogate is a byte that was not UTF-8 (a terminal in
another encoding).  None has a place in a workspace: they are refused where
text comes in — a command's arguments, git's ``user.name``, a file — and the
message names the character, so that it can be found and removed.  Line
breaks and tabs are text, where a field allows several lines (a note, a
reason, the directive's wording).
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls (but tab and line feed), DEL, the line and paragraph
# separators, the bidirectional embeddings, overrides and isolates, the
# BOM used as a character, and surrogates (bytes that were not UTF-8).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
    "\u2066-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_ON_ONE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def unsafe_character(text: str, *, lines: bool = False) -> str | None:
    """The first character of ``text`` that is not plain text, described
    ("U+001B ESCAPE"), or None.  ``lines``: tab and line feed are allowed."""
    found = (_UNSAFE if lines else _UNSAFE_ON_ONE_LINE).search(text)
    return None if found is None else describe(found.group())


def describe(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X}, a byte that is not UTF-8"
    name = unicodedata.name(character, "") or _CONTROL_NAMES.get(code, "a control character")
    return f"U+{code:04X} {name}"


_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
    0x9D: "OPERATING SYSTEM COMMAND",
}


def shown(text: str) -> str:
    """``text`` safe to print on one line: every unsafe character, and line
    breaks and tabs, as its escape (``\\x1b``, ``\\n``)."""
    return _UNSAFE_ON_ONE_LINE.sub(
        lambda found: found.group().encode("unicode_escape", "backslashreplace").decode("ascii"),
        text,
    )
