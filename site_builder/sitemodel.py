"""Articles -> Site: categories, archive months, title lookup, related news.

Pure functions over the parsed articles; the problems they find (an unknown
category, two articles on one URL) come back as Problems, not prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

from . import urls
from .config import SiteConfig
from .errors import Problem
from .model import Article, Category, Month, RelatedEntry, Site
from .related import related_by_similarity
from .text import fold, slugify


def local_day(value: dt.date | dt.datetime, config: SiteConfig) -> dt.date:
    """The calendar day an article belongs to, in the site's time zone."""
    if isinstance(value, dt.datetime):
        return (value.astimezone(config.zone) if value.tzinfo else value).date()
    return value


def moment(value: dt.date | dt.datetime, config: SiteConfig) -> dt.datetime:
    """A timezone-aware instant for sorting and feeds (a bare date is local midnight)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=config.zone)
    return dt.datetime(value.year, value.month, value.day, tzinfo=config.zone)


def build_site(
    articles: Iterable[tuple[str, Article]],
    config: SiteConfig,
    previous: tuple[str, Mapping[str, tuple[str, ...]]] = ("", {}),
) -> tuple[Site, list[Problem]]:
    """Index the articles; `articles` pairs each with the file it came from.

    `previous` is the similarity result of an earlier build with its inputs'
    digest: reused as it is when no title, summary, category or date changed.
    """
    problems: list[Problem] = []
    by_slug, origin = _unique(articles, config, problems)
    order = tuple(sorted(by_slug, key=lambda s: (moment(by_slug[s].date, config), s), reverse=True))
    categories = _categories(by_slug, order, config, origin, problems)
    day = {slug: local_day(by_slug[slug].date, config) for slug in order}
    by_title: dict[str, str] = {}
    by_url: dict[str, str] = {}
    for slug in order:
        by_title.setdefault(fold(by_slug[slug].title), slug)
        source = by_slug[slug].source
        key = urls.source_key(source.url) if source and source.url else None
        if key is not None:
            by_url.setdefault(key, slug)  # one address twice: the newer article, as for titles
    digest = _similarity_inputs(by_slug, order, day, config)
    similar = (
        previous[1] if previous[0] == digest else related_by_similarity(by_slug, order, 2 * config.related_count, day)
    )
    related = {slug: _related(by_slug[slug], similar[slug], by_title, by_slug, config.related_count) for slug in order}
    site = Site(
        articles=by_slug,
        order=order,
        categories=categories,
        months=_months(order, day),
        related=related,
        by_title=by_title,
        origins=origin,
        similar=(digest, similar),
        by_url=by_url,
    )
    return site, problems


def _similarity_inputs(
    by_slug: Mapping[str, Article], order: tuple[str, ...], day: Mapping[str, dt.date], config: SiteConfig
) -> str:
    h = hashlib.sha256(str(config.related_count).encode())
    for slug in order:
        a = by_slug[slug]
        h.update(f"{slug}\0{a.title}\0{a.summary}\0{a.category}\0{day[slug]}\n".encode())
    return h.hexdigest()


def _unique(
    articles: Iterable[tuple[str, Article]], config: SiteConfig, problems: list[Problem]
) -> tuple[dict[str, Article], dict[str, str]]:
    """Articles by slug; a slug claimed twice, or taken by a site page, is an error naming both."""
    taken = {item.slug: f"the {item.name} category page" for item in config.menu if item.slug}
    taken.update({name: "a page of the site" for name in urls.RESERVED})
    by_slug: dict[str, Article] = {}
    origin: dict[str, str] = {}
    for rel, article in articles:
        other = origin.get(article.slug) or taken.get(article.slug)
        if other:
            problems.append(Problem("error", f"URL /{urls.article(article.slug)} is already made by {other}", rel))
            continue
        by_slug[article.slug] = article
        origin[article.slug] = rel
    return by_slug, origin


def _categories(
    by_slug: Mapping[str, Article],
    order: tuple[str, ...],
    config: SiteConfig,
    origin: Mapping[str, str],
    problems: list[Problem],
) -> tuple[Category, ...]:
    members: dict[str, list[str]] = defaultdict(list)
    for slug in order:
        members[by_slug[slug].category].append(slug)
    menu = [item for item in config.menu if item.slug]
    known = {fold(item.name) for item in menu}
    cats = [Category(item.name, item.slug, True, tuple(members.get(item.name, ()))) for item in menu]
    menu_slugs = {item.slug for item in menu}
    for name in sorted(members):
        if fold(name) in known and name not in {c.name for c in cats}:
            first = origin[members[name][0]]
            problems.append(
                Problem("warning", f"category {name!r} is spelled unlike the menu's", first, check="unknown_category")
            )
        if name in {c.name for c in cats}:
            continue
        if not name:
            for slug in members[name]:
                problems.append(Problem("warning", "no category", origin[slug], check="unknown_category"))
            continue
        slug = slugify(name)
        if slug in menu_slugs or slug in urls.RESERVED or slug in by_slug:
            slug = f"{slug}-{len(cats)}"
        problems.append(
            Problem(
                "warning",
                f"unknown category {name!r} (not in the menu)",
                origin[members[name][0]],
                check="unknown_category",
            )
        )
        cats.append(Category(name, slug, False, tuple(members[name])))
    return tuple(cats)


def _months(order: tuple[str, ...], day: Mapping[str, dt.date]) -> tuple[Month, ...]:
    grouped: dict[tuple[int, int], list[str]] = defaultdict(list)
    for slug in order:
        grouped[(day[slug].year, day[slug].month)].append(slug)
    return tuple(Month(y, m, tuple(slugs)) for (y, m), slugs in sorted(grouped.items(), reverse=True))


def _related(
    article: Article, similar: tuple[str, ...], by_title: Mapping[str, str], by_slug: Mapping[str, Article], count: int
) -> tuple[RelatedEntry, ...]:
    """The page's own related items first (linked when the archive has them), then similar ones."""
    entries: list[RelatedEntry] = []
    seen = {article.slug}
    for item in article.related:
        slug = by_title.get(fold(item.title))
        if slug in seen:
            continue
        if slug:
            seen.add(slug)
        entries.append(RelatedEntry(item.title, item.summary, item.category, slug))
        if len(entries) == count:
            return tuple(entries)
    for slug in similar:
        if slug not in seen and len(entries) < count:
            other = by_slug[slug]
            entries.append(RelatedEntry(other.title, other.summary, other.category, slug))
            seen.add(slug)
    return tuple(entries)
