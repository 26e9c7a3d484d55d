"""Ranks in words: an index's results year by year, and a rank target's verdict.

Shared by the report (table, Markdown, Word) and ``show``, so that every
output says them alike.
"""

from __future__ import annotations

from parledger.model.records import Record
from parledger.present import labels
from parledger.present.labels import Lang


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def step(rank: Record, lang: Lang = Lang.EN) -> str:
    """'19/63 (2024, Công văn số 1487/UBND-NC ngày 21/5/2025)'."""
    vi = lang is Lang.VI
    said = f"{rank['rank']}/{rank['of']}"
    if rank.get("score") is not None:
        said += f", {_number(rank['score'])} " + ("điểm" if vi else "points")
    if rank["quoted"]:
        where = "văn bản nêu" if vi else "quoted by the directive"
    else:
        where = rank.get("source_as_written") or rank["source"]
    year = f"năm {rank['year']}" if vi else str(rank["year"])
    return f"{said} ({year}, {where})"


def progression(record: Record, lang: Lang = Lang.EN) -> str:
    """'PAPI: 12/63 (2023, quoted by the directive) → 19/63 (2024, …)'."""
    return f"{record['index']}: " + " → ".join(step(s, lang) for s in record["steps"])


def target(record: Record, lang: Lang = Lang.EN) -> str:
    """What a rank target asks, in words: 'PAPI 2025: at least 1 place above 2024'."""
    vi = lang is Lang.VI
    value, compared = record["value"], record["compared_to"]
    head = f"{record['index']} {record['year']}: "
    if compared is not None:
        exactly = record["comparator"] == "="
        if vi:
            return (
                head + f"{'tăng đúng' if exactly else 'tăng ít nhất'} {value} bậc so với {compared}"
            )
        places = "place" if value == 1 else "places"
        return head + f"{'exactly' if exactly else 'at least'} {value} {places} above {compared}"
    if record["comparator"] == "=":
        return head + (f"đứng thứ {value}" if vi else f"rank {value}")
    return head + (f"đứng thứ {value} trở lên" if vi else f"rank {value} or better")


def verdict(record: Record, lang: Lang = Lang.EN) -> str:
    """'met: 17/63 (2025, …) against 19/63 (2024, …)', or what is missing."""
    vi = lang is Lang.VI
    said = labels.word(labels.VERDICT, record["verdict"], lang)
    if record["verdict"] == "not_published":
        years = ", ".join(str(year) for year in record["missing"])
        return said + (
            f": chưa ghi kết quả {record['index']} năm {years}"
            if vi
            else f": no {record['index']} result recorded for {years}"
        )
    shown = step(record["rank"], lang)
    if record["compared_rank"] is not None:
        shown += (" so với " if vi else " against ") + step(record["compared_rank"], lang)
    return f"{said}: {shown}"


def target_line(record: Record, lang: Lang = Lang.EN) -> str:
    """One line for a report: task, target, verdict."""
    return f"{record['task']} {record['target']} — {target(record, lang)} — {verdict(record, lang)}"
