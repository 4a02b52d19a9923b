"""Import speed and memory on a mirror of real-size news pages (issue 13's targets).

    python benchmarks/bench_import.py [--pages 10000] [--jobs 2] [--keep] [--work DIR]

Builds a mirror of N article pages (~200 KB each) from the real pages in
tests/fixtures/real/mirror/: every copy keeps its page's scripts, menus and chrome
byte for byte, and gets its own URL, title and article text (the words of each
article paragraph shuffled), so the site-wide learning and the digests behave as on
a real mirror (hundreds of pages per site, chrome repeated, articles distinct).
Then runs the real command line (`python -m site_builder import`, stderr not a
terminal) with SITE_BUILDER_JOBS workers into a fresh folder, and again on the same
folder (nothing changed), timing each and sampling the memory of the whole process
tree (the sum of VmRSS and of Pss over the importer and its workers; ru_maxrss is
the largest single process). Prints a table; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "fixtures" / "real"
SEED = 20251213
FORMAT = 2  # raise when the generated pages change: a kept --work mirror is then made again

TARGET_COLD_S = 120.0  # 10,000 pages on 2 cores
TARGET_PEAK_MB = 500.0
TARGET_AGAIN_S = 10.0

# Real-size article pages: every article page of the corpus from 100 KB to 400 KB, and the
# Arabic ones whatever their size (the archives this imports are Arabic news sites).
MIN_KB, MAX_KB = 100, 400

_PIECES_RE = re.compile(rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_CJK_UNITS_RE = re.compile(r"(?<=[，。、；！？])")


@dataclass(frozen=True)
class Template:
    """A real page cut into fixed markup and the article's text runs (which vary per copy)."""

    host: str
    folder: str  # below the host, "" or ending in "/"
    stem: str
    suffix: str
    url: str
    titles: tuple[str, ...]  # the headline as the corpus states it, and as the importer finds it
    pieces: tuple[str, ...]  # the page's bytes cut into text runs and markup, in order
    variable: frozenset[int]  # the pieces that are runs of the article's text

    def page(self, n: int) -> tuple[str, str]:
        """Copy n: its path in the mirror and its text."""
        rng = random.Random(f"{SEED}-{self.host}-{self.stem}-{n}")
        tag = f"{n:05d}"
        parts = list(self.pieces)
        for at in self.variable:
            parts[at] = _shuffled(parts[at], rng)
        text = "".join(parts)
        swaps = {}
        for title in self.titles:  # first: two copies' slugs must differ within their first 80 characters
            for escape in (str, html.escape, _escape_039, lambda t: html.escape(t, quote=False)):
                swaps[escape(title)] = escape(f"{tag} {title}")
        if self.url:
            swaps[self.url] = _new_url(self.url, tag)
        pattern = re.compile("|".join(map(re.escape, sorted(swaps, key=len, reverse=True))))
        text = pattern.sub(lambda m: swaps[m.group()], text)
        return f"{self.host}/{self.folder}{self.stem}-{tag}{self.suffix}", text


def _shuffled(run: str, rng: random.Random) -> str:
    """The same words in another order (CJK text: its clauses), the run's edges kept."""
    core = run.strip()
    if not core:
        return run
    lead, trail = run[: len(run) - len(run.lstrip())], run[len(run.rstrip()) :]
    units = core.split(" ") if " " in core else _CJK_UNITS_RE.split(core)
    rng.shuffle(units)
    return lead + (" " if " " in core else "").join(units) + trail


def _escape_039(text: str) -> str:
    return html.escape(text).replace("&#x27;", "&#039;")


def _new_url(url: str, tag: str) -> str:
    head, _, last = url.rstrip("/").rpartition("/")
    stem, dot, ext = last.rpartition(".")
    return f"{head}/{stem}-{tag}.{ext}" if dot and len(ext) <= 5 else f"{head}/{last}-{tag}"


def load_templates() -> list[Template]:
    templates = []
    for expected in sorted((REAL / "expected").rglob("*.yaml")):
        info = yaml.safe_load(expected.read_text(encoding="utf-8"))
        rel = expected.relative_to(REAL / "expected").as_posix().removesuffix(".yaml")
        raw = (REAL / "mirror" / rel).read_bytes()
        size = len(raw) / 1000
        if info.get("kind") != "article" or not (info.get("language") == "ar" or MIN_KB <= size <= MAX_KB):
            continue
        templates.append(_template(rel, raw, info))
    return templates


def _template(rel: str, raw: bytes, info: dict) -> Template:
    paragraphs = [" ".join(str(p).split()) for p in info.get("paragraphs") or []]
    pieces: list[str] = []
    variable = set()
    at = 0
    for match in _PIECES_RE.finditer(raw):
        run = raw[at : match.start()].decode("utf-8")
        words = " ".join(html.unescape(run).split())
        if len(words) >= 20 and any(words in p for p in paragraphs):
            variable.add(len(pieces))
        pieces += [run, match.group().decode("utf-8")]
        at = match.end()
    pieces.append(raw[at:].decode("utf-8"))
    host, _, rest = rel.partition("/")
    folder, _, name = rest.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    return Template(
        host,
        f"{folder}/" if folder else "",
        stem if dot else name,
        f".{ext}" if dot else "",
        str(info.get("url") or ""),
        tuple(dict.fromkeys((str(info["title"]), _headline(rel, raw)))),
        tuple(pieces),
        frozenset(variable),
    )


def _headline(rel: str, raw: bytes) -> str:
    """The title the importer takes from the page (it may differ from the corpus's)."""
    sys.path.insert(0, str(ROOT))
    from site_builder.importer.run import SourceFile, parse_source

    parsed, _ = parse_source(raw, SourceFile(REAL / "mirror" / rel, rel, REAL / "mirror"))
    return parsed.title


def write_mirror(mirror: Path, count: int, templates: list[Template]) -> int:
    """N pages round the templates; the bytes written."""
    total = 0
    made: set[Path] = set()
    for n in range(count):
        rel, text = templates[n % len(templates)].page(n)
        path = mirror / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


def prepared_mirror(work: Path, count: int) -> tuple[Path, int, int, float]:
    """The mirror of `count` pages in `work`, made unless a kept one of the same kind is there."""
    mirror, stamp = work / "mirror", work / "mirror.done"
    templates = load_templates()
    corpus = hashlib.sha256(repr([(t.host, t.stem, t.titles, t.pieces) for t in templates]).encode()).hexdigest()
    wanted = f"{FORMAT} {count} {corpus[:16]}"
    if stamp.exists() and stamp.read_text().split()[:3] == wanted.split():
        return mirror, len(templates), int(stamp.read_text().split()[3]), 0.0
    shutil.rmtree(mirror, ignore_errors=True)
    start = time.perf_counter()
    size = write_mirror(mirror, count, templates)
    stamp.write_text(f"{wanted} {size}")
    return mirror, len(templates), size, time.perf_counter() - start


# --- running the import and watching its memory ------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """The process and all its descendants now."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return found


def _kb(path: str, field: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory:
    """Samples the memory of a process tree in a thread: the peak of the sums over it."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every = pid, every
        self.rss_kb = self.pss_kb = self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            rss = sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
            pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
            self.rss_kb, self.pss_kb = max(self.rss_kb, rss), max(self.pss_kb, pss)
            self.processes = max(self.processes, len(pids))
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Run:
    seconds: float
    reading: float  # until the last page was read (the progress line N/N), then slugs, writing, state
    rss_mb: float  # peak of the tree's summed VmRSS
    pss_mb: float  # peak of the tree's summed Pss (shared pages counted once)
    max_process_mb: float  # ru_maxrss: the largest single process
    cpu: float  # user + system seconds of the whole tree
    counts: dict[str, int]
    stderr: str


def run_import(mirror: Path, out: Path, jobs: int, log: Path) -> Run:
    """The command line as a user runs it (stderr not a terminal: a progress line every 500 pages)."""
    env = {**os.environ, "SITE_BUILDER_JOBS": str(jobs)}
    command = [sys.executable, "-m", "site_builder", "import", str(mirror), "--out", str(out)]
    lines: list[tuple[float, str]] = []
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = TreeMemory(proc.pid)
    assert proc.stderr is not None
    stream = proc.stderr
    reader = threading.Thread(
        target=lambda: lines.extend((time.perf_counter(), raw.decode("utf-8", "replace")) for raw in stream)
    )
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    memory.stop()
    reader.join()
    text = "".join(line for _, line in lines)
    log.write_text(text, encoding="utf-8")
    summary = re.search(r"(\d+) imported, (\d+) updated, (\d+) unchanged, (\d+) skipped, (\d+) failed", text)
    if summary is None:
        sys.exit(f"import failed (exit {proc.returncode}):\n{text[-3000:]}")
    counts = dict(
        zip(("imported", "updated", "unchanged", "skipped", "failed"), map(int, summary.groups()), strict=True)
    )
    read = next((at - start for at, line in lines if re.fullmatch(r"(\d+)/\1 files\n", line)), seconds)
    return Run(
        seconds,
        read,
        memory.rss_kb / 1024,
        memory.pss_kb / 1024,
        usage.ru_maxrss / 1024,
        usage.ru_utime + usage.ru_stime,
        counts,
        text,
    )


def machine() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    return f"{os.cpu_count()} cores {model}, Python {sys.version.split()[0]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="pages in the mirror (default 10,000)")
    parser.add_argument("--jobs", type=int, default=2, help="SITE_BUILDER_JOBS for the import (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the mirror and the imported content")
    parser.add_argument(
        "--work", type=Path, help="folder for the mirror and content (kept; a mirror already made there is reused)"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _bench(work, args.pages, args.jobs)
    finally:
        if args.keep or args.work:
            print(f"kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _bench(work: Path, pages: int, jobs: int) -> int:
    mirror, used, size, made = prepared_mirror(work, pages)
    print(
        f"mirror: {pages:,} pages from {used} real article pages, {size / 1e9:.2f} GB, "
        f"{size / pages / 1000:.0f} KB a page{f', made in {made:.0f} s' if made else ' (kept)'}"
    )
    out = work / "content"
    shutil.rmtree(out, ignore_errors=True)
    cold = run_import(mirror, out, jobs, work / "cold.log")
    again = run_import(mirror, out, jobs, work / "again.log")
    print(f"machine: {machine()}; SITE_BUILDER_JOBS={jobs}")
    print(
        f"{'run':<10} {'pages':>7} {'wall s':>7} {'read s':>7} {'rest s':>7} {'pages/s':>8} {'CPU s':>6} "
        f"{'tree RSS MB':>12} {'tree PSS MB':>12} {'max proc MB':>12}  outcome"
    )
    for name, run in (("cold", cold), ("re-import", again)):
        outcome = ", ".join(f"{n} {k}" for k, n in run.counts.items() if n)
        print(
            f"{name:<10} {pages:>7,} {run.seconds:>7.1f} {run.reading:>7.1f} {run.seconds - run.reading:>7.1f} "
            f"{pages / run.seconds:>8.0f} {run.cpu:>6.0f} {run.rss_mb:>12.0f} {run.pss_mb:>12.0f} "
            f"{run.max_process_mb:>12.0f}  {outcome}"
        )
    scale = pages / 10_000
    peak = max(cold.rss_mb, again.rss_mb, cold.max_process_mb, again.max_process_mb)
    missed = []
    if cold.seconds > TARGET_COLD_S * scale:
        missed.append(f"cold import {cold.seconds:.1f} s > {TARGET_COLD_S * scale:.0f} s")
    if peak > TARGET_PEAK_MB:
        missed.append(f"peak memory {peak:.0f} MB > {TARGET_PEAK_MB:.0f} MB")
    if again.seconds > TARGET_AGAIN_S * max(1.0, scale):
        missed.append(f"re-import {again.seconds:.1f} s > {TARGET_AGAIN_S * max(1.0, scale):.0f} s")
    if cold.counts["imported"] + cold.counts["skipped"] < pages or cold.counts["failed"]:
        missed.append(f"cold import did not import every page: {cold.counts}")
    if again.counts["unchanged"] + again.counts["skipped"] < pages:
        missed.append(f"re-import changed pages: {again.counts}")
    for line in missed:
        print(f"MISSED: {line}")
    if not missed:
        print(
            f"targets met: cold < {TARGET_COLD_S * scale:.0f} s, peak < {TARGET_PEAK_MB:.0f} MB, "
            f"re-import < {TARGET_AGAIN_S * max(1.0, scale):.0f} s"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
