"""HTML article pages as wget or HTTrack saved them from the mirrored site.

A saved page is the whole site around one article: menus, share buttons, ads,
scripts, and a related-news block with headings and paragraphs of its own. So
the parser first marks the related-news zones and finds the article's own
container, and reads each field from machine metadata (meta tags, JSON-LD)
before visible text, where templates also print breadcrumbs, the site's name
and other articles' dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice, takewhile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PreformattedString

from ..errors import SiteError, location
from ..model import Image, RelatedItem
from ..text import clean_block, clean_line, fold
from .dates import dateline, parse_iso
from .page import (
    CATEGORY_RE,
    MENU,
    SITE_NAME,
    Block,
    FoundDate,
    Heading,
    Paragraph,
    ParsedPage,
    SeeAlsoBlock,
    is_related_heading,
    see_also_title,
    split_credit,
    strip_site_name,
)

_START_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|article)[\s>/]", re.IGNORECASE)
_CHARSET_RE = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.IGNORECASE)
# Only labels Arabic text can truly be in: a Latin-1 or windows-1252 label is a
# template default that would turn Arabic bytes into mojibake without an error,
# and sniffing does better. A UTF-16 label in an ASCII-readable head means UTF-8.
_CODECS = {
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be"), "utf-8"),
    **dict.fromkeys(("windows-1256", "cp1256", "x-cp1256"), "cp1256"),
    **dict.fromkeys(("iso-8859-6", "iso_8859-6", "iso8859-6", "iso8859_6", "iso-8859-6-i", "iso-8859-6-e",
                     "arabic", "asmo-708", "ecma-114", "iso-ir-127", "csisolatinarabic"), "iso8859_6"),
}
_NOISE_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "form", "nav", "header",
                         "footer", "button", "svg", "select", "textarea", "input", "object", "embed",
                         "canvas", "dialog", "link", "meta"))
# Class and id tokens (split at - and _) of the widgets around an article.
_NOISE_TOKEN_RE = re.compile(
    r"ads?|adv|advert\w*|dfp|share\w*|sharing|social\w*|newsletter\w*|subscri\w*|comments?\w*|disqus|"
    r"breadcrumbs?\w*|related\w*|promo\w*|sponsor\w*|tags?|author\w*|byline|bio|cookie\w*|popup|modal|"
    r"sidebar|twitter\w*|tweet|facebook\w*|whatsapp\w*|telegram\w*|instagram\w*")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_BLOCK_TAGS = frozenset(("address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
                         "fieldset", "figcaption", "figure", "h1", *_HEADINGS, "hr", "li", "main", "ol", "p",
                         "pre", "section", "table", "ul", "center", *_NOISE_TAGS))
_LEAF_PROBE = sorted(_BLOCK_TAGS - _NOISE_TAGS - {"hr"})  # a paragraph holds none of these
_LEAD_RE = re.compile(r"lead|standfirst|excerpt|intro|dek|strapline|subtitle|summary|teaser")
_CREDIT_RE = re.compile(r"credit|source|copyright")
_CATEGORY_RE = re.compile("categor")
_CARD_CATEGORY_RE = re.compile(r"categor|section|tags?|kicker")
_ARTICLE_TYPE_RE = re.compile(r"Article$|^BlogPosting$|^Report$")
_LISTING_TYPES = frozenset(("CollectionPage", "ItemList", "SearchResultsPage"))
_SEE_ALSO_LABELS = ("شاهد ايضا ", "اقرا ايضا ")  # folded
_HOME_LINKS = frozenset(fold(w) for w in ("الرئيسية", "الصفحة الرئيسية", "home"))
_HTTRACK_RE = re.compile(r"Mirrored from (\S+) by HTTrack")


def looks_like_html(text: str) -> bool:
    """Markup from its first character, with an html/head/body/article tag near the start."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    return head.startswith("<") and _START_RE.search(head) is not None


def declared_charset(head: bytes) -> str | None:
    """The codec a page's <meta> declares in its first KB, when it is one Arabic text can be in."""
    match = _CHARSET_RE.search(head[:8192])
    return _CODECS.get(match.group(1).decode("ascii", "replace").lower()) if match else None


@dataclass
class _Page:
    """One page being read: what was found so far, and what the body walk must skip."""

    soup: BeautifulSoup
    path: str
    zones: list[list[Tag]] = field(default_factory=list)  # related-news sections, in document order
    skip: set[int] = field(default_factory=set)  # ids of related-news elements and of those read as metadata
    meta: dict[str, str] = field(default_factory=dict)
    ld: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    declared: bool = False  # og:type or JSON-LD says this is an article

    def left_out(self, tag: Tag) -> bool:
        """In a related-news section, or part of what was read as metadata."""
        return any(id(t) in self.skip for t in (tag, *tag.parents))

    def warn(self, tag: Tag | None, message: str) -> None:
        line = tag.sourceline if tag is not None else None
        self.warnings.append(f"{location(self.path or None, line) or f'line {line}'}: {message}")


def parse(text: str, path: str = "", page_file: Path | None = None,
          mirror_root: Path | None = None) -> ParsedPage:
    """Read one saved article page; SiteError when it is not one, or has no title or body."""
    try:
        return _parse(_Page(BeautifulSoup(text, "html.parser"), path), page_file, mirror_root)
    except RecursionError:  # the walk recurses per level; no real page nests hundreds deep
        raise SiteError("elements nested too deeply to read", path) from None


def _parse(page: _Page, page_file: Path | None, mirror_root: Path | None) -> ParsedPage:
    path = page.path
    page.zones = _related_zones(page.soup)
    page.skip = {id(t) for zone in page.zones for t in zone}
    page.meta, page.ld = _meta(page), _json_ld(page)
    container = _container(page)
    title = _title(page, container)
    if not title:
        raise SiteError("no title: no <h1>, og:title or <title>", path)
    if container is None:
        raise SiteError("no body text", path)
    summary, category = _summary(page, container), _category(page, container)
    if not category:
        page.warn(container, "no category")
    date = _date(page, container)
    images, files = _images(page, container, _base_url(page), page_file, mirror_root)
    blocks = [b for i, b in enumerate(_walk(page, container))
              if not (i < 3 and isinstance(b, Paragraph) and dateline(b.text))]
    if not any(isinstance(b, Paragraph) for b in blocks):
        raise SiteError("no body text", path, container.sourceline)
    return ParsedPage(title, summary, category, tuple(blocks), tuple(images), tuple(_related(page, category)),
                      date, tuple(page.warnings), tuple(files))


# --- elements and their text ---------------------------------------------------------------------------

def _tokens(tag: Tag) -> list[str]:
    classes = tag.get("class") or []
    raw = " ".join([*([classes] if isinstance(classes, str) else classes), str(tag.get("id") or "")])
    return [t for t in re.split(r"[\s_-]+", raw.lower()) if t]


def _has_token(tag: Tag, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(t) for t in _tokens(tag))


def _is_noise(tag: Tag) -> bool:
    if tag.name in _NOISE_TAGS or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    hidden = _HIDDEN_STYLE_RE.search(str(tag.get("style") or ""))
    return bool(hidden) or any(_NOISE_TOKEN_RE.fullmatch(t) for t in _tokens(tag))


def _clear(tag: Tag, stop: Tag | None = None) -> bool:
    """Neither noise nor inside noise (below `stop`)."""
    for t in (tag, *tag.parents):
        if t is stop:
            return True
        if _is_noise(t):
            return False
    return True


def _strings(tag: Tag, skip: Tag | None = None) -> Iterator[str]:
    for child in tag.children:
        if isinstance(child, Tag):
            if child is skip or child.name == "figure" or _is_noise(child):
                continue
            gap = " " if child.name == "br" or child.name in _BLOCK_TAGS else ""
            yield gap
            yield from _strings(child, skip)
            yield gap
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            yield str(child)


def _text(tag: Tag, skip: Tag | None = None) -> str:
    """Visible text as written: inline tags join without a space, blocks and <br> with one."""
    return clean_line("".join(_strings(tag, skip)))


def _strip_name(text: str, page: _Page) -> str:
    """The site's name off either end of a title or summary («خبرين | …» and «… - خَبَرَيْن»)."""
    return strip_site_name(strip_site_name(text, page.meta.get("og:site_name") or SITE_NAME))


# --- metadata ------------------------------------------------------------------------------------------

def _meta(page: _Page) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in page.soup.find_all("meta"):
        key, content = tag.get("property") or tag.get("name") or tag.get("itemprop"), tag.get("content")
        if key and content and not page.left_out(tag):
            found.setdefault(str(key).strip().lower(), str(content))
    return found


def _json_ld(page: _Page) -> list[dict[str, Any]]:
    """Every object of the page's JSON-LD, lists and @graph flattened; broken scripts are left out."""
    items: list[dict[str, Any]] = []
    for script in page.soup.find_all("script", type=re.compile(r"ld\+json", re.IGNORECASE)):
        raw = script.get_text().strip().removeprefix("<!--").removesuffix("-->")
        for attempt in (raw, re.sub(r",\s*([}\]])", r"\1", raw)):  # then without trailing commas
            try:
                _flatten(json.loads(attempt, strict=False), items)
                break
            except ValueError:
                continue
        else:
            page.warn(script, "broken JSON-LD left out")
    return items


def _flatten(data: object, into: list[dict[str, Any]]) -> None:
    if isinstance(data, list):
        for item in data:
            _flatten(item, into)
    elif isinstance(data, dict):
        into.append(data)
        _flatten(data.get("@graph"), into)


def _ld_types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    return [t for t in (kind if isinstance(kind, list) else [kind]) if isinstance(t, str)]


def _ld_values(page: _Page, key: str) -> Iterator[str]:
    """`key` of the article objects first, then of the others; a list gives its first string."""
    articles = [i for i in page.ld if any(_ARTICLE_TYPE_RE.search(t) for t in _ld_types(i))]
    for item in articles + [i for i in page.ld if all(i is not a for a in articles)]:
        value = item.get(key)
        value = next((v for v in value if isinstance(v, str)), None) if isinstance(value, list) else value
        if isinstance(value, str) and value.strip():
            yield value


def _base_url(page: _Page) -> str | None:
    """What image URLs resolve against: <base href> over canonical, og:url or HTTrack's note."""
    canonical = page.soup.find("link", rel="canonical", href=True)
    note = _HTTRACK_RE.search(str(page.soup.find(string=lambda s: isinstance(s, Comment) and "HTTrack" in s)))
    found = [str(canonical["href"]) if canonical else "", page.meta.get("og:url", ""),
             (note.group(1) if "://" in note.group(1) else "http://" + note.group(1)) if note else ""]
    url = next((u.strip() for u in found if urlsplit(u.strip()).scheme in ("http", "https")), None)
    base = page.soup.find("base", href=True)
    joined = urljoin(url or "", str(base["href"]).strip()) if base else ""
    return joined if urlsplit(joined).scheme in ("http", "https") else url


def _title(page: _Page, container: Tag | None) -> str:
    """<h1> of the article, then of <main>, then outside the site header; og:title; <title>."""
    soup = page.soup
    h1s = [*(container("h1") if container else []), *(soup.main("h1") if soup.main else [])]
    h1s += [h for h in soup("h1") if not page.left_out(h) and _clear(h)]
    titles = [_text(h) for h in h1s] + [page.meta.get(k, "") for k in ("og:title", "twitter:title")]
    titles += [*_ld_values(page, "headline"), *(_text(t) for t in soup("title") if not t.find_parent("svg"))]
    return next((t for t in (_strip_name(t, page) for t in titles) if t), "")


def _summary(page: _Page, container: Tag) -> str:
    """The meta description, else the lead paragraph; a lead that repeats it is not body text."""
    described = (page.meta.get(k, "") for k in ("description", "og:description", "twitter:description"))
    summary = next((s for s in (_strip_name(d, page) for d in described) if s), "")
    leads = (t for t in container(("p", "div", "h2", "h3", "span", "strong")) if _has_token(t, _LEAD_RE))
    lead = next((t for t in leads if not t.find(("p", "div")) and not page.left_out(t) and _text(t)), None)
    if lead is not None and (not summary or fold(_text(lead)) == fold(summary)):
        page.skip.add(id(lead))
        summary = summary or _strip_name(_text(lead), page)
    return summary


def _category(page: _Page, container: Tag) -> str:
    """article:section, JSON-LD articleSection, a category link or element, an «التصنيف:» line."""
    stated = clean_line(page.meta.get("article:section") or next(_ld_values(page, "articleSection"), ""))
    tag = None if stated else _category_tag(page, container)
    if tag is None:
        return stated
    page.skip.add(id(tag))
    match, link = CATEGORY_RE.match(_text(tag)), tag.find("a")
    return clean_line(match["name"]) if match else _text(link) if link and _text(link) else _text(tag)


def _category_tag(page: _Page, container: Tag) -> Tag | None:
    own = [t for t in page.soup.find_all(True) if not page.left_out(t)]
    linked = [t for t in own if t.name == "a" and "category" in (t.get("rel") or []) and _text(t)]
    for crumbs in (t for t in own if _has_token(t, re.compile(r"^breadcrumb"))):
        links = [a for a in crumbs.find_all("a") if _text(a) and fold(_text(a)) not in _HOME_LINKS]
        linked += [a for a in links if "tag" in (a.get("rel") or [])] + links[-1:]
    marked = [t for t in (*container(True), *(t for t in own if _clear(t))) if _has_token(t, _CATEGORY_RE)
              and 0 < len(_text(t).split()) <= 5 and not page.left_out(t)]
    label = page.soup.find(string=re.compile(r"^\s*التصنيف\s*[:：]"))
    labelled = [t for t in (label.parents if label else ()) if CATEGORY_RE.match(_text(t))][:1]
    return next(iter(linked + marked + [t for t in labelled if not page.left_out(t)]), None)


def _date(page: _Page, container: Tag) -> FoundDate | None:
    """Meta tag, JSON-LD or <time datetime> ("meta"); else a dateline near the article's top ("text")."""
    times = sorted((t for t in container("time", datetime=True) if not page.left_out(t)),
                   key=lambda t: not (t.get("itemprop") == "datePublished" or t.has_attr("pubdate")))
    stated = [page.meta.get("article:published_time", ""), page.meta.get("datepublished", ""),
              *_ld_values(page, "datePublished"), *(str(t["datetime"]) for t in times)]
    day = next((d for d in map(parse_iso, stated) if d is not None), None)
    if day is not None:
        return FoundDate(day, "meta")
    strings = (s for s in container.find_all(string=True)
               if s.strip() and type(s) is NavigableString and not page.left_out(s.parent))
    lines = (dateline(clean_line(s)) for s in islice(strings, 25) if len(s.split()) <= 8)
    found = next((d for d in lines if d is not None), None)
    return FoundDate(found, "text") if found else None


# --- the article's container and body ------------------------------------------------------------------

def _container(page: _Page) -> Tag | None:
    """The article element (the one with the <h1> when there are several), articleBody, main, densest."""
    soup = page.soup
    types = {t for item in page.ld for t in _ld_types(item)}
    if types & _LISTING_TYPES and not any(_ARTICLE_TYPE_RE.search(t) for t in types):
        raise SiteError(f"not an article page: JSON-LD says {min(types & _LISTING_TYPES)}", page.path)
    page.declared = page.meta.get("og:type") == "article" or any(_ARTICLE_TYPE_RE.search(t) for t in types)
    articles = [a for a in soup("article") if not page.left_out(a) and a.find_parent("article") is None]
    candidates = (_one(page, articles), soup.find(itemprop="articleBody"), soup.main, _densest(page))
    found = next((c for c in candidates if c is not None
                  and any(isinstance(b, Paragraph) for b in _walk(page, c))), None)
    headings = [h for h in (found(("h2", "h3", "h4")) if found else []) if not page.left_out(h)]
    linked = [h for h in headings if _links_away(h)]
    if len(linked) >= 3 and 2 * len(linked) >= len(headings) and not page.declared:
        raise SiteError(f"not an article page: {len(linked)} headings link to other pages", page.path,
                        linked[0].sourceline)
    return found


def _one(page: _Page, blocks: list[Tag]) -> Tag | None:
    """The article among several candidate blocks; SiteError when they are cards linking elsewhere."""
    if len(blocks) < 2:
        return blocks[0] if blocks else None
    marked = [b for b in blocks if b.find("h1") or b.find(itemprop="articleBody")]
    cards = [b for b in blocks if any(_links_away(h) for h in b(("h2", "h3", "h4")))]
    if not marked and len(cards) >= 2 and not page.declared:
        raise SiteError(f"not an article page: a listing of {len(blocks)} cards", page.path,
                        blocks[0].sourceline)
    return (marked or sorted(blocks, key=lambda b: -len(b.find_all("p"))))[0]


def _links_away(heading: Tag) -> bool:
    return heading.find("a", href=lambda href: bool(href) and not href.startswith("#")) is not None


def _densest(page: _Page) -> Tag | None:
    """The element with the most direct <p> children; for a tie, the element holding them all."""
    scored = [(sum(1 for p in t.find_all("p", recursive=False) if _text(p)), t)
              for t in page.soup.find_all(True) if t.name not in ("html", "body")]
    scored = [(n, t) for n, t in scored if n and _clear(t) and not page.left_out(t)]
    best = [t for n, t in scored if n == max(n for n, _ in scored)]
    if len(best) < 2:
        return best[0] if best else None
    _one(page, best)
    return next(a for a in best[0].parents if all(any(a is p for p in b.parents) for b in best[1:]))


def _walk(page: _Page, node: Tag) -> Iterator[Block]:
    """The blocks under `node` in document order; loose inline text between blocks is a paragraph."""
    run: list[Tag | NavigableString] = []
    for child in [*node.children, None]:
        if child is not None and (id(child) in page.skip or isinstance(child, PreformattedString)
                                  or (isinstance(child, Tag) and _is_noise(child))):
            continue
        if child is not None and child.name not in _BLOCK_TAGS and child.name != "br":
            run.append(child)
            continue
        text = "".join(n if isinstance(n, NavigableString) else "".join(_strings(n)) for n in run)
        yield from _paragraph(clean_block(text), [a for n in run if isinstance(n, Tag) for a in [n, *n("a")]])
        run = []
        if child is not None:
            yield from _block(page, child)


def _block(page: _Page, tag: Tag) -> Iterator[Block]:
    if tag.name == "table":
        page.warn(tag, "table left out of the body")
    elif tag.name in _HEADINGS:
        if _text(tag) and not is_related_heading(_text(tag)):
            yield Heading(_text(tag))
    elif tag.name in ("aside", "div", "section") and _starts_see_also(_text(tag)) and len(_text(tag)) < 300:
        title = _see_also_title(_text(tag), tag.find_all("a"))
        yield from [SeeAlsoBlock(title)] if title else []
    elif tag.name in ("aside", "figure", "figcaption", "h1", "hr"):
        return
    elif tag.name == "pre" or tag.find(_LEAF_PROBE) is None:
        yield from _paragraph(clean_block("".join(_strings(tag))), tag.find_all("a"))
    else:
        yield from _walk(page, tag)


def _paragraph(text: str, links: list[Tag]) -> Iterator[Block]:
    title = _see_also_title(text, links) if _starts_see_also(text) else None
    if title:
        yield SeeAlsoBlock(title)
    elif text and not CATEGORY_RE.match(text):
        yield Paragraph(text)


def _starts_see_also(text: str) -> bool:
    return (fold(text) + " ").startswith(_SEE_ALSO_LABELS)


def _see_also_title(text: str, links: list[Tag]) -> str | None:
    """The linked title, else the text after the label; None for a list of several links."""
    titles = list(dict.fromkeys(t for t in (_text(a) for a in links if a.name == "a") if t
                                and not _starts_see_also(t)))
    if titles:
        return titles[0] if len(titles) == 1 else None
    return see_also_title(text) or clean_line(" ".join(text.split()[2:]).lstrip(":： ")) or None


# --- images --------------------------------------------------------------------------------------------

def _images(page: _Page, container: Tag, base: str | None, page_file: Path | None,
            mirror_root: Path | None) -> tuple[list[Image], list[Path | None]]:
    images: list[Image] = []
    files: list[Path | None] = []
    for figure in (f for f in container("figure") if f.find_parent("figure") is None):
        img = figure.find("img")
        if img is None or page.left_out(figure) or not _clear(figure, container):
            continue
        src, caption_tag = _image_src(img, figure), figure.find("figcaption")
        caption, credit = _caption(caption_tag) if caption_tag else ("", "")
        if not caption:
            page.warn(figure, "figure without a caption")
        original = urljoin(base, src) if src and base else src
        images.append(Image(clean_line(str(img.get("alt") or "")), caption, credit, None, original))
        files.append(_local_file(src, base, page_file, mirror_root) if src else None)
    return images, files


def _image_src(img: Tag, figure: Tag) -> str | None:
    """The real file of a lazy image: data-src and kin before a placeholder src, then srcset."""
    for attr in ("data-src", "data-lazy-src", "data-original", "data-url"):
        if str(img.get(attr) or "").strip():
            return str(img[attr]).strip()
    src = str(img.get("src") or "").strip()
    if src and not src.startswith("data:"):
        return src
    candidates = (str(t.get(a) or "").split(",")[0].split() for t in (img, *figure.find_all("source"))
                  for a in ("data-srcset", "srcset"))
    return next((c[0] for c in candidates if c), None)


def _caption(caption: Tag) -> tuple[str, str]:
    """The credit element when the page marks one, else the credit split off the caption's end."""
    marked = [t for t in caption(True) if _has_token(t, _CREDIT_RE)] or caption(("small", "cite"))
    if not marked:
        return split_credit(_text(caption))
    return _text(caption, skip=marked[0]), _text(marked[0])


def _local_file(src: str, base: str | None, page_file: Path | None, mirror_root: Path | None) -> Path | None:
    """The mirror's copy of an image: `root/<host>/<path>` or beside the page; never outside root."""
    root = mirror_root or (page_file.parent if page_file else None)
    parts = urlsplit(src)
    if root is None or parts.scheme not in ("", "http", "https"):
        return None
    root = root.resolve()
    places = [(root / parts.netloc.lower(), parts.path)] if parts.netloc else []
    if not parts.netloc and not parts.path.startswith("/") and page_file is not None:
        places.append((page_file.parent, parts.path))  # wget --convert-links made it relative
    if base and not parts.netloc:
        absolute = urlsplit(urljoin(base, src))
        places.append((root / absolute.netloc.lower(), absolute.path))
    elif not parts.netloc and page_file is not None and page_file.resolve().is_relative_to(root):
        host = page_file.resolve().relative_to(root).parts  # the page's own root/<host>/
        places += [(root / host[0], parts.path)] if len(host) > 1 else []
    for folder, url_path in places:
        for rel in dict.fromkeys((unquote(url_path).lstrip("/"), url_path.lstrip("/"))):
            try:
                real = (folder / rel).resolve()
                if rel and real.is_relative_to(root) and real.is_file():
                    return real
            except (OSError, ValueError, RuntimeError):
                continue
    return None


# --- related news --------------------------------------------------------------------------------------

def _related_zones(soup: BeautifulSoup) -> list[list[Tag]]:
    """Boxes with "related" in class/id, and the elements that follow a «أخبار ذات صلة» heading."""
    boxes = [t for t in soup.find_all(True) if t.name not in ("html", "body", "a", "span")
             and any("related" in tok for tok in _tokens(t)) and t.find("h1") is None]
    zones = [[b] for b in boxes if not any(p is c for c in boxes for p in b.parents)]
    for string in soup.find_all(string=lambda s: len(s) < 60 and is_related_heading(s)):
        head = string.parent
        while head.parent and head.parent.name != "[document]" and _text(head.parent) == _text(head):
            head = head.parent
        taken = {id(t) for zone in zones for t in zone}
        box = head.parent or head
        if not is_related_heading(_text(head)) or any(id(t) in taken for t in (head, *head.parents)) or (
                _starts_see_also(_text(box)) and len({_text(a) for a in box.find_all("a")}) <= 1):
            continue  # a line that starts with the words, already in a box, or a see-also label
        siblings = head.find_next_siblings(True)  # up to the article's own title, if that comes later
        zones.append([head, *takewhile(lambda t: t.name != "h1" and t.find("h1") is None, siblings)])
    order = {id(t): n for n, t in enumerate(soup.find_all(True))}
    return sorted(zones, key=lambda zone: order[id(zone[0])])


def _related(page: _Page, category: str) -> list[RelatedItem]:
    known = {fold(c) for c in (*MENU, category) if c}
    items: dict[str, RelatedItem] = {}
    for zone in page.zones:
        if len(zone) == 1:  # a box: its own heading («قد يهمك») is not a card
            zone = zone[0].find_all(True, recursive=False)
            first = zone[0] if zone else None
            heading = first if first is None or first.name in _HEADINGS else first.find(_HEADINGS)
            if heading is not None and _text(heading) == _text(first) and not first.find(("a", "img", "p")):
                zone = zone[1:]
        use_links = not any(_titles(t, False, known) for t in zone)
        for card in _cards(zone, use_links, known):
            item = _card(card, use_links, known)
            if item is not None:
                items.setdefault(fold(item.title), item)
    return list(items.values())


def _titles(tag: Tag, use_links: bool, known: set[str]) -> list[Tag]:
    """A card's title elements: headings, or links with text when the section has no headings."""
    names = ("a",) if use_links else _HEADINGS
    found = [tag] if tag.name in names else tag.find_all(names)
    return [t for t in found if _text(t) and not is_related_heading(_text(t)) and fold(_text(t)) not in known
            and not (use_links and _has_token(t, _CARD_CATEGORY_RE))]


def _cards(tags: list[Tag], use_links: bool, known: set[str]) -> list[Tag]:
    """The largest elements that hold exactly one title each."""
    cards: list[Tag] = []
    for tag in (t for t in tags if t.name not in _NOISE_TAGS):
        count = len(_titles(tag, use_links, known))
        if count == 1:
            cards.append(tag)
        elif count > 1:
            cards += _cards(tag.find_all(True, recursive=False), use_links, known)
    return cards


def _card(card: Tag, use_links: bool, known: set[str]) -> RelatedItem | None:
    titles = _titles(card, use_links, known)
    if not titles:
        return None
    title = _text(titles[0])
    marked = [t for t in card.find_all(True) if _has_token(t, _CARD_CATEGORY_RE) and t.name not in _HEADINGS
              and t.find(_HEADINGS) is None and 0 < len(_text(t).split()) <= 4]
    named = [t for t in card.find_all(("p", "span", "a", "div", "small")) if fold(_text(t)) in known]
    category = (marked or named or [None])[0]
    summary = next((_text(p) for p in card("p") if p is not category and _text(p) not in ("", title)), "")
    img = card.find("img")
    return RelatedItem(title, summary, _text(category) if category else "",
                       clean_line(str(img.get("alt") or "")) if img else "")
