"""Time whole ``parledger`` processes at several ledger sizes, side by side.

Why whole processes: what a user waits for is interpreter start-up, imports,
reading the workspace and printing, and a cache only pays off across
processes.  Every figure here is the wall time of one ``parledger`` command
run as a subprocess (median of ``--repeat`` runs after one warm-up) and its
peak resident memory (``ru_maxrss`` of that one child, from ``os.wait4``).

Why one run for all the ratios: timings drift between machines and even
between hours on one machine; a ratio of two figures measured minutes apart
in the same run is what the targets in ``benchmarks/README.md`` are stated in.

Target 6 is a difference, not a ratio: ``parledger status --agency`` on the
bundled data against ``bare.py``, a Typer app with the same options that
prints the same rows with Rich and imports nothing of parledger.  What is
left after the difference is what parledger itself costs.

Cache conventions (the cache lives outside the workspace): ``XDG_CACHE_HOME``
selects the cache root and ``PARLEDGER_NO_CACHE=1`` disables it.  A *cold*
run gets a fresh, empty ``XDG_CACHE_HOME``; *warm* runs share one, primed by
the warm-up run.  Until a cache exists, cold and warm measure the same work.

Usage::

    python benchmarks/run.py                 # sizes 0, 1000, 10000, 100000
    python benchmarks/run.py --quick         # sizes 0 and 1000, 3 repeats
    python benchmarks/run.py --sizes 0 5000 --repeat 7 --work /tmp/bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = HERE / "generate.py"
PARLEDGER = str(Path(sys.executable).parent / "parledger")
PYCACHE = Path(tempfile.gettempdir()) / "parledger-bench" / "pycache"  # set from --work

AGENCY = "Sở Nội vụ"
STATUS = ["status", "--agency", AGENCY]
RECORD = [
    "record", "I.1.1", "--agency", AGENCY, "--status", "in_progress",
    "--percent", "50", "--date", "2024-06-01",
]  # fmt: skip
BARE_ROWS = "BARE_ROWS"  # where bare.py reads its rows (see bare.py)
# bare.py is imported, as the console script imports parledger: its bytecode
# is then cached like parledger's, and not compiled again by every run (1.6 ms)
# as a script's would be.  sys.path[0] is bare.py's folder, as the console
# script's is its own.
BARE_LAUNCH = (
    f"import sys; sys.path[: 1 if sys.path[0] == '' else 0] = [{str(HERE)!r}]; "
    "import bare; bare.main()"
)
BUNDLED_FACTOR = 3  # target 6 takes 3 × --repeat runs: a difference is noisier than a ratio

DEFAULT_SIZES = (0, 1_000, 10_000, 100_000)
MEASURES = ("status_cold", "status_warm", "status_appended", "status_pulled", "record")
PEAKS = ("status_cold", "status_warm")


class BenchError(Exception):
    """A measured command failed: the figures would be meaningless."""


@dataclass
class Run:
    seconds: float
    peak_mb: float  # ru_maxrss (KiB on Linux) / 1024


@dataclass
class Measure:
    """The timed runs of one command (warm-up runs are not kept)."""

    runs: list[Run] = field(default_factory=list)
    warmup_kept: bool = False  # the warm-up was slow, so it counts as a timed run

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)


@dataclass
class Settings:
    work: Path
    sizes: list[int]
    repeat: int
    slow: float
    slow_repeat: int


@dataclass
class Results:
    machine: dict[str, str]
    settings: dict[str, object]
    bundled: dict[str, Measure] = field(default_factory=dict)
    by_size: dict[int, dict[str, Measure]] = field(default_factory=dict)


# -- running one process ----------------------------------------------------


def base_env(cache: Path | None) -> dict[str, str]:
    """The caller's environment without anything that would pick another
    workspace or switch the cache off; a fixed width so tables are the same.

    Bytecode is cached as in an installed package (pip compiles it): without
    that, a sandbox's PYTHONDONTWRITEBYTECODE=1 would make every run compile
    parledger's modules again.  The .pyc files go under the work folder, never
    beside the sources.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEDGER_")}
    env["COLUMNS"] = "80"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.pop("XDG_CACHE_HOME", None)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    return env


def run_once(command: Sequence[str], env: dict[str, str], cwd: Path) -> Run:
    """One process: wall time around it, and its own peak RSS.

    ``os.wait4`` reports the resource usage of exactly that child, which
    ``getrusage(RUSAGE_CHILDREN)`` cannot (it keeps the maximum over all
    children ever waited for).
    """
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise BenchError(
                f"{' '.join(command)} (in {cwd}) exited {process.returncode}:\n  "
                + "\n  ".join(tail)
            )
    return Run(elapsed, usage.ru_maxrss / 1024)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- workspaces -------------------------------------------------------------


def generator_key() -> str:
    """Workspaces are reused only if generate.py has not changed since."""
    return hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:16]


def workspace_for(size: int, work: Path) -> Path:
    """The generated workspace for ``size`` entries, made once and reused."""
    folder = work / f"ws-{size}"
    stamp = work / f"ws-{size}.stamp"
    key = f"{size} {generator_key()}"
    if folder.is_dir() and stamp.exists() and stamp.read_text() == key:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"generating {size:,} entries in {folder} …")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(GENERATOR), "--entries", str(size), "--out", str(folder)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    stamp.write_text(key)
    return folder


def fresh_copy(source: Path, work: Path, size: int) -> Path:
    """A throw-away copy to append to, so the generated workspace never changes.

    Written to disk before it is used: a user's ledger has been on disk long
    before they record, while the copy's 25 MB would still be in memory
    waiting to be written, and the fsync that ends every append would then
    write them all (about 12 ms at 100,000 entries, nothing parledger does).
    """
    target = work / f"copy-{size}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    os.sync()
    return target


# -- measurements -----------------------------------------------------------


@dataclass
class Job:
    """One measurement, or several that one cycle of commands yields, taken
    in turns with every other job (see :func:`take_turns`).

    ``once`` runs it once and returns the run that says how slow it is (for
    ``--slow``) and one run per name in ``names``.
    """

    label: str
    names: tuple[str, ...]
    once: Callable[[], tuple[Run, tuple[Run, ...]]]
    warmup_counts: bool  # the warm-up is a proper run (it primes nothing reused)
    factor: int = 1  # takes factor × --repeat timed runs
    measures: dict[str, Measure] = field(default_factory=dict)
    wanted: int = 0

    def take(self) -> None:
        _, runs = self.once()
        for name, run in zip(self.names, runs, strict=True):
            self.measures[name].runs.append(run)

    @property
    def done(self) -> bool:
        return len(self.measures[self.names[0]].runs) >= self.wanted


def single(
    label: str, name: str, once: Callable[[], Run], *, warmup_counts: bool, factor: int = 1
) -> Job:
    def run() -> tuple[Run, tuple[Run, ...]]:
        taken = once()
        return taken, (taken,)

    return Job(label, (name,), run, warmup_counts, factor)


def take_turns(jobs: Sequence[Job], settings: Settings) -> None:
    """A warm-up of each job, then one run of each in turn until each has
    ``repeat`` runs (``factor`` × ``repeat`` for the jobs that ask for more).

    Why turns: this machine's speed drifts by a third over minutes, and
    every target is a ratio of two jobs.  Measured one job after the other,
    a drift between them goes into the ratio; taken in turns, both sides of
    every ratio see the same minutes.

    When a warm-up alone exceeds ``--slow`` seconds that job takes
    ``--slow-repeat`` timed runs instead: at that length, what a warm-up
    warms (the OS file cache, .pyc files) is lost in the noise.  If the
    job's warm-up was a proper run, it counts as the first one.
    """
    for job in jobs:
        gauge, runs = job.once()
        job.measures = {name: Measure() for name in job.names}
        job.wanted = settings.repeat * job.factor
        if gauge.seconds > settings.slow:
            job.wanted = settings.slow_repeat
            if job.warmup_counts:
                for name, run in zip(job.names, runs, strict=True):
                    job.measures[name].runs.append(run)
                    job.measures[name].warmup_kept = True
        log(f"  warmed up: {job.label} ({gauge.seconds:.2f} s)")
    turn = 0
    while not all(job.done for job in jobs):
        turn += 1
        for job in jobs:
            if not job.done:
                job.take()
        log(f"  turn {turn} done")
    for job in jobs:
        for name, measure in job.measures.items():
            log(f"  {job.label}, {name}: median {measure.median:.3f} s over "
                f"{len(measure.runs)}, peak {measure.peak_mb:.0f} MB")  # fmt: skip


def bundled_jobs(settings: Settings) -> list[Job]:
    """Target 6: ``status --agency`` on the bundled data, and the bare app.

    Both run in an empty folder (no ./data, so parledger uses its bundled
    data) with the same environment: the same interpreter, ``COLUMNS=80``,
    the same bytecode cache, and ``$BARE_ROWS`` naming the rows bare.py
    prints.  parledger's cache is primed before timing (warm cache).
    """
    empty = settings.work / "empty"  # no ./data here, so the bundled data is used
    empty.mkdir(parents=True, exist_ok=True)
    cache = settings.work / "cache-bundled"
    shutil.rmtree(cache, ignore_errors=True)
    rows = settings.work / "bare-rows.json"
    env = base_env(cache) | {BARE_ROWS: str(rows)}
    prepare_bare(rows, env, empty)
    return [
        single(
            "bundled",
            "status_bundled",
            lambda: run_once([PARLEDGER, *STATUS], env, empty),
            warmup_counts=False,  # it warms the cache's files
            factor=BUNDLED_FACTOR,
        ),
        single(
            "bundled",
            "bare",
            lambda: run_once([sys.executable, "-c", BARE_LAUNCH, *STATUS], env, empty),
            warmup_counts=False,  # it compiles bare.py
            factor=BUNDLED_FACTOR,
        ),
    ]


def prepare_bare(rows: Path, env: dict[str, str], cwd: Path) -> None:
    """Write the rows bare.py prints (parledger's own, as JSON), then check
    that the two print the same table: else the difference is not fair."""

    def output(command: Sequence[str]) -> str:
        done = subprocess.run(list(command), env=env, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-5:]
            raise BenchError(
                f"{' '.join(command)} (in {cwd}) exited {done.returncode}:\n  " + "\n  ".join(tail)
            )
        return done.stdout

    rows.write_text(output([PARLEDGER, *STATUS, "--format", "json"]), encoding="utf-8")
    ours = output([PARLEDGER, *STATUS])
    bare = output([sys.executable, "-c", BARE_LAUNCH, *STATUS])
    if ours == bare:
        log(f"  bare.py prints the table parledger prints ({len(ours.splitlines())} lines)")
        return
    log("  WARNING: bare.py does not print the table parledger prints; target 6 is off:")
    for line in difflib.unified_diff(
        ours.splitlines(), bare.splitlines(), "parledger", "bare.py", lineterm="", n=1
    ):
        log(f"    {line}")


def size_jobs(size: int, settings: Settings) -> list[Job]:
    """Cold and warm status, and the record cycle, at one ledger size."""
    work = settings.work
    ws = workspace_for(size, work)
    caches = work / "caches" / str(size)
    shutil.rmtree(caches, ignore_errors=True)
    caches.mkdir(parents=True)
    label = f"N = {size:,}"

    def cold() -> Run:
        cache = Path(tempfile.mkdtemp(dir=caches))
        try:
            return run_once([PARLEDGER, "--data-dir", str(ws), *STATUS], base_env(cache), work)
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    warm_env = base_env(caches / "warm")

    def warm() -> Run:
        return run_once([PARLEDGER, "--data-dir", str(ws), *STATUS], warm_env, work)

    return [
        single(label, "status_cold", cold, warmup_counts=True),
        single(label, "status_warm", warm, warmup_counts=False),
        append_job(label, size, ws, caches / "append", settings),
    ]


def append_job(label: str, size: int, ws: Path, cache: Path, settings: Settings) -> Job:
    """``record`` on a copy whose cache is warm, then the ``status`` after it.

    Each cycle copies the workspace (the generated one never changes), primes
    the copy's cache with an untimed ``status``, times ``record`` (it appends
    one entry) and then times the next ``status``: that one must read only
    what was appended.  Then another process appends an entry, as a ``git
    pull`` does, and the next ``status`` is timed too.
    """
    work = settings.work
    env = base_env(cache)

    def cycle() -> tuple[Run, tuple[Run, ...]]:
        shutil.rmtree(cache, ignore_errors=True)
        copy = fresh_copy(ws, work, size)
        prime = run_once([PARLEDGER, "--data-dir", str(copy), *STATUS], env, work)
        record = run_once([PARLEDGER, "--data-dir", str(copy), *RECORD], env, work)
        status = run_once([PARLEDGER, "--data-dir", str(copy), *STATUS], env, work)
        pull(copy)
        pulled = run_once([PARLEDGER, "--data-dir", str(copy), *STATUS], env, work)
        return prime, (record, status, pulled)

    return Job(label, ("record", "status_appended", "status_pulled"), cycle, warmup_counts=True)


def pull(workspace: Path) -> None:
    """What `git pull` does to a ledger another office appended to: new bytes
    at the end, written by another process; no cache of ours knows them."""
    import secrets

    from parledger.store import journal

    entry = {
        "id": f"e-{secrets.token_hex(6)}", "kind": "progress", "task": "I.1.1",
        "agency": "so-noi-vu", "date": dt.date(2024, 6, 2),
        "recorded": dt.datetime(2024, 6, 2, 8, 0, tzinfo=dt.UTC), "by": "Văn phòng khác",
        "status": "in_progress", "percent": 60,
    }  # fmt: skip
    with (workspace / "ledger_2024.yaml").open("a", encoding="utf-8") as ledger:
        ledger.write(journal.format_entry(entry))


# -- report -----------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model,
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "parledger": PARLEDGER,
    }


ROW_LABELS = {
    "status_cold": "status, cold cache",
    "status_warm": "status, warm cache",
    "status_appended": "status after 1 record",
    "status_pulled": "status after 1 pulled entry",
    "record": "record",
}


def cell(measure: Measure | None, fmt: str, repeat: int, *, peak: bool = False) -> str:
    """A median (or peak), starred when it rests on fewer runs than --repeat."""
    if measure is None:
        return "—"
    text = format(measure.peak_mb if peak else measure.median, fmt)
    return text + ("*" if len(measure.runs) != repeat else "")


def table(results: Results, repeat: int) -> str:
    sizes = sorted(results.by_size)
    head = ["", *[f"N={n:,}" for n in sizes]]
    rows = [head]
    for key in MEASURES:
        label = f"{ROW_LABELS[key]} (s)"
        rows.append([label] + [cell(_get(results, n, key), ".3f", repeat) for n in sizes])
    for key in PEAKS:
        label = f"peak, {ROW_LABELS[key]} (MB)"
        rows.append(
            [label] + [cell(_get(results, n, key), ".0f", repeat, peak=True) for n in sizes]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _get(results: Results, size: int, key: str) -> Measure | None:
    return results.by_size.get(size, {}).get(key)


def _median(results: Results, size: int, key: str) -> float | None:
    measure = results.by_size.get(size, {}).get(key)
    return measure.median if measure else None


def _peak(results: Results, size: int, key: str) -> float | None:
    measure = results.by_size.get(size, {}).get(key)
    return measure.peak_mb if measure else None


@dataclass
class Target:
    number: int | str
    what: str
    value: float | None
    limit: float
    unit: str  # "×", " entries/s", " MB" or " ms"
    compare: str = "≤"  # the value must be ≤, < or ≥ the limit

    @property
    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit == "×":
            return f"{self.value:.2f}×"
        if self.unit == " ms":
            return f"{self.value:.1f} ms"
        return f"{self.value:,.0f}{self.unit}"

    @property
    def bound(self) -> str:
        return f"{self.compare} {self.limit:,g}{self.unit}"

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        ok = {
            "≤": self.value <= self.limit,
            "<": self.value < self.limit,
            "≥": self.value >= self.limit,
        }[self.compare]
        return "PASS" if ok else "FAIL"


def targets(results: Results) -> list[Target]:
    """The six targets, from this run's medians.  Per-size ones use the
    largest N measured (100,000 in a full run) against N = 0."""
    big = max(results.by_size)
    bundled = results.bundled

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    cold_big, cold_0 = _median(results, big, "status_cold"), _median(results, 0, "status_cold")
    rate = None
    if cold_big is not None and cold_0 is not None and big > 0 and cold_big > cold_0:
        rate = big / (cold_big - cold_0)
    share = None
    if "status_bundled" in bundled and "bare" in bundled:
        share = 1000 * (bundled["status_bundled"].median - bundled["bare"].median)
    warm_0 = _median(results, 0, "status_warm")
    return [
        Target(
            1, f"cold parse rate N / (cold(N) − cold(0)) at N={big:,}",
            rate, 100_000, " entries/s", "≥",
        ),
        Target(
            2, f"warm status at N={big:,} / warm status at N=0",
            ratio(_median(results, big, "status_warm"), warm_0), 1.3, "×",
        ),
        Target(
            "3a", f"status after 1 record at N={big:,} / warm status at N=0",
            ratio(_median(results, big, "status_appended"), warm_0), 1.5, "×",
        ),
        Target(
            "3b", f"status after 1 pulled entry at N={big:,} / warm status at N=0",
            ratio(_median(results, big, "status_pulled"), warm_0), 1.5, "×",
        ),
        Target(
            4, f"record at N={big:,} / record at N=0",
            ratio(_median(results, big, "record"), _median(results, 0, "record")), 1.1, "×",
        ),
        Target(
            5, f"peak memory of a cold status at N={big:,}",
            _peak(results, big, "status_cold"), 150, " MB", "<",
        ),
        Target(
            6, "parledger's own share of status --agency on bundled data (parledger − bare app)",
            share, 20, " ms",
        ),
    ]  # fmt: skip


def report(results: Results, settings: Settings) -> str:
    bundled = results.bundled
    runs = len(bundled["bare"].runs)
    out = [
        f"parledger benchmark, {results.machine['date']}: {results.machine['cpu']}, "
        f"{results.machine['nproc']} cores, Python {results.machine['python']}",
        f"medians of {settings.repeat} runs after 1 warm-up; * = fewer runs "
        f"(warm-up over {settings.slow:g} s: {settings.slow_repeat} run(s), see README)",
        "",
        f'bundled data, warm cache, medians of {runs} runs in turns: status --agency "{AGENCY}"',
        f"  parledger  {bundled['status_bundled'].median:.3f} s   parledger status …",
        f"  bare app   {bundled['bare'].median:.3f} s   benchmarks/bare.py status … "
        "(typer + rich, the same rows)",
        "",
        table(results, settings.repeat),
        "",
        "targets:",
    ]
    for t in targets(results):
        out.append(f"  {t.number}. {t.what}: {t.shown}  (target {t.bound})  {t.verdict}")
    return "\n".join(out)


def save(results: Results, path: Path) -> None:
    """Every run, not just medians, for anyone who wants to look closer."""
    data = {
        "machine": results.machine,
        "settings": results.settings,
        "bundled": {k: asdict(m) for k, m in results.bundled.items()},
        "by_size": {
            str(n): {k: asdict(m) for k, m in ms.items()} for n, ms in results.by_size.items()
        },
        "targets": [asdict(t) | {"verdict": t.verdict} for t in targets(results)],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", help="ledger sizes (0 is always added)")
    parser.add_argument("--repeat", type=int, help="timed runs per measurement (default 5)")
    parser.add_argument("--quick", action="store_true", help="sizes 0 and 1000, 3 repeats")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "parledger-bench",
        help="where workspaces and caches go (default /tmp/parledger-bench)",
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=30.0,
        help="seconds: a warm-up longer than this cuts the repeats (default 30)",
    )
    parser.add_argument(
        "--slow-repeat", type=int, default=1, help="timed runs when slow (default 1)"
    )
    parser.add_argument("--json", type=Path, help="also write every run to this file")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([0, 1_000] if args.quick else list(DEFAULT_SIZES))
    sizes = sorted({0, *sizes})  # every ratio is against N = 0
    repeat = args.repeat or (3 if args.quick else 5)
    if repeat < 1 or args.slow_repeat < 1 or any(n < 0 for n in sizes):
        parser.error("--repeat and --slow-repeat must be at least 1, sizes at least 0")
    if not Path(PARLEDGER).exists():
        parser.error(f"no parledger executable beside {sys.executable}")
    settings = Settings(args.work.resolve(), sizes, repeat, args.slow, args.slow_repeat)
    settings.work.mkdir(parents=True, exist_ok=True)
    global PYCACHE
    PYCACHE = settings.work / "pycache"
    results = Results(
        machine(),
        {"sizes": sizes, "repeat": repeat, "slow": args.slow, "slow_repeat": args.slow_repeat},
    )
    started = time.perf_counter()
    try:
        bundled = bundled_jobs(settings)
        by_size = {size: size_jobs(size, settings) for size in sizes}
        take_turns([*bundled, *(job for jobs in by_size.values() for job in jobs)], settings)
    except BenchError as exc:
        print(f"run.py: {exc}", file=sys.stderr)
        return 1
    finally:
        for size in sizes:
            shutil.rmtree(settings.work / f"copy-{size}", ignore_errors=True)
    results.bundled = {name: m for job in bundled for name, m in job.measures.items()}
    for size, jobs in by_size.items():
        results.by_size[size] = {name: m for job in jobs for name, m in job.measures.items()}
    log(f"done in {(time.perf_counter() - started) / 60:.1f} min")
    print(report(results, settings))
    if args.json:
        save(results, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
