"""Read-only questions about a workspace, answered as plain records.

Each function returns dicts of plain values (str, int, float, None, lists of
those) in a stable order, so one answer can be rendered as a Rich table, or
exported as JSON, CSV or Markdown with the same content.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from typing import Any

from parledger.model.dates import display
from parledger.model.errors import UsageError
from parledger.model.models import Node, NodeKind
from parledger.model.names import Resolver, closest, match_key
from parledger.model.records import Record, plain
from parledger.rules.outline import Obligation, Outline
from parledger.rules.succession import ended
from parledger.store.workspace import Workspace


def outline_of(workspace: Workspace) -> Outline:
    return Outline(workspace.directive, workspace.registry)


def directive_record(workspace: Workspace) -> Record:
    """What identifies one directive of a workspace: its key, and its
    number, date and subject as the document prints them."""
    meta = workspace.directive.metadata
    return {
        "key": workspace.key,
        "id": workspace.directive.id,
        "kind": meta.kind,
        "number": meta.number_as_printed,
        "issuer": meta.issuer_name,
        "date": meta.date.isoformat() if meta.date else None,
        "year": meta.year,
        "subject": meta.subject,
        "items": len(outline_of(workspace).items()),
        "file": workspace.location.directive_path.name,
        "ledger": workspace.location.ledger_path.name,
    }


def parse_index(workspace: Workspace, text: str) -> str:
    """'PAR INDEX', 'par-index', 'parindex', 'papi' … → the index's id, among
    the indices the workspace knows (its catalog)."""
    return workspace.catalog.parse_index(text)


def indices(workspace: Workspace) -> list[Record]:
    """The catalog of indices, flat: a row for each index (``dimension``
    None), then one for each of its dimensions; ``served``: whether the
    directive serves the index; ``tasks``: how many tasks it or the
    dimension counts."""
    outline = outline_of(workspace)
    served = outline.served()
    tasks = outline.items()
    out: list[Record] = []
    for spec in workspace.catalog.indices:
        mine = [node for node in tasks if outline.index_of(node) == spec.id]
        out.append(
            {
                "index": spec.id,
                "dimension": None,
                "name": spec.name,
                "name_en": spec.name_en,
                "publisher": spec.publisher,
                "served": spec.id in served,
                "tasks": len(mine),
            }
        )
        out += [
            {
                "index": spec.id,
                "dimension": dim.id,
                "name": dim.name,
                "name_en": dim.name_en,
                "publisher": None,
                "served": spec.id in served,
                "tasks": sum(1 for node in mine if dim.id in node.dimensions),
            }
            for dim in spec.dimensions
        ]
    return out


def canonical_node_id(text: str) -> str:
    """An outline id as people type it → as the outline writes it:
    "ii.1.1.A)" → "II.1.1.a", "III.2 đ" → "III.2.đ", "I.1.1." → "I.1.1".
    The first step (a part's Roman numeral) is upper case, a sub-item's
    letter lower case; whatever precedes a colon (a qualified id) is kept."""
    qualifier, colon, rest = text.strip().rpartition(":")
    rest = unicodedata.normalize("NFC", rest).strip().rstrip(".)").strip()
    steps = [step for step in re.split(r"\s*\.\s*|\s+", rest) if step]
    if not steps:
        return text.strip()
    steps = [steps[0].upper(), *(step.lower() for step in steps[1:])]
    return qualifier + colon + ".".join(steps)


def find_node(outline: Outline, node_id: str) -> Node:
    """The outline node with this id, written as people write it."""
    wanted = canonical_node_id(node_id)
    node = outline.node(wanted)
    if node is not None:
        return node
    near = get_close_matches(wanted, list(outline.nodes), n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(near)}?" if near else ""
    raise UsageError(
        f"no task '{node_id}' in the directive{hint} Run 'parledger tasks' for the list."
    )


# -- tasks ---------------------------------------------------------------


def tasks(
    workspace: Workspace,
    *,
    index: str | None = None,
    agency: str | None = None,
    search: str | None = None,
) -> list[Record]:
    """One record per outline node that passes every filter, in document order.

    Filtering by agency keeps only the items that agency owes: parts and
    sections owe nothing themselves.
    """
    outline = outline_of(workspace)
    owed = {ob.task for ob in outline.owed_by(agency)} if agency is not None else None
    out: list[Record] = []
    for node in workspace.directive.outline:
        if index is not None and outline.index_of(node) != index:
            continue
        if owed is not None and node.id not in owed:
            continue
        if search is not None and not outline.matches(node, search):
            continue
        out.append(task_record(outline, node))
    return out


def task_record(outline: Outline, node: Node) -> Record:
    task = outline.is_task(node)
    addressees, declared_in = outline.addressees(node) if task else ([], None)
    index = outline.index_of(node)
    return {
        "id": node.id,
        "parent": node.parent,
        "kind": node.kind.value,
        "label": node.label,
        "index": index,
        "dimension": list(node.dimensions),
        "title": outline.title(node),
        "heading": node.heading,
        "text": node.text,
        "agencies": sorted(
            {ob.agency for ob in outline.owing(node.id)}, key=_registry_key(outline)
        ),
        "addressees": [a.agency or f"group:{a.group}" for a in addressees],
        "addressed_in": declared_in,
        "named": [
            {"paragraph": p.paragraph, "party": p.agency or f"group:{p.group}", "quote": p.quote}
            for p in node.paragraph_addressees
        ],
        "lead": [agency_id for agency_id, _ in outline.leads(node)],
        "leads": list(node.leads),
        "refs": [link.number for link in node.footnotes],
        "documents": outline.documents_of(node),
        "targets": [plain(t) for t in node.targets],
        "cadence": node.cadence.value if node.cadence else None,
        "cadence_quote": node.cadence_quote,
        "mode": node.mode.value,
        "assumed": dict(node.assumed),
    }


def _registry_key(outline: Outline) -> Any:
    order = {agency_id: i for i, agency_id in enumerate(outline.agencies)}
    return lambda agency_id: order.get(agency_id, len(order))


def task_detail(workspace: Workspace, node_id: str) -> Record:
    """Everything about one node, with footnote texts and document details."""
    outline = outline_of(workspace)
    node = find_node(outline, node_id)
    record = task_record(outline, node)
    # Whether it binds anyone: a task, or a purpose or heading (no obligation).
    record["effect"] = outline.effect_of(node).value
    by_number = {r.number: r for r in workspace.directive.references}
    documents = {d.id: d for d in workspace.directive.documents}
    record["footnotes"] = [
        {"number": link.number, "text": by_number[link.number].text}
        for link in node.footnotes
        if link.number in by_number
    ]
    record["document_details"] = [
        plain(documents[doc]) | {"id": doc} for doc in record["documents"] if doc in documents
    ]
    record["owed_by"] = [obligation_record(outline, ob) for ob in outline.owing(node.id)]
    record["children"] = [n.id for n in workspace.directive.outline if n.parent == node.id]
    # Lazy: results and rank targets are read for show alone; status,
    # which imports this module for agency names, must not pay for them.
    from parledger.store.results import read as read_results
    from parledger.track.results import progression, rank_targets

    recorded = read_results(workspace.location, workspace.catalog.ids())
    checked = rank_targets(workspace.directive, recorded, [node])
    if checked:
        record["rank_targets"] = checked
    if recorded and node.kind is NodeKind.PART and record["index"] is not None:
        record["results"] = progression(workspace.directive, recorded, index=record["index"])
    return record


# -- who owes what --------------------------------------------------------


def obligation_record(outline: Outline, ob: Obligation) -> Record:
    agency = outline.agencies.get(ob.agency)
    return {
        "task": ob.task,
        "agency": ob.agency,
        "agency_name": agency.name if agency else ob.agency,
        "lead": ob.is_lead,
        "roles": [outline.describe(role) for role in ob.roles],
    }


# -- the registry and the documents --------------------------------------


def agencies(
    workspace: Workspace, *, kind: str | None = None, others: Sequence[Workspace] = ()
) -> list[Record]:
    """The registry, in file order, with how many items each agency owes
    (under ``workspace``'s directive and those of ``others``, which share
    its registry)."""
    owed: dict[str, int] = {}
    leads: dict[str, int] = {}
    for one in (workspace, *others):
        for ob in outline_of(one).obligations():
            owed[ob.agency] = owed.get(ob.agency, 0) + 1
            leads[ob.agency] = leads.get(ob.agency, 0) + int(ob.is_lead)
    return [
        {
            "id": agency.id,
            "name": agency.name,
            "kind": agency.kind.value,
            "short": list(agency.short),
            "aliases": list(agency.aliases),
            "groups": agency.group_ids,
            "tasks": owed.get(agency.id, 0),
            "leads": leads.get(agency.id, 0),
            "assumed": dict(agency.assumed),
        }
        for agency in workspace.registry.agencies
        if kind is None or agency.kind.value == kind
    ]


def changes_of(workspace: Workspace, agency_ids: Iterable[str], day: dt.date) -> list[str]:
    """A sentence for each agency that did not exist on ``day``: what
    became of it, so an old name still leads somewhere."""
    registry = workspace.registry
    names = {a.id: a.name for a in registry.agencies}
    out = []
    for agency in registry.agencies:
        if agency.id not in agency_ids or agency.exists_on(day):
            continue
        if agency.valid_from is not None and day < agency.valid_from:
            out.append(f"{agency.name} was set up on {display(agency.valid_from)}")
            continue
        for event in ended(registry, agency.id):
            after = [event.into] if event.into else list(event.to)
            who = ", ".join(names.get(a, a) for a in after)
            verb = {"merged": "merged into", "renamed": "renamed"}
            if event.kind == "dissolved":
                out.append(
                    f"{agency.name} was dissolved on {display(event.date)} ({event.source}); "
                    "its open tasks have no successor named"
                )
            elif event.kind == "split":
                out.append(
                    f"{agency.name} was split among {who} on {display(event.date)} "
                    f"({event.source}); the open tasks it names are shown under their new "
                    "holder, the others have no successor named"
                )
            else:
                out.append(
                    f"{agency.name} was {verb[event.kind]} {who} on {display(event.date)} "
                    f"({event.source}); its open tasks are shown under {who}"
                )
            break
        else:
            out.append(f"{agency.name} ended on {display(agency.valid_until or day)}")
    return out


def agency_set(workspace: Workspace, names: Sequence[str]) -> frozenset[str]:
    """The agencies several typed names stand for: each an agency, or a
    group's members ("group:ubnd-cap-huyen"); an unknown name is an error."""
    found: set[str] = set()
    names_of = resolver(workspace)
    for name in names:
        match = names_of.resolve(name)
        members = [match.id] if match.kind == "agency" else outline_of(workspace).members(match.id)
        if not members:
            raise UsageError(f"group '{match.id}' has no member agencies; name its agencies")
        found.update(members)
    return frozenset(found)


def groups(workspace: Workspace) -> list[Record]:
    outline = outline_of(workspace)
    return [
        {
            "id": group.id,
            "name": group.name,
            "members": outline.members(group.id),
            "represented_by": group.represented_by,
            "assumed": dict(group.assumed),
        }
        for group in workspace.registry.groups
    ]


def documents(workspace: Workspace, *, document: str | None = None) -> list[Record]:
    """Cited documents with the tasks that rest on each, in file order."""
    outline = outline_of(workspace)
    footnotes: dict[str, list[int]] = {}
    for reference in workspace.directive.references:
        for doc_id in reference.documents:
            footnotes.setdefault(doc_id, []).append(reference.number)
    selected = workspace.directive.documents
    if document is not None:
        wanted = match_key(document)
        selected = [d for d in selected if match_key(d.id) == wanted]
        if not selected:
            near = closest(document, [d.id for d in workspace.directive.documents])
            hint = f"; did you mean: {', '.join(near)}?" if near else ""
            raise UsageError(f"no document '{document}' is cited by the directive{hint}")
    return [
        {
            "id": doc.id,
            "type": doc.type,
            "date": doc.date.isoformat() if doc.date else None,
            "issuer": doc.issuer,
            "issuer_as_printed": doc.issuer_as_printed,
            "title": doc.title,
            "system": doc.system,
            "footnotes": footnotes.get(doc.id, []),
            "tasks": outline.tasks_citing(doc.id),
        }
        for doc in selected
    ]


def resolver(workspace: Workspace, today: dt.date | None = None) -> Resolver:
    """Names resolved against the registry; "did you mean" suggests the
    agencies existing ``today`` before those merged away or dissolved."""
    return Resolver(workspace.registry, today or dt.date.today())
