"""A directive of another shape, serving another index, in a workspace of its own.

The workspace holds only tests/data/several/directive_2025.yaml (a fictional
plan: four parts, part I a purpose with no index, lettered sub-items a)…đ),
four levels, a part serving DTI, an index the bundled catalog does not hold)
with the bundled registry (as it stood before 2025's changes) and the
indices.yaml that declares DTI.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from parledger.model.catalog import merged
from parledger.model.models import NODE_ID, IndexSpec
from parledger.store.workspace import bundled_root
from parledger.track.query import canonical_node_id
from tests.conftest import Invoke, below_workspace_line, registry_before_2025

FIXTURE = Path(__file__).parent / "data" / "several"
DIRECTIVE = "directive_2025.yaml"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws25"
    folder.mkdir()
    shutil.copy(FIXTURE / DIRECTIVE, folder / DIRECTIVE)
    shutil.copy(FIXTURE / "indices.yaml", folder / "indices.yaml")
    shutil.copy(bundled_root() / "agencies.yaml", folder / "agencies.yaml")
    registry_before_2025(folder)  # the plan names the departments and districts of 2024
    return folder


def _json(cli: Invoke, ws: Path, *args: str) -> object:
    result = cli("--data-dir", str(ws), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content.count("\n", 0, content.index(text)) + 1


# -- ids ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "node_id", ["I", "XII", "IV.1.2.3.4", "II.1.1.a", "II.1.1.đ", "1", "2.3", "1.a"]
)
def test_outline_ids_of_any_shape_are_ids(node_id: str) -> None:
    assert NODE_ID.fullmatch(node_id)


@pytest.mark.parametrize("node_id", ["IIII", "VX", "II.a.1", "II.1.1.ab", "II.1.1.A", "", "a"])
def test_what_is_not_an_outline_id(node_id: str) -> None:
    assert not NODE_ID.fullmatch(node_id)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("ii.1.1.Đ)", "II.1.1.đ"), ("II.1.1 a)", "II.1.1.a"), ("iii.1.2.1.", "III.1.2.1")],
)
def test_ids_are_read_as_people_type_them(typed: str, meant: str) -> None:
    assert canonical_node_id(typed) == meant


def test_a_workspace_index_replaces_the_bundled_one_of_its_id_and_adds_others() -> None:
    bundled = [IndexSpec(id="PAPI", name="a"), IndexSpec(id="SIPAS")]
    own = [IndexSpec(id="DTI"), IndexSpec(id="papi", name="b")]
    assert [(s.id, s.name) for s in merged(bundled, own)] == [
        ("papi", "b"),
        ("SIPAS", None),
        ("DTI", None),
    ]


# -- the commands on the fixture ------------------------------------------------


def test_validate_counts_the_tasks_sub_items_included(cli: Invoke, ws: Path) -> None:
    result = cli("--data-dir", str(ws), "validate")
    assert result.exit_code == 0, result.output
    # 13 tasks: part I's two items state a purpose and bind nobody.
    assert "13 items" in result.stdout


def test_tasks_and_show_hold_every_level(cli: Invoke, ws: Path) -> None:
    nodes = _json(cli, ws, "tasks")
    assert isinstance(nodes, list)
    by_id = {node["id"]: node for node in nodes}
    assert [by_id[i]["kind"] for i in ("IV", "III.1.2", "III.1.2.1", "II.1.1.đ")] == [
        "part", "section", "item", "subitem",
    ]  # fmt: skip
    assert by_id["IV.1"]["index"] == "DTI"
    assert by_id["I.1"]["index"] is None

    part = _json(cli, ws, "show", "I")
    assert isinstance(part, dict)
    assert (part["effect"], part["children"]) == ("purpose", ["I.1", "I.2"])
    sub = _json(cli, ws, "show", "ii.1.1.Đ)")
    assert isinstance(sub, dict)
    assert (sub["id"], sub["kind"], sub["effect"], sub["index"]) == (
        "II.1.1.đ", "subitem", "task", "PAPI",
    )  # fmt: skip
    assert sub["addressed_in"] == "II.1"
    assert len(sub["owed_by"]) > 1
    shown = cli("--data-dir", str(ws), "show", "I")
    assert "(part, purpose, no index)" in shown.stdout


def test_a_lettered_sub_item_is_assigned_recorded_and_has_a_history(cli: Invoke, ws: Path) -> None:
    base = ("--data-dir", str(ws))
    assign = cli(*base, "assign", "II.1.1.đ", "-a", "SNV", "--due", "30/9/2025", "--by", "T",
                 "--date", "1/6/2025")  # fmt: skip
    assert assign.exit_code == 0, assign.output
    record = cli(*base, "record", "ii.1.1.Đ", "-a", "SNV", "--status", "in_progress",
                 "--percent", "50", "--date", "2/6/2025", "--by", "T")  # fmt: skip
    assert record.exit_code == 0, record.output
    ledger = (ws / "ledger_2025.yaml").read_text(encoding="utf-8")
    assert ledger.count('"task": "II.1.1.đ"') == 2
    rows = _json(cli, ws, "status", "--agency", "SNV", "--as-of", "2025-07-01")
    assert isinstance(rows, list)
    row = next(r for r in rows if r["task"] == "II.1.1.đ")
    assert (row["status"], row["percent"], row["due"]) == ("in_progress", 50, "2025-09-30")
    # Its sibling is a task of its own, untouched.
    assert next(r for r in rows if r["task"] == "II.1.1.a")["status"] == "not_started"
    history = cli(*base, "history", "II.1.1.đ")
    assert history.exit_code == 0, history.output
    assert "2 entries" in history.stdout


def test_what_states_a_purpose_is_not_a_task(cli: Invoke, ws: Path) -> None:
    result = cli("--data-dir", str(ws), "record", "I.1", "-a", "SNV", "--status", "done",
                 "--by", "T")  # fmt: skip
    assert result.exit_code == 2
    assert "states a purpose, not a task" in result.stderr
    assert not (ws / "ledger_2025.yaml").exists()


def test_the_report_rolls_up_what_the_directive_serves(cli: Invoke, ws: Path) -> None:
    report = _json(cli, ws, "report", "--period", "2025")
    assert isinstance(report, dict)
    indices = [r["key"] for r in report["rollups"] if r["section"] == "index"]
    assert indices == ["PAPI", "PAR INDEX", "DTI"]  # as the outline names them; no SIPAS
    dimensions = {r["key"]: r for r in report["rollups"] if r["section"] == "dimension"}
    assert dimensions["participation"]["tasks"] == 5  # a) … đ)
    assert dimensions["digital-services"]["tasks"] == 1
    assert "access" not in dimensions  # SIPAS is not served
    assert report["total"]["tasks"] == 13
    text = cli("--data-dir", str(ws), "report", "--period", "2025", "--format", "md").stdout
    assert "## By DTI dimension" in text and "| Digital services (test)" in text
    assert "## By PAPI dimension" in text and "SIPAS" not in text
    vi = cli("--data-dir", str(ws), "report", "--period", "2025", "-f", "md", "--lang", "vi")
    assert "## Theo nội dung DTI" in vi.stdout and "Dịch vụ số (thử nghiệm)" in vi.stdout


def test_export_and_filters_take_the_catalog_s_indices(cli: Invoke, ws: Path) -> None:
    base = ("--data-dir", str(ws))
    csv = cli(*base, "export", "--view", "status", "--format", "csv", "--index", "dti")
    assert csv.exit_code == 0, csv.output
    tasks = {line.split(",")[0] for line in csv.stdout.splitlines()[1:]}
    assert tasks == {"IV.1", "IV.2"}
    everything = _json(cli, ws, "export", "--view", "all")
    assert isinstance(everything, dict)
    assert "II.1.1.đ" in {row["id"] for row in everything["tasks"]}
    rows = _json(cli, ws, "export", "--view", "status", "--dimension", "Dịch vụ số (thử nghiệm)")
    assert isinstance(rows, list)
    assert {r["task"] for r in rows} == {"IV.1"}
    unknown = cli(*base, "status", "--index", "SIPAZ")
    assert unknown.exit_code == 2
    assert "choose one of: PAR INDEX, SIPAS, PAPI, DTI" in unknown.stderr


def test_indices_lists_the_catalog(cli: Invoke, ws: Path) -> None:
    rows = _json(cli, ws, "indices")
    assert isinstance(rows, list)
    served = {r["index"]: r["served"] for r in rows if r["dimension"] is None}
    assert served == {"PAR INDEX": True, "SIPAS": False, "PAPI": True, "DTI": True}
    table = below_workspace_line(cli("--data-dir", str(ws), "indices").stdout)
    assert "digital-services" in table and "4 indices" in table


def test_a_changed_indices_file_is_read_again(cli: Invoke, ws: Path) -> None:
    assert cli("--data-dir", str(ws), "status").exit_code == 0  # the cache holds it now
    catalog = ws / "indices.yaml"
    catalog.write_text(catalog.read_text("utf-8").replace("id: DTI", "id: DTX"), "utf-8")
    result = cli("--data-dir", str(ws), "status")
    assert result.exit_code == 1
    assert "unknown-index: index 'DTI' is not in indices.yaml" in result.output


# -- problems, at the line to fix ----------------------------------------------------


def _edited(ws: Path, old: str, new: str) -> int:
    path = ws / DIRECTIVE
    line = _line_of(path, old)
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    return line


@pytest.mark.parametrize(
    ("old", "new", "offset", "expected"),
    [
        ("  index: DTI\n", "  index: DTX\n", 0,
         "unknown-index: index 'DTX' is not in indices.yaml (known: PAR INDEX, SIPAS, PAPI, "
         "DTI); did you mean 'DTI'?"),
        ("  - digital-services\n", "  - digital-servics\n", 0,
         "unknown-dimension: dimension 'digital-servics' is not one of DTI, the index of IV.1, "
         "in indices.yaml; did you mean 'digital-services'?"),
        ("  parent: III.1.2\n  label: \"1.2.2.\"", "  parent: III.1.3\n  label: \"1.2.2.\"", 0,
         "unknown-task: III.1.2.2: parent 'III.1.3' missing"),
        ("- id: II.1.1.c\n", "- id: II.1.2.c\n", 2,
         "bad-parent: II.1.2.c: parent should be 'II.1.2', found 'II.1.1'"),
        ("- id: II.1.1.b\n  kind: subitem", "- id: II.1.1.b\n  kind: item", 1,
         "bad-kind: II.1.1.b: a lettered id marks a subitem, not kind 'item'"),
        ("  label: \"c)\"", "  label: \"e)\"", 0,
         "bad-label: II.1.1.c: label 'e)' is not its number or letter ('c')"),
    ],
    ids=["unknown-index", "unknown-dimension", "parent-missing", "sub-item-id", "kind", "label"],
)  # fmt: skip
def test_outline_problems_at_their_line(
    cli: Invoke, ws: Path, old: str, new: str, offset: int, expected: str
) -> None:
    line = _edited(ws, old, new) + offset
    before = {p.name: p.read_bytes() for p in ws.iterdir()}
    result = cli("--data-dir", str(ws), "validate")
    assert result.exit_code == 1
    assert f"{DIRECTIVE}:{line}:" in result.stdout
    assert any(
        f"{DIRECTIVE}:{line}:" in problem and problem.endswith(expected)
        for problem in result.stdout.splitlines()
    ), result.stdout
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in ws.iterdir()} == before


def test_an_index_file_that_reuses_a_dimension_id_is_refused(cli: Invoke, ws: Path) -> None:
    catalog = ws / "indices.yaml"
    text = catalog.read_text("utf-8")
    line = text.count("\n", 0, text.index("  - id: digital-services")) + 1
    catalog.write_text(text.replace("- id: digital-services", "- id: participation"), "utf-8")
    result = cli("--data-dir", str(ws), "validate")
    assert result.exit_code == 1
    assert (
        f"indices.yaml:{line}:" in result.stdout
        and "duplicate-id: DTI: dimension 'participation' is PAPI's already" in result.stdout
    ), result.stdout


NO_PARTS = """
outline:
- id: "1"
  kind: section
  label: "1."
  heading: "Các sở, ban, ngành tỉnh:"
  index: PAPI
  addressees:
  - group: so-ban-nganh-tinh
- id: "1.1"
  kind: item
  label: "1.1."
  parent: "1"
  paragraphs:
  - "Công khai kết quả."
- id: "1.1.a"
  kind: subitem
  label: "a)"
  parent: "1.1"
  paragraphs:
  - "Trên Cổng thông tin điện tử."
- id: "2"
  kind: item
  label: "2."
  index: SIPAS
  paragraphs:
  - "Sở Nội vụ: Khảo sát sự hài lòng."
  addressees:
  - agency: so-noi-vu
"""


def test_a_document_without_roman_parts(cli: Invoke, ws: Path) -> None:
    path = ws / DIRECTIVE
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("\noutline:")] + NO_PARTS, "utf-8")
    (ws / "indices.yaml").unlink()
    result = cli("--data-dir", str(ws), "validate")
    assert result.exit_code == 0, result.output
    assert "3 items" in result.stdout  # 1.1, its sub-item 1.1.a, and 2
    record = cli("--data-dir", str(ws), "record", "1.1.A", "-a", "STP", "--status", "done",
                 "--by", "T", "--date", "1/6/2025")  # fmt: skip
    assert record.exit_code == 0, record.output
    report = _json(cli, ws, "report", "--period", "2025")
    assert isinstance(report, dict)
    assert [r["key"] for r in report["rollups"] if r["section"] == "index"] == ["PAPI", "SIPAS"]


def test_a_directive_says_which_indices_it_serves(cli: Invoke, ws: Path) -> None:
    line = _edited(ws, "\noutline:\n", "\nserves:\n- DTI\n- PAPI\n- SIPS\n\noutline:\n") + 4
    result = cli("--data-dir", str(ws), "validate")
    assert result.exit_code == 1
    assert f"{DIRECTIVE}:{line}:" in result.stdout and "did you mean 'SIPAS'?" in result.stdout
    path = ws / DIRECTIVE
    path.write_text(path.read_text("utf-8").replace("- SIPS\n", "- SIPAS\n"), "utf-8")
    report = _json(cli, ws, "report", "--period", "2025")
    assert isinstance(report, dict)
    # In the order it declares; PAR INDEX's tasks count in the total alone.
    rolled = [r["key"] for r in report["rollups"] if r["section"] == "index"]
    assert rolled == ["DTI", "PAPI", "SIPAS"]


def test_the_baseline_names_a_known_index(cli: Invoke, workspace_dir: Path) -> None:
    path = workspace_dir / "directive_2024.yaml"
    text = path.read_text("utf-8")
    line = text.count("\n", 0, text.index("  - index: SIPAS")) + 1
    path.write_text(text.replace("  - index: SIPAS", "  - index: sipas", 1), "utf-8")
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert f"directive_2024.yaml:{line}:" in result.stdout
    assert "write it as the catalog does: 'SIPAS'" in result.stdout


def test_a_parent_comes_before_its_children(cli: Invoke, ws: Path) -> None:
    path = ws / DIRECTIVE
    text = path.read_text("utf-8")
    section = text[text.index("- id: II.1.1\n") : text.index("- id: II.1.1.a\n")]
    moved = text.replace(section, "", 1)
    moved = moved.replace("- id: II.1.2\n", section + "- id: II.1.2\n", 1)
    path.write_text(moved, "utf-8")
    line = _line_of(path, "- id: II.1.1.a\n") + 2
    result = cli("--data-dir", str(ws), "validate")
    assert result.exit_code == 1
    assert f"{DIRECTIVE}:{line}:" in result.stdout
    assert "bad-parent: II.1.1.a: its parent II.1.1 comes after it" in result.stdout


def test_the_word_report_has_a_part_per_index_with_dimensions(cli: Invoke, ws: Path) -> None:
    from docx import Document  # Lazy: this test alone reads a Word file.

    out = ws.parent / "r.docx"
    result = cli("--data-dir", str(ws), "report", "-p", "2025", "-f", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    headings = [p.text for p in Document(str(out)).paragraphs]
    # The points are numbered in turn, however many the report has (its
    # rank target and results come before the roll-ups).
    points = [h for h in headings if re.match(r"^\d+\. ", h)]
    assert [int(h.split(".")[0]) for h in points] == list(range(1, len(points) + 1))
    assert any(h.endswith(". Kết quả theo nội dung Chỉ số DTI") for h in points)
    names = {cell.text for table in Document(str(out)).tables for cell in table.columns[1].cells}
    assert "Dịch vụ số (thử nghiệm)" in names
