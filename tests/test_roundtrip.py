"""Files edited in place keep every byte they do not change."""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pytest

from parledger.store import yamlio
from parledger.store.workspace import bundled_root
from tests.conftest import ROOT, Invoke

SCENARIO = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"


@pytest.mark.parametrize("name", ["agencies.yaml", "directive_2024.yaml"])
def test_unchanged_round_trip_is_byte_identical(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes((bundled_root() / name).read_bytes())
    yamlio.edit(path, lambda document: None)
    assert path.read_bytes() == (bundled_root() / name).read_bytes()


def test_alias_adds_lines_and_keeps_the_rest(cli: Invoke, workspace_dir: Path) -> None:
    registry = workspace_dir / "agencies.yaml"
    before = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    result = cli("--data-dir", str(workspace_dir), "alias", "SNV", "Sở Nội vụ tỉnh Hưng Yên")
    assert result.exit_code == 0, result.output
    after = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    # What `git diff` would show: one insertion, nothing removed or changed.
    changes = [op for op in SequenceMatcher(a=before, b=after).get_opcodes() if op[0] != "equal"]
    assert len(changes) == 1
    kind, _, _, start, end = changes[0]
    assert kind == "insert"
    assert after[start:end] == ["  aliases:\n", "  - Sở Nội vụ tỉnh Hưng Yên\n"]
    # The new name now resolves, and the aliases key sits where the model puts it.
    assert (
        cli("--data-dir", str(workspace_dir), "status", "-a", "so noi vu tinh hung yen").exit_code
        == 0
    )
    block = "".join(after[after.index("- id: so-noi-vu\n") :][:8])
    assert block.index("short:") < block.index("aliases:") < block.index("kind:")


def test_alias_appends_to_an_existing_list(cli: Invoke, workspace_dir: Path) -> None:
    registry = workspace_dir / "agencies.yaml"
    before = registry.read_text(encoding="utf-8")
    assert cli("--data-dir", str(workspace_dir), "alias", "vp-ubnd-tinh", "VPUBT").exit_code == 0
    after = registry.read_text(encoding="utf-8")
    assert after.replace("  - VPUBT\n", "", 1) == before


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("Bộ Nội vụ", "already names Bộ Nội vụ"),
        ("SNV", "already names Sở Nội vụ"),
        ("  ", "is empty"),
    ],
)
def test_alias_refusals_leave_the_file(
    cli: Invoke, workspace_dir: Path, alias: str, message: str
) -> None:
    registry = workspace_dir / "agencies.yaml"
    before = registry.read_bytes()
    result = cli("--data-dir", str(workspace_dir), "alias", "SNV", alias)
    assert result.exit_code == 2
    assert message in result.stderr
    assert registry.read_bytes() == before


def test_alias_refused_on_bundled_data(cli: Invoke) -> None:
    result = cli("alias", "SNV", "Sở Nội vụ HY")
    assert result.exit_code == 2
    assert "read-only" in result.stderr


def test_edit_refuses_when_the_file_changed_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_bytes((bundled_root() / "agencies.yaml").read_bytes())

    def change(document: object) -> None:
        with path.open("a", encoding="utf-8") as handle:  # someone saves meanwhile
            handle.write("# hand edit\n")

    with pytest.raises(yamlio.ChangedOnDisk):
        yamlio.edit(path, change)
    assert path.read_text(encoding="utf-8").endswith("# hand edit\n")


def test_crlf_and_bom_survive_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbf# note\r\na: 1\r\nb:\r\n- x\r\n")

    def change(document: dict[str, list[str]]) -> None:
        document["b"].append("y")

    yamlio.edit(path, change)  # type: ignore[arg-type]
    assert path.read_bytes() == b"\xef\xbb\xbf# note\r\na: 1\r\nb:\r\n- x\r\n- y\r\n"


def test_an_append_to_a_crlf_ledger_with_a_bom_keeps_both(cli: Invoke, workspace_dir: Path) -> None:
    # A ledger saved by a Windows editor: BOM and CRLF line ends.
    ledger = workspace_dir / "ledger_2024.yaml"
    ledger.write_bytes(b"\xef\xbb\xbf" + SCENARIO.read_bytes().replace(b"\n", b"\r\n"))
    before = ledger.read_bytes()
    args = ("record", "I.1.1", "-a", "SNV", "--status", "in_progress", "--note", "dòng 1\ndòng 2")
    result = cli("--data-dir", str(workspace_dir), *args)
    assert result.exit_code == 0, result.output
    after = ledger.read_bytes()
    assert after.startswith(before)  # appended, nothing rewritten
    added = after[len(before) :]
    assert added.count(b"\n") == added.count(b"\r\n") == 1  # one line, one line-end style
    assert b"\r\r" not in added
    assert cli("--data-dir", str(workspace_dir), "validate").exit_code == 0
    history = cli("--data-dir", str(workspace_dir), "history", "-f", "json").stdout
    assert '"note": "dòng 1\\ndòng 2"' in history
