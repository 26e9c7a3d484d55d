"""What the report an office files holds beyond the roll-up.

The periodic roll-up (:func:`parledger.track.report.build`) says how the
directive's tasks stand; a report filed on paper (Decree 30/2020/NĐ-CP) also
says who issues it and under which body, its number, where and when it is
signed, and, per agency, what is done and what is overdue.  Everything here is
read from the workspace or given by the user: the number is left blank for
the văn thư to fill unless given, and the signer is never named.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from parledger.model.enums import AgencyKind
from parledger.model.errors import UsageError
from parledger.model.models import Agency
from parledger.model.records import Record
from parledger.store.workspace import Workspace
from parledger.track.inputs import clean_text
from parledger.track.query import resolver
from parledger.track.status import Category, Scope, overview_rows, rows

# The words that name an administrative unit in a body's name ("Ủy ban nhân
# dân tỉnh Hưng Yên", "UBND huyện Văn Lâm"): the place is what follows.
_UNIT = re.compile(r"\b(tỉnh|thành phố|thị xã|huyện)\s+(?P<place>\S.*)$", re.IGNORECASE)
# A short form that is a document symbol's issuer code (SNV, SKHĐT), not a
# phrase ("VP UBND tỉnh").
_CODE = re.compile(r"^[A-ZĐ&]+$")
_NUMBER = re.compile(r"^\d+$")
_FULL_NUMBER = re.compile(r"^\d+/\S+$")
_DONE = (Category.DONE_ON_TIME.value, Category.DONE_LATE.value)
# Bodies whose seat is the unit their name names (a district's UBND signs in
# the district); the others sign where the province's UBND does.
_LOCAL = (AgencyKind.PROVINCE, AgencyKind.DISTRICT, AgencyKind.COMMUNE)


def build(
    workspace: Workspace,
    scope: Scope,
    report: Record,
    *,
    issuer: str | None = None,
    number: str | None = None,
    signed: dt.date | None = None,
    signer: Sequence[str] = (),
    today: dt.date | None = None,
) -> Record:
    """``report`` (the roll-up for ``scope``) with what a filed report adds.

    ``issuer``: the agency that files it, as a user names it; default the
    directive's issuer.  ``number``: 125 or 125/BC-SNV; default blank.
    ``signed``: the date under the motto; default the report's as-of day.
    ``signer``: the signer's title lines (KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC)."""
    agencies = {agency.id: agency for agency in workspace.registry.agencies}
    meta = workspace.directive.metadata
    issuer_id = resolver(workspace).resolve_agency(issuer) if issuer else meta.issuer
    body = agencies[issuer_id]
    if body.kind is AgencyKind.PARTY:
        raise UsageError(
            f"{body.name} is a Party body, whose documents follow the Party's format, not "
            "Decree 30/2020/NĐ-CP; give --issuer a state body"
        )
    directive_issuer = agencies.get(meta.issuer)
    province = directive_issuer.name if directive_issuer else meta.issuer_name
    code = _code(body, meta.symbol if issuer_id == meta.issuer else None)
    place = (_place(body.name) if body.kind in _LOCAL else None) or _place(province)
    overview = overview_rows(workspace, scope, today=today)
    order = {row["agency"]: i for i, row in enumerate(overview)}
    selected = sorted(rows(workspace, scope, today=today), key=lambda r: order[r["agency"]])
    return {
        **report,
        "document": {
            "kind": meta.kind,
            "reference": meta.number_as_printed.removeprefix("Số:").strip(),
            "subject": meta.subject,
            "issuer": meta.issuer_name,
        },
        "issuer": {
            "id": body.id,
            "name": body.name,
            "kind": body.kind.value,
            "parent": _parent(body, agencies, directive_issuer),
            "code": code,
        },
        "index": scope.index,
        "dimensions": _dimensions(workspace, report),
        "place": place or meta.place,
        "number": _number(number, code),
        "signed": (signed or dt.date.fromisoformat(report["as_of"])).isoformat(),
        "signer": [_line(line, "--signer") for line in signer],
        "to": None if issuer_id == meta.issuer else meta.issuer_name,
        "agencies": overview,
        "done": [_task(row) for row in selected if row["category"] in _DONE],
        "overdue": [_task(row) for row in selected if row["category"] == Category.OVERDUE.value],
    }


def _dimensions(workspace: Workspace, report: Record) -> list[Record]:
    """The dimension roll-ups by index, each row named in Vietnamese from
    the catalog (its English name, else its id, where it has none)."""
    catalog = workspace.catalog
    groups: dict[str | None, list[Record]] = {}
    for row in report["rollups"]:
        if row["section"] == "dimension":
            named = {**row, "name": catalog.dimension_name(row["key"], vietnamese=True)}
            groups.setdefault(catalog.dimension_index.get(row["key"]), []).append(named)
    return [{"index": index, "rows": rows} for index, rows in groups.items()]


def _place(name: str) -> str | None:
    match = _UNIT.search(name)
    return match["place"] if match else None


def _parent(body: Agency, agencies: dict[str, Agency], province: Agency | None) -> str | None:
    """The body a document names above its issuer: its parent in the registry,
    else, for a department, the provincial UBND it belongs to."""
    if body.parent is not None and body.parent in agencies:
        return agencies[body.parent].name
    if body.kind is AgencyKind.DEPARTMENT and province is not None:
        return province.name
    return None


def _code(body: Agency, directive_symbol: str | None) -> str | None:
    """The issuer's code in a document symbol (BC-SNV): a short form that is a
    code, or, for the directive's own issuer, the code its symbol uses."""
    if directive_symbol:
        return directive_symbol.split("-")[0]
    code = next((short for short in body.short if _CODE.match(short)), None)
    if code is None and body.name.startswith(("UBND ", "Ủy ban nhân dân ")):
        return "UBND"  # a people's committee signs its documents so, at every level
    return code


def _number(number: str | None, code: str | None) -> str | None:
    text = _line(number, "--number") if number is not None else None
    if text is None:
        return None
    text = re.sub(r"^số\s*:?\s*", "", text, flags=re.IGNORECASE)
    if _FULL_NUMBER.match(text):
        return text
    if _NUMBER.match(text):
        if code is None:
            raise UsageError(
                f"--number {text}: the issuer has no code for the symbol; give the whole "
                "number, e.g. 125/BC-SNV"
            )
        return f"{text}/BC-{code}"
    raise UsageError(
        f"--number '{text}' is not a document number; write 125 or 125/BC-SNV, or leave it "
        "out to leave it blank"
    )


def _line(text: str | None, what: str) -> str:
    tidy = clean_text(text, what, lines=False)
    if tidy is None:
        raise UsageError(f"{what} is empty; leave it out, or give the text")
    return tidy


def _task(row: Record) -> Record:
    return {
        key: row[key]
        for key in (
            "agency",
            "name",
            "task",
            "title",
            "due",
            "category",
            "status",
            "percent",
            "last_update",
            "evidence",
        )
    }
