"""Is this file an article? A mirror holds far more than articles: the home page,
section and tag listings, feeds and sitemaps (whatever their extension), robots.txt,
error pages, shop pages. Each is skipped with the reason a person can check
(`skipped: looks like a section listing (42 links, 3 paragraphs)`), never imported
and never counted as a failure.

Two ordered rule lists, one rule per function, the first that answers wins:
`TEXT_RULES` look at the decoded text before any parsing (feeds, sitemaps,
robots.txt), `PAGE_RULES` at the parsed page and its main content.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import SiteError
from .dom import Element, squash, text_of, word_count


class NotAnArticle(SiteError):
    """A file that is not an article page; `reason` says what it looks like. The import
    counts it as skipped, not failed."""

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(reason, path)
        self.reason = reason


@dataclass(frozen=True)
class PageSignals:
    """What the page rules look at, gathered once by the HTML reader."""

    url: str
    declared_article: bool  # og:type article, JSON-LD *Article, article:published_time
    ld_types: frozenset[str]
    og_type: str
    title: str
    h1s: tuple[str, ...]
    long_paragraphs: int  # paragraphs of 30 words or more in the main content
    content_words: int  # words of the main content
    story_links: int  # distinct links whose text reads like a headline (4+ words), whole page
    product_markup: bool = False  # schema.org Product microdata
    headings: int = 0  # h2–h4 of the page
    linked_headings: int = 0  # of those, the ones that are links to other pages (teasers)
    main_linked_headings: int = 0  # teaser headings inside the main content


TextRule = Callable[[str], "str | None"]
PageRule = Callable[[PageSignals], "str | None"]


def _head(text: str, size: int) -> str:
    """The start of a text past its blank lines and BOM, without copying the whole page."""
    return text[: size + 4096].lstrip("\ufeff \t\r\n")[:size]


def feed(text: str) -> str | None:
    head = _head(text, 2000).lower()
    if head.startswith("<?xml") or head.startswith("<rss") or head.startswith("<feed") or head.startswith("<rdf"):
        if "<rss" in head or "<rdf:rdf" in head:
            return "an RSS feed"
        if re.search(r"<feed[\s>]", head):
            return "an Atom feed"
    return None


def json_feed(text: str) -> str | None:
    if not _head(text, 1).startswith(("{", "[")):
        return None
    head = text.lstrip("\ufeff \t\r\n")
    if re.search(r"jsonfeed\.org\\?/version", head[:4000]):
        return "a JSON Feed"
    try:
        json.loads(head)
    except ValueError:
        return None
    return "a JSON document"


def sitemap(text: str) -> str | None:
    head = _head(text, 2000).lower()
    if head.startswith("<") and re.search(r"<(urlset|sitemapindex)[\s>]", head):
        return "a sitemap index" if "<sitemapindex" in head else "an XML sitemap"
    return None


def other_xml(text: str) -> str | None:
    head = _head(text, 400).lower()
    if head.startswith("<?xml") and "<html" not in text[:4000].lower():
        return "an XML document, not a web page"
    return None


def robots(text: str) -> str | None:
    lines = [
        line.strip().lower() for line in text[:20000].splitlines()[:200] if line.strip() and not line.startswith("#")
    ]
    directives = sum(
        1
        for line in lines
        if line.startswith(("user-agent:", "disallow:", "allow:", "sitemap:", "crawl-delay:", "host:"))
    )
    return "robots.txt" if lines and directives >= max(1, len(lines) * 0.6) else None


TEXT_RULES: tuple[TextRule, ...] = (feed, json_feed, sitemap, robots, other_xml)

_ERROR_RE = re.compile(
    r"\b404\b|\b403\b|\b500\b|not found|page introuvable|error \d{3}|httperror|\w+error at /|"
    r"internal server error|forbidden|something (?:has gone|went) wrong|"
    r"غير موجود|لم يتم العثور|الصفحه المطلوبه|"
    r"خطا 404|page not available|no longer available",
    re.IGNORECASE,
)
_LISTING_TYPES = frozenset(("CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"))
_PRODUCT_TYPES = frozenset(("Product", "Offer", "AggregateOffer"))
_TAG_PATH_RE = re.compile(
    r"/(?:tags?|topics?|authors?|author|category|categories|section|search|keyword|"
    r"label|archive|page/\d+)(?:/|$)|[?&](?:tag|cat|s|page)=",
    re.IGNORECASE,
)


def error_page(s: PageSignals) -> str | None:
    heads = " ".join((s.title, *s.h1s[:2]))
    if _ERROR_RE.search(heads) and (s.long_paragraphs == 0 or (s.long_paragraphs < 3 and not s.declared_article)):
        return f"looks like an error page («{squash(heads)[:60]}»)"
    return None


def product_page(s: PageSignals) -> str | None:
    if not s.declared_article and (s.og_type == "product" or s.ld_types & _PRODUCT_TYPES or s.product_markup):
        return "a product page (" + ("og:type product" if s.og_type == "product" else "schema.org Product") + ")"
    return None


def home_page(s: PageSignals) -> str | None:
    """The site's root address is its home page, unless the page says it is an article."""
    path = urlsplit(s.url).path
    root = path in ("", "/") or re.fullmatch(r"/(?:index|default|home)\.\w+", path) is not None
    if root and s.url and not s.declared_article and s.story_links >= 5:
        return f"looks like a home page ({s.story_links} links, {s.long_paragraphs} paragraphs)"
    return None


def website_page(s: PageSignals) -> str | None:
    """og:type website and hardly any running text: a landing or front page."""
    if s.og_type == "website" and not s.declared_article and s.long_paragraphs < 2 and s.content_words < 150:
        return f"looks like a site's page, not an article (og:type website, {s.long_paragraphs} paragraphs)"
    return None


def no_text(s: PageSignals) -> str | None:
    if not s.declared_article and s.long_paragraphs == 0 and s.content_words < 8:
        return f"no body text: no article here ({s.content_words} words, {s.story_links} links)"
    return None


def listing_by_schema(s: PageSignals) -> str | None:
    types = s.ld_types & _LISTING_TYPES
    if types and not s.declared_article:
        return f"looks like a listing (JSON-LD {min(types)})"
    return None


def listing_by_teasers(s: PageSignals) -> str | None:
    """Most headings are links to other pages: teasers, as on a section or tag page."""
    if s.declared_article or s.linked_headings < 0.6 * s.headings:
        return None
    if s.linked_headings >= 3 and not s.h1s and s.long_paragraphs == 0:
        return f"looks like {_listing_kind(s)} ({s.linked_headings} headings link to other pages, no paragraph)"
    if s.linked_headings < 8:
        return None
    # Without an <h1>, a page of teasers; unless the teasers stand beside a main text of
    # paragraphs with none among them (a headline in an <h2>, "more news" in a sidebar).
    if s.long_paragraphs < s.linked_headings and (
        s.long_paragraphs < 3 or (not s.h1s and (s.main_linked_headings >= 3 or s.content_words < 300))
    ):
        return f"looks like {_listing_kind(s)} ({s.linked_headings} of {s.headings} headings link to other pages)"
    return None


def listing_by_structure(s: PageSignals) -> str | None:
    """Many headline links and little running text: a home page, section, tag or blog front page."""
    few_paragraphs = s.long_paragraphs < 3 or s.content_words < 150
    if s.declared_article and not (s.long_paragraphs == 0 and s.story_links >= 20):
        return None
    if s.story_links >= 12 and few_paragraphs:
        return f"looks like {_listing_kind(s)} ({s.story_links} links, {s.long_paragraphs} paragraphs)"
    if s.story_links >= 30 and s.story_links * 8 > s.content_words:
        return f"looks like {_listing_kind(s)} ({s.story_links} links, {s.long_paragraphs} paragraphs)"
    if s.long_paragraphs == 0 and s.content_words < 60 and s.story_links >= 5:
        return f"looks like {_listing_kind(s)} ({s.story_links} links, no paragraph)"
    return None


def _listing_kind(s: PageSignals) -> str:
    path = urlsplit(s.url).path
    if path in ("", "/") or re.fullmatch(r"/(?:index|default|home)\.\w+", path or ""):
        return "a home page"
    if _TAG_PATH_RE.search(s.url):
        return "a tag or section listing"
    return "a section listing"


PAGE_RULES: tuple[PageRule, ...] = (
    error_page,
    product_page,
    listing_by_schema,
    home_page,
    listing_by_teasers,
    listing_by_structure,
    website_page,
    no_text,
)


def check_text(text: str) -> None:
    """NotAnArticle for feeds, sitemaps and robots.txt, before any parsing."""
    for rule in TEXT_RULES:
        reason = rule(text)
        if reason:
            raise NotAnArticle(reason)


def check_page(signals: PageSignals, path: str = "") -> None:
    for rule in PAGE_RULES:
        reason = rule(signals)
        if reason:
            raise NotAnArticle(reason, path or None)


def headings(root: Element) -> tuple[int, int]:
    """(h2–h4 count, how many of them are links to other pages)."""
    total = linked = 0
    for h in root.iter("h2", "h3", "h4"):
        text = text_of(h)
        if not text:
            continue
        total += 1
        links = [a for a in h.iter("a") if (a.get("href") or "").strip() not in ("", "#")]
        if links and sum(len(text_of(a)) for a in links) >= 0.8 * len(text):
            linked += 1
    return total, linked


def story_links(root: Element, page_url: str) -> int:
    """Distinct links to other pages whose text reads like a headline (four words or more),
    outside the site's menus."""
    seen: set[str] = set()
    here = urlsplit(page_url).path
    for a in root.xpath(".//a[@href][not(ancestor::nav or ancestor::header or ancestor::footer)]"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")) or urlsplit(href).path == here:
            continue
        if word_count(text_of(a)) >= 4:
            seen.add(href)
    return len(seen)
