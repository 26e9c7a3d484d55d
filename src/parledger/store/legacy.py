"""Guess which legacy Vietnamese encoding a file that is not UTF-8 is in.

Vietnamese offices still save text in three pre-Unicode encodings:
Windows-1258 (Microsoft's code page), TCVN3 (the "ABC" fonts .VnTime and
friends) and VNI (the VNI-Times fonts).  All three are single-byte
encodings, so every byte string decodes under each of them and no decoding
ever fails: what tells them apart is whether the *result* reads as
Vietnamese.  :func:`guess` decodes the words that hold bytes above ASCII
under each table, counts the ones that come out as well-formed Vietnamese
syllables, and names the table that clearly wins, or nothing.

Where the tables come from (each was checked byte for byte against the
others before it was written down here):

- Windows-1258: Python's own ``cp1258`` codec (``encodings/cp1258.py``,
  generated from the Unicode Consortium's copy of Microsoft's table,
  MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1258.TXT).  It has the vowels with
  circumflex, breve and horn and đ as single bytes, and writes the five
  tones as combining marks after the vowel (0xCC grave, 0xEC acute, 0xD2
  hook above, 0xDE tilde, 0xF2 dot below).  The VNCP_1258_TABLE of
  github.com/khiemdoan/VBKey, ``Modules/mdlCodeTable.bas``, agrees.
- TCVN3 (ABC): the TCVN3 array of github.com/duydev/vietnamese-conversion,
  ``src/charsets.ts``; the TCVN3_TABLE of khiemdoan/VBKey
  ``Modules/mdlCodeTable.bas``; and GNU libiconv's TCVN 5712 table
  (github.com/koron/libiconv, ``lib/tcvn.h``, ``tcvn_2uni_2``), a superset
  that puts the same letters at the same bytes and adds the toned capitals
  ABC lacks.  ABC has single bytes for the lower-case letters and for
  Ă Â Ê Ô Ơ Ư Đ only; a capital with a tone is the lower-case byte shown in
  a capitals font (.VnTimeH), so such text decodes in lower case.
- VNI: the VNI array of duydev/vietnamese-conversion ``src/charsets.ts`` and
  the VNI_WINDOWS_TABLE of khiemdoan/VBKey ``Modules/mdlCodeTable.bas``.  VNI
  writes a plain ASCII vowel followed by one byte that carries its marks
  ("aù" is á, "aá" is ấ), plus single bytes for đ, ơ, ư and a few i/y
  letters; capitals use a second set of mark bytes.

(The stored copy of mdlCodeTable.bas shows its bytes as Mac Roman
characters, duydev's arrays as Latin-1 ones.)
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

WINDOWS_1258 = "Windows-1258"
TCVN3 = "TCVN3 (ABC)"
VNI = "VNI"

_UNKNOWN = "\ufffd"

# Combining marks, so the tables below read as "letter + marks" and the
# decoded text is composed by NFC normalisation.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_TONES = _GRAVE + _ACUTE + _HOOK + _TILDE + _DOT

# TCVN3 (ABC), 0xA1-0xFE; the bytes not listed are not letters.
_TCVN3_TABLE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    # Each vowel with its five tones: grave, hook, tilde, acute, dot below.
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VNI: the marks a byte adds to the vowel before it, as (lower-case byte,
# capital byte), and the letters that are a byte of their own.
_VNI_MARKS: dict[str, tuple[int, int]] = {
    _GRAVE: (0xF8, 0xD8),
    _ACUTE: (0xF9, 0xD9),
    _HOOK: (0xFB, 0xDB),
    _TILDE: (0xF5, 0xD5),
    _DOT: (0xEF, 0xCF),
    _CIRCUMFLEX: (0xE2, 0xC2),
    _CIRCUMFLEX + _GRAVE: (0xE0, 0xC0),
    _CIRCUMFLEX + _ACUTE: (0xE1, 0xC1),
    _CIRCUMFLEX + _HOOK: (0xE5, 0xC5),
    _CIRCUMFLEX + _TILDE: (0xE3, 0xC3),
    _CIRCUMFLEX + _DOT: (0xE4, 0xC4),
    _BREVE: (0xEA, 0xCA),
    _BREVE + _GRAVE: (0xE8, 0xC8),
    _BREVE + _ACUTE: (0xE9, 0xC9),
    _BREVE + _HOOK: (0xFA, 0xDA),
    _BREVE + _TILDE: (0xFC, 0xDC),
    _BREVE + _DOT: (0xEB, 0xCB),
}
_VNI_LETTERS: dict[str, tuple[int, int]] = {
    "đ": (0xF1, 0xD1),
    "ơ": (0xF4, 0xD4),
    "ư": (0xF6, 0xD6),
    "ì": (0xEC, 0xCC),
    "í": (0xED, 0xCD),
    "ỉ": (0xE6, 0xC6),
    "ĩ": (0xF3, 0xD3),
    "ị": (0xF2, 0xD2),
    "ỵ": (0xEE, 0xCE),
}


def _translation(pieces: dict[int, str]) -> dict[int, str]:
    """A str.translate table for text decoded as Latin-1 (code point = byte)."""
    table = dict.fromkeys(range(0x80, 0x100), _UNKNOWN)
    table.update(pieces)
    return table


def _vni_pieces() -> dict[int, str]:
    pieces: dict[int, str] = {}
    for marks, (lower, upper) in _VNI_MARKS.items():
        pieces[lower] = pieces[upper] = marks
    for letter, (lower, upper) in _VNI_LETTERS.items():
        pieces[lower], pieces[upper] = letter, letter.upper()
    return pieces


_TABLES: dict[str, dict[int, str]] = {
    WINDOWS_1258: _translation(
        {byte: bytes([byte]).decode("cp1258", "replace") for byte in range(0x80, 0x100)}
    ),
    TCVN3: _translation(_TCVN3_TABLE),
    VNI: _translation(_vni_pieces()),
}

# Words that hold at least one byte above ASCII.  A word is a run of ASCII
# letters and high bytes (in all three encodings the high bytes are letters
# or marks); the look-behind makes each run start matching only at its first
# byte, so the scan is linear even over long runs of ASCII letters.
_WORD = re.compile(rb"(?<![A-Za-z\x80-\xff])[A-Za-z]*[\x80-\xff][A-Za-z\x80-\xff]*")

# Enough words to decide on; a legacy Vietnamese file has a high byte every
# few words, so this is its first few pages, whatever the file's size.
_SAMPLE_BYTES = 64 * 1024

# A Vietnamese syllable once its tone is taken off: an optional initial
# consonant, a vowel group (which includes the final i/o/u/y glides), and an
# optional final consonant.
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_VOWEL_GROUPS = (
    "a|ai|ao|au|ay|ă|â|âu|ây|e|eo|ê|êu|i|ia|iê|iêu|iu|o|oa|oai|oao|oay|oă|oe|oeo|oi|oo|"
    "ô|ôi|ơ|ơi|u|ua|uâ|uây|uê|ui|uô|uôi|uơ|uy|uya|uyê|uyu|ư|ưa|ưi|ươ|ươi|ươu|ưu|y|yê|yêu"
)
_FINALS = "ch|ng|nh|[cmnpt]"
# Matched whole (fullmatch), so the order of the alternatives does not matter.
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{_VOWEL_GROUPS})(?:{_FINALS})?")
_NO_TONES = dict.fromkeys(map(ord, _TONES))
# Punctuation glued to a word (quotes, dashes, a byte a table lacks).
_EDGES = re.compile(r"^\W+|\W+$")

# How clear a win must be: at least this many Vietnamese words, most of the
# sampled words, and twice as many as the runner-up.  Text in another
# language (French in Latin-1, say) yields a few accidental syllables ("à",
# "là") under some table, but never most of its words.
_MIN_WORDS = 3
_MIN_SHARE = 0.6
_MIN_LEAD = 2.0


def guess(raw: bytes, first_bad: int | None = None) -> str | None:
    """Name the legacy Vietnamese encoding ``raw`` is most likely in.

    Returns "Windows-1258", "TCVN3 (ABC)" or "VNI", or None when no table
    clearly reads the bytes as Vietnamese (binary data, another language,
    too little text to tell, or valid UTF-8).  ``first_bad`` is the offset of
    the first byte that is not UTF-8, when the caller already knows it.
    Never raises.
    """
    if first_bad is None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            first_bad = exc.start
        else:
            return None
    # Whatever comes before the line of the first bad byte is UTF-8 (often
    # all of a file that only had a legacy paste added to its end): skipping
    # it keeps the sample on the legacy text and the scan short.
    words = _sample(raw, raw.rfind(b"\n", 0, first_bad) + 1)
    total = sum(words.values())
    scores = {name: _score(words, table) for name, table in _TABLES.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_, runner_up) = ranked[0], ranked[1]
    if best_score < _MIN_WORDS or best_score < _MIN_SHARE * total:
        return None
    if best_score < _MIN_LEAD * runner_up:
        return None
    return best


def _sample(raw: bytes, start: int) -> Counter[bytes]:
    """The words with high bytes from ``start`` on, with their counts."""
    words: Counter[bytes] = Counter()
    seen = 0
    for match in _WORD.finditer(raw, start):
        word = match.group()
        seen += len(word)
        if seen > _SAMPLE_BYTES:
            break
        try:
            word.decode("utf-8")
        except UnicodeDecodeError:
            words[word] += 1
        # else: valid UTF-8 (a file only partly converted), no evidence either way.
    return words


def _score(words: Counter[bytes], table: dict[int, str]) -> int:
    """How many of the sampled words ``table`` decodes to Vietnamese syllables."""
    return sum(
        count
        for word, count in words.items()
        if _is_vietnamese(_EDGES.sub("", _decode(word, table)))
    )


def decode(raw: bytes, encoding: str) -> str:
    """``raw`` read as one of the three encodings :func:`guess` names, in NFC.

    Bytes the table has no character for become U+FFFD.  Meant for words,
    not whole files: the TCVN3 and VNI tables hold the Vietnamese letters
    and marks only, not the punctuation each font put elsewhere.
    """
    return _decode(raw, _TABLES[encoding])


def _decode(raw: bytes, table: dict[int, str]) -> str:
    # Latin-1 turns each byte into the code point of the same number, which
    # str.translate then maps; both run in C.
    return unicodedata.normalize("NFC", raw.decode("latin-1").translate(table))


def _is_vietnamese(word: str) -> bool:
    """A single syllable with at least one letter outside ASCII, at most one tone."""
    if word.isascii():
        # The high bytes were all punctuation: the word says nothing.
        return False
    spelled = unicodedata.normalize("NFD", word.lower())
    if sum(spelled.count(tone) for tone in _TONES) > 1:
        return False
    base = unicodedata.normalize("NFC", spelled.translate(_NO_TONES))
    return _SYLLABLE.fullmatch(base) is not None
