"""Reading a directive's document: a plain text file, a Word file, a PDF.

Each reader gives the same neutral structure (:mod:`parledger.model.sourcetext`):
the body's paragraphs and tables in order, the footnotes by number, each
marker left in its paragraph as superscript digits.  What the text means is
not decided here (:mod:`parledger.track.importer` does that); a file that
cannot be read as text — a legacy Vietnamese encoding, a scanned PDF, a
damaged Word file — is refused here, in one line that says what to do.

Formats:

- ``.txt``: UTF-8 (a BOM is accepted).  Paragraphs are separated by blank
  lines; a line that starts with a footnote's marker ("¹ Chỉ thị số …") is
  that footnote's text, wherever the page put it.
- ``.docx``: the body's paragraphs and tables through python-docx; the
  footnotes from the package's footnotes part, which python-docx has no API
  for (read as XML).  Word numbers footnotes in the order they are first
  referred to, so the markers are numbered so too.  Automatic list
  numbering (a paragraph's ``w:numPr``) is not rendered: the outline's
  labels must be typed, as they are in documents of the provincial system.
- ``.pdf``: the text layer through pypdf, an optional extra
  (``pip install "parledger[pdf]"``); each line is a paragraph, and a page
  with no text at all means a scan, which is refused.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from parledger.model.errors import DataError
from parledger.model.sourcetext import SUPERSCRIPT_DIGITS, Block, Paragraph, SourceText, Table
from parledger.model.sourcetext import marker as footnote_marker
from parledger.model.text import unsafe_character
from parledger.store.journal import RefusedFile, read_plain
from parledger.store.yamlio import legacy_hint

FORMATS = (".txt", ".docx", ".pdf")
PDF_EXTRA = 'pip install "parledger[pdf]"'

_FOOTNOTE_LINE = re.compile(f"^([{SUPERSCRIPT_DIGITS}]+)\\s+(.*)$")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def read_document(path: Path) -> SourceText:
    """The document at ``path``, read by its extension; DataError, in one
    line naming the file, for whatever cannot be read as text."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DataError(
            f"{path}: parledger imports .docx, .txt and .pdf (with a text layer); "
            "save the document in one of these formats"
        )
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give the document's file")
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    if suffix == ".txt":
        return read_txt(path)
    if suffix == ".docx":
        return read_docx(path)
    return read_pdf(path)


def _bytes(path: Path) -> bytes:
    try:
        return read_plain(path)
    except RefusedFile as exc:
        raise DataError(f"{path}: {exc.message}") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the file: {exc.strerror}") from None


def _checked(path: Path, text: str, where: str = "") -> str:
    """NFC text; refused when it holds control characters or reads as a
    legacy encoding shown in Latin letters (a TCVN3 or VNI text pasted
    into a Unicode file without conversion)."""
    text = unicodedata.normalize("NFC", text)
    unsafe = unsafe_character(text, lines=True)
    if unsafe is not None:
        raise DataError(f"{path}{where}: the text holds {unsafe}; remove it and try again")
    try:
        as_bytes = text.encode("cp1252")
    except UnicodeEncodeError:
        return text  # holds Vietnamese letters no legacy font's bytes make
    hint = _legacy_name(as_bytes)
    if hint is not None:
        raise DataError(
            f"{path}: the text reads as {hint}, a legacy Vietnamese encoding shown in "
            "Latin letters: convert it to Unicode (e.g. with UniKey's converter) and try again"
        )
    return text


def _legacy_name(raw: bytes) -> str | None:
    # Lazy: the tables are loaded only for text that may be in a legacy encoding.
    from parledger.store import legacy

    return legacy.guess(raw, 0) if any(b > 0x7F for b in raw) else None


# -- plain text --------------------------------------------------------------


def read_txt(path: Path) -> SourceText:
    raw = _bytes(path)
    if b"\x00" in raw:
        raise DataError(f"{path}: the file holds binary data, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(f"{path}:{at}: {legacy_hint(raw, exc.start)}") from None
    text = _checked(path, text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[Block] = []
    footnotes: dict[int, str] = {}
    lines: list[str] = []
    start = 0

    def flush() -> None:
        if lines:
            blocks.append(Paragraph("\n".join(lines), f"line {start}"))
            lines.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        note = _FOOTNOTE_LINE.match(stripped)
        if not stripped or note:
            flush()
            if note:
                footnotes[_footnote_number(note.group(1))] = note.group(2).strip()
            continue
        if not lines:
            start = number
        lines.append(stripped)
    flush()
    return SourceText(path.name, blocks, footnotes, "txt")


def _footnote_number(mark: str) -> int:
    return int("".join(str(SUPERSCRIPT_DIGITS.index(c)) for c in mark))


# -- Word ----------------------------------------------------------------------


def read_docx(path: Path) -> SourceText:
    # Lazy: python-docx and lxml are imported by this reader alone.
    import zipfile

    import docx  # Lazy: as above.
    from docx.opc.exceptions import PackageNotFoundError  # Lazy: as above.

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise DataError(
            f"{path}: not a Word document (.docx) that can be opened; "
            "open it in Word and save it again as .docx"
        ) from None
    notes_xml = _footnotes_part(document)
    numbers: dict[str, int] = {}  # Word's footnote id → the number shown
    blocks: list[Block] = []
    count = 0
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            count += 1
            text = _paragraph_text(child, numbers).strip()
            if text:
                blocks.append(Paragraph(_checked(path, text), f"paragraph {count}"))
        elif child.tag == f"{_W}tbl":
            count += 1
            rows = [
                [
                    "\n".join(
                        t for p in cell.iter(f"{_W}p") if (t := _paragraph_text(p, numbers).strip())
                    )
                    for cell in row.iterchildren(f"{_W}tc")
                ]
                for row in child.iterchildren(f"{_W}tr")
            ]
            rows = [[_checked(path, cell) for cell in row] for row in rows if any(row)]
            if rows:
                blocks.append(Table(rows, f"table at paragraph {count}"))
    numbered = _auto_numbered(document)
    notes = (
        [
            f"{numbered} paragraph(s) use Word's automatic numbering, which is not read: "
            "their labels (I., 1.1., a)) are missing from the draft; type them in the "
            "document, or check those nodes"
        ]
        if numbered
        else []
    )
    footnotes = {}
    if notes_xml is not None:
        for note in notes_xml.iterchildren(f"{_W}footnote"):
            word_id = note.get(f"{_W}id")
            if note.get(f"{_W}type") in ("separator", "continuationSeparator"):
                continue
            if word_id in numbers:
                text = " ".join(
                    t for p in note.iter(f"{_W}p") if (t := _paragraph_text(p, {}).strip())
                )
                footnotes[numbers[word_id]] = _checked(path, text)
    return SourceText(path.name, blocks, footnotes, "docx", notes)


def _auto_numbered(document: Any) -> int:
    """How many paragraphs Word numbers itself: a list numbering on the
    paragraph, or on its style or a style it is based on."""
    count = 0
    for paragraph in document.paragraphs:
        style = paragraph.style
        elements = [paragraph._p]
        while style is not None:
            elements.append(style.element)
            style = style.base_style
        if any(next(element.iter(f"{_W}numPr"), None) is not None for element in elements):
            count += 1
    return count


def _footnotes_part(document: Any) -> Any:
    # Lazy: lxml comes with python-docx; only a Word file needs it.
    from lxml import etree  # type: ignore[import-untyped]

    for rel in document.part.rels.values():
        if rel.reltype == _FOOTNOTES_REL and not rel.is_external:
            return etree.fromstring(rel.target_part.blob)
    return None


def _paragraph_text(paragraph: Any, numbers: dict[str, int]) -> str:
    """A paragraph's text, each footnote reference as its marker; a
    footnote's own number (``w:footnoteRef``) is left out."""
    pieces: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}footnoteReference"):
        if node.tag == f"{_W}t":
            pieces.append(node.text or "")
        elif node.tag == f"{_W}tab":
            pieces.append("\t")
        elif node.tag == f"{_W}br":
            pieces.append("\n")
        else:
            word_id = node.get(f"{_W}id")
            number = numbers.setdefault(word_id, len(numbers) + 1)
            pieces.append(footnote_marker(number))
    return "".join(pieces)


# -- PDF -----------------------------------------------------------------------


def read_pdf(path: Path) -> SourceText:
    try:
        # Lazy: an optional extra, imported only to read a PDF.
        import pypdf
    except ImportError:
        raise DataError(
            f"{path}: reading a PDF needs the optional PDF support: {PDF_EXTRA} "
            "(or import the .docx or a .txt of the document)"
        ) from None
    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise DataError(f"{path}: not a PDF that can be read ({type(exc).__name__})") from None
    if not any(page.strip() for page in pages):
        raise DataError(
            f"{path}: the PDF has no text layer (a scanned document); run OCR on it "
            "first (e.g. ocrmypdf -l vie) or import the Word file"
        )
    blocks: list[Block] = []
    footnotes: dict[int, str] = {}
    for page_number, page in enumerate(pages, start=1):
        text = _checked(path, page, f" (page {page_number})")
        for line_number, line in enumerate(text.split("\n"), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            note = _FOOTNOTE_LINE.match(stripped)
            if note:
                footnotes[_footnote_number(note.group(1))] = note.group(2).strip()
            else:
                blocks.append(Paragraph(stripped, f"page {page_number}, line {line_number}"))
    return SourceText(path.name, blocks, footnotes, "pdf")
