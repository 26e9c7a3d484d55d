"""The indices' results by year (results.yaml), beside the directive's quoted
baseline, and rank targets evaluated against them (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parledger.present import export
from tests.conftest import ROOT, Invoke, below_workspace_line

SOURCE_2024 = "Công văn số 1487/UBND-NC ngày 21/5/2025"
GOLDEN = ROOT / "tests" / "golden"

# A rank target written into a copy of the directive: the sentence is added
# to I.1.1's wording (tests only; the bundled text is the legal text).
SENTENCE = (
    " Phấn đấu Chỉ số PAR INDEX năm 2025 tăng ít nhất 01 bậc so với năm 2024,"
    " năm 2024 nằm trong nhóm 20 tỉnh dẫn đầu và trong nhóm 10 tỉnh dẫn đầu."
)
TARGETS = """\
  - id: t2
    what: "Chỉ số PAR INDEX năm 2025 tăng bậc so với năm 2024"
    value: 1
    unit: " bậc"
    comparator: ">="
    by_year: 2025
    index: "PAR INDEX"
    compared_to: 2024
    quote: "Phấn đấu Chỉ số PAR INDEX năm 2025 tăng ít nhất 01 bậc so với năm 2024"
  - id: t3
    what: "Chỉ số PAR INDEX năm 2024 trong nhóm 20 tỉnh dẫn đầu"
    value: 20
    unit: ""
    comparator: "<="
    by_year: 2024
    index: "PAR INDEX"
    quote: "năm 2024 nằm trong nhóm 20 tỉnh dẫn đầu"
  - id: t4
    what: "Chỉ số PAR INDEX năm 2024 trong nhóm 10 tỉnh dẫn đầu"
    value: 10
    unit: ""
    comparator: "<="
    by_year: 2024
    index: "PAR INDEX"
    quote: "trong nhóm 10 tỉnh dẫn đầu"
"""


@pytest.fixture
def ws(workspace_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARLEDGER_DATA", str(workspace_dir))
    return workspace_dir


@pytest.fixture
def with_rank_targets(ws: Path) -> Path:
    path = ws / "directive_2024.yaml"
    text = path.read_text(encoding="utf-8")
    ending = 'đảm bảo hoàn thành 100% Kế hoạch CCHC năm 2024 của tỉnh."'
    assert text.count(ending) == 1
    text = text.replace(ending, ending[:-1] + SENTENCE + '"')
    anchor = 'quote: "đảm bảo hoàn thành 100% Kế hoạch CCHC năm 2024 của tỉnh"\n'
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + TARGETS), encoding="utf-8")
    return ws


def test_the_bundled_workspace_holds_the_2024_results_with_their_source(cli: Invoke) -> None:
    listed = json.loads(cli("results", "--format", "json").stdout)
    assert [(r["index"], r["year"], r["rank"], r["of"]) for r in listed] == [
        ("PAPI", 2024, 19, 63),
        ("PAR INDEX", 2024, 14, 63),
        ("SIPAS", 2024, 8, 63),
    ]
    assert {r["source"] for r in listed} == {"1487/UBND-NC ngày 21/5/2025"}
    assert {r["score"] for r in listed} == {None}  # the source gives none
    table = below_workspace_line(cli("results", "--index", "par-index").stdout)
    assert "14/63" in table and SOURCE_2024 in table and "PAPI" not in table


def test_the_report_sets_2023_beside_2024_and_keeps_the_baseline_as_quoted(cli: Invoke) -> None:
    built = json.loads(cli("report", "--period", "2024", "-f", "json").stdout)
    assert [(b["index"], b["year"], b["rank"]) for b in built["baseline"]] == [
        ("PAPI", 2023, 12),
        ("PAR INDEX", 2023, 26),
        ("SIPAS", 2023, 7),
    ]
    lines = cli("report", "--period", "2024", "-f", "md").stdout
    assert f"PAPI: 12/63 (2023, quoted by the directive) → 19/63 (2024, {SOURCE_2024})" in lines
    assert "PAR INDEX: 26/63 (2023, quoted by the directive) → 14/63 (2024," in lines
    assert "SIPAS: 7/63 (2023, quoted by the directive) → 8/63 (2024," in lines
    vi = cli("report", "--period", "2024", "-f", "md", "--lang", "vi").stdout
    assert "PAPI: 12/63 (năm 2023, văn bản nêu) → 19/63 (năm 2024," in vi
    table = cli("report", "--period", "2024", env={"COLUMNS": "100"}).stdout
    assert "Index      2023 (quoted)   2024\n" in table
    assert "PAR INDEX          26/63  14/63\n" in table
    assert f"Source: {SOURCE_2024} (PAPI 2024, PAR INDEX 2024, SIPAS 2024)" in table
    one = json.loads(cli("report", "--period", "2024", "--index", "SIPAS", "-f", "json").stdout)
    assert [r["index"] for r in one["results"]] == ["SIPAS"]


def test_show_of_a_part_gives_its_index_s_results(cli: Invoke) -> None:
    shown = cli("show", "III").stdout
    assert "PAPI: 12/63 (2023, quoted by the directive) → 19/63 (2024," in shown
    detail = json.loads(cli("show", "I", "-f", "json").stdout)
    assert [s["rank"] for s in detail["results"][0]["steps"]] == [26, 14]
    assert "results" not in json.loads(cli("show", "I.1.1", "-f", "json").stdout)


def test_record_result_appends_in_canonical_form_and_keeps_the_file(cli: Invoke, ws: Path) -> None:
    before = (ws / "results.yaml").read_text(encoding="utf-8")
    done = cli(
        "record-result", "--index", "pàr index", "--year", "2025", "--rank", "12", "--of", "34",
        "--score", "85.5", "--source", "Công văn số 2/UBND-NC ngày 02/3/2026",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "recorded PAR INDEX 2025: 12/34, 85.5 points" in done.stdout
    after = (ws / "results.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # comments and earlier results kept, byte for byte
    assert after[len(before) :] == (
        '- index: "PAR INDEX"\n  year: 2025\n  rank: 12\n  of: 34\n  score: 85.5\n'
        '  source: "2/UBND-NC ngày 02/3/2026"\n'
        '  source_as_written: "Công văn số 2/UBND-NC ngày 02/3/2026"\n'
    )
    assert cli("validate").exit_code == 0
    progression = cli("report", "--period", "2024", "-f", "md").stdout
    assert (
        "→ 14/63 (2024, Công văn số 1487/UBND-NC ngày 21/5/2025) → 12/34, 85.5 points (2025,"
        in (progression)
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-i", "PAPI", "-y", "2024", "-r", "19", "--of", "63"], "PAPI 2024 is already recorded"),
        (["-i", "papy", "-y", "2023", "-r", "3", "--of", "63"], "did you mean PAPI?"),
        (["-i", "SIPAS", "-y", "2999", "-r", "3", "--of", "63"], "has not come yet"),
        (["-i", "SIPAS", "-y", "2023", "-r", "64", "--of", "63"], "cannot exceed"),
        (["-i", "SIPAS", "-y", "2023", "-r", "0", "--of", "63"], "ranks start at 1"),
    ],
)
def test_nonsense_is_refused_and_nothing_written(
    cli: Invoke, ws: Path, args: list[str], said: str
) -> None:
    before = (ws / "results.yaml").read_bytes()
    refused = cli("record-result", *args, "--source", SOURCE_2024)
    assert refused.exit_code == 2
    assert said in refused.stderr and "\n" not in refused.stderr.strip()
    assert (ws / "results.yaml").read_bytes() == before


def test_a_source_that_is_no_document_is_refused(cli: Invoke, ws: Path) -> None:
    refused = cli("record-result", "-i", "PAPI", "-y", "2023", "-r", "1", "--of", "63",
                  "--source", "the newspaper")  # fmt: skip
    assert refused.exit_code == 2 and "neither a document reference nor a URL" in refused.stderr


def test_the_bundled_workspace_is_read_only(cli: Invoke) -> None:
    refused = cli("record-result", "-i", "PAPI", "-y", "2023", "-r", "1", "--of", "63",
                  "--source", SOURCE_2024)  # fmt: skip
    assert refused.exit_code == 2 and "read-only" in refused.stderr


def test_a_first_result_creates_the_file(cli: Invoke, ws: Path) -> None:
    (ws / "results.yaml").unlink()
    assert json.loads(cli("results", "-f", "json").stdout) == []
    done = cli("record-result", "-i", "SIPAS", "-y", "2024", "-r", "8", "--of", "63",
               "--source", SOURCE_2024)  # fmt: skip
    assert done.exit_code == 0, done.output
    text = (ws / "results.yaml").read_text(encoding="utf-8")
    assert text.startswith("# results.yaml") and 'results:\n- index: "SIPAS"' in text
    assert cli("validate").exit_code == 0


def test_init_copies_the_results(cli: Invoke, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path / "new")).exit_code == 0
    assert (tmp_path / "new" / "results.yaml").read_bytes() == (
        ROOT / "data" / "results.yaml"
    ).read_bytes()
    assert not (tmp_path / "new" / "periods.yaml").exists()  # follows the bundled calendar


def test_a_workspace_without_results_reads_as_before(cli: Invoke, ws: Path) -> None:
    (ws / "results.yaml").unlink()
    built = json.loads(cli("report", "--period", "2024-Q3", "-f", "json").stdout)
    assert "results" not in built and "rank_targets" not in built
    md = cli("report", "--period", "2024-Q3", "-f", "md").stdout
    assert "Results by year" not in md
    assert "results" not in json.loads(cli("show", "III", "-f", "json").stdout)


def test_without_results_the_report_is_the_golden_one_less_its_results(
    cli: Invoke, ws: Path
) -> None:
    # The scenario's ledger, as the golden files were made, without results.yaml:
    # the report's bytes are those of the golden file with no "results" key.
    shutil_copy(ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml", ws)
    (ws / "results.yaml").unlink()
    golden = json.loads((GOLDEN / "report-2024-Q3.json").read_text(encoding="utf-8"))
    del golden["results"]
    produced = cli("report", "--period", "2024-Q3", "--format", "json").stdout
    assert produced == export.to_json(golden)


def shutil_copy(source: Path, folder: Path) -> None:
    (folder / source.name).write_bytes(source.read_bytes())


def test_a_malformed_results_file_is_one_line_at_its_place(cli: Invoke, ws: Path) -> None:
    (ws / "results.yaml").write_text(
        'results:\n- index: "PAPI"\n  year: 2024\n  rank: 70\n  of: 63\n'
        '  source: "1487/UBND-NC ngày 21/5/2025"\n- index: "PAPY"\n  year: 2023\n'
        '  rank: 1\n  of: 63\n  source: "1487/UBND-NC ngày 21/5/2025"\n',
        encoding="utf-8",
    )
    for args in (["report"], ["results"], ["show", "I"]):
        failed = cli(*args)
        assert failed.exit_code == 1, args
        first = failed.stderr.splitlines()[0]
        assert f"{ws / 'results.yaml'}:2:3:" in first and "rank 70 of 63" in first
    checked = cli("validate")
    assert checked.exit_code == 1
    assert "results.yaml:2:3:" in checked.stdout
    (ws / "results.yaml").write_text(
        'results:\n- index: "PAPY"\n  year: 2023\n  rank: 1\n  of: 63\n'
        '  source: "1487/UBND-NC ngày 21/5/2025"\n',
        encoding="utf-8",
    )
    said = cli("validate").stdout
    assert "results.yaml:2:3: unknown-index: unknown index 'PAPY'; did you mean PAPI?" in said
    # The ledger's commands do not read results: status works.
    assert cli("status").exit_code == 0


def test_rank_targets_met_missed_and_not_yet_published(
    cli: Invoke, with_rank_targets: Path
) -> None:
    assert cli("validate").exit_code == 0
    shown = cli("show", "I.1.1", env={"COLUMNS": "200"}).stdout
    assert "PAR INDEX 2025: at least 1 place above 2024" in shown
    assert "not yet published: no PAR INDEX result recorded for 2025" in shown
    assert "PAR INDEX 2024: rank 20 or better" in shown
    assert "met: 14/63 (2024, Công văn số 1487/UBND-NC ngày 21/5/2025)" in shown
    built = json.loads(cli("report", "--period", "2024", "-f", "json").stdout)
    verdicts = {t["target"]: t["verdict"] for t in built["rank_targets"]}
    assert verdicts == {"t2": "not_published", "t3": "met", "t4": "missed"}
    done = cli("record-result", "-i", "PAR INDEX", "-y", "2025", "-r", "12", "--of", "34",
               "--source", "Công văn số 2/UBND-NC ngày 02/3/2026")  # fmt: skip
    assert done.exit_code == 0, done.output
    md = cli("report", "--period", "2024", "-f", "md").stdout
    assert "## Rank targets" in md
    assert (
        "I.1.1 t2 — PAR INDEX 2025: at least 1 place above 2024 — met: 12/34 (2025, Công văn "
        "số 2/UBND-NC ngày 02/3/2026) against 14/63 (2024, Công văn số 1487/UBND-NC ngày "
        "21/5/2025)" in md
    )
    assert "I.1.1 t4 — PAR INDEX 2024: rank 10 or better — missed: 14/63" in md
    vi = cli("report", "--period", "2024", "-f", "md", "--lang", "vi").stdout
    assert "tăng ít nhất 1 bậc so với 2024 — đạt" in vi and "— không đạt:" in vi


def test_a_rank_target_is_checked_in_the_directive(cli: Invoke, with_rank_targets: Path) -> None:
    path = with_rank_targets / "directive_2024.yaml"
    text = path.read_text(encoding="utf-8")
    typo = text.replace('index: "PAR INDEX"\n    compared_to', 'index: "PAR INDX"\n    compared_to')
    path.write_text(typo, encoding="utf-8")
    said = cli("validate").stdout
    assert "unknown-index" in said and "did you mean PAR INDEX?" in said
    path.write_text(text.replace("compared_to: 2024", "compared_to: 2026"), encoding="utf-8")
    said = cli("validate").stdout
    assert "compared_to 2026 must be a year before by_year 2025" in said


def test_the_word_report_says_the_results_and_the_verdicts(
    cli: Invoke, with_rank_targets: Path, tmp_path: Path
) -> None:
    from docx import Document

    target = tmp_path / "r.docx"
    done = cli("report", "--period", "2024", "-f", "docx", "-o", str(target), "-q")
    assert done.exit_code == 0, done.output
    texts = [p.text for p in Document(str(target)).paragraphs]
    at = texts.index("2. Kết quả các năm đã công bố")
    assert texts[at + 1] == (
        f"- PAPI: 12/63 (năm 2023, văn bản nêu) → 19/63 (năm 2024, {SOURCE_2024})."
    )
    assert "3. Chỉ tiêu xếp hạng" in texts
    assert any(
        t.startswith("- I.1.1 t4 — PAR INDEX 2024: đứng thứ 10 trở lên — không đạt") for t in texts
    )


def test_a_result_recorded_meanwhile_by_another_process_is_not_doubled(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parledger.model.errors import UsageError
    from parledger.store import results as kept
    from parledger.store.workspace import locate
    from parledger.track import results

    before = (ws / "results.yaml").read_bytes()
    # The checks saw the file before the other process's PAPI 2024 landed.
    monkeypatch.setattr(kept, "read", lambda location, ids, today=None: [])
    indices = ["PAR INDEX", "SIPAS", "PAPI"]
    with pytest.raises(UsageError, match="PAPI 2024 is already recorded"):
        results.record(
            locate(ws), indices, index="PAPI", year=2024, rank=18, of=63, source=SOURCE_2024
        )
    assert (ws / "results.yaml").read_bytes() == before


def test_a_warm_report_reads_no_yaml_for_its_results(ws: Path) -> None:
    from tests.test_imports import _loaded

    _loaded("report", "--period", "2024", "-f", "md")  # fills the cache, the results with it
    loaded = _loaded("report", "--period", "2024", "-f", "md")
    assert not {"ruamel.yaml", "parledger.store.yamlio", "parledger.store.schema"} & loaded
