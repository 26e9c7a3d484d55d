"""What the recorded results say of a directive's rank targets and baseline.

Pure functions of the models: the directive's baseline (what it quoted) and
targets, and the results recorded since (results.yaml).  The baseline is
never changed by a result; a rank of a year is taken from the results, else
from the baseline when the directive quoted that year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from parledger.model.models import BaselineRank, Target
from parledger.model.results import Result

Verdict = Literal["met", "missed", "not_published"]


@dataclass(frozen=True)
class Rank:
    """One index's rank for one year, and where it was read."""

    index: str
    year: int
    rank: int
    of: int
    score: float | None
    source: str | None  # the document; None: quoted by the directive
    source_as_written: str | None


@dataclass(frozen=True)
class RankCheck:
    """A rank target against the results: met, missed, or not yet published."""

    verdict: Verdict
    rank: Rank | None  # the result of the target's year
    compared: Rank | None  # the rank of the year it is compared to
    missing: tuple[int, ...]  # the years whose result is not recorded


def ranks(baseline: Sequence[BaselineRank], results: Sequence[Result]) -> list[Rank]:
    """Every known rank, the directive's quoted ones first, then the results
    of later years, by index in the baseline's order (results' own order for
    indices the baseline does not quote), then year."""
    order: dict[str, int] = {}
    for quoted in baseline:
        order.setdefault(str(quoted.index), len(order))
    for result in results:
        order.setdefault(result.index, len(order))
    quoted_years = {(str(b.index), b.year) for b in baseline}
    quoted_until: dict[str, int] = {}
    for b in baseline:
        quoted_until[str(b.index)] = max(b.year, quoted_until.get(str(b.index), b.year))
    known = [Rank(str(b.index), b.year, b.rank, b.of, None, None, None) for b in baseline] + [
        Rank(r.index, r.year, r.rank, r.of, r.score, r.source, r.source_as_written)
        for r in results
        if (r.index, r.year) not in quoted_years and r.year > quoted_until.get(r.index, 0)
    ]
    return sorted(known, key=lambda rank: (order[rank.index], rank.year))


def rank_of(index: str, year: int, known: Sequence[Rank]) -> Rank | None:
    """The rank of ``index`` in ``year``: recorded, else as quoted."""
    found = [rank for rank in known if rank.index == index and rank.year == year]
    recorded = [rank for rank in found if rank.source is not None]
    return next(iter(recorded or found), None)


def check(target: Target, baseline: Sequence[BaselineRank], results: Sequence[Result]) -> RankCheck:
    """The verdict on a rank target (``target.index`` set)."""
    assert target.index is not None and target.by_year is not None
    known = [
        *(Rank(r.index, r.year, r.rank, r.of, r.score, r.source, r.source_as_written)
          for r in results),
        *(Rank(str(b.index), b.year, b.rank, b.of, None, None, None) for b in baseline),
    ]  # fmt: skip
    rank = rank_of(target.index, target.by_year, known)
    compared = (
        rank_of(target.index, target.compared_to, known) if target.compared_to is not None else None
    )
    missing = tuple(
        year
        for year, found in ((target.by_year, rank), (target.compared_to, compared))
        if year is not None and found is None
    )
    if rank is None or (target.compared_to is not None and compared is None):
        return RankCheck("not_published", rank, compared, missing)
    value = int(target.value)
    if compared is not None:
        gained = compared.rank - rank.rank
        met = gained >= value if target.comparator == ">=" else gained == value
    else:
        met = rank.rank <= value if target.comparator == "<=" else rank.rank == value
    return RankCheck("met" if met else "missed", rank, compared, missing)
