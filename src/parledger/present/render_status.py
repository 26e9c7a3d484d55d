"""Rich renderables for where tasks stand: the agency table, the overview, the
report.  Words follow the language (--lang); colour only repeats them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.text import Text

from parledger.model.dates import display
from parledger.model.records import Record
from parledger.model.text import shown
from parledger.present import labels, ranks
from parledger.present.labels import Lang

if TYPE_CHECKING:
    from parledger.model.catalog import IndexCatalog
from parledger.present.render import (
    count_line,
    day,
    fit_columns,
    new_table,
    one_line,
    plural,
)

STYLE = {
    "done_on_time": "green",
    "done_late": "yellow",
    "in_progress": "cyan",
    "overdue": "bold red",
    "not_started": "",
    "not_applicable": "dim",
}


def category(value: str, lang: Lang) -> Text:
    """A category in words; overdue is written in capitals as well as in red."""
    label = labels.word(labels.CATEGORY, value, lang)
    return Text(label.upper() if value == "overdue" else label, style=STYLE.get(value, ""))


def _h(key: str, lang: Lang) -> str:
    return labels.header(key, lang)


def agency_status(
    agency: Record,
    records: Sequence[Record],
    *,
    as_of: str | None,
    lang: Lang = Lang.EN,
    wide: bool = False,
) -> RenderableType:
    """An agency's tasks grouped by index, with a summary line of counts on top."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record["category"]] = counts.get(record["category"], 0) + 1
    leads = sum(1 for record in records if record["lead"])
    stale = sum(1 for record in records if record["stale"])
    vi = lang is Lang.VI
    summary = Text.assemble(
        (agency["name"], "bold"),
        f" ({agency['id']}): ",
        f"{len(records)} nhiệm vụ" if vi else plural(len(records), "task"),
        *(
            part
            for value in STYLE
            if counts.get(value)
            for part in (
                ", ",
                (
                    f"{counts[value]} {labels.word(labels.CATEGORY, value, lang).lower()}",
                    STYLE[value],
                ),
            )
        ),
        (f"; chủ trì {leads}" if vi else f"; lead on {leads}") if leads else "",
        (f"; {stale} chưa báo cáo kỳ này" if vi else f"; {stale} without a report this period")
        if stale
        else "",
        (f" (đến ngày {day(as_of)})" if vi else f" (as of {day(as_of)})") if as_of else "",
        ".",
    )
    parts: list[RenderableType] = [summary]
    for index in dict.fromkeys(record["index"] for record in records):
        table = new_table(title=index)
        table.add_column(_h("task", lang), no_wrap=True)
        if wide:  # an 80-column terminal has no room for it; `show ID` prints it
            table.add_column(_h("title", lang), ratio=2, min_width=10)
        table.add_column(_h("role", lang), no_wrap=True)
        table.add_column(_h("due", lang), no_wrap=True)
        table.add_column(_h("category", lang), no_wrap=True)
        table.add_column("%", justify="right", no_wrap=True)
        table.add_column(_h("last_update", lang), no_wrap=True)
        table.add_column(_h("evidence", lang), ratio=1, min_width=8)
        if wide:
            table.add_column(_h("note", lang), ratio=1, min_width=8)
        for record in records:
            if record["index"] != index:
                continue
            percent = record["percent"]
            cells: list[RenderableType] = [record["task"] + (" *" if record["stale"] else "")]
            if wide:
                cells.append(one_line(record["title"]))
            continuous = labels.word(labels.CADENCE, "continuous", lang)
            table.add_row(
                *cells,
                labels.word(labels.ROLE, record["role"], lang),
                day(record["due"]) or (continuous if record["cadence"] == "continuous" else ""),
                category(record["category"], lang),
                "" if percent is None else str(percent),
                day(record["last_update"]),
                one_line("; ".join(record["evidence"])),
                *([one_line(shown(record.get("note") or ""))] if wide else []),
            )
        parts.append(fit_columns(table))
    for line in _inherited(records, lang):
        parts.append(Text(line, style="dim"))
    if stale:
        parts.append(
            Text(
                "* thường xuyên, chưa có báo cáo trong kỳ"
                if vi
                else "* continuous task with no report in this period",
                style="dim",
            )
        )
    if not records:
        parts.append(
            Text("No task in this selection." if not vi else "Không có nhiệm vụ.", style="dim")
        )
    return Group(*parts)


def _inherited(records: Sequence[Record], lang: Lang) -> list[str]:
    """One line per agency whose tasks these came from (which, since when),
    and one per change after which nobody is named for a task."""
    taken: dict[tuple[str, str], list[str]] = {}
    for record in records:
        if record.get("inherited_from"):
            key = (record["inherited_name"], record["since"] or "")
            taken.setdefault(key, []).append(record["task"])
    vi = lang is Lang.VI
    lines = [
        (
            f"tiếp nhận từ {name} từ ngày {day(since)}: {', '.join(tasks)}"
            if vi
            else f"inherited from {name} since {day(since)}: {', '.join(tasks)}"
        )
        for (name, since), tasks in taken.items()
    ]
    unresolved: dict[str, list[str]] = {}
    for record in records:
        if record.get("unresolved"):
            unresolved.setdefault(record["unresolved"], []).append(record["task"])
    lines += [
        (
            f"chưa rõ cơ quan kế thừa ({why}): {', '.join(tasks)}"
            if vi
            else f"no successor named ({why}): {', '.join(tasks)}"
        )
        for why, tasks in unresolved.items()
    ]
    return lines


def one_after_another(parts: Sequence[RenderableType]) -> RenderableType:
    """Several agencies' tables, a blank line between them."""
    spaced: list[RenderableType] = []
    for part in parts:
        if spaced:
            spaced.append(Text(""))
        spaced.append(part)
    return Group(*spaced)


def chase_table(
    records: Sequence[Record],
    *,
    as_of: dt.date,
    of_category: str | None = None,
    due_by: dt.date | None = None,
    lang: Lang = Lang.EN,
) -> RenderableType:
    """Tasks across agencies, soonest due first: what is overdue and what
    falls due next, each with its agency, its due date, the days late or
    left, the last report and its note (why a task is blocked, say).
    ``of_category``, ``due_by``: what was asked for, for the title."""
    vi = lang is Lang.VI
    title = _chase_title(of_category, due_by, as_of, vi)
    if not records:
        return Text(f"{title}: {'không có nhiệm vụ nào' if vi else 'no task'}.")
    table = new_table(title=title)
    table.add_column(_h("task", lang), no_wrap=True)
    table.add_column(_h("agency", lang), ratio=1, min_width=12)
    table.add_column(_h("due", lang), no_wrap=True)
    table.add_column("Còn/quá" if vi else "Days", justify="right", no_wrap=True)
    table.add_column(_h("category", lang), no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    table.add_column(_h("last_update", lang), no_wrap=True)
    table.add_column(_h("note", lang), ratio=1, min_width=8)
    order = {id(record): at for at, record in enumerate(records)}
    ordered = sorted(records, key=lambda r: (r["due"] is None, r["due"] or "", order[id(r)]))
    for record in ordered:
        percent = record["percent"]
        table.add_row(
            record["task"],
            record["name"],
            day(record["due"]),
            _days(record["due"], as_of, vi),
            category(record["category"], lang),
            "" if percent is None else str(percent),
            day(record["last_update"]),
            shown(record.get("note") or ""),  # on its one line, as history shows it
        )
    count = (
        f"{len(records)} nhiệm vụ của {len({r['agency'] for r in records})} cơ quan"
        if vi
        else f"{plural(len(records), 'task')} of "
        f"{plural(len({r['agency'] for r in records}), 'agency', 'agencies')}"
    )
    return Group(fit_columns(table), Text(count, style="dim"))


def _chase_title(category: str | None, due_by: dt.date | None, as_of: dt.date, vi: bool) -> str:
    parts = []
    if category is not None:
        parts.append(labels.word(labels.CATEGORY, category, Lang.VI if vi else Lang.EN))
    if due_by is not None:
        by = display(due_by)
        parts.append(f"quá hạn hoặc đến hạn trước {by}" if vi else f"overdue or due by {by}")
    title = "; ".join(parts)
    at = display(as_of)
    return title[:1].upper() + title[1:] + (f" (đến ngày {at})" if vi else f" (as of {at})")


def _days(due: str | None, as_of: dt.date, vi: bool) -> str:
    """Days late or left at the day the data is judged on ("12 late", "3 left")."""
    if due is None:
        return ""
    late = (as_of - dt.date.fromisoformat(due)).days
    if late > 0:
        return f"quá {late}" if vi else f"{late} late"
    if late == 0:
        return "hôm nay" if vi else "today"
    return f"còn {-late}" if vi else f"{-late} left"


# Overview headers, short enough for 80 columns.
SHORT = {
    "done_on_time": ("Done\non time", "Đúng\nhạn"),
    "done_late": ("Done\nlate", "Quá\nhạn HT"),
    "in_progress": ("In\nprogress", "Đang\nTH"),
    "overdue": ("Over-\ndue", "Quá\nhạn"),
    "not_started": ("Not\nstarted", "Chưa\nTH"),
}
_TOTALED = ["tasks", *STYLE, "stale"]


def overview_table(
    records: Sequence[Record],
    *,
    as_of: str | None,
    lang: Lang = Lang.EN,
    wide: bool = False,
    width: int | None = None,
    other_names: Mapping[str, tuple[Sequence[str], Sequence[str]]] | None = None,
) -> RenderableType:
    """One row per agency, grouped by kind, with totals at the bottom.

    ``width``: the terminal's, when the table must fit it; an agency whose
    name would wrap is then named by the longest of its short forms, else of
    its other names, that fits ("Sở KH&ĐT"; "Khoái Châu" under
    the districts' heading), as documents abbreviate them."""
    if width is None or not other_names:
        return _overview_table(records, as_of=as_of, lang=lang, wide=wide)
    full = _overview_table(records, as_of=as_of, lang=lang, wide=wide)
    longest = max((cell_len(record["name"]) for record in records), default=0)
    measured = Console(width=10_000).measure(full).maximum
    if measured <= width:
        return full
    budget = max(longest - (measured - width), 12)
    names = {
        record["agency"]: _fitted_name(
            record["name"], *other_names.get(record["agency"], ((), ())), budget
        )
        for record in records
    }
    return _overview_table(records, as_of=as_of, lang=lang, wide=wide, names=names)


def _fitted_name(name: str, shorts: Sequence[str], aliases: Sequence[str], budget: int) -> str:
    if cell_len(name) <= budget:
        return name
    # The longest that fits says the most: "Sở KH&ĐT" before "SKHĐT".
    for forms in (shorts, aliases):
        fitting = [form for form in forms if cell_len(form) <= budget]
        if fitting:
            return max(fitting, key=cell_len)
    shorter = [form for form in (*shorts, *aliases) if cell_len(form) < cell_len(name)]
    return min(shorter, key=cell_len, default=name)


def _overview_table(
    records: Sequence[Record],
    *,
    as_of: str | None,
    lang: Lang,
    wide: bool,
    names: dict[str, str] | None = None,
) -> RenderableType:
    vi = lang is Lang.VI
    title = None
    if as_of:
        title = f"Đến ngày {day(as_of)}" if vi else f"As of {day(as_of)}"
    table = new_table(title=title)
    table.add_column(_h("agency", lang), ratio=1, min_width=12, overflow="fold")
    table.add_column("NV" if vi else "Tasks", justify="right")
    for value, pair in SHORT.items():
        table.add_column(pair[1] if vi else pair[0], justify="right", style=STYLE[value])
    if wide:
        table.add_column("N/A" if not vi else "KAD", justify="right")
        table.add_column("Chưa\nBC kỳ" if vi else "No report\nthis period", justify="right")
    table.add_column("HT\n%" if vi else "Done\n%", justify="right")
    table.add_column("Cập\nnhật" if vi else "Last\nupdate", no_wrap=True)
    totals = dict.fromkeys(_TOTALED, 0)
    group = None
    for record in records:
        if record["group"] != group:
            group = record["group"]
            table.add_row(Text(labels.word(labels.GROUP, group, lang), style="bold underline"))
        for key in totals:
            totals[key] += record[key]
        extra = [str(record["not_applicable"]), str(record["stale"])] if wide else []
        table.add_row(
            names[record["agency"]] if names else record["name"],
            str(record["tasks"]),
            *(str(record[v]) for v in SHORT),
            *extra,
            "" if record["completion"] is None else str(record["completion"]),
            day(record["last_update"]),
        )
    table.add_section()
    done = totals["done_on_time"] + totals["done_late"]
    applicable = totals["tasks"] - totals["not_applicable"]
    extra = [str(totals["not_applicable"]), str(totals["stale"])] if wide else []
    table.add_row(
        Text("Tổng" if vi else "Total", style="bold"),
        str(totals["tasks"]),
        *(str(totals[v]) for v in SHORT),
        *extra,
        str(round(100 * done / applicable)) if applicable else "",
        "",
    )
    count = f"{len(records)} cơ quan có nhiệm vụ" if vi else None
    return Group(
        table,
        Text(count, style="dim")
        if count
        else count_line(len(records), "agency owes", "agencies owe", " tasks"),
    )


def _results_table(results: list[Record], vi: bool) -> list[RenderableType]:
    """A column a year, the directive's quoted rank first; the documents under it."""
    years = sorted({step["year"] for r in results for step in r["steps"]})
    quoted = {step["year"] for r in results for step in r["steps"] if step["quoted"]}
    table = new_table(title=labels.RESULTS_SHORT[vi])
    table.add_column("Chỉ số" if vi else "Index")
    for year in years:
        said = (" (văn bản nêu)" if vi else " (quoted)") if year in quoted else ""
        table.add_column(f"{year}{said}", justify="right")
    sources: dict[str, list[str]] = {}
    for record in results:
        by_year = {step["year"]: step for step in record["steps"]}
        cells = []
        for year in years:
            step = by_year.get(year)
            if step is None:
                cells.append("")
                continue
            score = f" ({step['score']:g})" if step.get("score") is not None else ""
            cells.append(f"{step['rank']}/{step['of']}{score}")
            if not step["quoted"]:
                source = step.get("source_as_written") or step["source"]
                sources.setdefault(source, []).append(f"{record['index']} {year}")
        table.add_row(record["index"], *cells)
    cited = [
        Text(f"{'Nguồn' if vi else 'Source'}: {source} ({', '.join(what)})", style="dim")
        for source, what in sources.items()
    ]
    return [table, *cited]


def report_view(
    report: Record, lang: Lang = Lang.EN, catalog: IndexCatalog | None = None
) -> RenderableType:
    """The roll-up as an office would read it."""
    vi = lang is Lang.VI
    period = report["period"]
    kind = labels.word(labels.PERIOD_KIND, period["kind"], lang)
    parts: list[RenderableType] = [
        Text(report["directive"]["subject"], style="bold"),
        Text(
            (
                f"Kỳ báo cáo {period['label']} ({kind}): số liệu từ {day(period['start'])} "
                f"đến {day(period['end'])}; hạn báo cáo {day(period['due'])}."
            )
            if vi
            else (
                f"Reporting period {period['label']} ({kind}): data from {day(period['start'])} "
                f"to {day(period['end'])}; report due {day(period['due'])}."
            )
        ),
    ]
    baseline = new_table(
        title="Kết quả năm trước (văn bản nêu)" if vi else "Baseline quoted by the directive"
    )
    for header in (
        ("Chỉ số", "Năm", "Xếp hạng", "Thay đổi") if vi else ("Index", "Year", "Rank", "Change")
    ):
        baseline.add_column(header, justify="left" if header in ("Index", "Chỉ số") else "right")
    for rank in report["baseline"]:
        change = rank["change"]
        baseline.add_row(
            rank["index"], str(rank["year"]), f"{rank['rank']}/{rank['of']}", f"{change:+d}"
        )
    if report["baseline"]:  # a directive may quote none
        parts.append(baseline)
    if report.get("results") or report.get("rank_targets"):
        lang_ = Lang.VI if vi else Lang.EN
        if report.get("results"):
            parts += _results_table(report["results"], vi)
        if report.get("rank_targets"):
            parts.append(Text(labels.RANK_TARGETS_TITLE[vi], style="bold"))
            parts += [Text("  " + ranks.target_line(t, lang_)) for t in report["rank_targets"]]
    index_rows = [(r, r["key"]) for r in report["rollups"] if r["section"] == "index"]
    sections = [("Theo chỉ số" if vi else "By index", index_rows)] if index_rows else []
    if index_rows:
        index_rows.append((report["total"], "Tổng" if vi else "Total"))
    sections += [
        (labels.dimension_title(index, vi), named)
        for index, named in labels.dimension_groups(report["rollups"], catalog, vi)
    ]
    for title, named in sections:
        table = new_table(title=title)
        table.add_column("", overflow="fold", ratio=1, min_width=12)
        for key in ("tasks", "obligations", "done", "overdue", "completion"):
            table.add_column(_h(key, lang), justify="right")
        for row, name in named:
            table.add_row(
                name,
                str(row["tasks"]),
                str(row["obligations"]),
                str(row["done"]),
                Text(str(row["overdue"]), style="bold red" if row["overdue"] else ""),
                "" if row["completion"] is None else str(row["completion"]),
            )
        parts.append(table)
    parts.append(_behind_table(report["behind"], lang))
    stale = report["stale"]
    heading = (
        "Nhiệm vụ thường xuyên chưa có báo cáo trong kỳ"
        if vi
        else "Continuous tasks with no report in the period"
    )
    if stale:
        table = new_table(title=f"{heading} ({len(stale)})")
        table.add_column(_h("task", lang), no_wrap=True)
        table.add_column(_h("agency", lang), overflow="fold")
        table.add_column(_h("last_update", lang), no_wrap=True)
        for row in stale:
            table.add_row(row["task"], row["name"], day(row["last_update"]))
        parts.append(table)
    else:
        parts.append(Text(f"{heading}: {'không có' if vi else 'none'}.", style="dim"))
    return Group(*parts)


def _behind_table(behind: Sequence[Record], lang: Lang) -> RenderableType:
    vi = lang is Lang.VI
    heading = labels.BEHIND[vi]
    if not behind:
        return Text(f"{heading}: {'không có' if vi else 'none'}.", style="dim")
    table = new_table(title=heading)
    table.add_column(_h("agency", lang), ratio=1, min_width=12, overflow="fold")
    table.add_column(_h("tasks", lang), justify="right")
    table.add_column(_h("overdue", lang), justify="right")
    table.add_column("Chưa BC kỳ" if vi else "No report", justify="right")
    table.add_column(_h("completion", lang), justify="right")
    table.add_column(_h("last_update", lang), no_wrap=True)
    for row in behind:
        table.add_row(
            row["name"],
            str(row["tasks"]),
            Text(str(row["overdue"]), style="bold red" if row["overdue"] else ""),
            str(row["stale"]),
            "" if row["completion"] is None else str(row["completion"]),
            day(row["last_update"]),
        )
    return table
