"""The domain's closed vocabularies, as enums.

Kept apart from the pydantic models so that the command line can offer them
as choices (``--status``, ``--role``) without importing pydantic: ``--help``
must stay fast.
"""

from __future__ import annotations

from enum import StrEnum


class Cadence(StrEnum):
    CONTINUOUS = "continuous"  # thường xuyên
    ANNUAL = "annual"  # hằng năm
    PERIODIC = "periodic"  # định kỳ


class AgencyKind(StrEnum):
    DEPARTMENT = "department"  # sở and bodies of equal rank under UBND tỉnh
    DISTRICT = "district"  # UBND cấp huyện
    COMMUNE = "commune"  # UBND cấp xã
    PROVINCIAL_BODY = "provincial_body"  # bodies in the province outside the sở list
    MEDIA = "media"  # the province's newspaper, radio and television
    FRONT = "front"  # Ủy ban MTTQ Việt Nam tỉnh
    PROVINCE = "province"  # UBND tỉnh, HĐND tỉnh and their leadership
    PARTY = "party"  # Tỉnh ủy and other Party bodies
    CENTRAL = "central"  # Government, ministries and other central bodies


class NodeKind(StrEnum):
    PART = "part"  # I., II. … : a Roman numeral
    SECTION = "section"  # a numbered heading over items (1., 1.1. …)
    ITEM = "item"  # a numbered paragraph that says what to do
    SUBITEM = "subitem"  # a lettered paragraph of an item or section: a), b), đ)


class Effect(StrEnum):
    """Whether a node's wording binds anyone (``Node.effect``)."""

    TASK = "task"  # it asks someone to do something: a task of the ledger
    PURPOSE = "purpose"  # it states an aim or a requirement (MỤC ĐÍCH, YÊU CẦU): no task
    HEADING = "heading"  # it only groups what is under it


class Mode(StrEnum):
    REQUIRE = "require"  # yêu cầu: to the Committee's subordinates
    REQUEST = "request"  # đề nghị: to bodies it does not command (UBMTTQ)


class EntryKind(StrEnum):
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    PROGRESS = "progress"
    CORRECTION = "correction"


class Role(StrEnum):
    """An agency's role in a task, as a ledger assignment gives it."""

    LEAD = "lead"  # chủ trì
    SUPPORT = "support"  # phối hợp
    IMPLEMENT = "implement"  # thực hiện


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"
