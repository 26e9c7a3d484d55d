"""Importing a directive from its document (parledger import).

The key test: the bundled directive's text, source/directive_2024.txt,
imported, gives data/directive_2024.yaml's outline field by field — the same
47 items and ids, the same wording, footnotes and links, cited documents,
addressees and leads.  That file was written once by a script and then
annotated by hand; what it adds by hand (targets, dimensions, cadence, the
baseline, the notes in ``assumed:``) is out of scope, and every other
difference the importer leaves is listed in ``KNOWN_LIMITS`` below, so a
change that adds or removes one fails here.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parledger.model.models import Registry
from parledger.store import schema
from parledger.store.document import read_document
from parledger.track.importer import Draft, draft
from tests import documents, test_legacy
from tests.conftest import Invoke

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "source" / "directive_2024.txt"
BUNDLED = ROOT / "data" / "directive_2024.yaml"

NODE_FIELDS = (
    "id", "kind", "parent", "label", "heading", "paragraphs", "index", "addressees",
    "paragraph_addressees", "leads", "footnotes", "cites", "mode",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "type", "number", "symbol", "date", "issuer", "issuer_as_printed", "title", "system",
)  # fmt: skip
METADATA_FIELDS = (
    "kind", "issuer", "issuer_name", "number_as_printed", "number", "symbol",
    "place_date_as_printed", "place", "year", "date", "subject_lines", "addressees",
    "preamble", "considered_reports", "baseline", "closing", "recipients", "signature",
)  # fmt: skip

# What the importer reads differently from the hand-annotated file, each
# a known limit (see the closing note of the import's report).
KNOWN_LIMITS: list[str] = [
    # An issuer printed without "của" ("… ngày 25/10/2017 Hội nghị lần thứ sáu BCH Trung
    # ương Đảng khóa XII") is not read.
    "document 19-NQ/TW.issuer",
    "document 19-NQ/TW.issuer_as_printed",
    # A title ends at a semicolon; the annotator read this one on past it.
    "document 726-KL/TU.title",
    # The documents are listed in the order first cited, footnotes read at their
    # markers; the bundled file lists a few in another order (which carries no meaning).
    "documents",
]


@cache
def registry() -> Registry:
    return schema.registry(YAML(typ="safe").load((ROOT / "data" / "agencies.yaml").read_bytes()))


@cache
def bundled() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(BUNDLED.read_bytes())
    return data


INDICES = ["PAR INDEX", "SIPAS", "PAPI"]  # the bundled catalog's


def imported(path: Path = SOURCE) -> Draft:
    return draft(read_document(path), registry(), indices=INDICES)


def _value(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if name == "mode" and value is None:
        return "require"
    if value in ([], {}):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def differences(result: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every field where the import differs from the bundled file."""
    found: list[str] = []
    for name in METADATA_FIELDS:
        got, want = _value(result["metadata"], name), _value(expected["metadata"], name)
        if got != want:
            found.append(f"metadata.{name}: {got!r} != {want!r}")
    ours = {node["id"]: node for node in result["outline"]}
    theirs = {node["id"]: node for node in expected["outline"]}
    if list(ours) != list(theirs):
        found.append(f"outline ids: {list(ours)} != {list(theirs)}")
    for node_id, want_node in theirs.items():
        got_node = ours.get(node_id, {})
        for name in NODE_FIELDS:
            got, want = _value(got_node, name), _value(want_node, name)
            if got != want:
                found.append(f"{node_id}.{name}: {got!r} != {want!r}")
    our_docs = {doc["id"]: doc for doc in result["documents"]}
    their_docs = {doc["id"]: doc for doc in expected["documents"]}
    for doc_id in their_docs.keys() - our_docs.keys():
        found.append(f"document {doc_id}: not found")
    for doc_id in our_docs.keys() - their_docs.keys():
        found.append(f"document {doc_id}: not in the bundled file")
    if [d for d in our_docs if d in their_docs] != [d for d in their_docs if d in our_docs]:
        found.append("documents: in another order")
    for doc_id in their_docs.keys() & our_docs.keys():
        for name in DOCUMENT_FIELDS:
            got, want = _value(our_docs[doc_id], name), _value(their_docs[doc_id], name)
            if name == "system":
                got, want = got or "state", want or "state"
            if got != want:
                found.append(f"document {doc_id}.{name}: {got!r} != {want!r}")
    for got_ref, want_ref in zip(result["references"], expected["references"], strict=False):
        for name in ("number", "text", "documents"):
            if got_ref[name] != want_ref[name]:
                found.append(
                    f"footnote {want_ref['number']}.{name}: {got_ref[name]!r} != {want_ref[name]!r}"
                )
    if len(result["references"]) != len(expected["references"]):
        found.append("references: another count")
    return sorted(found)


def test_the_bundled_text_gives_the_bundled_outline() -> None:
    result = imported()
    assert result.items == 47
    assert len(result.data["references"]) == 10
    # What the importer supplied rather than read is noted where the
    # annotator noted it too (the metadata's kind and issuer; a document's
    # issuer taken from its symbol, a short name kept as id, a title cut at "...").
    theirs = {d["id"]: set(d.get("assumed", {})) for d in bundled()["documents"]}
    for doc in result.data["documents"]:
        assert set(doc.get("assumed", {})) <= theirs.get(doc["id"], set()), doc["id"]
    assert set(result.data["metadata"]["assumed"]) == {"kind", "issuer"}
    found = differences(result.data, bundled())
    assert [line.split(": ", 1)[0] for line in found] == KNOWN_LIMITS, "\n".join(found)


# --------------------------------------------------------------------------
# the same text as a Word file and as a PDF


def test_a_word_file_of_the_same_text_gives_the_same_outline(tmp_path: Path) -> None:
    # The header and the signature laid out in two-column tables, as offices
    # do; the footnotes as Word footnotes; the parts in a heading style.
    blocks, notes = documents.text_blocks(SOURCE)
    path = documents.word_file(tmp_path / "cv.docx", blocks, notes, header_table=3, tail_table=True)
    result = imported(path)
    assert result.items == 47
    found = differences(result.data, bundled())
    assert [line.split(": ", 1)[0] for line in found] == KNOWN_LIMITS, "\n".join(found)


def test_a_pdf_of_the_same_text_gives_the_same_outline(tmp_path: Path) -> None:
    # One page per printed page: a paragraph cut by the page's footnotes
    # continues on the next.
    path = documents.pdf_file(tmp_path / "cv.pdf", documents.text_pages(SOURCE))
    result = imported(path)
    assert result.items == 47
    found = differences(result.data, bundled())
    assert [line.split(": ", 1)[0] for line in found] == KNOWN_LIMITS, "\n".join(found)


# --------------------------------------------------------------------------
# the command


def empty_workspace(cli: Invoke, tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    assert cli("init", str(folder)).exit_code == 0
    for name in ("directive_2024.yaml", "ledger_2024.yaml"):
        (folder / name).unlink()
    return folder


def test_import_writes_a_draft_that_validates(cli: Invoke, tmp_path: Path) -> None:
    folder = empty_workspace(cli, tmp_path)
    result = cli("import", str(SOURCE), "--data-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert "outline: 3 parts, 6 sections, 47 items" in result.stdout
    assert "footnotes: 10, 10 linked to the text" in result.stdout
    assert "metadata.issuer: assumed" in result.stdout
    assert f"created {folder / 'directive_2024.yaml'}" in result.stdout
    ledger = (folder / "ledger_2024.yaml").read_text(encoding="utf-8")
    assert ledger.startswith("# parledger ledger for directive_2024")
    written = YAML(typ="safe").load((folder / "directive_2024.yaml").read_bytes())
    found = differences(written, bundled())
    assert [line.split(": ", 1)[0] for line in found] == KNOWN_LIMITS, "\n".join(found)
    checked = cli("validate", "--data-dir", str(folder))
    assert checked.exit_code == 0, checked.output
    assert "47 items" in checked.stdout
    assert cli("status", "--data-dir", str(folder)).exit_code == 0


def test_import_beside_another_directive_never_overwrites(cli: Invoke, workspace_dir: Path) -> None:
    before = (workspace_dir / "directive_2024.yaml").read_bytes()
    result = cli("import", str(SOURCE), "--data-dir", str(workspace_dir))
    assert result.exit_code == 2
    assert "never overwrites" in result.stderr and "--as KEY" in result.stderr
    assert (workspace_dir / "directive_2024.yaml").read_bytes() == before
    again = cli("import", str(SOURCE), "--as", "cv-2024", "--data-dir", str(workspace_dir))
    assert again.exit_code == 0, again.output
    assert (workspace_dir / "directive_cv-2024.yaml").is_file()
    assert (workspace_dir / "ledger_cv-2024.yaml").is_file()
    assert (workspace_dir / "directive_2024.yaml").read_bytes() == before


def test_dry_run_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    folder = empty_workspace(cli, tmp_path)
    result = cli("import", str(SOURCE), "--dry-run", "--data-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert "would create" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == [
        ".gitattributes",
        "README.md",
        "agencies.yaml",
        "results.yaml",
    ]


def _not_a_directive(path: Path) -> Path:
    path.write_text(
        "Biên bản họp tổ dân phố.\n\nHôm nay các hộ gia đình họp bàn.\n", encoding="utf-8"
    )
    return path


def _legacy(encoding: str) -> Callable[[Path], Path]:
    def write(path: Path) -> Path:
        text = SOURCE.read_text(encoding="utf-8")[:3000]
        encode = {
            "tcvn3": test_legacy.to_tcvn3,
            "vni": test_legacy.to_vni,
            "cp1258": test_legacy.to_windows_1258,
        }[encoding]
        path.write_bytes(encode(text))
        return path

    return write


def _scanned(path: Path) -> Path:
    return documents.pdf_file(path, [[]])


def _out_of_order(path: Path) -> Path:
    text = SOURCE.read_text(encoding="utf-8").replace(
        "1.3. Thực hiện nghiêm", "1.4. Thực hiện nghiêm"
    )
    path.write_text(text, encoding="utf-8")
    return path


def _damaged(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 not really a zip")
    return path


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("note.txt", _not_a_directive, "is this a directive"),
        ("cv.txt", _legacy("tcvn3"), "TCVN3"),
        ("cv.txt", _legacy("vni"), "VNI"),
        ("cv.txt", _legacy("cp1258"), "Windows-1258"),
        ("scan.pdf", _scanned, "no text layer"),
        ("cv.txt", _out_of_order, "'1.4.' comes where number 3 was expected"),
        ("cv.docx", _damaged, "not a Word document"),
        ("cv.odt", lambda p: p.write_bytes(b"x") and p, "imports .docx, .txt and .pdf"),
    ],
    ids=[
        "not-a-directive",
        "tcvn3",
        "vni",
        "windows-1258",
        "scanned-pdf",
        "outline-out-of-order",
        "damaged-docx",
        "odt",
    ],
)
def test_what_cannot_be_imported_is_refused_in_one_line(
    cli: Invoke, tmp_path: Path, name: str, make: Callable[[Path], Path], said: str
) -> None:
    folder = empty_workspace(cli, tmp_path)
    path = make(tmp_path / name)
    result = cli("import", str(path), "--data-dir", str(folder))
    assert result.exit_code == 1, result.output
    assert said in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not list(folder.glob("directive_*")) and not list(folder.glob("ledger_*"))


def test_a_pdf_without_the_extra_says_how_to_install_it(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = empty_workspace(cli, tmp_path)
    path = documents.pdf_file(tmp_path / "cv.pdf", documents.text_pages(SOURCE))
    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if it were not installed
    result = cli("import", str(path), "--data-dir", str(folder))
    assert result.exit_code == 1
    assert 'pip install "parledger[pdf]"' in result.stderr


# --------------------------------------------------------------------------
# a plan's shape: purpose and requirements, lettered points, an appendix table
#
# Lettered points (II.1.1.a) and a part that serves no index are what the
# outline model of the "several directives, any outline" work adds: until
# it is merged, the draft is checked as data here, and the command refuses
# to write it (the last test).  After the merge, that test should expect
# exit 0 and `parledger validate` to pass on the written draft.

PLAN = [
    ["ỦY BAN NHÂN DÂN", "TỈNH HƯNG YÊN"],
    ["Số: 85/KH-UBND"],
    ["Hưng Yên, ngày 20 tháng 3 năm 2025"],
    ["KẾ HOẠCH"],
    ["Nâng cao Chỉ số hiệu quả quản trị và hành chính công (PAPI) tỉnh Hưng Yên năm 2025"],
    [
        "Căn cứ Kế hoạch số 192/KH-UBND ngày 26/12/2023 của UBND tỉnh về nâng cao hiệu quả "
        "quản trị và hành chính công năm 2024; Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:"
    ],
    ["I. MỤC ĐÍCH, YÊU CẦU"],
    ["1. Mục đích"],
    ["Nâng cao nhận thức của cán bộ, công chức về Chỉ số PAPI¹."],
    ["2. Yêu cầu"],
    ["Các cơ quan, đơn vị triển khai đồng bộ, hiệu quả các nhiệm vụ được giao."],
    ["II. NHIỆM VỤ, GIẢI PHÁP"],
    ["1. Nhiệm vụ chung"],
    ["1.1. Chỉ số nội dung “Tham gia của người dân ở cấp cơ sở”:"],
    [
        "a) UBND cấp huyện chủ trì tuyên truyền Luật Thực hiện dân chủ ở cơ sở; hoàn thành "
        "trước ngày 30/6/2025."
    ],
    ["- Tổ chức hội nghị đối thoại với người dân ở thôn, tổ dân phố;"],
    ["b) Sở Nội vụ hướng dẫn việc bầu trưởng thôn, tổ trưởng tổ dân phố."],
    ["1.2. Chỉ số nội dung “Công khai, minh bạch”:"],
    ["a) Sở Tài chính chủ trì công khai thu, chi ngân sách cấp xã."],
    ["2. Nhiệm vụ cụ thể"],
    ["Các nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này."],
    ["III. TỔ CHỨC THỰC HIỆN"],
    [
        "1. Sở Nội vụ: Chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch; báo cáo UBND tỉnh "
        "trước ngày 15/12/2025."
    ],
    [
        "2. Các sở, ban, ngành tỉnh; UBND huyện, thị xã, thành phố: Căn cứ Kế hoạch này xây dựng "
        "kế hoạch của cơ quan, đơn vị."
    ],
    ["Trên đây là Kế hoạch nâng cao Chỉ số PAPI năm 2025 của tỉnh./."],
    ["Nơi nhận:"],
    ["- Như trên;", "- Lưu VT."],
    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    ["Nguyễn Văn A"],
    ["PHỤ LỤC", "CÁC NHIỆM VỤ CỤ THỂ"],
]
PLAN_NOTES = {1: "Chỉ số PAPI do UNDP và CECODES công bố hằng năm."}
PLAN_TABLE = [
    ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
    ["I", "Tham gia của người dân ở cấp cơ sở", "", "", ""],
    ["1", "Tuyên truyền Luật Thực hiện dân chủ ở cơ sở", "UBND cấp huyện",
     "Sở Tư pháp; Sở Nội vụ", "Tháng 6/2025"],
    ["2", "Hướng dẫn bầu trưởng thôn", "Sở Nội vụ", "UBND cấp huyện", "30/9/2025"],
    ["II", "Công khai, minh bạch", "", "", ""],
    ["3", "Công khai thu, chi ngân sách cấp xã", "Sở Tài chính", "Ban Quản lý dự án X",
     "Quý IV/2025"],
]  # fmt: skip


def plan_file(tmp_path: Path) -> Path:
    return documents.word_file(
        tmp_path / "ke-hoach.docx", PLAN, PLAN_NOTES, tail_table=True, tables=[PLAN_TABLE]
    )


def test_a_plan_imports_into_a_draft(tmp_path: Path) -> None:
    result = imported(plan_file(tmp_path))
    meta = result.data["metadata"]
    assert result.key == "85-kh-ubnd-2025"
    assert (meta["kind"], meta["number"], meta["symbol"]) == ("Kế hoạch", "85", "KH-UBND")
    assert meta["date"] == dt.date(2025, 3, 20)
    assert meta["issuer"] == "ubnd-tinh" and "issuer" not in meta["assumed"]
    assert meta["subject_lines"] == [PLAN[4][0]]
    assert meta["signature"] == {"lines": PLAN[-3], "name": "Nguyễn Văn A"}
    nodes = {node["id"]: node for node in result.data["outline"]}
    assert list(nodes) == [
        "I", "I.1", "I.2", "II", "II.1", "II.1.1", "II.1.1.a", "II.1.1.b", "II.1.2",
        "II.1.2.a", "II.2", "II.2.1", "II.2.2", "II.2.3", "III", "III.1", "III.2",
    ]  # fmt: skip
    # The appendix's rows, under the item that sends the reader to it.
    row = nodes["II.2.1"]
    assert (row["kind"], row["parent"]) == ("item", "II.2")
    assert row["paragraphs"] == ["Tuyên truyền Luật Thực hiện dân chủ ở cơ sở"]
    assert row["addressees"] == [
        {"group": "ubnd-cap-huyen"},
        {"agency": "so-tu-phap"},
        {"agency": "so-noi-vu"},
    ]
    assert nodes["II.2.2"]["leads"] == ["II.2.2"]  # Sở Nội vụ chủ trì
    assert result.deadlines["II.2.2"][0] == dt.date(2025, 9, 30)
    assert nodes["II.2"]["kind"] == "section"
    assert result.data["serves"] == ["PAPI"]
    assert [nodes[i]["kind"] for i in ("I", "I.1", "II.1", "II.1.1", "II.1.1.a")] == [
        "part", "item", "section", "section", "subitem",
    ]  # fmt: skip
    assert nodes["I"]["heading"] == "MỤC ĐÍCH, YÊU CẦU" and "index" not in nodes["I"]
    assert nodes["I"]["effect"] == "purpose"  # its items bind nobody
    assert nodes["I.1"]["heading"] == "Mục đích"
    assert nodes["I.1"]["paragraphs"] == [
        "Nâng cao nhận thức của cán bộ, công chức về Chỉ số PAPI."
    ]
    assert nodes["I.1"]["footnotes"] == [{"number": 1, "paragraph": 1, "anchor": "số PAPI"}]
    point = nodes["II.1.1.a"]
    assert point["parent"] == "II.1.1" and point["label"] == "a)"
    assert (
        point["paragraphs"][1] == "- Tổ chức hội nghị đối thoại với người dân ở thôn, tổ dân phố;"
    )
    assert point["addressees"] == [{"group": "ubnd-cap-huyen"}]
    assert result.deadlines["II.1.1.a"] == (dt.date(2025, 6, 30), "hoàn thành trước ngày 30/6/2025")
    assert "--due 2025-06-30" in point["assumed"]["due"]
    assert nodes["III.1"]["addressees"] == [{"agency": "so-noi-vu"}]
    assert result.deadlines["III.1"][0] == dt.date(2025, 12, 15)
    assert nodes["III.2"]["addressees"] == [
        {"group": "so-ban-nganh-tinh"},
        {"group": "ubnd-cap-huyen"},
    ]
    assert meta["closing"] == PLAN[24][0]
    assert result.data["documents"][0]["id"] == "192/KH-UBND"
    tasks = [(t.number, t.lead, t.support, t.due, t.heading) for t in result.tasks]
    assert tasks == [
        ("1", ["ubnd-cap-huyen"], ["so-tu-phap", "so-noi-vu"], dt.date(2025, 6, 30),
         "I Tham gia của người dân ở cấp cơ sở"),
        ("2", ["so-noi-vu"], ["ubnd-cap-huyen"], dt.date(2025, 9, 30),
         "I Tham gia của người dân ở cấp cơ sở"),
        ("3", ["so-tai-chinh"], [], None, "II Công khai, minh bạch"),
    ]  # fmt: skip
    assert result.tasks[2].unknown == ["Ban Quản lý dự án X"]
    assert any("'Ban Quản lý dự án X' is not in the registry" in c for c in result.checks)


def test_a_plan_imports_into_a_workspace_and_validates(cli: Invoke, tmp_path: Path) -> None:
    # Lettered points, a purpose part and an appendix table: the draft is
    # written and validates; its lettered points are tasks of their own.
    folder = empty_workspace(cli, tmp_path)
    result = cli("import", str(plan_file(tmp_path)), "--data-dir", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / "directive_85-kh-ubnd-2025.yaml").is_file()
    checked = cli("--data-dir", str(folder), "validate")
    assert checked.exit_code == 0, checked.output
    tasks = cli("--data-dir", str(folder), "tasks", "-f", "csv").stdout
    assert "II.1.1.a" in tasks
    done = cli(
        "--data-dir", str(folder), "record", "II.1.1.a", "-a", "UBND huyện Văn Lâm",
        "--status", "in_progress", "--date", "2025-04-01",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    purpose = cli("--data-dir", str(folder), "record", "I.1", "-a", "SNV", "--status", "done")
    assert purpose.exit_code == 2 and "purpose" in purpose.stderr


def test_a_word_file_numbered_automatically_says_so(cli: Invoke, tmp_path: Path) -> None:
    # Word's list numbering lives in the numbering part, not in the text: the
    # labels are not read, and the refusal says why.
    blocks, notes = documents.text_blocks(SOURCE)
    unlabelled = [[documents.LABEL.sub("", line) for line in block] for block in blocks]
    path = documents.word_file(tmp_path / "cv.docx", unlabelled, notes, numbered=True)
    folder = empty_workspace(cli, tmp_path)
    result = cli("import", str(path), "--data-dir", str(folder))
    assert result.exit_code == 1
    assert "automatic numbering" in result.stderr
    assert not list(folder.glob("directive_*"))
