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
  as delta lists, or {"df": n, "chunks": k} for a term too common to inline;
- b/HHHHHHHH-C.json: chunk C of such a common term's ids (title hits first);
- d/NNN.json: display fields for DOC_SHARD consecutive articles;
- cats.json: each article's category, loaded only when a filter is used.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import pairwise

from .model import Site
from .text import fold_words

DOC_SHARD = 32
BIG_TERM = 2000  # ids beyond this go to separate chunk files
CHUNK = 2000
TARGET_SHARD_POSTINGS = 6000
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def stem(word: str) -> str:
    """Light stemming of a folded word: one article/prefix, up to two suffixes, stems of 3+ letters."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
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
_RAW_WORD_RE = re.compile("[\\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
                          "\u200b-\u200f\u061c\u202a-\u202e\u2060\u2066-\u2069\ufeff\u00ad]+")


def keys(text: str, memo: dict[str, tuple[str, ...]]) -> set[str]:
    """The distinct search keys of a text, as fold() and stem() make them.

    Each distinct word as written is folded and stemmed once per build (memo),
    which costs far less than folding every character of every body.
    """
    found: set[str] = set()
    for raw in set(_RAW_WORD_RE.findall(text)):
        got = memo.get(raw)
        if got is None:
            got = memo[raw] = tuple(k for k in (stem(w) for w in fold_words(raw)) if len(k) > 1)
        found.update(got)
    return found


def fnv1a(term: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes: the shard function the browser computes too."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def build_index(site: Site, docs: list[dict], body_of: Callable[[str], str]) -> Iterator[tuple[str, bytes]]:
    """Every file of the index as (path under the site, bytes). `docs` are the display
    fields of site.order's articles, newest first: url, title, category, date, date_text, summary."""
    memo: dict[str, tuple[str, ...]] = {}
    title_hits: dict[str, list[int]] = defaultdict(list)
    other_hits: dict[str, list[int]] = defaultdict(list)
    for doc_id, slug in enumerate(site.order):
        article = site.articles[slug]
        in_title = keys(article.title, memo)
        for key in in_title:
            title_hits[key].append(doc_id)
        captions = " ".join(f"{i.caption} {i.credit}" for i in article.images)
        for key in keys(f"{article.summary} {captions} {body_of(slug)}", memo) - in_title:
            other_hits[key].append(doc_id)
    terms = sorted(set(title_hits) | set(other_hits))
    postings = sum(len(v) for v in title_hits.values()) + sum(len(v) for v in other_hits.values())
    shards = _shard_count(postings)
    categories = sorted({d["category"] for d in docs})
    grouped: dict[int, dict[str, object]] = defaultdict(dict)
    for term in terms:
        title, other = title_hits.get(term, []), other_hits.get(term, [])
        shard = fnv1a(term) % shards
        if len(title) + len(other) <= BIG_TERM:
            grouped[shard][term] = [_deltas(title), _deltas(other)]
            continue
        ranked = [*(i for i in title), *(-1 - i for i in other)]  # negative: not in the title
        chunks = [ranked[n: n + CHUNK] for n in range(0, len(ranked), CHUNK)]
        grouped[shard][term] = {"df": len(ranked), "chunks": len(chunks)}
        for n, chunk in enumerate(chunks):
            yield f"search/b/{fnv1a(term):08x}-{n}.json", _json(chunk)
    for shard in range(shards):
        yield f"search/t/{shard}.json", _json(grouped.get(shard, {}))
    cat_index = {name: i for i, name in enumerate(categories)}
    rows = [[d["url"], d["title"], cat_index[d["category"]], d["date"], d["date_text"], d["summary"]] for d in docs]
    for start in range(0, len(rows), DOC_SHARD):
        yield f"search/d/{start // DOC_SHARD}.json", _json(rows[start: start + DOC_SHARD])
    yield "search/cats.json", _json([cat_index[d["category"]] for d in docs])
    yield "search/meta.json", _json({"version": 1, "docs": len(docs), "shards": shards, "docShard": DOC_SHARD,
                                     "categories": categories})


def _shard_count(postings: int) -> int:
    count = 16
    while count < 8192 and postings / count > TARGET_SHARD_POSTINGS:
        count *= 2
    return count


def _deltas(ids: list[int]) -> list[int]:
    return [ids[0], *(b - a for a, b in pairwise(ids))] if ids else []


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
