"""Files in a legacy Vietnamese encoding are refused with a message naming it.

The encoders below are built from a public conversion table, not from
parledger.store.legacy, so a wrong byte in the module's tables shows up here:
Windows-1258 through Python's cp1258 codec, TCVN3 (ABC) and VNI through the
tables of github.com/duydev/vietnamese-conversion, ``src/charsets.ts``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parledger.store import legacy, yamlio
from tests.conftest import SOURCE, Invoke

# duydev/vietnamese-conversion src/charsets.ts: its UNICODE, VNI and TCVN3
# arrays, in the same order; each legacy byte is written as the Latin-1
# character of that number (the TCVN3 "ư" is 0xAD, a soft hyphen, hence the
# escape).


def _words(text: str) -> list[str]:
    return text.split()


UNICODE = _words(
    "À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý à á â ã è é ê ì í ò ó ô õ ù ú ý Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư "
    "Ạ ạ Ả ả Ấ ấ Ầ ầ Ẩ ẩ Ẫ ẫ Ậ ậ Ắ ắ Ằ ằ Ẳ ẳ Ẵ ẵ Ặ ặ Ẹ ẹ Ẻ ẻ Ẽ ẽ Ế ế Ề ề Ể ể Ễ ễ Ệ ệ Ỉ ỉ "
    "Ị ị Ọ ọ Ỏ ỏ Ố ố Ồ ồ Ổ ổ Ỗ ỗ Ộ ộ Ớ ớ Ờ ờ Ở ở Ỡ ỡ Ợ ợ Ụ ụ Ủ ủ Ứ ứ Ừ ừ Ử ử Ữ ữ Ự ự Ỳ ỳ "
    "Ỵ ỵ Ỷ ỷ Ỹ ỹ"
)
VNI = _words(
    "AØ AÙ AÂ AÕ EØ EÙ EÂ Ì Í OØ OÙ OÂ OÕ UØ UÙ YÙ aø aù aâ aõ eø eù eâ ì í oø où oâ oõ uø "
    "uù yù AÊ aê Ñ ñ Ó ó UÕ uõ Ô ô Ö ö AÏ aï AÛ aû AÁ aá AÀ aà AÅ aå AÃ aã AÄ aä AÉ aé AÈ "
    "aè AÚ aú AÜ aü AË aë EÏ eï EÛ eû EÕ eõ EÁ eá EÀ eà EÅ eå EÃ eã EÄ eä Æ æ Ò ò OÏ oï "
    "OÛ oû OÁ oá OÀ oà OÅ oå OÃ oã OÄ oä ÔÙ ôù ÔØ ôø ÔÛ ôû ÔÕ ôõ ÔÏ ôï UÏ uï UÛ uû ÖÙ öù "
    "ÖØ öø ÖÛ öû ÖÕ öõ ÖÏ öï YØ yø Î î YÛ yû YÕ yõ"
)
TCVN3 = _words(
    "Aµ A¸ ¢ A· EÌ EÐ £ I× IÝ Oß Oã ¤ Oâ Uï Uó Yý µ ¸ © · Ì Ð ª × Ý ß ã « â ï ó ý ¡ ¨ § ® "
    "IÜ Ü Uò ò ¥ ¬ ¦ \xad A¹ ¹ A¶ ¶ ¢Ê Ê ¢Ç Ç ¢È È ¢É É ¢Ë Ë ¡¾ ¾ ¡» » ¡¼ ¼ ¡½ ½ ¡Æ Æ EÑ "
    "Ñ EÎ Î EÏ Ï £Õ Õ £Ò Ò £Ó Ó £Ô Ô £Ö Ö IØ Ø IÞ Þ Oä ä Oá á ¤è è ¤å å ¤æ æ ¤ç ç ¤é é "
    "¥í í ¥ê ê ¥ë ë ¥ì ì ¥î î Uô ô Uñ ñ ¦ø ø ¦õ õ ¦ö ö ¦÷ ÷ ¦ù ù Yú ú Yþ þ Yû û Yü ü"
)
assert len(UNICODE) == len(VNI) == len(TCVN3) == 134

TONES = "\u0300\u0301\u0303\u0309\u0323"


def _other(char: str) -> bytes:
    # Punctuation outside the Vietnamese letters (… – “ ”) as Word writes it.
    return char.encode("cp1252", errors="replace")


def to_vni(text: str) -> bytes:
    table = {u: v.encode("latin-1") for u, v in zip(UNICODE, VNI, strict=True)}
    return b"".join(
        char.encode() if char.isascii() else table.get(char) or _other(char)
        for char in unicodedata.normalize("NFC", text)
    )


def to_tcvn3(text: str) -> bytes:
    # ABC has single bytes for lower-case letters and for Ă Â Ê Ô Ơ Ư Đ only;
    # a capital with a tone is the lower-case byte in a capitals font
    # (.VnTimeH).  duydev spells those capitals as two characters ("Aµ");
    # only its one-byte entries are used here.
    table = {u: t.encode("latin-1") for u, t in zip(UNICODE, TCVN3, strict=True) if len(t) == 1}
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii():
            out.append(char.encode())
        else:
            out.append(table.get(char) or table.get(char.lower()) or _other(char))
    return b"".join(out)


def to_windows_1258(text: str) -> bytes:
    # cp1258 has â ê ô ă ơ ư đ and a few toned vowels as single bytes; any
    # other toned vowel is its base letter followed by a combining tone mark
    # (NFC "ệ" is "ê" + U+0323).
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            spelled = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in spelled if c not in TONES))
            tones = "".join(c for c in spelled if c in TONES)
            out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


ENCODINGS: list[tuple[str, Callable[[str], bytes]]] = [
    ("Windows-1258", to_windows_1258),
    ("TCVN3 (ABC)", to_tcvn3),
    ("VNI", to_vni),
]
NAMES = [name for name, _ in ENCODINGS]
by_encoding = pytest.mark.parametrize(("name", "encode"), ENCODINGS, ids=NAMES)

PARAGRAPHS = "\n\n".join(
    [p for p in SOURCE.read_text(encoding="utf-8").split("\n\n") if len(p) > 200][:3]
)
FRENCH = (
    "# Remarque : la préfecture a été informée du décret; les élèves étaient très "
    "contents à l'école où ils ont été reçus. Déjà, les procédures seront simplifiées "
    "dès l'été prochain, voilà où nous en sommes.\n"
)
PROBLEM_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[a-z-]+): (?P<msg>.+)$"
)


def named(name: str) -> str:
    return (
        f"the file is not UTF-8; it looks like {name}, a legacy Vietnamese encoding: "
        "convert it to UTF-8 (e.g. with UniKey's converter) and try again"
    )


def first_high_byte(raw: bytes) -> tuple[int, int]:
    """1-based line and column of the first byte above ASCII."""
    at = next(i for i, byte in enumerate(raw) if byte >= 0x80)
    return raw.count(b"\n", 0, at) + 1, at - (raw.rfind(b"\n", 0, at) + 1) + 1


def _validate_one_problem(cli: Invoke, workspace_dir: Path, raw: bytes) -> dict[str, str]:
    path = workspace_dir / "agencies.yaml"
    path.write_bytes(raw)
    result = cli("--data-dir", str(workspace_dir), "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert path.read_bytes() == raw  # refused, never rewritten
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = PROBLEM_LINE.match(lines[0])
    assert match, lines[0]
    assert match["path"] == str(path)
    assert match["code"] == "encoding"
    return match.groupdict()


@pytest.mark.parametrize(("name", "letters"), [("VNI", VNI), ("TCVN3 (ABC)", TCVN3)])
def test_every_letter_of_the_public_table_decodes(name: str, letters: list[str]) -> None:
    checked = 0
    for letter, spelled in zip(UNICODE, letters, strict=True):
        if name.startswith("TCVN3") and len(spelled) > 1:
            continue  # capitals with a tone: no byte of their own in ABC
        assert legacy.decode(spelled.encode("latin-1"), name) == letter, (letter, spelled)
        checked += 1
    assert checked >= 74


def test_every_letter_written_in_windows_1258_decodes() -> None:
    for letter in UNICODE:
        assert legacy.decode(to_windows_1258(letter), "Windows-1258") == letter


@by_encoding
@pytest.mark.parametrize(
    "text", [PARAGRAPHS, "Sở Nội vụ tỉnh Hưng Yên"], ids=["paragraphs", "one-line"]
)
def test_guess_names_the_encoding(name: str, encode: Callable[[str], bytes], text: str) -> None:
    assert legacy.guess(encode(text)) == name


@by_encoding
def test_a_legacy_paste_into_a_utf8_file_is_named(
    name: str, encode: Callable[[str], bytes]
) -> None:
    # Before the paste, more UTF-8 than the sample takes: the guess must look
    # past it.  After it, more UTF-8 than legacy text: no evidence either way.
    before = SOURCE.read_bytes() * 3
    raw = before + b"\n" + encode(PARAGRAPHS) + b"\n" + SOURCE.read_bytes()
    assert legacy.guess(raw) == name
    assert legacy.guess(raw, first_bad=len(before) + 1) == name


@by_encoding
def test_validate_names_the_encoding(
    cli: Invoke, workspace_dir: Path, name: str, encode: Callable[[str], bytes]
) -> None:
    raw = encode((workspace_dir / "agencies.yaml").read_text(encoding="utf-8"))
    line, col = first_high_byte(raw)
    problem = _validate_one_problem(cli, workspace_dir, raw)
    assert (problem["line"], problem["col"]) == (str(line), str(col))
    assert problem["msg"] == named(name)
    others = [other for other in NAMES if other != name]
    assert not any(other in problem["msg"] for other in others)


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(128, 256)),
        FRENCH.encode("latin-1"),
        random.Random(1258).randbytes(4096),
        "Die Behörde hat über größere Maßnahmen berichtet.".encode("latin-1"),
        "Министерство внутренних дел провело проверку.".encode("cp1251"),
        "Sở Nội vụ".encode(),  # valid UTF-8 is no legacy encoding
    ],
    ids=["range", "french-latin-1", "random", "german-latin-1", "russian-cp1251", "utf-8"],
)
def test_non_vietnamese_bytes_are_not_guessed(raw: bytes) -> None:
    assert legacy.guess(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        # "à" and "là" read as Vietnamese in Windows-1258, but most words do not.
        "Voilà, il est là: à Paris, à Lyon et à Nice, où la réunion a été tenue; déjà vu.".encode(
            "latin-1"
        ),
        # "cá má lá bá" in Windows-1258 is "cỏ mỏ lỏ bỏ" in TCVN3: both read well.
        b"c\xe1 m\xe1 l\xe1 b\xe1\n",
        # Two words are too few to tell.
        to_windows_1258("Sở Nội"),
    ],
    ids=["a-few-vietnamese-looking-words", "two-tables-tie", "too-short"],
)
def test_unclear_evidence_is_not_guessed(raw: bytes) -> None:
    assert legacy.guess(raw) is None


@pytest.mark.parametrize(
    "comment",
    [FRENCH.encode("latin-1"), b"# " + bytes(range(128, 256)) + b"\n"],
    ids=["french-latin-1", "range"],
)
def test_validate_keeps_the_generic_message(
    cli: Invoke, workspace_dir: Path, comment: bytes
) -> None:
    # The rest of the registry stays UTF-8: only the comment is evidence.
    raw = comment + (workspace_dir / "agencies.yaml").read_bytes()
    problem = _validate_one_problem(cli, workspace_dir, raw)
    assert (problem["line"], problem["col"]) == tuple(map(str, first_high_byte(raw)))
    assert problem["msg"] == yamlio.LEGACY_HINT
    assert all(name.split()[0] in problem["msg"] for name in NAMES)
    assert "looks like" not in problem["msg"]


FRAGMENTS = [encode(word) for _, encode in ENCODINGS for word in ("Việt", "người", "Đ", "ư")]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.lists(st.one_of(st.binary(max_size=6), st.sampled_from(FRAGMENTS))).map(b"".join),
    )
)
def test_guess_never_raises(raw: bytes) -> None:
    assert legacy.guess(raw) in {None, *NAMES}
