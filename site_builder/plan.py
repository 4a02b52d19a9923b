"""Site -> every output page, as a PageSpec: where it goes and what makes it.

The plan is data, so the build can count pages by kind before rendering, and
the incremental build can later decide per page whether it needs rendering.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import urls
from .config import SiteConfig
from .model import Site

SITEMAP_LIMIT = 50_000


@dataclass(frozen=True)
class PageSpec:
    """One output file: its site-relative path, its kind and the key of what it shows."""

    path: str
    kind: str
    key: tuple = ()
    page: int = 1
    pages: int = 1


def pages_needed(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def plan(site: Site, config: SiteConfig) -> list[PageSpec]:
    """All pages, in a stable order: two builds of one site plan the same list."""
    specs = [PageSpec(urls.article(slug), "article", (slug,)) for slug in site.order]
    for cat in site.categories:
        total = pages_needed(len(cat.articles), config.per_page)
        specs += [PageSpec(urls.category(cat.slug, n), "category", (cat.slug,), n, total)
                  for n in range(1, total + 1)]
        specs.append(PageSpec(urls.category_feed(cat.slug), "category_feed", (cat.slug,)))
    for month in site.months:
        total = pages_needed(len(month.articles), config.per_page)
        specs += [PageSpec(urls.archive_month(month.year, month.month, n), "month", (month.year, month.month),
                           n, total) for n in range(1, total + 1)]
    specs += [
        PageSpec(urls.archive_index(), "archive"),
        PageSpec("", "home"),
        PageSpec("404.html", "not_found"),
        PageSpec("feed.xml", "feed"),
        PageSpec("robots.txt", "robots"),
    ]
    parts = pages_needed(len(sitemap_paths(specs)), SITEMAP_LIMIT)
    if parts == 1:
        specs.append(PageSpec("sitemap.xml", "sitemap", (), 1, 1))
    else:
        specs += [PageSpec(f"sitemap-{n}.xml", "sitemap", (), n, parts) for n in range(1, parts + 1)]
        specs.append(PageSpec("sitemap.xml", "sitemap_index", (), 1, parts))
    return specs


def sitemap_paths(specs: list[PageSpec]) -> list[str]:
    """The pages a sitemap lists: every HTML page but the 404."""
    return [s.path for s in specs if s.kind in ("article", "category", "month", "archive", "home")]
