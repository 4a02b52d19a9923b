"""The import command's work: mirror files in, one Markdown file per article out.

Reads every source, parses it with the parser its content calls for, settles
slug and date, and writes only what changed; a bad file is reported and the
rest go on. Nothing here prints: progress and problems go to the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from ..errors import Problem, SiteError
from ..output import BatchedWrites, remove_stale_temps
from ..text import short_hash, slugify
from . import classify, finishing, htmlpage, sitewide, textdump
from .decode import decode
from .page import ParsedPage
from .reading import Read, read_all
from .state import ImportState
from .write import edited_by_hand

# Files a mirror holds beside its pages that are never article pages.
ASSET_SUFFIXES = frozenset(
    (
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".avif",
        ".svg",
        ".ico",
        ".bmp",
        ".css",
        ".js",
        ".mjs",
        ".map",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".mp4",
        ".webm",
        ".mp3",
        ".ogg",
        ".pdf",
        ".zip",
        ".gz",
    )
)
_SOURCE_RE = re.compile(r"^source:\n  path: (?P<path>.+)\n  format: .*\n  sha256: (?P<sha>[0-9a-f]{64})$", re.MULTILINE)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """What the command line asked for."""

    out: Path
    date: dt.date | None = None
    force: bool = False


@dataclass
class ImportReport:
    """Counts by outcome (imported, updated, unchanged, skipped, failed) and problems."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts["failed"]


@dataclass(frozen=True)
class SourceFile:
    """A mirror file and its stable name: the path below the folder it was found in."""

    path: Path
    key: str
    root: Path


def find_sources(args: list[Path]) -> Iterator[SourceFile]:
    """Files named, and files below folders named (sorted, hidden and asset files skipped)."""
    for arg in args:
        if arg.is_dir():
            for path in sorted(p for p in arg.rglob("*") if p.is_file()):
                rel = path.relative_to(arg)
                if _is_page_candidate(rel):
                    yield SourceFile(path, rel.as_posix(), arg)
        elif arg.is_file():
            yield SourceFile(arg, arg.name, _mirror_root(arg))
        else:
            raise SiteError("no such file or folder", arg)


def _mirror_root(page: Path) -> Path:
    """For a page named alone, the folder above its host folder (`mirror/` for
    `mirror/khabarain.example/sport/x.html`), so its images can still be found."""
    for parent in page.resolve().parents:
        if "." in parent.name and not parent.name.startswith("."):
            return parent.parent
    return page.parent


def _is_page_candidate(rel: Path) -> bool:
    return not any(part.startswith(".") for part in rel.parts) and rel.suffix.lower() not in ASSET_SUFFIXES


def import_sources(args: list[Path], options: ImportOptions, progress: Progress | None = None) -> ImportReport:
    """Import every source (see _import_sources). The cycle collector is left as it is: held
    back (gcpolicy), the 10,000-page benchmark read slower (289 s of CPU against 217–225 s)."""
    return _import_sources(args, options, progress)


def _import_sources(args: list[Path], options: ImportOptions, progress: Progress | None) -> ImportReport:
    """Import every source; one file's failure never stops the others.

    Pages are read on every core (the costly part), then the mirror's knowledge of
    each site is learnt from all of them (sitewide.py), then each page gets its slug
    and file (in the sources' order, so the result does not depend on the cores), is
    finished on every core (finishing.py) and written here as it comes back."""
    report = ImportReport()
    sources = _sources(args, report)
    remove_stale_temps(options.out)  # a killed import's half-written files
    existing = _existing_files(options.out)
    state = ImportState.load(options.out)
    reads = read_all(sources, existing, state, progress, options.force)
    knowledge = sitewide.SiteKnowledge()
    for read in reads:
        if read.traits is not None:
            knowledge.add(read.traits)
    todo = _choose_files(reads, options.out, existing, knowledge)
    finished = zip(todo, finishing.finish_all(reads, todo, knowledge, options), strict=True)
    fresh = ImportState()
    with BatchedWrites() as writer:
        for read in reads:
            outcome = _settle(read, next(finished) if read.packed else None, options.force, report, writer)
            report.counts[outcome] += 1
            fresh.remember(read)
    fresh.save(options.out)  # after the batch is in place: the state never runs ahead of the files
    return report


def _choose_files(
    reads: list[Read], out: Path, existing: ExistingFiles, knowledge: sitewide.SiteKnowledge
) -> list[finishing.Todo]:
    """Each page to finish, with its file: the one it made before, else a new slug from its
    title (`-2`, `-3` … after the slugs taken by the files there and the pages before it)."""
    taken = {p.stem for p in out.glob("*.md")}
    todo = []
    for at, read in enumerate(reads):
        if not read.packed:
            continue
        target = existing.find(read.source.key, read.sha)
        slug = (
            target.stem
            if target
            else _unique_slug(slugify(knowledge.title(read.title, read.site_name, read.host)), taken)
        )
        taken.add(slug)
        todo.append(finishing.Todo(at, slug, target or out / f"{slug}.md"))
    return todo


def _sources(args: list[Path], report: ImportReport) -> list[SourceFile]:
    """The files to read; a source that does not exist is reported and the others go on."""
    found: list[SourceFile] = []
    for arg in args:
        try:
            found.extend(find_sources([arg]))
        except SiteError as err:
            report.problems.append(Problem.from_error(err))
            report.counts["failed"] += 1
    return found


def _settle(
    read: Read,
    done: tuple[finishing.Todo, finishing.Finished] | None,
    force: bool,
    report: ImportReport,
    writer: BatchedWrites,
) -> str:
    """What becomes of one read page: skipped, failed, unchanged, or written."""
    if read.error is not None:
        report.problems.append(read.error)
        return "failed"
    if read.skip:
        report.problems.append(Problem("skipped", read.skip, str(read.source.path)))
        return "skipped"
    if done is None:
        return "unchanged"
    todo, finished = done
    report.problems.extend(finished.problems)
    if not finished.text:
        return "failed"
    try:
        _copy_images(finished.copies, writer)
        return _write(finished.text, read.sha, todo.path, force, report, writer)
    except OSError as err:
        report.problems.append(Problem("error", err.strerror or str(err), str(read.source.path)))
    return "failed"


@dataclass
class ExistingFiles:
    """The content files already imported, found by their source's path or bytes.

    A mirror may be imported from another folder level next time (`mirror/` vs
    `mirror/site/`), so a path that ends like a known one at a `/`, or a source
    with the same digest, still finds the file it made before.
    """

    by_path: dict[str, Path] = field(default_factory=dict)
    by_sha: dict[str, Path] = field(default_factory=dict)

    def find(self, key: str, sha: str) -> Path | None:
        if key in self.by_path:
            return self.by_path[key]
        if sha in self.by_sha:
            return self.by_sha[sha]
        near = [p for known, p in self.by_path.items() if known.endswith("/" + key) or key.endswith("/" + known)]
        return near[0] if len(near) == 1 else None


def _existing_files(out: Path) -> ExistingFiles:
    found = ExistingFiles()
    for path in sorted(out.glob("*.md")):
        head = path.read_text(encoding="utf-8", errors="replace")[:65536]
        match = _SOURCE_RE.search(head)
        if match:
            found.by_path[_yaml_scalar(match.group("path"))] = path
            found.by_sha[match.group("sha")] = path
    return found


def _yaml_scalar(raw: str) -> str:
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return str(value)


def parse_source(raw: bytes, source: SourceFile) -> tuple[ParsedPage, str]:
    """One source's bytes → ParsedPage and its format; NotAnArticle or SiteError otherwise."""
    where = str(source.path)
    classify.check_text(raw[:65536].decode("latin-1"))
    text = decode(raw, where, htmlpage.declared_charset(raw[:4096]))
    classify.check_text(text)
    if htmlpage.looks_like_html(text):
        return htmlpage.parse(text, where, source.path, source.root, _mirror_url(source)), "html"
    return textdump.parse(text, where), "text"


def _mirror_url(source: SourceFile) -> str:
    """Where a wget mirror's file was served from: `host/path` → https://host/path."""
    parts = source.key.split("/")
    host = parts[0] if len(parts) > 1 else ""
    if not re.fullmatch(r"[\w-]+(?:\.[\w-]+)+(?::\d+)?", host):
        return ""
    path = "/".join(parts[1:])
    path = "" if path in ("index.html", "index.htm") else path
    return f"https://{host}/{quote(path)}"


def _unique_slug(slug: str, taken: set[str], limit: int = 80) -> str:
    """The slug, or the slug with `-2`, `-3` … (cut shorter first, so that a title already
    cut to the limit stays within it)."""
    if slug not in taken:
        return slug
    for n in range(2, 1000):
        suffix = f"-{n}"
        candidate = slug[: limit - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    suffix = f"-{short_hash(slug + str(len(taken)))}"
    return slug[: limit - len(suffix)].rstrip("-") + suffix


def _copy_images(copies: tuple[tuple[Path, Path], ...], writer: BatchedWrites) -> None:
    """The mirror's image files beside their article, where they differ from what is there."""
    for local, dest in copies:
        data = local.read_bytes()
        if not dest.exists() or dest.read_bytes() != data:
            writer.write(dest, data)


def _write(text: str, sha: str, path: Path, force: bool, report: ImportReport, writer: BatchedWrites) -> str:
    if not path.exists():
        writer.write(path, text)
        return "imported"
    old = path.read_text(encoding="utf-8", errors="replace")
    if old == text:
        return "unchanged"
    if edited_by_hand(old) and not force:
        if f"  sha256: {sha}\n" in old:  # the same source as last time: the person's edit stays
            return "unchanged"
        report.problems.append(
            Problem("warning", "edited by hand since its import; not overwritten (use --force)", str(path))
        )
        return "skipped"
    writer.write(path, text)
    return "updated"
