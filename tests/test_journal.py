"""The ledger's own reader agrees with a YAML library on everything it accepts."""

from __future__ import annotations

import datetime as dt
import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parledger import journal, yamlio
from tests.conftest import ROOT

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐ"
)
text = st.text(
    alphabet=st.sampled_from(
        VIETNAMESE + string.ascii_letters + string.digits + " .,:;#-&\"'\\/\n\t\x07"
    ),
    max_size=40,
)
token = st.from_regex(r"[a-z][a-z0-9.-]{0,12}", fullmatch=True)
scalar = st.one_of(
    text,
    token,
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=dt.UTC)
    ),
)
entry = st.dictionaries(
    st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
    st.one_of(scalar, st.lists(text, min_size=1, max_size=3)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(entry, max_size=5))
def test_written_entries_read_back_the_same_with_both_readers(
    tmp_path_factory: pytest.TempPathFactory, entries: list[dict[str, object]]
) -> None:
    body = journal.header("directive_2024") + "".join(journal.format_entry(e) for e in entries)
    path = tmp_path_factory.mktemp("j") / "ledger.yaml"
    path.write_text(body, encoding="utf-8")
    fast, _ = journal.parse(body)
    slow = yamlio.load(path).data or []
    expected = [{k: v for k, v in e.items() if v is not None and v != []} for e in entries]
    assert fast == slow == expected


@given(st.text(alphabet="ab\n", max_size=60), st.integers(1, 8))
def test_lines_split_like_str_split(value: str, segment: int) -> None:
    original = journal._SEGMENT
    journal._SEGMENT = segment
    try:
        assert list(journal._lines(value)) == value.split("\n")
    finally:
        journal._SEGMENT = original


@pytest.mark.parametrize(
    "text",
    [
        "- id: e-000000000001\r\n  kind: progress\r\n",  # CRLF
        "- {id: e-000000000001}\n",  # flow style
        "- id: 'e-000000000001'\n",  # single quotes
        "- id: e-000000000001  # a comment\n",
        "- id: yes\n",  # a YAML 1.1 boolean
        "- note: ~\n",
        "-   id: x\n",
        "  id: x\n",  # a field before any entry
    ],
)
def test_anything_else_goes_to_the_yaml_library(text: str) -> None:
    with pytest.raises((journal.NotCanonical, ValueError)):
        journal.parse(text)


def test_positions_point_at_entries_keys_and_items() -> None:
    text = (ROOT / "tests" / "data" / "scenario" / "ledger_2024.yaml").read_text(encoding="utf-8")
    _, positions = journal.parse(text)
    lines = text.split("\n")
    line, col = positions.position((3, "evidence", 0))
    assert lines[line - 1].startswith("  - ") and col == 5
    line, _ = positions.position((3, "percent"))
    assert lines[line - 1] == "  percent: 60"
    line, _ = positions.position((0,))
    assert lines[line - 1].startswith("- id: ")


THREE_ENTRIES = b"".join(
    f"- id: e-00000000000{n}\n  kind: assign\n".encode() for n in (1, 2, 3)
)  # 36 bytes each


@contextmanager
def _current(tmp_path: Path) -> Iterator[journal.Current]:
    """The three entries as a ledger file, open as an append sees it."""
    path = tmp_path / "ledger.yaml"
    path.write_bytes(THREE_ENTRIES)
    fd = os.open(path, os.O_RDONLY)
    try:
        current = journal.Current(fd)
        current.CHUNK = 16  # several reads even for a small file
        yield current
    finally:
        os.close(fd)


@pytest.mark.parametrize(
    ("start", "needle", "found"),
    [
        (76, b"- id: e-000000000003", True),  # appended since the bytes searched
        (40, b"- id: e-000000000002", True),  # across where the search stopped
        (76, b"- id: e-000000000001", False),  # searched already: not read again
        (500, b"- id: e-000000000001", True),  # the file is shorter: read it all
    ],
)
def test_a_search_from_where_a_load_stopped_reads_only_what_came_after(
    tmp_path: Path, start: int, needle: bytes, found: bool
) -> None:
    with _current(tmp_path) as current:
        assert current.contains(needle, start=start) is found
