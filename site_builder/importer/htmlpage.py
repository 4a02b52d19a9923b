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
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PreformattedString

from ..errors import SiteError
from ..text import clean_block, clean_line, fold
from .dates import dateline, parse_iso
from .htmlmedia import images_of, related_cards, related_zones
from .htmlnodes import (
    BLOCK_TAGS,
    HEADINGS,
    NOISE_TAGS,
    Page,
    has_token,
    is_clear,
    is_noise,
    starts_see_also,
    strings,
    text_of,
)
from .page import (
    CATEGORY_RE,
    SITE_NAME,
    Block,
    FoundDate,
    Heading,
    Paragraph,
    ParsedPage,
    SeeAlsoBlock,
    is_related_heading,
    see_also_title,
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
_LEAF_PROBE = sorted(BLOCK_TAGS - NOISE_TAGS - {"hr"})  # a paragraph holds none of these
_LEAD_RE = re.compile(r"lead|standfirst|excerpt|intro|dek|strapline|subtitle|summary|teaser")
_CATEGORY_RE = re.compile("categor")
_ARTICLE_TYPE_RE = re.compile(r"Article$|^BlogPosting$|^Report$")
_LISTING_TYPES = frozenset(("CollectionPage", "ItemList", "SearchResultsPage"))
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


def parse(text: str, path: str = "", page_file: Path | None = None,
          mirror_root: Path | None = None) -> ParsedPage:
    """Read one saved article page; SiteError when it is not one, or has no title or body."""
    try:
        return _parse(Page(BeautifulSoup(text, "html.parser"), path), page_file, mirror_root)
    except RecursionError:  # the walk recurses per level; no real page nests hundreds deep
        raise SiteError("elements nested too deeply to read", path) from None


def _parse(page: Page, page_file: Path | None, mirror_root: Path | None) -> ParsedPage:
    path = page.path
    page.zones = related_zones(page.soup)
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
    images, files = images_of(page, container, _base_url(page), page_file, mirror_root)
    blocks = [b for i, b in enumerate(_walk(page, container))
              if not (i < 3 and isinstance(b, Paragraph) and dateline(b.text))]
    if not any(isinstance(b, Paragraph) for b in blocks):
        raise SiteError("no body text", path, container.sourceline)
    return ParsedPage(title, summary, category, tuple(blocks), tuple(images), tuple(related_cards(page, category)),
                      date, tuple(page.warnings), tuple(files))


def _strip_name(text: str, page: Page) -> str:
    """The site's name off either end of a title or summary («خبرين | …» and «… - خَبَرَيْن»)."""
    return strip_site_name(strip_site_name(text, page.meta.get("og:site_name") or SITE_NAME))


# --- metadata ------------------------------------------------------------------------------------------

def _meta(page: Page) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in page.soup.find_all("meta"):
        key, content = tag.get("property") or tag.get("name") or tag.get("itemprop"), tag.get("content")
        if key and content and not page.left_out(tag):
            found.setdefault(str(key).strip().lower(), str(content))
    return found


def _json_ld(page: Page) -> list[dict[str, Any]]:
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


def _ld_values(page: Page, key: str) -> Iterator[str]:
    """`key` of the article objects first, then of the others; a list gives its first string."""
    articles = [i for i in page.ld if any(_ARTICLE_TYPE_RE.search(t) for t in _ld_types(i))]
    for item in articles + [i for i in page.ld if all(i is not a for a in articles)]:
        value = item.get(key)
        value = next((v for v in value if isinstance(v, str)), None) if isinstance(value, list) else value
        if isinstance(value, str) and value.strip():
            yield value


def _base_url(page: Page) -> str | None:
    """What image URLs resolve against: <base href> over canonical, og:url or HTTrack's note."""
    canonical = page.soup.find("link", rel="canonical", href=True)
    note = _HTTRACK_RE.search(str(page.soup.find(string=lambda s: isinstance(s, Comment) and "HTTrack" in s)))
    found = [str(canonical["href"]) if canonical else "", page.meta.get("og:url", ""),
             (note.group(1) if "://" in note.group(1) else "http://" + note.group(1)) if note else ""]
    url = next((u.strip() for u in found if urlsplit(u.strip()).scheme in ("http", "https")), None)
    base = page.soup.find("base", href=True)
    joined = urljoin(url or "", str(base["href"]).strip()) if base else ""
    return joined if urlsplit(joined).scheme in ("http", "https") else url


def _title(page: Page, container: Tag | None) -> str:
    """<h1> of the article, then of <main>, then outside the site header; og:title; <title>."""
    soup = page.soup
    h1s = [*(container("h1") if container else []), *(soup.main("h1") if soup.main else [])]
    h1s += [h for h in soup("h1") if not page.left_out(h) and is_clear(h)]
    titles = [text_of(h) for h in h1s] + [page.meta.get(k, "") for k in ("og:title", "twitter:title")]
    titles += [*_ld_values(page, "headline"), *(text_of(t) for t in soup("title") if not t.find_parent("svg"))]
    return next((t for t in (_strip_name(t, page) for t in titles) if t), "")


def _summary(page: Page, container: Tag) -> str:
    """The meta description, else the lead paragraph; a lead that repeats it is not body text."""
    described = (page.meta.get(k, "") for k in ("description", "og:description", "twitter:description"))
    summary = next((s for s in (_strip_name(d, page) for d in described) if s), "")
    leads = (t for t in container(("p", "div", "h2", "h3", "span", "strong")) if has_token(t, _LEAD_RE))
    lead = next((t for t in leads if not t.find(("p", "div")) and not page.left_out(t) and text_of(t)), None)
    if lead is not None and (not summary or fold(text_of(lead)) == fold(summary)):
        page.skip.add(id(lead))
        summary = summary or _strip_name(text_of(lead), page)
    return summary


def _category(page: Page, container: Tag) -> str:
    """article:section, JSON-LD articleSection, a category link or element, an «التصنيف:» line."""
    stated = clean_line(page.meta.get("article:section") or next(_ld_values(page, "articleSection"), ""))
    tag = None if stated else _category_tag(page, container)
    if tag is None:
        return stated
    page.skip.add(id(tag))
    match, link = CATEGORY_RE.match(text_of(tag)), tag.find("a")
    return clean_line(match["name"]) if match else text_of(link) if link and text_of(link) else text_of(tag)


def _category_tag(page: Page, container: Tag) -> Tag | None:
    own = [t for t in page.soup.find_all(True) if not page.left_out(t)]
    linked = [t for t in own if t.name == "a" and "category" in (t.get("rel") or []) and text_of(t)]
    for crumbs in (t for t in own if has_token(t, re.compile(r"^breadcrumb"))):
        links = [a for a in crumbs.find_all("a") if text_of(a) and fold(text_of(a)) not in _HOME_LINKS]
        linked += [a for a in links if "tag" in (a.get("rel") or [])] + links[-1:]
    marked = [t for t in (*container(True), *(t for t in own if is_clear(t))) if has_token(t, _CATEGORY_RE)
              and 0 < len(text_of(t).split()) <= 5 and not page.left_out(t)]
    label = page.soup.find(string=re.compile(r"^\s*التصنيف\s*[:：]"))
    labelled = [t for t in (label.parents if label else ()) if CATEGORY_RE.match(text_of(t))][:1]
    return next(iter(linked + marked + [t for t in labelled if not page.left_out(t)]), None)


def _date(page: Page, container: Tag) -> FoundDate | None:
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

def _container(page: Page) -> Tag | None:
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


def _one(page: Page, blocks: list[Tag]) -> Tag | None:
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


def _densest(page: Page) -> Tag | None:
    """The element with the most direct <p> children; for a tie, the element holding them all."""
    scored = [(sum(1 for p in t.find_all("p", recursive=False) if text_of(p)), t)
              for t in page.soup.find_all(True) if t.name not in ("html", "body")]
    scored = [(n, t) for n, t in scored if n and is_clear(t) and not page.left_out(t)]
    best = [t for n, t in scored if n == max(n for n, _ in scored)]
    if len(best) < 2:
        return best[0] if best else None
    _one(page, best)
    return next(a for a in best[0].parents if all(any(a is p for p in b.parents) for b in best[1:]))


def _walk(page: Page, node: Tag) -> Iterator[Block]:
    """The blocks under `node` in document order; loose inline text between blocks is a paragraph."""
    run: list[Tag | NavigableString] = []
    for child in [*node.children, None]:
        if child is not None and (id(child) in page.skip or isinstance(child, PreformattedString)
                                  or (isinstance(child, Tag) and is_noise(child))):
            continue
        if child is not None and child.name not in BLOCK_TAGS and child.name != "br":
            run.append(child)
            continue
        text = "".join(n if isinstance(n, NavigableString) else "".join(strings(n)) for n in run)
        yield from _paragraph(clean_block(text), [a for n in run if isinstance(n, Tag) for a in [n, *n("a")]])
        run = []
        if child is not None:
            yield from _block(page, child)


def _block(page: Page, tag: Tag) -> Iterator[Block]:
    if tag.name == "table":
        page.warn(tag, "table left out of the body")
    elif tag.name in HEADINGS:
        if text_of(tag) and not is_related_heading(text_of(tag)):
            yield Heading(text_of(tag))
    elif tag.name in ("aside", "div", "section") and starts_see_also(text_of(tag)) and len(text_of(tag)) < 300:
        title = _see_also_title(text_of(tag), tag.find_all("a"))
        yield from [SeeAlsoBlock(title)] if title else []
    elif tag.name in ("aside", "figure", "figcaption", "h1", "hr"):
        return
    elif tag.name == "pre" or tag.find(_LEAF_PROBE) is None:
        yield from _paragraph(clean_block("".join(strings(tag))), tag.find_all("a"))
    else:
        yield from _walk(page, tag)


def _paragraph(text: str, links: list[Tag]) -> Iterator[Block]:
    title = _see_also_title(text, links) if starts_see_also(text) else None
    if title:
        yield SeeAlsoBlock(title)
    elif text and not CATEGORY_RE.match(text):
        yield Paragraph(text)


def _see_also_title(text: str, links: list[Tag]) -> str | None:
    """The linked title, else the text after the label; None for a list of several links."""
    titles = list(dict.fromkeys(t for t in (text_of(a) for a in links if a.name == "a") if t
                                and not starts_see_also(t)))
    if titles:
        return titles[0] if len(titles) == 1 else None
    return see_also_title(text) or clean_line(" ".join(text.split()[2:]).lstrip(":： ")) or None

