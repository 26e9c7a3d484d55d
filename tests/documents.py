"""Documents built for the import tests: a Word file with real footnotes and
a PDF with a text layer, from the paragraphs of a plain text."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
TERMINAL = (".", ":", ";", "!", "?")
LABEL = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.)\s+")


def text_blocks(path: Path) -> tuple[list[list[str]], dict[int, str]]:
    """The text's blank-line blocks (each its lines) and its footnotes, a
    paragraph split by a footnote block (a page break) made whole again."""
    blocks: list[list[str]] = []
    notes: dict[int, str] = {}
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line and line[0] in SUPERSCRIPTS:
            mark = re.match(f"[{SUPERSCRIPTS}]+", line).group()  # type: ignore[union-attr]
            notes[int("".join(str(SUPERSCRIPTS.index(c)) for c in mark))] = line[
                len(mark) :
            ].strip()
            continue
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    whole: list[list[str]] = []
    for block in blocks:
        if (
            whole
            and len(whole[-1]) == 1
            and len(block) == 1
            and not re.sub(f"[{SUPERSCRIPTS}]", "", whole[-1][0]).endswith(TERMINAL)
            and block[0][:1].islower()
        ):
            whole[-1] = [whole[-1][0] + " " + block[0]]
        else:
            whole.append(block)
    return whole, notes


def _add_text(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    """Runs of text, each footnote marker a footnote reference."""
    for piece in re.split(f"([{SUPERSCRIPTS}]+)", text):
        if not piece:
            continue
        if piece[0] in SUPERSCRIPTS:
            number = int("".join(str(SUPERSCRIPTS.index(c)) for c in piece))
            paragraph._p.append(
                parse_xml(
                    f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{number + 1}"/></w:r>'
                )
            )
        else:
            paragraph.add_run(piece)


def _footnotes_xml(notes: dict[int, str]) -> bytes:
    def escaped(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    items = [
        '<w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="1"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>",
    ]
    for number, text in sorted(notes.items()):
        items.append(
            f'<w:footnote w:id="{number + 1}"><w:p><w:r><w:rPr><w:vertAlign '
            'w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {escaped(text)}</w:t></w:r></w:p></w:footnote>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
        + "".join(items)
        + "</w:footnotes>"
    ).encode()


def _table(document, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            lines = text.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)


def word_file(
    path: Path,
    blocks: list[list[str]],
    notes: dict[int, str],
    *,
    header_table: int = 0,
    tail_table: bool = False,
    tables: list[list[list[str]]] | None = None,
    numbered: bool = False,
) -> Path:
    """A .docx of ``blocks``: a heading style for parts, a paragraph per
    block (a block's lines as line breaks), the footnotes as Word
    footnotes.  ``header_table``: the first blocks laid out in a two-column
    table as offices do (number and subject left, the motto and the place
    and date right); ``tail_table``: "Nơi nhận" and the signature likewise."""
    document = Document()
    rest = blocks
    if header_table:
        head, rest = blocks[:header_table], blocks[header_table:]
        left = [line for block in head for line in block if not re.match(r"^.+, ngày", line)]
        right = [line for block in head for line in block if re.match(r"^.+, ngày", line)]
        _table(
            document,
            [["\n".join(left), "\n".join(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                           "Độc lập - Tự do - Hạnh phúc", *right])]],
        )  # fmt: skip
    tail: list[list[str]] = []
    if tail_table:
        at = next(i for i, block in enumerate(rest) if block[0].startswith("Nơi nhận"))
        rest, tail = rest[:at], rest[at:]
    for block in rest:
        text = "\n".join(block)
        style = "Heading 2" if re.match(r"^[IVX]+\. ", text) else None
        paragraph = document.add_paragraph(style="List Number" if numbered else style)
        for index, line in enumerate(block):
            if index:
                paragraph.add_run().add_break()
            _add_text(paragraph, line)
    if tail:
        recipients = [line for line in tail[0]] + [line for line in tail[1]]
        signature = [line for block in tail[2:] for line in block]
        _table(document, [["\n".join(recipients), "\n".join(signature)]])
    for rows in tables or []:
        _table(document, rows)
    if notes:
        part = Part(
            PackURI("/word/footnotes.xml"),
            FOOTNOTES_TYPE,
            _footnotes_xml(notes),
            document.part.package,
        )
        document.part.relate_to(part, RT.FOOTNOTES)
    document.save(str(path))
    assert qn("w:p")  # the namespace helper is the one python-docx uses
    return path


# -- a PDF with a text layer, written by hand -------------------------------------


def pdf_file(path: Path, pages: list[list[str]]) -> Path:
    """A PDF whose pages hold ``pages``' lines as text (a Type 0 font with
    Identity-H and a ToUnicode map: any character, no font file needed to
    read the text layer)."""
    chars = sorted({ord(c) for page in pages for line in page for c in line})
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
    )
    for start in range(0, len(chars), 100):
        chunk = chars[start : start + 100]
        cmap += f"{len(chunk)} beginbfchar\n"
        cmap += "".join(f"<{c:04X}> <{c:04X}>\n" for c in chunk)
        cmap += "endbfchar\n"
    cmap += "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        packed = zlib.compress(data)
        return (
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
            + packed
            + b"\nendstream"
        )

    to_unicode = add(stream(cmap.encode()))
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Times /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /Times /Flags 32 "
        b"/FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 800 /Descent -200 "
        b"/CapHeight 700 /StemV 80 >> >>"
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Times /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (descendant, to_unicode)
    )
    pages_id = len(objects) + 1 + 2 * len(pages)
    kids = []
    for lines in pages:
        content = b"BT /F1 10 Tf 12 TL 40 800 Td\n"
        for line in lines:
            content += b"<" + line.encode("utf-16-be").hex().upper().encode() + b"> Tj T*\n"
        content += b"ET"
        contents = add(stream(content))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, contents, font)
            )
        )
    add(
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    path.write_bytes(out)
    return path


def text_pages(path: Path) -> list[list[str]]:
    """The plain text's lines as PDF pages: a page ends after each run of
    footnote lines, as in the printed document."""
    pages: list[list[str]] = [[]]
    in_notes = False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        is_note = line[0] in SUPERSCRIPTS
        if in_notes and not is_note:
            pages.append([])
        in_notes = is_note
        pages[-1].append(line.strip())
    return pages
