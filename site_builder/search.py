"""The search index: Arabic-aware, split so a query downloads only what it needs.

Both sides fold and stem words the same way (this module for the index,
static/js/search.js for the query; a test runs both on the same words):
tashkeel, tatweel, alef forms, ta marbuta, alef maqsura, hamza seats, digits
and case are folded by text.fold, then a light stemmer removes the article
and common prefixes and suffixes, so «الدِّبلوماسيّ», «دبلوماسي» and
«الدبلوماسيين» are one key.

Layout under search/ (ids are 0 for the newest article, so a posting list in
id order is already in recency order):
- meta.json: counts, shard counts, category names;
- t/NNN.json: terms hashed (FNV-1a) into shards: term -> [title ids, other ids]
  as delta lists, or {"df": n, "f": name} for a term too common to inline;
- b/NAME.json: such a common term's [title ids, other ids], each list as deltas or, when
  it is smaller so, as a bitmap over all articles (base64): a word in most articles costs
  an eighth of a byte per article, so a query of two common words stays small;
- d/NNN.json: display fields for DOC_SHARD consecutive articles;
- cats.json: each article's category, loaded only when a filter is used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tempfile
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from .model import Site
from .text import fold_words

DOC_SHARD = 32
BIG_TERM = 2000  # a term with more ids has a file of its own (b/)
TARGET_SHARD_POSTINGS = 6000
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def stem(word: str) -> str:
    """Light stemming of a folded word: one article/prefix, up to two suffixes, stems of 3+ letters."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    else:
        if word.startswith("و") and len(word) >= 4:
            word = word[1:]
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


# A word as written: word characters plus the marks and invisible characters fold() removes,
# so "الدِّبلوماسيّ" stays one token until it is folded.
_RAW_WORD_RE = re.compile(
    "[\\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    "\u200b-\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff\u00ad]+"
)


@dataclass
class KeyMemo:
    """Each distinct word as written, folded and stemmed once per build: word -> key
    ("" for none). The few words that fold into several keys are in `multi`, as the
    keys joined by spaces."""

    words: dict[str, str] = field(default_factory=dict)
    multi: set[str] = field(default_factory=set)


def keys(text: str, memo: KeyMemo | None = None) -> set[str]:
    """The distinct search keys of a text, as fold() and stem() make them."""
    memo = memo if memo is not None else KeyMemo()
    words = memo.words
    raw = set(_RAW_WORD_RE.findall(text))
    for word in [w for w in raw if w not in words]:
        found = [k for k in (stem(w) for w in fold_words(word)) if len(k) > 1]
        words[word] = " ".join(found)
        if len(found) > 1:
            memo.multi.add(words[word])
    result = {words[word] for word in raw}
    result.discard("")
    for joined in result & memo.multi:
        result.discard(joined)
        result.update(joined.split(" "))
    return result


@dataclass
class Postings:
    """term -> (ids with it in the title, ids with it elsewhere), in compact arrays (at
    100,000 articles there are tens of millions of postings). Ids must come in rising
    order, and parts gathered apart (in workers) are joined in the order of their ids."""

    hits: dict[str, tuple[array, array]] = field(default_factory=dict)

    def add(self, doc_id: int, title: set[str], other: set[str]) -> None:
        hits = self.hits
        for which, keys_now in ((0, title), (1, other)):
            for key in keys_now:
                lists = hits.get(key)
                if lists is None:
                    lists = hits[key] = (array("I"), array("I"))
                lists[which].append(doc_id)

    def extend(self, later: Postings) -> None:
        """Append postings whose ids all come after the ones held."""
        hits = self.hits
        for key, (title, other) in later.hits.items():
            lists = hits.get(key)
            if lists is None:
                hits[key] = (title, other)
            else:
                lists[0].extend(title)
                lists[1].extend(other)


def fnv1a(term: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes: the shard function the browser computes too."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


class PackedKeys:
    """Each article's search keys, packed (pack_keys), waiting for the build state's rows
    (searchrows.py): a splice finds there the keys an edited article had, to take it out of
    exactly those terms. Kept in a temporary file, not in memory: at 100,000 articles they
    come to about a hundred megabytes."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the index
        self._at: dict[int, tuple[int, int]] = {}

    def put(self, doc_id: int, packed: bytes) -> None:
        offset = self._file.seek(0, 2)
        self._file.write(packed)
        self._at[doc_id] = (offset, len(packed))

    def items(self) -> Iterator[tuple[int, bytes]]:
        for doc_id, (offset, size) in sorted(self._at.items()):
            self._file.seek(offset)
            yield doc_id, self._file.read(size)

    def clear(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self._at.clear()


@dataclass
class SearchIndex:
    """The inverted index in memory: postings by term, display rows by id.

    A build keeps it (as rows of the build state, searchrows.py) so the next build can
    update only the terms and rows of the articles that changed and rewrite only the files
    those live in, as long as the article order is the same. What changed since it was
    loaded or saved is noted (`fresh`, `dirty_terms`, `dirty_docs`, `packed`) so that a save
    writes those rows alone.
    """

    order: tuple[str, ...]
    shards: int
    categories: list[str]
    rows: list[list]
    digests: dict[str, str]
    postings: dict[str, tuple[array, array]] = field(default_factory=dict)
    shard_terms: dict[int, set[str]] = field(default_factory=dict)
    fresh: bool = True  # built anew: every row is to be written
    dirty_terms: set[str] = field(default_factory=set)
    dirty_docs: set[int] = field(default_factory=set)
    packed: PackedKeys = field(default_factory=PackedKeys, compare=False, repr=False)
    _big: dict[str, str] | None = field(default=None, compare=False, repr=False)  # b/ name -> term

    @classmethod
    def build(cls, site: Site, docs: list[dict], body_of: Callable[[str], str], digests: dict[str, str]) -> SearchIndex:
        postings = Postings()
        packed = PackedKeys()
        memo = KeyMemo()
        for doc_id, slug in enumerate(site.order):
            found = doc_keys(site, slug, body_of, memo)
            postings.add(doc_id, *found)
            packed.put(doc_id, pack_keys(*found))
        return cls.from_postings(site, docs, postings, digests, packed)

    @classmethod
    def from_postings(
        cls, site: Site, docs: list[dict], postings: Postings, digests: dict[str, str], packed: PackedKeys | None = None
    ) -> SearchIndex:
        """The index of every article, from postings gathered in doc-id order."""
        hits = postings.hits
        total = sum(len(t) + len(o) for t, o in hits.values())
        categories = sorted({d["category"] for d in docs})
        index = cls(site.order, _shard_count(total), categories, _rows(docs, categories), dict(digests))
        if packed is not None:
            index.packed = packed
        for term, lists in hits.items():
            index.postings[term] = lists
            index.shard_terms.setdefault(shard_of(term, index.shards), set()).add(term)
        return index

    def update(
        self, site: Site, docs: list[dict], body_of: Callable[[str], str], digests: dict[str, str]
    ) -> set[str] | None:
        """Apply the articles whose digest changed; the files to rewrite, or None when
        the order or the categories changed and a full build is needed."""
        categories = sorted({d["category"] for d in docs})
        if site.order != self.order or categories != self.categories:
            return None
        files = self.update_bodies(site, set(self.order), body_of, digests)
        assert files is not None  # the order was checked above
        rows = _rows(docs, categories)
        for doc_id, (old, new) in enumerate(zip(self.rows, rows, strict=True)):
            if old != new:
                files.add(f"search/d/{doc_id // DOC_SHARD}.json")
                files.add("search/cats.json")
                self.dirty_docs.add(doc_id)
        self.rows = rows
        return files

    def update_bodies(
        self, site: Site, slugs: set[str], body_of: Callable[[str], str], digests: dict[str, str]
    ) -> set[str] | None:
        """Apply the articles of `slugs` whose digest changed, when nothing but their text
        did (same order, same display rows); the files to rewrite, or None (order changed)."""
        if site.order != self.order:
            return None
        changed = [slug for slug in self.order if slug in slugs and digests.get(slug) != self.digests.get(slug)]
        files: set[str] = set()
        memo = KeyMemo()
        ids = {slug: i for i, slug in enumerate(self.order)} if changed else {}
        for slug in changed:
            found = doc_keys(site, slug, body_of, memo)
            files.update(self._move(ids[slug], *found))
            self.digests[slug] = digests[slug]
            self.dirty_docs.add(ids[slug])
            self.packed.put(ids[slug], pack_keys(*found))
        return files

    def _move(self, doc_id: int, title: set[str], other: set[str]) -> set[str]:
        """Put one article under exactly its new keys; the files of the terms touched."""
        touched = set()
        for term, lists in self.postings.items():
            for which, wanted in ((0, term in title), (1, term in other)):
                if not wanted and toggle(lists[which], doc_id, False):
                    touched.add(term)
        for which, keys_now in ((0, title), (1, other)):
            for term in keys_now:
                found = self.postings.get(term)
                if found is None:
                    found = self.postings[term] = (array("I"), array("I"))
                    self.shard_terms.setdefault(shard_of(term, self.shards), set()).add(term)
                if toggle(found[which], doc_id, True):
                    touched.add(term)
        self.dirty_terms |= touched
        self._big = None
        files = set()
        for term in touched:
            files.add(shard_path(shard_of(term, self.shards)))
            files.update(big_paths(term, self._count(term)))
        return files

    def saved(self) -> None:
        """What changed is now in the rows (searchrows.save_index)."""
        self.fresh = False
        self.dirty_terms.clear()
        self.dirty_docs.clear()
        self.packed.clear()

    def paths(self) -> list[str]:
        """Every file of the index."""
        found = [shard_path(n) for n in range(self.shards)]
        found += [f"search/d/{n}.json" for n in range(-(-len(self.rows) // DOC_SHARD))]
        found += [path for term in self.postings for path in big_paths(term, self._count(term))]
        return [*found, "search/cats.json", "search/meta.json"]

    def file(self, path: str) -> bytes:
        """The bytes of one index file."""
        name = path.removeprefix("search/")
        if name == "meta.json":
            return _json(
                {
                    "version": 1,
                    "docs": len(self.rows),
                    "shards": self.shards,
                    "docShard": DOC_SHARD,
                    "categories": self.categories,
                }
            )
        if name == "cats.json":
            return _json([row[2] for row in self.rows])
        kind, _, stem_ = name.removesuffix(".json").partition("/")
        if kind == "d":
            start = int(stem_) * DOC_SHARD
            return _json(self.rows[start : start + DOC_SHARD])
        if kind == "t":
            return shard_file({term: self.postings[term] for term in self.shard_terms.get(int(stem_), ())})
        if self._big is None:
            self._big = {big_name(t): t for t, (a, b) in self.postings.items() if len(a) + len(b) > BIG_TERM}
        return big_file(*self.postings[self._big[stem_]], len(self.order))

    def _count(self, term: str) -> int:
        title, other = self.postings.get(term, ((), ()))
        return len(title) + len(other)


def toggle(ids: array, doc_id: int, wanted: bool) -> bool:
    """`doc_id` in or out of a sorted id list; whether the list changed."""
    at = bisect_left(ids, doc_id)
    present = at < len(ids) and ids[at] == doc_id
    if present and not wanted:
        del ids[at]
    elif wanted and not present:
        ids.insert(at, doc_id)
    return present != wanted


def shard_of(term: str, shards: int) -> int:
    return fnv1a(term) % shards


def shard_path(shard: int) -> str:
    return f"search/t/{shard}.json"


def big_name(term: str) -> str:
    """The b/ file name of a common term: 64 bits of its hash, written into its shard entry
    (so the browser need not compute it, and thousands of common terms never collide)."""
    return hashlib.blake2b(term.encode("utf-8"), digest_size=8).hexdigest()


def big_paths(term: str, count: int) -> list[str]:
    """The file of a term too common to inline, by its number of postings (none or one)."""
    return [f"search/b/{big_name(term)}.json"] if count > BIG_TERM else []


def shard_file(entries: Mapping[str, tuple[array, array]]) -> bytes:
    """A t/ file: its terms in order, each inlined or pointing at its own file."""
    found: dict[str, object] = {}
    for term in sorted(entries):
        title, other = entries[term]
        count = len(title) + len(other)
        if count > BIG_TERM:
            found[term] = {"df": count, "f": big_name(term)}
        elif count:
            found[term] = [_deltas(list(title)), _deltas(list(other))]
    return _json(found)


def big_file(title: array, other: array, docs: int) -> bytes:
    """A b/ file: [title ids, other ids], each as deltas or a bitmap, whichever is smaller."""
    return _json([_compact(title, docs), _compact(other, docs)])


_BITS = tuple(1 << n for n in range(8))


def _compact(ids: array, docs: int) -> list[int] | str:
    """Ids as a delta list, or as a base64 bitmap over `docs` articles (bit n of byte k is
    id 8k+n) when that is shorter: from about one article in sixteen up."""
    deltas = _deltas(list(ids))
    size = -(-docs // 8)
    encoded = 4 * -(-size // 3)  # base64's length
    if len(deltas) * 2 < encoded and len(_json(deltas)) < encoded:  # a delta takes 2 bytes or more
        return deltas
    bitmap = bytearray(size)
    bits = _BITS
    for doc_id in ids:
        bitmap[doc_id >> 3] |= bits[doc_id & 7]
    return base64.b64encode(bitmap).decode("ascii")


def pack_keys(title: set[str], other: set[str]) -> bytes:
    """An article's keys as the build state keeps them (compressed text: a few hundred keys)."""
    text = "\n".join(sorted(title)) + "\0" + "\n".join(sorted(other))
    return zlib.compress(text.encode("utf-8"), 6)


def unpack_keys(packed: bytes) -> tuple[set[str], set[str]]:
    try:
        text = zlib.decompress(packed).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as err:
        raise ValueError(f"packed search keys unreadable: {err}") from err
    title, _, other = text.partition("\0")
    return set(title.split("\n")) - {""}, set(other.split("\n")) - {""}


def doc_keys(site: Site, slug: str, body_of: Callable[[str], str], memo: KeyMemo) -> tuple[set[str], set[str]]:
    """(keys in the title, keys only in summary, captions and body) of one article."""
    article = site.articles[slug]
    in_title = keys(article.title, memo)
    captions = " ".join(f"{i.caption} {i.credit}" for i in article.images)
    return in_title, keys(f"{article.summary} {captions} {body_of(slug)}", memo) - in_title


def _rows(docs: list[dict], categories: list[str]) -> list[list]:
    index = {name: i for i, name in enumerate(categories)}
    return [[d["url"], d["title"], index[d["category"]], d["date"], d["date_text"], d["summary"]] for d in docs]


def _shard_count(postings: int) -> int:
    count = 16
    while count < 8192 and postings / count > TARGET_SHARD_POSTINGS:
        count *= 2
    return count


def _deltas(ids: list[int]) -> list[int]:
    return [ids[0], *(b - a for a, b in pairwise(ids))] if ids else []


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
