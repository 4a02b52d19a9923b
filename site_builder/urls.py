"""The site's URL scheme, in one place: every page's path and every link to it.

Paths are site-relative (`politics/page/2/`); `Urls.href` puts the base path in
front and percent-encodes, `Urls.absolute` adds the host for feeds, sitemaps
and canonical links. Output files follow the paths: `politics/page/2/index.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

ARCHIVE = "archive"
RESERVED = frozenset((ARCHIVE, "static", "feed.xml", "sitemap.xml", "robots.txt", "404.html", "search", "page"))


def article(slug: str) -> str:
    return f"{slug}/"


def category(slug: str, page: int = 1) -> str:
    return f"{slug}/" if page == 1 else f"{slug}/page/{page}/"


def category_feed(slug: str) -> str:
    return f"{slug}/feed.xml"


def archive_month(year: int, month: int, page: int = 1) -> str:
    base = f"{ARCHIVE}/{year:04d}/{month:02d}/"
    return base if page == 1 else f"{base}page/{page}/"


def archive_index() -> str:
    return f"{ARCHIVE}/"


def output_file(path: str) -> str:
    """The file a page path is written to: clean URLs end in `/index.html`."""
    return path + "index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True)
class Urls:
    """Turns site-relative paths into links for one base URL."""

    base_path: str = "/"
    site_url: str = ""

    def href(self, path: str) -> str:
        return _quoted(self.base_path + path)

    def absolute(self, path: str) -> str:
        return self.site_url + self.href(path)


@lru_cache(maxsize=1 << 16)
def _quoted(path: str) -> str:
    """Percent-encoded once per build: every page links the menu, its category and its cards."""
    return quote(path, safe="/#?=&%:")
