"""The search index as rows of the build state: a row per term, a row per article.

A build loads the rows whole (a rebuild updates the index in memory, search.SearchIndex)
and saves only the rows of the terms and articles that changed. A body edit on the command
line (splice.py) never loads the whole index: it reads the edited articles' rows (their
keys as the last build found them), the rows of the terms they leave or join, and the rows
of the shards those terms live in, and rewrites exactly those (RowEdit).

Each row carries a checksum: SQLite does not checksum its pages, and a damaged row must
not pass for an index the next build trusts.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .search import (
    SearchIndex,
    big_file,
    big_name,
    big_paths,
    shard_file,
    shard_of,
    shard_path,
    toggle,
    unpack_keys,
)

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_terms"
    " (term TEXT PRIMARY KEY, shard INTEGER NOT NULL, title BLOB NOT NULL, other BLOB NOT NULL,"
    " checksum BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_terms_by_shard ON search_terms (shard)",
    "CREATE TABLE IF NOT EXISTS search_docs"
    " (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, digest TEXT NOT NULL, display TEXT NOT NULL,"
    " keys BLOB NOT NULL, checksum BLOB NOT NULL)",
)
_SHAPE = "search:shape"  # meta key: shard count and categories, as JSON

Lists = tuple[array, array]  # (title ids, other ids) of one term


def _term_check(term: str, shard: int, title: bytes, other: bytes) -> bytes:
    h = hashlib.blake2b(f"{term}\0{shard}\0".encode(), digest_size=16)
    h.update(len(title).to_bytes(8, "big"))
    h.update(title)
    h.update(other)
    return h.digest()


def _doc_check(doc_id: int, slug: str, digest: str, display: str, keys: bytes) -> bytes:
    h = hashlib.blake2b(f"{doc_id}\0{slug}\0{digest}\0{display}\0".encode(), digest_size=16)
    h.update(keys)
    return h.digest()


def _all_bytes(*values: object) -> bool:
    """A row's blobs are blobs (an edit of the database can make them text)."""
    return all(isinstance(v, bytes) for v in values)


def _doc_whole(doc_id: int, slug: str, digest: str, display: str, keys: bytes, check: bytes) -> bool:
    texts = all(isinstance(v, str) for v in (slug, digest, display))
    return texts and _all_bytes(keys, check) and check == _doc_check(doc_id, slug, digest, display, keys)


def _term_row(term: str, shard: int, lists: Lists) -> tuple[str, int, bytes, bytes, bytes]:
    title, other = lists[0].tobytes(), lists[1].tobytes()
    return term, shard, title, other, _term_check(term, shard, title, other)


def _lists(term: str, shard: int, title: bytes, other: bytes, check: bytes) -> Lists:
    if not _all_bytes(title, other, check) or check != _term_check(term, shard, title, other):
        raise ValueError(f"the search row of {term!r} is damaged")
    return array("I", title), array("I", other)


def load_index(db: sqlite3.Connection, meta: dict[str, str]) -> SearchIndex | None:
    """The whole index from its rows; None when the state holds none."""
    shape = meta.get(_SHAPE)
    if shape is None:
        return None
    shards, categories, _ = json.loads(shape)
    order: list[str] = []
    digests: dict[str, str] = {}
    displays: list[list] = []
    query = "SELECT id, slug, digest, display, keys, checksum FROM search_docs ORDER BY id"
    for doc_id, slug, digest, display, keys, check in db.execute(query):
        if doc_id != len(order) or not _doc_whole(doc_id, slug, digest, display, keys, check):
            raise ValueError(f"the search row of {slug!r} is damaged")
        order.append(slug)
        digests[slug] = digest
        displays.append(json.loads(display))
    index = SearchIndex(tuple(order), int(shards), list(categories), displays, digests, fresh=False)
    for term, shard, title, other, check in db.execute("SELECT term, shard, title, other, checksum FROM search_terms"):
        index.postings[term] = _lists(term, shard, title, other, check)
        index.shard_terms.setdefault(shard, set()).add(term)
    return index


def save_index(db: sqlite3.Connection, index: SearchIndex | None) -> int:
    """Write the rows that changed since the index was loaded or saved (all of them for an
    index built anew), inside the caller's transaction; the number of rows written."""
    if index is None:
        _clear(db)
        return 0
    if index.fresh:
        _clear(db)
    terms = index.postings.keys() if index.fresh else index.dirty_terms
    docs: Iterable[int] = range(len(index.order)) if index.fresh else sorted(index.dirty_docs)
    written = _put_terms(db, ((t, shard_of(t, index.shards), index.postings.get(t)) for t in terms))
    written += _put_docs(db, index, docs)
    index.saved()
    return written


def shape_meta(index: SearchIndex | None) -> dict[str, str]:
    """The meta row of an index's shape (shard count, categories, articles), which the state saves
    with its other meta rows; none without an index."""
    if index is None:
        return {}
    return {_SHAPE: json.dumps([index.shards, index.categories, len(index.order)], ensure_ascii=False)}


def _clear(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM search_terms")
    db.execute("DELETE FROM search_docs")


def _put_terms(db: sqlite3.Connection, terms: Iterable[tuple[str, int, Lists | None]]) -> int:
    """Each term's row replaced, or deleted when no article holds the term any more."""
    written = 0
    gone = []

    def rows() -> Iterator[tuple[str, int, bytes, bytes, bytes]]:
        nonlocal written
        for term, shard, lists in terms:
            written += 1
            if lists is None or not (lists[0] or lists[1]):
                gone.append((term,))
            else:
                yield _term_row(term, shard, lists)

    db.executemany("INSERT OR REPLACE INTO search_terms VALUES (?, ?, ?, ?, ?)", rows())
    db.executemany("DELETE FROM search_terms WHERE term = ?", gone)
    return written


def _put_docs(db: sqlite3.Connection, index: SearchIndex, docs: Iterable[int]) -> int:
    """Each article's row: slug, digest and display fields, and its keys where they changed."""
    fresh = index.packed.items() if index.fresh else None
    changed = dict(index.packed.items()) if not index.fresh else {}
    written = 0

    def rows() -> Iterator[tuple[int, str, str, str, bytes, bytes]]:
        nonlocal written
        for doc_id in docs:
            slug = index.order[doc_id]
            display = json.dumps(index.rows[doc_id], ensure_ascii=False, separators=(",", ":"))
            keys = _keys_of(db, doc_id, slug, fresh, changed)
            digest = index.digests.get(slug, "")
            written += 1
            yield doc_id, slug, digest, display, keys, _doc_check(doc_id, slug, digest, display, keys)

    db.executemany("INSERT OR REPLACE INTO search_docs VALUES (?, ?, ?, ?, ?, ?)", rows())
    return written


def _keys_of(
    db: sqlite3.Connection, doc_id: int, slug: str, fresh: Iterator[tuple[int, bytes]] | None, changed: dict[int, bytes]
) -> bytes:
    """An article's packed keys: the next of a fresh index's (in id order), the ones found
    since the load, or those its row holds."""
    if fresh is not None:
        at, keys = next(fresh, (-1, b""))
        if at != doc_id:
            raise ValueError(f"the search keys of {slug!r} were never found")
        return keys
    if doc_id in changed:
        return changed[doc_id]
    found = db.execute("SELECT keys FROM search_docs WHERE id = ?", (doc_id,)).fetchone()
    if found is None:
        raise ValueError(f"the search keys of {slug!r} are not in the build state")
    return bytes(found[0])


@dataclass
class RowEdit:
    """A few articles' new keys applied to the rows alone (splice.py): the terms they left
    or joined, and the files of the index those terms are in, made from the rows."""

    db: sqlite3.Connection
    shards: int = 0
    docs_count: int = 0
    terms: dict[str, tuple[int, Lists]] = field(default_factory=dict)  # changed: term -> (shard, lists)
    docs: dict[int, tuple[str, str, str, bytes]] = field(default_factory=dict)  # id -> (slug, digest, display, keys)
    files: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (_SHAPE,)).fetchone()
        if row is None:
            raise ValueError("the build state holds no search index")
        shards, _, docs = json.loads(row[0])
        self.shards, self.docs_count = int(shards), int(docs)

    def doc(self, slug: str) -> tuple[int, str]:
        """(id, digest) of an article in the index."""
        found = self.db.execute("SELECT id, digest FROM search_docs WHERE slug = ?", (slug,)).fetchone()
        if found is None:
            raise KeyError(slug)
        return int(found[0]), str(found[1])

    def move(self, slug: str, digest: str, keys: tuple[set[str], set[str]], packed: bytes) -> bool:
        """Put one article under exactly `keys`; False when that changes which files a
        common term is cut into (a file would go: the caller builds instead)."""
        doc_id, slug_, was, display, old_packed, check = self.db.execute(
            "SELECT id, slug, digest, display, keys, checksum FROM search_docs WHERE slug = ?", (slug,)
        ).fetchone()
        if not _doc_whole(doc_id, slug_, was, display, old_packed, check):
            raise ValueError(f"the search row of {slug!r} is damaged")
        old = unpack_keys(old_packed)
        self.docs[doc_id] = (slug, digest, display, packed)
        for which in (0, 1):
            for term in old[which] ^ keys[which]:
                shard, lists = self._term(term)
                count = len(lists[0]) + len(lists[1])
                toggle(lists[which], doc_id, term in keys[which])
                if len(big_paths(term, count)) != len(big_paths(term, len(lists[0]) + len(lists[1]))):
                    return False
                self.files.add(shard_path(shard))
                self.files.update(big_paths(term, len(lists[0]) + len(lists[1])))
        return True

    def _term(self, term: str) -> tuple[int, Lists]:
        if term not in self.terms:
            found = self.db.execute(
                "SELECT shard, title, other, checksum FROM search_terms WHERE term = ?", (term,)
            ).fetchone()
            shard = shard_of(term, self.shards)
            lists = _lists(term, *found) if found else (array("I"), array("I"))
            self.terms[term] = (shard, lists)
        return self.terms[term]

    def file(self, path: str) -> bytes:
        """One of the files this edit changes, from the rows and the edit's changes."""
        name = path.removeprefix("search/").removesuffix(".json")
        kind, _, stem = name.partition("/")
        if kind == "t":
            shard = int(stem)
            entries = {
                term: _lists(term, shard, title, other, check)
                for term, title, other, check in self.db.execute(
                    "SELECT term, title, other, checksum FROM search_terms WHERE shard = ?", (shard,)
                )
            }
            entries.update({t: lists for t, (s, lists) in self.terms.items() if s == shard})
            return shard_file(entries)
        term = next(t for t in self.terms if big_name(t) == stem)
        return big_file(*self.terms[term][1], self.docs_count)

    def save(self) -> int:
        """The changed rows, inside the caller's transaction."""
        written = _put_terms(self.db, ((t, shard, lists) for t, (shard, lists) in self.terms.items()))
        for doc_id, (slug, digest, display, keys) in self.docs.items():
            row = (digest, keys, _doc_check(doc_id, slug, digest, display, keys), doc_id)
            self.db.execute("UPDATE search_docs SET digest = ?, keys = ?, checksum = ? WHERE id = ?", row)
            written += 1
        return written
