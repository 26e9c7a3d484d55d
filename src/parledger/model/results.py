"""The indices' published results, year by year (``results.yaml``).

A directive quotes the ranks it starts from (``metadata.baseline``); the
results published after it are facts of their own, each with the document
that published or relayed it (a Công văn as an office cites it, kept in the
ledger's canonical form).  They never change the baseline: the directive
quoted what it quoted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import field

from parledger.model.docref import evidence_problem
from parledger.model.models import FORBID_EXTRA, MAX_TEXT, model
from parledger.model.names import closest, match_key
from parledger.model.text import unsafe_character

FIRST_YEAR = 1990
"""No index parledger knows was published before; an earlier year is a typo."""


def known_index(text: str, ids: Sequence[str]) -> str | None:
    """The index ``text`` names ('papi', 'Par Index', 'PARINDEX' …) among
    ``ids`` (the workspace's catalog), as the data spells it, or None."""
    wanted = match_key(text)
    return next((index for index in ids if match_key(index) == wanted), None)


def unknown_index(text: str, ids: Sequence[str]) -> str:
    """Why ``text`` is no index, with the nearest names."""
    near = closest(text, list(ids), n=2)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    return f"unknown index '{text}'; {hint}choose one of: {', '.join(ids)}"


@model
class Result:
    """One index's result for one year, as published."""

    __pydantic_config__ = FORBID_EXTRA
    index: str
    year: int
    rank: int
    of: int  # provinces ranked
    score: float | None = None  # where the publication gives one
    source: str  # the document, canonical: 1487/UBND-NC ngày 21/5/2025
    source_as_written: str | None = None  # as typed, when it differs
    note: str | None = None

    def __post_init__(self) -> None:
        if self.year < FIRST_YEAR:
            raise ValueError(f"year {self.year} is before any index was published")
        if self.rank < 1:
            raise ValueError(f"rank {self.rank}: ranks start at 1")
        if self.of < 1:
            raise ValueError(f"of {self.of}: at least one province is ranked")
        if self.rank > self.of:
            raise ValueError(f"rank {self.rank} of {self.of}: a rank cannot exceed how many")
        if self.score is not None and not math.isfinite(self.score):
            raise ValueError(f"score {self.score} is not a finite number")
        problem = evidence_problem(self.source)
        if problem is not None:
            raise ValueError(f"source: {problem}")
        for text, what in ((self.source_as_written, "source_as_written"), (self.note, "note")):
            if text is not None:
                if len(text) > MAX_TEXT:
                    raise ValueError(f"{what} is longer than {MAX_TEXT:,} characters")
                if unsafe_character(text, lines=what == "note") is not None:
                    raise ValueError(f"{what} contains control characters")


@model
class ResultsFile:
    """``results.yaml``."""

    __pydantic_config__ = FORBID_EXTRA
    results: list[Result] = field(default_factory=list)
