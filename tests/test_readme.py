"""The README's examples, run: what it shows is what parledger prints.

Every fenced block marked ``console`` in README.md is a piece of one shell
session, run top to bottom in a fresh folder: a line starting with ``$ `` is
a command (a trailing backslash continues it), the lines after it are what it
prints, stdout and stderr together, at 80 columns, without colour.  The
session starts with no workspace (the bundled one answers), and a README
command such as ``export PARLEDGER_DATA=hy`` holds for the commands after it.

What cannot be the same from one run to the next is compared by its shape:
entry ids are random (an id the README shows stands for the id the session
made at that place, and later commands that name it get the session's), and
the moment an entry was recorded is the clock's (and so are git's blob ids
and the size of an xlsx file, which hold them).  Paths are shown relative to
the session's folder, and the bundled workspace as ``…/parledger/data``.

After an intended change of output, rewrite the README's outputs from a run
and review the diff:

    PARLEDGER_README_UPDATE=1 pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from parledger.store.workspace import bundled_root

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ENTRY_ID = re.compile(r"\be-[0-9a-f]{12}\b")
MOMENT = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b")
GIT_INDEX = re.compile(r"^index [0-9a-f]+\.\.[0-9a-f]+", re.MULTILINE)
SIZE = re.compile(r"\(\d+ bytes\)")
BUNDLED = "…/parledger/data"
UPDATE = os.environ.get("PARLEDGER_README_UPDATE") == "1"


@dataclass
class Example:
    command: str  # as the README shows it, continuation lines included
    expected: str  # the lines shown after it
    start: int  # offsets of ``expected`` in the README, for an update
    end: int


def examples(text: str) -> list[Example]:
    found = []
    for block in BLOCK.finditer(text):
        body, offset = block.group(1), block.start(1)
        lines = body.splitlines(keepends=True)
        index = 0
        position = offset
        while index < len(lines):
            line = lines[index]
            if not line.startswith("$ "):
                raise AssertionError(f"README: a console block must start with '$ ': {line!r}")
            command = line
            position += len(line)
            index += 1
            while command.rstrip("\n").endswith("\\") and index < len(lines):
                command += lines[index]
                position += len(lines[index])
                index += 1
            start = position
            while index < len(lines) and not lines[index].startswith("$ "):
                position += len(lines[index])
                index += 1
            found.append(Example(command[2:], text[start:position], start, position))
    return found


class Session:
    """One shell session in a fresh folder: exports and cd carry over."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.carried: list[str] = []  # export and cd commands, replayed before each command
        self.ids: dict[str, str] = {}  # an id the README shows → the session's
        bin_folder = Path(sys.executable).parent
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEDGER_")}
        self.env.update(
            PATH=f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}",
            HOME=str(home),
            COLUMNS="80",
            NO_COLOR="1",
            TERM="dumb",
            LC_ALL="C.UTF-8",
            PARLEDGER_CACHE_DIR=str(home / ".cache"),
            GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
            GIT_CONFIG_NOSYSTEM="1",
        )
        (home / ".gitconfig").write_text(
            "[user]\n\tname = Nguyễn Thị Mai\n\temail = mai@example.vn\n"
            "[init]\n\tdefaultBranch = main\n",
            encoding="utf-8",
        )
        (home / "work").mkdir()
        # The repository's examples (a sample plan as a Word file), as a
        # reader who cloned it has them beside the README.
        shutil.copytree(README.parent / "examples", home / "work" / "examples")

    def run(self, command: str) -> str:
        for shown, made in self.ids.items():
            command = command.replace(shown, made)
        script = "\n".join(["cd ~/work", *self.carried, command])
        done = subprocess.run(
            ["bash", "-c", script],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )
        if re.match(r"(export|cd) ", command):
            self.carried.append(command.strip())
        return self.normalised(done.stdout)

    def normalised(self, output: str) -> str:
        work = str(self.home / "work")
        output = output.replace(work + "/", "").replace(work, ".")
        output = output.replace(str(bundled_root()), BUNDLED)
        return "\n".join(line.rstrip() for line in output.splitlines()) + ("\n" if output else "")

    def align(self, expected: str, actual: str) -> str:
        """``actual`` with each id the session made written as the README's."""
        shown, made = ENTRY_ID.findall(expected), ENTRY_ID.findall(actual)
        if len(shown) == len(made):
            for readme_id, session_id in zip(shown, made, strict=True):
                self.ids.setdefault(readme_id, session_id)
        readme_of = {made: shown for shown, made in self.ids.items()}
        return ENTRY_ID.sub(lambda m: readme_of.get(m.group(), m.group()), actual)


def _shape(text: str) -> str:
    """What must be equal: the moment of recording, git's blob ids and the
    size of a compressed file (an xlsx holds the random ids) vary."""
    text = MOMENT.sub("<moment>", text)
    text = SIZE.sub("(<size> bytes)", text)
    return GIT_INDEX.sub("index <blobs>", text)


def test_readme_console_blocks_parse() -> None:
    text = "intro\n```console\n$ parledger a \\\n    --b\nout 1\nout 2\n$ cd x\n```\n"
    found = examples(text)
    assert [(e.command, e.expected) for e in found] == [
        ("parledger a \\\n    --b\n", "out 1\nout 2\n"),
        ("cd x\n", ""),
    ]
    assert text[found[0].start : found[0].end] == "out 1\nout 2\n"


def test_readme_examples_print_what_the_readme_shows(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    shown = examples(text)
    assert len(shown) >= 20, "the README's examples are no longer marked 'console'"
    session = Session(tmp_path)
    differences = []
    updated = text
    replacements: list[tuple[Example, str]] = []
    for example in shown:
        actual = session.align(example.expected, session.run(example.command))
        if _shape(actual) != _shape(example.expected):
            differences.append(
                f"$ {example.command.rstrip()}\n--- README shows\n{example.expected}"
                f"--- parledger prints\n{actual}"
            )
            replacements.append((example, actual))
    if UPDATE and replacements:
        for example, actual in sorted(replacements, key=lambda r: r[0].start, reverse=True):
            updated = updated[: example.start] + actual + updated[example.end :]
        README.write_text(updated, encoding="utf-8")
        pytest.skip(f"README.md rewritten: {len(replacements)} output(s); review the diff")
    assert not differences, "\n\n".join(differences[:3]) + (
        f"\n\n({len(differences)} examples differ; "
        "PARLEDGER_README_UPDATE=1 pytest tests/test_readme.py rewrites them)"
    )
