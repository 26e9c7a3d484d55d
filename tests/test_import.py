"""Importing a directive from its document (parledger import).

The key test: the bundled directive's text, source/directive_2024.txt,
imported, gives data/directive_2024.yaml's outline field by field — the same
47 items and ids, the same wording, footnotes and links, cited documents,
addressees and leads.  That file was written once by a script and then
annotated by hand; what it adds by hand (targets, dimensions, cadence, the
baseline, the notes in ``assumed:``) is out of scope, and every other
difference the importer leaves is listed in ``KNOWN_LIMITS`` below, so a
change that adds or removes one fails here.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from parledger.model.models import Registry
from parledger.store import schema
from parledger.store.document import read_document
from parledger.track.importer import Draft, draft

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "source" / "directive_2024.txt"
BUNDLED = ROOT / "data" / "directive_2024.yaml"

NODE_FIELDS = (
    "id", "kind", "parent", "label", "heading", "paragraphs", "index", "addressees",
    "paragraph_addressees", "leads", "footnotes", "cites", "mode",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "type", "number", "symbol", "date", "issuer", "issuer_as_printed", "title", "system",
)  # fmt: skip
METADATA_FIELDS = (
    "kind", "issuer", "issuer_name", "number_as_printed", "number", "symbol",
    "place_date_as_printed", "place", "year", "date", "subject_lines", "addressees",
    "preamble", "considered_reports", "closing", "recipients", "signature",
)  # fmt: skip

# What the importer reads differently from the hand-annotated file, each
# a known limit (see the closing note of the import's report).
KNOWN_LIMITS: list[str] = [
    # An issuer printed without "của" ("… ngày 25/10/2017 Hội nghị lần thứ sáu BCH Trung
    # ương Đảng khóa XII") is not read.
    "document 19-NQ/TW.issuer",
    "document 19-NQ/TW.issuer_as_printed",
    # A title that does not open with "về" ("… của BCH Đảng bộ tỉnh tiếp tục triển khai …")
    # is not read.
    "document 209-KH/TU.title",
    # A title ends at a semicolon; the annotator read this one on past it.
    "document 726-KL/TU.title",
    # The documents are listed in the order first cited, footnotes read at their
    # markers; the bundled file lists a few in another order (which carries no meaning).
    "documents",
]


@cache
def registry() -> Registry:
    return schema.registry(YAML(typ="safe").load((ROOT / "data" / "agencies.yaml").read_bytes()))


@cache
def bundled() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(BUNDLED.read_bytes())
    return data


def imported(path: Path = SOURCE) -> Draft:
    return draft(read_document(path), registry())


def _value(data: dict[str, Any], name: str) -> Any:
    value = data.get(name)
    if name == "mode" and value is None:
        return "require"
    if value in ([], {}):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def differences(result: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every field where the import differs from the bundled file."""
    found: list[str] = []
    for name in METADATA_FIELDS:
        got, want = _value(result["metadata"], name), _value(expected["metadata"], name)
        if got != want:
            found.append(f"metadata.{name}: {got!r} != {want!r}")
    ours = {node["id"]: node for node in result["outline"]}
    theirs = {node["id"]: node for node in expected["outline"]}
    if list(ours) != list(theirs):
        found.append(f"outline ids: {list(ours)} != {list(theirs)}")
    for node_id, want_node in theirs.items():
        got_node = ours.get(node_id, {})
        for name in NODE_FIELDS:
            got, want = _value(got_node, name), _value(want_node, name)
            if got != want:
                found.append(f"{node_id}.{name}: {got!r} != {want!r}")
    our_docs = {doc["id"]: doc for doc in result["documents"]}
    their_docs = {doc["id"]: doc for doc in expected["documents"]}
    for doc_id in their_docs.keys() - our_docs.keys():
        found.append(f"document {doc_id}: not found")
    for doc_id in our_docs.keys() - their_docs.keys():
        found.append(f"document {doc_id}: not in the bundled file")
    if [d for d in our_docs if d in their_docs] != [d for d in their_docs if d in our_docs]:
        found.append("documents: in another order")
    for doc_id in their_docs.keys() & our_docs.keys():
        for name in DOCUMENT_FIELDS:
            got, want = _value(our_docs[doc_id], name), _value(their_docs[doc_id], name)
            if name == "system":
                got, want = got or "state", want or "state"
            if got != want:
                found.append(f"document {doc_id}.{name}: {got!r} != {want!r}")
    for got_ref, want_ref in zip(result["references"], expected["references"], strict=False):
        for name in ("number", "text", "documents"):
            if got_ref[name] != want_ref[name]:
                found.append(
                    f"footnote {want_ref['number']}.{name}: {got_ref[name]!r} != {want_ref[name]!r}"
                )
    if len(result["references"]) != len(expected["references"]):
        found.append("references: another count")
    return sorted(found)


def test_the_bundled_text_gives_the_bundled_outline() -> None:
    result = imported()
    assert result.items == 47
    assert len(result.data["references"]) == 10
    found = differences(result.data, bundled())
    assert [line.split(": ", 1)[0] for line in found] == KNOWN_LIMITS, "\n".join(found)
