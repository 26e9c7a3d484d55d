"""The report an office files (:func:`parledger.track.filing.build`) as a Word
document in the national administrative format, Decree 30/2020/NĐ-CP.

The decree's layout, as offices type it: the issuing body and "Số:" top
left and the national motto top right, in a table without borders; the place
and date; the title BÁO CÁO and what it is on; the body; "Nơi nhận:" bottom
left and the signature block bottom right.  A4, margins 20/20/30/15 mm,
Times New Roman; body 14 pt, tables 13 pt, "Nơi nhận" 12/11 pt as the decree
sets them.  Always in Vietnamese: it is a document of Vietnamese offices.

The same record gives the same bytes: the document's dates are the report's
own, and the zip entries carry fixed ones.  This module is imported only for
this format, so python-docx is imported at its top.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Sequence

from docx import Document
from docx.document import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from parledger.model.dates import display
from parledger.model.records import Record, cell
from parledger.present import labels, ranks
from parledger.present.export import stable_zip
from parledger.present.labels import Lang

FONT = "Times New Roman"
BODY = 14  # pt: the decree's 13–14 for the body and the title
SMALL = 13  # pt: the heading block and the tables
TEXT_WIDTH = 165  # mm: A4's 210 less the 30 mm and 15 mm side margins
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
# The decree's own words for a signer's title on its forms, printed when no
# --signer is given: the signer's office types it, and nobody is named.
SIGNER_PLACEHOLDER = "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ"
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
_AFTER_BORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
_UNIT_WORDS = (" tỉnh ", " thành phố ", " thị xã ", " huyện ", " xã ", " phường ")


def document(filed: Record) -> bytes:
    """The filed report as the bytes of a .docx file."""
    doc = Document()
    _page(doc)
    _fonts(doc)
    _heading(doc, filed)
    _title(doc, filed)
    _body(doc, filed)
    _closing(doc, filed)
    signed = dt.datetime.fromisoformat(filed["signed"])
    properties = doc.core_properties
    properties.author = properties.last_modified_by = filed["issuer"]["name"]
    properties.title = "Báo cáo kết quả thực hiện " + _subject(filed)
    properties.subject = _period_words(filed["period"])
    properties.comments = properties.keywords = properties.category = ""
    properties.revision = 1
    properties.created = properties.modified = signed
    _drop_thumbnail(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return stable_zip(buffer.getvalue(), modified=signed)


def _drop_thumbnail(doc: Docx) -> None:
    # python-docx's template carries the picture of its own empty page, which
    # a file manager would show as this report's preview.
    package = doc.part.package
    if package is None:
        return
    rels = package.rels
    for key in [key for key, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[key]


# -- the page and the type ----------------------------------------------------


def _page(doc: Docx) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # The page number: centred at the top, from the second page on.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    number._p.append(field)


def _fonts(doc: Docx) -> None:
    """Times New Roman for every script Word tells apart (Vietnamese is Latin,
    but a run Word takes for another script would fall back to the theme's)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    for rpr in (properties, doc.styles["Normal"].element.get_or_add_rPr()):
        if rpr is None:
            continue
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(script), FONT)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY)
    spacing = normal.paragraph_format
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.line_spacing = 1.0


def _para(
    where: Docx | _Cell,
    text: str = "",
    *,
    size: float = BODY,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    indent: bool = False,
    after: float = 0,
    first: bool = False,
) -> Paragraph:
    """A paragraph of one run; ``first`` uses a cell's own empty paragraph."""
    paragraph = where.paragraphs[0] if first else where.add_paragraph()
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    layout.space_after = Pt(after)
    if indent:
        layout.first_line_indent = Mm(12.7)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)  # the font itself comes from the document's defaults
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    return paragraph


def _rule(where: Docx | _Cell, width_mm: float, length_mm: float) -> None:
    """The short solid line the decree puts under a heading: the top border
    of a thin empty paragraph, indented to the line's length."""
    paragraph = where.add_paragraph()
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        top.set(qn(key), value)
    borders = OxmlElement("w:pBdr")
    borders.append(top)
    # First into the empty properties: Word wants pBdr before the spacing,
    # the indents and the alignment, which python-docx puts in their places.
    paragraph._p.get_or_add_pPr().append(borders)
    layout = paragraph.paragraph_format
    layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.line_spacing = Pt(2)
    side = Mm(max(0.0, (width_mm - length_mm) / 2))
    layout.left_indent = layout.right_indent = side


def _layout_table(doc: Docx, widths_mm: Sequence[float]) -> Table:
    """A table without borders, its columns fixed: how offices place the
    heading and signature blocks side by side."""
    table: Table = doc.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    # Where the schema wants it, or Word calls the file damaged.
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_BORDERS)
    _widths(table, widths_mm)
    return table


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for part, width in zip(row.cells, widths_mm, strict=True):
            part.width = Mm(width)


# -- the heading ----------------------------------------------------------------


_LEFT, _RIGHT = 60.0, 105.0  # mm: the heading's columns
_PADDING = 3.8  # mm: a cell's default left and right margins together


def _heading(doc: Docx, filed: Record) -> None:
    issuer = filed["issuer"]
    table = _layout_table(doc, [_LEFT, _RIGHT])
    left, right = table.rows[0].cells
    first = True
    if issuer["parent"]:
        _para(left, _parent_line(issuer["parent"]), size=SMALL, first=True)
        first = False
    for line in _body_lines(issuer["name"]):
        _para(left, line, size=SMALL, bold=True, first=first)
        first = False
    _rule(left, _LEFT - _PADDING, 20)
    _para(right, MOTTO, size=SMALL, bold=True, first=True)
    _para(right, MOTTO_LINE, size=BODY, bold=True)
    _rule(right, _RIGHT - _PADDING, 60)
    numbers = table.add_row().cells
    _widths(table, [_LEFT, _RIGHT])
    _para(numbers[0], _number_line(filed), size=SMALL, first=True)
    signed = dt.date.fromisoformat(filed["signed"])
    _para(numbers[1], f"{filed['place']}, {_written_date(signed)}", italic=True, first=True)


def _parent_line(name: str) -> str:
    # The decree lets the parent body's line shorten Ủy ban nhân dân to UBND.
    return name.replace("Ủy ban nhân dân", "UBND").upper()


def _body_lines(name: str) -> list[str]:
    """The issuer's name in capitals, written out in full (the decree spells
    the issuer's own name whole), broken before its unit as offices do:
    ỦY BAN NHÂN DÂN / TỈNH HƯNG YÊN."""
    full = name.replace("UBND", "Ủy ban nhân dân", 1) if name.startswith("UBND ") else name
    if full.startswith("Ủy ban nhân dân "):
        for unit in _UNIT_WORDS:
            head, found, tail = full.partition(unit)
            if found and head == "Ủy ban nhân dân":
                return [head.upper(), (unit.strip() + " " + tail).upper()]
    return [full.upper()]


def _number_line(filed: Record) -> str:
    if filed["number"]:
        return f"Số: {filed['number']}"
    code = filed["issuer"]["code"]
    # Left blank for the văn thư, who numbers the document once it is signed.
    return "Số:       /BC-" + (code or "")


def _written_date(day: dt.date) -> str:
    # The decree writes a day below 10 and the months 1 and 2 with a leading 0.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# -- the title ------------------------------------------------------------------


def _title(doc: Docx, filed: Record) -> None:
    _para(doc, "BÁO CÁO", bold=True).paragraph_format.space_before = Pt(18)
    _para(doc, "Kết quả thực hiện " + _subject(filed), bold=True)
    words = _scope_words(filed)
    _para(doc, f"({words[0].upper()}{words[1:]})", bold=True)
    _rule(doc, TEXT_WIDTH, 50)


def _directive(filed: Record) -> str:
    """The directive as a report names it: Công văn số /UBND-NC của …, with
    its number as printed (blank where the source leaves it blank)."""
    source = filed["document"]
    return f"{source['kind']} số {source['reference']} của {source['issuer']}"


def _subject(filed: Record) -> str:
    about = filed["document"]["subject"]
    if about.startswith("V/v "):
        about = "về việc " + about.removeprefix("V/v ")
    return f"{_directive(filed)} {about}"


def _scope_words(filed: Record) -> str:
    """The period, and the index when the report is on one."""
    words = _period_words(filed["period"])
    return f"{words}, Chỉ số {filed['index']}" if filed["index"] else words


def _period_words(period: Record) -> str:
    """2024-Q3 → kỳ báo cáo quý III năm 2024; 2024-H1 → 6 tháng đầu năm 2024."""
    label, kind = period["label"], period["kind"]
    year = label[:4]
    if kind == "quarter":
        return f"kỳ báo cáo quý {_ROMAN[int(label[-1]) - 1]} năm {year}"
    if kind == "six-month":
        return f"kỳ báo cáo 6 tháng đầu năm {year}"
    return f"kỳ báo cáo năm {year}"


# -- the body -------------------------------------------------------------------


def _iso(day: str | None) -> str:
    return display(dt.date.fromisoformat(day[:10])) if day else ""


def _body(doc: Docx, filed: Record) -> None:
    period = filed["period"]
    _para(
        doc,
        f"{filed['issuer']['name']} báo cáo kết quả thực hiện {_subject(filed)}, "
        f"{_scope_words(filed)} (từ ngày {_iso(period['start'])} đến ngày "
        f"{_iso(period['end'])}; số liệu tính đến ngày {_iso(filed['as_of'])}), như sau:",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        after=6,
    ).paragraph_format.space_before = Pt(12)
    parts = iter(_ROMAN)
    _section(doc, f"{next(parts)}. KẾT QUẢ CHUNG")
    points = itertools.count(1)  # one point per index with dimensions: as many as served
    if filed["baseline"]:
        _section(doc, f"{next(points)}. Kết quả năm trước (văn bản nêu)")
        for rank in filed["baseline"]:
            _text(doc, f"- {rank['wording']}.")
    if filed.get("results"):
        _section(doc, f"{next(points)}. Kết quả các năm đã công bố")
        for record in filed["results"]:
            _text(doc, f"- {ranks.progression(record, Lang.VI)}.")
    if filed.get("rank_targets"):
        _section(doc, f"{next(points)}. Chỉ tiêu xếp hạng")
        for record in filed["rank_targets"]:
            _text(doc, f"- {ranks.target_line(record, Lang.VI)}.")
    rows = [{**r, "name": r["key"]} for r in filed["rollups"] if r["section"] == "index"]
    if rows:
        _section(doc, f"{next(points)}. Kết quả theo Chỉ số")
        _rollup_table(doc, rows, "Chỉ số", filed["total"])
    for group in filed["dimensions"]:
        of = f" Chỉ số {group['index']}" if group["index"] else ""
        _section(doc, f"{next(points)}. Kết quả theo nội dung{of}")
        _rollup_table(doc, group["rows"], "Nội dung", None)
    _section(doc, f"{next(parts)}. KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ")
    _agency_table(doc, filed["agencies"])
    _section(doc, f"{next(parts)}. NHIỆM VỤ ĐÃ HOÀN THÀNH")
    _task_table(doc, filed["done"], done=True)
    _section(doc, f"{next(parts)}. NHIỆM VỤ QUÁ HẠN")
    _task_table(doc, filed["overdue"], done=False)
    _section(doc, f"{next(parts)}. NHIỆM VỤ THƯỜNG XUYÊN CHƯA CÓ BÁO CÁO TRONG KỲ")
    _stale_table(doc, filed["stale"])
    _text(
        doc,
        f"Trên đây là báo cáo kết quả thực hiện {_directive(filed)}, "
        f"{_scope_words(filed)} của {filed['issuer']['name']}./.",
    ).paragraph_format.space_before = Pt(6)


def _section(doc: Docx, heading: str) -> None:
    _para(doc, heading, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)


def _text(doc: Docx, text: str) -> Paragraph:
    return _para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)


def _grid(doc: Docx, headings: Sequence[str], widths_mm: Sequence[float]) -> Table:
    """A bordered table with a bold heading row that repeats on every page."""
    table: Table = doc.add_table(rows=1, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    _widths(table, widths_mm)
    head = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(repeat)
    for part, heading in zip(head.cells, headings, strict=True):
        _fill(part, heading, bold=True)
    return table


def _fill(
    part: _Cell,
    text: str,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> None:
    part.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _para(part, text, size=SMALL, bold=bold, align=align, first=True)


def _row(
    table: Table, values: Sequence[str], widths_mm: Sequence[float], *, bold: bool = False
) -> None:
    cells = table.add_row().cells
    for index, (part, value, width) in enumerate(zip(cells, values, widths_mm, strict=True)):
        part.width = Mm(width)
        # Names and titles read from the left; numbers and dates centred.
        align = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else WD_ALIGN_PARAGRAPH.CENTER
        _fill(part, value, bold=bold, align=align)


def _banner(table: Table, number: str, text: str, widths_mm: Sequence[float]) -> None:
    """A row naming a group or an agency across the table, under its number."""
    cells = table.add_row().cells
    for part, width in zip(cells, widths_mm, strict=True):
        part.width = Mm(width)
    _fill(cells[0], number, bold=True)
    merged = cells[1].merge(cells[-1])
    _fill(merged, text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def _none(doc: Docx) -> None:
    _text(doc, "Không có.")


_COUNTS = ["tasks", "obligations", "done", "overdue", "completion"]


def _rollup_table(doc: Docx, rows: Sequence[Record], first: str, total: Record | None) -> None:
    widths = [12.0, 57.0, 20.0, 20.0, 20.0, 18.0, 18.0]
    headings = ["STT", first, *(labels.header(key, Lang.VI) for key in _COUNTS)]
    table = _grid(doc, headings, widths)
    for number, row in enumerate(rows, start=1):
        _row(table, [str(number), row["name"], *(cell(row[key]) for key in _COUNTS)], widths)
    if total is not None:
        _row(table, ["", "Tổng cộng", *(cell(total[key]) for key in _COUNTS)], widths, bold=True)


_AGENCY_COUNTS = [
    "tasks",
    "done_on_time",
    "done_late",
    "in_progress",
    "overdue",
    "not_started",
    "completion",
]


def _agency_table(doc: Docx, agencies: Sequence[Record]) -> None:
    if not agencies:
        _none(doc)
        return
    widths = [12.0, 46.0, *([15.25] * 7)]
    headings = ["STT", "Cơ quan, đơn vị"]
    headings += [labels.header(key, Lang.VI) for key in _AGENCY_COUNTS]
    table = _grid(doc, headings, widths)
    group = None
    groups = iter(_ROMAN)
    for number, row in enumerate(agencies, start=1):
        if row["group"] != group:
            group = row["group"]
            _banner(table, next(groups), labels.word(labels.GROUP, group, Lang.VI), widths)
        counts = [cell(row[key]) for key in _AGENCY_COUNTS]
        _row(table, [str(number), row["name"], *counts], widths)


def _task_table(doc: Docx, tasks: Sequence[Record], *, done: bool) -> None:
    """Per agency, its tasks done (with the date and the evidence) or overdue
    (with where they stand)."""
    if not tasks:
        _none(doc)
        return
    if done:
        widths = [14.0, 68.0, 21.0, 21.0, 20.0, 21.0]
        headings = ["STT", "Nhiệm vụ", "Hạn", "Ngày hoàn thành", "Phân loại"]
        headings.append(labels.header("evidence", Lang.VI))
    else:
        widths = [14.0, 75.0, 21.0, 24.0, 12.0, 19.0]
        headings = ["STT", "Nhiệm vụ", "Hạn", "Tình trạng", "%", "Cập nhật gần nhất"]
    table = _grid(doc, headings, widths)
    agency = None
    number = item = 0
    for task in tasks:
        if task["agency"] != agency:
            agency = task["agency"]
            number, item = number + 1, 0
            _banner(table, str(number), task["name"], widths)
        item += 1
        what = f"{task['task']}. {task['title']}"
        if done:
            category = labels.word(labels.CATEGORY, task["category"], Lang.VI)
            values = [_iso(task["due"]), _iso(task["last_update"]), category]
            values.append(cell(task["evidence"]))
        else:
            status = labels.word(labels.STATUS, task["status"], Lang.VI)
            values = [_iso(task["due"]), status, cell(task["percent"])]
            values.append(_iso(task["last_update"]))
        _row(table, [f"{number}.{item}", what, *values], widths)


def _stale_table(doc: Docx, stale: Sequence[Record]) -> None:
    if not stale:
        _none(doc)
        return
    widths = [12.0, 63.0, 90.0]
    table = _grid(doc, ["STT", "Cơ quan, đơn vị", "Nhiệm vụ (mã)"], widths)
    by_agency: dict[str, tuple[str, list[str]]] = {}
    for row in stale:
        by_agency.setdefault(row["agency"], (row["name"], []))[1].append(row["task"])
    for number, (name, tasks) in enumerate(by_agency.values(), start=1):
        _row(table, [str(number), name, ", ".join(tasks)], widths)


# -- who receives it, who signs it ------------------------------------------------


def _closing(doc: Docx, filed: Record) -> None:
    table = _layout_table(doc, [70.0, 95.0])
    left, right = table.rows[0].cells
    heading = _para(
        left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT,
        first=True,
    )  # fmt: skip
    heading.paragraph_format.space_before = Pt(12)
    if filed["to"]:
        _para(left, f"- {filed['to']} (để báo cáo);", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(left, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    lines = filed["signer"] or [SIGNER_PLACEHOLDER]
    right.paragraphs[0].paragraph_format.space_before = Pt(12)
    for index, line in enumerate(lines):
        _para(right, line.upper(), bold=True, first=index == 0)
    # Room for the signature and the seal; the signer's name is typed by hand.
    for _ in range(4):
        _para(right)
