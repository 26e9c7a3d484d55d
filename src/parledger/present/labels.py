"""Words shown to people, in English or Vietnamese (--lang, $PARLEDGER_LANG).

Only what people read is translated: table headers, column headers of CSV,
Markdown and Excel files, status and category words.  JSON keys and values
stay the stable English codes scripts rely on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from parledger.model.errors import UsageError
from parledger.model.records import Record

if TYPE_CHECKING:
    from parledger.model.catalog import IndexCatalog

ENV_VAR = "PARLEDGER_LANG"


class Lang(StrEnum):
    EN = "en"
    VI = "vi"


def resolve(lang: str | None) -> Lang:
    """--lang, else $PARLEDGER_LANG, else English."""
    value = (lang or os.environ.get(ENV_VAR) or "en").strip().lower()
    try:
        return Lang(value)
    except ValueError:
        raise UsageError(f"unknown language '{value}'; use 'vi' or 'en'") from None


# The categories as Vietnamese offices' task-tracking systems name them.
CATEGORY = {
    "done_on_time": ("done on time", "Hoàn thành đúng hạn"),
    "done_late": ("done late", "Hoàn thành quá hạn"),
    "in_progress": ("in progress", "Đang thực hiện trong hạn"),
    "overdue": ("overdue", "Quá hạn"),
    "not_started": ("not started", "Chưa thực hiện"),
    "not_applicable": ("n/a", "Không áp dụng"),
}

STATUS = {
    "not_started": ("not started", "Chưa thực hiện"),
    "in_progress": ("in progress", "Đang thực hiện"),
    "done": ("done", "Hoàn thành"),
    "blocked": ("blocked", "Vướng mắc"),
    "not_applicable": ("not applicable", "Không áp dụng"),
}

ROLE = {
    "lead": ("lead", "chủ trì"),
    "support": ("support", "phối hợp"),
    "implement": ("implement", "thực hiện"),
    "group": ("group", "theo nhóm"),
    "named": ("named", "được nêu tên"),
    "addressee": ("addressee", "được giao"),
    "inherited": ("inherited", "tiếp nhận"),
}

HEADER = {
    "directive": ("Directive", "Văn bản"),
    "agency": ("Agency", "Cơ quan"),
    "agency_id": ("Agency id", "Mã cơ quan"),
    "name": ("Name", "Tên"),
    "kind": ("Kind", "Loại"),
    "short": ("Short", "Viết tắt"),
    "group": ("Group", "Nhóm"),
    "task": ("Task", "Nhiệm vụ"),
    "id": ("Id", "Mã"),
    "index": ("Index", "Chỉ số"),
    "dimension": ("Dimension", "Nội dung"),
    "title": ("Title", "Tên nhiệm vụ"),
    "role": ("Role", "Vai trò"),
    "roles": ("Roles", "Các vai trò"),
    "lead": ("Lead", "Chủ trì"),
    "due": ("Due", "Hạn"),
    "status": ("Status", "Tình trạng"),
    "percent": ("%", "%"),
    "value": ("Value", "Giá trị"),
    "target": ("Target", "Chỉ tiêu"),
    "category": ("Category", "Phân loại"),
    "last_update": ("Last update", "Cập nhật"),
    "evidence": ("Evidence", "Tài liệu kiểm chứng"),
    "entry": ("Entry", "Bản ghi"),
    "cadence": ("Cadence", "Tần suất"),
    "stale": ("No report this period", "Chưa báo cáo kỳ này"),
    "tasks": ("Tasks", "Số nhiệm vụ"),
    "obligations": ("Owed", "Lượt giao"),
    "done": ("Done", "Hoàn thành"),
    "done_on_time": ("Done on time", "Hoàn thành đúng hạn"),
    "done_late": ("Done late", "Hoàn thành quá hạn"),
    "in_progress": ("In progress", "Đang thực hiện trong hạn"),
    "overdue": ("Overdue", "Quá hạn"),
    "not_started": ("Not started", "Chưa thực hiện"),
    "not_applicable": ("N/A", "Không áp dụng"),
    "completion": ("Done %", "Tỷ lệ HT %"),
    "section": ("Section", "Mục"),
    "key": ("Key", "Mã"),
    "label": ("Label", "Nội dung"),
    "recorded": ("Recorded", "Thời điểm ghi"),
    "by": ("By", "Người ghi"),
    "party": ("Agency", "Cơ quan"),
    "date": ("Date", "Ngày"),
    "details": ("Details", "Chi tiết"),
    "note": ("Note", "Ghi chú"),
    "parent": ("Parent", "Mục cha"),
    "agencies": ("Agencies", "Các cơ quan"),
    "refs": ("Footnotes", "Chú thích"),
    "documents": ("Documents", "Văn bản"),
    "targets": ("Targets", "Chỉ tiêu"),
    "text": ("Text", "Nội dung"),
    "type": ("Type", "Loại văn bản"),
    "issuer": ("Issuer", "Cơ quan ban hành"),
    "footnotes": ("Footnotes", "Chú thích"),
}


# What a ledger entry says, as history writes it: the columns' words (HEADER),
# never the ledger's field names ("fact_date" is the corrected "date").
FIELD = {
    "date": ("date", "ngày"),
    "status": ("status", "tình trạng"),
    "percent": ("percent", "tỷ lệ"),
    "value": ("value", "giá trị"),
    "target": ("target", "chỉ tiêu"),
    "evidence": ("evidence", "tài liệu kiểm chứng"),
    "role": ("role", "vai trò"),
    "due": ("due", "hạn"),
    "agency": ("agency", "cơ quan"),
    "group": ("group", "nhóm"),
    "note": ("note", "ghi chú"),
    "reason": ("reason", "lý do"),
    "corrects": ("corrects", "đính chính"),
    "withdraws": ("withdraws", "hủy"),
}

# The kinds of ledger entry; in English the commands that write them.
KIND = {
    "assign": ("assign", "giao"),
    "unassign": ("unassign", "thôi giao"),
    "progress": ("progress", "tiến độ"),
    "correction": ("correction", "đính chính"),
}

# Sentences of the audit trail, with their blanks.
TRAIL = {
    "recorded": ("recorded {when} by {who}", "ghi lúc {when}, người ghi: {who}"),
    "entries": ("{n} entries", "{n} bản ghi"),
    "entry": ("{n} entry", "{n} bản ghi"),
}


def parse(table: dict[str, tuple[str, str]], text: str) -> str | None:
    """The key a person means by ``text``: the key itself ("in_progress"), or
    the English or the Vietnamese word parledger prints for it ("in
    progress", "Đang thực hiện"), in any case, with or without tone marks;
    None when it is none of them."""
    # Lazy: names imports the models, which --help never loads (labels is
    # imported by every command through the exporters).
    from parledger.model.names import match_key

    wanted = match_key(text)
    if not wanted:
        return None
    for key, words in table.items():
        if wanted in {match_key(key), *(match_key(w) for w in words)}:
            return key
    return None


def spelled(table: dict[str, tuple[str, str]]) -> str:
    """The keys and their Vietnamese words, for a message: 'done (Hoàn thành), …'."""
    return ", ".join(f"{key} ({words[1]})" for key, words in table.items())


# The report's section on the agencies furthest behind: (English, Vietnamese).
BEHIND = (
    "Furthest behind (most overdue, then most without a report)",
    "Cơ quan chậm nhất (nhiều nhiệm vụ quá hạn, chưa báo cáo nhất)",
)


def word(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    """A key's word in the language; an unknown key is shown as it is."""
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang is Lang.EN else pair[1]


def header(key: str, lang: Lang) -> str:
    return word(HEADER, key, lang)


def dimension_groups(
    rollups: Sequence[Record], catalog: IndexCatalog | None, vi: bool
) -> list[tuple[str | None, list[tuple[Record, str]]]]:
    """A report's dimension roll-ups by the index each dimension belongs to
    (in the report's order), each row with its dimension's name in the
    language, from the catalog (indices.yaml); the index is None for rows
    the catalog does not place, named by their ids."""
    groups: dict[str | None, list[tuple[Record, str]]] = {}
    for row in rollups:
        if row["section"] != "dimension":
            continue
        index = catalog.dimension_index.get(row["key"]) if catalog is not None else None
        name = catalog.dimension_name(row["key"], vi) if catalog is not None else row["key"]
        groups.setdefault(index, []).append((row, name))
    return list(groups.items())


def dimension_title(index: str | None, vi: bool) -> str:
    """The heading of one index's dimension roll-up: "By PAPI dimension"."""
    if index is None:
        return "Theo nội dung" if vi else "By dimension"
    return f"Theo nội dung {index}" if vi else f"By {index} dimension"


PERIOD_KIND = {
    "quarter": ("quarter", "quý"),
    "six-month": ("six months", "6 tháng"),
    "year": ("year", "năm"),
}

GROUP = {
    "departments": ("Departments", "Sở, ban, ngành"),
    "districts": ("District UBNDs", "UBND cấp huyện"),
    "communes": ("Commune UBNDs", "UBND cấp xã"),
    "other bodies": ("Other bodies", "Cơ quan khác"),
    "ended": ("No longer existing", "Không còn tồn tại"),
}

# Values translated in files for people (CSV with --lang vi, Markdown, Excel).
VALUE_TABLES = {"category": CATEGORY, "status": STATUS, "role": ROLE, "group": GROUP}

CADENCE = {
    "continuous": ("continuous", "thường xuyên"),
    "annual": ("annual", "hằng năm"),
    "periodic": ("periodic", "định kỳ"),
}


# A rank target against the results recorded (parledger.rules.ranks).
VERDICT = {
    "met": ("met", "đạt"),
    "missed": ("missed", "không đạt"),
    "not_published": ("not yet published", "chưa công bố kết quả"),
}

# The report's section on results by year: (English, Vietnamese).
RESULTS_TITLE = (
    "Results by year (the directive's baseline, then each result recorded)",
    "Kết quả các năm (văn bản nêu, sau đó kết quả đã công bố)",
)
RESULTS_SHORT = ("Results by year", "Kết quả các năm")
RANK_TARGETS_TITLE = ("Rank targets", "Chỉ tiêu xếp hạng")
