"""What a hostile review found (second pass), each case as a user meets it.

The corpus (tests/corpus/cases.toml) holds the one-line refusals; these
tests check what a case there cannot: that nothing reaches the terminal raw,
that git's user.name is held to the rules of --by, that a hand-edited
registry with a look-alike name is reported, that a refused command leaves
every file as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke, below_workspace_line
from tests.test_ledger import _snapshot

ESC = "\x1b"
LINE = (
    '- {{"id": "e-00000000000{n}", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu", '
    '"date": "2024-06-0{n}", "recorded": "2024-06-01T10:00:00Z", "by": {by}, '
    '"status": "in_progress"{extra}}}\n'
)


def _append(workspace: Path, n: int, by: str = '"T"', extra: str = "") -> None:
    with (workspace / "ledger_2024.yaml").open("a", encoding="utf-8") as ledger:
        ledger.write(LINE.format(n=n, by=by, extra=extra))


def _record(cli: Invoke, workspace: Path, *extra: str) -> object:
    return cli(
        "--data-dir", str(workspace), "record", "I.1.1", "-a", "SNV",
        "--status", "in_progress", "--date", "2024-06-01", *extra,
    )  # fmt: skip


# -- terminal escapes ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--evidence", "https://x.y/a\x1b[2J"],
        ["--note", "đỏ \x1b]0;FAKE: all tasks done\x07"],
        ["--by", "Mai\x1b[2J"],
        ["--note", "Sở \u202eầv iộN"],  # a right-to-left override
        ["--note", "a\udcff\udcfeb"],  # bytes that were not UTF-8, as Python reads argv
        ["--by", "Mai\nFAKE"],  # a name is one line
    ],
    ids=["url", "note-osc", "by", "note-bidi", "note-not-utf8", "by-newline"],
)
def test_control_characters_in_a_command_are_refused_and_nothing_is_written(
    cli: Invoke, workspace_dir: Path, args: list[str]
) -> None:
    before = _snapshot(workspace_dir)
    result = _record(cli, workspace_dir, *args)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    message = result.stderr  # type: ignore[attr-defined]
    assert "contains control characters (U+" in message
    assert ESC not in message and "\u202e" not in message  # the message itself is safe
    assert _snapshot(workspace_dir) == before


@pytest.fixture
def git_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global git config of its own: `record` without --by asks git."""
    config = tmp_path / "gitconfig"
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return config


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Mai\x1b]0;FAKE\x07", "contains control characters (U+001B ESCAPE)"),
        ("N" * 2001, "is 2001 characters long"),
    ],
    ids=["escape", "too-long"],
)
def test_git_user_name_is_held_to_the_rules_of_by(
    cli: Invoke, workspace_dir: Path, git_user: Path, name: str, said: str
) -> None:
    git_user.write_text(f'[user]\n\tname = "{name}"\n', encoding="utf-8")
    before = _snapshot(workspace_dir)
    result = _record(cli, workspace_dir)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "git's user.name" in result.stderr and said in result.stderr  # type: ignore[attr-defined]
    assert _snapshot(workspace_dir) == before
    # --by is the way round it
    assert _record(cli, workspace_dir, "--by", "Mai").exit_code == 0  # type: ignore[attr-defined]


def test_a_ledger_with_escape_sequences_is_reported_and_never_printed_raw(
    cli: Invoke, workspace_dir: Path
) -> None:
    _append(workspace_dir, 1, by='"X\\u001b]0;FAKE\\u0007"')
    _append(workspace_dir, 2, extra=', "note": "\\u001b[2JFAKE: all tasks done"')
    for command in (["validate"], ["status", "-a", "SNV"], ["history"], ["export", "-f", "json"]):
        result = cli("--data-dir", str(workspace_dir), *command)
        assert result.exit_code == 1, command
        assert ESC not in result.output, command
        assert "contains control characters (U+001B ESCAPE)" in result.output, command
    problems = cli("--data-dir", str(workspace_dir), "validate").stdout.splitlines()
    # both entries, each at its line
    assert [line.split(":")[1] for line in problems[:2]] == ["1", "2"]


def test_history_shows_a_notes_line_breaks_escaped_on_its_one_line(
    cli: Invoke, workspace_dir: Path
) -> None:
    assert _record(cli, workspace_dir, "--note", "dòng một\ndòng hai").exit_code == 0  # type: ignore[attr-defined]
    shown = cli("--data-dir", str(workspace_dir), "history", "I.1.1").stdout
    assert "note: dòng một\\ndòng hai" in shown
    # The note itself is kept as written, line break and all.
    rows = json.loads(cli("--data-dir", str(workspace_dir), "history", "-f", "json").stdout)
    assert rows[-1]["details"].endswith("note: dòng một\\ndòng hai")


# -- numbers and digits ---------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_a_value_that_is_not_a_finite_number_is_refused(
    cli: Invoke, workspace_dir: Path, value: str
) -> None:
    before = _snapshot(workspace_dir)
    result = _record(cli, workspace_dir, "--value", value, "--target", "t1")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "is not a number a report can state" in result.stderr  # type: ignore[attr-defined]
    assert _snapshot(workspace_dir) == before


def test_a_ledger_value_that_is_not_finite_never_reaches_an_export(
    cli: Invoke, workspace_dir: Path
) -> None:
    for n, value in enumerate(["NaN", "Infinity", "-Infinity"], start=1):
        _append(workspace_dir, n, extra=f', "value": {value}, "target": "t1"')
    result = cli("--data-dir", str(workspace_dir), "export", "-f", "json", "--view", "history")
    assert result.exit_code == 1
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    problems = cli("--data-dir", str(workspace_dir), "validate").stdout
    assert problems.count("is not a finite number") == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "١/٦/٢٠٢٤"],  # Arabic-Indic
        ["--date", "２０２４-０６-０１"],  # fullwidth
        ["--date", "۱/۶/۲۰۲۴"],  # Persian
        ["--evidence", "２００/BC-SNV ngày 15/6/2024"],
        ["--evidence", "200/BC-SNV ngày ١٥/٦/٢٠٢٤"],
        ["--evidence", "٢٨-CT/TU"],
    ],
)
def test_digits_of_other_scripts_are_refused(
    cli: Invoke, workspace_dir: Path, args: list[str]
) -> None:
    before = _snapshot(workspace_dir)
    result = cli(
        "--data-dir", str(workspace_dir), "record", "I.1.1", "-a", "SNV",
        "--status", "in_progress", *(["--date", "2024-06-01"] if args[0] != "--date" else []),
        *args,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert _snapshot(workspace_dir) == before


def test_evidence_with_other_digits_in_a_hand_edited_ledger_is_reported(
    cli: Invoke, workspace_dir: Path
) -> None:
    _append(workspace_dir, 1, extra=', "evidence": ["２００/BC-SNV"]')
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "ledger_2024.yaml:1:" in result.stdout and "２００/BC-SNV" in result.stdout


# -- names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "said"),
    [
        ("ЅNV", "'Ѕ' (U+0405 CYRILLIC CAPITAL LETTER DZE)"),
        ("Sở Nо̣i vụ", "'о' (U+043E CYRILLIC SMALL LETTER O)"),
        ("Ѕở Νội vụ", "CYRILLIC CAPITAL LETTER DZE"),
        ("SNV\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Sở \u2066NV", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("Sở NV ٣", "ARABIC-INDIC DIGIT THREE"),
    ],
)
def test_look_alike_aliases_are_refused_naming_the_character(
    cli: Invoke, workspace_dir: Path, alias: str, said: str
) -> None:
    before = _snapshot(workspace_dir)
    result = cli("--data-dir", str(workspace_dir), "alias", "SNV", alias)
    assert result.exit_code == 2
    assert said in result.stderr
    assert _snapshot(workspace_dir) == before


def test_a_look_alike_name_in_a_hand_edited_registry_is_reported(
    cli: Invoke, workspace_dir: Path
) -> None:
    registry = workspace_dir / "agencies.yaml"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("  - SNV\n", "  - SNV\n  - ЅNV\n", 1), encoding="utf-8")
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "look-alike-name: so-noi-vu: 'ЅNV' holds 'Ѕ'" in result.stdout


@pytest.mark.parametrize(
    ("alias", "taken_from"),
    [("Công an", "Công an tỉnh (cong-an-tinh)"), ("Tư pháp", "Sở Tư pháp (so-tu-phap)")],
)
def test_an_alias_that_already_leads_to_another_agency_is_refused(
    cli: Invoke, workspace_dir: Path, alias: str, taken_from: str
) -> None:
    meant = cli("--data-dir", str(workspace_dir), "status", "-a", alias)
    before = _snapshot(workspace_dir)
    result = cli("--data-dir", str(workspace_dir), "alias", "SNV", alias)
    assert result.exit_code == 2
    assert taken_from in result.stderr
    assert _snapshot(workspace_dir) == before
    # and the name still means what it meant (one agency, or a choice of several)
    means = cli("--data-dir", str(workspace_dir), "status", "-a", alias)
    assert (means.exit_code, means.output) == (meant.exit_code, meant.output)


def test_an_alias_only_this_agency_goes_by_is_added(cli: Invoke, workspace_dir: Path) -> None:
    result = cli("--data-dir", str(workspace_dir), "alias", "SNV", "Sở NV tỉnh HY")
    assert result.exit_code == 0, result.output
    shown = cli("--data-dir", str(workspace_dir), "status", "-a", "so nv tinh hy").stdout
    assert below_workspace_line(shown).startswith("Sở Nội vụ (so-noi-vu)")


@pytest.mark.parametrize("alias", ["", "   "])
def test_an_empty_alias_says_so(cli: Invoke, workspace_dir: Path, alias: str) -> None:
    result = cli("--data-dir", str(workspace_dir), "alias", "SNV", alias)
    assert result.exit_code == 2
    assert "the alias is empty; give the other name the agency goes by" in result.stderr


# -- YAML tags: problems, never tracebacks ------------------------------------------


TAGS = ["!!set", "!!omap", "!!pairs", "!!binary", "!!bool", "!!int", "!!float", "!!timestamp"]


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("agencies.yaml", "- id: so-tu-phap\n", "- id: {tag} so-tu-phap\n"),
        ("directive_2024.yaml", "- id: I.1.7\n", "- id: {tag} I.1.7\n"),
    ],
    ids=["registry", "directive"],
)
def test_a_tag_on_any_scalar_is_one_problem_at_its_line(
    cli: Invoke, workspace_dir: Path, tag: str, name: str, old: str, new: str
) -> None:
    path = workspace_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new.format(tag=tag), 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    for command in (["validate"], ["status", "-a", "SNV"]):
        result = cli("--data-dir", str(workspace_dir), *command)
        assert result.exit_code == 1, result.output
        first = (result.stdout if command == ["validate"] else result.stderr).splitlines()[0]
        assert f"{name}:{line}:" in first
        assert "yaml-tag" in first or "yaml-value" in first or "yaml-syntax" in first
