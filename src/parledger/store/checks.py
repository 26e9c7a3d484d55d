"""Schema and cross-file checks of a workspace.

Problems are values: every check runs and every problem is collected, so a
person fixing a hand-edited file sees all of them in one run, each as
``path:line:col: code: message`` pointing at the place to edit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from parledger.model.catalog import IndexCatalog
from parledger.model.dates import EARLIEST, LATEST, display
from parledger.model.docref import citation_date, office_date, read_citations
from parledger.model.errors import Problem
from parledger.model.models import (
    Agency,
    CorrectionEntry,
    Directive,
    Entry,
    EntryKind,
    Group,
    IndexFile,
    Node,
    NodeKind,
    ProgressEntry,
    Registry,
    is_part_id,
    is_subitem_id,
    parent_id,
)
from parledger.model.names import closest, foreign_letter, match_key
from parledger.model.results import known_index, unknown_index
from parledger.model.text import unsafe_character
from parledger.rules.fold import in_cycle, replay
from parledger.rules.outline import Outline
from parledger.rules.plausible import refusals
from parledger.store import ledger, yamlio

M = TypeVar("M")

_NO_DAY = dt.date.min  # for a citation that gives no date: never after a fact


class _Reporter:
    """Collects problems for one file, placing each at a YAML path."""

    def __init__(self, loaded: yamlio.Loaded) -> None:
        self.loaded = loaded
        self.problems: list[Problem] = []

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        line, col = self.loaded.position(path)
        self.problems.append(Problem(str(self.loaded.path), line, col, code, message))


def registry_problems(registry: Registry, loaded: yamlio.Loaded) -> list[Problem]:
    report = _Reporter(loaded)
    agency_ids = [a.id for a in registry.agencies]
    group_ids = [g.id for g in registry.groups]
    _duplicates(report, ("agencies",), agency_ids, "duplicate-id", "agency id")
    _duplicates(report, ("groups",), group_ids, "duplicate-id", "group id")
    for index, group in enumerate(registry.groups):
        if group.id in agency_ids:
            report.add(
                ("groups", index, "id"), "duplicate-id", f"'{group.id}' is also an agency id"
            )
        if group.represented_by is not None and group.represented_by not in group_ids:
            report.add(
                ("groups", index, "represented_by"),
                "unknown-group",
                f"group '{group.represented_by}' is not in the registry",
            )
    known_groups = set(group_ids)
    known_agencies = set(agency_ids)
    for index, agency in enumerate(registry.agencies):
        for g_index, group_id in enumerate(agency.group_ids):
            if group_id not in known_groups:
                report.add(
                    ("agencies", index, "groups", g_index),
                    "unknown-group",
                    f"{agency.id}: group '{group_id}' is not in the registry",
                )
        if agency.parent is not None and agency.parent not in known_agencies:
            report.add(
                ("agencies", index, "parent"),
                "unknown-agency",
                f"{agency.id}: parent '{agency.parent}' is not in the registry",
            )
    _name_clashes(report, registry)
    _look_alikes(report, registry)
    _event_problems(report, registry)
    return report.problems


def _event_problems(report: _Reporter, registry: Registry) -> None:
    """Changes of agencies that cannot have happened: an unknown agency, a
    successor that did not exist on the day, a predecessor still existing
    after it, a succession that comes back to where it started."""
    by_id = {a.id: a for a in registry.agencies}
    edges: dict[str, set[str]] = {}
    for index, event in enumerate(registry.events):
        base = ("events", index)
        day = event.date.isoformat()
        named: list[tuple[str, int | None, str]] = [
            ("agencies", i, a) for i, a in enumerate(event.agencies)
        ]
        named += [("to", i, a) for i, a in enumerate(event.to)]
        named += [("into", None, event.into)] if event.into else []
        for field_name, at, agency_id in named:
            where = (*base, field_name) if at is None else (*base, field_name, at)
            if agency_id not in by_id:
                report.add(where, "unknown-agency", f"agency '{agency_id}' is not in the registry")
            elif field_name != "agencies" and not by_id[agency_id].exists_on(event.date):
                report.add(
                    where,
                    "successor-not-existing",
                    f"{agency_id} takes over on {day} but did not exist then "
                    "(see its valid_from and valid_until)",
                )
        for key, agency_id in event.tasks.items():
            if agency_id not in by_id:
                report.add(
                    (*base, "tasks", key),
                    "unknown-agency",
                    f"agency '{agency_id}' is not in the registry",
                )
        if event.kind != "transferred":
            last = event.date - dt.timedelta(days=1)
            for i, agency_id in enumerate(event.agencies):
                agency = by_id.get(agency_id)
                if agency is not None and (agency.valid_until is None or agency.valid_until > last):
                    report.add(
                        (*base, "agencies", i),
                        "agency-dates",
                        f"{agency_id} ends on {day} ({event.kind}), so its valid_until must "
                        f"be {last.isoformat()} at the latest",
                    )
        for agency_id in event.agencies:
            edges.setdefault(agency_id, set()).update(
                [event.into] if event.into else [*event.to, *event.tasks.values()]
            )
    for index, event in enumerate(registry.events):
        for agency_id in event.agencies:
            if _returns(agency_id, edges):
                report.add(
                    ("events", index, "agencies"),
                    "succession-cycle",
                    f"{agency_id}'s successors lead back to it: a change of agencies "
                    "cannot undo itself; check the events' agencies and into/to",
                )
                break


def _returns(start: str, edges: dict[str, set[str]]) -> bool:
    """Whether following successors from ``start`` comes back to it."""
    seen: set[str] = set()
    waiting = list(edges.get(start, ()))
    while waiting:
        current = waiting.pop()
        if current == start:
            return True
        if current not in seen:
            seen.add(current)
            waiting += edges.get(current, ())
    return False


def text_problems(loaded: yamlio.Loaded) -> list[Problem]:
    """Values of a YAML file holding control, bidirectional or broken
    characters (parledger.model.text), each at its place: the reader keeps
    them as written, and the file is refused here."""
    report = _Reporter(loaded)

    def visit(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if not value.isprintable():
                unsafe = unsafe_character(value, lines=True)
                if unsafe is not None:
                    report.add(
                        path,
                        "control-character",
                        f"a value contains control characters ({unsafe}): remove them "
                        "(they can change what a terminal shows)",
                    )
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, (*path, index))

    visit(loaded.data, ())
    return report.problems


def _look_alikes(report: _Reporter, registry: Registry) -> None:
    """Names holding a letter of another script (or a bidirectional control,
    which the YAML reader refuses already): they resolve unlike they read."""
    entries: list[tuple[str, int, Agency | Group]] = [
        ("agencies", index, agency) for index, agency in enumerate(registry.agencies)
    ] + [("groups", index, group) for index, group in enumerate(registry.groups)]
    for section, index, entry in entries:
        names: list[tuple[tuple[str | int, ...], str]] = [(("name",), entry.name)]
        names += [(("aliases", i), alias) for i, alias in enumerate(entry.aliases)]
        if isinstance(entry, Agency):
            names += [(("short", i), short) for i, short in enumerate(entry.short)]
        for where, name in names:
            foreign = foreign_letter(name)
            if foreign is not None:
                report.add(
                    (section, index, *where),
                    "look-alike-name",
                    f"{entry.id}: '{name}' holds {foreign}, not a Latin letter; "
                    "type the name in Vietnamese (Latin) letters",
                )


def _duplicates(
    report: _Reporter,
    where: tuple[str | int, ...],
    ids: Sequence[object],
    code: str,
    what: str,
    field: str = "id",
) -> None:
    """Report every repeat of a value after its first, at the repeat."""
    counts = Counter(ids)
    seen: set[object] = set()
    for index, value in enumerate(ids):
        if counts[value] > 1 and value in seen:
            report.add((*where, index, field), code, f"{what} '{value}' is used more than once")
        seen.add(value)


def _name_clashes(report: _Reporter, registry: Registry) -> None:
    """Two entries answering to the same folded name make --agency ambiguous."""
    owner: dict[str, str] = {}
    entries: list[tuple[str, int, str, list[str]]] = [
        ("agencies", i, a.id, [a.id, a.name, *a.short, *a.aliases])
        for i, a in enumerate(registry.agencies)
    ] + [("groups", i, g.id, [g.id, g.name, *g.aliases]) for i, g in enumerate(registry.groups)]
    for key, index, entry_id, names in entries:
        for name in names:
            folded = match_key(name)
            if not folded:
                report.add((key, index), "empty-name", f"{entry_id}: a name folds to nothing")
                continue
            other = owner.setdefault(folded, entry_id)
            if other != entry_id:
                report.add(
                    (key, index),
                    "name-clash",
                    f"{entry_id}: the name '{name}' also names '{other}'; "
                    "names must identify one entry",
                )


def catalog_problems(
    indices: IndexFile, loaded: yamlio.Loaded, known: dict[str, str] | None = None
) -> list[Problem]:
    """An indices.yaml alone: ids used twice, and a dimension id that names
    two indices' dimensions (a node's tag must say which it means).
    ``known``: dimension id → index id of the indices this file does not
    replace (the bundled ones, for a workspace's own file)."""
    report = _Reporter(loaded)
    _duplicates(
        report, ("indices",), [match_key(spec.id) for spec in indices.indices],
        "duplicate-id", "index id",
    )  # fmt: skip
    owner = dict(known or {})
    for i, spec in enumerate(indices.indices):
        for d, dim in enumerate(spec.dimensions):
            other = owner.setdefault(dim.id, spec.id)
            if other != spec.id:
                report.add(
                    ("indices", i, "dimensions", d, "id"),
                    "duplicate-id",
                    f"{spec.id}: dimension '{dim.id}' is {other}'s already; "
                    "give it an id of its own",
                )
    return report.problems


def directive_problems(
    directive: Directive,
    loaded: yamlio.Loaded,
    registry: Registry,
    catalog: IndexCatalog | None = None,
) -> list[Problem]:
    """Everything the directive refers to, checked against the registry and
    the index catalog (None: indices are not checked)."""
    report = _Reporter(loaded)
    agencies = {a.id for a in registry.agencies}
    groups = {g.id for g in registry.groups}
    documents = [d.id for d in directive.documents]
    known_documents = set(documents)
    references = {r.number for r in directive.references}

    _duplicates(report, ("documents",), documents, "duplicate-id", "document id")
    for index, doc in enumerate(directive.documents):
        if doc.issuer is not None and doc.issuer not in agencies:
            report.add(
                ("documents", index, "issuer"),
                "unknown-agency",
                f"document {doc.id}: issuer '{doc.issuer}' is not in the registry",
            )
    numbers = [r.number for r in directive.references]
    _duplicates(report, ("references",), numbers, "duplicate-id", "footnote", field="number")
    for index, reference in enumerate(directive.references):
        for d_index, doc_id in enumerate(reference.documents):
            if doc_id not in known_documents:
                report.add(
                    ("references", index, "documents", d_index),
                    "unknown-document",
                    f"footnote {reference.number}: document '{doc_id}' is not in 'documents'",
                )

    meta = directive.metadata
    if catalog is not None:
        for index, rank in enumerate(meta.baseline):
            _check_index(report, ("metadata", "baseline", index, "index"), rank.index, catalog)
        for index, served in enumerate(directive.serves):
            _check_index(report, ("serves", index), served, catalog)
    if meta.issuer not in agencies:
        report.add(("metadata", "issuer"), "unknown-agency", f"issuer '{meta.issuer}' is unknown")
    for d_index, doc_id in enumerate(meta.considered_reports):
        if doc_id not in known_documents:
            report.add(
                ("metadata", "considered_reports", d_index),
                "unknown-document",
                f"report '{doc_id}' is not in 'documents'",
            )
    for field in ("addressees", "recipients"):
        for index, line in enumerate(getattr(meta, field)):
            base = ("metadata", field, index)
            _check_parties(report, base, line.agencies, line.groups, agencies, groups)

    outline = Outline(directive, registry)
    _outline_problems(report, outline, agencies, groups, known_documents, references, catalog)
    _dated_parties(report, directive, registry)
    return report.problems


def _dated_parties(report: _Reporter, directive: Directive, registry: Registry) -> None:
    """An agency or group the directive addresses by name must exist on the
    directive's day: one set up later, or ended before, cannot owe it."""
    day = directive.day
    dated = {a.id: a for a in registry.agencies if a.valid_from or a.valid_until}
    dated_groups = {g.id: g for g in registry.groups if g.valid_from or g.valid_until}
    if not dated and not dated_groups:
        return
    for index, node in enumerate(directive.outline):
        for field_name, parties in (
            ("addressees", node.addressees),
            ("paragraph_addressees", node.paragraph_addressees),
        ):
            for p_index, party in enumerate(parties):
                found = dated.get(party.agency or "") or dated_groups.get(party.group or "")
                if found is not None and not found.exists_on(day):
                    report.add(
                        ("outline", index, field_name, p_index),
                        "out-of-dates",
                        f"{node.id}: {found.id} did not exist on {day.isoformat()}, the "
                        "directive's day (see its valid_from and valid_until)",
                    )


def _check_parties(
    report: _Reporter,
    base: tuple[str | int, ...],
    agency_ids: Iterable[str],
    group_ids: Iterable[str],
    agencies: set[str],
    groups: set[str],
) -> None:
    for index, agency_id in enumerate(agency_ids):
        if agency_id not in agencies:
            report.add(
                (*base, "agencies", index),
                "unknown-agency",
                f"agency '{agency_id}' is not in the registry",
            )
    for index, group_id in enumerate(group_ids):
        if group_id not in groups:
            report.add(
                (*base, "groups", index),
                "unknown-group",
                f"group '{group_id}' is not in the registry",
            )


_PARENT_KIND = {NodeKind.PART: None, NodeKind.SECTION: NodeKind.PART}


def _outline_problems(
    report: _Reporter,
    outline: Outline,
    agencies: set[str],
    groups: set[str],
    documents: set[str],
    references: set[int],
    catalog: IndexCatalog | None = None,
) -> None:
    nodes = outline.directive.outline
    ids = [node.id for node in nodes]
    index_ids = catalog.ids() if catalog is not None else []
    _duplicates(report, ("outline",), ids, "duplicate-id", "outline id")
    by_id = {node.id: node for node in nodes}
    position = {node.id: i for i, node in reversed(list(enumerate(nodes)))}
    for index, node in enumerate(nodes):
        base: tuple[str | int, ...] = ("outline", index)
        _node_shape(report, base, node, by_id, position.get(node.parent or "", -1) < index)
        if catalog is not None:
            _node_indices(report, base, node, outline, catalog)
        for a_index, addressee in enumerate(node.addressees):
            _check_party(report, (*base, "addressees", a_index), addressee, agencies, groups)
        for a_index, named in enumerate(node.paragraph_addressees):
            where = (*base, "paragraph_addressees", a_index)
            _check_party(report, where, named, agencies, groups)
            _check_quote(report, where, node, named.paragraph, named.quote)
        for l_index, led in enumerate(node.leads):
            target = by_id.get(led)
            if target is None or not outline.is_task(target):
                report.add(
                    (*base, "leads", l_index),
                    "unknown-task",
                    f"{node.id} leads '{led}', which is not an item of the outline",
                )
        for f_index, link in enumerate(node.footnotes):
            where = (*base, "footnotes", f_index)
            if link.number not in references:
                report.add(where, "unknown-reference", f"{node.id}: no footnote {link.number}")
            _check_quote(report, where, node, link.paragraph, link.anchor)
        for c_index, doc_id in enumerate(node.cites):
            if doc_id not in documents:
                report.add(
                    (*base, "cites", c_index),
                    "unknown-document",
                    f"{node.id}: document '{doc_id}' is not in 'documents'",
                )
        target_ids = [t.id for t in node.targets]
        _duplicates(report, (*base, "targets"), target_ids, "duplicate-id", f"{node.id}: target")
        for t_index, target_ in enumerate(node.targets):
            where = (*base, "targets", t_index)
            if not any(target_.quote in p for p in node.paragraphs):
                report.add(where, "quote-not-found", f"{node.id}: target quote is not in the text")
            if target_.index is not None and known_index(target_.index, index_ids) != target_.index:
                report.add(
                    (*where, "index"),
                    "unknown-index",
                    f"{node.id}: {unknown_index(target_.index, index_ids)}",
                )
        if node.cadence_quote is not None and node.cadence_quote not in node.text:
            report.add(
                (*base, "cadence_quote"), "quote-not-found", f"{node.id}: cadence quote not in text"
            )
        if outline.is_task(node) and not outline.addressees(node)[0]:
            report.add(base, "no-addressee", f"{node.id}: nobody is addressed by this item")


# The kinds a node may sit under; a part sits under none.
_PARENT_KINDS = {
    NodeKind.PART: (),
    NodeKind.SECTION: (NodeKind.PART, NodeKind.SECTION),
    NodeKind.ITEM: (NodeKind.PART, NodeKind.SECTION),
    NodeKind.SUBITEM: (NodeKind.SECTION, NodeKind.ITEM),
}


def _node_shape(
    report: _Reporter,
    base: tuple[str | int, ...],
    node: Node,
    by_id: dict[str, Node],
    parent_first: bool,
) -> None:
    """The node's place in the tree, as its id, kind, parent and label say.

    Any depth and any number of parts are allowed; what is caught is what
    a hand edit gets wrong: a parent missing or after its child, an id
    that is not its parent's plus one step, a kind that does not fit the
    id (a letter is a sub-item, a Roman numeral alone a part), a label
    that is not the id's own number or letter."""
    parent = by_id.get(node.parent) if node.parent else None
    if node.parent is not None and parent is None:
        report.add((*base, "parent"), "unknown-task", f"{node.id}: parent '{node.parent}' missing")
        return
    expected_parent = parent_id(node.id)
    if node.parent != expected_parent:
        report.add(
            (*base, "parent"),
            "bad-parent",
            f"{node.id}: parent should be '{expected_parent}', found '{node.parent}'",
        )
        return
    if parent is not None and not parent_first:
        report.add(
            (*base, "parent"), "bad-parent", f"{node.id}: its parent {parent.id} comes after it"
        )
    lettered = is_subitem_id(node.id)
    if (node.kind is NodeKind.SUBITEM) != lettered:
        wrong = (
            f"a lettered id marks a subitem, not kind '{node.kind.value}'"
            if lettered
            else "a subitem's id ends in its letter, e.g. II.1.1.a"
        )
        report.add((*base, "kind"), "bad-kind", f"{node.id}: {wrong}")
    elif (node.kind is NodeKind.PART) != is_part_id(node.id):
        report.add(
            (*base, "kind"),
            "bad-kind",
            f"{node.id}: a part has a Roman numeral alone as its id, and only a part does",
        )
    # A part or section may open with a lead-in ("Các nhiệm vụ cụ thể tại
    # Phụ lục …"), which binds nobody; a target belongs to a task.
    if node.kind in (NodeKind.PART, NodeKind.SECTION) and node.targets:
        report.add(base, "bad-kind", f"{node.id}: only items carry targets")
    if parent is not None and parent.kind not in _PARENT_KINDS[node.kind]:
        report.add(
            (*base, "kind"),
            "bad-kind",
            f"{node.id}: a {node.kind.value} under a {parent.kind.value}",
        )
    _check_label(report, base, node)


def _check_label(report: _Reporter, base: tuple[str | int, ...], node: Node) -> None:
    # "I." for part I; "1.1." (or "1.") for I.1.1; "a)" for II.1.1.a: the
    # label is the node's own number or letter, or its numbers below the part.
    steps = node.id.split(".")
    own = steps[-1]
    numbers = ".".join(steps[1:] if is_part_id(steps[0]) else steps)
    written = node.label.strip().rstrip(".)").strip()
    if written not in (own, numbers, node.id):
        report.add(
            (*base, "label"),
            "bad-label",
            f"{node.id}: label '{node.label}' is not its number or letter ('{own}')",
        )


def _check_index(
    report: _Reporter, where: tuple[str | int, ...], index_id: str, catalog: IndexCatalog
) -> None:
    if index_id in catalog.ids():
        return
    spec = catalog.get(index_id)
    if spec is not None:
        hint = f"; write it as the catalog does: '{spec.id}'"
    else:
        near = closest(index_id, catalog.ids(), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
    known = ", ".join(catalog.ids()) or "none"
    report.add(
        where,
        "unknown-index",
        f"index '{index_id}' is not in indices.yaml (known: {known}){hint}",
    )


def _node_indices(
    report: _Reporter,
    base: tuple[str | int, ...],
    node: Node,
    outline: Outline,
    catalog: IndexCatalog,
) -> None:
    if node.index is not None:
        _check_index(report, (*base, "index"), node.index, catalog)
    elif outline.is_task(node) and outline.index_of(node) is None:
        report.add(
            base,
            "missing-index",
            f"{node.id} is a task of no index: set 'index' on it or on a node above it",
        )
    if not node.dimensions:
        return
    index_id = outline.index_of(node)
    spec = catalog.get(index_id) if index_id is not None else None
    own = [dim.id for dim in spec.dimensions] if spec is not None else []
    for d_index, dim in enumerate(node.dimensions):
        if dim in own:
            continue
        other = catalog.dimension_index.get(dim)
        if other is not None:
            hint = f"; it is a dimension of {other}"
        else:
            near = closest(dim, own or list(catalog.dimension_index), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
        of = f"{index_id}, the index of {node.id}," if index_id else f"{node.id}'s index (none)"
        report.add(
            (*base, "dimensions", d_index),
            "unknown-dimension",
            f"dimension '{dim}' is not one of {of} in indices.yaml{hint}",
        )


def _check_party(
    report: _Reporter,
    where: tuple[str | int, ...],
    party: Any,
    agencies: set[str],
    groups: set[str],
) -> None:
    if party.agency is not None and party.agency not in agencies:
        report.add(
            (*where, "agency"), "unknown-agency", f"agency '{party.agency}' is not in the registry"
        )
    if party.group is not None and party.group not in groups:
        report.add(
            (*where, "group"), "unknown-group", f"group '{party.group}' is not in the registry"
        )


def _check_quote(
    report: _Reporter, where: tuple[str | int, ...], node: Node, paragraph: int, quote: str
) -> None:
    if paragraph > len(node.paragraphs):
        report.add(
            (*where, "paragraph"),
            "bad-paragraph",
            f"{node.id} has {len(node.paragraphs)} paragraphs, not {paragraph}",
        )
    elif quote not in node.paragraphs[paragraph - 1]:
        report.add(
            where,
            "quote-not-found",
            f"{node.id}: '{quote}' is not in paragraph {paragraph}",
        )


def ledger_crossref_problems(
    journal: ledger.LoadedLedger, directive: Directive, registry: Registry
) -> list[Problem]:
    """Entries that name unknown things, or clash after a merge of branches.

    Written for a cold read of a large ledger: the distinct values (tasks,
    agencies, dates, evidence) are checked once each, in sets, and only the
    entries that hold a value found wrong are gone through one by one."""
    if journal.loaded is None:
        return []
    path = str(journal.loaded.path)
    entries = journal.entries
    problems: list[tuple[int, str | None, str, str]] = []

    items = {node.id: node for node in Outline(directive, registry).items()}
    agencies = {a.id for a in registry.agencies}
    groups = {g.id for g in registry.groups}
    # A day of slack: an entry recorded just after midnight in Hà Nội
    # (UTC+7) is dated a day ahead of a server that keeps UTC.
    latest_fact = dt.date.today() + dt.timedelta(days=1)

    by_id = {entry.id: entry for entry in entries}
    seen: set[str] | None = set() if len(by_id) != len(entries) else None
    unknown_tasks = {entry.task for entry in entries} - items.keys()
    unknown_agencies = {entry.agency for entry in entries} - agencies - {None}
    unknown_groups = {entry.group for entry in entries} - groups - {None}
    cited = read_citations(
        {item for entry in entries for item in getattr(entry, "evidence", None) or ()}
    )
    wrong_evidence, days, others = cited
    # Progress entries that may cite a document dated after their fact,
    # each citation's date found by its last word in a small table (a
    # lookup in a table of every citation costs as much again); each one
    # found is read in full below.  A correction is looked at below, against
    # the fact it corrects.
    late = {
        number
        for number, entry in enumerate(entries)
        if entry.kind is EntryKind.PROGRESS
        for item in entry.evidence
        if days.get(item.rpartition(" ")[2], _NO_DAY) > entry.date or item in others
    } if days or others else set()  # fmt: skip
    facts = {entry.date for entry in entries} | {
        day for entry in entries if (day := getattr(entry, "fact_date", None)) is not None
    }  # fmt: skip
    dues = {day for entry in entries if (day := getattr(entry, "due", None)) is not None}
    odd_days = any(not EARLIEST <= day <= latest_fact for day in facts) or any(
        not EARLIEST <= day <= LATEST for day in dues
    )
    # Only the entries that hold something found wrong, or that need a
    # look of their own (targets, corrections), are gone through.
    suspects = (
        range(len(entries))
        if seen is not None or odd_days or wrong_evidence
        else [
            number
            for number, entry in enumerate(entries)
            if entry.task in unknown_tasks
            or entry.agency in unknown_agencies
            or entry.group in unknown_groups
            or getattr(entry, "target", None) is not None
            or entry.kind is EntryKind.CORRECTION
            or number in late
        ]
    )
    for number in suspects:
        entry = entries[number]
        if seen is not None:  # some id appears twice: name every later place
            if entry.id in seen:
                message = (
                    f"entry id {entry.id} appears more than once "
                    "(two branches made the same id, or an entry was copied); keep one"
                )
                problems.append((number, "id", "duplicate-id", message))
            seen.add(entry.id)
        node = items.get(entry.task)
        if entry.task in unknown_tasks:
            message = f"entry {entry.id}: no item {entry.task} in the directive"
            problems.append((number, "task", "unknown-task", message))
        if entry.agency in unknown_agencies:
            message = f"entry {entry.id}: agency '{entry.agency}' is not in the registry"
            problems.append((number, "agency", "unknown-agency", message))
        if entry.group in unknown_groups:
            message = f"entry {entry.id}: group '{entry.group}' is not in the registry"
            problems.append((number, "group", "unknown-group", message))
        if odd_days or (wrong_evidence and getattr(entry, "evidence", None)):
            for field_name, code, message in _value_problems(entry, latest_fact, wrong_evidence):
                problems.append((number, field_name, code, f"entry {entry.id}: {message}"))
        if number in late and isinstance(entry, ProgressEntry):
            problems += _evidence_after_fact(number, entry, entry.date, entry.evidence)
        target = getattr(entry, "target", None)
        if (
            isinstance(entry, ProgressEntry)
            and node
            and target is not None
            and target not in {t.id for t in node.targets}
        ):
            message = f"entry {entry.id}: {node.id} has no target {target}"
            problems.append((number, "target", "unknown-target", message))
        if isinstance(entry, CorrectionEntry):
            problems += _correction_problems(number, entry, by_id, agencies, groups)
            if not entry.void and (entry.evidence or entry.fact_date):
                day, evidence = _corrected_fact(entry, by_id)
                if day is not None and evidence:
                    problems += _evidence_after_fact(number, entry, day, evidence)
    problems += _impossible_facts(entries)
    problems += _outside_dates(entries, registry)
    found = []
    for number, where, code, text in problems:
        line, col = journal.position(number, where)
        found.append(Problem(path, line, col, code, text))
    return found


def _outside_dates(
    entries: Sequence[Entry], registry: Registry
) -> list[tuple[int, str | None, str, str]]:
    """Facts about an agency or group dated when it did not exist."""
    dated: dict[str, Agency | Group] = {
        a.id: a for a in registry.agencies if a.valid_from or a.valid_until
    }
    dated.update({g.id: g for g in registry.groups if g.valid_from or g.valid_until})
    if not dated:
        return []
    out: list[tuple[int, str | None, str, str]] = []
    for number, entry in enumerate(entries):
        party = entry.agency or entry.group or ""
        found = dated.get(party)
        if found is not None and not found.exists_on(entry.date):
            field_name = "agency" if entry.agency else "group"
            message = (
                f"entry {entry.id}: {party} did not exist on {entry.date.isoformat()} "
                "(see its valid_from and valid_until): record against its successor"
            )
            out.append((number, field_name, "out-of-dates", message))
    return out


def _correction_problems(
    number: int,
    entry: CorrectionEntry,
    by_id: dict[str, Entry],
    agencies: set[str],
    groups: set[str],
) -> list[tuple[int, str | None, str, str]]:
    if entry.fact_agency is not None and entry.fact_agency not in agencies:
        message = f"entry {entry.id}: agency '{entry.fact_agency}' is not in the registry"
        return [(number, "fact_agency", "unknown-agency", message)]
    if entry.fact_group is not None and entry.fact_group not in groups:
        message = f"entry {entry.id}: group '{entry.fact_group}' is not in the registry"
        return [(number, "fact_group", "unknown-group", message)]
    target = by_id.get(entry.supersedes)
    if target is None:
        message = f"entry {entry.id} corrects {entry.supersedes}, which is not in the ledger"
        return [(number, "supersedes", "unknown-entry", message)]
    if in_cycle(entry.id, by_id):
        message = f"entry {entry.id}: corrections form a cycle"
        return [(number, "supersedes", "correction-cycle", message)]
    if (target.task, target.agency, target.group) != (entry.task, entry.agency, entry.group):
        message = f"entry {entry.id} names another task or agency than {entry.supersedes}"
        return [(number, "task", "correction-mismatch", message)]
    return []


def _corrected_fact(
    entry: CorrectionEntry, by_id: dict[str, Entry]
) -> tuple[dt.date | None, list[str] | None]:
    """The fact's day and evidence once this correction is made: its own,
    else those of the entries it corrects, the nearest first."""
    day, evidence = entry.fact_date, entry.evidence
    seen = {entry.id}
    current = by_id.get(entry.supersedes)
    while (day is None or evidence is None) and current is not None and current.id not in seen:
        seen.add(current.id)
        if isinstance(current, CorrectionEntry):
            day = day or current.fact_date
            evidence = evidence if evidence is not None else current.evidence
            current = by_id.get(current.supersedes)
        else:
            day = day or current.date
            evidence = evidence if evidence is not None else getattr(current, "evidence", None)
            break
    return day, evidence


def _evidence_after_fact(
    number: int, entry: Entry, day: dt.date, evidence: list[str]
) -> list[tuple[int, str | None, str, str]]:
    """A citation dated after the fact it backs: 'record' and 'correct'
    refuse it, so it comes from a hand edit (or an older parledger)."""
    where = "evidence" if getattr(entry, "evidence", None) else "fact_date"
    return [
        (
            number, where, "evidence-after-fact",
            f"entry {entry.id}: evidence '{item}' is dated {office_date(issued)}, after the "
            f"fact's date {display(day)}; a fact is dated no earlier than the document "
            "that proves it: mend the line's date or the citation",
        )
        for item in evidence
        if (issued := citation_date(item)) is not None and issued > day
    ]  # fmt: skip


def _impossible_facts(entries: Sequence[Entry]) -> list[tuple[int, str | None, str, str]]:
    """Facts that cannot be true (:mod:`parledger.rules.plausible`), as they
    stand with every correction applied: at the fact's line, or at the line
    of the last correction that made it so.  A fact an earlier version let
    through is reported, and so is a correction whose result is no fact."""
    code = "impossible-fact"
    if not any(type(entry) is CorrectionEntry for entry in entries):
        return [
            (number, doubt.field, code, f"entry {entries[number].id}: {doubt.message}")
            for number, doubt in refusals(entries)
        ]
    done = replay(entries)
    problems: list[tuple[int, str | None, str, str]] = [
        (number, doubt.field, code, f"entry {entries[number].id}: {doubt.message}")
        for number, doubt in refusals(entries)
        if entries[number].id not in done.changed and entries[number].id not in done.void
    ]
    # At a correction's line: what it made of the fact, or that it makes none.
    at_corrections = [
        (correction_id, "invalid-correction", f"cannot apply to the entry it corrects: {why}")
        for correction_id, why in done.refused.items()
    ]
    changed = [
        (fact_id, fact) for fact_id, fact in done.changed.items() if fact_id not in done.void
    ]
    for index, doubt in refusals(fact for _, fact in changed):
        fact_id = changed[index][0]
        at_corrections.append(
            (done.last[fact_id], code, f"leaves entry {fact_id} saying {doubt.message}")
        )
    if at_corrections:
        numbers = {entry.id: number for number, entry in enumerate(entries)}
        problems += [
            (numbers[entry_id], None, problem_code, f"entry {entry_id} {message}")
            for entry_id, problem_code, message in at_corrections
        ]
    return sorted(problems, key=lambda problem: problem[0])


def _value_problems(
    entry: Entry, latest_fact: dt.date, wrong_evidence: dict[str, str]
) -> list[tuple[str, str, str]]:
    """What the commands refuse to write, found in a file written by hand:
    a slip in a year, a fact dated in the future, evidence that cites nothing.
    Checked here, not in the models: "the future" moves, and the evidence
    forms are the office's convention, not the file's shape.  Written for
    speed: a cold read checks every entry of a large ledger."""
    problems: list[tuple[str, str, str]] = []
    days = (
        ("date", entry.date),
        ("due", getattr(entry, "due", None)),
        ("fact_date", getattr(entry, "fact_date", None)),
    )
    for field_name, day in days:
        if day is None or EARLIEST <= day <= latest_fact:
            continue
        if not EARLIEST <= day <= LATEST:
            message = f"{field_name} {day.isoformat()} is outside {EARLIEST.year}–{LATEST.year}"
            problems.append((field_name, "date-out-of-range", message + "; check the year"))
        elif field_name != "due":
            message = f"{field_name} {day.isoformat()} is in the future; record facts once done"
            problems.append((field_name, "future-date", message))
    for item in getattr(entry, "evidence", None) or ():
        if item in wrong_evidence:
            problems.append(("evidence", "invalid-evidence", wrong_evidence[item]))
    return problems
