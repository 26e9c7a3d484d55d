"""A directive imported from its document: its YAML text, checked, written.

The draft is written as the bundled directive is laid out: a header
comment saying where it came from and that it is a draft, a banner per
part of the file, one per outline node, every text in double quotes (the
legal wording never turns into a YAML number or date), lines never folded.
The directive and its empty ledger are written together or not at all,
never over an existing file.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from parledger.model.errors import Problem, UsageError
from parledger.store.journal import header as ledger_header
from parledger.store.workspace import (
    DIRECTIVE_PREFIX,
    INDICES_FILE,
    KEY,
    REGISTRY_FILE,
    Location,
    Source,
    directive_files,
)

HEADER = """\
# {file}: {kind} {number} ({year}), a DRAFT imported by `parledger import`
# from {source}.
#
# The wording (headings, paragraphs, footnotes, subject lines, recipients) is the
# document's text as read; the outline's ids follow the document's own numbering.
# Whatever the importer interpreted rather than read is noted in the `assumed:`
# mapping of the object it belongs to: review each note, then the whole text
# against the signed document, then remove this header's DRAFT and commit.
"""

_ORDER = ("metadata", "documents", "references", "outline")


def render(data: dict[str, Any], *, file: str, source: str) -> str:
    """The draft's YAML text."""
    # Lazy: ruamel.yaml is loaded by the commands that write YAML only.
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    def quoted(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: quoted(v, k) for k, v in value.items() if v is not None and v != {}}
        if isinstance(value, list):
            return [quoted(v) for v in value]
        if isinstance(value, str) and key not in ("id", "kind", "parent", "issuer", "index"):
            return DoubleQuotedScalarString(value)
        if isinstance(value, str) and key in ("id", "parent") and not value.isidentifier():
            return DoubleQuotedScalarString(value) if "/" in value or " " in value else value
        return value

    meta = data["metadata"]
    out = [
        HEADER.format(
            file=file,
            kind=meta["kind"],
            number=meta["number_as_printed"].removeprefix("Số:").strip() or "(no number)",
            year=meta["year"],
            source=source,
        ),
        _dump({"id": data["id"], "source": quoted(data["source"], "source")}),
    ]
    # What the draft says of the whole directive (the index it serves, read
    # from its subject line), with why.
    whole = {key: data[key] for key in ("serves", "assumed") if data.get(key)}
    if whole:
        out.append(_dump(quoted(whole)))
    for part in _ORDER:
        out.append(f"\n# ═══ {part} ═══\n")
        if part == "outline":
            out.append("outline:\n")
            for node in data["outline"]:
                out.append(f"\n# ── {node['id']} ──\n")
                out.append(_dump([quoted(node)]))
        elif part == "metadata":
            out.append(_dump({part: quoted(data[part])}))
        elif data[part]:
            out.append(_dump({part: [quoted(item) for item in data[part]]}))
        else:
            out.append(f"{part}: []\n")
    return "".join(out)


def _dump(value: Any) -> str:
    # Lazy: as in render.
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 1 << 16  # never fold the legal text
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    buffer = io.StringIO()
    yaml.dump(value, buffer)
    return buffer.getvalue()


def paths(folder: Path, key: str) -> tuple[Path, Path]:
    if not KEY.match(key):
        raise UsageError(
            f"'{key}' cannot name a directive: use lower-case letters, digits and '-' "
            "(e.g. --as 2025 or --as 1487-ubnd-nc-2025)"
        )
    directive = folder / f"{DIRECTIVE_PREFIX}{key}.yaml"
    return directive, directive.with_name(f"ledger_{key}.yaml")


SHARED_FILES = (REGISTRY_FILE, INDICES_FILE)
"""What a directive is checked against besides itself: the files of the
folder every directive of it shares (the catalog of indices when it has its
own)."""


def problems(folder: Path, key: str, text: str, directive_id: str) -> list[Problem]:
    """What ``parledger validate`` would say of the draft in ``folder``,
    found in a copy: the draft beside the folder's registry, an empty ledger."""
    return staged(folder, key, text, directive_id)[1]


def staged(
    folder: Path, key: str, text: str, directive_id: str, *, shown_as: Path | None = None
) -> tuple[int, list[Problem]]:
    """How many tasks a directive's ``text`` has, and what ``parledger
    validate`` would say of it as ``directive_KEY.yaml`` in ``folder``:
    found in a scratch copy of the folder's shared files, where nothing of
    the workspace can be touched.  Its problems name ``shown_as`` (default:
    the file it would be in ``folder``)."""
    # Lazy: the load pipeline and pydantic, for this check alone.
    from parledger.rules.outline import Outline
    from parledger.store import pipeline

    directive, ledger = paths(folder, key)
    named = str(shown_as or directive)
    with tempfile.TemporaryDirectory(prefix="parledger-draft-") as scratch:
        root = Path(scratch)
        for name in SHARED_FILES:
            if (folder / name).is_file():
                shutil.copyfile(folder / name, root / name)
        (root / directive.name).write_text(text, encoding="utf-8")
        (root / ledger.name).write_text(ledger_header(directive_id), encoding="utf-8")
        loaded, found = pipeline.run(Location(root, Source.OPTION, key))
        tasks = len(Outline(loaded.directive, loaded.registry).items()) if loaded else 0
        return tasks, [
            Problem(
                named if p.path.endswith(directive.name) else str(folder / Path(p.path).name),
                p.line,
                p.col,
                p.code,
                p.message,
            )
            for p in found
        ]


def write(folder: Path, key: str, text: str, directive_id: str) -> tuple[Path, Path]:
    """The directive and its empty ledger, both or neither; never over a
    file that exists."""
    directive, ledger = paths(folder, key)
    taken = [p.name for p in (directive, ledger) if p.exists() or p.is_symlink()]
    if taken:
        keys = ", ".join(p.stem.removeprefix(DIRECTIVE_PREFIX) for p in directive_files(folder))
        raise UsageError(
            f"{folder} already holds {' and '.join(taken)}; import never overwrites: "
            f"give the draft another key with --as KEY (the folder's keys: {keys or 'none'})"
        )
    contents = {directive: text.encode(), ledger: ledger_header(directive_id).encode()}
    made: list[Path] = []
    scratch: list[str] = []
    try:
        for path, content in contents.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            scratch.append(tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o666 & ~_umask())
        for path, tmp in zip(contents, scratch, strict=True):
            os.link(tmp, path)  # fails rather than overwrite a file made meanwhile
            made.append(path)
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise
    finally:
        for tmp in scratch:
            Path(tmp).unlink(missing_ok=True)
    return directive, ledger


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def indices(folder: Path) -> list[str]:
    """The ids of the indices the folder's workspace knows (the bundled
    catalog, extended by its own indices.yaml): those a part may serve."""
    # Lazy: the load pipeline, for this read alone.
    from parledger.store import pipeline
    from parledger.store.workspace import Location, Source

    found = pipeline.catalog(Location(folder, Source.OPTION))
    return found.ids() if found is not None else []


def registry(folder: Path) -> Any:
    """The folder's agency registry, validated alone; ProblemsError when
    it has problems (the draft's names are read against it)."""
    # Lazy: the load pipeline and pydantic, for this read alone.
    from parledger.model.errors import ProblemsError
    from parledger.store import checks, schema, yamlio
    from parledger.store.schema import ValidationError

    path = folder / REGISTRY_FILE
    if not path.is_file():
        raise UsageError(
            f"{folder} holds no {REGISTRY_FILE}: import into a parledger workspace "
            "(make one with 'parledger init DIR', or pass --data-dir)"
        )
    try:
        loaded = yamlio.load(path)
        found = schema.registry(loaded.data)
    except yamlio.YamlLoadError as exc:
        raise ProblemsError([exc.problem]) from None
    except ValidationError as exc:
        raise ProblemsError(
            [Problem(str(path), 1, 1, "invalid-value", str(exc).splitlines()[0])]
        ) from None
    problems = checks.registry_problems(found, loaded)
    if problems:
        raise ProblemsError(problems)
    return found
