"""Reading a mirror's files on every core: bytes → ParsedPage, a skip reason or an error.

Reading is the costly part of an import (parsing, choosing the article, converting
it), and each file's reading depends on that file alone, so it is spread over
forked worker processes. A file whose bytes are those of the last import (same
digest, same importer) is not read again: its outcome and its traits for the
site-wide learning come from the import state.

The workers (forked.py) are forked with the sources, the existing files and the
import state already in memory, and are sent chunks of source numbers. Each sends
back its pages pickled and compressed, and that is how they are kept (a few KB a
page, not the tens of KB of the objects) until the site-wide learning has seen every
page and finishing.py finishes them. A worker that dies (killed, out of memory)
stops the import with an error before anything is written, never a hang.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, SiteError
from ..text import fold
from ..workers import jobs_wanted
from . import classify, forked, sitewide
from .htmlpage import host_of
from .page import ParsedPage

if TYPE_CHECKING:
    from .run import ExistingFiles, SourceFile
    from .state import ImportState

# Below this many bytes to read, forking costs more than it saves. Two workers start in
# ~15-20 ms, a real 100 KB page reads in ~25 ms: from two such pages on the pool wins
# (measured on 2 cores: 2 pages 107 → 82 ms, 16 pages 0.82 → 0.63 s, 64 pages 4.1 → 2.4 s),
# while a few dozen 1 KB text dumps read faster here.
_MIN_PARALLEL_BYTES = 200_000
_CHUNK = 16  # pages per task: enough to make a task's overhead small, few enough to balance the cores
_KNOWN = 64  # files the import state knows (most often unchanged: hashed, not read) count as one page
_FOLD_KEEP = 20_000  # a worker empties fold()'s cache past this many entries: every paragraph would stay in it

_JOB: tuple[list[SourceFile], ExistingFiles, ImportState, bool] | None = None  # what forked workers read
_unpacked: tuple[bytes, ParsedPage] | None = None  # the page unpacked last (run.py asks for it twice)


@dataclass(frozen=True)
class Read:
    """One source after reading: exactly one of parsed, skip, error (or none: unchanged)."""

    source: SourceFile
    sha: str
    fmt: str = ""
    packed: bytes = b""  # the ParsedPage, pickled and compressed
    skip: str = ""
    error: Problem | None = None
    traits: sitewide.PageTraits | None = None
    title: str = ""  # the page's title and site name, for choosing its slug without unpacking it
    site_name: str = ""

    @property
    def parsed(self) -> ParsedPage | None:
        global _unpacked
        if not self.packed:
            return None
        if _unpacked is None or _unpacked[0] is not self.packed:
            _unpacked = (self.packed, pickle.loads(zlib.decompress(self.packed)))
        return _unpacked[1]

    @property
    def host(self) -> str:
        return self.traits.host if self.traits else ""


def read_all(
    sources: list[SourceFile],
    existing: ExistingFiles,
    state: ImportState,
    progress: Callable[[int, int], None] | None,
    force: bool = False,
) -> list[Read]:
    """Every source read, in the sources' order (with `force`, even those the state knows).
    SiteError when a worker process dies: nothing has been written then."""
    jobs = jobs_wanted()
    if _worth_forking(jobs, sources):
        return _read_forked(sources, existing, state, force, jobs, progress)
    results: list[Read] = []
    for source in sources:
        results.append(_as_read(source, _read(source, existing, state, force), state))
        if progress:
            progress(len(results), len(sources))
    return results


def _worth_forking(jobs: int, sources: list[SourceFile]) -> bool:
    """More than one worker wanted, fork available, and enough bytes to read to pay for it."""
    if jobs < 2 or len(sources) < 2 or not forked.can_fork():
        return False
    total = 0
    for source in sources:
        try:
            total += source.path.stat().st_size
        except OSError:
            continue
        if total >= _MIN_PARALLEL_BYTES:
            return True
    return False


def _read_forked(
    sources: list[SourceFile],
    existing: ExistingFiles,
    state: ImportState,
    force: bool,
    jobs: int,
    progress: Callable[[int, int], None] | None,
) -> list[Read]:
    global _JOB
    outcomes: list[Read | str] = []
    _JOB = (sources, existing, state, force)  # set before the pool starts: the workers are forked with it
    try:
        for part in forked.chunk_results(_read_chunk, _chunks(sources, state, jobs), jobs):
            for outcome in part:
                outcomes.append(outcome)
                if progress:
                    progress(len(outcomes), len(sources))
    except forked.WorkerDied as died:
        raise SiteError(
            f"a worker process died while reading the pages ({died.done} of {len(sources)} read): killed, "
            "or out of memory; nothing was written. Run the import again (SITE_BUILDER_JOBS=1 reads "
            "in this process only)"
        ) from None
    finally:
        _JOB = None
    return [_as_read(source, outcome, state) for source, outcome in zip(sources, outcomes, strict=True)]


def _chunks(sources: list[SourceFile], state: ImportState, jobs: int) -> list[tuple[int, int]]:
    """Tasks as (start, stop) in `sources`: _CHUNK pages to read each (fewer in a small job, so
    that every worker gets some), a file the state knows counting 1/_KNOWN of a page."""
    budget = max(1, min(_CHUNK, len(sources) // (jobs * forked.AHEAD))) * _KNOWN
    chunks, start, cost = [], 0, 0
    for at, source in enumerate(sources):
        cost += 1 if source.key in state.entries else _KNOWN
        if cost >= budget:
            chunks.append((start, at + 1))
            start, cost = at + 1, 0
    if start < len(sources):
        chunks.append((start, len(sources)))
    return chunks


def _read_chunk(start: int, stop: int) -> list[Read | str]:
    assert _JOB is not None
    sources, existing, state, force = _JOB
    reads = [_read(source, existing, state, force) for source in sources[start:stop]]
    if fold.cache_info().currsize > _FOLD_KEEP:
        fold.cache_clear()
    return reads


def _as_read(source: SourceFile, outcome: Read | str, state: ImportState) -> Read:
    """A read, or a digest the state knows unchanged: its outcome and traits are the state's."""
    if isinstance(outcome, Read):
        return outcome
    known = state.unchanged(source.key, outcome)
    assert known is not None
    return Read(source, outcome, skip=known.skip, traits=known.traits)


def _read(source: SourceFile, existing: ExistingFiles, state: ImportState, force: bool) -> Read | str:
    """The source read; only its digest when the state knows it unchanged (a worker then sends
    64 characters back, not the source and its traits, which this process has)."""
    from .run import parse_source

    try:
        raw = source.path.read_bytes()
    except OSError as err:
        return Read(source, "", error=Problem("error", err.strerror or str(err), str(source.path)))
    sha = hashlib.sha256(raw).hexdigest()
    known = None if force else state.unchanged(source.key, sha)
    if known is not None and (known.skip or existing.find(source.key, sha) is not None):
        return sha
    try:
        parsed, fmt = parse_source(raw, source)
    except classify.NotAnArticle as skip:
        return Read(source, sha, skip=skip.reason)
    except SiteError as err:
        return Read(source, sha, error=Problem.from_error(err if err.path else err.at(source.path)))
    except RecursionError:
        return Read(source, sha, error=Problem("error", "elements nested too deeply to read", str(source.path)))
    packed = zlib.compress(pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL), 1)
    traits = sitewide.traits(parsed, _host(source, parsed))
    return Read(source, sha, fmt, packed, traits=traits, title=parsed.title, site_name=parsed.site_name)


def _host(source: SourceFile, parsed: ParsedPage) -> str:
    host = host_of(parsed.url) if parsed.url else ""
    return host or (source.key.split("/")[0] if "/" in source.key else str(Path(source.root)))
