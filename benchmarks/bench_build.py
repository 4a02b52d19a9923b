"""Build speed and memory on generated Arabic archives, optionally beside Hugo and Pelican.

    python benchmarks/bench_build.py [--sizes 1000 10000 100000] [--peers] [--work DIR]

For each size: a cold build (no output, no cache), a rebuild with nothing changed, a
rebuild after editing one article's text, and one after editing a template; each run is
the real command line in a child process, timed with its peak memory. Then the dev
server's case: one article edited while the build state is in memory (no peak memory), as
the build alone ("serve edit") and as a user sees it ("serve reload": the article saved,
until the reload event reaches an open page's event stream). With --peers it
also runs ../shared/bench/peers/run_peers.sh on the same size (Hugo and Pelican, one
run each) and prints our cold build as a ratio of theirs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_search import query_figures  # noqa: E402
from corpus import write_archive  # noqa: E402

PEERS = Path(os.environ.get("PEERS_DIR", ROOT.parent / "shared" / "bench" / "peers")) / "run_peers.sh"


def timed(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak memory MB, stderr) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return wall, usage.ru_maxrss / 1024, err


def build(site: Path, *extra: str) -> tuple[float, float, int, int]:
    wall, peak, err = timed([sys.executable, "-m", "site_builder", "build", "--site", str(site), "-q", *extra])
    match = re.search(r"built (\d+) pages .*?: (\d+) rendered", err)
    pages, rendered = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    return wall, peak, pages, rendered


def page_overhead_kb(site: Path, sample: int = 2000) -> float:
    """What an article page adds beyond its own text (issue 17's byte budget): its bytes
    minus its Markdown body's, averaged over up to `sample` articles."""
    added = []
    for md in sorted((site / "content").glob("*.md"))[:sample]:
        page = site / "output" / md.stem / "index.html"
        if page.is_file():
            body = md.read_text(encoding="utf-8").split("---", 2)[2]
            added.append(page.stat().st_size - len(body.encode("utf-8")))
    return sum(added) / len(added) / 1024 if added else 0.0


def output_mb(site: Path) -> float:
    return sum(p.stat().st_size for p in (site / "output").rglob("*") if p.is_file()) / 1e6


def measure(site: Path) -> dict[str, tuple[float, float, int, int]]:
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".site-builder-cache", ignore_errors=True)
    runs = {"cold": build(site, "--clean"), "no change": build(site)}
    article = sorted((site / "content").glob("*.md"))[len(list((site / "content").glob("*.md"))) // 2]
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nفقرة أضافها المحرر للتو لاختبار إعادة البناء.\n", encoding="utf-8")
    runs["one article"] = build(site)
    article.write_text(text, encoding="utf-8")
    build(site)
    template = site / "templates" / "article.html"
    original = template.read_text(encoding="utf-8")
    template.write_text(original + "{# edited #}\n", encoding="utf-8")
    runs["one template"] = build(site)
    template.write_text(original, encoding="utf-8")
    runs["serve edit"] = serve_edit(site, article)
    runs["serve reload"] = serve_reload(site, article)
    return runs


SERVE_EDIT = """
import sys, time
from pathlib import Path
from site_builder.build import build
from site_builder.state import BuildState
site, article = Path(sys.argv[1]), Path(sys.argv[2])
state = BuildState()
build(site, state=state)
text = article.read_text(encoding="utf-8")
try:
    article.write_text(text + "\\nفقرة أضافها المحرر في المعاينة.\\n", encoding="utf-8")
    start = time.perf_counter()
    result = build(site, state=state)
    print(f"{time.perf_counter() - start:.3f} {sum(result.pages.values())} {result.rendered}")
finally:
    article.write_text(text, encoding="utf-8")
"""


def serve_edit(site: Path, article: Path) -> tuple[float, float, int, int]:
    """The dev server's rebuild after one article edit: the state stays in memory, so
    the time is the build alone (the command line also starts Python and loads the cache)."""
    result = subprocess.run(
        [sys.executable, "-c", SERVE_EDIT, str(site), str(article)], capture_output=True, text=True, check=True
    )
    seconds, pages, rendered = result.stdout.split()
    return float(seconds), 0.0, int(pages), int(rendered)


SERVE_RELOAD = """
import http.client, statistics, sys, time
from pathlib import Path
from site_builder.serve import DevServer
site, article = Path(sys.argv[1]), Path(sys.argv[2])
server = DevServer(site, port=0, log=lambda line: None)
url = server.start()
port = server.httpd.server_address[1]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
conn.request("GET", "/__livereload")
events = conn.getresponse()

def next_build():
    while True:
        line = events.fp.readline().decode()
        if line.startswith("data:"):
            return line

next_build()  # the state as the server started
text = article.read_text(encoding="utf-8")
times = []
try:
    for n in range(5):
        time.sleep(0.5)
        start = time.perf_counter()
        article.write_text(text + f"\\nفقرة أضافها المحرر في المعاينة {n}.\\n", encoding="utf-8")
        next_build()
        times.append(time.perf_counter() - start)
finally:
    article.write_text(text, encoding="utf-8")
    server.shutdown()
print(f"{statistics.median(times):.3f}")
"""


def serve_reload(site: Path, article: Path) -> tuple[float, float, int, int]:
    """`site-builder serve`, an article saved: the time until the reload event reaches an
    open page's event stream (watch, rebuild, publish), the median of five edits."""
    result = subprocess.run(
        [sys.executable, "-c", SERVE_RELOAD, str(site), str(article)], capture_output=True, text=True, check=True
    )
    return float(result.stdout.split()[-1]), 0.0, 0, 1


def peers(size: int) -> dict[str, tuple[float, float]]:
    """{tool: (median wall s, peak MB)} from the peer harness, one run each."""
    result = subprocess.run(
        ["bash", str(PEERS), str(size)], capture_output=True, text=True, env={**os.environ, "RUNS": "1"}, timeout=3600
    )
    found = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 7 and parts[0] == str(size) and parts[2] != "-":
            found[parts[1]] = (float(parts[2]), float(parts[6]))
    if not found:
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--peers", action="store_true", help="also run Hugo and Pelican (../shared/bench/peers)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-builder-bench"))
    args = parser.parse_args()
    print(f"{'articles':>9} {'run':<13} {'seconds':>8} {'peak MB':>8} {'pages':>7} {'rendered':>9} {'output MB':>10}")
    for size in args.sizes:
        site = args.work / f"site-{size}"
        if len(list((site / "content").glob("*.md"))) != size if (site / "content").is_dir() else True:
            write_archive(site, size)
        else:
            write_archive(site, 0)  # refresh templates and static files only
        runs = measure(site)
        size_mb = output_mb(site)
        print(f"{size:>9} article pages add {page_overhead_kb(site):.1f} KB each beyond their text")
        print(f"{size:>9} {query_figures(site / 'output' / 'search', size)}")
        for name, (wall, peak, pages, rendered) in runs.items():
            print(f"{size:>9} {name:<13} {wall:>8.2f} {peak:>8.0f} {pages:>7} {rendered:>9} {size_mb:>10.0f}")
        if args.peers:
            cold_wall, cold_peak = runs["cold"][:2]
            for tool, (wall, peak) in peers(size).items():
                print(
                    f"{size:>9} {tool:<13} {wall:>8.2f} {peak:>8.0f}   ours/{tool}: time {cold_wall / wall:.2f}, "
                    f"memory {cold_peak / peak:.2f}"
                )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
