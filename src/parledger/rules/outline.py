"""The directive's outline as something to ask questions of.

Who owes an item is never stored per agency: it follows from the directive's
own words (a section heading addresses groups, an item may name its own
actors, a paragraph may name another body, part I section 2 assigns leads)
and from the registry's group membership.  This module derives it, so a
correction in either file changes every answer at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from parledger.model.models import (
    Addressee,
    Agency,
    Directive,
    Effect,
    Group,
    Node,
    NodeKind,
    Registry,
)
from parledger.model.names import match_key


class DirectiveRoleKind(StrEnum):
    LEAD = "lead"  # chủ trì, as part I section 2 assigns it
    ADDRESSEE = "addressee"  # the item or its section addresses the agency or its group
    NAMED = "named"  # one paragraph of the item names the agency


@dataclass(frozen=True)
class DirectiveRole:
    """Why the directive's wording binds an agency to an item; the role a
    ledger assignment gives is :class:`parledger.model.enums.Role`."""

    kind: DirectiveRoleKind
    declared_in: str  # the outline node whose wording creates the relation
    group: str | None = None  # the group through which the agency is addressed
    paragraph: int | None = None  # for NAMED: which paragraph names it


@dataclass(frozen=True)
class Obligation:
    """One agency owing one item, and every reason it does."""

    task: str
    agency: str
    roles: tuple[DirectiveRole, ...]

    @property
    def is_lead(self) -> bool:
        return any(role.kind is DirectiveRoleKind.LEAD for role in self.roles)


_SENTENCE_END = re.compile(r"(?<=[.;])\s")
_WORDED = (NodeKind.ITEM, NodeKind.SUBITEM)

DEFAULT_EFFECT = {
    NodeKind.PART: Effect.HEADING,
    NodeKind.SECTION: Effect.HEADING,
    NodeKind.ITEM: Effect.TASK,
    NodeKind.SUBITEM: Effect.TASK,
}


class Outline:
    """Read-only queries over a directive and the registry it refers to."""

    def __init__(self, directive: Directive, registry: Registry) -> None:
        self.directive = directive
        self.registry = registry
        self.nodes: dict[str, Node] = {node.id: node for node in directive.outline}
        self.agencies: dict[str, Agency] = {a.id: a for a in registry.agencies}
        self.groups: dict[str, Group] = {g.id: g for g in registry.groups}
        self._obligations: list[Obligation] | None = None
        self._members: dict[str, tuple[str, ...]] = {}
        self._tasks: list[Node] | None = None

    # -- the tree ---------------------------------------------------------

    def items(self) -> list[Node]:
        """The nodes that are tasks of the ledger, in outline order: items and
        lettered sub-items, unless their wording only states a purpose
        (:func:`effect_of`)."""
        if self._tasks is None:
            self._tasks = [node for node in self.directive.outline if self.is_task(node)]
        return self._tasks

    def effect_of(self, node: Node) -> Effect:
        """The node's own effect, else its nearest ancestor's, else its kind's."""
        for candidate in [node, *self.ancestors(node)]:
            if candidate.effect is not None:
                return candidate.effect
        return DEFAULT_EFFECT[node.kind]

    def is_task(self, node: Node) -> bool:
        return self.effect_of(node) is Effect.TASK

    def served(self) -> list[str]:
        """The indices the directive serves: as it declares, else those its
        outline names, in outline order."""
        if self.directive.serves:
            return list(self.directive.serves)
        named = (node.index for node in self.directive.outline if node.index is not None)
        return list(dict.fromkeys(named))

    def node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    def ancestors(self, node: Node) -> list[Node]:
        """The node's parents, nearest first."""
        out: list[Node] = []
        current = self.nodes.get(node.parent) if node.parent else None
        while current is not None:
            out.append(current)
            current = self.nodes.get(current.parent) if current.parent else None
        return out

    def index_of(self, node: Node) -> str | None:
        """The index a node serves: its own or its nearest ancestor's, else
        the directive's one index when it declares it serves exactly one."""
        for candidate in [node, *self.ancestors(node)]:
            if candidate.index is not None:
                return candidate.index
        serves = self.directive.serves
        return serves[0] if len(serves) == 1 else None

    @staticmethod
    def title(node: Node) -> str:
        """A part's or section's heading; an item's first sentence, verbatim."""
        if node.kind not in _WORDED or not node.paragraphs:
            return node.heading or ""
        first = node.paragraphs[0]
        return _SENTENCE_END.split(first, maxsplit=1)[0]

    # -- who is addressed -------------------------------------------------

    def addressees(self, node: Node) -> tuple[list[Addressee], str | None]:
        """The item's own addressees, else the nearest ancestor's, and whose."""
        for candidate in [node, *self.ancestors(node)]:
            if candidate.addressees:
                return list(candidate.addressees), candidate.id
        return [], None

    def leads(self, node: Node) -> list[tuple[str, str]]:
        """(agency id, declaring node id) for every lead assigned to ``node``."""
        out: list[tuple[str, str]] = []
        for other in self.directive.outline:
            if node.id in other.leads:
                for addressee in other.addressees:
                    if addressee.agency is not None:
                        out.append((addressee.agency, other.id))
        return out

    def members(self, group_id: str) -> list[str]:
        """Agencies that owe what is addressed to the group, in registry order:
        its members on the directive's day.

        A group whose members are not listed (the communes) is answered for
        by the members of the group that represents it (their districts).
        """
        known = self._members.get(group_id)
        if known is not None:
            return list(known)
        group = self.groups.get(group_id)
        # Members on the directive's day: a department set up after it was
        # issued does not owe it; one merged away later still did.
        day = self.directive.day
        listed = [a.id for a in self.registry.agencies if a.member_of(group_id, day)]
        if not listed and group is not None and group.represented_by:
            listed = self.members(group.represented_by)
        # Asked once per group and node: the answer is the same each time.
        self._members[group_id] = tuple(listed)
        return listed

    # -- obligations ------------------------------------------------------

    def obligations(self) -> list[Obligation]:
        """Every (item, agency) pair the directive creates, in outline order."""
        if self._obligations is None:
            self._obligations = self._derive()
        return self._obligations

    def _derive(self) -> list[Obligation]:
        return [ob for node in self.items() for ob in self.obligations_of(node)]

    def obligations_of(self, node: Node) -> list[Obligation]:
        """The (item, agency) pairs one item creates, in registry order."""
        roles: dict[str, list[DirectiveRole]] = defaultdict(list)
        addressees, declared_in = self.addressees(node)
        for addressee in addressees:
            if addressee.agency is not None:
                roles[addressee.agency].append(
                    DirectiveRole(DirectiveRoleKind.ADDRESSEE, declared_in or node.id)
                )
            elif addressee.group is not None:
                for agency_id in self.members(addressee.group):
                    roles[agency_id].append(
                        DirectiveRole(
                            DirectiveRoleKind.ADDRESSEE,
                            declared_in or node.id,
                            group=addressee.group,
                        )
                    )
        for named in node.paragraph_addressees:
            targets = [named.agency] if named.agency else self.members(named.group or "")
            for agency_id in targets:
                roles[agency_id].append(
                    DirectiveRole(
                        DirectiveRoleKind.NAMED,
                        node.id,
                        group=named.group,
                        paragraph=named.paragraph,
                    )
                )
        for agency_id, declaring in self.leads(node):
            roles[agency_id].append(DirectiveRole(DirectiveRoleKind.LEAD, declaring))
        return [
            Obligation(node.id, agency_id, tuple(roles[agency_id]))
            for agency_id in self._registry_order(roles)
        ]

    def _registry_order(self, roles: dict[str, list[DirectiveRole]]) -> list[str]:
        order = {agency_id: i for i, agency_id in enumerate(self.agencies)}
        return sorted(roles, key=lambda agency_id: order.get(agency_id, len(order)))

    def describe(self, role: DirectiveRole) -> str:
        """A role as a person reads it: 'lead (I.2.1)', 'via Các sở, ban, ngành tỉnh'."""
        if role.kind is DirectiveRoleKind.LEAD:
            return f"lead ({role.declared_in})"
        if role.kind is DirectiveRoleKind.NAMED:
            return f"named in paragraph {role.paragraph}"
        if role.group is not None:
            group = self.groups.get(role.group)
            return f"via {group.name if group else role.group}"
        return "addressee"

    def owed_by(self, agency_id: str) -> list[Obligation]:
        return [ob for ob in self.obligations() if ob.agency == agency_id]

    def owing(self, node_id: str) -> list[Obligation]:
        return [ob for ob in self.obligations() if ob.task == node_id]

    # -- documents --------------------------------------------------------

    def documents_of(self, node: Node) -> list[str]:
        """Documents the item rests on: cited inline or in its footnotes."""
        by_number = {r.number: r for r in self.directive.references}
        out = list(node.cites)
        for link in node.footnotes:
            reference = by_number.get(link.number)
            if reference is not None:
                out += [doc for doc in reference.documents if doc not in out]
        return out

    def tasks_citing(self, doc_id: str) -> list[str]:
        return [node.id for node in self.directive.outline if doc_id in self.documents_of(node)]

    # -- search -----------------------------------------------------------

    def matches(self, node: Node, query: str) -> bool:
        """Case-, accent- and form-insensitive search over id, title and text."""
        needle = match_key(query)
        haystack = match_key(" ".join([node.id, node.heading or "", node.text]))
        return needle in haystack
