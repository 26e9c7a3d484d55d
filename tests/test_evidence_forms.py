"""Evidence as offices cite it: the forms accepted, how they are kept, and
the one thing no citation may do — be dated after the fact it proves."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parledger.model.docref import (
    citation_date,
    evidence_problems,
    read_citations,
    read_evidence,
    shown_evidence,
)
from parledger.model.errors import UsageError
from parledger.store import journal, merge
from tests.conftest import ROOT, Invoke
from tests.test_ledger import _snapshot

SCENARIO = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"

# What an analyst pastes from an office's document → what the ledger keeps.
FORMS = {
    "Báo cáo số 130/BC-VP ngày 28/6/2024": "130/BC-VP ngày 28/6/2024",
    "Quyết định số 766/QĐ-TTg": "766/QĐ-TTg",
    "1023/UBND-NC ngày 03 tháng 6 năm 2024": "1023/UBND-NC ngày 03/6/2024",
    "130/BC-VP, ngày 28/6/2024": "130/BC-VP ngày 28/6/2024",
    "130/BC–VP": "130/BC-VP",  # en dash
    "200/bc-snv": "200/BC-SNV",
    "BÁO CÁO SỐ 130/BC-VP NGÀY 28/6/2024": "130/BC-VP ngày 28/6/2024",
    "bao cao so 130/bc-vp ngay 28/6/2024": "130/BC-VP ngày 28/6/2024",
    "Công văn số 452/ttg—kstt ngày 23/5/2023": "452/TTg-KSTT ngày 23/5/2023",  # em dash
    "Nghị định số 30/2020/nđ−cp": "30/2020/NĐ-CP",  # minus sign
    "Kế hoạch số 184/KH-UBND ngày 5/1/2024": "184/KH-UBND ngày 05/01/2024",
    "Số: 28-ct/tu": "28-CT/TU",
    "Tờ trình số 12/ttr-snv ngày 1 tháng 7 năm 2024": "12/TTr-SNV ngày 01/7/2024",
}


def _ws(cli: Invoke, tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    assert cli("init", str(folder)).exit_code == 0
    return folder


def _entries(folder: Path) -> list[dict[str, Any]]:
    text = (folder / "ledger_2024.yaml").read_text(encoding="utf-8")
    return [entry for line in text.splitlines() if (entry := journal.parse_line(line))]


def _record(cli: Invoke, folder: Path, *evidence: str, date: str = "2024-07-01") -> Any:
    options = [part for item in evidence for part in ("--evidence", item)]
    return cli(
        "--data-dir", str(folder), "record", "I.1.1", "-a", "SNV", "--status", "in_progress",
        "--date", date, "--by", "Mai", *options,
    )  # fmt: skip


# -- the forms offices write -------------------------------------------------------


@pytest.mark.parametrize(("typed", "canonical"), sorted(FORMS.items()))
def test_each_form_is_kept_canonical_with_the_text_as_typed(
    cli: Invoke, tmp_path: Path, typed: str, canonical: str
) -> None:
    folder = _ws(cli, tmp_path)
    result = _record(cli, folder, typed)
    assert result.exit_code == 0, result.output
    assert f"evidence: {canonical}" in result.stdout
    [entry] = _entries(folder)
    assert entry["evidence"] == [canonical]
    assert entry["evidence_as_written"] == [typed]
    assert cli("--data-dir", str(folder), "validate").exit_code == 0


def test_the_canonical_form_typed_adds_nothing_beside_it(cli: Invoke, tmp_path: Path) -> None:
    folder = _ws(cli, tmp_path)
    assert _record(cli, folder, "130/BC-VP ngày 28/6/2024", "https://x.vn/a").exit_code == 0
    line = (folder / "ledger_2024.yaml").read_text(encoding="utf-8").splitlines()[-1]
    assert '"evidence": ["130/BC-VP ngày 28/6/2024", "https://x.vn/a"]' in line
    assert "evidence_as_written" not in line


def test_the_texts_as_typed_stand_beside_their_citations_in_order(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = _ws(cli, tmp_path)
    nfd = unicodedata.normalize("NFD", "Báo cáo  số 130/BC-VP")
    assert _record(cli, folder, "28-CT/TU", nfd).exit_code == 0
    [entry] = _entries(folder)
    assert entry["evidence"] == ["28-CT/TU", "130/BC-VP"]
    # NFC, single spaces: the text as typed, not the bytes a keyboard sent.
    assert entry["evidence_as_written"] == ["28-CT/TU", "Báo cáo số 130/BC-VP"]
    # One line, the canonical citations first: what a reviewer reads in a diff.
    line = (folder / "ledger_2024.yaml").read_text(encoding="utf-8").splitlines()[-1]
    assert line.index('"evidence"') < line.index('"evidence_as_written"')


def test_history_and_exports_show_the_canonical_form(cli: Invoke, tmp_path: Path) -> None:
    folder = _ws(cli, tmp_path)
    assert _record(cli, folder, "Báo cáo số 130/BC-VP, ngày 28/6/2024").exit_code == 0
    history = cli("--data-dir", str(folder), "history", "--format", "json")
    [row] = json.loads(history.stdout)
    assert row["details"] == "in progress; evidence: 130/BC-VP ngày 28/6/2024"
    assert row["entry"]["evidence_as_written"] == ["Báo cáo số 130/BC-VP, ngày 28/6/2024"]
    for _ in range(2):  # cold, then from the cache
        status = cli(
            "--data-dir", str(folder), "export", "--format", "csv", "--as-of", "2024-07-02"
        )
        assert status.exit_code == 0, status.output
        assert "130/BC-VP ngày 28/6/2024" in status.stdout
        assert "Báo cáo số" not in status.stdout


# -- what stays refused ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Giấy phép số 12/GP-UBND", "'Giấy phép' is not a document kind parledger knows"),
        ("200/BC-SNV ngày 31/2/2024", "is not a real date"),
        ("200/BC-SNV ngày 31 tháng 2 năm 2024", "is not a real date"),
        ("200/BC-SNV ngày 15 thang 6 nam 1999", "outside 2000–2100"),
        ("Báo cáo số 766/QĐ-TTg", "is numbered as a Quyết định (QĐ), not a Báo cáo (BC)"),
        ("200/BC-SNV (bản scan)", "after the number only its date may follow"),
        ("báo cáo tháng 6", "is neither a document reference nor a URL"),
        ("200/bc", "is neither a document reference nor a URL"),
    ],
)
def test_what_is_not_a_citation_is_refused_in_one_line_and_nothing_is_written(
    cli: Invoke, tmp_path: Path, typed: str, said: str
) -> None:
    folder = _ws(cli, tmp_path)
    before = _snapshot(folder)
    result = _record(cli, folder, typed)
    assert result.exit_code == 2
    assert said in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert _snapshot(folder) == before


def test_an_unknown_kind_is_answered_with_the_kinds_accepted(cli: Invoke, tmp_path: Path) -> None:
    result = _record(cli, _ws(cli, tmp_path), "Giấy phép số 12/GP-UBND")
    for kind in ("Báo cáo", "Công văn", "Kế hoạch", "Quyết định", "Thông báo", "Tờ trình"):
        assert kind in result.stderr


# -- no evidence dated after its fact ----------------------------------------------


def test_evidence_dated_after_the_fact_is_refused_naming_both_dates(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = _ws(cli, tmp_path)
    before = _snapshot(folder)
    result = _record(cli, folder, "200/BC-SNV ngày 15/6/2099", date="2024-06-20")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "15/6/2099" in result.stderr and "20/06/2024" in result.stderr
    assert _snapshot(folder) == before
    # A day late is as late as a century.
    assert _record(cli, folder, "200/BC-SNV ngày 21/6/2024", date="2024-06-20").exit_code == 2
    assert _snapshot(folder) == before
    # The day of the fact itself is fine.
    assert _record(cli, folder, "200/BC-SNV ngày 20/6/2024", date="2024-06-20").exit_code == 0


def test_a_correction_keeps_evidence_no_later_than_its_fact(cli: Invoke, tmp_path: Path) -> None:
    folder = _ws(cli, tmp_path)
    assert _record(cli, folder, "200/BC-SNV ngày 15/6/2024", date="2024-06-20").exit_code == 0
    [entry] = _entries(folder)
    fix = ["--data-dir", str(folder), "correct", entry["id"], "--reason", "sửa", "--by", "Mai"]
    before = _snapshot(folder)
    later = cli(*fix, "--evidence", "201/BC-SNV ngày 25/6/2024")
    assert later.exit_code == 2 and "25/6/2024" in later.stderr and "20/06/2024" in later.stderr
    earlier = cli(*fix, "--date", "2024-06-10")  # before the evidence it keeps
    assert earlier.exit_code == 2 and "15/6/2024" in earlier.stderr
    assert _snapshot(folder) == before
    both = cli(*fix, "--date", "2024-06-30", "--evidence", "Báo cáo số 201/bc-snv ngày 25/6/2024")
    assert both.exit_code == 0, both.output
    correction = _entries(folder)[-1]
    assert correction["evidence"] == ["201/BC-SNV ngày 25/6/2024"]
    assert correction["evidence_as_written"] == ["Báo cáo số 201/bc-snv ngày 25/6/2024"]
    history = cli("--data-dir", str(folder), "history", "--format", "json").stdout
    assert "evidence 201/BC-SNV ngày 25/6/2024" in json.loads(history)[-1]["details"]


def _hand_edit(folder: Path, *entries: dict[str, Any]) -> None:
    with (folder / "ledger_2024.yaml").open("a", encoding="utf-8") as ledger:
        for entry in entries:
            ledger.write(journal.format_entry(entry))


PROGRESS = {
    "id": "e-00000000000a", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
    "date": "2024-06-20", "recorded": "2024-06-21T08:00:00Z", "by": "Mai",
    "status": "in_progress",
}  # fmt: skip


@pytest.mark.parametrize(
    ("late", "shown"),
    [
        ("200/BC-SNV ngày 15/6/2099", "15/6/2099"),  # parledger's own form
        ("200/BC-SNV ngày 30/6/2024", "30/6/2024"),  # a day some months lack
        ("Số 200/BC-SNV ngày 21/06/2024", "21/6/2024"),  # as an older version kept it
        ("Báo cáo số 200/BC-SNV ngày 01 tháng 7 năm 2024", "01/7/2024"),
    ],
)
def test_validate_reports_evidence_after_the_fact_at_its_line(
    cli: Invoke, tmp_path: Path, late: str, shown: str
) -> None:
    folder = _ws(cli, tmp_path)
    header = (folder / "ledger_2024.yaml").read_text(encoding="utf-8").count("\n")
    on_time = PROGRESS | {"id": "e-00000000000d", "evidence": ["201/BC-SNV ngày 20/6/2024"]}
    _hand_edit(folder, on_time, PROGRESS | {"evidence": ["28-CT/TU", late]})
    result = cli("--data-dir", str(folder), "validate")
    assert result.exit_code == 1
    [problem] = result.stdout.splitlines()
    assert f"ledger_2024.yaml:{header + 2}:" in problem
    assert "evidence-after-fact" in problem
    assert shown in problem and "20/06/2024" in problem
    # Every command refuses the workspace until the line is mended.
    assert cli("--data-dir", str(folder), "status").exit_code == 1


def test_validate_reports_a_correction_that_dates_a_fact_before_its_evidence(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = _ws(cli, tmp_path)
    header = (folder / "ledger_2024.yaml").read_text(encoding="utf-8").count("\n")
    fix = {
        "id": "e-00000000000b", "kind": "correction", "task": "I.1.1", "agency": "so-noi-vu",
        "date": "2024-06-22", "recorded": "2024-06-22T08:00:00Z", "by": "Mai",
        "supersedes": "e-00000000000a", "reason": "ngày", "fact_date": "2024-06-01",
    }  # fmt: skip
    _hand_edit(folder, PROGRESS | {"evidence": ["Báo cáo số 200/BC-SNV ngày 15/6/2024"]}, fix)
    result = cli("--data-dir", str(folder), "validate")
    assert result.exit_code == 1
    [problem] = result.stdout.splitlines()
    assert f"ledger_2024.yaml:{header + 2}:" in problem and "evidence-after-fact" in problem
    assert "01/06/2024" in problem


# -- older ledgers -----------------------------------------------------------------


def test_an_older_ledger_loads_unchanged_and_shows_its_evidence_canonical(
    cli: Invoke, tmp_path: Path
) -> None:
    folder = _ws(cli, tmp_path)
    shutil.copy(SCENARIO, folder / "ledger_2024.yaml")
    # A citation an older parledger kept as typed ("Số", a padded month).
    _hand_edit(folder, PROGRESS | {"evidence": ["Số 201/BC-SNV ngày 15/06/2024"]})
    before = _snapshot(folder)
    assert cli("--data-dir", str(folder), "validate").exit_code == 0
    history = cli("--data-dir", str(folder), "history", "I.1.1", "--format", "json")
    row = next(row for row in json.loads(history.stdout) if row["id"] == PROGRESS["id"])
    assert row["details"] == "in progress; evidence: 201/BC-SNV ngày 15/6/2024"
    assert row["entry"]["evidence"] == ["Số 201/BC-SNV ngày 15/06/2024"]  # as kept
    assert _snapshot(folder) == before
    # A new entry is appended after the old bytes, which stay as they were.
    assert _record(cli, folder, "Báo cáo số 202/BC-SNV", date="2024-07-01").exit_code == 0
    old = before["ledger_2024.yaml"]
    assert (folder / "ledger_2024.yaml").read_bytes().startswith(old)


def test_the_merge_driver_keeps_the_texts_as_typed() -> None:
    header = journal.header("directive_2024")
    ours = PROGRESS | {"evidence": ["130/BC-VP"], "evidence_as_written": ["130/bc–vp"]}
    theirs = PROGRESS | {"id": "e-00000000000c", "evidence": ["1/KH-UBND"]}
    base = header.encode()
    merged = merge.union3(
        base, (header + journal.format_entry(ours)).encode(),
        (header + journal.format_entry(theirs)).encode(),
    )  # fmt: skip
    assert not merged.clashes
    text = merged.data.decode("utf-8")
    lines = [e for line in text.splitlines() if (e := journal.parse_line(line))]
    assert lines == [json.loads(json.dumps(ours)), json.loads(json.dumps(theirs))]


# -- the reading itself ------------------------------------------------------------

_NUMBERS = st.builds(
    "{}{}".format,
    st.integers(1, 9999).map(str),
    st.sampled_from(
        ["/BC-SNV", "/bc–snv", "/2020/NĐ-CP", "/2020/nđ-cp", "-CT/TU", "-ct/tu", "/QĐ-TTg",
         "/qđ-ttg", "/UBND-PVHCC&KSTT", "/TTr-SNV", "/CTR-UBND"]
    ),
)  # fmt: skip
_DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


def _spelt(day: dt.date, how: int) -> str:
    return [
        f" ngày {day.day}/{day.month}/{day.year}",
        f", ngày {day.day:02d}/{day.month:02d}/{day.year}",
        f" Ngày {day.day} tháng {day.month} năm {day.year}",
        f" ngay {day.isoformat()}",
    ][how]


_CITATIONS = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "Số ", "Văn bản số ", "Công văn ", "VĂN BẢN SỐ: "]),
    _NUMBERS,
    st.one_of(st.just(""), st.builds(_spelt, _DAYS, st.integers(0, 3))),
)


@settings(max_examples=200, deadline=None)
@given(_CITATIONS)
def test_every_form_reads_to_one_canonical_form_that_reads_to_itself(text: str) -> None:
    citation = read_evidence(text)
    again = read_evidence(citation.canonical)
    assert again.canonical == citation.canonical and again.date == citation.date
    assert shown_evidence(text) == shown_evidence(citation.canonical) == citation.canonical
    # What a cold read of a ledger makes of it, in one batch, is the same:
    # no problem, and the date its tables give (validate's quick look).
    cited = read_citations({text, citation.canonical})
    assert cited.problems == {}
    for each in (text, citation.canonical):
        assert citation_date(each) == citation.date
        by_table = cited.others.get(each) or cited.days.get(each.rpartition(" ")[2])
        assert by_table == citation.date


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_with_a_usage_error(text: str) -> None:
    try:
        citation = read_evidence(text)
    except UsageError as exc:
        assert "\n" not in str(exc)
        assert evidence_problems({text}) == {text: str(exc)} or not text.strip()
    else:
        assert read_evidence(citation.canonical).canonical == citation.canonical
