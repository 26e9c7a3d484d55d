"""The indices' results: recording one, listing them, and setting them beside
the directive's quoted baseline and its rank targets (report, show)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from parledger.model.docref import read_evidence, shown_evidence
from parledger.model.errors import UsageError
from parledger.model.models import Directive, Node
from parledger.model.records import Record
from parledger.model.results import Result, known_index, unknown_index
from parledger.rules.ranks import Rank, check, ranks
from parledger.store import results as kept
from parledger.store.workspace import Location


def parse_index(text: str, ids: Sequence[str]) -> str:
    """The index a user typed, among ``ids`` (the workspace's catalog), as
    the data spells it; UsageError with the nearest names otherwise."""
    found = known_index(text, ids)
    if found is None:
        raise UsageError(unknown_index(text, ids))
    return found


def listing(location: Location, ids: Sequence[str], *, index: str | None = None) -> list[Record]:
    """The recorded results, by index then year (one index with ``index``);
    ``ids``: the indices the workspace knows."""
    wanted = parse_index(index, ids) if index is not None else None
    found = [r for r in kept.read(location, ids) if wanted is None or r.index == wanted]
    order = {name: at for at, name in enumerate(dict.fromkeys(r.index for r in found))}
    return [
        {
            "index": r.index,
            "year": r.year,
            "rank": r.rank,
            "of": r.of,
            "score": r.score,
            "source": shown_evidence(r.source),
            "source_as_written": r.source_as_written or r.source,
            "note": r.note,
        }
        for r in sorted(found, key=lambda r: (order[r.index], r.year))
    ]


def record(
    location: Location,
    ids: Sequence[str],
    *,
    index: str,
    year: int,
    rank: int,
    of: int,
    source: str,
    score: float | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> Record:
    """Append one published result to results.yaml, after every check: a
    known index, a year that has come, 1 ≤ rank ≤ of, a source cited as
    offices cite documents, and no result already recorded for that index
    and year.  Nothing is written when any fails (UsageError)."""
    location.writable()
    name = parse_index(index, ids)
    this_year = (today or dt.date.today()).year
    if year > this_year:
        raise UsageError(f"--year {year} has not come yet: record a result once it is published")
    if rank < 1:
        raise UsageError(f"--rank {rank}: ranks start at 1")
    if of < 1:
        raise UsageError(f"--of {of}: at least one province is ranked")
    if rank > of:
        raise UsageError(f"--rank {rank} --of {of}: a rank cannot exceed how many were ranked")
    cited = read_evidence(source)
    if cited.date is not None and cited.date.year < year:
        raise UsageError(
            f"--source is dated {cited.date:%d/%m/%Y}, before the {year} it reports on; "
            "check the year or the document"
        )
    existing = kept.read(location, ids, today)
    for held in existing:
        if (held.index, held.year) == (name, year):
            raise UsageError(
                f"{name} {year} is already recorded ({held.rank}/{held.of}, "
                f"{shown_evidence(held.source)}) in {kept.results_path(location)}; "
                "a published result does not change: to correct a typing slip, edit that "
                "file and run 'parledger validate'"
            )
    try:
        result = Result(
            index=name,
            year=year,
            rank=rank,
            of=of,
            score=score,
            source=cited.canonical,
            source_as_written=cited.written if cited.written != cited.canonical else None,
            note=" ".join(note.split()) if note else None,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    path = kept.add(location, result)
    return {
        "index": result.index,
        "year": result.year,
        "rank": result.rank,
        "of": result.of,
        "score": result.score,
        "source": result.source,
        "source_as_written": result.source_as_written,
        "file": str(path),
    }


def _step(rank: Rank) -> Record:
    return {
        "year": rank.year,
        "rank": rank.rank,
        "of": rank.of,
        "score": rank.score,
        "source": shown_evidence(rank.source) if rank.source is not None else None,
        "source_as_written": rank.source_as_written,
        "quoted": rank.source is None,
    }


def progression(
    directive: Directive, results: Sequence[Result], *, index: str | None = None
) -> list[Record]:
    """Per index: the rank the directive quotes, then each later result recorded."""
    by_index: dict[str, list[Record]] = {}
    for rank in ranks(directive.metadata.baseline, results):
        if index is None or rank.index == index:
            by_index.setdefault(rank.index, []).append(_step(rank))
    return [{"index": name, "steps": steps} for name, steps in by_index.items()]


def rank_targets(
    directive: Directive, results: Sequence[Result], nodes: Sequence[Node] | None = None
) -> list[Record]:
    """Each rank target of ``nodes`` (default: every item) with its verdict."""
    checked = []
    for node in directive.outline if nodes is None else nodes:
        for target in node.targets:
            if target.index is None or target.by_year is None:
                continue
            verdict = check(target, directive.metadata.baseline, results)
            checked.append(
                {
                    "task": node.id,
                    "target": target.id,
                    "index": target.index,
                    "year": target.by_year,
                    "compared_to": target.compared_to,
                    "comparator": target.comparator,
                    "value": int(target.value),
                    "what": target.what,
                    "quote": target.quote,
                    "verdict": verdict.verdict,
                    "rank": _step(verdict.rank) if verdict.rank else None,
                    "compared_rank": _step(verdict.compared) if verdict.compared else None,
                    "missing": list(verdict.missing),
                }
            )
    return checked
