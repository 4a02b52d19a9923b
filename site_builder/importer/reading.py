"""Reading a mirror's files on every core: bytes → ParsedPage, a skip reason or an error.

Reading is the costly part of an import (parsing, choosing the article, converting
it), and each file's reading depends on that file alone, so it is spread over
forked worker processes. A file whose bytes are those of the last import (same
digest, same importer) is not read again: its outcome and its traits for the
site-wide learning come from the import state.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, SiteError
from ..workers import jobs_wanted
from . import classify, sitewide
from .htmlpage import host_of
from .page import ParsedPage

if TYPE_CHECKING:
    from .run import ExistingFiles, SourceFile
    from .state import ImportState

_MIN_PARALLEL = 1000  # below this, forking costs more than it saves (and a worker killed mid-pool would hang it)
_BATCH = 16


@dataclass(frozen=True)
class Read:
    """One source after reading: exactly one of parsed, skip, error (or none: unchanged)."""

    source: SourceFile
    sha: str
    fmt: str = ""
    parsed: ParsedPage | None = None
    skip: str = ""
    error: Problem | None = None
    traits: sitewide.PageTraits | None = None

    @property
    def host(self) -> str:
        return self.traits.host if self.traits else ""


def read_all(sources: list[SourceFile], existing: ExistingFiles, state: ImportState,
             progress: Callable[[int, int], None] | None, force: bool = False) -> list[Read]:
    """Every source read, in the sources' order (with `force`, even those the state knows)."""
    jobs = jobs_wanted()
    work = [(s, existing, state, force) for s in sources]
    results: list[Read] = []
    if jobs < 2 or len(sources) < _MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        for item in work:
            results.append(_read(item))
            if progress:
                progress(len(results), len(sources))
        return results
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_die_with_parent) as pool:
        for read in pool.imap(_read, work, chunksize=_BATCH):
            results.append(read)
            if progress:
                progress(len(results), len(sources))
    return results


def _die_with_parent() -> None:
    """A worker ends when the import is killed, instead of holding its pipes open."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def _read(item: tuple[SourceFile, ExistingFiles, ImportState, bool]) -> Read:
    source, existing, state, force = item
    from .run import parse_source

    try:
        raw = source.path.read_bytes()
    except OSError as err:
        return Read(source, "", error=Problem("error", err.strerror or str(err), str(source.path)))
    sha = hashlib.sha256(raw).hexdigest()
    known = None if force else state.unchanged(source.key, sha)
    if known is not None and (known.skip or existing.find(source.key, sha) is not None):
        return Read(source, sha, skip=known.skip, traits=known.traits)
    try:
        parsed, fmt = parse_source(raw, source)
    except classify.NotAnArticle as skip:
        return Read(source, sha, skip=skip.reason)
    except SiteError as err:
        return Read(source, sha, error=Problem.from_error(err if err.path else err.at(source.path)))
    except RecursionError:
        return Read(source, sha, error=Problem("error", "elements nested too deeply to read", str(source.path)))
    return Read(source, sha, fmt, parsed, traits=sitewide.traits(parsed, _host(source, parsed)))


def _host(source: SourceFile, parsed: ParsedPage) -> str:
    host = host_of(parsed.url) if parsed.url else ""
    return host or (source.key.split("/")[0] if "/" in source.key else str(Path(source.root)))
