"""`parledger validate` and the error boundary on broken workspaces.

Each case breaks a private copy of the bundled workspace the way a hand edit
would, and checks that the problem is reported at the line a person must fix,
with exit 1, no traceback, and no file touched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import Invoke

PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[a-z-]+): .+$")


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace the first ``count`` occurrences; return the 1-based line of the first."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return text.count("\n", 0, at) + 1


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _problems(output: str) -> list[dict[str, str]]:
    found = []
    for line in output.splitlines():
        match = PROBLEM_LINE.match(line)
        assert match, f"not a path:line:col: code: message line: {line!r}"
        found.append(match.groupdict())
    return found


def test_every_problem_in_one_run(cli: Invoke, workspace_dir: Path) -> None:
    registry = workspace_dir / "agencies.yaml"
    directive = workspace_dir / "directive_2024.yaml"
    dup_line = _edit(registry, "- id: so-tu-phap\n", "- id: so-noi-vu\n")
    kind_line = _edit(registry, "  kind: department\n", "  kind: ministry\n")
    lead_line = _edit(directive, "  - I.1.4\n", "  - I.1.99\n")
    agency_line = _edit(directive, "  - agency: so-tai-chinh\n", "  - agency: so-khong-co\n")
    before = _snapshot(workspace_dir)

    result = cli("--data-dir", str(workspace_dir), "validate")

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    problems = _problems(result.stdout)
    # The schema error in the registry stops the cross-file checks of that
    # file, so the duplicate id is found once the kind is fixed; the
    # directive's own problems are all reported now.
    assert {p["code"] for p in problems} >= {"invalid-value"}
    assert any(
        p["line"] == str(kind_line) and p["path"].endswith("agencies.yaml") for p in problems
    )
    assert _snapshot(workspace_dir) == before

    _edit(registry, "  kind: ministry\n", "  kind: department\n")
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    found = {(p["code"], p["line"], Path(p["path"]).name) for p in _problems(result.stdout)}
    assert ("duplicate-id", str(dup_line), "agencies.yaml") in found
    assert ("unknown-task", str(lead_line), "directive_2024.yaml") in found
    assert ("unknown-agency", str(agency_line), "directive_2024.yaml") in found
    assert "problem(s)" in result.stderr


def test_unknown_field_is_named_with_its_line(cli: Invoke, workspace_dir: Path) -> None:
    line = _edit(
        workspace_dir / "agencies.yaml", "  name: Sở Nội vụ\n", "  name: Sở Nội vụ\n  colour: red\n"
    )
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    (problem,) = _problems(result.stdout)
    assert problem["code"] == "unknown-field"
    assert problem["line"] == str(line + 1)
    assert "colour" in result.stdout


def test_missing_field(cli: Invoke, workspace_dir: Path) -> None:
    _edit(workspace_dir / "agencies.yaml", "  name: Sở Nội vụ\n", "")
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    (problem,) = _problems(result.stdout)
    assert problem["code"] == "missing-field"
    assert "name" in result.stdout


@pytest.mark.parametrize("command", [["validate"], ["status", "--agency", "SNV"], ["tasks"]])
def test_yaml_syntax_error_is_one_line_no_traceback(
    cli: Invoke, workspace_dir: Path, command: list[str]
) -> None:
    line = _edit(workspace_dir / "agencies.yaml", "- id: so-tu-phap\n", "- id: [so-tu-phap\n")
    before = _snapshot(workspace_dir)
    result = cli("--data-dir", str(workspace_dir), *command)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    text = result.stdout + result.stderr
    assert "agencies.yaml:" in text
    assert "yaml-syntax" in text
    reported = int(re.search(r"agencies\.yaml:(\d+):", text).group(1))  # type: ignore[union-attr]
    assert line <= reported <= line + 2
    assert _snapshot(workspace_dir) == before


def test_duplicate_key_is_reported(cli: Invoke, workspace_dir: Path) -> None:
    line = _edit(
        workspace_dir / "agencies.yaml",
        "  short:\n  - SNV\n",
        "  short:\n  - SNV\n  kind: department\n",
    )
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "duplicate key" in result.stdout
    assert (
        f"agencies.yaml:{line + 3}:" in result.stdout
        or f"agencies.yaml:{line + 2}:" in result.stdout
    )


def test_legacy_encoding_is_refused(cli: Invoke, workspace_dir: Path) -> None:
    path = workspace_dir / "agencies.yaml"
    text = path.read_text(encoding="utf-8")
    # Windows-1258 writes tone marks as combining characters; re-encode the
    # registry the way an old Word install would save it.
    import unicodedata

    legacy = unicodedata.normalize("NFD", text)
    legacy = legacy.replace("o\u031b", "\u01a1").replace("u\u031b", "\u01b0")
    legacy = (
        legacy.replace("o\u0302", "\u00f4")
        .replace("a\u0302", "\u00e2")
        .replace("e\u0302", "\u00ea")
    )
    legacy = legacy.replace("a\u0306", "\u0103").replace("O\u0302", "\u00d4")
    path.write_bytes(legacy.encode("cp1258", errors="replace"))
    result = cli("--data-dir", str(workspace_dir), "status", "--agency", "SNV")
    assert result.exit_code == 1
    assert "encoding" in result.stderr
    assert "Windows-1258" in result.stderr
    assert "Traceback" not in result.output


def test_missing_and_empty_files(cli: Invoke, workspace_dir: Path) -> None:
    (workspace_dir / "agencies.yaml").unlink()
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "agencies.yaml:1:1: missing-file" in result.stdout
    (workspace_dir / "agencies.yaml").write_text("# only a comment\n", encoding="utf-8")
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "agencies.yaml:1:1: empty-file" in result.stdout


def test_a_fact_dated_tomorrow_is_allowed_for_time_zones(cli: Invoke, workspace_dir: Path) -> None:
    # Recorded just after midnight in Hà Nội, read by a server on UTC: a day
    # ahead is not a slip; two days ahead is.
    import datetime as dt

    def ledger_dated(day: dt.date) -> str:
        return (
            "- id: e-000000000001\n  kind: progress\n  task: I.1.1\n  agency: so-noi-vu\n"
            f"  date: {day.isoformat()}\n  recorded: 2024-06-01T10:00:00Z\n"
            '  by: "T"\n  status: in_progress\n'
        )

    today = dt.date.today()
    ledger = workspace_dir / "ledger_2024.yaml"
    ledger.write_text(ledger_dated(today + dt.timedelta(days=1)), encoding="utf-8")
    assert cli("--data-dir", str(workspace_dir), "validate").exit_code == 0
    ledger.write_text(ledger_dated(today + dt.timedelta(days=2)), encoding="utf-8")
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "ledger_2024.yaml:5:3: future-date" in result.stdout


_PIECES = [
    "200", "/BC-SNV", "/2018/NĐ-CP", "-CT/TU", "/UBND-PVHCC&KSTT", " ngày ", "15/6/2024",
    "29/2/2024", "30/2/2024", "31/4/2025", "28/02/2100", "1/1/1999", "32/1/2024", "Số ",
    "https://x.y/a", " ", "\n", "bc", "/", "-", "0", "9",
]  # fmt: skip


_CITED = st.builds(
    "{}{}{}".format,
    st.sampled_from(["200", "61", "28", "3087", "Số 5"]),
    st.sampled_from(["/BC-SNV", "/2018/NĐ-CP", "-CT/TU", "/UBND-PVHCC&KSTT", "/bc"]),
    st.one_of(
        st.just(""),
        st.builds(
            " ngày {}/{}/{}".format,
            st.integers(0, 32),
            st.integers(0, 13),
            st.sampled_from([1999, 2000, 2023, 2024, 2100, 2101]),
        ),
    ),
)


@example({"200/BC-SNV ngày 30/2/2024", "200/BC-SNV ngày 29/2/2023", "28-CT/TU ngày 28/02/2100"})
@given(
    st.sets(
        st.one_of(_CITED, st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)),
        max_size=12,
    )
)
def test_evidence_checked_together_is_checked_as_one_by_one(texts: set[str]) -> None:
    # The cold read picks out the citations in parledger's own form with one
    # regular expression over all of them; it must say what the check of
    # each one alone says, including of days that exist in some months only.
    from parledger.model.docref import evidence_problem, evidence_problems

    one_by_one = {text: p for text in texts if (p := evidence_problem(text)) is not None}
    assert evidence_problems(texts) == one_by_one
