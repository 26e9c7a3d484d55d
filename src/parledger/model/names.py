"""Vietnamese name folding and agency/group resolution.

Analysts type agency names the way they write them in documents: with or
without tone marks, in any case, with the short form ("SNV", "Sở TT&TT"), or
with the stable id.  Everything here reduces a name to one matching key
(:func:`fold`) and looks that key up in an index built once from the registry
(:class:`Resolver`).  The library never prints or exits: a name that does not
resolve raises a :class:`~parledger.model.errors.UsageError` subclass whose one-line
message says what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from parledger.model.errors import UsageError
from parledger.model.models import Registry

Kind = Literal["agency", "group"]
Entry = tuple[Kind, str]
"""One registry entry: its kind and its id (ids could repeat across kinds)."""

# "đ" has no canonical decomposition, so stripping combining marks leaves it
# as is; Vietnamese readers treat it as a "d" typed without its bar.  "ð"
# (U+00F0, the lower case of U+00D0 "Ð") is what old Vietnamese fonts and
# OCR put in place of "Đ"; it is folded the same way so such text still
# matches.
_LETTER_MAP = {"đ": "d", "ð": "d"}

# Substring matching on a one- or two-letter key would match almost anything.
_MIN_SUBSTRING = 3

# A query that matches many entries is reported with this many candidates;
# the exception still carries all of them.
_MAX_LISTED = 8

# Queries are echoed in messages; a pasted paragraph must not flood them.
_MAX_ECHO = 60

_HINT = "Run 'parledger agencies' for the list."

# A query of more words than any name is not abbreviated: no pattern tried.
_MAX_PATTERN_WORDS = 12

# The words of an administrative unit that a name may carry and a person
# leaves out ("UBND Văn Lâm" for UBND huyện Văn Lâm), folded.
_UNIT_WORDS: tuple[tuple[str, ...], ...] = (
    ("huyen",),
    ("tinh",),
    ("thi", "xa"),
    ("thanh", "pho"),
    ("thi", "tran"),
    ("xa",),
    ("phuong",),
)

_EXAMPLES = {
    "agency": "'so-noi-vu' or 'Sở Nội vụ'",
    "group": "'group:ubnd-cap-huyen' or 'group:UBND cấp huyện'",
}


def match_key(text: str) -> str:
    """Return the matching key of ``text``.

    The key ignores what varies between keyboards and writers of the same
    name: Unicode form (NFC or NFD input), tone and vowel marks, the bar of
    "đ", case, spaces and punctuation (``&``, ``-``, ``,``, ``.``).  So "Sở
    Nội vụ", "so noi vu", "SỞ NỘI VỤ" and "Sở  Nội-vụ" share one key, and "Sở
    TT&TT" folds like "so tt & tt".  Never raises for any ``str``.
    """
    # NFC first so any input form reaches the same NFD; NFD then splits every
    # precomposed letter into base letter plus combining marks.
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    # casefold can produce sequences that are not in NFD (canonical caseless
    # matching, Unicode §3.13), so decompose again before dropping marks.
    folded = unicodedata.normalize("NFD", decomposed.casefold())
    # Combining marks, spaces and punctuation are all not alphanumeric: one
    # filter drops them.
    return "".join(_LETTER_MAP.get(ch, ch) for ch in folded if ch.isalnum())


def foreign_letter(name: str) -> str | None:
    """The first character of ``name`` that is a letter of another script
    than Latin, or a digit other than 0–9, described; None when there is none.

    The registry's names are Vietnamese, written in Latin letters: a Cyrillic
    'Ѕ' or 'о' looks the same and folds differently, so an alias holding one
    would make a typed name resolve to another agency than the one it seems
    to name."""
    for character in name:
        category = unicodedata.category(character)
        if category == "Nd" and not character.isascii():
            return f"'{character}' (U+{ord(character):04X} {unicodedata.name(character, '')})"
        if category.startswith("L") and not unicodedata.name(character, "").startswith("LATIN"):
            return f"'{character}' (U+{ord(character):04X} {unicodedata.name(character, '')})"
    return None


def closest(query: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` of ``choices`` nearest to ``query``, best first.

    Comparison is on folded keys, so tone marks and case never make a good
    suggestion look distant.  Useful for any list of names (agencies, node
    ids, document numbers), not only the registry's.
    """
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(match_key(choice), choice)
    by_key.pop("", None)
    key = match_key(query)
    if not key or n <= 0:
        return []
    return [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=n)]


def _echo(query: str) -> str:
    """The query as messages quote it: on one line, and not too long."""
    flat = " ".join(query.split())
    return flat if len(flat) <= _MAX_ECHO else flat[: _MAX_ECHO - 1] + "…"


def _listing(candidates: list[tuple[str, str]]) -> str:
    shown = ", ".join(f"{name} ({id_})" for id_, name in candidates[:_MAX_LISTED])
    more = len(candidates) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


class UnknownName(UsageError):
    """No agency or group is known by this name; carries the nearest ones."""

    def __init__(self, query: str, candidates: list[tuple[str, str]], what: str = "agency") -> None:
        self.query = query
        self.candidates = candidates
        suggestion = f"; did you mean: {_listing(candidates)}?" if candidates else "."
        super().__init__(f"unknown {what} '{_echo(query)}'{suggestion} {_HINT}")


class AmbiguousName(UsageError):
    """Several entries match this name; carries all of them as (id, name)."""

    def __init__(self, query: str, candidates: list[tuple[str, str]], what: str = "agency") -> None:
        self.query = query
        self.candidates = candidates
        super().__init__(
            f"ambiguous {what} '{_echo(query)}': {_listing(candidates)}; "
            "give the id or the full name."
        )


@dataclass(frozen=True)
class Match:
    """What a query resolved to."""

    kind: Kind
    id: str


_PREFIXES: dict[str, tuple[Kind, ...]] = {
    "agency:": ("agency",),
    "group:": ("group",),
}


class Resolver:
    """Resolves typed names to registry entries.

    Built once per registry: the index maps each folded id, name, short form
    and alias to the entries that carry it, so resolving is a dict lookup,
    with a scan of the (few hundred) keys only when the exact lookup fails.
    """

    def __init__(self, registry: Registry, day: dt.date | None = None) -> None:
        # Entries that did not exist on ``day`` (merged away, dissolved, not
        # yet set up): suggested after those that did, never left out, for
        # an old name is still a name to look for.
        self._elsewhen: set[Entry] = set()
        if day is not None:
            self._elsewhen = {("agency", a.id) for a in registry.agencies if not a.exists_on(day)}
            self._elsewhen |= {("group", g.id) for g in registry.groups if not g.exists_on(day)}
        self._index: dict[str, set[Entry]] = {}
        self._names: dict[Entry, str] = {}
        # Registry order, so candidate lists read like the registry file.
        self._order: dict[Entry, int] = {}
        # Each name, short form and alias, and whether it is the name or a
        # short form (which alone may be named by their first words): their
        # folded words are worked out when a name first needs _by_pattern.
        self._written: list[tuple[Entry, str, bool]] = []
        self._labels_cache: list[tuple[Entry, tuple[str, ...], bool]] | None = None
        for agency in registry.agencies:
            self._add(("agency", agency.id), agency.name, agency.short, agency.aliases)
        for group in registry.groups:
            self._add(("group", group.id), group.name, [], group.aliases)
        self._province = _province_suffixes(registry)

    def _add(self, entry: Entry, name: str, short: list[str], aliases: list[str]) -> None:
        self._names.setdefault(entry, name)
        self._order.setdefault(entry, len(self._order))
        for label in (entry[1], name, *short, *aliases):
            key = match_key(label)
            if key:
                self._index.setdefault(key, set()).add(entry)
        self._written += [(entry, label, True) for label in (name, *short)]
        self._written += [(entry, label, False) for label in aliases]

    @property
    def _labels(self) -> list[tuple[Entry, tuple[str, ...], bool]]:
        if self._labels_cache is None:
            self._labels_cache = [
                (entry, _words(label), official) for entry, label, official in self._written
            ]
        return self._labels_cache

    def name(self, match: Match) -> str:
        """The official name of a resolved entry."""
        return self._names[(match.kind, match.id)]

    def resolve(self, query: str) -> Match:
        """Resolve ``query`` to one agency or group.

        A leading "agency:" or "group:" restricts the search to that kind.
        An exact folded match wins; failing that, a folded query of three or
        more characters that occurs inside the keys of exactly one entry
        picks that entry ("noi vu" would need the id or full name: it occurs
        in both Sở Nội vụ and Bộ Nội vụ).

        Raises UsageError for an empty query, AmbiguousName when several
        entries match, UnknownName (with suggestions) when none does.
        """
        text, kinds = self._split_prefix(query)
        what = "group" if kinds == ("group",) else "agency"
        if not text.strip():
            example = _EXAMPLES[what]
            raise UsageError(f"empty {what} name; give an id or a name, e.g. {example}.")
        key = match_key(text)
        exact = self._allowed(self._index.get(key, set()), kinds)
        if not exact and len(key) >= _MIN_SUBSTRING:
            exact = self._allowed(
                {entry for k, entries in self._index.items() if key in k for entry in entries},
                kinds,
            )
        if not exact:
            exact = self._by_pattern(text, kinds)
        if len(exact) == 1:
            kind, id_ = exact[0]
            return Match(kind, id_)
        if exact:
            raise AmbiguousName(query, self._described(exact), what)
        raise UnknownName(query, self._described(self._nearest(key, kinds, 3)), what)

    def _by_pattern(self, text: str, kinds: tuple[Kind, ...]) -> list[Entry]:
        """What a name written as analysts write it means, when it is no
        registry name: the province's name as a suffix ("Sở Nội vụ tỉnh Hưng
        Yên", "Công an tỉnh Hưng Yên"), or words abbreviated by their
        initials and the unit's word left out ("Sở TP" for Sở Tư pháp, "CA
        tỉnh" for Công an tỉnh, "UBND Văn Lâm" for UBND huyện Văn Lâm), or
        the first words of one name only ("VP" for Văn phòng UBND tỉnh)."""
        words = _words(text)
        if not words or len(words) > _MAX_PATTERN_WORDS:
            return []
        # Without the province's name, when it ends the name ("Sở NV tỉnh
        # Hưng Yên"): first as a registry name, then spelt as below.
        shortened = [
            words[: -len(suffix)]
            for suffix in self._province
            if len(words) > len(suffix) and words[-len(suffix) :] == suffix
        ]
        for rest in shortened:
            found = self._allowed(self._index.get("".join(rest), set()), kinds)
            if found:
                return found
        for spelt in (*shortened, words):
            found = self._spelt(spelt, kinds)
            if found:
                return found
        return []

    def _spelt(self, words: tuple[str, ...], kinds: tuple[Kind, ...]) -> list[Entry]:
        """The entries whose name the words spell (:func:`_covers`): a whole
        name or short form or alias, else the first words of one name or
        short form only."""
        found = self._allowed(
            {entry for entry, label, _ in self._labels if _covers(words, label, whole=True)},
            kinds,
        )
        if found:
            return found
        # An alias ("TP Hưng Yên") is not begun by a word alone ("TP").
        return self._allowed(
            {
                entry
                for entry, label, official in self._labels
                if official and _covers(words, label, whole=False)
            },
            kinds,
        )

    def resolve_agency(self, query: str) -> str:
        """Resolve ``query`` to an agency id; a group is a usage error."""
        match = self.resolve(query)
        if match.kind != "agency":
            raise UsageError(
                f"'{_echo(query)}' is a group ({self.name(match)}), not an agency; "
                "give one agency's id or name."
            )
        return match.id

    def suggest(self, query: str, n: int = 3) -> list[str]:
        """Official names of up to ``n`` entries nearest to ``query``, best first."""
        text, kinds = self._split_prefix(query)
        return [self._names[entry] for entry in self._nearest(match_key(text), kinds, n)]

    # ------------------------------------------------------------------

    @staticmethod
    def _split_prefix(query: str) -> tuple[str, tuple[Kind, ...]]:
        stripped = query.lstrip()
        for prefix, kinds in _PREFIXES.items():
            # Compare the slice, not a casefolded whole: casefold may change
            # lengths, and the remainder must be cut at the right place.
            if stripped[: len(prefix)].casefold() == prefix:
                return stripped[len(prefix) :], kinds
        return query, ("agency", "group")

    def _allowed(self, entries: set[Entry], kinds: tuple[Kind, ...]) -> list[Entry]:
        return sorted((e for e in entries if e[0] in kinds), key=self._order.__getitem__)

    def _described(self, entries: list[Entry]) -> list[tuple[str, str]]:
        return [(id_, self._names[(kind, id_)]) for kind, id_ in entries]

    def _nearest(self, key: str, kinds: tuple[Kind, ...], n: int) -> list[Entry]:
        if not key or n <= 0:
            return []
        keys = [k for k, entries in self._index.items() if any(e[0] in kinds for e in entries)]
        # A query that contains a whole name ("Sở Nội vụ tỉnh Hưng Yên") is
        # best answered by that name, longest first; difflib alone would
        # rank it by the shared tail instead.
        inside = sorted(
            (k for k in keys if len(k) >= _MIN_SUBSTRING and k in key), key=len, reverse=True
        )
        found: list[Entry] = []
        # Ask difflib for more keys than entries wanted: one entry often owns
        # several close keys (its name, id and aliases).
        for k in inside + difflib.get_close_matches(key, keys, n=4 * n):
            for entry in self._allowed(self._index[k], kinds):
                if entry not in found:
                    found.append(entry)
        return sorted(found[:n], key=lambda entry: entry in self._elsewhen)


def _words(text: str) -> tuple[str, ...]:
    """The folded words of a name: "Sở TT&TT" → ("so", "tt", "tt")."""
    # NFC first: a combining mark of decomposed input is no word character.
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    return tuple(key for word in words if (key := match_key(word)))


_WORD = re.compile(r"[^\W_]+")  # letters and digits: "&", "-", "." part words


def _covers(
    query: tuple[str, ...], label: tuple[str, ...], *, whole: bool, started: bool = False
) -> bool:
    """Whether the query's words spell the label's: each the same word, or
    the initials of two or more ("ubnd" for Ủy ban nhân dân; a lone letter
    for one word, "H. Văn Lâm"); a unit's word after the first may be left
    out ("UBND Văn Lâm").  ``whole``: every word of the label is spelt, else
    its first ones only."""
    if not query:
        return not label or not whole
    if not label:
        return False
    word = query[0]
    if word == label[0] and _covers(query[1:], label[1:], whole=whole, started=True):
        return True
    for span in range(1 if len(word) == 1 else 2, min(len(word), len(label)) + 1):
        if "".join(w[0] for w in label[:span]) == word and _covers(
            query[1:], label[span:], whole=whole, started=True
        ):
            return True
    # Not the first word: "HY" is the province, not "thành phố Hưng Yên".
    return started and any(
        label[: len(unit)] == unit and _covers(query, label[len(unit) :], whole=whole, started=True)
        for unit in _UNIT_WORDS
        if unit != query[: len(unit)]
    )


def _province_suffixes(registry: Registry) -> tuple[tuple[str, ...], ...]:
    """The province's name as a name's last words, longest first (("tinh",
    "hung", "yen"), ("hung", "yen")): read off the province's own bodies
    ("Ủy ban nhân dân tỉnh Hưng Yên"), never assumed."""
    found: dict[tuple[str, ...], int] = {}
    for agency in registry.agencies:
        if agency.kind.value == "province":
            words = _words(agency.name)
            if "tinh" in words[:-1]:
                at = len(words) - 1 - words[::-1].index("tinh")
                place = words[at + 1 :]
                found[place] = found.get(place, 0) + 1
    if not found:
        return ()
    place = max(found, key=found.__getitem__)
    return (("tinh", *place), place)
