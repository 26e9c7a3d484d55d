"""A ledger brought back to the form parledger writes: parledger 0.1's
multi-line entries rewritten one a line, and a last line cut short by a
crash set aside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parledger.store.workspace import bundled_root
from tests.conftest import ROOT, Invoke

MULTILINE = ROOT / "tests" / "data" / "multiline" / "ledger_2024.yaml"
ONE_LINE = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"

# Every read a user makes of the ledger, as a script would take it.
READS = [
    ["status", "--as-of", "2024-11-15", "-f", "json"],
    ["status", "-a", "SNV", "--as-of", "2024-11-15"],
    ["status", "-a", "Văn Lâm", "-f", "json"],
    ["report", "--period", "2024-Q3", "-f", "json"],
    ["history"],
    ["history", "-f", "json"],
    ["history", "I.1.1", "-a", "SNV"],
]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(bundled_root(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(MULTILINE, folder / "ledger_2024.yaml")
    monkeypatch.setenv("PARLEDGER_DATA", str(folder))
    return folder


def _reads(cli: Invoke) -> list[tuple[int, str]]:
    return [(r.exit_code, r.stdout) for r in (cli(*args) for args in READS)]


def test_a_multiline_ledger_reads_and_is_rewritten_one_entry_a_line(cli: Invoke, ws: Path) -> None:
    ledger = ws / "ledger_2024.yaml"
    before = _reads(cli)
    assert all(code == 0 for code, _ in before)
    validated = cli("validate")
    assert validated.exit_code == 0 and "upgrade-ledger" in validated.stderr

    result = cli("upgrade-ledger")
    assert result.exit_code == 0, result.output
    assert "12 entries" in result.stdout
    lines = [line for line in ledger.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 12 and all(line.startswith('- {"id": "e-') for line in lines)
    # What the office sees is the same before and after, and so is every id.
    assert _reads(cli) == before
    assert ledger.read_bytes() == ONE_LINE.read_bytes()
    validated = cli("validate")
    assert validated.exit_code == 0 and validated.stderr == ""

    again = cli("upgrade-ledger")
    assert again.exit_code == 0 and "nothing to do" in again.stdout
    assert ledger.read_bytes() == ONE_LINE.read_bytes()


def test_the_rewritten_ledger_keeps_its_file_mode(cli: Invoke, ws: Path) -> None:
    # A file replaced whole (upgrade-ledger, alias) keeps the mode it had:
    # a workspace shared by an office stays readable by its members.
    ledger = ws / "ledger_2024.yaml"
    ledger.chmod(0o640)
    assert cli("upgrade-ledger").exit_code == 0
    assert ledger.stat().st_mode & 0o777 == 0o640


def test_comments_crlf_and_a_bom_are_kept(cli: Invoke, ws: Path) -> None:
    ledger = ws / "ledger_2024.yaml"
    text = MULTILINE.read_text()
    first = text.index("\n- id:", text.index("- id:")) + 1  # the second entry
    text = text[:first] + "# Đã đối chiếu với sổ theo dõi ngày 20/11\n" + text[first:]
    ledger.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    before = _reads(cli)
    assert cli("upgrade-ledger").exit_code == 0
    data = ledger.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == data.count(b"\r\n")
    lines = data.decode("utf-8-sig").splitlines()
    comment = lines.index("# Đã đối chiếu với sổ theo dõi ngày 20/11")
    assert lines[comment - 1].startswith('- {"id": "e-e3ec4a251173"')  # where it stood
    assert lines[comment + 1].startswith('- {"id": "e-26d8220dd5d4"')
    assert _reads(cli) == before


def test_a_ledger_that_does_not_validate_is_not_rewritten(cli: Invoke, ws: Path) -> None:
    ledger = ws / "ledger_2024.yaml"
    broken = MULTILINE.read_text().replace("percent: 60", "percent: 160", 1)
    ledger.write_text(broken)
    result = cli("upgrade-ledger")
    assert result.exit_code == 1
    assert "percent 160" in result.stderr
    assert ledger.read_text() == broken


TORN = b'- {"id": "e-00000000beef", "kind": "progress", "task": "I.1.1", "age'


@pytest.mark.parametrize("cache", ["warm", "off"])
def test_a_ledger_torn_inside_its_last_line_is_found_by_every_read_and_set_aside(
    cli: Invoke, ws: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    ledger = ws / "ledger_2024.yaml"
    shutil.copy(ONE_LINE, ledger)
    if cache == "off":
        monkeypatch.setenv("PARLEDGER_NO_CACHE", "1")
    expected = _reads(cli)  # warms the cache, when it is on
    whole = ledger.read_bytes()
    ledger.write_bytes(whole + TORN)  # the power went mid-write
    line = whole.count(b"\n") + 1
    for args in [*READS, ["validate"]]:
        result = cli(*args)
        assert result.exit_code == 1, args
        assert f"ledger_2024.yaml:{line}:1: torn-line:" in result.output, args
        assert "parledger repair" in result.output, args
    refused = cli("record", "I.1.2", "-a", "SNV", "--status", "in_progress")
    assert refused.exit_code == 1
    assert ledger.read_bytes() == whole + TORN  # nothing glued to the torn line

    repaired = cli("repair")
    assert repaired.exit_code == 0, repaired.output
    assert f"line {line}" in repaired.stdout
    assert ledger.read_bytes() == whole
    kept = (ws / "ledger_2024.yaml.torn").read_bytes()
    assert TORN in kept  # set aside, never dropped
    assert _reads(cli) == expected
    again = cli("repair")
    assert again.exit_code == 0 and "nothing to repair" in again.stdout
    assert cli("record", "I.1.2", "-a", "SNV", "--status", "in_progress").exit_code == 0
