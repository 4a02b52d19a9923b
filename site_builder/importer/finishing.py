"""Finishing the pages read, on every core, once the site-wide learning has seen them all:
each page loses its site's repeated blocks and title suffix (sitewide.finish), gets its
date settled, becomes an Article, and is rendered to the text of its file and read back
as the build will read it (validate.py).

run.py has chosen each page's slug and file before (a slug depends on the pages before
it, so they are chosen in order, in one process); the rest depends on the page alone,
so it runs on forked workers (forked.py) that see the pages read and what was learnt
without anything pickled, and run.py writes each file as it comes back, in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, SiteError
from ..model import Article, Image, Source
from ..text import slugify
from ..workers import jobs_wanted
from . import forked, sitewide
from .dates import full_dates
from .page import FoundDate, Paragraph, ParsedPage
from .validate import check_importable
from .write import body_markdown, render_file

if TYPE_CHECKING:
    from .reading import Read
    from .run import ImportOptions

_CHUNK = 32  # pages per task (~1 ms each)
_MIN_PARALLEL = 200  # below this many pages, forking costs more than it saves

_JOB: tuple[list[Read], list[Todo], sitewide.SiteKnowledge, ImportOptions] | None = None


@dataclass(frozen=True)
class Todo:
    """A page to finish: its place in the reads, and the slug and file run.py chose for it."""

    at: int
    slug: str
    path: Path


@dataclass(frozen=True)
class Finished:
    """A finished page: the text of its file ("" when it failed), the mirror's image files
    to copy beside it (from, to), and the warnings or the error to report."""

    text: str = ""
    copies: tuple[tuple[Path, Path], ...] = ()
    problems: tuple[Problem, ...] = ()


def finish_all(
    reads: list[Read], todo: list[Todo], knowledge: sitewide.SiteKnowledge, options: ImportOptions
) -> Iterator[Finished]:
    """Each page of `todo` finished, in order. SiteError when a worker process dies."""
    global _JOB
    jobs = jobs_wanted()
    if jobs < 2 or len(todo) < _MIN_PARALLEL or not forked.can_fork():
        for item in todo:
            yield finish(reads[item.at], item.slug, knowledge, options)
        return
    chunks = [(start, min(start + _CHUNK, len(todo))) for start in range(0, len(todo), _CHUNK)]
    _JOB = (reads, todo, knowledge, options)  # set before the pool starts: the workers are forked with it
    try:
        for part in forked.chunk_results(_finish_chunk, chunks, jobs):
            yield from part
    except forked.WorkerDied as died:
        raise SiteError(
            f"a worker process died while finishing the pages ({died.done} of {len(todo)} written): killed, "
            "or out of memory; the files written are whole. Run the import again to finish it"
        ) from None
    finally:
        _JOB = None


def _finish_chunk(start: int, stop: int) -> list[Finished]:
    assert _JOB is not None
    reads, todo, knowledge, options = _JOB
    return [finish(reads[item.at], item.slug, knowledge, options) for item in todo[start:stop]]


def finish(read: Read, slug: str, knowledge: sitewide.SiteKnowledge, options: ImportOptions) -> Finished:
    """One page read → the text of its file; a page the build would refuse fails here."""
    assert read.parsed is not None
    path = read.source.path
    prints = read.traits.blocks if read.traits else ()
    parsed, _dropped = sitewide.finish(read.parsed, read.host, knowledge, prints)
    problems = [Problem("warning", message) for message in parsed.warnings]
    try:
        date, note = settle_date(parsed, options.date, path)
        if note:
            problems.append(Problem("warning", note, str(path)))
        images, copies = _placed_images(parsed, options.out, slug)
        article = Article(
            title=parsed.title,
            slug=slug,
            date=date.value,
            date_source=date.source,
            category=parsed.category,
            summary=parsed.summary,
            body=body_markdown(parsed.blocks),
            images=images,
            see_also=parsed.see_also,
            related=parsed.related,
            source=Source(read.source.key, read.fmt, read.sha, parsed.url),
            extra=_extra(parsed),
        )
        text = render_file(article)
        check_importable(text, slug, path)
    except SiteError as err:
        return Finished(problems=(*problems, Problem.from_error(err if err.path else err.at(path))))
    except OSError as err:
        return Finished(problems=(*problems, Problem("error", err.strerror or str(err), str(path))))
    return Finished(text, copies, tuple(problems))


def settle_date(parsed: ParsedPage, given: dt.date | None, path: Path) -> tuple[FoundDate, str]:
    """--date, then what the page states, then the latest full date it mentions, then mtime;
    and a warning when the date is a guess."""
    if given:
        return FoundDate(given, "cli"), ""
    if parsed.date:
        return parsed.date, ""
    mentioned = full_dates(" ".join(_own_text(parsed)))
    if mentioned:
        latest = max(mentioned)
        return FoundDate(latest, "inferred"), f"no publication date; inferred {latest} from the text"
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    return FoundDate(mtime, "file"), f"no date in the page; using the file's time {mtime}"


def _own_text(parsed: ParsedPage) -> Iterator[str]:
    """The article's own words; related cards speak of other days."""
    yield parsed.title
    yield parsed.summary
    for img in parsed.images:
        yield img.caption
    for block in parsed.blocks:
        if isinstance(block, Paragraph):
            yield block.text


def _extra(parsed: ParsedPage) -> dict[str, object]:
    extra: dict[str, object] = {}
    if parsed.authors:
        extra["authors"] = list(parsed.authors)
    if parsed.tags:
        extra["tags"] = list(parsed.tags)
    if parsed.updated is not None:
        extra["updated"] = parsed.updated
    return extra


def _placed_images(parsed: ParsedPage, out: Path, slug: str) -> tuple[tuple[Image, ...], tuple[tuple[Path, Path], ...]]:
    """Images the mirror holds go into `<slug>/` beside the article, and their src points
    there; the others keep their URL. The copies are run.py's to make."""
    placed, copies = [], []
    for index, image in enumerate(parsed.images):
        local = parsed.image_files[index] if index < len(parsed.image_files) else None
        if local is None:
            placed.append(image)
            continue
        name = f"{index + 1:02d}-{slugify(local.stem, 40)}{local.suffix.lower()}"
        copies.append((local, out / slug / name))
        placed.append(replace(image, src=f"{slug}/{name}"))
    return tuple(placed), tuple(copies)
