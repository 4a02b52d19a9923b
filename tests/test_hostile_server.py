"""The dev server under load: 200 clients fetching pages while 500 source files change.

The server runs as the user runs it (`site-builder serve`, its own process), so its
memory can be read from /proc. Every page a template renders carries a build mark (a
comment in base.html that the writer bumps), so a response that mixed two builds, or
was cut short, shows.
"""

from __future__ import annotations

import http.client
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_archive

CLIENTS = 200
CHANGES = 500
MARK_RE = re.compile(rb"<!-- build-mark (\d+) -->")


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the server forks none, but be fair)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total / 1024


def _start(site: Path) -> tuple[subprocess.Popen, int, list[str]]:
    server = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    port: list[int] = []

    def read() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            log.append(line.rstrip())
            found = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port.append(int(found.group(1)))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 60
    while not port:
        assert server.poll() is None and time.monotonic() < deadline, "\n".join(log)
        time.sleep(0.05)
    return server, port[0], log


class _Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.served = 0
        self.marks: set[int] = set()
        self.failures: list[str] = []

    def ok(self, mark: int) -> None:
        with self.lock:
            self.served += 1
            self.marks.add(mark)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def _client(port: int, paths: list[str], stop: threading.Event, tally: _Tally, seed: int) -> None:
    """Fetch pages over one keep-alive connection, reconnecting when the server closes it."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        path = rng.choice(paths)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as err:
            tally.fail(f"{path}: {type(err).__name__}: {err}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        marks = MARK_RE.findall(body)
        if response.status != 200:
            tally.fail(f"{path}: HTTP {response.status}")
        elif len(body) != int(response.getheader("Content-Length", "-1")):
            tally.fail(f"{path}: {len(body)} bytes, Content-Length {response.getheader('Content-Length')}")
        elif not body.rstrip().endswith(b"</html>") or len(set(marks)) != 1:
            tally.fail(f"{path}: not one whole page of one build (marks {marks})")
        else:
            tally.ok(int(marks[0]))
    conn.close()


def _change_files(site: Path, rng: random.Random) -> list[int]:
    """CHANGES edits in bursts: article bodies, and the base template's build mark."""
    base = site / "templates" / "base.html"
    articles = sorted((site / "content").glob("*.md"))
    marks, done = [], 0
    while done < CHANGES:
        burst = rng.randint(20, 60)
        for path in rng.sample(articles, min(burst, CHANGES - done - 1)):
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"\nفقرة أضيفت في التعديل {done}.\n")
            done += 1
        mark = len(marks) + 1
        text = MARK_RE.sub(f"<!-- build-mark {mark} -->".encode(), base.read_bytes())
        base.write_bytes(text)
        marks.append(mark)
        done += 1
        time.sleep(rng.uniform(0.2, 1.0))
    return marks


@pytest.mark.slow
def test_200_clients_while_500_files_change_get_whole_pages(tmp_path):
    site = tmp_path / "site"
    write_archive(site, 300)
    base = site / "templates" / "base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</body>", "<!-- build-mark 0 -->\n</body>"), encoding="utf-8"
    )
    server, port, log = _start(site)
    try:
        slugs = sorted(p.stem for p in (site / "content").glob("*.md"))[:100]
        paths = ["/", "/politics/", "/archive/", "/search/"] + [f"/{quote(s)}/" for s in slugs]
        rss_start = _rss_mb(server.pid)
        stop, tally = threading.Event(), _Tally()
        clients = [
            threading.Thread(target=_client, args=(port, paths, stop, tally, n), daemon=True) for n in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        rss_peak = rss_start
        changer = threading.Thread(target=lambda: marks.extend(_change_files(site, random.Random(5))))
        marks: list[int] = []
        changer.start()
        while changer.is_alive():
            rss_peak = max(rss_peak, _rss_mb(server.pid))
            time.sleep(0.2)
        deadline = time.monotonic() + 60  # the last change's rebuild reaches the clients
        while max(marks) not in tally.marks and time.monotonic() < deadline and not tally.failures:
            rss_peak = max(rss_peak, _rss_mb(server.pid))
            time.sleep(0.2)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        assert server.poll() is None, "the server died:\n" + "\n".join(log[-20:])
        assert tally.failures == [], tally.failures[:10]
        assert max(marks) in tally.marks, "the last change never reached the clients"
        assert len(tally.marks) >= 3, tally.marks  # responses came from several builds, each whole
        assert tally.served >= 2 * CLIENTS
        assert rss_peak - rss_start < 200, f"memory grew from {rss_start:.0f} MB to {rss_peak:.0f} MB"
        rebuilds = [line for line in log if line.startswith("built:")]
        assert len(rebuilds) >= 3
        print(
            f"{tally.served} requests served by {CLIENTS} clients over {len(rebuilds)} rebuilds "
            f"({len(marks)} template edits, {CHANGES} changes); server RSS {rss_start:.0f} -> {rss_peak:.0f} MB"
        )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # still up, still answering
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
