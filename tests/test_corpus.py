"""The corpus of bad input (tests/corpus/cases.toml), run case by case.

Every case gets a fresh workspace; the checks are described at the top of
cases.toml.  Cases whose content has no place in git (50 MB, binary, legacy
encodings) name a generator below.
"""

from __future__ import annotations

import shutil
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parledger.store.workspace import bundled_root
from tests.conftest import ROOT, Invoke, below_workspace_line
from tests.test_ledger import _snapshot
from tests.test_legacy import to_tcvn3, to_vni, to_windows_1258

CORPUS = ROOT / "tests" / "corpus"
SCENARIO = ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]
FIFTY_MB = 50_000_000


def _bundled(name: str) -> bytes:
    return (bundled_root() / name).read_bytes()


def _deep_nesting() -> bytes:
    return b"[" * 10_000 + b"]" * 10_000 + b"\n"


def _huge_scalar_line() -> bytes:
    return b"note: " + b"x" * FIFTY_MB + b"\n"


def _huge_note() -> bytes:
    entry = (
        '- {"id": "e-000000000001", "kind": "progress", "task": "I.1.1", '
        '"agency": "so-noi-vu", "date": "2024-06-01", "recorded": "2024-06-01T10:00:00Z", '
        '"by": "T", "status": "in_progress", "note": "'
    )
    return entry.encode() + b"x" * FIFTY_MB + b'"}\n'


def _registry_text() -> str:
    return _bundled("agencies.yaml").decode("utf-8")


def _replace_once(text: str, old: str, new: str) -> str:
    assert old in text, f"the bundled data changed: {old!r} is gone"
    return text.replace(old, new, 1)


GENERATORS: dict[str, Callable[[], bytes]] = {
    "deep_nesting": _deep_nesting,
    "huge_scalar_line": _huge_scalar_line,
    "huge_note": _huge_note,
    "scenario_with_bom": lambda: b"\xef\xbb\xbf" + SCENARIO.read_bytes(),
    "scenario_with_crlf": lambda: SCENARIO.read_bytes().replace(b"\n", b"\r\n"),
    "registry_in_nfd": lambda: unicodedata.normalize("NFD", _registry_text()).encode(),
    "registry_in_windows_1258": lambda: to_windows_1258(_registry_text()),
    "registry_in_tcvn3": lambda: to_tcvn3(_registry_text()),
    "registry_in_vni": lambda: to_vni(_registry_text()),
    "binary_garbage": lambda: b"agencies:\n" + bytes(range(256)) * 8,
    "invalid_utf8": lambda: b"# parledger directive\nid: \xc3\x28\xa0\xa1\n",
    "directive_with_unknown_lead": lambda: _replace_once(
        _bundled("directive_2024.yaml").decode(), "  leads:\n  - I.1.1\n", "  leads:\n  - I.9.9\n"
    ).encode(),
    "registry_with_unknown_group": lambda: _replace_once(
        _registry_text(),
        "  - SNV\n  kind: department\n  groups:\n  - so-ban-nganh-tinh\n",
        "  - SNV\n  kind: department\n  groups:\n  - nhom-khong-co\n",
    ).encode(),
}


def _content(case: dict[str, Any]) -> bytes:
    if "generate" in case:
        return GENERATORS[case["generate"]]()
    return str(case["text"]).encode("utf-8")


def _argument(value: str) -> str:
    # "@LONG N": a string of N characters, too long to write in the file.
    if value.startswith("@LONG "):
        return "Đ" * int(value.split()[1])
    return value


def _place(workspace: Path, where: str) -> str:
    """FILE:LINE as a problem names it: the full path, and the colon after a
    line number so that line 5 does not match line 50."""
    return f"{workspace / where}:" if where[-1].isdigit() else str(workspace / where)


def _first_line(command: str, exit_code: int, stdout: str, stderr: str) -> str:
    # validate lists problems on stdout (they are its output); every other
    # command writes what went wrong on stderr.
    answer = stdout if command == "validate" or exit_code == 0 else stderr
    if answer.startswith("Workspace: "):  # the line above every table
        answer = below_workspace_line(answer)
    return answer.strip().splitlines()[0] if answer.strip() else ""


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The cache is keyed by content, so cases may share one: the directive is
    # then parsed once for the whole corpus, not once per case.
    return tmp_path_factory.mktemp("corpus-cache")


@pytest.fixture
def workspace(tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARLEDGER_CACHE_DIR", str(shared_cache))
    folder = tmp_path / "ws"
    shutil.copytree(bundled_root(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(SCENARIO, folder / "ledger_2024.yaml")
    return folder


def test_the_corpus_is_large_and_well_formed() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert len(CASES) >= 40
    for case in CASES:
        assert {"name", "exit", "message"} <= set(case), case["name"]
        assert ("file" in case) == ("text" in case or "generate" in case), case["name"]
        assert case.get("generate", "deep_nesting") in GENERATORS, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(cli: Invoke, workspace: Path, case: dict[str, Any]) -> None:
    if "file" in case:
        (workspace / case["file"]).write_bytes(_content(case))
    before = _snapshot(workspace)
    args = [_argument(a) for a in case.get("args", ["validate"])]

    result = cli("--data-dir", str(workspace), *args)

    first = _first_line(args[0], result.exit_code, result.stdout, result.stderr)
    assert result.exit_code == case["exit"], result.output[:2000]
    assert case["message"] in first, first[:500]
    if "where" in case:
        assert _place(workspace, case["where"]) in first, first[:500]
    assert "Traceback" not in result.output
    if case["exit"] == 2:  # a usage error: one line on stderr, nothing else
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr[:500]
    assert _snapshot(workspace) == before

    if "file" in case:
        # The everyday command reads the same file: it must refuse (or
        # accept) it the same way, naming the same place.
        status = cli("--data-dir", str(workspace), "status", "--agency", "SNV")
        assert status.exit_code == (0 if case["exit"] == 0 else 1), status.output[:2000]
        assert "Traceback" not in status.output
        if "where" in case:
            assert _place(workspace, case["where"]) in status.stderr.splitlines()[0]
        assert _snapshot(workspace) == before
