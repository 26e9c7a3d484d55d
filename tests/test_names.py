"""Tests of name folding and agency resolution (parledger.model.names)."""

from __future__ import annotations

import contextlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from parledger.cli.common import exit_code
from parledger.model.errors import UsageError
from parledger.model.models import Agency, AgencyKind, Group, Registry
from parledger.model.names import AmbiguousName, Match, Resolver, UnknownName, closest, match_key
from parledger.store import schema
from parledger.store.workspace import bundled_root

REGISTRY_PATH = bundled_root() / "agencies.yaml"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    data = YAML(typ="safe").load(REGISTRY_PATH.read_text(encoding="utf-8"))
    return Resolver(schema.registry(data))


# ---------------------------------------------------------------------------
# A strategy for Vietnamese text: every base letter with every tone, in both
# cases, plus đ/Đ, digits, spaces and the punctuation names are written with.

_BASES = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
_VOWELS = [unicodedata.normalize("NFC", base + tone) for base in _BASES for tone in _TONES]
_LETTERS = sorted(
    {ch for v in _VOWELS for ch in (v, v.upper())}
    | set("bcdghklmnpqrstvx" + "BCDGHKLMNPQRSTVX")
    | {"đ", "Đ"}
)
vietnamese = st.text(
    alphabet=st.sampled_from([*_LETTERS, *"0123456789", " ", "&", "-", ",", ".", "–"]),
    max_size=40,
)


# ---------------------------------------------------------------------------
# fold


@pytest.mark.parametrize(
    "text",
    [
        "Sở Nội vụ",
        "so noi vu",
        "SỞ NỘI VỤ",
        unicodedata.normalize("NFD", "Sở Nội vụ"),
        "Sở  Nội-vụ",
        "  sở nội vụ.  ",
    ],
)
def test_match_key_spellings_of_so_noi_vu_are_equal(text: str) -> None:
    assert match_key(text) == "sonoivu"


def test_match_key_drops_punctuation_in_short_forms() -> None:
    assert match_key("Sở TT&TT") == match_key("so tt & tt") == "sotttt"


def test_match_key_maps_d_with_stroke() -> None:
    assert match_key("Đ") == match_key("đ") == "d"
    assert match_key("Sở Giáo dục và Đào tạo") == "sogiaoducvadaotao"
    # U+00D0, typed for "Đ" by old fonts and OCR.
    assert match_key("\u00d0ài") == "dai"


def test_match_key_of_empty_and_punctuation_only() -> None:
    assert match_key("") == ""
    assert match_key(" -&,. ") == ""


def test_match_key_keeps_digits() -> None:
    assert match_key("Kế hoạch 184/KH-UBND") == "kehoach184khubnd"


@given(st.text())
def test_match_key_never_raises_and_is_idempotent(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key


@given(vietnamese)
def test_match_key_ignores_unicode_form(text: str) -> None:
    assert match_key(unicodedata.normalize("NFC", text)) == match_key(
        unicodedata.normalize("NFD", text)
    )


@given(vietnamese)
def test_match_key_ignores_case(text: str) -> None:
    assert match_key(text.upper()) == match_key(text.lower())


@given(vietnamese)
def test_match_key_is_idempotent_on_vietnamese(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key
    assert key == "" or key.isascii()


# ---------------------------------------------------------------------------
# Resolution against the real registry


@pytest.mark.parametrize(
    "query",
    [
        "Sở Nội vụ",
        "so noi vu",
        "SỞ NỘI VỤ",
        unicodedata.normalize("NFD", "Sở Nội vụ"),
        "SNV",
        "so-noi-vu",
        "agency:Sở Nội vụ",
        "AGENCY: snv",
    ],
)
def test_resolve_so_noi_vu(resolver: Resolver, query: str) -> None:
    assert resolver.resolve(query) == Match("agency", "so-noi-vu")


@pytest.mark.parametrize(
    ("query", "agency_id"),
    [
        ("Sở TT&TT", "so-thong-tin-truyen-thong"),
        ("STTTT", "so-thong-tin-truyen-thong"),
        ("VP UBND tỉnh", "vp-ubnd-tinh"),
        ("Văn phòng UBND tỉnh", "vp-ubnd-tinh"),
        ("Văn Lâm", "ubnd-huyen-van-lam"),
        ("huyen van lam", "ubnd-huyen-van-lam"),
        ("TP Hưng Yên", "ubnd-tp-hung-yen"),
        ("Sở Lao động, Thương binh và Xã hội", "so-lao-dong-tbxh"),
        ("Sở Lao động – Thương binh và Xã hội", "so-lao-dong-tbxh"),
        ("Đài PT-TH Hưng Yên", "dai-pt-th-hung-yen"),
        ("Trung tâm PVHCC&KSTTHC", "trung-tam-pvhcc-ksttthc"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "ubmttq-tinh"),
        ("Uỷ ban nhân dân tỉnh", "ubnd-tinh"),
        ("UBND tỉnh", "ubnd-tinh"),
        # A unique substring is enough.
        ("lao dong thuong binh", "so-lao-dong-tbxh"),
        ("Khoái Châu", "ubnd-huyen-khoai-chau"),
    ],
)
def test_resolve_agencies(resolver: Resolver, query: str, agency_id: str) -> None:
    assert resolver.resolve(query) == Match("agency", agency_id)
    assert resolver.resolve_agency(query) == agency_id


@pytest.mark.parametrize(
    ("query", "group_id"),
    [
        ("group:ubnd-cap-huyen", "ubnd-cap-huyen"),
        ("group: UBND huyện, thị xã, thành phố", "ubnd-cap-huyen"),
        ("UBND cấp huyện", "ubnd-cap-huyen"),
        ("Ủy ban nhân dân cấp huyện", "ubnd-cap-huyen"),
        ("Các sở, ban, ngành tỉnh", "so-ban-nganh-tinh"),
        ("UBND cấp xã", "ubnd-cap-xa"),
    ],
)
def test_resolve_groups(resolver: Resolver, query: str, group_id: str) -> None:
    assert resolver.resolve(query) == Match("group", group_id)


def test_group_prefix_excludes_agencies(resolver: Resolver) -> None:
    with pytest.raises(UnknownName) as info:
        resolver.resolve("group:Sở Nội vụ")
    assert str(info.value).startswith("unknown group 'group:Sở Nội vụ'")


def test_agency_prefix_excludes_groups(resolver: Resolver) -> None:
    with pytest.raises(UnknownName):
        resolver.resolve("agency:UBND cấp huyện")


def test_resolve_agency_refuses_a_group(resolver: Resolver) -> None:
    with pytest.raises(UsageError, match="is a group"):
        resolver.resolve_agency("UBND cấp huyện")


def test_ambiguous_lists_candidates(resolver: Resolver) -> None:
    with pytest.raises(AmbiguousName) as info:
        resolver.resolve("noi vu")
    error = info.value
    assert error.query == "noi vu"
    assert error.candidates == [("so-noi-vu", "Sở Nội vụ"), ("bo-noi-vu", "Bộ Nội vụ")]
    assert str(error) == (
        "ambiguous agency 'noi vu': Sở Nội vụ (so-noi-vu), Bộ Nội vụ (bo-noi-vu); "
        "give the id or the full name."
    )
    assert exit_code(error) == 2  # a usage error: the CLI exits 2


def test_ambiguous_message_is_capped_but_candidates_are_not(resolver: Resolver) -> None:
    with pytest.raises(AmbiguousName) as info:
        resolver.resolve("ubnd huyen")
    assert len(info.value.candidates) > 8
    assert "more; give the id" in str(info.value)


def test_unknown_suggests(resolver: Resolver) -> None:
    with pytest.raises(UnknownName) as info:
        resolver.resolve("So Noi Vuu")
    error = info.value
    assert error.candidates[0] == ("so-noi-vu", "Sở Nội vụ")
    assert len(error.candidates) <= 3
    message = str(error)
    assert message.startswith("unknown agency 'So Noi Vuu'; did you mean: Sở Nội vụ (so-noi-vu)")
    assert message.endswith("? Run 'parledger agencies' for the list.")
    assert "\n" not in message


def test_unknown_suggests_a_name_the_query_contains(resolver: Resolver) -> None:
    with pytest.raises(UnknownName) as info:
        resolver.resolve("Sở Nội vụ thành phố Hà Nội")
    assert info.value.candidates[0] == ("so-noi-vu", "Sở Nội vụ")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # the province's name as a suffix
        ("Sở Nội vụ tỉnh Hưng Yên", "so-noi-vu"),
        ("Công an tỉnh Hưng Yên", "cong-an-tinh"),
        ("so noi vu hung yen", "so-noi-vu"),
        ("Sở NV tỉnh Hưng Yên", "so-noi-vu"),  # and spelt by initials
        # "Sở" and a short form; words by their initials
        ("Sở TP", "so-tu-phap"),
        ("sở tc", "so-tai-chinh"),
        ("CA tỉnh", "cong-an-tinh"),
        ("Sở KH và ĐT", "so-ke-hoach-dau-tu"),
        # "UBND" and a district's name, the unit's word left out or abbreviated
        ("UBND Văn Lâm", "ubnd-huyen-van-lam"),
        ("UBND H. Văn Lâm", "ubnd-huyen-van-lam"),
        ("UBND TX. Mỹ Hào", "ubnd-tx-my-hao"),
        # decomposed input, as some keyboards send it
        (unicodedata.normalize("NFD", "Sở TP"), "so-tu-phap"),
        (unicodedata.normalize("NFD", "UBND Văn Lâm"), "ubnd-huyen-van-lam"),
        # the first words of one name
        ("VP", "vp-ubnd-tinh"),
        ("Văn phòng UBND", "vp-ubnd-tinh"),
    ],
)
def test_names_as_analysts_write_them(resolver: Resolver, typed: str, meant: str) -> None:
    assert resolver.resolve(typed) == Match("agency", meant)


@pytest.mark.parametrize(
    "typed",
    [
        "HY",  # the province, not "thành phố Hưng Yên" with its unit left out
        "TP",  # begins an alias (TP Hưng Yên) only: an alias is not begun
        "Hưng Yên",  # the suffix alone names nothing
    ],
)
def test_patterns_guess_no_agency_from_too_little(resolver: Resolver, typed: str) -> None:
    with pytest.raises(UsageError):
        resolver.resolve(typed)


def test_a_pattern_that_fits_several_agencies_lists_them(resolver: Resolver) -> None:
    with pytest.raises(AmbiguousName) as info:
        resolver.resolve("Sở")
    assert {"so-noi-vu", "so-tu-phap"} <= {id_ for id_, _ in info.value.candidates}


def test_unknown_without_suggestions(resolver: Resolver) -> None:
    with pytest.raises(UnknownName) as info:
        resolver.resolve("&&&")
    assert info.value.candidates == []
    assert str(info.value) == "unknown agency '&&&'. Run 'parledger agencies' for the list."


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "group:", "agency:  "])
def test_empty_query(resolver: Resolver, query: str) -> None:
    with pytest.raises(UsageError, match=r"^empty (agency|group) name"):
        resolver.resolve(query)


def test_messages_stay_on_one_line(resolver: Resolver) -> None:
    with pytest.raises(UnknownName) as info:
        resolver.resolve("xyz\nqqq " * 20)
    assert "\n" not in str(info.value)
    assert "…" in str(info.value)


def test_suggest_returns_official_names(resolver: Resolver) -> None:
    assert resolver.suggest("so noi vuu")[0] == "Sở Nội vụ"
    assert resolver.suggest("so noi vuu", n=1) == ["Sở Nội vụ"]
    assert resolver.suggest("") == []


def test_name_of_a_match(resolver: Resolver) -> None:
    assert resolver.name(Match("group", "ubnd-cap-xa")) == "UBND cấp xã"


def test_closest_on_plain_names() -> None:
    names = ["Sở Tài chính", "Sở Tư pháp", "Sở Y tế"]
    assert closest("so tai chin", names) == ["Sở Tài chính"]
    assert closest("", names) == []


def test_exact_key_shared_by_two_entries_is_ambiguous() -> None:
    registry = Registry(
        agencies=[
            Agency(id="a", name="Sở A", aliases=["Chung"], kind=AgencyKind.DEPARTMENT),
            Agency(id="b", name="Sở B", aliases=["chung"], kind=AgencyKind.DEPARTMENT),
        ],
        groups=[Group(id="g", name="Nhóm G")],
    )
    with pytest.raises(AmbiguousName) as info:
        Resolver(registry).resolve("CHUNG")
    assert info.value.candidates == [("a", "Sở A"), ("b", "Sở B")]


@given(st.text())
def test_resolve_raises_only_usage_errors(text: str) -> None:
    registry = _small_registry()
    for query in (text, "group:" + text, "agency:" + text):
        try:
            match = Resolver(registry).resolve(query)
        except UsageError:
            continue
        assert match.kind in ("agency", "group")


@given(st.text(max_size=30))
def test_resolve_real_registry_raises_only_usage_errors(text: str) -> None:
    # Built per example from a cached registry: building must stay cheap.
    with contextlib.suppress(UsageError):
        Resolver(_real_registry()).resolve(text)


# ---------------------------------------------------------------------------

_CACHE: dict[str, Registry] = {}


def _real_registry() -> Registry:
    if "real" not in _CACHE:
        data = YAML(typ="safe").load(REGISTRY_PATH.read_text(encoding="utf-8"))
        _CACHE["real"] = schema.registry(data)
    return _CACHE["real"]


def _small_registry() -> Registry:
    return Registry(
        agencies=[
            Agency(id="so-noi-vu", name="Sở Nội vụ", short=["SNV"], kind=AgencyKind.DEPARTMENT),
            Agency(id="bo-noi-vu", name="Bộ Nội vụ", kind=AgencyKind.CENTRAL),
        ],
        groups=[Group(id="ubnd-cap-xa", name="UBND cấp xã")],
    )
