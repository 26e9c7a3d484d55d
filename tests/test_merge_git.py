"""Two or three analysts record on branches; every way git brings the
branches together keeps every entry, once, as its branch wrote it.

The property runs real git in a fresh repository per trial: a workspace from
``parledger init``, a base ledger committed, branches that each append 1–20
entries (copies of another entry under a new id, corrections of base
entries, Vietnamese notes with line breaks and quotes) over a few commits,
then, from the same branches:

(a) ``git merge`` with the workspace's ``.gitattributes`` (merge=union),
(b) ``git merge`` with parledger's driver (``git-setup``; git runs it),
(c) ``git merge`` with ``merge=text`` (a merge where no driver runs), each
    conflict then mended by ``parledger resolve``,
(d) ``git rebase`` and (e) ``git cherry-pick`` of one branch onto another.

Each result validates, and holds exactly the union by id of all branches'
entries, each field for field.  PARLEDGER_MERGE_TRIALS trials (default 5,
about 10 s, so the quick suite stays quick); the full run, which CI makes
as a step of its own:

    PARLEDGER_MERGE_TRIALS=200 pytest tests/test_merge_git.py

Trials are derandomized (the same every run) unless PARLEDGER_MERGE_RANDOM=1.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parledger.cli import app
from parledger.model.models import NodeKind
from parledger.store import create, gitrepo, journal, pipeline, schema, workspace, yamlio
from parledger.store.workspace import bundled_root
from tests.conftest import Invoke

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TRIALS = int(os.environ.get("PARLEDGER_MERGE_TRIALS", "5"))
RANDOM = os.environ.get("PARLEDGER_MERGE_RANDOM", "") not in ("", "0")
LEDGER = "ws/ledger_2024.yaml"

# git as nobody configured it: no global or system settings leak in.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_EDITOR": "true",
}  # fmt: skip


@pytest.fixture(autouse=True, scope="module")
def _quiet_git() -> Iterator[None]:
    # Module-wide, not per test: hypothesis reruns one test many times.
    with pytest.MonkeyPatch.context() as patch:
        for key, value in GIT_ENV.items():
            patch.setenv(key, value)
        patch.delenv("PARLEDGER_DATA", raising=False)
        yield


def git(repo: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    """git's output captured (it must not leak into pytest's)."""
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert done.returncode in ok, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def new_repo(folder: Path) -> Path:
    # The workspace first, git after: init must not register the driver
    # here, so that mode (a) merges with .gitattributes alone.
    create.init(folder / "ws")
    git(folder, "init", "-q", "-b", "main")
    for key, value in (("user.name", "T"), ("user.email", "t@example.org")):
        git(folder, "config", key, value)
    git(folder, "config", "commit.gpgsign", "false")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "workspace")
    return folder


def append(repo: Path, entries: list[dict[str, Any]], message: str) -> None:
    with (repo / LEDGER).open("a", encoding="utf-8") as handle:
        handle.write("".join(journal.format_entry(entry) for entry in entries))
    git(repo, "commit", "-qam", message)


def file_entries(repo: Path) -> list[dict[str, Any]]:
    text = (repo / LEDGER).read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    parsed = [journal.parse_line(line) for line in text.splitlines()]
    return [entry for entry in parsed if entry is not None]


def assert_union(repo: Path, expected: dict[str, dict[str, Any]], how: str) -> None:
    _, problems = pipeline.run(workspace.locate(repo / "ws"))
    assert not problems, f"{how}: {[str(p) for p in problems[:3]]}"
    found = file_entries(repo)
    by_id = {entry["id"]: entry for entry in found}
    assert len(by_id) == len(found), f"{how}: an entry is there twice"
    assert by_id.keys() == expected.keys(), f"{how}: entries lost or invented"
    for entry_id, entry in expected.items():
        assert by_id[entry_id] == entry, f"{how}: {entry_id} is not as its branch wrote it"


# -- entries as analysts record them -------------------------------------------


@cache
def _bundled() -> tuple[list[str], list[str]]:
    registry = schema.registry(yamlio.load(bundled_root() / "agencies.yaml").data)
    directive = schema.directive(yamlio.load(bundled_root() / "directive_2024.yaml").data)
    items = [node.id for node in directive.outline if node.kind is NodeKind.ITEM]
    # The agencies that existed all through 2024, the facts' year: one set
    # up in 2025 makes a fact that validate rightly reports.
    existed = [
        agency.id
        for agency in registry.agencies
        if agency.exists_on(dt.date(2024, 1, 1)) and agency.exists_on(dt.date(2024, 12, 31))
    ]
    return items, existed


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
NOTE_ALPHABET = VIETNAMESE + VIETNAMESE.upper() + " \n\"'#:{}-,.0123456789/\\"
# Dated before every fact here (2024): evidence is not dated after its fact.
EVIDENCE = ["200/BC-SNV ngày 15/12/2023", "61/2018/NĐ-CP", "28-CT/TU", "https://example.org/bc"]
BY = ["Nguyễn Thị Mai", "Trần Văn Khiên", 'Lê "Bé" Ba']

# What analysts type: words with tone marks, line breaks, quotes, and what
# YAML or JSON would read as syntax ('#', ': ', braces, backslashes).
PIECES = [
    "Sở Nội vụ", "đã hoàn thành", "Báo cáo số 12", "quý III", "\n", '"', "'",
    "# ", ": ", "- ", "{", "}", "\\", " ", "100%",
]  # fmt: skip
notes = (
    st.text(NOTE_ALPHABET, min_size=1, max_size=40)
    | st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)
).map(lambda text: unicodedata.normalize("NFC", text))
reasons = notes.filter(str.strip)  # a reason must say something
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31))  # all past


@st.composite
def new_entry(draw: st.DrawFn, number: int, base: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid entry of any kind; ``number`` makes its id unique."""
    items, agencies = _bundled()
    day = draw(days)
    common: dict[str, Any] = {
        "id": f"e-{number:012x}",
        "task": draw(st.sampled_from(items)),
        "agency": draw(st.sampled_from(agencies)),
        "date": day.isoformat(),
        "recorded": f"{day.isoformat()}T0{draw(st.integers(0, 9))}:00:00Z",
        "by": draw(st.sampled_from(BY)),
        "note": draw(st.none() | notes),
    }
    kinds = ["progress", "assign", "unassign"] + ["correction"] * bool(base)
    kind = draw(st.sampled_from(kinds))
    if kind == "progress":
        status = draw(st.sampled_from(["not_started", "in_progress", "done", "blocked"]))
        percent = 100 if status == "done" else draw(st.none() | st.integers(0, 100))
        if status == "not_started" and percent:
            percent = 0  # work not started is 0% done (rules.plausible)
        evidence = draw(st.lists(st.sampled_from(EVIDENCE), max_size=2))
        progress = {"kind": kind, "status": status, "percent": percent, "evidence": evidence}
        if evidence and draw(st.booleans()):  # typed with en dashes: kept beside
            progress["evidence_as_written"] = [item.replace("-", "–") for item in evidence]
        return common | progress
    if kind == "assign":
        role = draw(st.sampled_from(["lead", "support", "implement"]))
        due = draw(st.none() | days)
        return common | {"kind": kind, "role": role, "due": due and due.isoformat()}
    if kind == "unassign":
        return common | {"kind": kind, "reason": draw(reasons)}
    target = draw(st.sampled_from(base))  # a correction of a base entry
    fix: dict[str, Any] = {"kind": kind, "supersedes": target["id"], "reason": draw(reasons)}
    fix |= {"task": target["task"], "agency": target.get("agency"), "group": target.get("group")}
    if draw(st.booleans()):
        fix["void"] = True
    elif target["kind"] == "progress":
        fix |= {"status": "in_progress", "percent": draw(st.integers(0, 99))}
    return common | fix


def written(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as its line reads back (empty fields left out)."""
    line = journal.format_entry(entry)
    parsed = journal.parse_line(line)
    assert parsed is not None
    return parsed


@dataclass
class Scenario:
    base: list[dict[str, Any]]
    branches: list[list[list[dict[str, Any]]]]  # branch → commits → entries


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    counter = iter(range(draw(st.integers(1, 2**40)), 2**48))
    base = [written(draw(new_entry(next(counter), []))) for _ in range(draw(st.integers(1, 4)))]
    branches = []
    for _ in range(draw(st.integers(2, 3))):
        entries: list[dict[str, Any]] = []
        for _ in range(draw(st.integers(1, 20))):
            if entries and draw(st.integers(0, 4)) == 0:
                # The same fact recorded twice: equal in every field but the id.
                copy = {**draw(st.sampled_from(entries)), "id": f"e-{next(counter):012x}"}
                entries.append(copy)
            else:
                entries.append(written(draw(new_entry(next(counter), base))))
        cuts = sorted(draw(st.sets(st.integers(1, len(entries)), max_size=2)) | {len(entries)})
        commits = [entries[a:b] for a, b in zip([0, *cuts], cuts, strict=False)]
        branches.append([commit for commit in commits if commit])
    return Scenario(base, branches)


# -- the property ------------------------------------------------------------------


def set_attributes(repo: Path, text: str) -> None:
    path = gitrepo.git_path(repo, "info/attributes")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def build(repo: Path, scenario: Scenario) -> None:
    append(repo, scenario.base, "base")
    git(repo, "tag", "base")
    for number, commits in enumerate(scenario.branches):
        git(repo, "checkout", "-qb", f"b{number}", "base")
        for step, entries in enumerate(commits):
            append(repo, entries, f"b{number} step {step}")


def merge_all(repo: Path, mode: str, count: int) -> None:
    git(repo, "checkout", "-qB", f"m-{mode}", "b0")
    # The merge is made the way this mode says, not another that git prefers.
    attribute = git(repo, "check-attr", "merge", "--", LEDGER).stdout
    assert attribute.endswith(f"merge: {'parledger' if mode == 'driver' else mode}\n")
    for number in range(1, count):
        before = (repo / LEDGER).read_bytes()
        if mode == "text":
            # Both sides appended at the end: a text merge always conflicts.
            git(repo, "merge", "-q", "--no-edit", f"b{number}", ok=(1,))
            result = CliRunner().invoke(app, ["resolve", str(repo / LEDGER)])
            assert result.exit_code == 0, result.output
            assert result.stdout.startswith("resolved 1 conflict in")
            git(repo, "add", LEDGER)
            git(repo, "commit", "-q", "--no-edit")
        else:
            git(repo, "merge", "-q", "--no-edit", f"b{number}")
        if mode == "driver":
            # Ours' bytes untouched at the front: the cache reads only the rest.
            assert (repo / LEDGER).read_bytes().startswith(before)


def replay(repo: Path, how: str, count: int) -> None:
    git(repo, "checkout", "-qB", f"{how}-0", "b0")
    for number in range(1, count):
        if how == "rebase":
            git(repo, "checkout", "-qB", f"{how}-{number}", f"b{number}")
            git(repo, "rebase", "-q", f"{how}-{number - 1}")
        else:
            git(repo, "cherry-pick", f"base..b{number}")


@settings(
    max_examples=TRIALS,
    deadline=None,
    database=None,
    derandomize=not RANDOM,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario=scenarios(), style=st.sampled_from(["merge", "diff3", "zdiff3"]))
def test_every_way_of_merging_keeps_every_entry(scenario: Scenario, style: str) -> None:
    expected = {
        entry["id"]: entry
        for entry in scenario.base
        + [e for commits in scenario.branches for commit in commits for e in commit]
    }
    count = len(scenario.branches)
    with tempfile.TemporaryDirectory(prefix="parledger-merge-") as folder:
        repo = new_repo(Path(folder))
        git(repo, "config", "merge.conflictStyle", style)
        build(repo, scenario)

        set_attributes(repo, "")  # (a) the workspace's merge=union alone
        merge_all(repo, "union", count)
        assert_union(repo, expected, "merge=union")

        gitrepo.setup(repo / "ws")  # (b) what 'parledger git-setup' does
        merge_all(repo, "driver", count)
        assert_union(repo, expected, "merge driver")

        set_attributes(repo, "ledger_*.yaml merge=text\n")  # (c) no driver at all
        merge_all(repo, "text", count)
        assert_union(repo, expected, "merge=text, then parledger resolve")

        set_attributes(repo, "")
        for how in ("rebase", "cherry-pick"):  # (d), (e)
            replay(repo, how, count)
            assert_union(repo, expected, how)


# -- the issue's scenario, and the commands around git -----------------------------


def analyst(number: int, percent: int, note: str) -> dict[str, Any]:
    return {
        "id": f"e-{number:012x}", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": "2024-06-15", "recorded": "2024-06-15T08:00:00Z", "by": "Nguyễn Thị Mai",
        "status": "in_progress", "percent": percent, "note": note,
    }  # fmt: skip


def two_analysts(repo: Path) -> None:
    append(repo, [analyst(1, 10, "base")], "base")
    git(repo, "checkout", "-qb", "a")
    append(repo, [analyst(10 + n, 50, f"a{n}") for n in (1, 2, 3)], "a")
    git(repo, "checkout", "-q", "main")
    append(repo, [analyst(20 + n, 60, f"b{n}") for n in (1, 2, 3)], "b")


def test_the_issue_two_analysts_on_one_task_merge_with_a_plain_git_merge(
    tmp_path: Path,
) -> None:
    # Same task, same agency, same fields but percent and note: the old
    # multi-line form let a union merge interleave their fields.
    repo = new_repo(tmp_path)
    two_analysts(repo)
    git(repo, "merge", "-q", "--no-edit", "a")
    _, problems = pipeline.run(workspace.locate(repo / "ws"))
    assert not problems
    got = {entry["note"]: entry["percent"] for entry in file_entries(repo)}
    assert got == {"base": 10, "a1": 50, "a2": 50, "a3": 50, "b1": 60, "b2": 60, "b3": 60}


def test_the_driver_refuses_one_id_with_two_contents(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    gitrepo.setup(repo / "ws")
    append(repo, [analyst(1, 10, "base")], "base")
    git(repo, "checkout", "-qb", "a")
    append(repo, [analyst(2, 50, "a"), analyst(3, 50, "only a")], "a")
    git(repo, "checkout", "-q", "main")
    append(repo, [analyst(2, 60, "b")], "b")
    done = git(repo, "merge", "--no-edit", "a", ok=(1,))
    assert "e-000000000002" in done.stderr and "parledger correct" in done.stderr
    text = (repo / LEDGER).read_text()
    assert text.count("<<<<<<< ours") == 1 and '"note": "only a"' in text
    assert "ws/ledger_2024.yaml" in git(repo, "diff", "--name-only", "--diff-filter=U").stdout


def test_the_driver_falls_back_to_a_text_merge_for_the_multi_line_form(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    gitrepo.setup(repo / "ws")
    ledger = repo / LEDGER
    ledger.write_text(ledger.read_text() + "- id: e-000000000001\n  kind: progress\n")
    git(repo, "commit", "-qam", "old form")
    git(repo, "checkout", "-qb", "a")
    ledger.write_text(ledger.read_text() + "  task: I.1.1\n")
    git(repo, "commit", "-qam", "a")
    git(repo, "checkout", "-q", "main")
    ledger.write_text(ledger.read_text() + "  task: I.1.2\n")
    git(repo, "commit", "-qam", "b")
    done = git(repo, "merge", "--no-edit", "a", ok=(1,))
    assert "parledger upgrade-ledger" in done.stderr
    assert "<<<<<<< ours:ws/ledger_2024.yaml" in ledger.read_text()


def test_git_setup_is_idempotent_and_keeps_other_attributes(cli: Invoke, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    attributes = repo / ".git" / "info" / "attributes"
    attributes.parent.mkdir(exist_ok=True)
    attributes.write_text("*.xlsx binary")  # someone's own line, no final newline
    first = cli("--data-dir", str(repo / "ws"), "git-setup")
    assert first.exit_code == 0, first.output
    assert "merge.parledger.driver" in first.stdout
    again = cli("--data-dir", str(repo / "ws"), "git-setup")
    assert again.exit_code == 0 and "nothing to do" in again.stdout
    assert attributes.read_text() == "*.xlsx binary\n" + gitrepo.ATTRIBUTES_LINE + "\n"
    driver = git(repo, "config", "--get-all", "merge.parledger.driver").stdout.splitlines()
    assert len(driver) == 1 and driver[0].endswith("-m parledger merge-driver %O %A %B %P")
    assert os.path.isabs(driver[0].split()[0].strip("'"))


def test_git_setup_outside_git_is_refused(cli: Invoke, tmp_path: Path) -> None:
    create.init(tmp_path / "ws")
    result = cli("--data-dir", str(tmp_path / "ws"), "git-setup")
    assert result.exit_code == 2 and "not inside a git work tree" in result.stderr


def test_init_registers_inside_a_git_work_tree_and_says_so(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    told: list[str] = []
    create.init(tmp_path / "hy", on_git=told.append)
    assert len(told) == 1 and "registered parledger's merge driver" in told[0]
    assert gitrepo.ATTRIBUTES_LINE in (tmp_path / ".git" / "info" / "attributes").read_text()
    outside = tmp_path.parent / f"{tmp_path.name}-plain"
    create.init(outside, on_git=told.append)
    assert len(told) == 1  # outside git: nothing said, nothing done


def test_diff_says_each_new_entry_and_flags_a_rewrite(cli: Invoke, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    two_analysts(repo)
    ws = str(repo / "ws")
    result = cli("--data-dir", ws, "diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "+ progress I.1.1 · Sở Nội vụ · in_progress 60% · note: b1 · Nguyễn Thị Mai · "
        "15/06/2024 · e-000000000015",
        "+ progress I.1.1 · Sở Nội vụ · in_progress 60% · note: b2 · Nguyễn Thị Mai · "
        "15/06/2024 · e-000000000016",
        "+ progress I.1.1 · Sở Nội vụ · in_progress 60% · note: b3 · Nguyễn Thị Mai · "
        "15/06/2024 · e-000000000017",
        "ws/ledger_2024.yaml HEAD~1..HEAD: 3 entries added",
    ]
    ledger = repo / LEDGER
    lines = ledger.read_text().splitlines(keepends=True)
    ledger.write_text("".join(line for line in lines if "b2" not in line))
    result = cli("--data-dir", ws, "diff")  # HEAD against the working tree
    assert result.exit_code == 1
    assert result.stdout.startswith("- progress I.1.1 · Sở Nội vụ · in_progress 60% · note: b2")
    assert "[removed" in result.stdout and "append-only" in result.stderr
    bad = cli("--data-dir", ws, "diff", "no-such-rev")
    assert bad.exit_code == 2 and "not a revision" in bad.stderr


def test_git_diff_shows_sentences_once_set_up(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    gitrepo.setup(repo / "ws")
    append(repo, [analyst(1, 10, "dòng một\ndòng hai")], "one")
    shown = git(repo, "log", "-p", "-1", "--format=").stdout
    assert "+progress I.1.1 · Sở Nội vụ · in_progress 10% · note: dòng một\\ndòng hai" in shown
    assert "# parledger ledger" not in shown  # comments dropped
