"""The workspace's data: the directive, the agency registry, ledger entries,
and the indices a directive may serve (indices.yaml).

The classes are plain frozen dataclasses, and pydantic v2 validates files
into them (see :mod:`parledger.store.schema`): every class forbids unknown fields
(``__pydantic_config__``), so a typo in a hand-edited YAML file is a problem
reported at its line, never silently ignored data.  Checks beyond types (id
patterns, ranges, "exactly one of") live in ``__post_init__``, which pydantic
runs too, so an object built in Python is held to the same rules.

Why dataclasses and not ``BaseModel``: commands that read a cached workspace
must not pay for importing pydantic and building its schemas (the cost of a
whole ``status`` command, measured in ``benchmarks/``).  Validation is needed
only where text is read, and only there is pydantic imported.

Text arrives in NFC: the readers (``yamlio``) and the command line normalise
every string on the way in.

Fields named ``assumed`` map a field name (or a short topic) to a note saying
what was assumed rather than read in a source, and why.  The directive's own
wording never needs such a note; everything built around it might.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast, dataclass_transform

from parledger.model.enums import (
    AgencyKind,
    Cadence,
    Effect,
    EntryKind,
    Mode,
    NodeKind,
    Role,
    Status,
)
from parledger.model.text import unsafe_character

__all__ = [
    "AgencyKind", "Cadence", "Effect", "EntryKind", "Mode", "NodeKind", "Role", "Status",
]  # fmt: skip

AGENCY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Stable ASCII id of an agency or group, e.g. ``so-noi-vu``."""
_ROMAN = r"(?=[IVXLCDM])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
NODE_ID = re.compile(rf"^(?:{_ROMAN}|[0-9]+)(?:\.[0-9]+)*(?:\.[a-zđ])?$")
"""Outline id as the ledger names it: a part's Roman numeral or a first
number (``I``, ``XII``, ``1``), then numbers of any depth (``I.1.2.3``), then
at most one letter for a lettered sub-item (``II.1.1.a``, ``II.1.1.đ``).  The
letter is kept as the document prints it, "đ" included: Vietnamese lists run
a), b), c), d), đ), e), so an ASCII "d" for "đ" would name two sub-items."""
SUBITEM_LETTER = re.compile(r"^[a-zđ]$")
INDEX_ID = re.compile(r"^\S(?:.*\S)?$")
"""An index as directives write it: "PAR INDEX", "SIPAS", "PAPI" …"""
DIMENSION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Stable ASCII id of an index's dimension or field, e.g. ``e-governance``."""
TARGET_ID = re.compile(r"^t[0-9]+$")
ENTRY_ID = re.compile(r"^e-[0-9a-f]{12}$")
DIRECTIVE_ID = re.compile(r"^[a-z0-9_]+$")

Assumptions = dict[str, str]

# pydantic reads this from every dataclass it validates: unknown keys are errors.
FORBID_EXTRA = {"extra": "forbid"}

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def model(cls: type[_T]) -> type[_T]:
    """How every class here is declared: immutable, compact, keyword-only.

    Why not ``@dataclass(frozen=True, slots=True, kw_only=True)``, which
    behaves the same: it writes each class's ``__init__``, ``__eq__``,
    ``__hash__``, ``__repr__`` and ``__setattr__`` as source text and
    compiles it, about 0.7 ms a class and 15 ms for this module, paid by
    every command before it does anything (``benchmarks/``, target 6).
    Here :func:`dataclasses.dataclass` only gathers the fields (which
    pydantic and :func:`dataclasses.fields` read) and makes the slots; one
    set of methods, written once below, serves every class.
    """
    for name, method in _METHODS.items():
        setattr(cls, name, method)
    made: Any = dataclass(init=False, repr=False, eq=False, kw_only=True, slots=True)(cls)
    specs = dataclasses.fields(made)
    if not all(spec.init for spec in specs):  # the methods below know only init fields
        raise TypeError(f"{made.__name__}: a model's fields are all set by its constructor")
    made.__model_fields__ = tuple((spec.name, spec.default, spec.default_factory) for spec in specs)
    made.__model_repr__ = tuple(spec.name for spec in specs if spec.repr)
    return cast(type[_T], made)


_MISSING: Any = dataclasses.MISSING
_set = object.__setattr__


def _init(self: Any, **values: Any) -> None:
    for name, default, factory in self.__model_fields__:
        if name in values:
            _set(self, name, values.pop(name))
        elif factory is not _MISSING:
            _set(self, name, factory())
        elif default is not _MISSING:
            _set(self, name, default)
        else:
            raise TypeError(f"{type(self).__name__}() missing keyword argument '{name}'")
    if values:
        raise TypeError(
            f"{type(self).__name__}() got an unexpected keyword argument '{next(iter(values))}'"
        )
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _values(self: Any) -> tuple[Any, ...]:
    return tuple([getattr(self, name) for name, _, _ in self.__model_fields__])


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__model_repr__)
    return f"{type(self).__qualname__}({shown})"


def _frozen(self: Any, name: str, *_: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field '{name}'")


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    # Pickled as the fields' values in order (``__getstate__``), set past
    # the frozen ``__setattr__``, as dataclasses does for frozen slots.
    for (name, _, _), value in zip(self.__model_fields__, state, strict=True):
        _set(self, name, value)


_METHODS = {
    "__init__": _init,
    "__eq__": _eq,
    "__hash__": _hash,
    "__repr__": _repr,
    "__setattr__": _frozen,
    "__delattr__": _frozen,
    "__getstate__": _values,
    "__setstate__": _setstate,
}


def _pattern(value: str | None, pattern: re.Pattern[str], what: str) -> None:
    if value is not None and not pattern.fullmatch(value):
        raise ValueError(f"{what} '{value}' does not match {pattern.pattern}")


def _at_least(value: int | None, minimum: int, what: str) -> None:
    if value is not None and value < minimum:
        raise ValueError(f"{what} must be at least {minimum}, not {value}")


MAX_TEXT = 2000
"""Characters in a note, reason or name of who recorded: a paragraph, not a
pasted file.  The commands refuse longer text; a file holding some was not
written by them."""


def _short(value: str | None, what: str) -> None:
    if value is not None and len(value) > MAX_TEXT:
        raise ValueError(f"{what} is {len(value):,} characters long; the limit is {MAX_TEXT:,}")


def _plain_text(value: str | None, what: str, *, lines: bool = False) -> None:
    # Control, bidirectional and broken characters (parledger.model.text):
    # a ledger holding them could repaint the terminal of whoever reads it.
    if value is not None:
        unsafe = unsafe_character(value, lines=lines)
        if unsafe is not None:
            raise ValueError(
                f"{what} contains control characters ({unsafe}); only plain text is allowed"
            )


def _said(reason: str) -> None:
    # The ledger's rule: every release and every correction says why.
    if not reason.strip():
        raise ValueError("the reason is empty: say why")
    _short(reason, "the reason")
    if not reason.isprintable():
        _plain_text(reason, "the reason", lines=True)


def _finite(value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise ValueError(f"value {value} is not a finite number")


def _plain_evidence(evidence: list[str] | None, as_written: list[str] | None = None) -> None:
    for item in evidence or ():
        if not item.isprintable():
            _plain_text(item, "evidence", lines=False)
    if as_written is None:
        return
    # One text as typed for each citation, in the same order: the pair is
    # what 'record' wrote, and a hand edit that breaks it loses which is which.
    if evidence is None or len(as_written) != len(evidence):
        count = 0 if evidence is None else len(evidence)
        raise ValueError(
            f"evidence_as_written has {len(as_written)} items for {count} pieces of "
            "evidence: one text as typed for each, in the same order"
        )
    for item in as_written:
        if not item.isprintable():
            _plain_text(item, "evidence_as_written", lines=False)


def _one_party(agency: str | None, group: str | None) -> None:
    if (agency is None) == (group is None):
        raise ValueError("give exactly one of 'agency' or 'group'")
    _pattern(agency, AGENCY_ID, "agency id")
    _pattern(group, AGENCY_ID, "group id")


# --------------------------------------------------------------------------
# The agency registry (agencies.yaml)


def _dates(start: dt.date | None, end: dt.date | None, what: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(f"{what} ends ({end.isoformat()}) before it begins ({start.isoformat()})")


def _within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@model
class Membership:
    """An agency's membership of a group for a time: ``valid_from`` and
    ``valid_until`` are the first and the last day (None: open)."""

    __pydantic_config__ = FORBID_EXTRA
    group: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def __post_init__(self) -> None:
        _pattern(self.group, AGENCY_ID, "group id")
        _dates(self.valid_from, self.valid_until, f"membership of '{self.group}'")


@model
class Agency:
    __pydantic_config__ = FORBID_EXTRA
    id: str
    name: str
    short: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    kind: AgencyKind
    # A group's id, or a Membership with dates where the agency joined or
    # left the group while it existed.
    groups: list[str | Membership] = field(default_factory=list)
    parent: str | None = None
    # The first and the last day the agency existed (None: before any
    # record, or still): set where a change of agencies (``events``) began
    # or ended it.
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = None
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        _pattern(self.id, AGENCY_ID, "agency id")
        for group in self.groups:
            _pattern(group if isinstance(group, str) else group.group, AGENCY_ID, "group id")
        _pattern(self.parent, AGENCY_ID, "parent id")
        _dates(self.valid_from, self.valid_until, f"agency '{self.id}'")

    @property
    def group_ids(self) -> list[str]:
        """The groups it was ever a member of, in file order."""
        return [group if isinstance(group, str) else group.group for group in self.groups]

    def exists_on(self, day: dt.date | None) -> bool:
        """Whether it existed on ``day`` (None: any day)."""
        return day is None or _within(day, self.valid_from, self.valid_until)

    def member_of(self, group_id: str, day: dt.date | None = None) -> bool:
        """Whether it was a member of the group on ``day`` (None: ever), and existed then."""
        if not self.exists_on(day):
            return False
        for group in self.groups:
            if isinstance(group, str):
                if group == group_id:
                    return True
            elif group.group == group_id and (
                day is None or _within(day, group.valid_from, group.valid_until)
            ):
                return True
        return False


@model
class Group:
    __pydantic_config__ = FORBID_EXTRA
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    # A group whose members are not listed (the communes) reports through
    # another group: each member of that group owes the tasks for its area.
    represented_by: str | None = None
    # The first and the last day the group existed (the district UBNDs
    # until the district level ended), as for an agency.
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = None
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        _pattern(self.id, AGENCY_ID, "group id")
        _pattern(self.represented_by, AGENCY_ID, "group id")
        _dates(self.valid_from, self.valid_until, f"group '{self.id}'")

    def exists_on(self, day: dt.date | None) -> bool:
        return day is None or _within(day, self.valid_from, self.valid_until)


@model
class Event:
    """A change of agencies on a day, as a document decided it.

    - ``merged``: each of ``agencies`` ended and ``into`` took over its
      duties (Sở KH&ĐT into Sở Tài chính);
    - ``renamed``: ``agencies`` (one) goes on as ``into``;
    - ``split``: ``agencies`` (one) ended and its duties went to ``to``;
      ``tasks`` says which task goes to whom (``"2024:I.1.6": so-tai-chinh``),
      and a task it does not list is unresolved;
    - ``transferred``: the ``tasks`` listed passed from ``agencies`` to the
      agencies ``to``; the agencies go on (or end by another event);
    - ``dissolved``: ``agencies`` ended and nobody took over.

    ``source`` cites the document that decided it, as offices cite it."""

    __pydantic_config__ = FORBID_EXTRA
    date: dt.date  # the first day of the new arrangement
    kind: Literal["merged", "renamed", "split", "transferred", "dissolved"]
    agencies: list[str]
    into: str | None = None
    to: list[str] = field(default_factory=list)
    tasks: dict[str, str] = field(default_factory=dict)
    source: str
    note: str | None = None
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        for agency in [*self.agencies, *self.to, *self.tasks.values()]:
            _pattern(agency, AGENCY_ID, "agency id")
        _pattern(self.into, AGENCY_ID, "agency id")
        if not self.agencies:
            raise ValueError("an event changes at least one agency: list it in 'agencies'")
        needs_into = self.kind in ("merged", "renamed")
        if needs_into != (self.into is not None):
            raise ValueError(
                f"a '{self.kind}' event {'needs' if needs_into else 'takes no'} 'into'"
            )
        if self.kind in ("split", "transferred") and not self.to:
            raise ValueError(f"a '{self.kind}' event needs 'to': the agencies that took over")
        if self.kind not in ("split", "transferred") and (self.to or self.tasks):
            raise ValueError(f"'to' and 'tasks' go with split and transferred, not '{self.kind}'")
        if self.kind == "renamed" and len(self.agencies) != 1:
            raise ValueError("a 'renamed' event renames one agency")
        stray = sorted(set(self.tasks.values()) - set(self.to))
        if stray:
            raise ValueError(f"tasks go to {', '.join(stray)}, which 'to' does not list")
        if not self.source.strip():
            raise ValueError("the source is empty: cite the document that decided it")


@model
class Registry:
    __pydantic_config__ = FORBID_EXTRA
    agencies: list[Agency]
    groups: list[Group] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


# --------------------------------------------------------------------------
# The directive (directive_YEAR.yaml)


@model
class Addressee:
    """One agency or one group, as the directive addresses it."""

    __pydantic_config__ = FORBID_EXTRA
    agency: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        _one_party(self.agency, self.group)


@model
class ParagraphAddressee(Addressee):
    """An agency or group named by one paragraph of an item."""

    paragraph: int
    quote: str

    def __post_init__(self) -> None:
        _one_party(self.agency, self.group)
        _at_least(self.paragraph, 1, "paragraph")


@model
class FootnoteLink:
    """Where a footnote marker stood: glued to the end of ``anchor``."""

    __pydantic_config__ = FORBID_EXTRA
    number: int
    paragraph: int
    anchor: str

    def __post_init__(self) -> None:
        _at_least(self.number, 1, "footnote number")
        _at_least(self.paragraph, 1, "paragraph")


@model
class Target:
    """A quantitative target stated in an item's wording.

    A rank target names its ``index`` and the year whose result it is about
    (``by_year``), and is evaluated against the results recorded for that
    year (results.yaml).  With ``compared_to`` (a year), ``value`` is the
    places to gain over that year's rank ("tăng ít nhất 01 bậc so với năm
    2024": value 1, comparator ">=", compared_to 2024); without it, ``value``
    is the rank itself ("trong nhóm 20 tỉnh dẫn đầu": value 20, comparator
    "<=").  Other targets are kept as stated, not evaluated.
    """

    __pydantic_config__ = FORBID_EXTRA
    id: str
    what: str
    value: float
    unit: str
    comparator: Literal["=", ">=", "<="] = "="
    by_year: int | None = None
    index: str | None = None  # a rank target: the index whose rank it sets
    compared_to: int | None = None  # a rank target: the year whose rank it improves on
    quote: str

    def __post_init__(self) -> None:
        _pattern(self.id, TARGET_ID, "target id")
        _finite(self.value)
        if self.index is None:
            if self.compared_to is not None:
                raise ValueError("compared_to is for a rank target: name its index too")
            return
        if self.by_year is None:
            raise ValueError("a rank target needs by_year: the year whose result it is about")
        if not float(self.value).is_integer() or self.value < 0:
            raise ValueError(f"a rank target's value is a whole number of places, not {self.value}")
        if self.compared_to is not None:
            if self.compared_to >= self.by_year:
                raise ValueError(
                    f"compared_to {self.compared_to} must be a year before by_year {self.by_year}"
                )
            if self.comparator == "<=":
                raise ValueError("places gained are '>=' (at least) or '=' (exactly)")
        elif self.comparator == ">=":
            raise ValueError("a rank to reach is '<=' (that rank or better) or '=' (exactly)")
        elif self.value < 1:
            raise ValueError("a rank to reach is at least 1")


def parent_id(node_id: str) -> str | None:
    """The id of the node an outline id sits under, by its shape: I.1.2 → I.1."""
    return node_id.rsplit(".", 1)[0] if "." in node_id else None


def is_subitem_id(node_id: str) -> bool:
    """Whether the id ends in a letter, as a lettered sub-item's does."""
    return SUBITEM_LETTER.fullmatch(node_id.rsplit(".", 1)[-1]) is not None


def is_part_id(node_id: str) -> bool:
    """Whether the id is a part's: a Roman numeral alone."""
    return "." not in node_id and not node_id.isdigit()


@model
class Node:
    __pydantic_config__ = FORBID_EXTRA
    id: str
    kind: NodeKind
    parent: str | None = None
    label: str
    heading: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    # Whether the node binds anyone; None: as the nearest ancestor that says,
    # else by kind (items and sub-items are tasks, parts and sections headings).
    effect: Effect | None = None
    # An index of the catalog (indices.yaml), and dimensions of that index.
    index: str | None = None
    dimensions: list[str] = field(default_factory=list)
    addressees: list[Addressee] = field(default_factory=list)
    paragraph_addressees: list[ParagraphAddressee] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    footnotes: list[FootnoteLink] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    cadence: Cadence | None = None
    cadence_quote: str | None = None
    mode: Mode = Mode.REQUIRE
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        _pattern(self.id, NODE_ID, "outline id")
        _pattern(self.parent, NODE_ID, "outline id")
        for led in self.leads:
            _pattern(led, NODE_ID, "outline id")
        _pattern(self.index, INDEX_ID, "index")
        for dimension in self.dimensions:
            _pattern(dimension, DIMENSION_ID, "dimension id")

    @property
    def text(self) -> str:
        """The full verbatim wording: heading line, then paragraphs."""
        parts = ([self.heading] if self.heading else []) + list(self.paragraphs)
        return "\n\n".join(parts)


@model
class Document:
    """A document the directive cites, in a footnote or in an item's text."""

    __pydantic_config__ = FORBID_EXTRA
    id: str  # number/symbol as printed, or the title of an unnumbered law
    type: str  # Chỉ thị, Kế hoạch, Nghị định, Công văn, Luật …
    number: str | None = None
    symbol: str | None = None
    date: dt.date | None = None
    issuer: str | None = None
    issuer_as_printed: str | None = None
    title: str | None = None
    system: Literal["state", "party"] = "state"
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        _pattern(self.issuer, AGENCY_ID, "issuer id")


@model
class Reference:
    """One footnote of the directive."""

    __pydantic_config__ = FORBID_EXTRA
    number: int
    text: str
    documents: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        _at_least(self.number, 1, "footnote number")


@model
class BaselineRank:
    """A rank the directive quotes for the province."""

    __pydantic_config__ = FORBID_EXTRA
    index: str  # an index of the catalog
    year: int
    rank: int
    of: int
    change: int  # positive: places gained; negative: places lost
    compared_to: int
    wording: str

    def __post_init__(self) -> None:
        _at_least(self.rank, 1, "rank")
        _at_least(self.of, 1, "number of provinces")


@model
class Line:
    """A line of an address list (Kính gửi, Nơi nhận) with whom it means."""

    __pydantic_config__ = FORBID_EXTRA
    text: str
    agencies: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


@model
class Signature:
    __pydantic_config__ = FORBID_EXTRA
    lines: list[str]
    name: str | None = None
    assumed: Assumptions = field(default_factory=dict)


@model
class Metadata:
    __pydantic_config__ = FORBID_EXTRA
    kind: str
    issuer: str
    issuer_name: str
    number_as_printed: str
    number: str | None = None
    symbol: str | None = None
    place_date_as_printed: str
    place: str
    year: int
    date: dt.date | None = None
    subject_lines: list[str]
    addressees: list[Line]
    preamble: list[str]
    considered_reports: list[str]
    baseline: list[BaselineRank]
    closing: str
    recipients: list[Line]
    signature: Signature
    assumed: Assumptions = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return " ".join(self.subject_lines)


@model
class Directive:
    __pydantic_config__ = FORBID_EXTRA
    id: str
    source: str
    metadata: Metadata
    documents: list[Document]
    references: list[Reference]
    # The indices the directive serves, in the order its report rolls them
    # up; empty: those its outline names, in outline order.
    serves: list[str] = field(default_factory=list)
    outline: list[Node]
    # The last day the office tracks it (the next year's directive took
    # over, say): not the document's words but the office's decision, so
    # it says why in ``assumed``.  Omitted: in force.  ``status`` across a
    # workspace's directives shows those in force on the day it judges.
    in_force_until: dt.date | None = None
    assumed: Assumptions = field(default_factory=dict)

    @property
    def day(self) -> dt.date:
        """The day the directive binds agencies as of: its date, else (a
        number and day left blank, as the bundled one's are) the last day of
        its year, an assumption: the agencies of that year owe it."""
        return self.metadata.date or dt.date(self.metadata.year, 12, 31)

    def in_force(self, day: dt.date) -> bool:
        """Issued by ``day`` (when its date is known) and not yet past
        ``in_force_until``."""
        issued = self.metadata.date
        ended = self.in_force_until
        return (issued is None or issued <= day) and (ended is None or day <= ended)

    def __post_init__(self) -> None:
        _pattern(self.id, DIRECTIVE_ID, "directive id")
        for index in self.serves:
            _pattern(index, INDEX_ID, "index")


# --------------------------------------------------------------------------
# The indices a directive may serve (indices.yaml)


@model
class IndexDimension:
    """A dimension (PAPI) or field (PAR INDEX) an index is scored on."""

    __pydantic_config__ = FORBID_EXTRA
    id: str
    name: str | None = None  # Vietnamese, as the publisher writes it
    name_en: str | None = None
    note: str | None = None
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        _pattern(self.id, DIMENSION_ID, "dimension id")


@model
class IndexSpec:
    """One index: how directives write it, who publishes it, what it scores."""

    __pydantic_config__ = FORBID_EXTRA
    id: str  # as directives write it: "PAR INDEX"
    name: str | None = None  # Vietnamese
    name_en: str | None = None
    publisher: str | None = None
    dimensions: list[IndexDimension] = field(default_factory=list)
    note: str | None = None
    assumed: Assumptions = field(default_factory=dict)

    def __post_init__(self) -> None:
        _pattern(self.id, INDEX_ID, "index id")


@model
class IndexFile:
    """An indices.yaml: the bundled catalog, or a workspace's own."""

    __pydantic_config__ = FORBID_EXTRA
    indices: list[IndexSpec]


# --------------------------------------------------------------------------
# The ledger (ledger_YEAR.yaml): an append-only journal of entries


@model
class _Entry:
    __pydantic_config__ = FORBID_EXTRA
    id: str
    date: dt.date  # when the fact happened (--date)
    recorded: dt.datetime  # when it was written down
    by: str
    task: str
    # Exactly one of agency or group; a group assignment binds every member.
    agency: str | None = None
    group: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        # Run for each of a large ledger's entries on a cold read: the
        # common case costs a few comparisons, the helpers word a refusal.
        if not (
            ENTRY_ID.fullmatch(self.id)
            and NODE_ID.fullmatch(self.task)
            and (self.group is None) != (self.agency is None)
            and AGENCY_ID.fullmatch(self.agency or self.group or "")
            and len(self.by) <= MAX_TEXT
            and (self.note is None or len(self.note) <= MAX_TEXT)
            # str.isprintable is C-fast and false for every character
            # _plain_text refuses (and for a few it allows: a line break).
            and self.by.isprintable()
            and (self.note is None or self.note.isprintable())
        ):
            _pattern(self.id, ENTRY_ID, "entry id")
            _pattern(self.task, NODE_ID, "task id")
            _one_party(self.agency, self.group)
            _short(self.note, "the note")
            _short(self.by, "'by'")
            _plain_text(self.by, "'by'")
            _plain_text(self.note, "the note", lines=True)


@model
class AssignEntry(_Entry):
    kind: Literal[EntryKind.ASSIGN]
    role: Role = Role.IMPLEMENT
    due: dt.date | None = None


@model
class UnassignEntry(_Entry):
    kind: Literal[EntryKind.UNASSIGN]
    reason: str

    def __post_init__(self) -> None:
        _Entry.__post_init__(self)
        _said(self.reason)


def _check_progress(status: Status | None, percent: int | None, target: str | None) -> None:
    if percent is not None and not 0 <= percent <= 100:
        raise ValueError(f"percent {percent} is outside 0–100")
    if status is Status.DONE and percent is not None and percent < 100:
        raise ValueError(f"status 'done' with percent {percent}: done means 100")
    _pattern(target, TARGET_ID, "target id")


@model
class ProgressEntry(_Entry):
    kind: Literal[EntryKind.PROGRESS]
    status: Status
    percent: int | None = None
    value: float | None = None
    target: str | None = None
    evidence: list[str] = field(default_factory=list)
    # The evidence as the analyst typed it ("Báo cáo số 130/BC-VP, ngày
    # 28/6/2024"), item by item, when any item differs from its canonical
    # form in ``evidence``; absent otherwise, and in ledgers written before.
    evidence_as_written: list[str] | None = None

    def __post_init__(self) -> None:
        _Entry.__post_init__(self)
        _check_progress(self.status, self.percent, self.target)
        _finite(self.value)
        _plain_evidence(self.evidence, self.evidence_as_written)
        if self.value is not None and self.target is None:
            raise ValueError("a value needs the target it counts towards")


@model
class CorrectionEntry(_Entry):
    """Supersedes an earlier entry: its fields replace the earlier ones, or
    ``void`` withdraws the earlier entry altogether.

    The correction's own ``date`` is the day it was made and ``reason`` says
    why; ``fact_date`` and the other optional fields (``note`` included) are
    the corrected values for the superseded entry.  Its ``agency`` or
    ``group`` names the party of the fact as first recorded (as every
    correction in a chain does); ``fact_agency`` or ``fact_group`` moves the
    fact to another party.
    """

    kind: Literal[EntryKind.CORRECTION]
    supersedes: str
    reason: str
    void: bool = False
    # The fields a correction may change (None: unchanged).
    fact_date: dt.date | None = None
    status: Status | None = None
    percent: int | None = None
    value: float | None = None
    target: str | None = None
    evidence: list[str] | None = None
    role: Role | None = None
    due: dt.date | None = None
    evidence_as_written: list[str] | None = None  # as on a progress entry
    fact_agency: str | None = None
    fact_group: str | None = None

    def __post_init__(self) -> None:
        _Entry.__post_init__(self)
        _pattern(self.supersedes, ENTRY_ID, "entry id")
        if self.fact_agency is not None or self.fact_group is not None:
            _one_party(self.fact_agency, self.fact_group)
        _said(self.reason)
        _check_progress(self.status, self.percent, self.target)
        _finite(self.value)
        _plain_evidence(self.evidence, self.evidence_as_written)


Entry = AssignEntry | UnassignEntry | ProgressEntry | CorrectionEntry
ENTRY_CLASSES: dict[str, type[Entry]] = {
    EntryKind.ASSIGN.value: AssignEntry,
    EntryKind.UNASSIGN.value: UnassignEntry,
    EntryKind.PROGRESS.value: ProgressEntry,
    EntryKind.CORRECTION.value: CorrectionEntry,
}
