"""A body edit on the command line, without the site model.

Most edits of an archive fix words in an article's text, and nothing but the article's
own page and the search index shows a body. So when only bodies changed, the edited
pages get their new body spliced in where the last build put the old one, and the search
index learns their new words; the other articles' files and rows are never read.

It stands in for a build only when that build would change nothing else, which it checks
from the build state's rows (state.py): the same code, config, templates, static files
and images (the facts the last build recorded, build._facts), the same content files (by
their stats), each changed file's front matter, see-also titles and links as they were,
and the pages and search files it rewrites as the last build left them. Anything else,
and it returns None having written nothing: the caller builds as usual. What it writes is
what a build would write (a test compares the two byte for byte).
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from . import modeljson
from .config import SiteConfig
from .content import body_of_bytes, parse_bytes
from .errors import Problem, SiteError
from .markdown import BodyContext, body_problems, make_parser, render_body
from .model import Article, Site
from .output import write_atomic
from .search import KeyMemo, doc_keys, pack_keys
from .searchrows import RowEdit
from .signatures import (
    code_digest,
    file_term,
    global_digest,
    ground,
    index_signature,
    index_term,
    last_output_fingerprint,
    stamps_fingerprint,
    with_digest,
)
from .sources import content_files
from .state import (
    ArticlePage,
    ParsedFile,
    checksum,
    connect,
    foreign,
    source_row,
    stamp_of,
    stamps_hold,
    state_file,
    transaction,
)

Stamp = tuple[int, int]
_PARSER = functools.cache(make_parser)  # one Markdown parser, however many bodies are spliced


class _NotHere(Exception):
    """What changed is not a body edit this module can stand in for."""


@dataclass(frozen=True)
class _Edit:
    """One content file whose body alone changed, and its page with the new body."""

    rel: str
    stamp: Stamp
    digest: str
    was: str  # the digest the last build read
    article: Article
    body: str
    page: ArticlePage  # as it will be: its body note moved to the new body's end
    html: bytes  # the whole page
    problems: list[Problem]


@dataclass
class Spliced:
    """What the splice did, in the terms of a build's result."""

    pages: Counter[str]
    problems: list[Problem]
    changed: list[str]
    rendered: int
    files: int
    bytes: int
    output: str  # the output's fingerprint (signatures.output_fingerprint), as the splice left it


def splice_bodies(
    root: Path,
    out: Path,
    config: SiteConfig,
    levels: Callable[[list[Problem]], list[Problem]],
    sources: dict[str, Stamp] | None = None,
) -> Spliced | None:
    """Redo the pages of the articles whose body alone changed; None when that is not all that
    changed (or the state cannot tell), found before anything is written. (A write that fails
    also gives None: the build that follows finds the files whose stats its rows do not hold,
    and redoes them.) `levels` applies site.yml's levels to the problems, as a build does;
    `sources`: the content files' stamps, when the caller has just walked content/."""
    path = state_file(root)
    if not path.is_file() or not out.is_dir():
        return None
    try:
        with closing(connect(path)) as db:
            return _splice(db, root, out, config, levels, sources)
    except (_NotHere, sqlite3.Error, ValueError, KeyError, TypeError, SiteError, OSError, pickle.UnpicklingError):
        return None


def _splice(
    db: sqlite3.Connection,
    root: Path,
    out: Path,
    config: SiteConfig,
    levels: Callable[[list[Problem]], list[Problem]],
    sources: dict[str, Stamp] | None,
) -> Spliced:
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    facts = {k[len("fact:") :]: v for k, v in meta.items() if k.startswith("fact:")}
    if foreign(meta, out) or not _same_ground(facts, root, config):
        raise _NotHere
    files: dict[str, tuple] = {}  # the rows of the files it rewrites, by _edit and _search
    edits = [_edit(db, root, out, rel, stamp, files) for rel, stamp in _changed(db, root, config, sources)]
    index = _search(db, out, edits, files)
    signature = _index_signature(index, edits, facts, {e.rel: e.was for e in edits})
    written = _write(out, edits, index)
    size = int(facts["bytes"]) + sum(stamp[0] - (_file_stamp(files, p) or (0, 0))[0] for p, stamp in written.items())
    facts["bytes"] = str(size)
    _save(db, edits, written, files, index, signature, facts)
    found = [p for e in sorted(edits, key=lambda e: e.article.slug) for p in e.problems]  # as a build orders them
    problems = levels(levels([Problem(**p) for p in json.loads(facts["problems"])]) + found)
    output = _output_fingerprint(db, root, out, files, written)
    return Spliced(
        Counter(json.loads(facts["pages"])), problems, sorted(written), len(edits), int(facts["files"]), size, output
    )


def _same_ground(facts: dict[str, str], root: Path, config: SiteConfig) -> bool:
    """The code, config, templates, static files and images of the last build, and a last
    build that found no broken file and no missing image."""
    if facts.get("clean") != "1":
        return False
    now = ground(config, root, global_digest(config, root / config.templates_dir, code_digest()))
    return all(facts.get(key) == value for key, value in now.items()) and stamps_hold(
        json.loads(facts.get("images", "{}"))
    )


def _changed(
    db: sqlite3.Connection, root: Path, config: SiteConfig, sources: dict[str, Stamp] | None
) -> list[tuple[str, Stamp]]:
    """The content files whose stat moved since the last build, when no file came or went."""
    found = sources
    if found is None:
        found = {}
        for rel, entry in content_files(root / config.content_dir, root):
            info = entry.stat()
            found[rel] = (info.st_size, info.st_mtime_ns)
    known = {rel: (size, mtime) for rel, size, mtime in db.execute("SELECT rel, size, mtime_ns FROM sources")}
    if found.keys() != known.keys():
        raise _NotHere  # a file added, removed or renamed
    changed = sorted((rel, stamp) for rel, stamp in found.items() if known[rel] != stamp)
    if not changed:
        raise _NotHere  # what changed is elsewhere: the build finds it
    return changed


def _edit(db: sqlite3.Connection, root: Path, out: Path, rel: str, stamp: Stamp, files: dict[str, tuple]) -> _Edit:
    """One changed file, when its body alone changed and its page is as the build left it."""
    raw = (root / rel).read_bytes()
    article = parse_bytes(raw, rel).without_body()
    size, mtime, digest, stored, check = db.execute(
        "SELECT size, mtime_ns, digest, article, checksum FROM sources WHERE rel = ?", (rel,)
    ).fetchone()
    if bytes(check) != checksum(rel, size, mtime, digest, stored) or modeljson.loads(stored) != article:
        raise _NotHere  # the front matter, see-also titles or links moved
    row = db.execute("SELECT page FROM articles WHERE slug = ?", (article.slug,)).fetchone()
    if row is None:
        raise _NotHere
    page = ArticlePage.from_json(row[0])
    found = db.execute("SELECT size, mtime_ns, signature FROM files WHERE path = ?", (page.path,)).fetchone()
    if found is None:
        raise _NotHere
    files[page.path] = tuple(found)
    file = out / page.path
    if stamp_of(file) != _file_stamp(files, page.path):
        raise _NotHere  # the page was changed since the build wrote it
    note = page.body
    context = BodyContext(resolve=lambda title: note.see_also[title], links=note.links)
    body = body_of_bytes(raw, rel)  # the bytes whose digest is recorded, not a second read
    fresh = render_body(_PARSER(), body, context).encode("utf-8")
    old = file.read_bytes()
    html = old[: note.start] + fresh + old[note.end :]
    moved = replace(page, body=replace(note, end=note.start + len(fresh)))
    new = hashlib.sha256(raw).hexdigest()
    return _Edit(rel, stamp, new, digest, article, body, moved, html, body_problems(rel, context))


def _search(db: sqlite3.Connection, out: Path, edits: list[_Edit], files: dict[str, tuple]) -> RowEdit:
    """The edited articles moved to their new keys in the search index's rows, when the
    files that changes are as the last build left them."""
    index = RowEdit(db)
    memo = KeyMemo()
    for e in edits:
        slug = e.article.slug
        digest = hashlib.sha256((e.digest + e.page.card).encode()).hexdigest()  # Signer.search_digest
        _, was = index.doc(slug)
        if digest == was:
            continue
        stand_in = Site({slug: e.article}, (slug,), (), (), {}, {})
        found = doc_keys(stand_in, slug, {slug: e.body}.__getitem__, memo)
        if not index.move(slug, digest, found, pack_keys(*found)):
            raise _NotHere  # a common term's chunk files come or go
    query = "SELECT size, mtime_ns, signature FROM files WHERE path = ?"
    for path in index.files:
        row = db.execute(query, (path,)).fetchone()
        files[path] = tuple(row) if row else (None, None, None)
        if row is None or stamp_of(out / path) != _file_stamp(files, path):
            raise _NotHere  # a search file is not as the build left it
    return index


def _index_signature(index: RowEdit, edits: list[_Edit], facts: dict[str, str], was: dict[str, str]) -> str:
    """signatures.Signer.index() after the edits: each edited article's old share out of the
    sum, its new share in."""
    total = int(facts["index_sum"], 16)
    for e in edits:
        slug = e.article.slug
        at, _ = index.doc(slug)
        total ^= index_term(at, slug, was[e.rel], e.page.card) ^ index_term(at, slug, e.digest, e.page.card)
    facts["index_sum"] = f"{total:032x}"
    return index_signature(facts["base"], facts["order"], total)


def _write(out: Path, edits: list[_Edit], index: RowEdit) -> dict[str, Stamp]:
    """The pages and the search files that changed, each replaced whole; their new stats."""
    written = {}
    for path, data in [*((e.page.path, e.html) for e in edits), *((p, index.file(p)) for p in sorted(index.files))]:
        write_atomic(out / path, data)
        stamp = stamp_of(out / path)
        assert stamp is not None
        written[path] = stamp
    return written


def _save(
    db: sqlite3.Connection,
    edits: list[_Edit],
    written: dict[str, Stamp],
    files: dict[str, tuple],
    index: RowEdit,
    signature: str,
    facts: dict[str, str],
) -> None:
    """The rows of what changed, in one transaction (a kill before it leaves rows older than
    the files, which the next build notices by their stats and redoes)."""
    signatures = {p: row[2] for p, row in files.items()}
    for e in edits:
        signatures[e.page.path] = with_digest(e.page.frame, e.digest)
    with transaction(db):
        db.executemany(
            "INSERT OR REPLACE INTO sources (rel, size, mtime_ns, digest, article, checksum) VALUES (?, ?, ?, ?, ?, ?)",
            [source_row(e.rel, ParsedFile(e.stamp, e.digest, e.article)) for e in edits],
        )
        db.executemany(
            "INSERT OR REPLACE INTO files (path, size, mtime_ns, signature) VALUES (?, ?, ?, ?)",
            [(p, size, mtime, signatures.get(p)) for p, (size, mtime) in written.items()],
        )
        db.executemany(
            "INSERT OR REPLACE INTO articles (slug, page) VALUES (?, ?)",
            [(e.article.slug, e.page.to_json()) for e in edits],
        )
        index.save()
        db.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [("search_signature", signature), *((f"fact:{k}", facts[k]) for k in ("index_sum", "bytes"))],
        )


def _output_fingerprint(
    db: sqlite3.Connection, root: Path, out: Path, before: dict[str, tuple], written: dict[str, Stamp]
) -> str:
    """The output's fingerprint after the splice: the last one with the rewritten files' old
    terms out and their new ones in (the sum of every file's, when there is no last one)."""
    last = last_output_fingerprint(root, out)
    if last is None:
        stamps = {p: (size, mtime) for p, size, mtime in db.execute("SELECT path, size, mtime_ns FROM files")}
        return stamps_fingerprint({p: s for p, s in stamps.items() if s[0] is not None})
    total = int(last, 16)
    for path, (size, mtime) in written.items():
        old = _file_stamp(before, path)
        if old is not None:
            total ^= file_term(path, *old)
        total ^= file_term(path, size, mtime)
    return f"{total:032x}"


def _file_stamp(files: dict[str, tuple], path: str) -> Stamp | None:
    row = files.get(path)
    return (row[0], row[1]) if row and row[0] is not None else None
