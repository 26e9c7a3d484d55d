"""pydantic v2 models of the workspace files.

Every model forbids unknown fields, so a typo in a hand-edited YAML file is a
validation problem instead of silently ignored data.  Every string is
normalised to NFC on the way in: the same word typed on two keyboards must be
the same value.

Fields named ``assumed`` map a field name (or a short topic) to a note saying
what was assumed rather than read in a source, and why.  The directive's own
wording never needs such a note; everything built around it might.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from parledger.enums import (
    AgencyKind,
    Cadence,
    Dimension,
    EntryKind,
    Index,
    Mode,
    NodeKind,
    Role,
    Status,
)

__all__ = [
    "AgencyKind", "Cadence", "Dimension", "EntryKind", "Index", "Mode", "NodeKind",
    "Role", "Status",
]  # fmt: skip


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


Text = Annotated[str, AfterValidator(nfc)]
"""Any human text: normalised to NFC."""

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
AgencyId = Annotated[str, Field(pattern=ID_PATTERN)]
"""Stable ASCII id of an agency or group, e.g. ``so-noi-vu``."""

NODE_ID_PATTERN = r"^(I|II|III)(\.[0-9]+){0,2}$"
NodeId = Annotated[str, Field(pattern=NODE_ID_PATTERN)]
"""Outline id as the ledger names it: ``I``, ``I.1``, ``I.1.2`` …"""

Assumptions = dict[str, Text]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------
# The agency registry (agencies.yaml)


class Agency(Strict):
    id: AgencyId
    name: Text
    short: list[Text] = Field(default_factory=list)
    aliases: list[Text] = Field(default_factory=list)
    kind: AgencyKind
    groups: list[AgencyId] = Field(default_factory=list)
    parent: AgencyId | None = None
    note: Text | None = None
    assumed: Assumptions = Field(default_factory=dict)


class Group(Strict):
    id: AgencyId
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    # A group whose members are not listed (the communes) reports through
    # another group: each member of that group owes the tasks for its area.
    represented_by: AgencyId | None = None
    note: Text | None = None
    assumed: Assumptions = Field(default_factory=dict)


class Registry(Strict):
    agencies: list[Agency]
    groups: list[Group] = Field(default_factory=list)


# --------------------------------------------------------------------------
# The directive (directive_YEAR.yaml)


class Addressee(Strict):
    """One agency or one group, as the directive addresses it."""

    agency: AgencyId | None = None
    group: AgencyId | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Addressee:
        if (self.agency is None) == (self.group is None):
            raise ValueError("give exactly one of 'agency' or 'group'")
        return self


class ParagraphAddressee(Addressee):
    """An agency or group named by one paragraph of an item."""

    paragraph: int = Field(ge=1)
    quote: Text


class FootnoteLink(Strict):
    """Where a footnote marker stood: glued to the end of ``anchor``."""

    number: int = Field(ge=1)
    paragraph: int = Field(ge=1)
    anchor: Text


class Target(Strict):
    """A quantitative target stated in an item's wording."""

    id: Annotated[str, Field(pattern=r"^t[0-9]+$")]
    what: Text
    value: float
    unit: Text
    comparator: Literal["=", ">="] = "="
    by_year: int | None = None
    quote: Text


class Node(Strict):
    id: NodeId
    kind: NodeKind
    parent: NodeId | None = None
    label: Text
    heading: Text | None = None
    paragraphs: list[Text] = Field(default_factory=list)
    index: Index | None = None
    dimensions: list[Dimension] = Field(default_factory=list)
    addressees: list[Addressee] = Field(default_factory=list)
    paragraph_addressees: list[ParagraphAddressee] = Field(default_factory=list)
    leads: list[NodeId] = Field(default_factory=list)
    footnotes: list[FootnoteLink] = Field(default_factory=list)
    cites: list[Text] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    cadence: Cadence | None = None
    cadence_quote: Text | None = None
    mode: Mode = Mode.REQUIRE
    assumed: Assumptions = Field(default_factory=dict)

    @property
    def text(self) -> str:
        """The full verbatim wording: heading line, then paragraphs."""
        parts = ([self.heading] if self.heading else []) + list(self.paragraphs)
        return "\n\n".join(parts)


class Document(Strict):
    """A document the directive cites, in a footnote or in an item's text."""

    id: Text  # number/symbol as printed, or the title of an unnumbered law
    type: Text  # Chỉ thị, Kế hoạch, Nghị định, Công văn, Luật …
    number: Text | None = None
    symbol: Text | None = None
    date: dt.date | None = None
    issuer: AgencyId | None = None
    issuer_as_printed: Text | None = None
    title: Text | None = None
    system: Literal["state", "party"] = "state"
    assumed: Assumptions = Field(default_factory=dict)


class Reference(Strict):
    """One footnote of the directive."""

    number: int = Field(ge=1)
    text: Text
    documents: list[Text] = Field(default_factory=list)


class BaselineRank(Strict):
    """A rank the directive quotes for the province."""

    index: Index
    year: int
    rank: int = Field(ge=1)
    of: int = Field(ge=1)
    change: int  # positive: places gained; negative: places lost
    compared_to: int
    wording: Text


class Line(Strict):
    """A line of an address list (Kính gửi, Nơi nhận) with whom it means."""

    text: Text
    agencies: list[AgencyId] = Field(default_factory=list)
    groups: list[AgencyId] = Field(default_factory=list)


class Signature(Strict):
    lines: list[Text]
    name: Text | None = None
    assumed: Assumptions = Field(default_factory=dict)


class Metadata(Strict):
    kind: Text
    issuer: AgencyId
    issuer_name: Text
    number_as_printed: Text
    number: Text | None = None
    symbol: Text | None = None
    place_date_as_printed: Text
    place: Text
    year: int
    date: dt.date | None = None
    subject_lines: list[Text]
    addressees: list[Line]
    preamble: list[Text]
    considered_reports: list[Text]
    baseline: list[BaselineRank]
    closing: Text
    recipients: list[Line]
    signature: Signature
    assumed: Assumptions = Field(default_factory=dict)

    @property
    def subject(self) -> str:
        return " ".join(self.subject_lines)


class Directive(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    source: Text
    metadata: Metadata
    documents: list[Document]
    references: list[Reference]
    outline: list[Node]


# --------------------------------------------------------------------------
# The ledger (ledger_YEAR.yaml): an append-only journal of entries


ENTRY_ID_PATTERN = r"^e-[0-9a-f]{12}$"
EntryId = Annotated[str, Field(pattern=ENTRY_ID_PATTERN)]
Percent = Annotated[int, Field(ge=0, le=100)]
Evidence = Annotated[list[Text], Field(default_factory=list)]


class _Entry(Strict):
    id: EntryId
    date: dt.date  # when the fact happened (--date)
    recorded: dt.datetime  # when it was written down
    by: Text
    task: NodeId
    # Exactly one of agency or group; a group assignment binds every member.
    agency: AgencyId | None = None
    group: AgencyId | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_party(self) -> _Entry:
        if (self.agency is None) == (self.group is None):
            raise ValueError("give exactly one of 'agency' or 'group'")
        return self


class AssignEntry(_Entry):
    kind: Literal[EntryKind.ASSIGN]
    role: Role = Role.IMPLEMENT
    due: dt.date | None = None


class UnassignEntry(_Entry):
    kind: Literal[EntryKind.UNASSIGN]
    reason: Text


def _done_is_complete(status: Status | None, percent: int | None) -> None:
    if status is Status.DONE and percent is not None and percent < 100:
        raise ValueError(f"status 'done' with percent {percent}: done means 100")


class ProgressEntry(_Entry):
    kind: Literal[EntryKind.PROGRESS]
    status: Status
    percent: Percent | None = None
    value: float | None = None
    target: Annotated[str, Field(pattern=r"^t[0-9]+$")] | None = None
    evidence: Evidence

    @model_validator(mode="after")
    def _consistent(self) -> ProgressEntry:
        _done_is_complete(self.status, self.percent)
        if self.value is not None and self.target is None:
            raise ValueError("a value needs the target it counts towards")
        return self


class CorrectionEntry(_Entry):
    """Supersedes an earlier entry: its fields replace the earlier ones, or
    ``void`` withdraws the earlier entry altogether.

    The correction's own ``date`` is the day it was made and ``reason`` says
    why; ``fact_date`` and the other optional fields (``note`` included) are
    the corrected values for the superseded entry.
    """

    kind: Literal[EntryKind.CORRECTION]
    supersedes: EntryId
    reason: Text
    void: bool = False
    # The fields a correction may change (None: unchanged).
    fact_date: dt.date | None = None
    status: Status | None = None
    percent: Percent | None = None
    value: float | None = None
    target: Annotated[str, Field(pattern=r"^t[0-9]+$")] | None = None
    evidence: list[Text] | None = None
    role: Role | None = None
    due: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CorrectionEntry:
        _done_is_complete(self.status, self.percent)
        return self


Entry = AssignEntry | UnassignEntry | ProgressEntry | CorrectionEntry
LedgerEntry = Annotated[Entry, Field(discriminator="kind")]
"""One ledger entry as read from the file: the ``kind`` field picks the model."""
