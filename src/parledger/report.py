"""The roll-up an office pastes into its periodic report.

Per index (PAR INDEX, SIPAS, PAPI) and per PAPI dimension: how many items,
how many (item, agency) obligations, how many done, overdue, and the share
done; the baseline ranks the directive quotes; and, for continuous tasks,
which agencies sent no report in the period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from parledger import labels
from parledger.dates import display
from parledger.labels import Lang
from parledger.models import Dimension, Index, plain
from parledger.status import Category, Scope, completion, rows
from parledger.workspace import Workspace

Record = dict[str, Any]

_COUNTS = [c.value for c in Category]


def _rollup(section: str, key: str, selected: list[Record]) -> Record:
    counts: Record = {
        "section": section,
        "key": key,
        "tasks": len({row["task"] for row in selected}),
        "obligations": len(selected),
        **{name: 0 for name in _COUNTS},
        "done": 0,
        "stale": sum(1 for row in selected if row["stale"]),
    }
    for row in selected:
        counts[row["category"]] += 1
    counts["done"] = counts[Category.DONE_ON_TIME.value] + counts[Category.DONE_LATE.value]
    counts["completion"] = completion({**counts, "tasks": counts["obligations"]})
    return counts


def build(workspace: Workspace, scope: Scope, *, today: dt.date | None = None) -> Record:
    """The whole report as one record: period, baseline, roll-ups, missing reports."""
    window = scope.window(today)
    selected = rows(workspace, scope, today=today)
    meta = workspace.directive.metadata
    by_index = [
        _rollup("index", index.value, [r for r in selected if r["index"] == index.value])
        for index in Index
        if scope.index in (None, index)
    ]
    by_dimension = [
        _rollup("dimension", dim.value, [r for r in selected if dim.value in r["dimension"]])
        for dim in Dimension
        if scope.index in (None, Index.PAPI) and scope.dimension in (None, dim)
    ]
    return {
        "directive": {
            "id": workspace.directive.id,
            "number": meta.number_as_printed,
            "subject": meta.subject,
        },
        "period": {
            "label": window.label,
            "kind": window.kind,
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "due": window.due.isoformat(),
        },
        "as_of": scope.cutoff(today).isoformat(),
        "baseline": [plain(b) for b in meta.baseline],
        "rollups": [*by_index, *by_dimension],
        "total": _rollup("total", "all", selected),
        "stale": [
            {
                "task": r["task"],
                "agency": r["agency"],
                "name": r["name"],
                "title": r["title"],
                "last_update": r["last_update"],
            }
            for r in selected
            if r["stale"]
        ],
    }


def markdown(report: Record, lang: Lang = Lang.EN) -> str:
    """The report as Markdown an office can paste: headings, tables, a list."""
    from parledger.export import localise, to_markdown

    vi = lang is Lang.VI
    period = report["period"]
    kind = labels.word(labels.PERIOD_KIND, period["kind"], lang)
    lines = [
        f"# {report['directive']['subject']}",
        "",
        (
            f"Kỳ báo cáo **{period['label']}** ({kind}): số liệu từ {display_iso(period['start'])} "
            f"đến {display_iso(period['end'])}; hạn báo cáo {display_iso(period['due'])}."
        )
        if vi
        else (
            f"Reporting period **{period['label']}** ({kind}): data from "
            f"{display_iso(period['start'])} to {display_iso(period['end'])}; "
            f"report due {display_iso(period['due'])}."
        ),
        "",
        "## " + ("Kết quả năm trước (văn bản nêu)" if vi else "Baseline quoted by the directive"),
        "",
    ]
    for rank in report["baseline"]:
        lines.append(f"- {rank['wording']}.")
    columns = ["key", "tasks", "obligations", "done", "overdue", "completion"]
    names = [labels.header("label", lang)] + [labels.header(c, lang) for c in columns[1:]]
    for section, title in (
        ("index", "Theo chỉ số" if vi else "By index"),
        ("dimension", "Theo nội dung PAPI" if vi else "By PAPI dimension"),
    ):
        rows = [dict(r) for r in report["rollups"] if r["section"] == section]
        if not rows:
            continue
        if section == "index":
            rows.append({**report["total"], "key": "Tổng" if vi else "Total"})
        for row in rows:
            if section == "dimension":
                row["key"] = labels.word(labels.DIMENSION, row["key"], lang)
        lines += [
            "",
            f"## {title}",
            "",
            to_markdown(localise(rows, lang), columns, names=names).rstrip(),
        ]
    heading = (
        "Nhiệm vụ thường xuyên chưa có báo cáo trong kỳ"
        if vi
        else "Continuous tasks with no report in the period"
    )
    lines += ["", f"## {heading}", ""]
    if not report["stale"]:
        lines.append("Không có." if vi else "None.")
    for row in report["stale"]:
        last = (
            display_iso(row["last_update"])
            if row["last_update"]
            else ("chưa có" if vi else "never")
        )
        lines.append(
            f"- {row['task']} — {row['name']} ({labels.header('last_update', lang)}: {last})"
        )
    return "\n".join(lines) + "\n"


def display_iso(iso: str) -> str:
    return display(dt.date.fromisoformat(iso))
