"""``results.yaml``: the indices' published results, read and appended to.

Read outside the workspace's cache: no ledger fact depends on a result (its
own cache item is keyed by its bytes alone).  A workspace without the file has no results, and
reads as it always did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parledger.model.errors import DataError, Problem, ProblemsError, UsageError
from parledger.model.names import match_key
from parledger.model.results import Result, known_index, unknown_index
from parledger.store import cache
from parledger.store.workspace import Location

RESULTS_FILE = "results.yaml"

HEADER = """\
# results.yaml: each index's published result, one a year, with the document that
# published or relayed it (as the ledger cites evidence).  Written by
# 'parledger record-result'; a hand edit is checked by 'parledger validate'.
# The directive's own baseline (metadata.baseline) stays what it quoted.

"""


def results_path(location: Location) -> Path:
    return location.root / RESULTS_FILE


def read(location: Location, ids: Sequence[str], today: dt.date | None = None) -> list[Result]:
    """The workspace's results in file order; none without the file.
    ProblemsError (file:line) when the file is not right.

    Kept as a cache item of its own, keyed by the file's bytes (and the
    year, which decides what is in the future): a warm report or show reads
    no YAML, as a warm status does not."""
    path = results_path(location)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise DataError(f"{path}: cannot read the results ({exc.strerror})") from None
    year = str((today or dt.date.today()).year)
    name = "r-" + cache.key("results", year, " ".join(ids), raw)
    kept = cache.get(name)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == raw:
        return list(kept[1])
    found, problems = _read(path, ids, today)
    if problems:
        raise ProblemsError(problems)
    cache.put(name, (raw, tuple(found)))
    return found


def problems_of(
    location: Location, ids: Sequence[str], today: dt.date | None = None
) -> list[Problem]:
    """What is wrong with the workspace's results.yaml (none without one);
    ``ids``: the indices the workspace knows."""
    return _read(results_path(location), ids, today)[1]


def _read(
    path: Path, ids: Sequence[str], today: dt.date | None
) -> tuple[list[Result], list[Problem]]:
    if not path.is_file():
        return [], []
    # Lazy: YAML and pydantic, for the commands that show results.
    from parledger.store import pipeline, schema

    found, loaded, problems = pipeline.read_file(path, schema.results, None)
    if problems or loaded is None:
        return [], problems
    if found is None:  # an empty file (comments only): no results yet
        return [], []
    this_year = (today or dt.date.today()).year
    seen: dict[tuple[str, int], int] = {}
    for number, result in enumerate(found.results):

        def at(key: str, code: str, message: str, number: int = number) -> Problem:
            line, col = loaded.position(("results", number, key))
            return Problem(str(path), line, col, code, message)

        index = known_index(result.index, ids)
        if index is None:
            problems.append(at("index", "unknown-index", unknown_index(result.index, ids)))
        elif index != result.index:
            problems.append(
                at("index", "index-spelling", f"write the index as '{index}', not '{result.index}'")
            )
        if result.year > this_year:
            problems.append(at("year", "future-year", f"year {result.year} has not come yet"))
        key = (index or result.index, result.year)
        if key in seen:
            line = loaded.position(("results", seen[key]))[0]
            problems.append(
                at("year", "duplicate-result",
                   f"{key[0]} {key[1]} is recorded twice (first at line {line}); keep one")
            )  # fmt: skip
        seen.setdefault(key, number)
    return ([] if problems else list(found.results)), problems


def add(location: Location, result: Result) -> Path:
    """Append ``result`` to results.yaml (created with its header when
    absent); all or nothing, comments and order kept."""
    # Lazy: YAML, only when a result is written.
    from parledger.store import yamlio

    path = results_path(location)
    item = {
        name: value
        for name, value in (
            ("index", result.index),
            ("year", result.year),
            ("rank", result.rank),
            ("of", result.of),
            ("score", result.score),
            ("source", result.source),
            ("source_as_written", result.source_as_written),
            ("note", result.note),
        )
        if value is not None
    }

    def once(held: list[Any]) -> None:
        # Under the write's lock: a result another process recorded since
        # the caller's checks is refused as theirs was.
        for other in held:
            if (
                isinstance(other, dict)
                and match_key(str(other.get("index", ""))) == match_key(result.index)
                and other.get("year") == result.year
            ):
                raise UsageError(
                    f"{result.index} {result.year} is already recorded in {path}; "
                    "nothing was written"
                )

    try:
        yamlio.append_item(path, "results", item, HEADER, check=once)
    except yamlio.ChangedOnDisk:
        raise DataError(
            f"{path} changed on disk while the result was being recorded; nothing was "
            "written: run the command again"
        ) from None
    return path
