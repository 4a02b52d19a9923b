"""Chunks of an import's work on forked worker processes: its two passes over the pages
(reading them, then finishing them once the site-wide learning has seen them all).

The workers are forked when the pool starts, so they see this process's memory as it
is then (the sources, the pages read, what was learnt) and nothing of it is pickled.
They are sent (start, stop) ranges, a few per worker ahead, and each chunk's results
are yielded in the chunks' order as soon as it and those before it are in, so the
caller can write while the workers go on. A worker that dies (killed, out of memory)
breaks the pool at once: WorkerDied, never a hang; the other workers are killed.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
Chunk = tuple[int, int]  # (start, stop) in the caller's list of items
AHEAD = 3  # tasks queued per worker, so that none waits for the next


class WorkerDied(Exception):
    """A worker process died; `done` items had been yielded before."""

    def __init__(self, done: int):
        super().__init__(done)
        self.done = done


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def chunk_results(work: Callable[[int, int], list[T]], chunks: list[Chunk], jobs: int) -> Iterator[list[T]]:
    """work(start, stop) for every chunk, computed in `jobs` workers forked now, yielded in
    the chunks' order. `work` must be a module-level function (it is sent by name)."""
    done: dict[int, list[T]] = {}
    count, following, failed = 0, 0, True
    gc.freeze()  # the workers' collections then leave this process's objects (and their pages) alone
    pool = ProcessPoolExecutor(
        max(1, min(jobs, len(chunks))),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    try:
        waiting = iter(range(len(chunks)))
        running: dict[Future[list[T]], int] = {}
        for at in islice(waiting, jobs * AHEAD):
            running[pool.submit(work, *chunks[at])] = at
        broken = False
        while running and not broken:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                at = running.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True  # the chunks finished beside it are still yielded
                    continue
                done[at] = future.result()
                for at in islice(waiting, 0 if broken else 1):
                    running[pool.submit(work, *chunks[at])] = at
            while following in done:
                part = done.pop(following)
                following += 1
                count += len(part)
                yield part
        if broken:
            raise WorkerDied(count)
        failed = False
    except BrokenProcessPool:  # from submit(), once the pool is broken
        raise WorkerDied(count) from None
    finally:
        _stop(pool, failed)
        gc.unfreeze()


def _stop(pool: ProcessPoolExecutor, now: bool) -> None:
    """Shut the pool down; `now` (an error, Ctrl-C, the caller stopped) without waiting for
    the chunks in hand."""
    if not now:
        pool.shutdown(wait=True)
        return
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()
            process.join(5)


def _start_worker(parent: int) -> None:
    """A worker ends when the import is killed, instead of holding its pipes open; Ctrl-C
    is the parent's to handle (it stops the workers), not a traceback from each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
