"""Site -> every output page, as a PageSpec: where it goes and what makes it.

The plan is data, so the build can count pages by kind before rendering, and
the incremental build can later decide per page whether it needs rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from . import urls
from .config import SiteConfig
from .model import Site
from .text import fold

SITEMAP_LIMIT = 50_000


class PageKind(StrEnum):
    """Every kind of output page: the plan makes them, the renderer has one function for
    each, the report counts them. A string enum: signatures and messages read as before."""

    ARTICLE = "article"
    CATEGORY = "category"
    MONTH = "month"
    ARCHIVE = "archive"
    HOME = "home"
    NOT_FOUND = "not_found"
    FEED = "feed"
    CATEGORY_FEED = "category_feed"
    ROBOTS = "robots"
    SITEMAP = "sitemap"
    SITEMAP_INDEX = "sitemap_index"
    SEARCH = "search"

    @property
    def in_sitemap(self) -> bool:
        """The HTML pages a sitemap lists (every one but the 404 and the search page)."""
        return self in (PageKind.ARTICLE, PageKind.CATEGORY, PageKind.MONTH, PageKind.ARCHIVE, PageKind.HOME)


@dataclass(frozen=True)
class PageSpec:
    """One output file: its site-relative path, its kind, the key of what it shows, and
    its dependencies: the articles (by slug) or facts (strings starting with "?") that
    its bytes are made from, besides templates and config."""

    path: str
    kind: PageKind
    key: tuple = ()
    page: int = 1
    pages: int = 1
    deps: tuple[str, ...] = ()


def pages_needed(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def plan(site: Site, config: SiteConfig) -> list[PageSpec]:
    """All pages, in a stable order: two builds of one site plan the same list."""
    neighbours = _neighbours(site)
    specs = [
        PageSpec(urls.article(slug), PageKind.ARTICLE, (slug,), deps=_article_deps(site, slug, neighbours))
        for slug in site.order
    ]
    per = config.per_page
    for cat in site.categories:
        total = pages_needed(len(cat.articles), per)
        specs += [
            PageSpec(
                urls.category(cat.slug, n),
                PageKind.CATEGORY,
                (cat.slug,),
                n,
                total,
                cat.articles[(n - 1) * per : n * per],
            )
            for n in range(1, total + 1)
        ]
        specs.append(
            PageSpec(
                urls.category_feed(cat.slug), PageKind.CATEGORY_FEED, (cat.slug,), deps=cat.articles[: config.feed_size]
            )
        )
    for month in site.months:
        total = pages_needed(len(month.articles), per)
        specs += [
            PageSpec(
                urls.archive_month(month.year, month.month, n),
                PageKind.MONTH,
                (month.year, month.month),
                n,
                total,
                month.articles[(n - 1) * per : n * per],
            )
            for n in range(1, total + 1)
        ]
    home = site.order[: config.home_latest] + tuple(
        s for c in site.categories if c.in_menu for s in c.articles[: config.home_per_category]
    )
    specs += [
        PageSpec(
            urls.archive_index(),
            PageKind.ARCHIVE,
            deps=tuple(f"?{m.year}-{m.month}:{len(m.articles)}" for m in site.months),
        ),
        PageSpec("", PageKind.HOME, deps=home),
        PageSpec("404.html", PageKind.NOT_FOUND, deps=site.order[:4]),
        PageSpec("feed.xml", PageKind.FEED, deps=site.order[: config.feed_size]),
        PageSpec("robots.txt", PageKind.ROBOTS),
        PageSpec("search/", PageKind.SEARCH),
    ]
    listed = sitemap_paths(specs)
    parts = pages_needed(len(listed), SITEMAP_LIMIT)
    if parts == 1:
        specs.append(PageSpec("sitemap.xml", PageKind.SITEMAP, (), 1, 1, (*site.order, *(f"?{p}" for p in listed))))
    else:
        for n in range(1, parts + 1):
            chunk = listed[(n - 1) * SITEMAP_LIMIT : n * SITEMAP_LIMIT]
            slugs = tuple(p[:-1] for p in chunk if p[:-1] in site.articles)
            specs.append(
                PageSpec(f"sitemap-{n}.xml", PageKind.SITEMAP, (), n, parts, (*slugs, *(f"?{p}" for p in chunk)))
            )
        specs.append(PageSpec("sitemap.xml", PageKind.SITEMAP_INDEX, (), 1, parts))
    return specs


def _neighbours(site: Site) -> dict[str, tuple[str, ...]]:
    """Each article's newer and older article in its category (prev/next links)."""
    found: dict[str, tuple[str, ...]] = {}
    for cat in site.categories:
        for i, slug in enumerate(cat.articles):
            found[slug] = cat.articles[max(0, i - 1) : i] + cat.articles[i + 1 : i + 2]
    return found


def _article_deps(site: Site, slug: str, neighbours: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The article, its related and neighbour articles, how each see-also line resolves, and
    which of its links to the original site lead to an archived article (and to which): a
    page is rendered again when an article its links name appears, goes or moves."""
    article = site.articles[slug]
    related = tuple(e.slug for e in site.related.get(slug, ()) if e.slug)
    see_also = [site.slug_for_title(title) or f"?missing:{fold(title)}" for title in article.body_see_also]
    links = [f"?link:{key}>{target}" for key, target in urls.archive_targets(article.body_links, site.by_url).items()]
    return (slug, *related, *neighbours.get(slug, ()), *see_also, *links)


def sitemap_paths(specs: list[PageSpec]) -> list[str]:
    """The pages a sitemap lists: every HTML page but the 404."""
    return [s.path for s in specs if s.kind.in_sitemap]
