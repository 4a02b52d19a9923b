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
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence

from .model import Article
from .text import fold

_STOPWORDS_TEXT = """
في من على إلى الى عن مع أن إن ان كان كانت التي الذي الذين هذا هذه ذلك تلك بعد قبل حول بين
أو او ثم لا لم لن ما قد كما وقال قال وقالت أيضا أيضًا ضد عند منذ حتى خلال عام يوم هو هي هم
"""
STOPWORDS = frozenset(fold(w) for w in _STOPWORDS_TEXT.split())
MAX_POSTING = 2000  # a word in more articles than this is too common to relate by
NEIGHBOURS = 6  # date neighbours taken on each side within the category
SAME_CATEGORY = 3.0


def keywords(article: Article) -> frozenset[str]:
    """The distinct folded words of title and summary, stopwords and short words out."""
    words = fold(f"{article.title} {article.summary}").split()
    return frozenset(w for w in words if len(w) > 2 and w not in STOPWORDS and not w.isdigit())


def related_by_similarity(articles: Mapping[str, Article], order: Sequence[str], k: int,
                          day: Mapping[str, dt.date]) -> dict[str, tuple[str, ...]]:
    """Top-k similar articles for every article (slugs, best first)."""
    words = {slug: keywords(articles[slug]) for slug in order}
    postings: dict[str, list[str]] = defaultdict(list)
    for slug in order:
        for word in words[slug]:
            postings[word].append(slug)
    weight = {w: math.log(1 + len(order) / len(p)) for w, p in postings.items() if len(p) <= MAX_POSTING}
    by_category = _category_timelines(articles, order, day)
    return {slug: _top_k(slug, articles, words, postings, weight, by_category, day, k) for slug in order}


def _category_timelines(articles: Mapping[str, Article], order: Sequence[str],
                        day: Mapping[str, dt.date]) -> dict[str, tuple[list[int], list[str]]]:
    """Per category, slugs in ascending date order with their day ordinals (for bisect)."""
    grouped: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for slug in order:
        grouped[articles[slug].category].append((day[slug].toordinal(), slug))
    timelines = {}
    for cat, items in grouped.items():
        items.sort()
        timelines[cat] = ([d for d, _ in items], [s for _, s in items])
    return timelines


def _top_k(slug: str, articles: Mapping[str, Article], words: Mapping[str, frozenset[str]],
           postings: Mapping[str, list[str]], weight: Mapping[str, float],
           by_category: Mapping[str, tuple[list[int], list[str]]], day: Mapping[str, dt.date],
           k: int) -> tuple[str, ...]:
    scores: dict[str, float] = defaultdict(float)
    for word in words[slug]:
        if word in weight:
            for other in postings[word]:
                scores[other] += weight[word]
    category = articles[slug].category
    ordinals, slugs = by_category[category]
    at = bisect_left(ordinals, day[slug].toordinal())
    for other in slugs[max(0, at - NEIGHBOURS): at + NEIGHBOURS + 1]:
        scores[other] += 0.0
    scores.pop(slug, None)
    here = day[slug].toordinal()
    ranked = []
    for other, shared in scores.items():
        score = shared + (SAME_CATEGORY if articles[other].category == category else 0.0)
        score += 1.0 / (1.0 + abs(here - day[other].toordinal()) / 30.0)
        ranked.append((score, other))
    best = heapq.nlargest(k, ranked, key=lambda item: (item[0], _reverse(item[1])))
    return tuple(other for _, other in best)


def _reverse(slug: str) -> tuple[int, ...]:
    """Sort key making smaller slugs win ties under nlargest."""
    return tuple(-ord(ch) for ch in slug)
