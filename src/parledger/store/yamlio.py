"""Reading and writing the workspace's YAML files.

This is the only module that imports ruamel.yaml.  Reading goes through the
round-trip loader because it knows where every key and value stands in the
file: problems are reported as ``path:line:col`` and a person fixes them in
an editor.  Every string read is normalised to NFC here, once, so nothing
downstream has to care which keyboard typed it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from parledger.model.errors import Problem
from parledger.store.files import write_atomic
from parledger.store.journal import RefusedFile, read_plain

Position = tuple[int, int]
"""1-based (line, column) in the file."""

YamlPath = tuple[str | int, ...]
"""Keys and list indexes from the document root, as pydantic reports them."""


class YamlLoadError(Exception):
    """The file cannot be read as YAML at all; carries one Problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Loaded:
    """A YAML document as plain Python data, with where each part stood."""

    path: Path
    data: Any
    positions: dict[YamlPath, Position] = field(default_factory=dict)
    # A reader that finds positions on demand instead of listing them all.
    locate: Callable[[YamlPath], Position] | None = None

    def position(self, path: YamlPath) -> Position:
        """The position of ``path``, or of its nearest ancestor that has one.

        A missing field has no position of its own; the mapping that lacks it
        is the place a person has to look.
        """
        if self.locate is not None:
            return self.locate(tuple(path))
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))


# Encodings Vietnamese offices still produce.  They are single-byte, so any
# byte sequence decodes; what gives them away is bytes UTF-8 never allows.
# This wording is for when parledger.store.legacy cannot tell which one it is.
LEGACY_HINT = (
    "the file is not UTF-8; it may be in a legacy Vietnamese encoding "
    "(Windows-1258, TCVN3/ABC or VNI): convert it to UTF-8 (e.g. with UniKey's "
    "converter) and try again"
)


def legacy_hint(raw: bytes, first_bad: int) -> str:
    """The message for a file that is not UTF-8, naming its encoding if it can."""
    # Imported here: only a refused file pays for loading the tables.
    from parledger.store import legacy

    name = legacy.guess(raw, first_bad)
    if name is None:
        return LEGACY_HINT
    return (
        f"the file is not UTF-8; it looks like {name}, a legacy Vietnamese encoding: "
        "convert it to UTF-8 (e.g. with UniKey's converter) and try again"
    )


def read_text(path: Path, reader: Callable[[Path], bytes] = read_plain) -> str:
    """Read a workspace file as UTF-8 (a BOM is accepted) and normalise to NFC.

    ``reader`` reads the bytes: the ledger's takes the writers' lock first;
    the default refuses a FIFO, a device or a file of gigabytes, unread."""
    try:
        raw = reader(path)
    except FileNotFoundError:
        raise YamlLoadError(Problem(str(path), 1, 1, "missing-file", "file not found")) from None
    except RefusedFile as exc:  # see journal.open_plain
        raise YamlLoadError(Problem(str(path), 1, 1, exc.code, exc.message)) from None
    except OSError as exc:
        raise YamlLoadError(
            Problem(str(path), 1, 1, "unreadable", f"cannot read the file: {exc.strerror}")
        ) from None
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise YamlLoadError(
            Problem(str(path), line, 1, "binary", "the file holds binary data, not YAML text")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = legacy_hint(raw, exc.start)
        raise YamlLoadError(Problem(str(path), line, col, "encoding", message)) from None
    # The check is much faster than the normalisation, and nearly every
    # file is already NFC.
    return text if unicodedata.is_normalized("NFC", text) else _nfc_between_escapes(text)


# A backslash escape of a double-quoted string ends in a letter or a hex
# digit, which NFC would compose with a combining mark written right after
# it: "\n" followed by U+0303 would become a backslash and "ñ", an escape
# that does not exist.  The text between escapes is normalised, never an
# escape itself (what an escape stands for, a control character, composes
# with no mark anyway).
_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


def _nfc_between_escapes(text: str) -> str:
    if "\\" not in text:
        return unicodedata.normalize("NFC", text)
    pieces: list[str] = []
    start = 0
    for escape in _ESCAPE.finditer(text):
        pieces.append(unicodedata.normalize("NFC", text[start : escape.start()]))
        pieces.append(escape.group())
        start = escape.end()
    pieces.append(unicodedata.normalize("NFC", text[start:]))
    return "".join(pieces)


def _round_trip_loader() -> Any:
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Constructor = _constructor()
    return yaml


# What a workspace file may hold: the types YAML resolves plain text to
# (mappings, lists, strings, numbers, booleans, null, dates), spelled out or
# not.  Any other tag asks a loader to build an object.
_BUILT = {
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


@cache
def _constructor() -> Any:
    """ruamel's round-trip constructor, except that a timestamp that is no
    real day (2024-02-31) is reported at its own line, not at the file's top."""
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor

    class Constructor(RoundTripConstructor):
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            # A tag asks the loader to build something: refused before
            # ruamel.yaml tries (!!set over a scalar raised AttributeError,
            # !!bool over a word KeyError, as tracebacks).
            tag = getattr(node.tag, "value", node.tag)
            if tag not in _BUILT:
                message = f"the tag '{tag}' is not allowed: workspace files hold plain data only"
                raise _BadTag(None, None, message, node.start_mark)
            try:
                return super().construct_object(node, deep=deep)
            except (KeyError, ValueError, TypeError, AttributeError, OverflowError) as exc:
                if isinstance(exc, ConstructorError):
                    raise
                value = " ".join(str(getattr(node, "value", "")).split())[:60]
                kind = str(tag).removeprefix("tag:yaml.org,2002:")
                message = f"'{value}' cannot be read as a {kind} (the tag {tag})"
                raise _BadValue(None, None, message, node.start_mark) from None

        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError as exc:
                message = f"'{node.value}' is not a real date or time ({exc})"
                raise _BadValue(None, None, message, node.start_mark) from None

    class _BadValue(ConstructorError):
        """A scalar of a known type whose value cannot exist."""

    class _BadTag(ConstructorError):
        """A tag that asks for something other than plain data."""

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", Constructor.construct_yaml_timestamp)
    return Constructor


# Longer lines than this are not a workspace file (the directive's longest is
# about 1,500 characters, a ledger line at most a few thousand): refused before
# the round-trip parser, which would take minutes over a line of megabytes.
MAX_LINE = 20_000


def _overlong_line(text: str) -> tuple[int, int] | None:
    """(line number, length) of the first line over MAX_LINE, if any."""
    if len(text) <= MAX_LINE:
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE:
            return number, len(line)
    return None


# Flow collections opened one inside another this many times, with nothing
# but blanks between: no workspace file does that (the ledger nests two
# levels), and ruamel.yaml's parser takes time quadratic in the depth
# (5 s for 10,000 levels) before it gives up.  Refused before parsing.
MAX_FLOW_RUN = 64
_TOO_DEEP = (
    "the data is nested too deeply to read (hundreds of levels); "
    "workspace files nest only a few levels"
)
_FLOW_RUN = re.compile(rf"(?:[\[{{][ \t\r\n]*){{{MAX_FLOW_RUN}}}")


def _too_deep(text: str) -> int | None:
    """The line where flow collections open MAX_FLOW_RUN deep in a row, if any."""
    found = _FLOW_RUN.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def load(path: Path) -> Loaded:
    """Load one YAML file with positions; raise YamlLoadError when unreadable."""
    return load_text(path, read_text(path))


def load_text(path: Path, text: str) -> Loaded:
    """Load the text of ``path`` (already read) with positions."""
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    overlong = _overlong_line(text)
    if overlong is not None:
        number, length = overlong
        message = (
            f"line {number} is {length:,} characters long; a workspace file keeps lines "
            f"under {MAX_LINE:,} characters: is this the right file?"
        )
        raise YamlLoadError(Problem(str(path), number, 1, "line-too-long", message))
    deep = _too_deep(text)
    if deep is not None:
        raise YamlLoadError(Problem(str(path), deep, 1, "yaml-syntax", _TOO_DEEP))
    try:
        document = _round_trip_loader().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        kind = type(exc).__name__
        code = {"_BadValue": "yaml-value", "_BadTag": "yaml-tag"}.get(kind, "yaml-syntax")
        raise YamlLoadError(Problem(str(path), line, col, code, message)) from None
    except RecursionError:
        raise YamlLoadError(Problem(str(path), 1, 1, "yaml-syntax", _TOO_DEEP)) from None
    except YAMLError as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        line, col = 1, 1
        offset = getattr(exc, "position", None)  # a character the reader refuses
        if isinstance(offset, int) and 0 <= offset <= len(text):
            line = text.count("\n", 0, offset) + 1
            col = offset - text.rfind("\n", 0, offset)
            message = " ".join(str(exc).split("\n", 1)[0].split())  # not the offset again
        raise YamlLoadError(Problem(str(path), line, col, "yaml-syntax", message)) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # A scalar the loader cannot build, e.g. the timestamp 2024-12-01T70:00:00Z.
        message = f"a value cannot be read: {' '.join(str(exc).split())}"
        raise YamlLoadError(Problem(str(path), 1, 1, "yaml-value", message)) from None
    loaded = Loaded(path=path, data=None)
    loaded.positions[()] = (1, 1)
    try:
        loaded.data = _plain(document, (), loaded.positions, set())
    except _Refused as exc:
        raise YamlLoadError(Problem(str(path), exc.line, exc.col, exc.code, exc.message)) from None
    return loaded


def parse(text: str) -> Any:
    """Parse trusted YAML text (text this program just wrote) with the safe loader."""
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(text)


def _plain(node: Any, path: YamlPath, positions: dict[YamlPath, Position], seen: set[int]) -> Any:
    """Turn ruamel's round-trip objects into plain data, recording positions."""
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap | CommentedSeq):
        # An alias makes the loader hand the same object twice; expanding it
        # is how an "alias bomb" of a few lines becomes billions of nodes.
        merged = isinstance(node, CommentedMap) and bool(getattr(node, "merge", None))
        if id(node) in seen or merged:  # a merge key (<<: *name) is an alias too
            line, col = positions.get(path, (1, 1))
            raise _Refused(line, col, "yaml-alias", ALIAS_MESSAGE)
        seen.add(id(node))
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            plain_key = _scalar(key)
            child = (*path, plain_key)
            positions[child] = _one_based(node.lc.key(key), positions[path])
            out[plain_key] = _plain(value, child, positions, seen)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for index, value in enumerate(node):
            child = (*path, index)
            positions[child] = _one_based(node.lc.item(index), positions[path])
            items.append(_plain(value, child, positions, seen))
        return items
    return _scalar(node)


ALIAS_MESSAGE = (
    "a YAML alias (*name) repeats data defined elsewhere; workspace files do not use "
    "anchors and aliases: write the data out in full"
)


class _Refused(Exception):
    """Valid YAML that a workspace file must not contain."""

    def __init__(self, line: int, col: int, code: str, message: str) -> None:
        self.line, self.col, self.code, self.message = line, col, code, message
        super().__init__(message)


def _one_based(mark: Any, fallback: Position) -> Position:
    # Nodes built from tags or merges may carry no position of their own.
    if not mark or mark[0] is None:
        return fallback
    return (mark[0] + 1, mark[1] + 1)


def _scalar(value: Any) -> Any:
    # ruamel's scalar subclasses (ScalarFloat, TimeStamp, quoted strings …)
    # carry formatting; the models only want the value.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return unicodedata.normalize("NFC", str(value))
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.datetime):
        # A plain datetime in UTC when the text gave a zone; naive otherwise.
        plain = dt.datetime(*value.timetuple()[:6], value.microsecond)
        if value.tzinfo is None:
            return plain
        offset = value.utcoffset() or dt.timedelta(0)
        return (plain - offset).replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    # A TaggedScalar with a plain tag (``!!str 5``): its text is the value.
    return unicodedata.normalize("NFC", str(getattr(value, "value", value)))


def round_trip_yaml() -> Any:
    """The one round-trip configuration: loading and saving an unchanged
    file gives the same bytes (quotes kept, long lines never re-wrapped)."""
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


class ChangedOnDisk(Exception):
    """The file changed between reading it and writing the edit."""


def edit(path: Path, change: Callable[[Any], None]) -> bytes:
    """Apply ``change`` to the round-trip document of ``path`` and save it.

    Comments, key order, quoting and line breaks survive.  The file is
    locked while the new content is written, and the write is refused if
    the bytes on disk are not the ones the edit started from (fava's rule):
    a concurrent hand edit is never overwritten.  Returns the new bytes.
    """
    # Lazy: ruamel.yaml takes tens of ms to import; only YAML reads need it.
    import fcntl
    import io

    original = path.read_bytes()
    yaml = round_trip_yaml()
    document = yaml.load(original.decode("utf-8-sig"))
    change(document)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    text = buffer.getvalue()
    if original.startswith(b"\xef\xbb\xbf"):
        text = "\ufeff" + text
    if b"\r\n" in original:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    content = text.encode("utf-8")
    with path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        if path.read_bytes() != original:
            raise ChangedOnDisk(str(path))
        write_atomic(path, content)
    return content


def append_item(
    path: Path,
    key: str,
    item: dict[str, Any],
    header: str,
    check: Callable[[list[Any]], None] | None = None,
) -> bytes:
    """Append ``item`` to the list under ``key`` of ``path``, its strings in
    double quotes as the workspace's files write them; all or nothing, as
    :func:`edit` writes.  A missing file, or one of comments only, is
    written anew: ``header`` (or the comments it had), then the list.
    ``check`` sees the list as it is under the write's lock and may raise to
    refuse the item (a duplicate another process appended meanwhile)."""
    # Lazy: io, only when a file is written.
    import io

    # Lazy: ruamel.yaml takes tens of ms to import; only YAML writes need it.
    from ruamel.yaml.comments import CommentedMap

    # Lazy: ruamel.yaml takes tens of ms to import; only YAML writes need it.
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    mapping = CommentedMap(
        (name, DoubleQuotedScalarString(value) if isinstance(value, str) else value)
        for name, value in item.items()
    )
    before = path.read_text(encoding="utf-8-sig") if path.exists() else None
    if before is None or parse(before) is None:
        buffer = io.StringIO()
        round_trip_yaml().dump(CommentedMap([(key, [mapping])]), buffer)
        kept = before.rstrip("\n") + "\n\n" if before and before.strip() else header
        content = (kept + buffer.getvalue()).encode("utf-8")
        write_atomic(path, content)
        return content

    def change(document: Any) -> None:
        if document.get(key) is None:
            document[key] = []
        if check is not None:
            check(list(document[key]))
        document[key].append(mapping)

    return edit(path, change)
