"""The build state: what the last build was made from, so the next one parses and renders
only what changed; in memory for `serve`, on disk between command-line builds.

On disk it is a SQLite database (`.site-builder-cache/state.sqlite`, outside output/), as
Lektor keeps its build state, with a row per content file and per output file, so a save
writes only the rows that changed:
- meta: the format, the code and the output folder the state belongs to, this machine's
  mark, the search index's signature;
- sources: per content file its stamp, digest and parsed front matter (JSON, no body);
- files: per output file the stamp the build left and, for a page, its signature;
- articles: per article page, where it holds its body and what its links resolved to;
- search_terms, search_docs: the search index, a row per term and per article
  (searchrows.py);
- blobs: the similar-articles map, pickled and signed with this machine's key
  (signatures.machine_key).

A save is one transaction: a build killed while saving leaves the previous state whole.
A database that cannot be read, or that was not made here by this code for this output
folder, is set aside with a message and never trusted: everything is built again. The
state never decides output on its own; it only lets a build skip work.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import modeljson
from .errors import Problem
from .markdown import BodyNote
from .model import Article
from .search import SearchIndex
from .searchrows import SCHEMA as SEARCH_SCHEMA
from .searchrows import load_index, save_index, shape_meta
from .signatures import CACHE_DIR, code_digest, machine_key

if TYPE_CHECKING:  # the in-memory model's types; a command-line splice never needs them
    from .config import SiteConfig
    from .model import Site
    from .plan import PageSpec
    from .views import Figure, Views

FILE = "state.sqlite"
FORMAT = "5"  # raise when the tables or the rows' shapes change: an older state is then not read
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sources"
    " (rel TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest TEXT NOT NULL,"
    " article TEXT NOT NULL, checksum BLOB NOT NULL)",
    # The splice's first question, which files moved, reads this index alone, not the rows.
    "CREATE INDEX IF NOT EXISTS sources_stamps ON sources (rel, size, mtime_ns)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, signature TEXT)",
    "CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, mac BLOB NOT NULL, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS articles (slug TEXT PRIMARY KEY, page TEXT NOT NULL)",
    *SEARCH_SCHEMA,
)

Stamp = tuple[int, int]  # (size, mtime_ns), of content and output files alike
FileRow = tuple[int | None, int | None, str | None]  # (size, mtime_ns, signature) of an output file


@dataclass
class ParsedFile:
    """A content file as last parsed, keyed by its stat so unchanged files are not re-read."""

    stamp: Stamp
    digest: str
    article: Article


@dataclass
class OnDisk:
    """What the database holds, as last loaded or saved: a save writes only what differs."""

    sources: dict[str, tuple[Stamp, str]] = field(default_factory=dict)
    files: dict[str, FileRow] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    articles: dict[str, str] = field(default_factory=dict)  # slug -> its ArticlePage row as JSON
    blob_versions: dict[str, str] = field(default_factory=dict)  # what each blob was made from


@dataclass(frozen=True)
class ArticlePage:
    """What the command line needs to redo an article's page after an edit of its body alone
    (splice.py), without the site model: where the page holds the body, what the body's
    links resolved to, and the page's signature frame and the article's card digest."""

    rel: str  # its content file
    path: str  # its output file
    frame: str  # signatures.Signer.frame of the page
    card: str  # signatures.Signer.card of the article
    body: BodyNote

    def to_json(self) -> str:
        b = self.body
        return json.dumps(
            [self.rel, self.path, self.frame, self.card, b.start, b.end, b.see_also, b.links],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> ArticlePage:
        rel, path, frame, card, start, end, see_also, links = json.loads(text)
        return cls(rel, path, frame, card, BodyNote(int(start), int(end), dict(see_also), dict(links)))


@dataclass
class Model:
    """What the last build made of the content, kept in memory (by `serve`): when only
    article bodies changed since, it stands as it is (bodyedits.py), and the build skips
    indexing, planning and signing every page."""

    config: SiteConfig
    base: str  # signatures.global_digest: templates, config, code
    site: Site
    figures: dict[str, tuple[Figure, ...]]
    images: list[tuple[str, Path]]  # (site path, source file) of the images to copy
    image_stamps: dict[str, Stamp | None]  # of those source files, when the model was made
    problems: list[Problem]  # found while indexing (the parse problems are the parse's)
    parse_problems: list[Problem]  # those of the parse it was made after
    specs: list[PageSpec]
    views: Views
    cards: dict[str, str]  # Signer's card digests: no card changes while the model stands

    def all_images_found(self) -> bool:
        """No image was missing: else one that appears later changes figures no stamp shows."""
        return not any(p.check == "missing_image" for p in self.problems)


@dataclass
class BuildState:
    """Carried from one build to the next (by `serve` in memory, by the CLI on disk)."""

    parsed: dict[str, ParsedFile] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)  # output file -> signature
    output: Path | None = None  # the output folder those signatures describe
    search_signature: str = ""  # what the search index was built from
    # (size, mtime_ns) of each output file as the build left it: a file changed since
    # (by hand, by another tool) is rendered again rather than trusted.
    # Every file in the output is in it, so it is also the list of them.
    stamps: dict[str, Stamp] = field(default_factory=dict)
    search_index: SearchIndex | None = None  # the index in memory, for updating it in place
    related: tuple[str, Mapping[str, tuple[str, ...]]] = ("", {})  # (inputs digest, similar articles)
    disk: OnDisk | None = None  # what the database holds, when the state came from one
    model: Model | None = None  # the last build's model (in memory only)
    articles: dict[str, ArticlePage] = field(default_factory=dict)  # by slug, for splice.py
    facts: dict[str, str] = field(default_factory=dict)  # what splice.py checks first (build.py's _facts)


def stamp_of(path: Path) -> Stamp | None:
    """(size, mtime_ns) of a file, None when it is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def stamps_hold(stamps: Mapping[str, Sequence[int] | None]) -> bool:
    """Every file still has the stamp recorded (None: still missing); lists from JSON too."""
    return all(stamp_of(Path(path)) == (tuple(stamp) if stamp else None) for path, stamp in stamps.items())


def state_file(root: Path) -> Path:
    return root / CACHE_DIR / FILE


def load_state(root: Path, out: Path) -> tuple[BuildState, Problem | None]:
    """The last build's state for this site and output folder; a fresh one (and why, when
    there was a database that could not be used) otherwise."""
    path = state_file(root)
    if not path.is_file():
        return BuildState(), None
    try:
        with closing(connect(path)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            why = foreign(meta, out)
            if why:
                _discard(path)
                return BuildState(), Problem("info", f"build state not used: {why}; building everything", str(path))
            return _read(db, meta, out), None
    except (sqlite3.Error, ValueError, TypeError, KeyError, pickle.UnpicklingError, EOFError) as err:
        _discard(path)
        said = f"build state unreadable ({err}); set aside, building everything"
        return BuildState(), Problem("warning", said, str(path))


def foreign(meta: dict[str, str], out: Path) -> str:
    """Why a database's rows cannot be trusted for this build ("" when they can)."""
    if meta.get("mark") != _mark():
        return "it was not made on this machine by site-builder"
    if meta.get("format") != FORMAT or meta.get("code") != code_digest():
        return "it was made by another version of site-builder"
    if meta.get("out") != str(out.resolve()):
        return f"it describes another output folder ({meta.get('out')})"
    return ""


def _read(db: sqlite3.Connection, meta: dict[str, str], out: Path) -> BuildState:
    blob_versions = {"related": meta.get("related_digest", "")}
    disk = OnDisk(meta=dict(meta), blob_versions=blob_versions)
    facts = {k[len("fact:") :]: v for k, v in meta.items() if k.startswith("fact:")}
    state = BuildState(output=out.resolve(), search_signature=meta.get("search_signature", ""), disk=disk, facts=facts)
    for slug, page in db.execute("SELECT slug, page FROM articles"):
        state.articles[slug] = ArticlePage.from_json(page)
        disk.articles[slug] = page
    rows = db.execute("SELECT rel, size, mtime_ns, digest, article, checksum FROM sources")
    for rel, size, mtime, digest, article, check in rows:
        if bytes(check) != checksum(rel, size, mtime, digest, article):
            raise ValueError(f"the row of {rel} is damaged")
        state.parsed[rel] = ParsedFile((size, mtime), digest, modeljson.loads(article))
        disk.sources[rel] = ((size, mtime), digest)
    for path, size, mtime, signature in db.execute("SELECT path, size, mtime_ns, signature FROM files"):
        if size is not None and mtime is not None:
            state.stamps[path] = (size, mtime)
        if signature is not None:
            state.signatures[path] = signature
        disk.files[path] = (size, mtime, signature)
    state.search_index = load_index(db, meta)
    related = get_blob(db, "related")
    if isinstance(related, tuple) and len(related) == 2 and isinstance(related[0], str):
        state.related = (related[0], related[1])
    return state


def save_state(root: Path, out: Path, state: BuildState) -> int:
    """Write what changed since the state was loaded or last saved, in one transaction; the
    number of rows written. A state from another output folder replaces the database."""
    path = state_file(root)
    path.parent.mkdir(exist_ok=True)
    (path.parent / ".gitignore").write_text("*\n")
    (path.parent / "state.pickle").unlink(missing_ok=True)  # the format before this one
    disk = state.disk if state.disk is not None and state.output == out.resolve() and path.is_file() else None
    if disk is None:
        _discard(path)
        disk = OnDisk()
    index = state.search_index
    if not disk.meta and index is not None and not index.fresh:
        # Into a new database only an index built anew can go whole (the keys of the
        # articles it did not change are in the old one): this one is left out, and the
        # next build makes the index again.
        index = None
    with closing(connect(path)) as db, transaction(db):
        for statement in _SCHEMA:
            db.execute(statement)
        written = _save_meta(db, out, state, disk, index)
        written += _save_sources(db, state.parsed, disk.sources)
        written += _save_files(db, state, disk.files)
        written += _save_blobs(db, state, disk)
        written += save_index(db, index)
        written += _save_articles(db, state, disk.articles)
    state.disk = disk
    return written


def _save_meta(db: sqlite3.Connection, out: Path, state: BuildState, disk: OnDisk, index: SearchIndex | None) -> int:
    values = {
        "mark": _mark(),
        "format": FORMAT,
        "code": code_digest(),
        "out": str(out.resolve()),
        "search_signature": state.search_signature,
        "related_digest": state.related[0],
        **{f"fact:{k}": v for k, v in state.facts.items()},
        **shape_meta(index),
    }
    changed = [(k, v) for k, v in values.items() if disk.meta.get(k) != v]
    gone = [k for k in disk.meta if k not in values]
    db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", changed)
    db.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k in gone])
    disk.meta = values
    return len(changed) + len(gone)


def _save_articles(db: sqlite3.Connection, state: BuildState, saved: dict[str, str]) -> int:
    rows = {slug: page.to_json() for slug, page in state.articles.items()}
    changed = [(slug, row) for slug, row in rows.items() if saved.get(slug) != row]
    gone = [slug for slug in saved if slug not in rows]
    db.executemany("INSERT OR REPLACE INTO articles (slug, page) VALUES (?, ?)", changed)
    db.executemany("DELETE FROM articles WHERE slug = ?", [(slug,) for slug in gone])
    saved.clear()
    saved.update(rows)
    return len(changed) + len(gone)


def _save_sources(db: sqlite3.Connection, parsed: dict[str, ParsedFile], saved: dict[str, tuple[Stamp, str]]) -> int:
    changed = [(rel, p) for rel, p in parsed.items() if saved.get(rel) != (p.stamp, p.digest)]
    gone = [rel for rel in saved if rel not in parsed]
    db.executemany(
        "INSERT OR REPLACE INTO sources (rel, size, mtime_ns, digest, article, checksum) VALUES (?, ?, ?, ?, ?, ?)",
        (source_row(rel, p) for rel, p in changed),  # one row's JSON at a time
    )
    db.executemany("DELETE FROM sources WHERE rel = ?", [(rel,) for rel in gone])
    for rel, p in changed:
        saved[rel] = (p.stamp, p.digest)
    for rel in gone:
        del saved[rel]
    return len(changed) + len(gone)


def source_row(rel: str, parsed: ParsedFile) -> tuple[str, int, int, str, str, bytes]:
    size, mtime = parsed.stamp
    article = modeljson.dumps(parsed.article)
    return rel, size, mtime, parsed.digest, article, checksum(rel, size, mtime, parsed.digest, article)


def checksum(rel: str, size: int, mtime: int, digest: str, article: str) -> bytes:
    """SQLite does not checksum its pages: a damaged byte in a row must not pass for an
    unchanged file's front matter."""
    return hashlib.blake2b(f"{rel}\0{size}\0{mtime}\0{digest}\0{article}".encode(), digest_size=16).digest()


def _save_files(db: sqlite3.Connection, state: BuildState, saved: dict[str, FileRow]) -> int:
    rows: dict[str, FileRow] = {}
    for path in state.stamps.keys() | state.signatures.keys():
        size, mtime = state.stamps.get(path, (None, None))
        rows[path] = (size, mtime, state.signatures.get(path))
    changed = [(path, row) for path, row in rows.items() if saved.get(path) != row]
    gone = [path for path in saved if path not in rows]
    db.executemany(
        "INSERT OR REPLACE INTO files (path, size, mtime_ns, signature) VALUES (?, ?, ?, ?)",
        [(path, *row) for path, row in changed],
    )
    db.executemany("DELETE FROM files WHERE path = ?", [(path,) for path in gone])
    saved.clear()
    saved.update(rows)
    return len(changed) + len(gone)


def _save_blobs(db: sqlite3.Connection, state: BuildState, disk: OnDisk) -> int:
    """The similar-articles map when its inputs moved."""
    written = 0
    blobs: list[tuple[str, object, str, str]] = [
        ("related", state.related, state.related[0], disk.blob_versions.get("related", "")),
    ]
    for name, value, now, before in blobs:
        stored = db.execute("SELECT 1 FROM blobs WHERE name = ?", (name,)).fetchone() is not None
        if value is None:
            db.execute("DELETE FROM blobs WHERE name = ?", (name,))
        elif now != before or not stored:
            put_blob(db, name, value)
            written += 1
    disk.blob_versions = {"related": state.related[0]}
    return written


def put_blob(db: sqlite3.Connection, name: str, value: object) -> None:
    """`value` pickled into the blob `name`, signed, streamed through a spool file: a large
    pickle is never held in memory beside the value."""
    mac = hmac.new(machine_key(), name.encode() + b"\0", hashlib.sha256)
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        pickle.dump(value, _Signing(spool, mac), protocol=pickle.HIGHEST_PROTOCOL)
        size = spool.tell()
        row = (name, mac.digest(), size)
        db.execute("INSERT OR REPLACE INTO blobs (name, mac, data) VALUES (?, ?, zeroblob(?))", row)
        (rowid,) = db.execute("SELECT rowid FROM blobs WHERE name = ?", (name,)).fetchone()
        spool.seek(0)
        with db.blobopen("blobs", "data", rowid) as blob:
            while chunk := spool.read(1 << 20):
                blob.write(chunk)


def get_blob(db: sqlite3.Connection, name: str) -> object | None:
    """The blob `name` unpickled, when this machine's key signed it (a database that came
    with a repository, or was edited, never reaches pickle); read in pieces."""
    row = db.execute("SELECT rowid, mac FROM blobs WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    with db.blobopen("blobs", "data", row[0], readonly=True) as blob:
        mac = hmac.new(machine_key(), name.encode() + b"\0", hashlib.sha256)
        while chunk := blob.read(1 << 20):
            mac.update(chunk)
        if not hmac.compare_digest(mac.digest(), bytes(row[1])):
            raise ValueError(f"the {name} blob is not signed by this machine")
        blob.seek(0)
        return pickle.load(io.BufferedReader(_BlobReader(blob), 1 << 20))


class _Signing:
    """A file wrapper that feeds everything written through it to an HMAC."""

    def __init__(self, handle: Any, mac: hmac.HMAC):
        self.handle, self.mac = handle, mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return int(self.handle.write(data))


class _BlobReader(io.RawIOBase):
    """A SQLite blob as a raw stream, for pickle.load (which wants readline and readinto)."""

    def __init__(self, blob: sqlite3.Blob):
        self.blob = blob

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.blob.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _mark() -> str:
    """This machine's mark on its databases: only its key makes it."""
    return hmac.new(machine_key(), b"site-builder build state", hashlib.sha256).hexdigest()


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)  # transactions are explicit
    db.execute("PRAGMA journal_mode=WAL")  # a reader (serve) never blocks a saving build
    db.execute("PRAGMA synchronous=NORMAL")  # atomic either way; a cache need not survive power loss
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _discard(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
