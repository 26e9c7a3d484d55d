"""The ledger's line format: one entry a line, read back exactly, by JSON and
by a YAML library alike; a last line cut short is found and set aside."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parledger.store import journal, ledger, yamlio
from tests.conftest import ROOT

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐ"
)
# Everything that could break a line, a YAML reader or a JSON one.
BREAKERS = "\n\r\t\x07\x1b\x7f\x85\u2028\u2029\ufeff\"'\\#:{}[],&*!|>%@`"
text = st.text(
    alphabet=st.sampled_from(VIETNAMESE + string.ascii_letters + string.digits + " ." + BREAKERS),
    max_size=40,
)
scalar = st.one_of(
    text,
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)
entry = st.dictionaries(
    st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
    st.one_of(scalar, st.lists(text, min_size=1, max_size=3)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(entry, max_size=5))
def test_each_entry_is_one_line_read_back_the_same_by_json_and_by_yaml(
    tmp_path_factory: pytest.TempPathFactory, entries: list[dict[str, object]]
) -> None:
    lines = [journal.format_entry(e) for e in entries]
    assert all(line.count("\n") == 1 and line.endswith("\n") for line in lines)
    # No character a YAML reader or str.splitlines() takes for a line break.
    assert all(len(line.splitlines()) == 1 for line in lines)
    body = journal.header("directive_2024") + "".join(lines)
    path = tmp_path_factory.mktemp("j") / "ledger.yaml"
    path.write_text(body, encoding="utf-8")
    expected = [{k: v for k, v in e.items() if v is not None and v != []} for e in entries]
    assert [journal.parse_line(line) for line in lines] == expected
    assert (yamlio.load(path).data or []) == expected


def test_dates_and_times_are_written_as_iso_text() -> None:
    line = journal.format_entry(
        {
            "id": "e-000000000001",
            "date": dt.date(2024, 6, 15),
            "recorded": dt.datetime(2024, 6, 15, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
            "note": None,
            "evidence": [],
        }
    )
    assert line == (
        '- {"id": "e-000000000001", "date": "2024-06-15", "recorded": "2024-06-15T08:00:00Z"}\n'
    )


@pytest.mark.parametrize(
    ("raw", "whole"),
    [
        (b"", True),
        (b'# header\n- {"id": "e-1"}\n', True),
        (b'- {"id": "e-1"}', True),  # a hand edit left no final newline: a whole entry
        (b"# a comment without a newline", True),
        (b'- {"id": "e-1"}\n- {"id": "e-2", "no', False),
        (b'- {"id": "e-1"}\n- {"id": "e-2", "note": "\xe1\xbb', False),  # cut inside a letter
        (b'- {"id": "e-1"}\n\x00\x00\x00\x00', False),  # what a crash leaves on some disks
    ],
)
def test_a_last_line_cut_short_is_told_from_a_whole_one(raw: bytes, whole: bool) -> None:
    body, torn = journal.split_torn(raw)
    assert (torn is None) == whole
    if torn is not None:
        assert body + torn.data == raw
        assert torn.line == raw.count(b"\n") + 1


def test_a_ledger_in_another_yaml_style_is_read_by_the_yaml_library(tmp_path: Path) -> None:
    # A hand edit in block style, or parledger 0.1's multi-line form: read
    # to the same entries, flagged so that validate can say how to upgrade.
    one_line = (ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml").read_bytes()
    multiline = (ROOT / "tests" / "data" / "multiline" / "ledger_2024.yaml").read_bytes()
    path = tmp_path / "ledger_2024.yaml"
    new, problems = ledger.load(path, one_line)
    old, old_problems = ledger.load(path, multiline)
    assert problems == old_problems == []
    assert not new.multiline and old.multiline
    assert new.entries == old.entries and len(new.entries) == 12


def test_problems_are_placed_at_their_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "ledger_2024.yaml"
    good = {
        "id": "e-000000000001", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": "2024-06-01", "recorded": "2024-06-01T00:00:00Z", "by": "T",
        "status": "in_progress",
    }  # fmt: skip
    bad = good | {"id": "e-000000000002", "percent": "nhiều"}
    body = journal.header("d") + journal.format_entry(good) + "\n" + journal.format_entry(bad)
    loaded, problems = ledger.load(path, body.encode())
    assert [entry.id for entry in loaded.entries] == ["e-000000000001"]
    (problem,) = problems
    line = body.split("\n")[problem.line - 1]
    assert problem.code == "invalid-entry" and '"id": "e-000000000002"' in line
    assert line[problem.col - 1 :].startswith('"percent": "nhiều"')


def test_every_line_of_a_large_ledger_is_read_across_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader decodes a piece at a time; lines must neither be lost nor
    # cut where pieces meet, and line numbers must run on across them.
    monkeypatch.setattr(ledger, "PIECE", 300)
    entries = [
        {
            "id": f"e-{n:012x}", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
            "date": "2024-06-01", "recorded": "2024-06-01T00:00:00Z", "by": "Nguyễn Thị Mai",
            "status": "in_progress", "percent": n % 100, "note": "dòng một\ndòng hai" * (n % 3),
        }
        for n in range(1, 60)
    ]  # fmt: skip
    entries[40]["percent"] = 101
    body = journal.header("d") + "".join(journal.format_entry(e) for e in entries)
    loaded, problems = ledger.load(tmp_path / "l.yaml", body.encode())
    assert len(loaded.entries) == 58
    assert [p.line for p in problems] == [journal.header("d").count("\n") + 41]
    assert loaded.entries[-1].note == "dòng một\ndòng hai" * (59 % 3)


def _progress_line(number: int, **changes: object) -> str:
    entry = {
        "id": f"e-{number:012x}", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": "2024-06-01", "recorded": "2024-06-01T00:00:00Z", "by": "Nguyễn Thị Mai",
        "status": "in_progress", "percent": number,
    }  # fmt: skip
    return journal.format_entry(entry | changes)


def test_entry_lines_alone_read_as_with_comments_blank_lines_and_crlf(tmp_path: Path) -> None:
    # Lines of entries only are recognised by counting; anything else takes
    # the regular expressions.  Both must give the same entries and lines.
    lines = [_progress_line(n) for n in range(1, 9)]
    lines[5] = _progress_line(6, percent=101)
    plain = "".join(lines)
    mixed = "".join(lines[:3]) + "# ghi chú\n\n" + "".join(lines[3:])
    path = tmp_path / "ledger_2024.yaml"
    read = {
        name: ledger.load(path, body.encode())
        for name, body in (
            ("plain", plain),
            ("mixed", mixed),
            ("crlf", plain.replace("\n", "\r\n")),
        )
    }
    for loaded, problems in read.values():
        assert [e.percent for e in loaded.entries] == [1, 2, 3, 4, 5, 7, 8]
        assert [p.code for p in problems] == ["invalid-entry"]
    assert read["plain"][1][0].line == read["crlf"][1][0].line == 6
    assert read["mixed"][1][0].line == 8


def test_a_line_holding_two_entries_is_refused_not_read_as_two(tmp_path: Path) -> None:
    # "- {…}, {…}" is not YAML; joined into one JSON array it would look
    # like two good entries.
    two = _progress_line(2).rstrip("\n") + ", " + _progress_line(3)[2:]
    body = _progress_line(1) + two + _progress_line(4)
    loaded, problems = ledger.load(tmp_path / "ledger_2024.yaml", body.encode())
    assert problems and problems[0].line == 2
    assert len(loaded.entries) < 4


BAD = [
    {"percent": 150},  # a model check (__post_init__)
    {"percent": "nhiều"},  # a type
    {"date": "2024-02-30"},  # no such day
    {"colour": "đỏ"},  # a field the format does not have
    {"kind": "progres"},  # no such kind
    {"agency": None},  # neither agency nor group
]


@pytest.mark.parametrize("change", [{}, *BAD])
def test_the_kept_validator_accepts_and_refuses_what_pydantic_does(
    change: dict[str, object],
) -> None:
    from parledger.store import schema, validator

    kept = validator.from_kept(schema.entries_validator())
    assert kept is not None
    entry = {
        "id": "e-0123456789ab", "kind": "progress", "task": "I.1.1", "agency": "so-noi-vu",
        "date": "2024-06-02", "recorded": "2024-06-02T08:00:00Z", "by": "Mai",
        "status": "in_progress", "percent": 60,
    } | change  # fmt: skip
    data = ("[" + journal.format_entry(entry)[2:].rstrip("\n") + "]").encode()
    outcomes = []
    for validate in (kept, schema.entries_json):
        try:
            outcomes.append(("ok", validate(data)))
        except ValueError as exc:
            outcomes.append(("refused", type(exc).__name__))
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0][0] == "ok") == (change == {})


def test_a_kept_validator_from_another_pydantic_core_is_not_used() -> None:
    import pickle

    from parledger.store import validator

    assert validator.from_kept(pickle.dumps(("0.0.1", {"type": "any"}))) is None
    assert validator.from_kept(b"not a pickle") is None
    assert validator.from_kept(b"") is None
