"""Site -> the plain objects templates see: links, cards, figures, pagers.

Templates never touch the model; everything they print is already a string
(escaped by Jinja) or a Markup made here from escaped parts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from . import urls
from .config import SiteConfig
from .model import Article, RelatedEntry, Site
from .sitemodel import local_day, moment
from .text import arabic_date


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool = False


@dataclass(frozen=True)
class Figure:
    alt: str
    caption: str
    credit: str
    src: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Card:
    title: str
    href: str | None
    summary: str
    category: Link | None
    date_iso: str = ""
    date_text: str = ""
    image: Figure | None = None


@dataclass(frozen=True)
class Pager:
    pages: tuple[Link | None, ...]  # None marks a gap («…»)
    prev: str | None
    next: str | None


class Views:
    """Builds view objects for one site; holds the lookups every page needs."""

    def __init__(self, site: Site, config: SiteConfig, figures: dict[str, tuple[Figure, ...]]):
        self.site, self.config = site, config
        self.urls = urls.Urls(config.base_path, config.site_url)
        self.figures = figures
        self.category_of = {c.name: c for c in site.categories}
        # Where each article stands in its category's list: neighbours() without a linear search.
        self._position = {slug: i for c in site.categories for i, slug in enumerate(c.articles)}
        self._cards: dict[str, Card] = {}  # an article's card is on many pages; made once
        self._menus: dict[str | None, tuple[Link, ...]] = {}

    # -- links -------------------------------------------------------------
    def menu(self, current: str | None) -> tuple[Link, ...]:
        if current not in self._menus:
            self._menus[current] = tuple(self._menu(current))
        return self._menus[current]

    def _menu(self, current: str | None) -> list[Link]:
        links = [Link(self.config.menu[0].name if self.config.menu else "الرئيسية", self.urls.href(""), current == "")]
        for cat in self.site.categories:
            if cat.in_menu:
                links.append(Link(cat.name, self.urls.href(urls.category(cat.slug)), current == cat.slug))
        return links

    def category_link(self, name: str) -> Link | None:
        cat = self.category_of.get(name)
        return Link(name, self.urls.href(urls.category(cat.slug))) if cat else None

    def article_href(self, slug: str) -> str:
        return self.urls.href(urls.article(slug))

    def resolve_title(self, title: str) -> str | None:
        slug = self.site.slug_for_title(title)
        return self.article_href(slug) if slug else None

    def archive_links(self, slug: str) -> dict[str, str]:
        """Where this article's links to the original site lead instead: source key -> the
        archived article's page (the same pairs the plan records as the page's deps)."""
        targets = urls.archive_targets(self.site.articles[slug].body_links, self.site.by_url)
        return {key: self.article_href(target) for key, target in targets.items()}

    # -- cards -------------------------------------------------------------
    def card(self, slug: str) -> Card:
        card = self._cards.get(slug)
        if card is None:
            card = self._cards[slug] = self._card(slug)
        return card

    def _card(self, slug: str) -> Card:
        article = self.site.articles[slug]
        image = next((f for f in self.figures.get(slug, ()) if f.src), None)
        return Card(
            article.title,
            self.article_href(slug),
            article.summary,
            self.category_link(article.category),
            self.date_iso(article),
            self.date_text(article),
            image,
        )

    def related_card(self, entry: RelatedEntry) -> Card:
        if entry.slug:
            return self.card(entry.slug)
        return Card(entry.title, None, entry.summary, self.category_link(entry.category))

    def date_iso(self, article: Article) -> str:
        value = article.date
        return value.isoformat() if not hasattr(value, "hour") else moment(value, self.config).isoformat()

    def date_text(self, article: Article) -> str:
        return arabic_date(local_day(article.date, self.config))

    # -- pagination --------------------------------------------------------
    def pager(self, page: int, pages: int, path_of) -> Pager | None:
        if pages <= 1:
            return None
        shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
        links: list[Link | None] = []
        for i, n in enumerate(shown):
            if i and n != shown[i - 1] + 1:
                links.append(None)
            links.append(Link(str(n), self.urls.href(path_of(n)), n == page))
        prev = self.urls.href(path_of(page - 1)) if page > 1 else None
        nxt = self.urls.href(path_of(page + 1)) if page < pages else None
        return Pager(tuple(links), prev, nxt)

    # -- article -----------------------------------------------------------
    def neighbours(self, slug: str) -> tuple[Link | None, Link | None]:
        """(newer, older) article in the same category."""
        article = self.site.articles[slug]
        cat = self.category_of.get(article.category)
        if cat is None:
            return None, None
        at = self._position[slug]
        newer = cat.articles[at - 1] if at > 0 else None
        older = cat.articles[at + 1] if at + 1 < len(cat.articles) else None
        return (self._link(newer), self._link(older))

    def _link(self, slug: str | None) -> Link | None:
        return Link(self.site.articles[slug].title, self.article_href(slug)) if slug else None

    def share_links(self, article: Article) -> list[Link]:
        page = self.urls.absolute(urls.article(article.slug))
        u, t = quote(page, safe=""), quote(article.title, safe="")
        # The address alone where the service shows the page's card (its og:title): an Arabic
        # title percent-encoded weighs six bytes a letter, and it was in four of these links.
        return [
            Link("فيسبوك", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
            Link("إكس", f"https://x.com/intent/post?url={u}"),
            Link("لينكدإن", f"https://www.linkedin.com/sharing/share-offsite/?url={u}"),
            Link("واتساب", f"https://wa.me/?text={u}"),
            Link("تيليغرام", f"https://t.me/share/url?url={u}"),
            Link("البريد", f"mailto:?subject={t}&body={u}"),
        ]

    def article_jsonld(self, article: Article) -> Markup:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "datePublished": self.date_iso(article),
            "articleSection": article.category,
            "inLanguage": self.config.language,
            "mainEntityOfPage": self.urls.absolute(urls.article(article.slug)),
            "image": [self.urls.site_url + f.src for f in self.figures.get(article.slug, ()) if f.src],
            "publisher": {"@type": "Organization", "name": self.config.title},
        }
        return json_script(data)


def json_script(data: object) -> Markup:
    """JSON for a <script> element: `<`, `>` and `&` escaped so content cannot close it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
