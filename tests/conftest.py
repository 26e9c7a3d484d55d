"""Shared fixtures: a private copy of the bundled workspace, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from parledger.cli import app
from parledger.store.workspace import bundled_root

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "directive_2024.txt"


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets its own cache folder: none reads another's, or the user's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("PARLEDGER_CACHE_DIR", str(folder))
    monkeypatch.delenv("PARLEDGER_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled workspace."""
    target = tmp_path / "ws"
    shutil.copytree(bundled_root(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


Invoke = Callable[..., Result]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Invoke:
    """Run parledger in-process from an empty folder, with no $PARLEDGER_DATA."""
    monkeypatch.delenv("PARLEDGER_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return invoke


def below_workspace_line(stdout: str) -> str:
    """A table's output under its first line, which names the workspace read."""
    first, _, rest = stdout.partition("\n")
    assert first.startswith("Workspace: "), first
    return rest


def registry_before_2025(root: Path) -> Path:
    """Rewrite the workspace's agencies.yaml as the bundled registry stood
    before its dated changes: no events, no agency set up since, no dates.

    For tests of something else that read a directive of 2025, written as if
    the departments and districts of 2024 went on (a fictional plan, the 2024
    directive renumbered): the changes of 2025 would rightly refuse it."""
    # Lazy: only the tests that need the older registry parse YAML here.
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    path = root / "agencies.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    data.pop("events", None)
    data["agencies"] = [a for a in data["agencies"] if "valid_from" not in a]
    for item in [*data["agencies"], *data.get("groups", [])]:
        item.pop("valid_from", None)
        item.pop("valid_until", None)
        if "groups" in item:
            item["groups"] = [g if isinstance(g, str) else g["group"] for g in item["groups"]]
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path
