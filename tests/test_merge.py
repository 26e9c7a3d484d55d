"""The union of ledgers by entry id, without git: the merge driver's core,
resolving a file git left with conflict markers, and the sentences a
reviewer reads for a change.  (With real git: tests/test_merge_git.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parledger.store import create, journal, ledgerdiff
from parledger.store.merge import NotOneLineError, ResolveError, resolve_conflicted, union3
from tests.conftest import Invoke

HEADER = journal.header("directive_2024").encode()
NAMES = {"so-noi-vu": "Sở Nội vụ", "group:ubnd-cap-huyen": "UBND cấp huyện"}


def entry(number: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": f"e-{number:012x}", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": "2024-06-15", "recorded": "2024-06-15T08:00:00Z", "by": "Nguyễn Thị Mai",
        "status": "in_progress", "percent": 60,
    }  # fmt: skip
    return base | fields


def lines(*entries: dict[str, Any]) -> bytes:
    return "".join(journal.format_entry(e) for e in entries).encode()


def ids(data: bytes) -> list[str]:
    return [e["id"] for e in ledgerdiff.ledger_entries(data) or []]


# -- union3: the merge driver ---------------------------------------------------


def test_union_keeps_ours_then_theirs_new_entries_once() -> None:
    base = HEADER + lines(entry(1))
    ours = base + lines(entry(2), entry(3))
    theirs = base + lines(entry(4), entry(3), entry(5))  # entry 3 carried by both
    done = union3(base, ours, theirs)
    assert not done.clashes
    # Ours' bytes untouched at the front (the cache reads only what follows),
    # then theirs' new entries in theirs' order; the shared one once.
    assert done.data.startswith(ours)
    assert ids(done.data) == [entry(n)["id"] for n in (1, 2, 3, 4, 5)]
    assert (done.ours, done.added) == (3, 2)


def test_union_is_deterministic_and_keeps_entries_equal_but_for_the_id() -> None:
    base = HEADER
    ours = base + lines(entry(1, note="a"))
    theirs = base + lines(entry(2, note="a"))  # the same fact, recorded twice
    first = union3(base, ours, theirs).data
    assert first == union3(base, ours, theirs).data
    assert ids(first) == [entry(1)["id"], entry(2)["id"]]


def test_same_id_with_different_content_is_a_conflict_with_markers() -> None:
    base = HEADER + lines(entry(1))
    ours = base + lines(entry(2, percent=50))
    theirs = base + lines(entry(2, percent=70), entry(3))
    done = union3(base, ours, theirs)
    assert [clash.id for clash in done.clashes] == [entry(2)["id"]]
    text = done.data.decode()
    block = text[text.index("<<<<<<< ours") :]
    assert block.splitlines()[1:4] == [
        journal.format_entry(entry(2, percent=50)).rstrip("\n"),
        "=======",
        journal.format_entry(entry(2, percent=70)).rstrip("\n"),
    ]
    assert entry(3)["id"] in text  # the rest is still merged
    # ... and 'parledger resolve' refuses such a file rather than pick a side.
    with pytest.raises(ResolveError, match="different content"):
        resolve_conflicted(done.data)


def test_same_entry_spelt_differently_is_one_entry() -> None:
    # Key order, JSON escapes and NFD: the same data, so no conflict.
    base = HEADER
    ours = base + lines(entry(1, note="Sở Nội vụ"))
    spelt = '- {"percent": 60, "id": "e-000000000001", "kind": "progress", "task": "I.1.1", '
    spelt += '"agency": "so-noi-vu", "date": "2024-06-15", "recorded": "2024-06-15T08:00:00Z", '
    spelt += '"by": "Nguy\\u1ec5n Th\\u1ecb Mai", "status": "in_progress", '
    spelt += '"note": "So\u031b\u0309 No\u0323\u0302i vu\u0323"}\n'
    done = union3(base, ours, base + spelt.encode())
    assert not done.clashes and done.data == ours


def test_crlf_and_bom_of_ours_are_kept() -> None:
    base = HEADER
    ours = b"\xef\xbb\xbf" + (HEADER + lines(entry(1))).replace(b"\n", b"\r\n")
    theirs = HEADER + lines(entry(2))
    done = union3(base.replace(b"\n", b"\r\n"), ours, theirs)
    assert done.data.startswith(ours)
    assert done.data.count(b"\xef\xbb\xbf") == 1
    assert b"\n" not in done.data.replace(b"\r\n", b"")  # every line ends in CRLF
    assert ids(done.data) == [entry(1)["id"], entry(2)["id"]]


def test_comments_theirs_added_are_kept_and_headers_not_repeated() -> None:
    base = HEADER + lines(entry(1))
    ours = base + lines(entry(2))
    theirs = base + b"# Q3 reports from the districts\n" + lines(entry(3)) + b"\n\n"
    done = union3(base, ours, theirs)
    text = done.data.decode()
    assert text.count("# parledger ledger") == 1
    assert text.endswith("# Q3 reports from the districts\n" + journal.format_entry(entry(3)))
    assert done.comments == 1  # blank lines theirs added are dropped


def test_an_entry_deleted_on_one_side_is_not_deleted() -> None:
    base = HEADER + lines(entry(1), entry(2))
    ours = HEADER + lines(entry(2), entry(3))  # entry 1 removed by a hand edit
    theirs = base + lines(entry(4))
    assert ids(union3(base, ours, theirs).data) == [entry(n)["id"] for n in (2, 3, 1, 4)]


def test_an_empty_ours_takes_theirs_whole() -> None:
    theirs = b"\xef\xbb\xbf" + HEADER + lines(entry(1))
    assert union3(b"", b"", theirs).data == theirs


@pytest.mark.parametrize("side", ["base", "ours", "theirs"])
def test_the_multi_line_form_is_refused_not_guessed(side: str) -> None:
    multi = HEADER + b"- id: e-000000000009\n  kind: progress\n  task: I.1.1\n"
    versions = {"base": HEADER, "ours": HEADER + lines(entry(1)), "theirs": HEADER}
    versions[side] = multi
    with pytest.raises(NotOneLineError, match="line 7"):
        union3(versions["base"], versions["ours"], versions["theirs"])


# -- resolve_conflicted: a merge made without the driver ------------------------


def conflicted(ours: bytes, theirs: bytes, base: bytes | None = None) -> bytes:
    middle = b"||||||| base\n" + base if base is not None else b""
    return b"<<<<<<< HEAD\n" + ours + middle + b"=======\n" + theirs + b">>>>>>> analyst-b\n"


def test_resolve_unions_both_sides_with_diff3_markers() -> None:
    common = HEADER + lines(entry(1))
    text = common + conflicted(
        lines(entry(2), entry(3)), lines(entry(4), entry(3)), base=lines(entry(9))
    )
    done = resolve_conflicted(text + lines(entry(5)))
    assert b"<<<<<<<" not in done.data and b"|||||||" not in done.data
    # What both sides removed (the base section) stays removed.
    assert ids(done.data) == [entry(n)["id"] for n in (1, 2, 3, 4, 5)]
    assert (done.conflicts, done.ours, done.theirs, done.duplicates) == (1, 2, 1, 1)


def test_resolve_two_conflicts_and_crlf() -> None:
    text = (
        HEADER
        + conflicted(lines(entry(1)), lines(entry(2)))
        + lines(entry(3))
        + conflicted(lines(entry(4)), lines(entry(5), entry(1)))
    ).replace(b"\n", b"\r\n")
    done = resolve_conflicted(text)
    assert ids(done.data) == [entry(n)["id"] for n in (1, 2, 3, 4, 5)]
    assert b"\n" not in done.data.replace(b"\r\n", b"")
    assert (done.conflicts, done.ours, done.theirs, done.duplicates) == (2, 2, 2, 1)


def test_resolve_without_markers_changes_nothing() -> None:
    text = HEADER + lines(entry(1))
    assert resolve_conflicted(text).conflicts == 0
    assert resolve_conflicted(text).data == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + conflicted(b"# ours' note\n" + lines(entry(1)), lines(entry(2))),
            r"line 8: .* not entries",
        ),
        (
            HEADER + conflicted(lines(entry(1)), b"  kind: progress\n"),
            r"line 10 is neither an entry line",
        ),
        (HEADER + b"<<<<<<< HEAD\n" + lines(entry(1)), r"line 7: this conflict has no end"),
        (HEADER + lines(entry(1)) + b"=======\n", r"line 8: '=======' outside a conflict"),
        (
            HEADER + b"<<<<<<< HEAD\n<<<<<<< HEAD\n=======\n>>>>>>> b\n",
            r"line 8: '<<<<<<<' in the conflict that starts at line 7",
        ),
        (
            HEADER + lines(entry(1)) + conflicted(lines(entry(2)), lines(entry(1, percent=10))),
            r"entry e-000000000001 is on line 7 and line 11 with different content",
        ),
    ],
    ids=["comments differ", "multi-line", "no end", "stray separator", "nested", "same id"],
)
def test_resolve_refuses_what_is_not_two_sides_appending(text: bytes, message: str) -> None:
    with pytest.raises(ResolveError, match=message):
        resolve_conflicted(text)


# -- sentences for a reviewer ------------------------------------------------------


def test_sentences_for_each_kind() -> None:
    progress = entry(1, evidence=["200/BC-SNV ngày 15/6/2024"], note="dòng 1\ndòng 2")
    assert ledgerdiff.sentence(progress, NAMES) == (
        "progress I.1.1 · Sở Nội vụ · in_progress 60% · 200/BC-SNV ngày 15/6/2024 · "
        "note: dòng 1\\ndòng 2 · Nguyễn Thị Mai · 15/06/2024 · e-000000000001"
    )
    assign = entry(2, kind="assign", agency=None, group="ubnd-cap-huyen", role="lead")
    assign |= {"due": "2024-09-30", "status": None, "percent": None}
    assert ledgerdiff.sentence(assign, NAMES).startswith(
        "assign I.1.1 · UBND cấp huyện · role lead · due 30/09/2024 ·"
    )
    correction = entry(3, kind="correction", supersedes="e-000000000001", reason="ghi 70%")
    correction |= {"percent": 70, "status": None, "fact_date": "2024-06-16"}
    assert "corrects e-000000000001: date 16/06/2024, percent 70 · reason: ghi 70%" in (
        ledgerdiff.sentence(correction, NAMES)
    )
    void = entry(4, kind="correction", supersedes="e-000000000002", void=True, reason="nhầm")
    assert "withdraws e-000000000002 · reason: nhầm" in ledgerdiff.sentence(void, NAMES)


def test_changes_flag_what_an_append_only_ledger_never_does() -> None:
    old = [entry(1), entry(2)]
    new = [entry(1, percent=70), entry(3)]
    found = ledgerdiff.changes(old, new)
    assert [(c.sign, c.entry["id"][-1], c.flag) for c in found] == [
        ("-", "1", "changed"),
        ("+", "1", "changed"),
        ("+", "3", ""),
        ("-", "2", "removed"),
    ]
    assert "[removed" in ledgerdiff.change_line(found[-1], NAMES)


def test_textconv_drops_comments_and_keeps_other_lines() -> None:
    text = HEADER + lines(entry(1)) + b"  stray: line\n"
    out = ledgerdiff.textconv(text, NAMES).splitlines()
    assert out == [ledgerdiff.sentence(entry(1), NAMES), "  stray: line"]


# -- the commands --------------------------------------------------------------------


def test_resolve_command_writes_the_union_and_says_what_next(cli: Invoke, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    create.init(ws)
    ledger = ws / "ledger_2024.yaml"
    ledger.write_bytes(HEADER + conflicted(lines(entry(1)), lines(entry(2), entry(3))))
    # Every read says what happened and which command mends it.
    before = cli("--data-dir", str(ws), "status", "-a", "SNV")
    marker = HEADER.count(b"\n") + 1
    assert before.exit_code == 1
    assert f"ledger_2024.yaml:{marker}:1: merge-conflict:" in before.stderr
    assert "parledger resolve" in before.stderr
    result = cli("--data-dir", str(ws), "resolve")  # the workspace's ledger by default
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"resolved 1 conflict in {ledger}: 1 entry from ours, 2 from theirs\n"
        f"next: git add {ledger} && parledger validate\n"
    )
    assert ids(ledger.read_bytes()) == [entry(n)["id"] for n in (1, 2, 3)]
    assert cli("--data-dir", str(ws), "validate").exit_code == 0
    again = cli("resolve", str(ledger))
    assert again.exit_code == 0 and "no conflict markers" in again.stdout


def test_resolve_command_refuses_and_leaves_the_file(cli: Invoke, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger_2024.yaml"
    text = HEADER + conflicted(lines(entry(1, percent=5)), lines(entry(1, percent=9)))
    ledger.write_bytes(text)
    result = cli("resolve", str(ledger))
    assert result.exit_code == 1
    assert result.stderr.startswith("parledger: error: entry e-000000000001 is on line 8")
    assert ledger.read_bytes() == text
    assert [p.name for p in tmp_path.iterdir()] == ["ledger_2024.yaml"]  # no temporary left


def test_merge_driver_command(cli: Invoke, tmp_path: Path) -> None:
    help_text = cli("merge-driver", "--help")
    assert help_text.exit_code == 0 and "BASE" in help_text.stdout and "%A" in help_text.stdout
    base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
    base.write_bytes(HEADER)
    ours.write_bytes(HEADER + lines(entry(1)))
    theirs.write_bytes(HEADER + lines(entry(2)))
    done = cli("merge-driver", str(base), str(ours), str(theirs), "ws/ledger_2024.yaml")
    assert done.exit_code == 0 and not done.output
    assert ids(ours.read_bytes()) == [entry(1)["id"], entry(2)["id"]]
    theirs.write_bytes(HEADER + lines(entry(1, percent=1)))
    clash = cli("merge-driver", str(base), str(ours), str(theirs), "ws/ledger_2024.yaml")
    assert clash.exit_code == 1 and "e-000000000001" in clash.stderr
    assert b"<<<<<<< ours" in ours.read_bytes()


def test_a_change_of_form_alone_is_no_change_of_entries(tmp_path: Path) -> None:
    # Across 'parledger upgrade-ledger': the multi-line form before, one line after.
    multi = (
        HEADER
        + (
            "- id: e-000000000001\n  kind: progress\n  task: I.1.1\n  agency: so-noi-vu\n"
            "  date: 2024-06-15\n  recorded: 2024-06-15T08:00:00Z\n  by: Nguyễn Thị Mai\n"
            "  status: in_progress\n  percent: 60\n"
        ).encode()
    )
    before, after = ledgerdiff.entries_of(multi, HEADER + lines(entry(1)), tmp_path / "l.yaml")
    assert len(before) == 1 and ledgerdiff.changes(before, after) == []
