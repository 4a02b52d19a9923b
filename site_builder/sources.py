"""Content files → Articles: every visible `.md` below content/, parsed on every core when
many changed; a file whose stat is the one the build state recorded is not read again."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .content import parse_bytes
from .errors import Problem, SiteError
from .model import Article
from .signatures import source_prefix
from .state import BuildState, ParsedFile
from .workers import jobs_wanted, map_batches


def parse_all(
    content: Path, root: Path, problems: list[Problem], state: BuildState, modified: set[str] | None = None
) -> list[tuple[str, Article]]:
    """Every content file as an Article; a file unchanged since the last build is not re-read.

    `modified`: the files (as the state names them) that the dev server's watcher saw
    modified, when that is all that changed: only they are looked at again, the others
    are the state's without a stat each (the walk is most of a one-article rebuild)."""
    if not content.is_dir():
        raise SiteError("content folder not found", content)
    found: list[tuple[str, os.DirEntry[str] | Path]]
    if modified is not None and modified <= state.parsed.keys():
        found = [(rel, root / rel) for rel in state.parsed]  # in the order of the walk that found them
    else:
        modified = None
        found = list(content_files(content, root))
    outcomes: dict[str, ParsedFile | Problem] = {}
    misses = []
    for rel, entry in found:
        cached = state.parsed.get(rel)
        if cached is not None and modified is not None and rel not in modified:
            outcomes[rel] = cached
            continue
        try:
            info = entry.stat()
        except OSError as err:
            outcomes[rel] = Problem("error", err.strerror or str(err), rel)
            continue
        stamp = (info.st_size, info.st_mtime_ns)
        if cached is not None and cached.stamp == stamp:
            outcomes[rel] = cached
        else:
            misses.append((rel, str(entry.path) if isinstance(entry, os.DirEntry) else str(entry), stamp))
    outcomes.update(map_batches(_parse_files, misses, jobs_wanted()))
    articles, parsed = [], {}
    for rel, _ in found:
        outcome = outcomes[rel]
        if isinstance(outcome, Problem):
            problems.append(outcome)
        else:
            parsed[rel] = outcome
            articles.append((rel, outcome.article))
    state.parsed = parsed
    return articles


def content_files(content: Path, root: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(name as the state knows it, entry) of every visible .md file, sorted: names are paths
    below the site (`content/…`), or below content/ when it lies elsewhere."""
    prefix = source_prefix(content, root)
    for name, entry in sorted(markdown_files(str(content))):
        yield f"{prefix}{name}", entry


def _parse_files(batch: list[tuple[str, str, tuple[int, int]]]) -> list[tuple[str, ParsedFile | Problem]]:
    """Parse content files (in a worker when there are many): each a ParsedFile or a Problem."""
    done: list[tuple[str, ParsedFile | Problem]] = []
    for rel, path, stamp in batch:
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            done.append((rel, ParsedFile(stamp, hashlib.sha256(raw).hexdigest(), parse_bytes(raw, rel).without_body())))
        except SiteError as err:
            done.append((rel, Problem.from_error(err if err.path else err.at(rel))))
        except OSError as err:
            done.append((rel, Problem("error", err.strerror or str(err), rel)))
    return done


def markdown_files(folder: str, rel: str = "") -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(path below content/, entry) of every visible .md file, without pathlib's per-file cost."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                yield from markdown_files(entry.path, name + "/")
            elif entry.name.endswith(".md") and entry.is_file():
                yield name, entry
