"""The periodic report (:func:`parledger.track.report.build`) as Markdown an
office pastes into its own report, in Vietnamese or English."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from parledger.model.dates import display
from parledger.model.records import Record
from parledger.present import labels, ranks
from parledger.present.export import localise, to_markdown
from parledger.present.labels import Lang

if TYPE_CHECKING:
    from parledger.model.catalog import IndexCatalog


def markdown(report: Record, lang: Lang = Lang.EN, catalog: IndexCatalog | None = None) -> str:
    """The report as Markdown an office can paste: headings, tables, a list."""
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
    ]
    if report["baseline"]:  # a directive may quote none
        title = "Kết quả năm trước (văn bản nêu)" if vi else "Baseline quoted by the directive"
        lines += ["", f"## {title}", ""]
    for rank in report["baseline"]:
        lines.append(f"- {rank['wording']}.")
    if report.get("results"):
        lines += ["", f"## {labels.RESULTS_TITLE[vi]}", ""]
        lines += [f"- {ranks.progression(r, lang)}" for r in report["results"]]
    if report.get("rank_targets"):
        lines += ["", f"## {labels.RANK_TARGETS_TITLE[vi]}", ""]
        lines += [f"- {ranks.target_line(t, lang)}" for t in report["rank_targets"]]
    columns = ["key", "tasks", "obligations", "done", "overdue", "completion"]
    names = [labels.header("label", lang)] + [labels.header(c, lang) for c in columns[1:]]
    index_rows = [dict(r) for r in report["rollups"] if r["section"] == "index"]
    sections = [("Theo chỉ số" if vi else "By index", index_rows)] if index_rows else []
    if index_rows:
        index_rows.append({**report["total"], "key": "Tổng" if vi else "Total"})
    sections += [
        (labels.dimension_title(index, vi), [{**row, "key": name} for row, name in named])
        for index, named in labels.dimension_groups(report["rollups"], catalog, vi)
    ]
    for title, rows in sections:
        lines += [
            "",
            f"## {title}",
            "",
            to_markdown(localise(rows, lang), columns, names=names).rstrip(),
        ]
    lines += ["", f"## {labels.BEHIND[vi]}", ""]
    if not report["behind"]:
        lines.append("Không có." if vi else "None.")
    else:
        # The agency is the row's label; dates as offices write them.
        behind = [
            {
                **row,
                "key": row["name"],
                "last_update": display_iso(row["last_update"]) if row["last_update"] else "",
            }
            for row in report["behind"]
        ]
        lines.append(
            to_markdown(
                localise(behind, lang),
                ["key", "tasks", "overdue", "stale", "completion", "last_update"],
                names=[
                    labels.header("agency", lang),
                    *(labels.header(c, lang) for c in ("tasks", "overdue", "stale")),
                    labels.header("completion", lang),
                    labels.header("last_update", lang),
                ],
            ).rstrip()
        )
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
