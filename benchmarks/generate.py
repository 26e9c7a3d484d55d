"""Generate a benchmark workspace: the real directive and registry, synthetic
commune-level agencies, and a synthetic ledger of N entries.

Why synthetic: no real ledger of this size exists yet, and the speed of
``parledger`` at 100,000 entries has to be measured before users reach it.
The ledger is shaped like real use so that the parser, the replay and the
status computation do the work they will do in practice: assignments first
(agencies and groups, roles, due dates), then years of progress reports in
date order with plausible status sequences for each (task, agency) pair,
Vietnamese notes, evidence citations, corrections and a few withdrawals.

Entries are written with :func:`parledger.store.journal.format_entry`, so the bytes
are exactly what ``parledger record`` would append.  Everything random comes
from ``random.Random(seed)`` (the seed defaults to N): the same N gives the
same files, byte for byte, so runs on different days compare like with like.

Usage::

    python benchmarks/generate.py --entries 10000 --out /tmp/ws
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parledger.model.docref import normalise_evidence, office_date
from parledger.model.errors import UsageError
from parledger.model.models import Registry
from parledger.rules.outline import Outline
from parledger.store import create, journal, loader, workspace

# Hưng Yên had 139 commune-level units after the 2023–2025 mergers (161 in
# 2019); the registry lists none one by one, so the benchmark adds that many.
COMMUNES = 139

PROGRESS_START = dt.date(2024, 6, 1)
# Real ledgers hold no future facts: `record` refuses a --date after today.
PROGRESS_END = dt.date(2026, 9, 30)
ASSIGN_START = dt.date(2024, 5, 15)
ASSIGN_END = dt.date(2024, 6, 1)

ASSIGN_SHARE = 0.05  # assignments, all at the start of the file
CORRECTION_SHARE = 0.02  # corrections among the later entries
VOID_SHARE = 0.1  # of corrections, the ones that withdraw an entry
UNASSIGN_SHARE = 0.002  # releases of agencies bound through a group
NOTE_SHARE = 0.3
REPORTS_PER_PAIR = 12  # below 12 × pairs entries, only some pairs report at all
REPORTS_MIN_PAIRS = 30

GROUPS_ASSIGNED = ("ubnd-cap-huyen", "so-ban-nganh-tinh", "ubnd-cap-xa")

PEOPLE = (
    "Nguyễn Thị Mai", "Trần Văn Khiên", "Lê Thị Hồng", "Phạm Minh Tuấn",
    "Hoàng Thị Lan", "Vũ Đức Thắng", "Đỗ Thị Thu Hà", "Bùi Văn Nam",
    "Đặng Thị Ngọc Anh", "Ngô Quang Huy", "Dương Thị Hạnh", "Lý Văn Sơn",
    "Trịnh Thị Phương", "Đinh Công Thành", "Mai Thị Hương", "Phan Văn Long",
)  # fmt: skip

NOTES = (
    "Đã ban hành kế hoạch triển khai",
    "Đang tổng hợp số liệu từ các phòng chuyên môn",
    "Đã tổ chức hội nghị quán triệt",
    "Chờ ý kiến thẩm định của Sở Tư pháp",
    "Đã gửi báo cáo về Sở Nội vụ",
    "Đang rà soát thủ tục hành chính",
    "Hoàn thành tập huấn cho cán bộ, công chức",
    "Đã đăng tải trên Cổng thông tin điện tử",
    "Kinh phí chưa được bố trí",
    "Đang lấy ý kiến người dân",
    "Đã kiểm tra tại cơ sở",
    "Chưa nhận được hướng dẫn của cấp trên",
    "Tiếp tục theo dõi, đôn đốc",
    "Đã khắc phục tồn tại sau kiểm tra",
    "Đang xây dựng dự thảo quy chế",
    "Thực hiện theo Kế hoạch năm",
    "Đã số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Phối hợp với Đài PT-TH tỉnh tuyên truyền",
    "Báo cáo định kỳ quý",
    "Cần bổ sung minh chứng",
)  # fmt: skip

CORRECTION_REASONS = (
    "Nhập nhầm tỷ lệ phần trăm",
    "Số liệu cập nhật theo báo cáo chính thức",
    "Báo cáo quý ghi tỷ lệ khác",
    "Điều chỉnh theo kết quả kiểm tra",
    "Sai sót khi tổng hợp",
)  # fmt: skip

VOID_REASONS = (
    "Ghi trùng với mục đã có",
    "Ghi nhầm cơ quan",
    "Báo cáo bị thu hồi",
)  # fmt: skip

UNASSIGN_REASONS = (
    "Nhiệm vụ không thuộc phạm vi quản lý của đơn vị",
    "Đã chuyển giao cho đơn vị khác",
)  # fmt: skip

DOC_TYPES = ("BC", "BC", "BC", "KH", "TB", "QĐ")

_CODE_OK = re.compile(r"^[A-ZĐ][A-Za-zĐđ0-9]*$")


# -- the registry -------------------------------------------------------------


def commune_block(registry: Registry) -> str:
    """YAML text for the synthetic communes, spread over the districts.

    Written as text (not through a YAML dumper) so the registry keeps every
    byte it had, as a person adding them by hand would.
    """
    districts = [a for a in registry.agencies if a.kind.value == "district"]
    counts = [COMMUNES // len(districts)] * len(districts)
    for i in range(COMMUNES - sum(counts)):
        counts[i] += 1
    lines = [
        "",
        "# Commune-level UBNDs: SYNTHETIC BENCHMARK DATA written by",
        "# benchmarks/generate.py, NOT real communes. 139 entries so the agency count",
        "# matches Hưng Yên's commune-level units after 2023–2025; names and ids are",
        "# made up (district name + number).",
    ]
    for district, count in zip(districts, counts, strict=True):
        suffix = re.sub(r"^ubnd-(huyen|tx|tp)-", "", district.id)
        place = re.sub(r"^UBND (huyện|thị xã|thành phố) ", "", district.name)
        for n in range(1, count + 1):
            lines += [
                f"- id: ubnd-xa-{suffix}-{n:02d}",
                f"  name: UBND xã {place} {n:02d}",
                "  kind: commune",
                "  groups:",
                "  - ubnd-cap-xa",
                f"  parent: {district.id}",
            ]
    return "\n".join(lines) + "\n"


def add_communes(root: Path, registry: Registry) -> None:
    """Insert the communes at the end of the ``agencies:`` list."""
    path = root / workspace.REGISTRY_FILE
    text = path.read_text(encoding="utf-8")
    marker = "\ngroups:\n"
    at = text.index(marker)
    path.write_text(text[:at] + commune_block(registry) + text[at:], encoding="utf-8")


# -- the ledger ---------------------------------------------------------------


def issuer_code(name: str, short: list[str]) -> str:
    """The issuer part of a document number: SNV for Sở Nội vụ, UBND for a UBND."""
    if name.startswith("UBND"):
        return "UBND"
    for form in short:
        if _CODE_OK.match(form):
            return form
    letters = []
    for word in name.split():
        if word in {"và", "của"}:
            continue
        first = word[0]
        base = "Đ" if first in "Đđ" else unicodedata.normalize("NFD", first)[0]
        letters.append(base.upper())
    code = "".join(letters)
    return code if _CODE_OK.match(code) else "UBND"


@dataclass
class Pair:
    """One (task, agency) the agency owes, and where its reports have got to."""

    task: str
    agency: str
    issuer: str
    status: str = "none"
    percent: int = 0
    last: str | None = None  # id of the latest progress entry


@dataclass
class Generator:
    """Builds the entries in file order; all randomness from one seeded RNG."""

    rng: random.Random
    pairs: list[Pair]
    outline: Outline
    issuers: dict[str, str]
    ids: set[str] = field(default_factory=set)
    progress: list[tuple[str, Pair]] = field(default_factory=list)  # (id, pair) correctable
    voided: set[str] = field(default_factory=set)
    # Whether an agency exists on a day (the registry's dates): a report or
    # a correction about it is dated only then.
    exists: Callable[[str, dt.date], bool] = lambda agency, day: True

    def new_id(self) -> str:
        while True:
            candidate = f"e-{self.rng.getrandbits(48):012x}"
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate

    def recorded(self, day: dt.date) -> dt.datetime:
        """Written down the same day or up to three days later, in office hours."""
        later = day + dt.timedelta(days=self.rng.choice((0, 0, 0, 1, 1, 2, 3)))
        return dt.datetime(
            later.year, later.month, later.day,
            self.rng.randint(1, 10), self.rng.randint(0, 59), self.rng.randint(0, 59),
            tzinfo=dt.UTC,
        )  # fmt: skip

    def base(self, kind: str, task: str, day: dt.date) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": self.new_id(),
            "kind": kind,
            "task": task,
            "date": day,
            "recorded": self.recorded(day),
            "by": self.rng.choice(PEOPLE),
        }
        if self.rng.random() < NOTE_SHARE:
            entry["note"] = self.rng.choice(NOTES)
        return entry

    def evidence(self, pair: Pair, day: dt.date) -> list[str]:
        issued = day - dt.timedelta(days=self.rng.randint(0, 10))
        number = self.rng.randint(1, 999)
        doc_type = self.rng.choice(DOC_TYPES)
        out = [f"{number}/{doc_type}-{pair.issuer} ngày {office_date(issued)}"]
        roll = self.rng.random()
        if roll < 0.05:
            out.append(f"https://hungyen.gov.vn/van-ban/{issued.year}/{number}-{pair.agency}")
        elif roll < 0.10:
            out.append(f"{self.rng.randint(1, 9999)}/UBND-NC")
        return out

    def assignment(self, day: dt.date) -> dict[str, Any]:
        if self.rng.random() < 0.1:
            group = self.rng.choice(GROUPS_ASSIGNED)
            task = self.rng.choice(self.outline.items()).id
            entry = self.base("assign", task, day) | {"group": group}
            self.bind_group(task, group)
        else:
            pair = self.rng.choice(self.pairs)
            entry = self.base("assign", pair.task, day) | {"agency": pair.agency}
        entry["role"] = self.rng.choice(("implement", "implement", "implement", "lead", "support"))
        if self.rng.random() < 0.8:
            entry["due"] = dt.date(self.rng.randint(2024, 2026), self.rng.randint(1, 12), 1) + (
                dt.timedelta(days=self.rng.randint(0, 27))
            )
        return entry

    def bind_group(self, task: str, group: str) -> None:
        """A group assignment makes every member owe the task: they report too."""
        known = {(p.task, p.agency) for p in self.pairs if p.task == task}
        for agency in self.outline.members(group):
            if (task, agency) not in known:
                self.pairs.append(Pair(task, agency, self.issuers[agency]))

    def report(self, pair: Pair, day: dt.date) -> dict[str, Any]:
        """The pair's next report: not started → in progress (rising) → done,
        then a new reporting cycle; now and then blocked."""
        rng = self.rng
        if pair.status in ("none", "done") and rng.random() < 0.15:
            status, percent = "not_started", None
        elif pair.status != "done" and pair.percent >= 80 and rng.random() < 0.5:
            status, percent = "done", 100
        elif rng.random() < 0.03:
            status, percent = "blocked", pair.percent or None
        else:
            start = 0 if pair.status in ("none", "done", "not_started") else pair.percent
            percent = min(95, start + rng.randint(5, 25))
            status = "in_progress"
        entry = self.base("progress", pair.task, day) | {"agency": pair.agency, "status": status}
        if percent is not None:
            entry["percent"] = percent
        if status in ("in_progress", "done") and rng.random() < 0.85:
            entry["evidence"] = self.evidence(pair, day)
        pair.status = status
        pair.percent = 0 if status in ("done", "not_started") else (percent or 0)
        pair.last = entry["id"]
        if status == "in_progress":
            self.progress.append((entry["id"], pair))
        return entry

    def correction(self, day: dt.date) -> dict[str, Any] | None:
        """Supersede a recent in-progress report: a new percent, or withdraw it."""
        recent = self.progress[-2000:]
        for _ in range(10):
            target, pair = self.rng.choice(recent)
            if target not in self.voided and self.exists(pair.agency, day):
                break
        else:
            return None
        entry = self.base("correction", pair.task, day) | {
            "agency": pair.agency,
            "supersedes": target,
        }
        entry.pop("note", None)  # a correction's note would replace the entry's note
        if self.rng.random() < VOID_SHARE:
            entry["void"] = True
            entry["reason"] = self.rng.choice(VOID_REASONS)
            self.voided.add(target)
        else:
            entry["percent"] = self.rng.randint(1, 99)
            entry["reason"] = self.rng.choice(CORRECTION_REASONS)
        return entry

    def unassign(self, day: dt.date) -> dict[str, Any] | None:
        """Release a commune from one of its tasks; it stops reporting on it."""
        bound = [p for p in self.pairs[-500:] if p.agency.startswith("ubnd-xa-")]
        if len(self.pairs) < 50 or not bound:
            return None
        pair = self.rng.choice(bound)
        self.pairs.remove(pair)
        return self.base("unassign", pair.task, day) | {
            "agency": pair.agency,
            "reason": self.rng.choice(UNASSIGN_REASONS),
        }


def spread(rng: random.Random, count: int, start: dt.date, end: dt.date) -> list[dt.date]:
    """``count`` sorted days between start and end (inclusive), working days mostly."""
    span = (end - start).days
    days = []
    for _ in range(count):
        day = start + dt.timedelta(days=rng.randint(0, span))
        if day.weekday() >= 5 and rng.random() < 0.9:
            day -= dt.timedelta(days=day.weekday() - 4)  # reported on the Friday
            day = max(day, start)
        days.append(day)
    days.sort()
    return days


def cumulative(rng: random.Random, count: int) -> list[int]:
    """Cumulative reporting weights: some pairs report far more often than others,
    as some offices do.  Cumulative so each draw costs log(pairs), not pairs."""
    return list(itertools.accumulate(rng.choice((1, 1, 1, 2, 3)) for _ in range(count)))


def entries(ws: workspace.Workspace, count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` ledger entries in file order."""
    rng = random.Random(seed)
    outline = Outline(ws.directive, ws.registry)
    issuers = {a.id: issuer_code(a.name, a.short) for a in ws.registry.agencies}
    pairs = [Pair(ob.task, ob.agency, issuers[ob.agency]) for ob in outline.obligations()]
    existing = {a.id: a for a in ws.registry.agencies}
    gen = Generator(
        rng, pairs, outline, issuers, exists=lambda agency, day: existing[agency].exists_on(day)
    )
    out: list[dict[str, Any]] = []
    assigns = round(count * ASSIGN_SHARE)
    for day in spread(rng, assigns, ASSIGN_START, ASSIGN_END):
        out.append(gen.assignment(day))
    # A small ledger is an early one: fewer pairs report, each of them about
    # monthly, so sequences still run through to "done".
    active = max(REPORTS_MIN_PAIRS, count // REPORTS_PER_PAIR)
    if active < len(gen.pairs):
        gen.pairs = rng.sample(gen.pairs, active)
    weights = cumulative(rng, len(gen.pairs))
    for day in spread(rng, count - len(out), PROGRESS_START, PROGRESS_END):
        roll = rng.random()
        entry = None
        if roll < CORRECTION_SHARE and gen.progress:
            entry = gen.correction(day)
        elif roll < CORRECTION_SHARE + UNASSIGN_SHARE:
            entry = gen.unassign(day)
            weights = cumulative(rng, len(gen.pairs)) if entry else weights
        if entry is None:
            pair = rng.choices(gen.pairs, cum_weights=weights)[0]
            # An agency reports only while it exists (the registry's dates):
            # after a merger, its successor's pairs report, as `record` allows.
            while not gen.exists(pair.agency, day):
                pair = rng.choices(gen.pairs, cum_weights=weights)[0]
            entry = gen.report(pair, day)
        out.append(entry)
    return out


def generate(count: int, out: Path, seed: int | None = None) -> None:
    """Create the workspace in ``out`` (which must be new or empty)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SystemExit(f"generate.py: {out} exists and is not empty; give a new folder")
    create.init(out)
    location = workspace.locate(out)
    registry = loader.load(location).registry
    add_communes(out, registry)
    ws = loader.load(location)  # with the communes: they owe what ubnd-cap-xa owes
    ledger = entries(ws, count, count if seed is None else seed)
    for entry in ledger:  # the same check `record` makes on evidence, and its form
        for item in entry.get("evidence", []):
            if normalise_evidence(item) != item:
                raise SystemExit(f"generate.py: {item!r} is not in the form record writes")
    text = journal.header(ws.directive.id) + "".join(journal.format_entry(e) for e in ledger)
    location.ledger_path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, required=True, help="ledger entries to write")
    parser.add_argument("--out", type=Path, required=True, help="new or empty folder")
    parser.add_argument("--seed", type=int, default=None, help="RNG seed (default: --entries)")
    args = parser.parse_args(argv)
    if args.entries < 0:
        parser.error("--entries must be 0 or more")
    started = time.perf_counter()
    try:
        generate(args.entries, args.out, args.seed)
    except UsageError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"{args.out}: {args.entries} entries in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
