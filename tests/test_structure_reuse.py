"""One process loading many workspaces parses a directive and registry once.

The pipeline keeps the registry and directive that passed every check, by
the texts they were read from (``pipeline._CLEAN``).  What a user would
notice if that went wrong: a file edited since the last load not being
checked again, a problem found once and then forgotten, or one folder's
workspace answering for another.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parledger.model.errors import ProblemsError
from parledger.store import pipeline
from parledger.store.workspace import Location, Source, bundled_root


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Location, Location]:
    made = []
    for name in ("a", "b"):
        target = tmp_path / name
        shutil.copytree(bundled_root(), target, ignore=shutil.ignore_patterns("__pycache__"))
        made.append(Location(target, Source.OPTION))
    return made[0], made[1]


def test_an_edit_after_a_clean_load_is_checked_again(folders: tuple[Location, Location]) -> None:
    first, _ = folders
    pipeline.load(first)
    directive = first.directive_path
    text = directive.read_text(encoding="utf-8")
    directive.write_text(
        text.replace("  - agency: so-tai-chinh\n", "  - agency: so-khong-co\n", 1),
        encoding="utf-8",
    )

    with pytest.raises(ProblemsError) as raised:
        pipeline.load(first)

    assert any(
        p.path == str(directive) and "so-khong-co" in p.message for p in raised.value.problems
    )


def test_a_problem_is_found_at_its_line_every_time(folders: tuple[Location, Location]) -> None:
    first, _ = folders
    registry = first.registry_path
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("  kind: department\n", "  kind: ministry\n", 1), "utf-8")
    line = text.count("\n", 0, text.index("  kind: department\n")) + 1

    for _ in range(2):
        _, problems = pipeline.run(first)
        assert [(p.path, p.line) for p in problems] == [(str(registry), line)]


def test_the_same_files_in_two_folders_each_load_as_their_own(
    folders: tuple[Location, Location],
) -> None:
    first, second = folders
    one = pipeline.load(first)
    other = pipeline.load(second)

    assert one.location.root != other.location.root
    assert other.location == second
    # Identical texts give the very objects validated once: the reuse is real.
    assert other.directive is one.directive
    assert other.registry is one.registry


def test_a_file_broken_in_one_folder_does_not_break_the_other(
    folders: tuple[Location, Location],
) -> None:
    first, second = folders
    first.registry_path.write_text("agencies: [\n", encoding="utf-8")

    with pytest.raises(ProblemsError):
        pipeline.load(first)
    assert pipeline.load(second).registry.agencies
