"""Related news by similarity: an inverted index over words, never all pairs.

Each article's candidates are the articles sharing a distinctive word with it
(common words are skipped: they say nothing and would make the work quadratic)
plus its date neighbours in its category. Scores add shared-word weights, a
same-category bonus and date closeness; ties break on slug so output never
depends on dict order.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from .model import Article
from .text import fold

_STOPWORDS_TEXT = """
في من على إلى الى عن مع أن إن ان كان كانت التي الذي الذين هذا هذه ذلك تلك بعد قبل حول بين
أو او ثم لا لم لن ما قد كما وقال قال وقالت أيضا أيضًا ضد عند منذ حتى خلال عام يوم هو هي هم
"""
STOPWORDS = frozenset(fold(w) for w in _STOPWORDS_TEXT.split())
MAX_POSTING = 25  # a word in more articles than this is too common to say two stories are related
NEIGHBOURS = 6  # date neighbours taken on each side within the category
SAME_CATEGORY = 3.0


def keywords(article: Article) -> frozenset[str]:
    """The distinct folded words of title and summary, stopwords and short words out."""
    words = fold(f"{article.title} {article.summary}").split()
    return frozenset(w for w in words if len(w) > 2 and w not in STOPWORDS and not w.isdigit())


def related_by_similarity(
    articles: Mapping[str, Article], order: Sequence[str], k: int, day: Mapping[str, dt.date]
) -> dict[str, tuple[str, ...]]:
    """Top-k similar articles for every article (slugs, best first).

    Work per article is bounded: a shared word counts only if at most
    MAX_POSTING articles use it, and the category contributes its date
    neighbours, so the whole pass grows linearly with the archive.
    """
    words = {slug: keywords(articles[slug]) for slug in order}
    postings: dict[str, list[str]] = defaultdict(list)
    for slug in order:
        for word in words[slug]:
            postings[word].append(slug)
    rare = {w: p for w, p in postings.items() if 1 < len(p) <= MAX_POSTING}
    timelines = _category_timelines(articles, order, day)
    ordinal = {slug: day[slug].toordinal() for slug in order}
    category = {slug: articles[slug].category for slug in order}
    result = {}
    for slug in order:
        shared = Counter(other for word in words[slug] if word in rare for other in rare[word])
        ordinals, slugs = timelines[category[slug]]
        at = bisect_left(ordinals, ordinal[slug])
        for other in slugs[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]:
            shared[other] += 0
        shared.pop(slug, None)
        here, own = ordinal[slug], category[slug]
        ranked = [
            (-(count + (SAME_CATEGORY if category[o] == own else 0.0) + 30.0 / (30.0 + abs(here - ordinal[o]))), o)
            for o, count in shared.items()
        ]
        result[slug] = tuple(o for _, o in heapq.nsmallest(k, ranked))
    return result


def _category_timelines(
    articles: Mapping[str, Article], order: Sequence[str], day: Mapping[str, dt.date]
) -> dict[str, tuple[list[int], list[str]]]:
    """Per category, slugs in ascending date order with their day ordinals (for bisect)."""
    grouped: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for slug in order:
        grouped[articles[slug].category].append((day[slug].toordinal(), slug))
    timelines = {}
    for cat, items in grouped.items():
        items.sort()
        timelines[cat] = ([d for d, _ in items], [s for _, s in items])
    return timelines
