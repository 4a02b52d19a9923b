"""Atom feeds, sitemaps and robots.txt: XML written with the standard library's escaping.

Feeds and sitemaps need absolute URLs; a site without base_url gets
path-absolute ones (and the build warns), which still work from the domain root.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from .config import SiteConfig
from .model import Article, Site
from .sitemodel import moment
from .urls import Urls, article

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def atom(site: Site, config: SiteConfig, slugs: tuple[str, ...], title: str, feed_path: str, page_path: str) -> bytes:
    """An Atom 1.0 feed of the newest articles among `slugs`."""
    links = Urls(config.base_path, config.site_url)
    chosen = [site.articles[s] for s in slugs[: config.feed_size]]
    updated = max((moment(a.date, config) for a in chosen), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang={quoteattr(config.language)}>',
        f"  <title>{escape(title)}</title>",
        f"  <id>{escape(links.absolute(feed_path) if config.site_url else _tag(config, feed_path))}</id>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(links.absolute(feed_path))}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(links.absolute(page_path))}/>',
        f"  <updated>{updated.isoformat()}</updated>",
        f"  <author><name>{escape(config.title)}</name></author>",
    ]
    lines += [_entry(a, config, links) for a in chosen]
    lines.append("</feed>\n")
    return "\n".join(lines).encode("utf-8")


def _entry(item: Article, config: SiteConfig, links: Urls) -> str:
    when = moment(item.date, config).isoformat()
    href = links.absolute(article(item.slug))
    entry_id = href if config.site_url else _tag(config, article(item.slug))
    category = f"\n    <category term={quoteattr(item.category)}/>" if item.category else ""
    return (
        f"  <entry>\n    <title>{escape(item.title)}</title>\n"
        f'    <link rel="alternate" type="text/html" href={quoteattr(href)}/>\n'
        f"    <id>{escape(entry_id)}</id>\n    <published>{when}</published>\n    <updated>{when}</updated>\n"
        f"    <summary>{escape(item.summary)}</summary>{category}\n  </entry>"
    )


def _tag(config: SiteConfig, path: str) -> str:
    """A stable tag: URI for feeds of a site that has no base_url yet."""
    return f"tag:{config.title},2000:/{path}"


def sitemap(paths: list[str], config: SiteConfig, lastmod: dict[str, str]) -> bytes:
    links = Urls(config.base_path, config.site_url)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path in paths:
        mod = f"<lastmod>{lastmod[path]}</lastmod>" if path in lastmod else ""
        lines.append(f"  <url><loc>{escape(links.absolute(path))}</loc>{mod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def sitemap_index(parts: int, config: SiteConfig) -> bytes:
    links = Urls(config.base_path, config.site_url)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [
        f"  <sitemap><loc>{escape(links.absolute(f'sitemap-{n}.xml'))}</loc></sitemap>" for n in range(1, parts + 1)
    ]
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode("utf-8")


def robots(config: SiteConfig) -> bytes:
    links = Urls(config.base_path, config.site_url)
    return f"User-agent: *\nAllow: /\n\nSitemap: {links.absolute('sitemap.xml')}\n".encode()
