"""Reading and finishing on every core: the same result as one process, progress on every
page, and a worker that dies mid-import ends the import with an error instead of hanging
it, leaving every file whole."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT
from pages import text_dump

from site_builder.content import parse_article
from site_builder.importer import finishing, reading
from site_builder.importer.run import ImportOptions, import_sources

REAL = ROOT / "tests" / "fixtures" / "real" / "mirror"
ARABIC = (
    "arabic.sputniknews.com/1550981615.html",
    "www.youm7.com/1691196862.html",
    "www.albayan.ae/1623715966.html",
    "www.almadenahnews.com/1588107198.html",
    "www.bbc.com/c720dxj8dq8o.html",
)  # ~1 MB of real pages


def _mirror(tmp_path: Path, dumps: int = 40) -> Path:
    """Text dumps with distinct titles, and real Arabic pages (bytes enough for the workers)."""
    src = tmp_path / "mirror"
    for n in range(dumps):
        path = src / f"dump{n:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text_dump(title=f"خبر رقم {n} عن المنتخب في التصفيات"), encoding="utf-8")
    for name in ARABIC:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes((REAL / name).read_bytes())
    return src


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_workers_read_as_one_process_does(tmp_path, monkeypatch):
    src = _mirror(tmp_path)
    monkeypatch.setattr(finishing, "_MIN_PARALLEL", 2)  # finished on the workers too,
    monkeypatch.setattr(finishing, "_CHUNK", 4)  # in chunks that come back out of order
    outputs = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("SITE_BUILDER_JOBS", jobs)
        seen: list[tuple[int, int]] = []
        out = tmp_path / f"content-{jobs}"
        report = import_sources(
            [src], ImportOptions(out=out), lambda done, total, seen=seen: seen.append((done, total))
        )
        total = sum(1 for p in src.rglob("*") if p.is_file())
        assert report.counts["imported"] == total - report.counts["skipped"], report.problems
        assert seen == [(n, total) for n in range(1, total + 1)]  # every page, in order of count
        outputs.append(_files(out))
    assert reading._worth_forking(2, [f for f in _sources(src)])
    assert outputs[0] == outputs[1]


def _sources(src: Path):
    from site_builder.importer.run import find_sources

    return list(find_sources([src]))


def test_a_small_job_is_read_in_this_process(tmp_path):
    src = tmp_path / "mirror"
    src.mkdir()
    for n in range(5):
        (src / f"{n}.txt").write_text(text_dump(title=f"خبر رقم {n} عن المنتخب"), encoding="utf-8")
    assert not reading._worth_forking(2, _sources(src))
    assert not reading._worth_forking(1, _sources(_mirror(tmp_path)))


DYING_IMPORT = """
import os, signal, sys, time
from pathlib import Path
from site_builder import cli, output
from site_builder.importer import finishing, reading, run

pids, where = Path(sys.argv[1]), sys.argv[2]

def dying(source, written=None):
    (pids / str(os.getpid())).touch()
    if source.path.name == "dump025.txt":
        deadline = time.monotonic() + 30
        while written and len(list(written.glob("*.md"))) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the pages before it are in place, however slow the machine
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a user would

if where == "reading":
    real_parse = run.parse_source
    run.parse_source = lambda raw, source: dying(source) or real_parse(raw, source)
else:
    real_finish = finishing.finish
    out = Path(sys.argv[sys.argv.index("--out") + 1])
    finishing.finish = lambda read, *rest: dying(read.source, out) or real_finish(read, *rest)
    finishing._MIN_PARALLEL = 2
    run.BatchedWrites = lambda: output.BatchedWrites(4)  # some files are in place when it dies
reading._CHUNK = finishing._CHUNK = 4  # several chunks ahead of the dead one, and after it
sys.exit(cli.main(sys.argv[3:]))
"""


@pytest.mark.slow
def test_a_killed_worker_stops_the_import_cleanly(tmp_path):
    def nothing_written(out: Path) -> None:
        assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))  # no article, state, temp

    _import_with_a_dying_worker(tmp_path, "reading", nothing_written)


@pytest.mark.slow
def test_a_worker_killed_while_finishing_leaves_whole_files(tmp_path):
    def whole_files(out: Path) -> None:
        assert not list(out.rglob(".*.tmp")) and not (out / ".import-state.json").exists()
        written = sorted(out.glob("*.md"))
        assert 4 <= len(written) < 40, written  # the batches before the dead worker's page
        for path in written:  # each whole, as the build reads it
            parse_article(path.read_text(encoding="utf-8"), path.name)

    _import_with_a_dying_worker(tmp_path, "finishing", whole_files)


def _import_with_a_dying_worker(tmp_path: Path, where: str, check: Callable[[Path], None]) -> None:
    """Import with a worker killed at dump025 while `where`: the import fails cleanly, no
    worker outlives it, check(out) holds, and the next import (no worker dying) imports
    everything."""
    src, out, pids = _mirror(tmp_path), tmp_path / "content", tmp_path / "pids"
    pids.mkdir()
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", DYING_IMPORT, str(pids), where, "import", str(src), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SITE_BUILDER_JOBS": "2"},
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr
    assert f"a worker process died while {where} the pages" in result.stderr, result.stderr
    assert ("nothing was written" if where == "reading" else "the files written are whole") in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    check(out)
    workers = {int(p.name) for p in pids.iterdir()}
    assert len(workers) >= 2
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "a worker outlived the import"

    # The next import, with no worker dying, imports everything.
    again = subprocess.run(
        [sys.executable, "-m", "site_builder", "import", str(src), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SITE_BUILDER_JOBS": "2"},
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert ", 0 failed" in again.stderr


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


class _Terminal:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_on_a_terminal_progress_is_one_line_redrawn(monkeypatch):
    from site_builder import cli

    terminal = _Terminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    clock = iter(range(1000))
    monkeypatch.setattr(cli.time, "monotonic", lambda: float(next(clock)))  # a second between calls
    show = cli._progress_printer()
    for done in range(1, 101):
        show(done, 100)
    frames = terminal.text.split("\r")[1:]
    assert len(frames) == 100 and terminal.text.count("\n") == 1 and terminal.text.endswith("\n")
    assert frames[49].startswith("[############............] 50/100 files, 1/s, 0:50 left")
    assert frames[-1].startswith("[########################] 100/100 files")


def test_the_bar_reads_done_rate_and_time_left():
    from site_builder.cli import _bar

    assert _bar(3456, 10000, 3456, 40.0, "files") == "[########................] 3456/10000 files, 86/s, 1:15 left"
    assert _bar(0, 10000, 0, 0.0, "files").endswith("0/10000 files, 0/s, -:-- left")
