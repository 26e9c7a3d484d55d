"""Checks of data/directive_2024.yaml against the source text.

The YAML holds the directive's wording verbatim with structure added.  These
tests rebuild the running text from source/directive_2024.txt itself (footnote
blocks removed, paragraphs split by page breaks re-joined) and compare every
node of the outline with it, so a dropped, reworded or "corrected" sentence
fails here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from parledger.model.models import Cadence, Directive, Mode, Node, NodeKind
from parledger.model.records import plain
from parledger.store import schema

ROOT = Path(__file__).parents[1]
SOURCE = ROOT / "source" / "directive_2024.txt"
DATA = ROOT / "data" / "directive_2024.yaml"

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# A paragraph that ends without one of these continues after a page break.
TERMINAL = (".", ":", ";", "!", "?")

PARTS = ["I", "II", "III"]
SECTIONS = ["I.1", "I.2", "II.1", "II.2", "III.2", "III.3"]
ITEMS = (
    [f"I.1.{i}" for i in range(1, 11)]
    + [f"I.2.{i}" for i in range(1, 6)]
    + [f"II.1.{i}" for i in range(1, 5)]
    + [f"II.2.{i}" for i in range(1, 4)]
    + ["II.3", "III.1"]
    + [f"III.2.{i}" for i in range(1, 9)]
    + [f"III.3.{i}" for i in range(1, 16)]
)
OUTLINE_ORDER = [
    *["I", "I.1", *ITEMS[0:10], "I.2", *ITEMS[10:15]],
    *["II", "II.1", *ITEMS[15:19], "II.2", *ITEMS[19:22], "II.3"],
    *["III", "III.1", "III.2", *ITEMS[24:32], "III.3", *ITEMS[32:47]],
]

GROUPS = {
    "so-ban-nganh-tinh", "ubnd-cap-huyen", "ubnd-cap-xa", "co-quan-thong-tin-truyen-thong",
    "dvsncl-truc-thuoc-ubnd-tinh", "co-quan-don-vi-dnnn-cua-tinh", "thanh-vien-bcd-cchc",
}  # fmt: skip
AGENCIES = {
    "vp-ubnd-tinh", "so-noi-vu", "so-tu-phap", "so-ke-hoach-dau-tu", "so-tai-chinh",
    "so-cong-thuong", "so-nong-nghiep-ptnt", "so-giao-thong-van-tai", "so-xay-dung",
    "so-tai-nguyen-moi-truong", "so-thong-tin-truyen-thong", "so-lao-dong-tbxh",
    "so-van-hoa-tt-dl", "so-khoa-hoc-cong-nghe", "so-giao-duc-dao-tao", "so-y-te",
    "thanh-tra-tinh", "bql-cac-kcn", "cong-an-tinh", "bhxh-tinh", "ubmttq-tinh",
    "bao-hung-yen", "dai-pt-th-hung-yen", "trung-tam-pvhcc-ksttthc", "trung-tam-tt-hn-tinh",
    "bcd-cchc-tinh", "ubnd-tinh", "hdnd-tinh", "lanh-dao-ubnd-tinh", "tinh-uy",
    "ban-thuong-vu-tinh-uy", "bch-dang-bo-tinh", "chinh-phu", "thu-tuong-chinh-phu",
    "bo-noi-vu", "bo-thong-tin-truyen-thong", "bo-cong-an", "bo-y-te", "bo-chinh-tri",
    "bch-trung-uong-dang", "kiem-toan-nha-nuoc", "ubnd-tp-hung-yen", "ubnd-tx-my-hao",
    "ubnd-huyen-van-lam", "ubnd-huyen-van-giang", "ubnd-huyen-yen-my", "ubnd-huyen-an-thi",
    "ubnd-huyen-khoai-chau", "ubnd-huyen-kim-dong", "ubnd-huyen-tien-lu",
    "ubnd-huyen-phu-cu",
}  # fmt: skip

CADENCE_WORDS = {
    Cadence.CONTINUOUS: "thường xuyên",
    Cadence.ANNUAL: "hằng năm",
    Cadence.PERIODIC: "định kỳ",
}

# The typing slips of the source, which the data must keep as printed.
SLIPS = [
    "Hung Yên",
    "Phân đầu",
    "đề xảy ra",
    "đòi hỏi lộ",
    "mức độ hài của người dân",
    "chuyên đổi số",
    "đơn vị nghiệp công lập",
    "Công thông tin",
]


# --------------------------------------------------------------------------
# helpers


def marker(number: int) -> str:
    return "".join(SUPERSCRIPT_DIGITS[int(c)] for c in str(number))


def is_footnote_line(line: str) -> bool:
    return bool(line) and line[0] in SUPERSCRIPT_DIGITS


@cache
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@cache
def source_lines() -> tuple[str, ...]:
    return tuple(source_text().split("\n"))


@cache
def source_footnotes() -> dict[int, str]:
    """Footnote number -> text, read from the footnote lines of the source."""
    notes: dict[int, str] = {}
    for line in source_lines():
        if is_footnote_line(line):
            digits = re.match(f"^[{SUPERSCRIPT_DIGITS}]+", line)
            assert digits is not None
            mark = digits.group(0)
            number = int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in mark))
            assert line[len(mark)] == " ", line
            assert number not in notes, number
            notes[number] = line[len(mark) + 1 :]
    return notes


def unpaginate(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop footnote blocks and blank lines, re-join paragraphs split by a page break.

    Returns the paragraphs and the continuation pieces that were joined on.
    """
    paragraphs: list[str] = []
    continuations: list[str] = []
    for line in lines:
        if not line.strip() or is_footnote_line(line):
            continue
        if paragraphs and not paragraphs[-1].endswith(TERMINAL):
            paragraphs[-1] += " " + line
            continuations.append(line)
        else:
            paragraphs.append(line)
    return paragraphs, continuations


@cache
def load() -> Directive:
    data = YAML(typ="safe").load(DATA.read_bytes())
    return schema.directive(data)


@cache
def body_region() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Un-paginated source from the first preamble paragraph to the closing sentence."""
    meta = load().metadata
    lines = list(source_lines())
    start = lines.index(meta.preamble[0])
    end = lines.index(meta.closing)
    paragraphs, continuations = unpaginate(lines[start : end + 1])
    return tuple(paragraphs), tuple(continuations)


def nodes() -> dict[str, Node]:
    return {n.id: n for n in load().outline}


def with_markers(node: Node, index: int) -> str:
    """Paragraph ``index`` (1-based) of ``node`` with its footnote markers put back."""
    text = node.paragraphs[index - 1]
    links = [f for f in node.footnotes if f.paragraph == index]
    # insert from the end so earlier positions stay valid
    placed = []
    for link in links:
        pos = text.find(link.anchor)
        assert pos >= 0, (node.id, link)
        placed.append((pos + len(link.anchor), link.number))
    for pos, number in sorted(placed, reverse=True):
        text = text[:pos] + marker(number) + text[pos:]
    return text


def node_source_lines(node: Node) -> list[str]:
    """The un-paginated source paragraphs a node stands for, in order."""
    if node.kind is not NodeKind.ITEM:
        assert node.heading is not None, node.id
        return [f"{node.label} {node.heading}"]
    paras = [with_markers(node, i) for i in range(1, len(node.paragraphs) + 1)]
    if node.heading is not None:
        return [f"{node.label} {node.heading}", *paras]
    return [f"{node.label} {paras[0]}", *paras[1:]]


def all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in all_strings(k) + all_strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in all_strings(v)]
    return []


# --------------------------------------------------------------------------
# the model and the outline


def test_model_validates() -> None:
    directive = load()
    assert directive.id == "directive_2024"
    assert (ROOT / directive.source).resolve() == SOURCE.resolve()


def test_outline_ids_and_kinds() -> None:
    outline = load().outline
    assert [n.id for n in outline] == OUTLINE_ORDER
    by_kind = Counter(n.kind for n in outline)
    assert by_kind == {NodeKind.PART: 3, NodeKind.SECTION: 6, NodeKind.ITEM: 47}
    assert [n.id for n in outline if n.kind is NodeKind.PART] == PARTS
    assert [n.id for n in outline if n.kind is NodeKind.SECTION] == SECTIONS
    assert [n.id for n in outline if n.kind is NodeKind.ITEM] == ITEMS
    assert len(ITEMS) == 47


def test_parents_labels_and_index() -> None:
    by_id = nodes()
    for node in load().outline:
        parts = node.id.split(".")
        if node.kind is NodeKind.PART:
            assert node.parent is None
            assert node.label == f"{node.id}."
            assert node.index is not None
            assert not node.paragraphs
        else:
            assert node.parent == ".".join(parts[:-1]), node.id
            assert node.parent in by_id
            assert node.label == ".".join(parts[1:]) + ".", node.id
            assert node.index is None, f"{node.id}: index belongs on the part only"
        if node.kind is NodeKind.SECTION:
            assert node.heading and not node.paragraphs, node.id
        if node.kind is NodeKind.ITEM:
            assert node.paragraphs, node.id
    assert [by_id[p].index for p in PARTS] == ["PAR INDEX", "SIPAS", "PAPI"]
    assert by_id["II.3"].parent == "II" and by_id["III.1"].parent == "III"
    assert by_id["II.3"].label == "3." and by_id["III.1"].label == "1."


# --------------------------------------------------------------------------
# the wording is the source's wording


def test_page_break_joins_are_continuations() -> None:
    """Every joined piece starts in lower case: the rule never merges two paragraphs."""
    _, continuations = body_region()
    assert continuations, "the source has page breaks inside paragraphs"
    for piece in continuations:
        assert piece[0].islower(), piece


def test_every_node_is_verbatim() -> None:
    paragraphs, _ = body_region()
    lines = set(paragraphs)
    for node in load().outline:
        for line in node_source_lines(node):
            assert line in lines, f"{node.id}: not a paragraph of the source: {line[:80]}"


def test_label_line_rule() -> None:
    """The label line is the label, one space, then heading or first paragraph."""
    paragraphs, _ = body_region()
    for node in load().outline:
        first = node.heading if node.heading is not None else node.paragraphs[0]
        line = next(
            p
            for p in paragraphs
            if p.startswith(node.label + " ")
            and re.sub(f"[{SUPERSCRIPT_DIGITS}]", "", p) == f"{node.label} {first}"
        )
        assert line == node_source_lines(node)[0], node.id
        assert not first.startswith(" ") and not first.endswith(" ")
        if node.kind is NodeKind.ITEM and node.heading is not None:
            assert node.heading.endswith(":"), node.id


def test_nothing_dropped() -> None:
    """Preamble, outline and closing account for the whole body, in order."""
    meta = load().metadata
    rebuilt = list(meta.preamble)
    for node in load().outline:
        rebuilt.extend(node_source_lines(node))
    rebuilt.append(meta.closing)
    paragraphs, _ = body_region()
    assert rebuilt == list(paragraphs)


def test_paragraphs_are_clean() -> None:
    for node in load().outline:
        for text in [node.heading or "", *node.paragraphs]:
            assert "\n" not in text and text == text.strip(), node.id
            assert not any(c in SUPERSCRIPT_DIGITS for c in text), node.id


def test_footnote_links() -> None:
    links = [(n.id, f) for n in load().outline for f in n.footnotes]
    assert sorted(f.number for _, f in links) == list(range(1, 11))
    by_id = nodes()
    for node_id, link in links:
        node = by_id[node_id]
        assert 1 <= link.paragraph <= len(node.paragraphs), node_id
        paragraph = node.paragraphs[link.paragraph - 1]
        assert link.anchor in paragraph, (node_id, link.anchor)
        # the marker sits right after the first occurrence of the anchor
        rebuilt = with_markers(node, link.paragraph)
        assert link.anchor + marker(link.number) in rebuilt
        assert rebuilt.find(link.anchor + marker(link.number)) == paragraph.find(link.anchor)


def test_references_are_the_footnotes() -> None:
    references = load().references
    assert [r.number for r in references] == list(range(1, 11))
    notes = source_footnotes()
    assert sorted(notes) == list(range(1, 11))
    for ref in references:
        assert ref.text == notes[ref.number], ref.number


def test_slips_kept() -> None:
    text = "\n".join(all_strings(plain(load())))
    for slip in SLIPS:
        assert slip in source_text(), slip
        assert slip in text, f"slip {slip!r} was corrected or dropped"


def test_data_is_nfc_and_clean() -> None:
    raw = DATA.read_bytes()
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\t" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in text.split("\n"))


def test_yaml_round_trips_byte_for_byte() -> None:
    yaml = YAML()
    yaml.width = 4096
    yaml.preserve_quotes = True
    raw = DATA.read_bytes()
    out = io.BytesIO()
    yaml.dump(yaml.load(raw), out)
    assert out.getvalue() == raw


# --------------------------------------------------------------------------
# quotes and annotations


def test_quotes_are_exact() -> None:
    for node in load().outline:
        for target in node.targets:
            assert any(target.quote in p for p in node.paragraphs), (node.id, target.id)
        for pa in node.paragraph_addressees:
            assert 1 <= pa.paragraph <= len(node.paragraphs), node.id
            assert pa.quote in node.paragraphs[pa.paragraph - 1], (node.id, pa.quote)
        assert (node.cadence is None) == (node.cadence_quote is None), node.id
        if node.cadence is not None and node.cadence_quote is not None:
            assert node.cadence_quote in node.text, node.id
            word = CADENCE_WORDS[node.cadence]
            assert word in node.cadence_quote.lower(), (node.id, node.cadence_quote)
    meta = load().metadata
    for rank in meta.baseline:
        assert rank.wording in meta.preamble[0], rank.index
        assert f"{rank.rank}/{rank.of}" in rank.wording
        assert f"năm {rank.compared_to}" in rank.wording


def test_cadence_words_are_cadences() -> None:
    """A cadence is only read where the wording has a cadence word."""
    for node in load().outline:
        if node.cadence is None:
            continue
        words = [w for w in CADENCE_WORDS.values() if w in node.text.lower()]
        assert CADENCE_WORDS[node.cadence] in words, node.id
        if len(set(words)) > 1 or node.text.lower().count(CADENCE_WORDS[node.cadence]) > 1:
            assert "cadence" in node.assumed, f"{node.id}: several cadences, choice not noted"


def test_targets() -> None:
    by_id = nodes()
    expected = {
        ("I.1.1", 100.0, "=", None),
        ("I.1.3", 100.0, "=", None),
        ("I.1.7", 20.0, ">=", 2025),
        ("I.1.8", 100.0, "=", None),
        ("III.3.12", 100.0, "=", None),
    }
    found = {(n.id, t.value, t.comparator, t.by_year) for n in by_id.values() for t in n.targets}
    assert expected <= found
    for node in by_id.values():
        ids = [t.id for t in node.targets]
        assert ids == [f"t{i}" for i in range(1, len(ids) + 1)], node.id
        for target in node.targets:
            assert f"{target.value:g}{target.unit}" in target.quote, (node.id, target.id)
            if target.by_year is not None:
                assert f"năm {target.by_year}" in target.quote
    # the LGSP / NDXP sentence spans a page break: its quote needs the joined text
    assert any("LGSP" in t.quote and "NDXP đạt 100%" in t.quote for t in by_id["I.1.8"].targets)
    # every percentage in the outline is covered by a target quote
    for node in by_id.values():
        for i, paragraph in enumerate(node.paragraphs):
            for m in re.finditer(r"\d+%", paragraph):
                spans = [
                    (paragraph.find(t.quote), paragraph.find(t.quote) + len(t.quote))
                    for t in node.targets
                    if t.quote in paragraph
                ]
                assert any(a <= m.start() < b for a, b in spans), (node.id, i + 1, m.group())


def test_leads() -> None:
    by_id = nodes()
    assert by_id["I.2.1"].leads == ["I.1.1", "I.1.4", "I.1.5"]
    assert by_id["I.2.2"].leads == ["I.1.2", "I.1.3", "I.1.9"]
    assert by_id["I.2.3"].leads == ["I.1.7"]
    assert by_id["I.2.4"].leads == ["I.1.8"]
    assert by_id["I.2.5"].leads == ["I.1.6", "I.1.10"]
    led = [x for n in by_id.values() for x in n.leads]
    assert sorted(led) == sorted(f"I.1.{i}" for i in range(1, 11))
    for node in by_id.values():
        for target in node.leads:
            # the text says which points it leads: "tại (các) điểm 1.1, 1.4, …"
            assert by_id[target].label.rstrip(".") in node.text, (node.id, target)


def test_papi_dimensions() -> None:
    by_id = nodes()
    # III.2.1–III.2.8: one item per PAPI dimension, in CECODES' order, as the
    # bundled catalog (data/indices.yaml) lists them.
    catalog = schema.index_file(YAML(typ="safe").load(ROOT / "data" / "indices.yaml"))
    papi = next(spec for spec in catalog.indices if spec.id == "PAPI")
    expected = [dim.id for dim in papi.dimensions]
    assert len(expected) == 8
    for i, dimension in enumerate(expected, 1):
        node = by_id[f"III.2.{i}"]
        assert node.dimensions == [dimension], node.id
        assert "dimensions" not in node.assumed
    for node in by_id.values():
        if node.dimensions:
            assert node.id.startswith("III."), node.id
        if node.id.startswith("III.3.") and node.dimensions:
            assert "dimensions" in node.assumed, f"{node.id}: inferred dimensions not noted"
        assert len(set(node.dimensions)) == len(node.dimensions)


def test_addressees() -> None:
    by_id = nodes()
    for node in by_id.values():
        for a in [*node.addressees, *node.paragraph_addressees]:
            if a.agency is not None:
                assert a.agency in AGENCIES, (node.id, a.agency)
            if a.group is not None:
                assert a.group in GROUPS, (node.id, a.group)
        if node.kind is NodeKind.PART:
            assert not node.addressees, node.id
    # every item has someone who must act, its own or its section's
    for item_id in ITEMS:
        node = by_id[item_id]
        parent = by_id[node.parent] if node.parent else None
        assert node.addressees or (parent and parent.addressees), item_id
    for item_id in [f"I.2.{i}" for i in range(1, 6)] + [f"III.3.{i}" for i in range(1, 16)]:
        node = by_id[item_id]
        assert len(node.addressees) == 1 and node.addressees[0].agency, item_id
    i14 = {a.group for a in by_id["I.1.4"].addressees}
    assert "dvsncl-truc-thuoc-ubnd-tinh" in i14
    assert by_id["II.3"].addressees[0].agency == "ubmttq-tinh"
    assert by_id["II.3"].mode is Mode.REQUEST
    assert [n.id for n in by_id.values() if n.mode is Mode.REQUEST] == ["II.3"]
    pas = {
        (n.id, p.paragraph, p.agency or p.group)
        for n in by_id.values()
        for p in n.paragraph_addressees
    }
    assert {
        ("I.1.2", 2, "vp-ubnd-tinh"),
        ("I.1.8", 1, "so-thong-tin-truyen-thong"),
        ("I.1.7", 2, "co-quan-don-vi-dnnn-cua-tinh"),
    } <= pas


# --------------------------------------------------------------------------
# documents


def test_documents_are_cited_and_exist() -> None:
    directive = load()
    ids = [d.id for d in directive.documents]
    assert len(ids) == len(set(ids))
    known = set(ids)
    used: set[str] = set(directive.metadata.considered_reports)
    assert set(directive.metadata.considered_reports) == {"125/BC-SNV", "145/BC-SNV"}
    for node in directive.outline:
        assert len(node.cites) == len(set(node.cites)), node.id
        used.update(node.cites)
    for ref in directive.references:
        used.update(ref.documents)
    assert used <= known, used - known
    assert known <= used, f"never cited: {known - used}"


def printed(doc_id: str, text: str) -> bool:
    # "Luật Phòng chống tham nhũng" is printed once without the comma
    return doc_id in text or doc_id.replace(", ", " ") in text


def test_cites_match_the_wording() -> None:
    directive = load()
    ids = [d.id for d in directive.documents]
    for node in directive.outline:
        for doc_id in node.cites:
            assert printed(doc_id, node.text), (node.id, doc_id)
        missing = [d for d in ids if printed(d, node.text) and d not in node.cites]
        assert not missing, (node.id, missing)
    for ref in directive.references:
        assert sorted(ref.documents) == sorted(d for d in ids if d in ref.text), ref.number


def test_document_details_are_printed() -> None:
    flat = " ".join(line for line in source_lines() if line)
    for doc in load().documents:
        assert printed(doc.id, flat), doc.id
        if doc.number is not None:
            sep = "-" if doc.system == "party" else "/"
            assert f"{doc.number}{sep}{doc.symbol}" == doc.id, doc.id
        else:
            assert doc.symbol is None, doc.id
        for field in ("title", "issuer_as_printed"):
            value = getattr(doc, field)
            if value is not None:
                assert value in flat, (doc.id, field)
        if doc.date is not None:
            assert isinstance(doc.date, dt.date)
            d, m, y = doc.date.day, doc.date.month, doc.date.year
            pattern = rf"{re.escape(doc.id)} ngày 0?{d}/0?{m}/{y}\b"
            assert re.search(pattern, flat), doc.id
        if doc.issuer is not None:
            assert doc.issuer in AGENCIES, doc.id
            if doc.issuer_as_printed is None:
                assert "issuer" in doc.assumed, f"{doc.id}: inferred issuer not noted"
        if doc.system == "party":
            assert re.match(r"^\d+-[A-Z]+/(TU|TW)$", doc.id), doc.id


# --------------------------------------------------------------------------
# metadata


def test_metadata_lines_are_printed() -> None:
    meta = load().metadata
    lines = source_lines()
    assert meta.number_as_printed in lines
    assert meta.place_date_as_printed in lines
    assert meta.place_date_as_printed.startswith(meta.place + ",")
    assert str(meta.year) in meta.place_date_as_printed
    assert meta.date is None and meta.number is None
    assert meta.number_as_printed.endswith("/" + (meta.symbol or ""))
    start = lines.index(meta.subject_lines[0])
    assert list(lines[start : start + len(meta.subject_lines)]) == meta.subject_lines
    assert meta.closing in lines
    for paragraph in meta.preamble:
        assert paragraph in lines
    assert "issuer" in meta.assumed
    assert meta.signature.lines == [
        line for line in lines[lines.index(meta.signature.lines[0]) :][:3]
    ]
    if meta.signature.name is not None:
        assert meta.signature.name in lines or "name" in meta.signature.assumed


def dash_block(after: str) -> list[str]:
    """The "- " lines of the address list that follows the line starting with ``after``."""
    lines = list(source_lines())
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    block = []
    for line in lines[start + 1 :]:
        if line.startswith("- "):
            block.append(line[2:])
        elif block and line.strip():
            break
    return block


def test_address_lists() -> None:
    meta = load().metadata
    assert [a.text for a in meta.addressees] == dash_block("Kính gửi")
    assert [r.text for r in meta.recipients] == dash_block("Nơi nhận")
    for line in [*meta.addressees, *meta.recipients]:
        assert set(line.agencies) <= AGENCIES, line.text
        assert set(line.groups) <= GROUPS, line.text
    kinh_gui = {g for a in meta.addressees for g in a.groups}
    assert set(meta.recipients[0].groups) == kinh_gui  # "Như trên;"


@pytest.mark.parametrize("index", ["PAR INDEX", "SIPAS", "PAPI"])
def test_baseline(index: str) -> None:
    ranks = {r.index: r for r in load().metadata.baseline}
    expected = {"PAPI": (12, -1), "PAR INDEX": (26, -14), "SIPAS": (7, -1)}
    rank = ranks[index]
    assert (rank.rank, rank.change) == expected[index]
    assert (rank.year, rank.of, rank.compared_to) == (2023, 63, 2022)
    assert f"giảm {abs(rank.change):02d} bậc" in rank.wording
