"""PageSpec -> bytes: Jinja templates for HTML, feeds.py for XML. Reads templates (through
Jinja's loader) and nothing else; writes nothing: output.py writes what it returns.

The Jinja environment autoescapes everything; content reaches templates only
as values, never as template source, so `{{ }}` in an article is just text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import feeds, urls
from . import plan as plan_mod
from .config import SiteConfig
from .content import read_body
from .errors import Problem, SiteError
from .markdown import BodyContext, BodyNote, body_problems, make_parser, render_body
from .model import Site
from .plan import PageKind, PageSpec, sitemap_paths
from .text import ARABIC_MONTHS
from .views import Card, Link, Views, json_script

ARCHIVE_TITLE = "الأرشيف"


def body_shown_verbatim(env: jinja2.Environment) -> bool:
    """Whether the templates show `article.body` exactly once, as it is (no filter, no test,
    no other use such as a reading time): only then is a page its frame around the body."""
    uses, plain = 0, 0
    for name in env.list_templates():
        if not name.endswith((".html", ".xml", ".txt")):
            continue
        assert env.loader is not None
        try:
            tree = env.parse(env.loader.get_source(env, name)[0])
        except jinja2.TemplateError:
            return False  # rendering reports it, with its file and line
        for output in tree.find_all(jinja2.nodes.Output):
            plain += sum(1 for node in output.nodes if _is_article_body(node))
        uses += sum(1 for node in tree.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem)) if _is_article_body(node))
    return uses == plain == 1


def _is_article_body(node: jinja2.nodes.Node) -> bool:
    target = getattr(node, "node", None)
    if not (isinstance(target, jinja2.nodes.Name) and target.name == "article"):
        return False
    if isinstance(node, jinja2.nodes.Getattr):
        return node.attr == "body"
    arg = getattr(node, "arg", None)
    return isinstance(node, jinja2.nodes.Getitem) and isinstance(arg, jinja2.nodes.Const) and arg.value == "body"


def make_environment(templates: Path) -> jinja2.Environment:
    if not templates.is_dir():
        raise SiteError("templates folder not found", templates)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates on every use
    )


class Renderer:
    """Renders the pages of one build; collects what it found wrong in article bodies."""

    def __init__(self, site: Site, config: SiteConfig, views: Views, env: jinja2.Environment, specs: list[PageSpec]):
        self.site, self.config, self.views, self.env = site, config, views, env
        self.md = make_parser()
        self.specs = specs
        self.problems: dict[str, list[Problem]] = {}  # by article slug, found while rendering
        self.bodies: dict[str, BodyNote] = {}  # by article slug, for each article page rendered
        self.spliceable = body_shown_verbatim(env)
        self._cards: dict[tuple[Card, str], Markup] = {}
        self._last_body: tuple[str | None, str] = (None, "")
        self._kinds: dict[PageKind, Callable[[PageSpec], bytes]] = {
            PageKind.ARTICLE: self._article,
            PageKind.CATEGORY: self._category,
            PageKind.MONTH: self._month,
            PageKind.ARCHIVE: self._archive,
            PageKind.HOME: self._home,
            PageKind.NOT_FOUND: self._not_found,
            PageKind.FEED: self._feed,
            PageKind.CATEGORY_FEED: self._category_feed,
            PageKind.ROBOTS: self._robots,
            PageKind.SITEMAP: self._sitemap,
            PageKind.SITEMAP_INDEX: self._sitemap_index,
            PageKind.SEARCH: self._search,
        }
        assert set(self._kinds) == set(PageKind), "a page kind without its render function"

    def render_card(self, card: Card, level: str = "h3") -> Markup:
        """partials/card.html for one card, rendered once per build and reused: the same
        article's card appears on its category, month, home and related pages."""
        key = (card, level)
        html = self._cards.get(key)
        if html is None:
            html = self._cards[key] = Markup(self.env.get_template("partials/card.html").render(card=card, level=level))
        return html

    def body_of(self, slug: str) -> str:
        """An article's Markdown: kept in the model when small, else read back from its file.
        The last one read is kept: the search index asks for the body of the page just rendered."""
        article = self.site.articles[slug]
        origin = self.site.origins.get(slug)
        if article.body or origin is None:
            return article.body
        if self._last_body[0] != slug:
            self._last_body = (slug, read_body(self.config.root / origin))
        return self._last_body[1]

    def render(self, spec: PageSpec) -> bytes:
        return self._kinds[spec.kind](spec)

    # -- shared ---------------------------------------------------------
    def _html(self, template: str, spec: PageSpec, current: str | None, **context: Any) -> bytes:
        page = context.setdefault("page", {})
        page.setdefault("canonical", self.views.urls.absolute(spec.path))
        page.setdefault("description", self.config.description)
        page.setdefault("og_type", "website")
        page.setdefault("image", None)
        page.setdefault("jsonld", None)
        page.setdefault("rel_prev", None)
        page.setdefault("rel_next", None)
        page.setdefault("feed", None)
        try:
            text = self.env.get_template(template).render(
                site=self._site_view(current), render_card=self.render_card, **context
            )
        except jinja2.TemplateSyntaxError as err:
            raise SiteError(f"template error: {err.message}", err.filename or template, err.lineno) from None
        except jinja2.TemplateError as err:
            raise SiteError(f"template error while rendering /{spec.path}: {err}", template) from None
        return text.encode("utf-8")

    def _site_view(self, current: str | None) -> dict[str, Any]:
        href = self.views.urls.href
        return {
            "title": self.config.title,
            "description": self.config.description,
            "lang": self.config.language,
            "dir": self.config.direction,
            "home": href(""),
            "archive": href(urls.archive_index()),
            "feed": href("feed.xml"),
            "css": href("static/css/site.css"),
            "menu": self.views.menu(current),
            "search": href("search/"),
            "search_js": href("static/js/search.js"),
            "search_index": href("search/"),
        }

    def _crumbs(self, *links: Any) -> list[Any]:
        return [Link(self.config.menu[0].name if self.config.menu else "الرئيسية", self.views.urls.href("")), *links]

    # -- HTML pages --------------------------------------------------------
    def _article(self, spec: PageSpec) -> bytes:
        slug = spec.key[0]
        article = self.site.articles[slug]
        seen: dict[str, str | None] = {}
        links = self.views.archive_links(slug)
        body = BodyContext(resolve=lambda title: _remembered(seen, title, self.views.resolve_title), links=links)
        body_html = render_body(self.md, self.body_of(slug), body)
        self._report(slug, body)
        cat = self.views.category_link(article.category)
        newer, older = self.views.neighbours(slug)
        figures = self.views.figures.get(slug, ())
        page = {
            "title": article.title,
            "description": article.summary or self.config.description,
            "og_type": "article",
            "image": next((f.src for f in figures if f.src), None),
            "jsonld": self.views.article_jsonld(article),
            "published": self.views.date_iso(article),
            "section": article.category,
        }
        crumbs = self._crumbs(*([cat] if cat else []), Link(article.title, self.views.article_href(slug), True))
        html = self._html(
            "article.html",
            spec,
            self._slug_of(article.category) if cat else None,
            page=page,
            breadcrumb=crumbs,
            article={
                "title": article.title,
                "summary": article.summary,
                "category": cat,
                "date_iso": self.views.date_iso(article),
                "date_text": self.views.date_text(article),
                "figures": figures,
                "body": Markup(body_html),
                "share": self.views.share_links(article),
                "newer": newer,
                "older": older,
                "related": [self.views.related_card(e) for e in self.site.related.get(slug, ())],
            },
        )
        if self.spliceable:
            self._note_body(slug, html, body_html.encode("utf-8"), seen, dict(links))
        return html

    def _note_body(
        self, slug: str, html: bytes, body: bytes, see_also: dict[str, str | None], links: dict[str, str]
    ) -> None:
        at = html.find(body)
        if body and at >= 0 and html.find(body, at + 1) < 0:
            self.bodies[slug] = BodyNote(at, at + len(body), see_also, links)

    def _report(self, slug: str, body: BodyContext) -> None:
        found = body_problems(self.site.origins.get(slug), body)
        if found:
            self.problems[slug] = found

    def _slug_of(self, category: str) -> str | None:
        cat = self.views.category_of.get(category)
        return cat.slug if cat and cat.in_menu else None

    def _listing(
        self,
        spec: PageSpec,
        heading: str,
        path_of: Callable[[int], str],
        current: str | None,
        feed: str | None,
        crumbs: list[Any],
    ) -> bytes:
        """A page of a category or month: its articles are the ones the plan gave it (spec.deps)."""
        pager = self.views.pager(spec.page, spec.pages, path_of)
        title = heading if spec.page == 1 else f"{heading} - صفحة {spec.page}"
        page = {
            "title": title,
            "rel_prev": pager.prev if pager else None,
            "rel_next": pager.next if pager else None,
            "feed": self.views.urls.href(feed) if feed else None,
        }
        return self._html(
            "list.html",
            spec,
            current,
            page=page,
            breadcrumb=crumbs,
            heading=heading,
            page_number=spec.page,
            cards=[self.views.card(s) for s in spec.deps],
            pager=pager,
        )

    def _category(self, spec: PageSpec) -> bytes:
        cat = next(c for c in self.site.categories if c.slug == spec.key[0])
        crumbs = self._crumbs(Link(cat.name, self.views.urls.href(urls.category(cat.slug)), True))
        return self._listing(
            spec,
            cat.name,
            lambda n: urls.category(cat.slug, n),
            cat.slug if cat.in_menu else None,
            urls.category_feed(cat.slug),
            crumbs,
        )

    def _month(self, spec: PageSpec) -> bytes:
        year, month = spec.key
        heading = f"أرشيف {ARABIC_MONTHS[month - 1]} {year}"
        crumbs = self._crumbs(
            Link(ARCHIVE_TITLE, self.views.urls.href(urls.archive_index())),
            Link(heading, self.views.urls.href(urls.archive_month(year, month)), True),
        )
        return self._listing(spec, heading, lambda n: urls.archive_month(year, month, n), None, None, crumbs)

    def _archive(self, spec: PageSpec) -> bytes:
        years: dict[int, list[dict[str, Any]]] = {}
        for m in self.site.months:
            years.setdefault(m.year, []).append(
                {
                    "label": f"{ARABIC_MONTHS[m.month - 1]} {m.year}",
                    "count": len(m.articles),
                    "href": self.views.urls.href(urls.archive_month(m.year, m.month)),
                }
            )
        crumbs = self._crumbs(Link(ARCHIVE_TITLE, self.views.urls.href(urls.archive_index()), True))
        return self._html(
            "archive.html",
            spec,
            None,
            page={"title": ARCHIVE_TITLE},
            breadcrumb=crumbs,
            heading=ARCHIVE_TITLE,
            years=sorted(years.items(), reverse=True),
        )

    def _home(self, spec: PageSpec) -> bytes:
        latest = [self.views.card(s) for s in self.site.order[: self.config.home_latest]]
        sections = [
            {
                "category": self.views.category_link(c.name),
                "cards": [self.views.card(s) for s in c.articles[: self.config.home_per_category]],
            }
            for c in self.site.categories
            if c.in_menu and c.articles
        ]
        page = {
            "title": self.config.title,
            "feed": self.views.urls.href("feed.xml"),
            "jsonld": json_script(
                {
                    "@context": "https://schema.org",
                    "@type": "WebSite",
                    "name": self.config.title,
                    "url": self.views.urls.absolute(""),
                    "inLanguage": self.config.language,
                }
            ),
        }
        return self._html("home.html", spec, "", page=page, breadcrumb=[], latest=latest, sections=sections)

    def _search(self, spec: PageSpec) -> bytes:
        crumbs = self._crumbs(Link("البحث", self.views.urls.href("search/"), True))
        categories = [c.name for c in self.site.categories if c.articles]
        return self._html(
            "search.html", spec, None, page={"title": "البحث في الأرشيف"}, breadcrumb=crumbs, categories=categories
        )

    def search_docs(self) -> list[dict[str, str]]:
        """Display fields of every article, newest first, for the search index."""
        docs = []
        for slug in self.site.order:
            article = self.site.articles[slug]
            summary = article.summary if len(article.summary) <= 220 else article.summary[:219].rsplit(" ", 1)[0] + "…"
            docs.append(
                {
                    "url": self.views.article_href(slug),
                    "title": article.title,
                    "category": article.category,
                    "date": self.views.date_iso(article),
                    "date_text": self.views.date_text(article),
                    "summary": summary,
                }
            )
        return docs

    def _not_found(self, spec: PageSpec) -> bytes:
        latest = [self.views.card(s) for s in self.site.order[:4]]
        return self._html("404.html", spec, None, page={"title": "الصفحة غير موجودة"}, breadcrumb=[], latest=latest)

    # -- XML and text --------------------------------------------------------
    def _feed(self, spec: PageSpec) -> bytes:
        return feeds.atom(self.site, self.config, self.site.order, self.config.title, spec.path, "")

    def _category_feed(self, spec: PageSpec) -> bytes:
        cat = next(c for c in self.site.categories if c.slug == spec.key[0])
        return feeds.atom(
            self.site,
            self.config,
            cat.articles,
            f"{self.config.title} - {cat.name}",
            spec.path,
            urls.category(cat.slug),
        )

    def _robots(self, spec: PageSpec) -> bytes:
        return feeds.robots(self.config)

    def _sitemap(self, spec: PageSpec) -> bytes:
        paths = sitemap_paths(self.specs)
        limit = plan_mod.SITEMAP_LIMIT
        chunk = paths[(spec.page - 1) * limit : spec.page * limit]
        lastmod = {urls.article(s): self.views.date_iso(self.site.articles[s])[:10] for s in self.site.order}
        return feeds.sitemap(chunk, self.config, lastmod)

    def _sitemap_index(self, spec: PageSpec) -> bytes:
        return feeds.sitemap_index(spec.pages, self.config)


def _remembered(seen: dict[str, str | None], title: str, resolve: Callable[[str], str | None]) -> str | None:
    if title not in seen:
        seen[title] = resolve(title)
    return seen[title]
