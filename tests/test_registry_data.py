"""Checks of the bundled agency registry (data/agencies.yaml)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata
from collections import defaultdict
from typing import Any

import pytest
from ruamel.yaml import YAML

from parledger.model.models import Agency, AgencyKind, Group, Registry
from parledger.model.names import match_key
from parledger.store import schema
from parledger.store.workspace import bundled_root

REGISTRY_PATH = bundled_root() / "agencies.yaml"

# The ten district-level units of 2024 (DOMAIN.md, "Who the agencies are").
DISTRICTS = {
    "ubnd-tp-hung-yen": "thành phố Hưng Yên",
    "ubnd-tx-my-hao": "thị xã Mỹ Hào",
    "ubnd-huyen-van-lam": "huyện Văn Lâm",
    "ubnd-huyen-van-giang": "huyện Văn Giang",
    "ubnd-huyen-yen-my": "huyện Yên Mỹ",
    "ubnd-huyen-an-thi": "huyện Ân Thi",
    "ubnd-huyen-khoai-chau": "huyện Khoái Châu",
    "ubnd-huyen-kim-dong": "huyện Kim Động",
    "ubnd-huyen-tien-lu": "huyện Tiên Lữ",
    "ubnd-huyen-phu-cu": "huyện Phù Cừ",
}

# The departments as DOMAIN.md writes them, each with the id the directive
# data uses.
DEPARTMENTS = {
    "Văn phòng UBND tỉnh": "vp-ubnd-tinh",
    "Sở Nội vụ": "so-noi-vu",
    "Sở Tư pháp": "so-tu-phap",
    "Sở Kế hoạch và Đầu tư": "so-ke-hoach-dau-tu",
    "Sở Tài chính": "so-tai-chinh",
    "Sở Công Thương": "so-cong-thuong",
    "Sở Nông nghiệp và Phát triển nông thôn": "so-nong-nghiep-ptnt",
    "Sở Giao thông vận tải": "so-giao-thong-van-tai",
    "Sở Xây dựng": "so-xay-dung",
    "Sở Tài nguyên và Môi trường": "so-tai-nguyen-moi-truong",
    "Sở Thông tin và Truyền thông": "so-thong-tin-truyen-thong",
    "Sở Lao động – Thương binh và Xã hội": "so-lao-dong-tbxh",
    "Sở Văn hóa, Thể thao và Du lịch": "so-van-hoa-tt-dl",
    "Sở Khoa học và Công nghệ": "so-khoa-hoc-cong-nghe",
    "Sở Giáo dục và Đào tạo": "so-giao-duc-dao-tao",
    "Sở Y tế": "so-y-te",
    "Thanh tra tỉnh": "thanh-tra-tinh",
    "Ban Quản lý các khu công nghiệp tỉnh": "bql-cac-kcn",
}

# Short forms DOMAIN.md lists, with the entry each belongs to.
SHORT_FORMS = {
    "SNV": "so-noi-vu",
    "STC": "so-tai-chinh",
    "STP": "so-tu-phap",
    "SKHĐT": "so-ke-hoach-dau-tu",
    "STTTT": "so-thong-tin-truyen-thong",
    "Sở TT&TT": "so-thong-tin-truyen-thong",
    "SLĐTBXH": "so-lao-dong-tbxh",
    "STNMT": "so-tai-nguyen-moi-truong",
    "SNN&PTNT": "so-nong-nghiep-ptnt",
    "SGTVT": "so-giao-thong-van-tai",
    "SYT": "so-y-te",
    "SGDĐT": "so-giao-duc-dao-tao",
    "VP UBND tỉnh": "vp-ubnd-tinh",
}

# Groups the directive addresses without saying who is in them. They need a
# note on that instead of members.
MEMBERS_NOT_LISTED = {
    "co-quan-thong-tin-truyen-thong",
    "dvsncl-truc-thuoc-ubnd-tinh",
    "co-quan-don-vi-dnnn-cua-tinh",
    "thanh-vien-bcd-cchc",
}

GROUP_IDS = {
    "so-ban-nganh-tinh",
    "ubnd-cap-huyen",
    "ubnd-cap-xa",
    *MEMBERS_NOT_LISTED,
}


@pytest.fixture(scope="module")
def raw() -> bytes:
    return REGISTRY_PATH.read_bytes()


@pytest.fixture(scope="module")
def registry(raw: bytes) -> Registry:
    return schema.registry(YAML(typ="safe").load(raw))


def _labels(entry: Agency | Group) -> list[str]:
    short = entry.short if isinstance(entry, Agency) else []
    return [entry.id, entry.name, *short, *entry.aliases]


def test_registry_validates(registry: Registry) -> None:
    assert registry.agencies
    assert {g.id for g in registry.groups} == GROUP_IDS


def test_ids_unique_across_agencies_and_groups(registry: Registry) -> None:
    ids = [a.id for a in registry.agencies] + [g.id for g in registry.groups]
    assert len(ids) == len(set(ids))


def test_references_exist(registry: Registry) -> None:
    agency_ids = {a.id for a in registry.agencies}
    group_ids = {g.id for g in registry.groups}
    for agency in registry.agencies:
        assert set(agency.groups) <= group_ids, agency.id
        assert agency.parent is None or agency.parent in agency_ids, agency.id
    for group in registry.groups:
        assert group.represented_by is None or group.represented_by in group_ids, group.id


def test_no_two_entries_share_a_folded_label(registry: Registry) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    entries: list[Agency | Group] = [*registry.agencies, *registry.groups]
    for entry in entries:
        for label in _labels(entry):
            owners[match_key(label)].add(entry.id)
    shared = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert not shared
    assert "" not in owners


def test_no_label_repeated_within_an_entry(registry: Registry) -> None:
    entries: list[Agency | Group] = [*registry.agencies, *registry.groups]
    for entry in entries:
        labels = _labels(entry)[1:]
        assert len(labels) == len(set(labels)), entry.id


def test_the_ten_districts(registry: Registry) -> None:
    districts = {a.id: a for a in registry.agencies if a.kind is AgencyKind.DISTRICT}
    assert set(districts) == set(DISTRICTS)
    for agency_id, place in DISTRICTS.items():
        agency = districts[agency_id]
        assert agency.groups == ["ubnd-cap-huyen"]
        assert agency.name == f"UBND {place}"
        assert match_key(place) in {match_key(label) for label in _labels(agency)}


def test_every_department_in_domain_notes(registry: Registry) -> None:
    by_id = {a.id: a for a in registry.agencies}
    for name, agency_id in DEPARTMENTS.items():
        agency = by_id[agency_id]
        assert agency.kind is AgencyKind.DEPARTMENT
        assert "so-ban-nganh-tinh" in agency.groups
        assert match_key(name) in {match_key(label) for label in _labels(agency)}, name
    # The 2024 departments: those that existed at the end of 2024 (one set
    # up by the 2025 mergers is not among the domain notes' 2024 list).
    end_of_2024 = dt.date(2024, 12, 31)
    departments = {
        a.id
        for a in registry.agencies
        if a.kind is AgencyKind.DEPARTMENT and a.exists_on(end_of_2024)
    }
    assert departments == set(DEPARTMENTS.values())


def test_short_forms_from_domain_notes(registry: Registry) -> None:
    by_id = {a.id: a for a in registry.agencies}
    for short, agency_id in SHORT_FORMS.items():
        assert short in by_id[agency_id].short, short


def test_assumed_notes_are_not_empty(registry: Registry) -> None:
    entries: list[Agency | Group] = [*registry.agencies, *registry.groups]
    for entry in entries:
        for topic, note in entry.assumed.items():
            assert topic.strip() and note.strip(), entry.id


def test_groups_have_members_or_say_why_not(registry: Registry) -> None:
    members: dict[str, list[str]] = defaultdict(list)
    for agency in registry.agencies:
        for group_id in agency.groups:
            members[group_id].append(agency.id)
    for group in registry.groups:
        if group.id in MEMBERS_NOT_LISTED:
            assert "members" in group.assumed, group.id
        else:
            assert members[group.id] or group.represented_by, group.id


def test_assumed_memberships_are_marked(registry: Registry) -> None:
    for agency in registry.agencies:
        if set(agency.groups) & MEMBERS_NOT_LISTED:
            assert "groups" in agency.assumed, agency.id


def test_communes_report_through_districts(registry: Registry) -> None:
    communes = next(g for g in registry.groups if g.id == "ubnd-cap-xa")
    assert communes.represented_by == "ubnd-cap-huyen"


# ---------------------------------------------------------------------------
# The file itself


def test_file_is_nfc_lf_without_tabs(raw: bytes) -> None:
    text = raw.decode("utf-8")
    assert unicodedata.normalize("NFC", text) == text
    assert "\r" not in text
    assert "\t" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in text.splitlines())


def test_file_has_a_comment_header(raw: bytes) -> None:
    assert raw.startswith(b"# ")


def test_round_trip_is_byte_for_byte(raw: bytes) -> None:
    yaml = YAML()
    yaml.width = 4096
    yaml.preserve_quotes = True
    buffer = io.StringIO()
    yaml.dump(yaml.load(raw.decode("utf-8")), buffer)
    assert buffer.getvalue().encode("utf-8") == raw


def test_fields_in_model_order_and_empty_fields_omitted(raw: bytes) -> None:
    data: dict[str, Any] = YAML(typ="safe").load(raw)
    assert list(data) == [f.name for f in dataclasses.fields(Registry) if f.name in data]
    rows: list[tuple[type[Agency] | type[Group], dict[str, Any]]] = [
        *((Agency, row) for row in data["agencies"]),
        *((Group, row) for row in data["groups"]),
    ]
    for model, row in rows:
        order = [f.name for f in dataclasses.fields(model)]
        assert list(row) == sorted(row, key=order.index), row["id"]
        for key, value in row.items():
            assert value not in (None, "", [], {}), (row["id"], key)
