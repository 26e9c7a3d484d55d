"""Reading YAML: positions, NFC, and refusals that name the file and line."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from parledger.store import yamlio


def _write(tmp_path: Path, content: bytes | str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_positions_are_one_based(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb:\n  - x\n  - {c: 2}\n")
    loaded = yamlio.load(path)
    assert loaded.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert loaded.positions[("a",)] == (1, 1)
    assert loaded.positions[("b",)] == (2, 1)
    assert loaded.positions[("b", 1)] == (4, 5)
    # A missing key is placed at its nearest existing ancestor.
    assert loaded.position(("b", 1, "missing")) == (4, 5)


def test_strings_are_normalised_to_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "name: Sở Nội vụ\n")
    loaded = yamlio.load(_write(tmp_path, decomposed))
    assert loaded.data["name"] == "Sở Nội vụ"
    assert unicodedata.is_normalized("NFC", loaded.data["name"])


def test_bom_is_accepted(tmp_path: Path) -> None:
    loaded = yamlio.load(_write(tmp_path, b"\xef\xbb\xbfname: S\xe1\xbb\x9f\n"))
    assert loaded.data == {"name": "Sở"}


def test_duplicate_key_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb: 2\na: 3\n")
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    problem = caught.value.problem
    assert (problem.line, problem.code) == (3, "yaml-syntax")
    assert 'duplicate key "a"' in problem.message


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    assert caught.value.problem.path == str(path)
    assert caught.value.problem.line >= 2
    assert "\n" not in caught.value.problem.message


def test_legacy_encoding_is_refused_with_a_hint(tmp_path: Path) -> None:
    # "Sở Nội vụ" in Windows-1258, which writes tones as combining marks.
    legacy = "S\u01a1\u0309 N\u00f4\u0323i vu\u0323".encode("cp1258")
    path = _write(tmp_path, b"a: ok\nname: " + legacy + b"\n")
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    problem = caught.value.problem
    assert (problem.line, problem.code) == (2, "encoding")
    assert "Windows-1258" in problem.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: !!python/object/apply:os.system ['touch {marker}']\n", 2),
        ("a: !!python/name:os.system\n", 1),
        ("a:\n  b: !custom [1]\n", 2),
    ],
)
def test_tags_that_would_build_objects_are_refused(tmp_path: Path, text: str, line: int) -> None:
    marker = tmp_path / "pwned"
    path = _write(tmp_path, text.format(marker=marker))
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    assert not marker.exists()
    assert (caught.value.problem.code, caught.value.problem.line) == ("yaml-tag", line)


def test_plain_tags_are_plain_values(tmp_path: Path) -> None:
    assert yamlio.load(_write(tmp_path, "a: !!str 5\n")).data == {"a": "5"}


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "old\n")
    yamlio.write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    path = _write(tmp_path, "\n".join(levels) + "\n")
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    # Refused as an alias (any alias is), so the 9**9 nodes are never built.
    assert caught.value.problem.code == "yaml-alias"


def test_merge_keys_and_plain_aliases_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    assert caught.value.problem.code == "yaml-alias"


def test_deep_nesting_is_a_problem_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "a: 1\nb: " + "[\n" * 10000 + "]" * 10000 + "\n")
    _no_parser(monkeypatch)  # refused before ruamel.yaml spends seconds on it
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    assert caught.value.problem.code == "yaml-syntax"
    assert caught.value.problem.line == 2
    assert "nested too deeply" in caught.value.problem.message


def test_nesting_deeper_than_any_workspace_file_yet_short_of_the_limit_parses(
    tmp_path: Path,
) -> None:
    depth = yamlio.MAX_FLOW_RUN - 1
    path = _write(tmp_path, "a: " + "[" * depth + "1" + "]" * depth + "\n")
    value = yamlio.load(path).data["a"]
    for _ in range(depth):
        value = value[0]
    assert value == 1


def test_deep_nesting_the_parser_meets_is_still_a_problem_not_a_crash(tmp_path: Path) -> None:
    # Not a run of brackets (values between them): ruamel.yaml recurses
    # until Python refuses, and that is reported the same way.
    path = _write(tmp_path, "[1, " * 500 + "1" + "]" * 500 + "\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(600)  # 500 levels take at least 1,000 frames: always past it
    try:
        with pytest.raises(yamlio.YamlLoadError) as caught:
            yamlio.load(path)
    finally:
        sys.setrecursionlimit(limit)
    assert "nested too deeply" in caught.value.problem.message


def _no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("the YAML parser ran")

    monkeypatch.setattr(yamlio, "_round_trip_loader", refuse)


def test_a_line_of_megabytes_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "a: 1\nb: " + "x" * 5_000_000 + "\n")
    _no_parser(monkeypatch)  # the parser would take minutes
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    problem = caught.value.problem
    assert (problem.line, problem.code) == (2, "line-too-long")


def test_a_value_the_loader_cannot_build_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "recorded: 2024-12-01T70:00:00Z\n")
    with pytest.raises(yamlio.YamlLoadError) as caught:
        yamlio.load(path)
    assert caught.value.problem.code == "yaml-value"
    assert "hour" in caught.value.problem.message
