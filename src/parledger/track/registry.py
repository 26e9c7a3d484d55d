"""Edits to the agency registry, made in place through the round-trip loader.

The registry is a hand-kept file with comments and a reviewed layout; an
edit by command must change only the lines it is about, so a reviewer's
`git diff` shows exactly the new alias and nothing else.
"""

from __future__ import annotations

from typing import Any

from parledger.model.errors import DataError, UsageError
from parledger.model.names import AmbiguousName, foreign_letter, match_key
from parledger.store import yamlio
from parledger.store.workspace import Workspace
from parledger.track.inputs import clean_text
from parledger.track.query import resolver

# Where a new key goes in an agency mapping: after the first of these present.
_ALIAS_AFTER = ("short", "name", "id")


def _refuse_takeover(workspace: Workspace, agency_id: str, name: str) -> None:
    """An alias that a typed name already reaches another entry by (part of
    its name, as the resolver matches) would take that name from it: from
    then on '--agency NAME' would mean this agency, silently."""
    try:
        found = [resolver(workspace).resolve(name)]
    except AmbiguousName as exc:
        if any(entry_id == agency_id for entry_id, _ in exc.candidates):
            return  # it names this agency as well as others: the alias settles it
        others = exc.candidates
    except UsageError:
        return  # no entry goes by it yet
    else:
        if found[0].id == agency_id:
            return
        others = [(found[0].id, resolver(workspace).name(found[0]))]
    listed = ", ".join(f"{entry_name} ({entry_id})" for entry_id, entry_name in others)
    them = "them" if len(others) > 1 else "it"
    raise UsageError(
        f"'{name}' already leads to {listed}: as an alias of {agency_id} it would take that "
        f"name from {them}; choose a name that only this agency goes by"
    )


def add_alias(workspace: Workspace, agency_id: str, alias: str) -> str:
    """Add ``alias`` to an agency; refuse one that already names an entry."""
    location = workspace.location
    location.writable()
    if not alias.strip():
        raise UsageError(
            "the alias is empty; give the other name the agency goes by, "
            'e.g. parledger alias SNV "Sở NV"'
        )
    name = clean_text(alias, "the alias", required=True, lines=False) or ""
    foreign = foreign_letter(name)
    if foreign is not None:
        raise UsageError(
            f"the alias '{name}' holds {foreign}, a letter that may look Latin but is not: "
            "type the name in Vietnamese (Latin) letters"
        )
    key = match_key(name)
    if not key:
        raise UsageError(f"the alias '{name}' has no letters or digits")
    entries: list[tuple[str, str, list[str]]] = [
        (a.id, a.name, [a.id, a.name, *a.short, *a.aliases]) for a in workspace.registry.agencies
    ] + [(g.id, g.name, [g.id, g.name, *g.aliases]) for g in workspace.registry.groups]
    for entry_id, entry_name, names in entries:
        if any(match_key(existing) == key for existing in names):
            clash = "" if entry_id == agency_id else "; an alias must name one entry"
            raise UsageError(f"'{name}' already names {entry_name} ({entry_id}){clash}")
    _refuse_takeover(workspace, agency_id, name)

    def change(document: Any) -> None:
        for agency in document["agencies"]:
            if agency.get("id") == agency_id:
                if "aliases" in agency:
                    agency["aliases"].append(name)
                else:
                    after = next(k for k in _ALIAS_AFTER if k in agency)
                    position = list(agency).index(after) + 1
                    agency.insert(position, "aliases", [name])
                return
        raise UsageError(f"no agency '{agency_id}' in {location.registry_path}")

    try:
        yamlio.edit(location.registry_path, change)
    except yamlio.ChangedOnDisk:
        raise DataError(
            f"{location.registry_path} changed on disk while the alias was being added; "
            "nothing was written: run the command again"
        ) from None
    return name
