"""Hardened against bad input: hypothesis properties and a mutation fuzzer.

- Ledger entries of every kind, with the text analysts type (tone marks
  composed and decomposed, quotes, line breaks, '#', ': '), written as
  parledger writes them: loading gives the same entries, by both readers,
  and writing the loaded entries again gives the same bytes.
- Workspaces: the bundled directive and registry with a generated ledger
  mixing good entries and damaged ones: ``parledger validate`` exits 0 exactly
  when nothing was damaged, reports every damaged entry at its lines, prints
  only ``path:line:col: code: message`` lines and changes no file.
- Agency names: the resolver over the bundled registry answers any text with
  a match or the project's own UsageError, and ``status --agency`` agrees.
- Random mutations of the real data files (bytes, YAML syntax, lines,
  indentation, truncation): ``validate`` and ``status`` never let an
  exception escape, exit 0, 1 or 2, print no traceback, change no file, and
  agree with each other.

The properties that run the command line take PARLEDGER_FUZZ_EXAMPLES
examples each (per data file for the mutation fuzzer; default 4, so the
quick suite stays quick); CI hunts longer in a step of its own (the README's
"Development" section), and a longer hunt still is:

    PARLEDGER_FUZZ_EXAMPLES=300 pytest tests/test_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from parledger.cli import app
from parledger.model.errors import UsageError
from parledger.model.models import (
    ENTRY_CLASSES,
    Directive,
    Entry,
    EntryKind,
    NodeKind,
    Registry,
    Role,
    Status,
)
from parledger.model.names import AmbiguousName, Match, Resolver, UnknownName, match_key
from parledger.store import checks as validate
from parledger.store import journal, schema, yamlio
from parledger.store import ledger as ledgers
from parledger.store.workspace import bundled_root
from tests.conftest import ROOT, below_workspace_line

EXAMPLES = int(os.environ.get("PARLEDGER_FUZZ_EXAMPLES", "4"))

BUNDLED = bundled_root()
DIRECTIVE = "directive_2024.yaml"
REGISTRY = "agencies.yaml"
LEDGER = "ledger_2024.yaml"
SCENARIO_LEDGER = ROOT / "tests" / "data" / "scenario" / LEDGER

PROBLEM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[a-z-]+): .+$")


@cache
def _directive() -> Directive:
    return schema.directive(yamlio.load(BUNDLED / DIRECTIVE).data)


@cache
def _registry() -> Registry:
    return schema.registry(yamlio.load(BUNDLED / REGISTRY).data)


@cache
def _targets() -> dict[str, list[str]]:
    """Every item of the bundled directive, with the ids of its targets."""
    return {
        node.id: [target.id for target in node.targets]
        for node in _directive().outline
        if node.kind is NodeKind.ITEM
    }


def _lazy(values: Callable[[], list[str]]) -> st.SearchStrategy[str]:
    # The bundled data is read when a strategy first draws, not at import:
    # collecting the suite stays cheap.
    return st.deferred(lambda: st.sampled_from(values()))


task_ids = _lazy(lambda: sorted(_targets()))
# The agencies that existed on every day ``dates`` draws: one set up in 2025
# cannot be party to a fact of 2024 (validate says so: tests/test_succession.py).
agency_ids = _lazy(
    lambda: [
        a.id
        for a in _registry().agencies
        if a.exists_on(dt.date(2000, 1, 1)) and a.exists_on(dt.date(2024, 12, 31))
    ]
)
group_ids = _lazy(lambda: [g.id for g in _registry().groups])


# -- text as analysts type it -----------------------------------------------------

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyĐƯƠÂÊÔĂ"
_TONED = "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
_PIECES = [
    "Sở Nội vụ",
    unicodedata.normalize("NFD", "Hưng Yên"),
    "ĐỀ XUẤT",
    ": ",
    "# ",
    "- ",
    "'",
    '"',
    "\\",
    "\\n",
    "\n",
    "\t",
    "  ",
    "\u0303",
    "true",
    "null",
    "~",
    "2024-06-01",
    "e-0123456789ab",
    "{a: [b]}",
    "&a *a",
    "!!python/object:os.system",
    "🙂",
]
# Control characters are no text (parledger.model.text): the ledger refuses
# them (WRONG_VALUES below); what a note or reason may hold is this.
_CHARS = st.sampled_from(list(_LETTERS + _TONED + _MARKS + " .,;:#-&'\"\\/\n\t0123456789"))
free_text = st.one_of(
    st.text(alphabet=_CHARS, max_size=30),
    st.lists(st.sampled_from(_PIECES) | st.text(alphabet=_CHARS, max_size=4), max_size=8).map(
        "".join
    ),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,10}", fullmatch=True),  # written unquoted
)
# A name (who recorded) is one line: no line break or tab.
one_line_text = free_text.map(lambda text: " ".join(text.split()) or "Mai")
# A release or a correction always says why.
reasons = free_text.map(lambda text: text if text.strip() else "lý do" + text)

_CODES = ["BC", "KH", "QĐ", "CV", "TB", "UBND", "SNV", "NĐ", "CP", "PVHCC&KSTT", "TU", "CT"]
evidence = st.one_of(
    st.builds(
        lambda n, year, kind, issuer, day: f"{n}/{year}{kind}-{issuer}{day}",
        st.integers(1, 9999),
        st.sampled_from(["", "2018/", "2024/"]),
        st.sampled_from(_CODES),
        st.sampled_from(_CODES),
        # No later than any fact here (from 1/1/2000): evidence is not
        # dated after the fact it proves.
        st.sampled_from(["", " ngày 01/01/2000", " ngày 1/1/2000"]),
    ),
    st.builds(lambda n, kind: f"{n}-{kind}/TU", st.integers(1, 999), st.sampled_from(_CODES)),
    st.sampled_from(
        ["https://baohungyen.vn/cai-cach-hanh-chinh", "http://snv.hungyen.gov.vn/a?b=c"]
    ),
    # As offices write them, which a hand-edited ledger may hold.
    st.builds(
        "{}{}/bc–snv{}".format,
        st.sampled_from(["Báo cáo số ", "BÁO CÁO SỐ ", "Văn bản số "]),
        st.integers(1, 9999),
        st.sampled_from(["", ", ngày 01 tháng 01 năm 2000", " Ngày 1/1/2000"]),
    ),
)

entry_ids = st.integers(0, 16**12 - 1).map(lambda n: f"e-{n:012x}")
# Facts have happened (validate refuses a date in the future); a due date may
# be anywhere in 2000–2100.
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2024, 12, 31))
due_dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
stamps = st.builds(
    lambda moment, hours: moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=hours))),
    st.datetimes(min_value=dt.datetime(1990, 1, 2), max_value=dt.datetime(2100, 12, 30)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.sampled_from([0, 7, -5]),
)
values = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6).map(float)


# -- entries ----------------------------------------------------------------------

Raw = dict[str, Any]


def _party(draw: st.DrawFn) -> Raw:
    if draw(st.integers(0, 4)) == 0:
        return {"group": draw(group_ids)}
    return {"agency": draw(agency_ids)}


def _progress_fields(draw: st.DrawFn, task: str, *, correction: bool) -> Raw:
    status = draw((st.none() if correction else st.nothing()) | st.sampled_from(Status))
    percent = draw(st.none() | st.integers(0, 100))
    # Facts that can be true (rules.plausible), whatever fact a correction
    # lands on: a percent says its status, done is 100%, work not started
    # (or a task that does not apply) is 0% done.
    if correction and status is None and percent is not None:
        status = Status.IN_PROGRESS if percent < 100 else Status.DONE
    if status is Status.DONE and (percent is not None or correction):
        percent = 100
    if status in (Status.NOT_STARTED, Status.NOT_APPLICABLE) and (percent or correction):
        percent = 0
    fields: Raw = {"status": status, "percent": percent}
    targets = _targets()[task]
    if targets and draw(st.booleans()):
        fields |= {"value": draw(values), "target": draw(st.sampled_from(targets))}
    items = draw(st.lists(evidence, min_size=1 if correction else 0, max_size=3))
    if not correction or draw(st.booleans()):
        fields["evidence"] = items
        if items and draw(st.booleans()):  # what was typed, kept beside
            fields["evidence_as_written"] = [f"Văn bản số {item}" for item in items]
    return fields


@st.composite
def entry_dicts(draw: st.DrawFn, earlier: tuple[Raw, ...] = (), dangling: bool = True) -> Raw:
    """One valid entry as a writer hands it to journal.format_entry: in the
    form parledger writes (an assignment's role always given, ``void`` only
    when true), text possibly decomposed.  A correction supersedes one of
    ``earlier`` when there is one, and names the same task and party; with
    none, it supersedes an entry that is not there, unless not ``dangling``."""
    kinds = [k for k in EntryKind if earlier or dangling or k is not EntryKind.CORRECTION]
    kind = draw(st.sampled_from(kinds))
    if kind is EntryKind.CORRECTION and earlier:
        target = draw(st.sampled_from(earlier))
        task = target["task"]
        party = {k: target[k] for k in ("agency", "group") if k in target}
        supersedes = target["id"]
    else:
        task = draw(task_ids)
        party = _party(draw)
        supersedes = draw(entry_ids)
    raw: Raw = {
        "id": draw(entry_ids),
        "kind": kind,
        "task": task,
        **party,
        "date": draw(dates),
        "recorded": draw(stamps),
        "by": draw(one_line_text),
        "note": draw(st.none() | free_text),
    }
    if kind is EntryKind.ASSIGN:
        raw |= {"role": draw(st.sampled_from(Role)), "due": draw(st.none() | due_dates)}
    elif kind is EntryKind.UNASSIGN:
        raw["reason"] = draw(reasons)
    elif kind is EntryKind.PROGRESS:
        raw |= _progress_fields(draw, task, correction=False)
    else:
        raw |= {
            "supersedes": supersedes,
            "reason": draw(reasons),
            "void": draw(st.sampled_from([None, True])),
            "fact_date": draw(st.none() | dates),
            "role": draw(st.none() | st.sampled_from(Role)),
            "due": draw(st.none() | due_dates),
        }
        raw |= _progress_fields(draw, task, correction=True)
    return {key: value for key, value in raw.items() if value is not None}


@st.composite
def ledger_dicts(draw: st.DrawFn, max_size: int = 10) -> list[Raw]:
    size = draw(st.integers(0, max_size))
    ids = draw(st.lists(entry_ids, min_size=size, max_size=size, unique=True))
    out: list[Raw] = []
    for entry_id in ids:
        out.append(draw(entry_dicts(tuple(out))) | {"id": entry_id})
    return out


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


def _model(raw: Raw) -> Entry:
    """The entry the raw data stands for, built without pydantic."""
    fields = {key: _nfc(value) for key, value in raw.items()}
    return ENTRY_CLASSES[raw["kind"].value](**fields)


def _as_written(entry: Entry) -> Raw:
    """A loaded entry in the form parledger writes it."""
    out: Raw = {}
    for spec in dataclasses.fields(entry):
        value = getattr(entry, spec.name)
        if value is None or value == [] or (spec.name == "void" and value is False):
            continue
        out[spec.name] = value
    return out


def _ledger_text(entries: list[Raw]) -> str:
    return journal.header("directive_2024") + "".join(journal.format_entry(e) for e in entries)


@settings(max_examples=100, deadline=None)
@given(written=ledger_dicts())
@example(  # an escape followed by a mark: reading must not compose "\n" + U+0303 into "\ñ"
    written=[
        {
            "id": "e-0123456789ab",
            "kind": EntryKind.PROGRESS,
            "task": "I.1.1",
            "agency": "so-noi-vu",
            "date": dt.date(2024, 6, 15),
            "recorded": dt.datetime(2024, 6, 15, 8, 0, tzinfo=dt.UTC),
            "by": "Nguyễn Thị Mai",
            "status": Status.IN_PROGRESS,
            "note": "dòng 1\n\u0303 dòng 2\t\u0323",
        }
    ]
)
def test_written_ledger_loads_back_the_same_and_saves_the_same_bytes(written: list[Raw]) -> None:
    expected = [_model(raw) for raw in written]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / LEDGER
        path.write_bytes(_ledger_text(written).encode("utf-8"))

        loaded, problems = ledgers.load(path)
        assert problems == []
        assert loaded.entries == expected
        # The YAML library, which reads a hand-edited ledger, reads the same.
        slow, slow_problems = ledgers._multiline_form(path, path.read_bytes())
        assert slow_problems == []
        assert slow.entries == expected

        # Save what was loaded: the bytes of writing the NFC text in the first
        # place; load that: the same entries again.
        saved = _ledger_text([_as_written(entry) for entry in loaded.entries])
        assert saved == _ledger_text([{k: _nfc(v) for k, v in raw.items()} for raw in written])
        path.write_bytes(saved.encode("utf-8"))
        again, problems = ledgers.load(path)
        assert problems == []
        assert again.entries == expected


# -- whole workspaces -------------------------------------------------------------

UNKNOWN_FIELDS = ["colour", "Task", "due_date", "tags", "agency_name", "trạng thái"]
DAMAGES = [
    "unknown-task",
    "bad-task",
    "unknown-party",
    "bad-party",
    "duplicate-id",
    "unknown-entry",
    "self-correction",
    "mismatch",
    "percent",
    "wrong-type",
    "missing",
    "unknown-field",
    "unknown-target",
    "bad-kind",
    "late-evidence",
]
WRONG_VALUES: dict[str, list[Any]] = {
    "id": [5, "e-XYZ", "E-0123456789AB", ["e-0123456789ab"], "", "e-\nfoo", "e-\x1b[31m"],
    "task": ["IV.1", "1.1", "", 1.1, "I.1.1.1.1"],
    "date": ["hôm qua", "2024-13-45", "15/6/2024", [dt.date(2024, 1, 1)], True],
    "recorded": ["hôm qua", "2024-06-01T25:00:00Z", [], "2024-06-01 08:00 ICT"],
    "by": [5, ["Nguyễn Thị Mai"], True, "Mai\x1b]0;FAKE\x07", "Mai\nFAKE"],
    "note": [5, ["a", "b"], 1.5, "\x1b[2J", "a\x07b", "a\x85b", "a\u2028b", "\u202eab"],
    "kind": ["progres", "Assign", 1, "correction "],
}
REQUIRED = {
    EntryKind.ASSIGN: ["id", "kind", "task", "date", "recorded", "by"],
    EntryKind.UNASSIGN: ["id", "kind", "task", "date", "recorded", "by", "reason"],
    EntryKind.PROGRESS: ["id", "kind", "task", "date", "recorded", "by", "status"],
    EntryKind.CORRECTION: ["id", "kind", "task", "date", "recorded", "by", "reason", "supersedes"],
}


def _damage(draw: st.DrawFn, raw: Raw, good: list[Raw], taken: set[str]) -> Raw:
    """The entry with one thing wrong that validate must report at it."""
    kind = raw["kind"]
    out = dict(raw)
    how = draw(st.sampled_from(DAMAGES))
    party = "agency" if "agency" in raw else "group"
    if how == "unknown-task":
        out["task"] = draw(st.sampled_from(["I.1.99", "III.9.9", "II.7", "I", "III.3"]))
    elif how == "bad-task":
        out["task"] = draw(st.sampled_from(WRONG_VALUES["task"]))
    elif how == "unknown-party":
        out[party] = draw(st.sampled_from(["so-khong-co", "ubnd-huyen-x", "a"]))
    elif how == "bad-party":
        choice = draw(st.sampled_from(["both", "neither", "name"]))
        if choice == "both":
            out |= {"agency": "so-noi-vu", "group": "ubnd-cap-huyen"}
        elif choice == "neither":
            out.pop(party)
        else:
            out[party] = draw(st.sampled_from(["Sở Nội vụ", "so-\nnoi-vu", "so-noi-vu\u2028"]))
    elif how == "duplicate-id" and good:
        out["id"] = draw(st.sampled_from(good))["id"]
    elif how == "unknown-entry" and kind is EntryKind.CORRECTION:
        out["supersedes"] = draw(entry_ids.filter(lambda i: i not in taken))
    elif how == "self-correction" and kind is EntryKind.CORRECTION:
        out["supersedes"] = out["id"]
    elif how == "mismatch" and kind is EntryKind.CORRECTION and good:
        target = draw(st.sampled_from(good))
        out["supersedes"] = target["id"]
        other = "ubnd-tinh" if target.get("agency") != "ubnd-tinh" else "so-noi-vu"
        out.pop("group", None)
        out["agency"] = other
    elif how == "percent" and kind in (EntryKind.PROGRESS, EntryKind.CORRECTION):
        if draw(st.booleans()):
            out["percent"] = draw(st.sampled_from([-1, 101, 250, 10**9, 50.5, "abc", [50]]))
        else:
            out |= {"status": Status.DONE, "percent": draw(st.integers(0, 99))}
    elif how == "unknown-field":
        out[draw(st.sampled_from(UNKNOWN_FIELDS))] = draw(free_text | st.integers())
    elif how == "unknown-target" and kind is EntryKind.PROGRESS:
        out |= {"target": "t9", "value": 1.0}
    elif how == "bad-kind":
        wrong = {
            EntryKind.ASSIGN: ("role", "boss"),
            EntryKind.UNASSIGN: ("reason", ["a", "b"]),
            EntryKind.PROGRESS: ("status", "finished"),
            EntryKind.CORRECTION: ("void", "maybe"),
        }[kind]
        out[wrong[0]] = wrong[1]
    elif how == "missing":
        out.pop(draw(st.sampled_from(REQUIRED[kind])))
    elif how == "late-evidence" and kind is EntryKind.PROGRESS:
        # Every fact here is dated in 2000–2024: this proves it from later.
        late = ["200/BC-SNV ngày 15/6/2099", "Báo cáo số 5/bc-snv ngày 02 tháng 01 năm 2025"]
        out["evidence"] = [draw(st.sampled_from(late))]
        out.pop("evidence_as_written", None)
    else:  # "wrong-type", and what does not apply to this entry's kind
        field = draw(st.sampled_from(sorted(WRONG_VALUES)))
        out[field] = draw(st.sampled_from(WRONG_VALUES[field]))
    return out


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[list[Raw], list[bool]]:
    """A ledger for the bundled directive and registry: good entries, and
    damaged ones; returns the entries and which of them are damaged."""
    size = draw(st.integers(1, 8))
    ids = draw(st.lists(entry_ids, min_size=size, max_size=size, unique=True))
    good: list[Raw] = []
    entries: list[Raw] = []
    damaged: list[bool] = []
    for entry_id in ids:
        raw = draw(entry_dicts(tuple(good), dangling=False)) | {"id": entry_id}
        if draw(st.integers(0, 3)) == 0:
            entries.append(_damage(draw, raw, good, set(ids)))
            damaged.append(True)
        else:
            entries.append(raw)
            good.append(raw)
            damaged.append(False)
    return entries, damaged


def _run(*args: str, cache_dir: Path | None = None) -> Result:
    env: dict[str, str | None] = {
        "PARLEDGER_DATA": None,
        "PARLEDGER_LANG": None,
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    if cache_dir is None:
        env["PARLEDGER_NO_CACHE"] = "1"
    else:
        env |= {"PARLEDGER_NO_CACHE": None, "PARLEDGER_CACHE_DIR": str(cache_dir)}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _copy_bundled(target: Path) -> None:
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("__pycache__"))


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.stdout + result.stderr


def _validate_output(result: Result, root: Path) -> list[dict[str, str]]:
    """Check validate's output has its documented shape; return the problems."""
    _no_traceback(result)
    assert result.exit_code in (0, 1), result.output
    lines = result.stdout.splitlines()
    if result.exit_code == 0:
        assert len(lines) == 1 and lines[0].startswith(f"ok: {root} "), result.stdout
        assert result.stderr == ""
        return []
    problems = []
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, f"not a path:line:col: code: message line: {line!r}"
        problems.append(match.groupdict())
    assert problems
    assert result.stderr == f"parledger: {len(problems)} problem(s) in {root}\n"
    return problems


def _spans(entries: list[Raw]) -> Iterator[tuple[int, int]]:
    """The first and last line of each entry in the written ledger."""
    line = journal.header("directive_2024").count("\n") + 1
    for raw in entries:
        count = journal.format_entry(raw).count("\n")
        yield line, line + count - 1
        line += count


@settings(max_examples=max(EXAMPLES, 10), deadline=None)
@given(workspace=workspaces(), crlf=st.booleans())
def test_validate_reports_every_damaged_entry_and_nothing_else_changes(
    workspace: tuple[list[Raw], list[bool]], crlf: bool
) -> None:
    entries, damaged = workspace
    text = _ledger_text(entries)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        _copy_bundled(root)
        # CRLF line ends: a ledger saved on Windows.
        (root / LEDGER).write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode())
        before = _snapshot(root)

        result = _run("--data-dir", str(root), "validate")

        problems = _validate_output(result, root)
        assert _snapshot(root) == before
    assert (result.exit_code == 0) == (not any(damaged)), result.stdout
    at = [int(p["line"]) for p in problems if p["path"].endswith(LEDGER)]
    for number, ((first, last), bad) in enumerate(zip(_spans(entries), damaged, strict=True)):
        if bad:
            assert any(first <= line <= last for line in at), (number, result.stdout)


@settings(max_examples=100, deadline=None)
@given(workspace=workspaces())
def test_both_ledger_readers_report_the_same_problems(
    workspace: tuple[list[Raw], list[bool]],
) -> None:
    # One entry a line (json) and the YAML library, over LF and CRLF files.
    text = _ledger_text(workspace[0])
    with tempfile.TemporaryDirectory() as tmp:
        lf, crlf = Path(tmp) / "lf.yaml", Path(tmp) / "crlf.yaml"
        lf.write_bytes(text.encode())
        crlf.write_bytes(text.replace("\n", "\r\n").encode())
        fast, fast_problems = ledgers.load(lf)
        slow, slow_problems = ledgers._multiline_form(crlf, crlf.read_bytes())
        assert not fast.multiline and slow.multiline
    assert fast.entries == slow.entries
    assert [(p.line, p.code) for p in fast_problems] == [(p.line, p.code) for p in slow_problems]


# -- agency names -----------------------------------------------------------------


@cache
def _resolver() -> Resolver:
    return Resolver(_registry())


@cache
def _names() -> list[tuple[Match, str]]:
    """Every name the registry knows an entry by, with the entry."""
    out: list[tuple[Match, str]] = []
    for agency in _registry().agencies:
        match = Match("agency", agency.id)
        out += [(match, n) for n in (agency.id, agency.name, *agency.short, *agency.aliases)]
    for group in _registry().groups:
        match = Match("group", group.id)
        out += [(match, n) for n in (group.id, group.name, *group.aliases)]
    return out


_NOISE = [" ", "-", ".", ",", "&", "\t", "\n", "\r", "\x01", "\x1b", "\u00a0", "–", "\u200b"]


@st.composite
def spellings(draw: st.DrawFn) -> tuple[Match, str]:
    """A registry name as people type it: any case, marks or not, decomposed,
    'd' for 'đ', punctuation and spaces anywhere."""
    match, name = draw(st.deferred(lambda: st.sampled_from(_names())))
    letters = []
    for char in name:
        if draw(st.integers(0, 3)) == 0:
            char = char.swapcase() if draw(st.booleans()) else char.upper()
        if draw(st.integers(0, 3)) == 0:
            char = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
        if char in "đĐ" and draw(st.booleans()):
            char = "d"
        letters.append(char)
        if draw(st.integers(0, 5)) == 0:
            letters.append(draw(st.sampled_from(_NOISE)))
    text = "".join(letters)
    form = draw(st.sampled_from(["NFC", "NFD", "NFKC"]))
    text = unicodedata.normalize(form, text)
    prefix = draw(st.sampled_from(["", f"{match.kind}:", f" {match.kind.upper()}: "]))
    return match, prefix + text


def test_registry_names_fold_apart() -> None:
    # What the spelling property relies on: no two entries share a folded name.
    owners: dict[str, Match] = {}
    for match, name in _names():
        assert owners.setdefault(match_key(name), match) == match, name


@settings(max_examples=300, deadline=None)
@given(spelling=spellings())
def test_every_spelling_of_a_registry_name_resolves_to_its_entry(
    spelling: tuple[Match, str],
) -> None:
    match, text = spelling
    assert _resolver().resolve(text) == match


# Any text: long (a pasted paragraph), names inside other text, control
# characters, decomposed or not, with and without prefixes.
queries = st.one_of(
    st.text(),
    st.text(alphabet=_CHARS | st.sampled_from(_NOISE), max_size=60),
    st.builds(
        lambda before, name, after: before + name + after,
        st.text(max_size=20),
        st.deferred(lambda: st.sampled_from([n for _, n in _names()])),
        st.text(max_size=20),
    ),
    st.builds(
        lambda piece, times: piece * times, st.text(min_size=1, max_size=12), st.integers(1, 800)
    ),
).flatmap(
    lambda text: st.sampled_from(
        [text, unicodedata.normalize("NFD", text), "group:" + text, "agency:" + text]
    )
)


def _check_resolution(text: str) -> Match | None:
    """The resolver's answer, checked; None when it refused with a UsageError."""
    resolver = _resolver()
    known = {match for match, _ in _names()}
    try:
        match = resolver.resolve(text)
    except UsageError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 1000
        if isinstance(exc, AmbiguousName):
            assert len(exc.candidates) >= 2
        if isinstance(exc, UnknownName):
            assert len(exc.candidates) <= 3
        if isinstance(exc, AmbiguousName | UnknownName):
            assert {id_ for id_, _ in exc.candidates} <= {m.id for m in known}
        match = None
    else:
        assert match in known
    try:
        agency = resolver.resolve_agency(text)
    except UsageError:
        assert match is None or match.kind == "group"
    else:
        assert match == Match("agency", agency)
    assert len(resolver.suggest(text)) <= 3
    return match


@settings(max_examples=300, deadline=None)
@given(text=queries)
@example(text="")
@example(text="đ")
@example(text="Đ" * 5000)
@example(text=unicodedata.normalize("NFD", "Sở Nội vụ tỉnh Hưng Yên"))
def test_resolving_any_text_matches_or_raises_a_usage_error(text: str) -> None:
    _check_resolution(text)


@pytest.fixture(scope="module")
def status_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for every example: the bundled workspace never changes."""
    return tmp_path_factory.mktemp("status-cache")


@settings(max_examples=max(EXAMPLES, 50), deadline=None)
@given(text=queries.map(lambda text: text.replace("\x00", "")) | spellings().map(lambda s: s[1]))
@example(text="-h")
@example(text="--help")
@example(text="\x1b[31mSNV")
def test_status_agency_exits_0_or_2_with_one_line(status_cache: Path, text: str) -> None:
    match = _check_resolution(text)
    result = _run("--data-dir", str(BUNDLED), "status", "--agency", text, cache_dir=status_cache)
    _no_traceback(result)
    if match is not None and match.kind == "agency":
        assert result.exit_code == 0, result.stderr
        # An agency that no longer exists today: one line saying what became of it.
        agency = next(a for a in _registry().agencies if a.id == match.id)
        expected = [] if agency.exists_on(dt.date.today()) else [f"parledger: note: {agency.name} "]
        notes = result.stderr.splitlines()
        assert len(notes) == len(expected), result.stderr
        assert all(note.startswith(start) for note, start in zip(notes, expected, strict=True))
        assert f"({match.id})" in below_workspace_line(result.stdout).splitlines()[0]
    elif match is not None and result.exit_code == 0:  # a group: its members' tables
        ended = {a.name for a in _registry().agencies if not a.exists_on(dt.date.today())}
        for note in result.stderr.splitlines():
            assert note.startswith("parledger: note: "), result.stderr
            assert any(note.startswith(f"parledger: note: {name} ") for name in ended), note
        assert below_workspace_line(result.stdout).strip()
    else:  # nothing, or a group without members
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.split("\n")
        assert len(lines) == 2 and lines[1] == "", result.stderr
        assert lines[0].startswith("parledger: error: ")


# -- mutations of the real data files ---------------------------------------------

TOKENS = [
    b":", b": ", b"-", b"- ", b"? ", b"&a ", b"*a", b"&a [*a, *a]", b"<<: *a\n",
    b"!!python/object:os.system ", b"!custom ", b"!!binary ", b"!!set ", b"!!str ",
    b"{", b"}", b"[", b"]", b"'", b'"', b"\\", b"#", b"|", b">", b"%YAML 1.1\n", b"---\n",
    b"...\n", b"\t", b"\r", b"\r\n", b"\n", b"\x0b", b"\x0c", b"\x00", b"\xff", b"\xc3",
    b"\xef\xbb\xbf", "\u0303".encode(), "đ".encode(), "\u2028".encode(), b" ",
]  # fmt: skip
VALUES = [
    b"", b"~", b"null", b"[]", b"{}", b"-1", b"0", b"1e999", b".nan", b"9" * 40, b"yes",
    b"2024-02-30", b"2024-12-01T70:00:00Z", b"2024-06-01", b"0x1F", b"'", b'"\\q"',
    b"*a", b"&a x", b"!!python/object:os.system x", b"[a, [b, {c: d}]]", b"I.1.99",
    b"so-khong-co", b"e-000000000000", "Sở Nội vụ".encode(), b"t9", b"done", b"|\n  x",
]  # fmt: skip

position = st.integers(0, 2**32)
mutation = st.one_of(
    st.tuples(st.just("flip"), position, st.integers(0, 7)),
    st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("token"), position, st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), position, st.integers(1, 16)),
    st.tuples(st.just("value"), position, st.sampled_from(VALUES)),
    st.tuples(st.just("duplicate-line"), position, st.integers(1, 3)),
    st.tuples(st.just("delete-line"), position, st.integers(1, 3)),
    st.tuples(st.just("swap-lines"), position, position),
    st.tuples(st.just("indent"), position, st.sampled_from([b"", b" ", b"  ", b"    ", b"\t"])),
    st.tuples(st.just("dedent"), position, st.integers(1, 4)),
    st.tuples(st.just("truncate"), position, st.just(0)),
    # At the very end, where the cache reads a ledger's appended entries.
    st.tuples(st.just("append"), st.just(0), st.sampled_from(TOKENS) | st.binary(max_size=40)),
)
Mutation = tuple[str, int, Any]


def _mutate(data: bytes, mutations: list[Mutation]) -> bytes:
    for how, where, arg in mutations:
        at = where % (len(data) + 1)
        lines = data.split(b"\n")
        row = where % len(lines)
        if how == "flip" and data:
            at %= len(data)
            data = data[:at] + bytes([data[at] ^ (1 << arg)]) + data[at + 1 :]
        elif how in ("insert", "token"):
            data = data[:at] + arg + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + arg :]
        elif how == "value":
            # The value of a key, or of a list item, replaced.
            line = lines[row]
            key, sep, _ = line.partition(b": ")
            if not sep:
                key, sep = line.rstrip(b":-"), (b": " if line.endswith(b":") else b"- ")
            lines[row] = key + sep + arg
            data = b"\n".join(lines)
        elif how == "duplicate-line":
            data = b"\n".join(lines[: row + 1] + lines[row : row + arg] + lines[row + 1 :])
        elif how == "delete-line":
            data = b"\n".join(lines[:row] + lines[row + arg :])
        elif how == "swap-lines":
            other = arg % len(lines)
            lines[row], lines[other] = lines[other], lines[row]
            data = b"\n".join(lines)
        elif how == "indent":
            lines[row] = arg + lines[row]
            data = b"\n".join(lines)
        elif how == "dedent":
            lines[row] = lines[row][: len(lines[row]) - len(lines[row].lstrip(b" "))][arg:] + (
                lines[row].lstrip(b" ")
            )
            data = b"\n".join(lines)
        elif how == "truncate":
            data = data[:at]
        elif how == "append":
            data += arg
    return data


AGENCY = "Sở Nội vụ"


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workspace (bundled directive and registry, the scenario ledger) and
    a cache warmed by one status run, kept pristine; every example works on a
    fresh copy of both in the same place, so the cache knows the ledger by its
    path and an appended tail takes the cache's fast path."""
    home = tmp_path_factory.mktemp("fuzz")
    work = home / "work"
    _copy_bundled(work / "ws")
    shutil.copyfile(SCENARIO_LEDGER, work / "ws" / LEDGER)
    warm = _run(
        "--data-dir", str(work / "ws"), "status", "--agency", AGENCY, cache_dir=work / "cache"
    )
    assert warm.exit_code == 0, warm.output
    shutil.copytree(work, home / "pristine")
    return home


def _fresh(home: Path) -> Path:
    shutil.rmtree(home / "work")
    shutil.copytree(home / "pristine", home / "work")
    return home / "work"


@pytest.mark.parametrize("name", [DIRECTIVE, REGISTRY, LEDGER])
@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations=st.lists(mutation, min_size=1, max_size=5))
def test_mutated_files_never_crash_validate_or_status(
    fuzz_home: Path, name: str, mutations: list[Mutation]
) -> None:
    work = _fresh(fuzz_home)
    root, cache_dir = work / "ws", work / "cache"
    path = root / name
    path.write_bytes(_mutate(path.read_bytes(), mutations))
    before = _snapshot(root)

    checked = _run("--data-dir", str(root), "validate")
    status = _run("--data-dir", str(root), "status", "--agency", AGENCY, cache_dir=cache_dir)

    assert _snapshot(root) == before
    _validate_output(checked, root)
    _no_traceback(status)
    for line in status.stderr.splitlines():
        assert line.startswith("parledger: ") or PROBLEM_LINE.match(line), line
    # status reads through the cache, validate reads every byte: they agree.
    if checked.exit_code == 1:
        assert status.exit_code == 1, (checked.stdout, status.stdout)
    else:
        assert status.exit_code in (0, 2), status.stderr
    if status.exit_code == 0:
        assert status.stderr == ""
        shown = below_workspace_line(status.stdout)
        assert re.match(r"\S.* \([a-z0-9][a-z0-9-]*\): \d+ tasks", shown), status.stdout
    else:
        assert status.stdout == ""
        assert status.stderr.endswith("\n") and status.stderr.count("\n") <= 21


# Found by the properties above, and kept as plain regressions.


@pytest.mark.parametrize("tail", [b"\t\n", b"\x0c"])
def test_status_refuses_what_validate_refuses_after_a_whitespace_tail(
    fuzz_home: Path, tail: bytes
) -> None:
    # The cache took a tail of ASCII whitespace for nothing appended, though
    # YAML refuses a tab, VT or FF there.
    work = _fresh(fuzz_home)
    root = work / "ws"
    with (root / LEDGER).open("ab") as handle:
        handle.write(tail)
    assert _run("--data-dir", str(root), "validate").exit_code == 1
    status = _run("--data-dir", str(root), "status", "--agency", AGENCY, cache_dir=work / "cache")
    assert status.exit_code == 1


@pytest.mark.parametrize("text", ["dòng 1\x85dòng 2", "a\u2028b\u2029c", "Ghi-chu\n"])
def test_text_reads_back_the_same_with_both_readers(tmp_path: Path, text: str) -> None:
    # NEL was written raw, and YAML reads it as a line break; a word with a
    # final newline was written unquoted ('$' matches before a final newline).
    entry = {"id": "e-0123456789ab", "note": text}
    written = journal.format_entry(entry)
    path = tmp_path / LEDGER
    path.write_text(written, encoding="utf-8")
    assert yamlio.load(path).data == [entry]
    assert [journal.parse_line(written)] == [entry]  # what parledger writes, json reads


def test_a_chain_of_corrections_to_a_missing_entry_is_no_cycle(tmp_path: Path) -> None:
    # Reported as "corrections form a cycle" at every correction down the chain.
    def correction(entry_id: str, supersedes: str) -> Raw:
        return {
            "id": entry_id,
            "kind": EntryKind.CORRECTION,
            "task": "I.1.1",
            "agency": "so-noi-vu",
            "date": dt.date(2024, 6, 1),
            "recorded": dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
            "by": "T",
            "supersedes": supersedes,
            "reason": "r",
        }

    first, second, loop = "e-000000000001", "e-000000000002", "e-000000000003"
    path = tmp_path / LEDGER
    entries = [
        correction(first, "e-0000000000ff"),
        correction(second, first),
        correction(loop, loop),
    ]
    path.write_text(_ledger_text(entries), encoding="utf-8")
    loaded, problems = ledgers.load(path)
    assert problems == []
    found = validate.ledger_crossref_problems(loaded, _directive(), _registry())
    assert [(p.code, p.message.split()[1]) for p in found] == [
        ("unknown-entry", first),
        ("correction-cycle", loop + ":"),
    ]
