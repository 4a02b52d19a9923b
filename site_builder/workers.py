"""Work on every core: forked workers parse content files, render and write pages
(finding each article's search keys beside it), and write the search index's files.

Parse workers send back what they parsed. Render and file workers are forked after
the plan is made, so they share the model with the parent (copy-on-write) instead
of receiving it pickled; each writes straight into the staging folder and reports
what it wrote. Every page is a pure function of the model, so the output is the
same as a one-process build.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .errors import Problem
from .markdown import BodyNote
from .output import OutputWriter, StagedOutput, Written
from .plan import PageSpec
from .urls import output_file

if TYPE_CHECKING:
    from .render import Renderer

CHUNK = 256  # pages per task: small enough to balance the cores and report progress
MIN_PARALLEL = 1500  # below this, forking costs more than it saves

_JOB: tuple[Renderer, OutputWriter, PageSide | None] | None = None
Report = tuple[Written, dict[str, list[Problem]], dict[str, BodyNote], Any]


def jobs_wanted() -> int:
    """Worker count: SITE_BUILDER_JOBS, else the cores this process may use."""
    configured = os.environ.get("SITE_BUILDER_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _worth_forking(jobs: int, count: int, minimum: int) -> bool:
    """More than one worker wanted, enough work to pay for the fork, and fork available."""
    return jobs > 1 and count >= minimum and "fork" in multiprocessing.get_all_start_methods()


def map_batches(work: Callable[[list[Any]], list[Any]], items: list[Any], jobs: int, batch: int = 400) -> list[Any]:
    """work() over `items` in batches, in `jobs` forked processes when there are enough
    items to pay for them; the results in the order of the items."""
    if not _worth_forking(jobs, len(items), MIN_PARALLEL):
        return work(items)
    batches = [items[i : i + batch] for i in range(0, len(items), batch)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return [result for done in pool.map(work, batches) for result in done]


_FILES: tuple[Callable[[str], bytes], StagedOutput] | None = None


def write_files(staged: OutputWriter, paths: list[str], produce: Callable[[str], bytes], jobs: int) -> None:
    """Write produce(path) for each path, in `jobs` forked processes when there are many
    (the search index's files: turning tens of millions of postings into JSON)."""
    global _FILES
    if not isinstance(staged, StagedOutput) or not _worth_forking(jobs, len(paths), MIN_PARALLEL // 10):
        for path in paths:
            staged.write(path, produce(path))
        return
    _FILES = (produce, staged)
    try:
        batches = [paths[i : i + 32] for i in range(0, len(paths), 32)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for written in pool.imap_unordered(_write_batch, batches):
                staged.absorb(written)
        staged.changed.sort()
    finally:
        _FILES = None


def _write_batch(paths: list[str]) -> Written:
    assert _FILES is not None
    produce, staged = _FILES
    mark = staged.mark()
    for path in paths:
        staged.write(path, produce(path))
    return staged.since(mark)


class PageSide(Protocol):
    """Work done beside each rendered page, where the page is rendered (in a worker):
    page() right after the page, take() at the end of each chunk for what to send back;
    gather(n, taken) receives it in this process as chunk n is done (in any order)."""

    def page(self, spec: PageSpec) -> None: ...

    def take(self) -> Any: ...

    def gather(self, at: int, taken: Any) -> None: ...


def render_pages(
    renderer: Renderer,
    staged: OutputWriter,
    todo: list[PageSpec],
    jobs: int,
    progress: Callable[[int], None] | None = None,
    alongside: Callable[[], None] | None = None,
    side: PageSide | None = None,
) -> None:
    """Render and write `todo`, in `jobs` processes when there is enough work.

    `alongside` is other work for this process (the search index): it runs in a
    thread while the workers render, started only after they are forked (a fork
    never copies a process with a second thread running), and is done on return.
    """
    global _JOB
    _JOB = (renderer, staged, side)
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    try:
        if not _worth_forking(jobs, len(todo), MIN_PARALLEL):
            for at, chunk in enumerate(chunks):
                taken = _render_chunk(chunk)[-1]
                if side:
                    side.gather(at, taken)
                if progress:
                    progress(len(chunk))
            if alongside:
                alongside()
            return
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            thread = _Alongside(alongside)
            try:
                _collect(pool, chunks, renderer, staged, progress, side)
            finally:
                thread.join()
        staged.changed.sort()
    finally:
        _JOB = None


class _Alongside:
    """Run a callable in a thread; join() re-raises what it raised."""

    def __init__(self, work: Callable[[], None] | None):
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True) if work else None
        if self.thread:
            self.thread.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as err:
            self.error = err

    def join(self) -> None:
        if self.thread:
            self.thread.join()
        if self.error is not None:
            raise self.error


def _collect(
    pool: multiprocessing.pool.Pool,
    chunks: list[list[PageSpec]],
    renderer: Renderer,
    staged: OutputWriter,
    progress: Callable[[int], None] | None,
    side: PageSide | None,
) -> None:
    """Merge what the workers report into this process's writer and renderer."""
    for at, (written, problems, bodies, taken) in pool.imap_unordered(_render_numbered, enumerate(chunks)):
        staged.absorb(written)
        renderer.problems.update(problems)
        renderer.bodies.update(bodies)
        if side:
            side.gather(at, taken)
        if progress:
            progress(len(chunks[at]))


def _render_numbered(numbered: tuple[int, list[PageSpec]]) -> tuple[int, Report]:
    return numbered[0], _render_chunk(numbered[1])


def _render_chunk(chunk: list[PageSpec]) -> Report:
    """Render one task's pages; return what this call added to the writer's counters."""
    assert _JOB is not None
    renderer, staged, side = _JOB
    mark = staged.mark()
    problems_before, bodies_before = set(renderer.problems), set(renderer.bodies)
    for spec in chunk:
        staged.write(output_file(spec.path), renderer.render(spec))
        if side:
            side.page(spec)
    problems = {k: v for k, v in renderer.problems.items() if k not in problems_before}
    bodies = {k: v for k, v in renderer.bodies.items() if k not in bodies_before}
    return staged.since(mark), problems, bodies, side.take() if side else None
