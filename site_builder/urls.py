"""The site's URL scheme, in one place: every page's path and every link to it.

Paths are site-relative (`politics/page/2/`); `Urls.href` puts the base path in
front and percent-encodes, `Urls.absolute` adds the host for feeds, sitemaps
and canonical links. Output files follow the paths: `politics/page/2/index.html`.
`source_key` is the other side: the original addresses of the mirrored site, which
article bodies link to and `source.url` records, reduced to one comparable form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlsplit

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


# -- the mirrored site's own addresses ------------------------------------------------
# Tracking parameters that never choose a page: a link carrying them still means the article.
_TRACKING = frozenset(("fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "_ga"))
_DEFAULT_PORTS = {"http": 80, "https": 443}


def source_key(url: str) -> str | None:
    """The comparison key of an original (mirrored) address, or None when it is not http(s).

    Two spellings of one page give one key: scheme (http or https), host case, a leading
    `www.`, a default port, a trailing slash, percent-encoding (an Arabic path written as
    text or as `%D8%…`), the order of query parameters and the fragment (a place in the
    original page, whose anchors ours does not have) are all left out. The query itself is
    kept: news sites often name the article only there (`article.php?id=123`, `?p=456`), so
    dropping it would make every article of such a site one page; only tracking parameters
    (`utm_*`, `fbclid` …) are removed.
    """
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if not host.isascii():
        with suppress(UnicodeError):  # a host IDNA cannot encode is compared as written
            host = host.encode("idna").decode("ascii")
    host = host.removeprefix("www.") if ":" not in host else f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = unicodedata.normalize("NFC", unquote(parts.path)).rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_") and k not in _TRACKING
    )
    if not query:
        return host + path
    return host + path + "?" + "&".join(f"{k}={v}" for k, v in query)


def archive_targets(keys: Iterable[str], by_url: Mapping[str, str]) -> dict[str, str]:
    """Of an article's link keys (see source_key), those naming an archived article, with its slug."""
    return {key: by_url[key] for key in keys if key in by_url}
