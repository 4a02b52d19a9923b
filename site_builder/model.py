"""The archive's data model: frozen dataclasses shared by importer and builder.

Objects refer to each other by slug or title, never by reference, so a model
can be pickled to worker processes and compared in tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .text import fold

DATE_SOURCES = ("cli", "meta", "text", "url", "inferred", "file")


@dataclass(frozen=True, slots=True)
class Image:
    """A photo of the article. `src` is None when the source carried no file."""

    alt: str
    caption: str = ""
    credit: str = ""
    src: str | None = None
    src_original: str | None = None


@dataclass(frozen=True, slots=True)
class SeeAlso:
    """An inline «شاهد ايضاً» link to another article, known by its title."""

    title: str


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """A card of the original page's «أخبار ذات صلة» block."""

    title: str
    summary: str = ""
    category: str = ""
    image_alt: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """Where an imported article came from, so a re-import can find its file."""

    path: str
    format: str  # "text" or "html"
    sha256: str
    url: str = ""  # the article's original absolute address (canonical, og:url, or host folder + path)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as the archive holds it: front matter plus Markdown body."""

    title: str
    slug: str
    date: dt.date | dt.datetime
    category: str
    body: str
    summary: str = ""
    date_source: str = "file"
    images: tuple[Image, ...] = ()
    see_also: tuple[SeeAlso, ...] = ()
    related: tuple[RelatedItem, ...] = ()
    source: Source | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    # The «شاهد ايضاً» titles of the body, in order: what the page links to, known
    # even when the body itself is not kept in memory (see Article.without_body).
    body_see_also: tuple[str, ...] = ()
    # The keys (urls.source_key) of the absolute links in the body, in order, each once:
    # which of them name archived articles decides where the page's links lead.
    body_links: tuple[str, ...] = ()

    def without_body(self) -> Article:
        """This article with its body dropped: builds keep bodies on disk, not in memory."""
        return replace(self, body="")


@dataclass(frozen=True, slots=True)
class Category:
    """A category and its articles, newest first (by slug)."""

    name: str
    slug: str
    in_menu: bool
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Month:
    """An archive month and its articles, newest first (by slug)."""

    year: int
    month: int
    articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RelatedEntry:
    """One card of an article's related-news block: linked when `slug` is set."""

    title: str
    summary: str = ""
    category: str = ""
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the pages are made from: articles and the indexes derived from them."""

    articles: Mapping[str, Article]  # by slug
    order: tuple[str, ...]  # all slugs, newest first
    categories: tuple[Category, ...]  # menu order, then the others by name
    months: tuple[Month, ...]  # newest first
    related: Mapping[str, tuple[RelatedEntry, ...]]  # by article slug
    by_title: Mapping[str, str]  # folded title -> slug, for see-also and related links
    origins: Mapping[str, str] = field(default_factory=dict)  # slug -> content file, for messages
    # urls.source_key of each article's source.url -> its slug: links to the original pages
    # of the mirror lead to the archived copies instead.
    by_url: Mapping[str, str] = field(default_factory=dict)
    # (digest of the inputs, similar articles by slug): kept so the next build can reuse it.
    similar: tuple[str, Mapping[str, tuple[str, ...]]] = ("", {})

    def slug_for_title(self, title: str) -> str | None:
        """The article with this title, however its tashkeel, alef or spacing differ."""
        return self.by_title.get(fold(title))
