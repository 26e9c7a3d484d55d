"""The domain's closed vocabularies, as enums.

Kept apart from the pydantic models so that the command line can offer them
as choices (``--status``, ``--role``) without importing pydantic: ``--help``
must stay fast.
"""

from __future__ import annotations

from enum import StrEnum


class Index(StrEnum):
    PAR_INDEX = "PAR INDEX"
    SIPAS = "SIPAS"
    PAPI = "PAPI"


class Dimension(StrEnum):
    """The eight PAPI dimensions, in CECODES' order."""

    PARTICIPATION = "participation"
    TRANSPARENCY = "transparency"
    ACCOUNTABILITY = "accountability"
    CORRUPTION = "corruption"
    PROCEDURES = "procedures"
    SERVICES = "services"
    ENVIRONMENT = "environment"
    E_GOVERNANCE = "e-governance"


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
    PART = "part"
    SECTION = "section"
    ITEM = "item"


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
