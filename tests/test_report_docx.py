"""The Word report an office files: read back with python-docx.

On the scenario workspace (tests/data/scenario) for the year 2024, whose
ledger has a task done on time, one done late and one overdue.  The numbers
in the document are compared with what `report -f json`, `status -f json` and
`export -f json` say of the same workspace.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from parledger.store.workspace import bundled_root
from tests.conftest import ROOT, Invoke

SCENARIO = ROOT / "tests" / "data" / "scenario"
FONT = "Times New Roman"
YEAR = ("--period", "2024")


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(bundled_root(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(SCENARIO / "ledger_2024.yaml", folder / "ledger_2024.yaml")
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    return folder


def _write(cli: Invoke, target: Path, *args: str) -> Any:
    result = cli("report", *YEAR, "--format", "docx", "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stderr
    return Document(str(target))


def _texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _table(doc: Any, first_heading: str) -> list[list[str]]:
    """The rows of the table whose second heading is ``first_heading``."""
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if len(rows[0]) > 1 and rows[0][1] == first_heading:
            return rows
    raise AssertionError(f"no table headed {first_heading}")


def _table_after(doc: Any, heading: str) -> Any:
    """The first table after the paragraph ``heading``, in the body's order."""
    seen = False
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p") and Paragraph(block, doc).text == heading:
            seen = True
        elif block.tag == qn("w:tbl") and seen:
            return Table(block, doc)
    raise AssertionError(f"no table after {heading}")


def test_the_report_is_laid_out_as_the_decree_sets_it(
    cli: Invoke, scenario: Path, tmp_path: Path
) -> None:
    doc = _write(cli, tmp_path / "r.docx", "--issuer", "Sở Nội vụ")
    heading = doc.tables[0]
    body, motto = (cell.text.splitlines() for cell in heading.rows[0].cells)
    assert body[:2] == ["UBND TỈNH HƯNG YÊN", "SỞ NỘI VỤ"]
    assert motto[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, place_date = (cell.text for cell in heading.rows[1].cells)
    # No number is made up: the văn thư fills it in.
    assert re.fullmatch(r"Số: +/BC-SNV", number)
    assert place_date == "Hưng Yên, ngày 14 tháng 12 năm 2024"  # the year's cut-off
    edges = heading._tbl.tblPr.find(qn("w:tblBorders"))
    assert len(edges) == 6 and {edge.get(qn("w:val")) for edge in edges} == {"nil"}
    texts = _texts(doc)
    assert "BÁO CÁO" in texts
    assert (
        "Kết quả thực hiện Công văn số /UBND-NC của Ủy ban nhân dân tỉnh Hưng Yên về việc "
        "triển khai nhiệm vụ cải thiện, nâng cao các Chỉ số: PAR INDEX, SIPAS, PAPI cấp tỉnh "
        "năm 2024"
    ) in texts
    assert "(Kỳ báo cáo năm 2024)" in texts
    assert texts.index("BÁO CÁO") < texts.index("I. KẾT QUẢ CHUNG")
    received, signature = (cell.text.splitlines() for cell in doc.tables[-1].rows[0].cells)
    assert received[:3] == [
        "Nơi nhận:",
        "- Ủy ban nhân dân tỉnh Hưng Yên (để báo cáo);",
        "- Lưu: VT.",
    ]
    assert signature[0] == "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ"
    assert not any(signature[1:])  # room to sign; nobody is named
    everything = "\n".join(texts + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "Nguyễn Duy Hưng" not in everything  # the directive's signer is not this report's


def test_the_tables_hold_the_numbers_of_report_status_and_export(
    cli: Invoke, scenario: Path, tmp_path: Path
) -> None:
    doc = _write(cli, tmp_path / "r.docx")
    report = json.loads(cli("report", *YEAR, "-f", "json").stdout)
    counts = ["tasks", "obligations", "done", "overdue", "completion"]

    def numbers(row: dict[str, Any], keys: list[str]) -> list[str]:
        return ["" if row[key] is None else str(row[key]) for key in keys]

    by_index = _table(doc, "Chỉ số")
    assert by_index[0][2:] == ["Số nhiệm vụ", "Lượt giao", "Hoàn thành", "Quá hạn", "Tỷ lệ HT %"]
    wanted = [r for r in report["rollups"] if r["section"] == "index"]
    assert [row[1] for row in by_index[1:]] == [r["key"] for r in wanted] + ["Tổng cộng"]
    assert [row[2:] for row in by_index[1:]] == [
        numbers(r, counts) for r in [*wanted, report["total"]]
    ]
    assert by_index[-1][4] == "2"  # done on time and done late, in the year
    by_dimension = _table(doc, "Nội dung")
    dimensions = [r for r in report["rollups"] if r["section"] == "dimension"]
    assert [row[2:] for row in by_dimension[1:]] == [numbers(r, counts) for r in dimensions]
    assert by_dimension[1][1] == "Tham gia của người dân ở cấp cơ sở"

    overview = json.loads(cli("status", *YEAR, "-f", "json").stdout)
    agencies = [row for row in _table(doc, "Cơ quan, đơn vị") if row[0].isdigit()]
    keys = ["tasks", "done_on_time", "done_late", "in_progress", "overdue", "not_started"]
    assert [(row[1], row[2:8]) for row in agencies] == [
        (r["name"], numbers(r, keys)) for r in overview
    ]

    rows = json.loads(cli("export", *YEAR, "-f", "json").stdout)
    for heading, categories in (
        ("III. NHIỆM VỤ ĐÃ HOÀN THÀNH", {"done_on_time", "done_late"}),
        ("IV. NHIỆM VỤ QUÁ HẠN", {"overdue"}),
    ):
        expected = {(r["name"], r["task"]) for r in rows if r["category"] in categories}
        table = _table_after(doc, heading)
        found, agency = set(), None
        for row in table.rows[1:]:
            first, second = row.cells[0].text, row.cells[1].text
            if "." not in first:
                agency = second  # the banner naming the agency
            else:
                found.add((agency, second.split(". ", 1)[0]))
        assert found == expected and expected
    done = _table(doc, "Nhiệm vụ")
    late = next(row for row in done if row[1].startswith("I.1.3. "))
    assert late[2:5] == ["30/09/2024", "05/10/2024", "Hoàn thành quá hạn"]


def test_times_new_roman_on_a4_with_the_decrees_margins(
    cli: Invoke, scenario: Path, tmp_path: Path
) -> None:
    doc = _write(cli, tmp_path / "r.docx")
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"]
    assert normal.font.name == FONT
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    scripts = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
    assert {fonts.get(qn(script)) for script in scripts} == {FONT}
    paragraphs = list(doc.paragraphs)
    received = doc.tables[-1].rows[0].cells[0].paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    apart = {p._p for p in received}
    paragraphs = [p for p in paragraphs if p._p not in apart]
    runs = [run for p in paragraphs for run in p.runs if run.text.strip()]
    assert runs
    assert all(run.font.name in (None, FONT) for run in runs)  # None: the Normal style's
    sizes = {(run.font.size or normal.font.size).pt for run in runs}
    assert sizes <= {13.0, 14.0}
    assert {run.font.size for p in received for run in p.runs} <= {Pt(12), Pt(11)}  # the decree's


def test_the_same_workspace_gives_the_same_bytes(
    cli: Invoke, scenario: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    _write(cli, first)
    doc = _write(cli, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    properties = doc.core_properties
    assert properties.created == properties.modified
    assert properties.created.date().isoformat() == "2024-12-14"


def test_issuer_number_date_and_signer(cli: Invoke, scenario: Path, tmp_path: Path) -> None:
    district = _write(cli, tmp_path / "d.docx", "--issuer", "UBND huyện Văn Lâm", "--number", "12")
    body = district.tables[0].rows[0].cells[0].text.splitlines()
    assert body[:2] == ["ỦY BAN NHÂN DÂN", "HUYỆN VĂN LÂM"]  # its own name, in full
    assert district.tables[0].rows[1].cells[0].text == "Số: 12/BC-UBND"
    assert district.tables[0].rows[1].cells[1].text.startswith("Văn Lâm, ngày ")
    signed = _write(
        cli,
        tmp_path / "s.docx",
        *("--number", "125/BC-SNV", "--date", "2/1/2025"),
        *("--signer", "KT. GIÁM ĐỐC", "--signer", "phó giám đốc"),
    )
    number, place_date = (cell.text for cell in signed.tables[0].rows[1].cells)
    assert number == "Số: 125/BC-SNV"
    assert place_date == "Hưng Yên, ngày 02 tháng 01 năm 2025"  # 0 before a day < 10, Jan, Feb
    signature = signed.tables[-1].rows[0].cells[1].text.splitlines()
    assert signature[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signed.tables[-1].rows[0].cells[0].text.splitlines()[1] == "- Lưu: VT."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "give --output FILE.docx"),
        (["--issuer", "SNV"], "--issuer is for the Word report: add --format docx"),
        (["-f", "docx", "-o", "r.docx", "--issuer", "Tỉnh ủy"], "Party body"),
        (["-f", "docx", "-o", "r.docx", "--number", "số mười"], "not a document number"),
        (["-f", "docx", "-o", "r.docx", "--date", "31/2/2024"], "not a real date"),
        (["-o", "r.txt"], "choose --format md, json, jsonl, csv or docx"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    cli: Invoke, scenario: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli("report", *YEAR, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("r.*"))  # the cli fixture runs in tmp_path


def test_a_bad_output_path_is_named_and_nothing_is_written(
    cli: Invoke, scenario: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "r.docx"
    result = cli("report", *YEAR, "-f", "docx", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"parledger: error: {target}: ")
    assert "Traceback" not in result.output + result.stderr
    assert not target.parent.exists()
    # A refused run leaves the file it would have replaced as it was.
    kept = tmp_path / "kept.docx"
    kept.write_bytes(b"the report of last quarter")
    refused = cli("report", *YEAR, "-f", "docx", "-o", str(kept), "--number", "x")
    assert refused.exit_code == 2
    assert kept.read_bytes() == b"the report of last quarter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.docx", "scenario"]
