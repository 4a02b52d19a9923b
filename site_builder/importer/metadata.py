"""What a page says about its article: title, summary, dates, authors, tags, category,
address and the publication's name.

Machine metadata (meta tags, JSON-LD) is read before visible text, since templates
print other articles' titles and dates around the article; each field is an ordered
list of sources, the first that gives a usable value wins. A visible `<h1>` wins over
`og:title` only when it is the article's headline: not inside the site header, not
the site's name or logo, and close to what the metadata calls the title.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..text import clean_line, fold
from .dates import date_in_url, dateline, first_date, parse_stated
from .dom import Element, ancestors, first_text, squash, text_of, tokens
from .page import FoundDate

_ARTICLE_TYPE_RE = re.compile(r"Article$|^BlogPosting$|^Report$|^Reportage")
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ", " / ", ": ")
_HTTRACK_RE = re.compile(r"Mirrored from (\S+) by HTTrack")
_AUTHOR_PREFIX_RE = re.compile(
    r"^(?:by|par|por|von|بقلم|كتب|كتبت|كتبه|إعداد|اعداد|تقرير|حرره|حررت|المحرر)\s*[:：]?\s+", re.IGNORECASE
)
_AUTHOR_TOKEN_RE = re.compile(r"author\w*|byline\w*|writer|reporter|kateb|katib")
_HOME_WORDS = frozenset(
    fold(w)
    for w in ("الرئيسية", "الصفحة الرئيسية", "home", "accueil", "inicio", "startseite", "news", "اخبار", "الأخبار")
)


@dataclass
class Metadata:
    """Meta tags and JSON-LD of one page, read once; the field readers below consult it."""

    root: Element
    meta: dict[str, list[str]] = field(default_factory=dict)
    ld: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    broken_ld: int = 0  # JSON-LD scripts that could not be read

    def first(self, *keys: str) -> str:
        for key in keys:
            for value in self.meta.get(key, ()):
                if value.strip():
                    return value.strip()
        return ""

    def values(self, key: str) -> list[str]:
        return [v.strip() for v in self.meta.get(key, ()) if v.strip()]

    @property
    def ld_types(self) -> frozenset[str]:
        return frozenset(t for item in self.ld for t in _ld_types(item))

    def declared_article(self) -> bool:
        return (
            self.first("og:type").lower() == "article"
            or any(_ARTICLE_TYPE_RE.search(t) for t in self.ld_types)
            or bool(self.first("article:published_time"))
        )

    def ld_values(self, key: str) -> Iterator[Any]:
        """`key` of the article objects first, then of the others."""
        articles = [i for i in self.ld if any(_ARTICLE_TYPE_RE.search(t) for t in _ld_types(i))]
        for item in articles + [i for i in self.ld if all(i is not a for a in articles)]:
            value = item.get(key)
            if value not in (None, "", []):
                yield value


def read(root: Element) -> Metadata:
    found = Metadata(root)
    for tag in root.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if key and content is not None:
            found.meta.setdefault(key.strip().lower(), []).append(html.unescape(content))
    for script in root.iter("script"):
        if "ld+json" in (script.get("type") or "").lower():
            found.broken_ld += not _json_ld(script.text_content(), found.ld)
    found.url = _page_url(root, found)
    return found


def _json_ld(raw: str, into: list[dict[str, Any]]) -> bool:
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip().removeprefix("//<![CDATA[")
    raw = raw.removesuffix("//]]>")
    for attempt in (raw, re.sub(r",\s*([}\]])", r"\1", raw)):
        try:
            _flatten(json.loads(attempt, strict=False), into)
            return True
        except (ValueError, RecursionError):
            continue
    return False


def _flatten(data: object, into: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 5:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, into, depth + 1)
    elif isinstance(data, dict):
        into.append(data)
        _flatten(data.get("@graph"), into, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict):
            _flatten(main, into, depth + 1)


def _ld_types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    return [t for t in (kind if isinstance(kind, list) else [kind]) if isinstance(t, str)]


def _text(value: Any) -> str:
    """A JSON-LD value as text: a string, the `name` of an object, the first of a list."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value") or "")
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


# --- address -------------------------------------------------------------------------------------------


def _page_url(root: Element, meta: Metadata) -> str:
    candidates = [link.get("href") or "" for link in root.iter("link") if "canonical" in (link.get("rel") or "")]
    candidates += [meta.first("og:url")]
    candidates += [_text(u) for u in meta.ld_values("url")]
    for comment in root.iter(tag=etree.Comment):
        match = _HTTRACK_RE.search(comment.text or "")
        if match:
            note = match.group(1)
            candidates.append(note if "://" in note else "http://" + note)
    return next(
        (
            u.strip()
            for u in candidates
            if urlsplit(u.strip()).scheme in ("http", "https") and urlsplit(u.strip()).netloc
        ),
        "",
    )


def base_url(root: Element, page_url: str, mirror_url: str) -> str:
    """What relative links resolve against: <base href> over the page's address, then
    where the mirror holds it (`host/path` → https://host/path)."""
    url = page_url or mirror_url
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            joined = urljoin(url, href)
            if urlsplit(joined).scheme in ("http", "https"):
                return joined
    return url


# --- title ---------------------------------------------------------------------------------------------


def title(meta: Metadata, site_name: str, host: str = "") -> tuple[str, str]:
    """The headline, and the <title> as written (for learning the site's suffix)."""
    names = _host_names(host)
    raw_title = next((squash(t.text_content()) for t in meta.root.iter("title") if not _in_svg(t)), "")
    stated = [
        meta.first("og:title", "twitter:title"),
        _text(next(meta.ld_values("headline"), "")),
        meta.first("title", "dc.title", "sailthru.title", "parsely-title"),
    ]
    stated = [clean_line(s) for s in stated if clean_line(s)]
    references = [*stated, clean_line(raw_title)]
    marked = [clean_line(text_of(h)) for h in meta.root.iter("h1") if h.get("itemprop") == "headline"]
    if len(marked) == 1 and len(marked[0].split()) >= 2:
        return marked[0], raw_title  # the page says which heading is the headline (schema.org microdata)
    h1s = list(_headline_candidates(meta.root, site_name))
    for h1 in h1s:
        if not references or any(_close(h1, ref) for ref in references):
            return h1, raw_title
    if len(h1s) == 1 and len(h1s[0].split()) >= 3:
        return h1s[0], raw_title  # the one headline the page shows, though its metadata says otherwise
    for value in [*stated, clean_line(raw_title)]:
        cleaned = strip_suffix(value, site_name, names)
        if cleaned and fold(cleaned) != fold(site_name):
            return cleaned, raw_title
    return "", raw_title


def _host_names(host: str) -> frozenset[str]:
    """The name a site's address gives it (`www.vnexpress.net` → «vnexpress»)."""
    label = host.lower().removeprefix("www.").split(".")[0] if host else ""
    return frozenset(n for n in (label,) if len(n) >= 3)


def _headline_candidates(root: Element, site_name: str) -> Iterator[str]:
    for h1 in root.iter("h1"):
        text = clean_line(text_of(h1))
        if not text or len(text) > 400 or _in_site_header(h1):
            continue
        if site_name and fold(text) == fold(site_name):
            continue
        if len(text.split()) < 2 and h1.find(".//img") is not None:
            continue  # a logo
        yield text


def _in_site_header(el: Element) -> bool:
    for a in ancestors(el):
        if a.tag in ("article", "main"):
            return False
        if a.tag in ("header", "nav") or any(t in ("logo", "masthead", "brand", "navbar") for t in tokens(a)):
            return True
    return False


def _in_svg(el: Element) -> bool:
    return any(a.tag == "svg" for a in ancestors(el))


def _close(h1: str, reference: str) -> bool:
    """The headline and a metadata title name the same article (one may carry the site's
    name, one may be shortened for sharing)."""
    a, b = fold(h1), fold(reference)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    words_a, words_b = set(a.split()), set(b.split())
    return len(words_a & words_b) >= 0.6 * min(len(words_a), len(words_b))


def strip_suffix(text: str, site_name: str, known: frozenset[str] = frozenset()) -> str:
    """«Headline | Site», «Site - Headline», «Headline - Section - Site» → «Headline»: a part
    is dropped when it is the site's name, a suffix learnt across the site (`known`), or,
    at the end, short beside a much longer headline."""
    text = clean_line(text)
    names = {fold(n) for n in (site_name, *known) if n}
    for _ in range(3):
        cut = _cut_once(text, names)
        if cut == text:
            break
        text = cut
    return text


def _cut_once(text: str, names: set[str]) -> str:
    for sep in _SEPARATORS:
        head, found, tail = text.rpartition(sep)
        if found and head and (fold(tail) in names or _is_host_like(tail)):
            return head.strip()
        head, found, tail = text.partition(sep)
        if found and tail and (fold(head) in names or _is_host_like(head)):
            return tail.strip()
    for sep in (" | ", " - ", " – ", " — "):
        head, found, tail = text.rpartition(sep)
        if (
            found
            and head
            and len(tail.split()) <= 4
            and len(head.split()) >= 3 * len(tail.split())
            and len(head.split()) >= 4
            and sep in (" | ", " — ")
        ) or (found and fold(tail) in names):
            return head.strip()
    words = text.split(" ")
    for size in range(1, 5):
        if len(words) > size and fold(" ".join(words[-size:])) in names:
            return " ".join(words[:-size]).rstrip(" -|–—:")
    return text


def _is_host_like(part: str) -> bool:
    return (
        re.fullmatch(
            r"(?:www\.)?[\w-]+\.(?:com|net|org|ae|sa|eg|ma|dz|tn|lb|jo|qa|kw|info|news|co\.uk|tv)", part.strip().lower()
        )
        is not None
    )


def site_name(meta: Metadata) -> str:
    names = [meta.first("og:site_name", "application-name", "twitter:site")]
    for item in meta.ld:
        if "WebSite" in _ld_types(item) or "NewsMediaOrganization" in _ld_types(item):
            names.append(_text(item.get("name")))
    names += [_text(p) for p in meta.ld_values("publisher")]
    return next((clean_line(n).lstrip("@") for n in names if clean_line(n)), "")


# --- summary, dates, people, tags, category -------------------------------------------------------------


def summary(meta: Metadata, site: str, host: str = "") -> str:
    """The page's description, without the site's name after it («… - VnExpress»)."""
    names = _host_names(host)
    for value in (
        meta.first("description"),
        meta.first("og:description"),
        meta.first("twitter:description"),
        _text(next(meta.ld_values("description"), "")),
    ):
        text = strip_suffix(html.unescape(html.unescape(value)).replace("\xa0", " "), site, names)
        if text and len(text) > 10:
            return text
    return ""


def published(meta: Metadata, headline: Element | None) -> FoundDate | None:
    """Meta tags, JSON-LD, <time>/itemprop ("meta"); a dateline near the headline ("text");
    the URL ("url"). A machine date in UTC yields to the dateline's day beside it: the
    archive dates an article by the site's own calendar."""
    stated = [
        meta.first(
            "article:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "og:published_time",
            "article.published",
            "dc.date.issued",
            "dcterms.created",
            "sailthru.date",
            "parsely-pub-date",
            "date",
            "dc.date",
            "original-publish-date",
        )
    ]
    stated += [_text(v) for v in meta.ld_values("datePublished")]
    stated += _marked_times(meta.root, "datePublished")
    stated += [meta.first("article:modified_time", "og:updated_time", "datemodified")]
    stated += [_text(v) for v in meta.ld_values("dateModified")]
    day = next((d for d in map(parse_stated, filter(None, stated)) if d is not None), None)
    near = headline
    for _ in range(2):  # the dateline may stand just before the headline in its box
        near = near.getparent() if near is not None and near.getparent() is not None else near
    line = _datelines(near if near is not None else meta.root)
    if (
        isinstance(day, dt.datetime)
        and line is not None
        and day.utcoffset() == dt.timedelta(0)
        and abs((day.date() - line).days) == 1
    ):
        return FoundDate(line, "text")
    if day is not None:
        return FoundDate(day, "meta")
    if line is not None:
        return FoundDate(line, "text")
    in_title = _title_date(meta.root)
    if in_title is not None:
        return FoundDate(in_title, "meta")
    from_url = date_in_url(meta.url)
    return FoundDate(from_url, "url") if from_url else None


def _title_date(root: Element) -> dt.date | None:
    """A date standing as a part of the page's <title> («Headline - 07.12.2017 - LA NACION»)."""
    raw = next((squash(t.text_content()) for t in root.iter("title") if not _in_svg(t)), "")
    parts = re.split(r"\s[-|–—:]{1,2}\s", raw)
    return next((day for part in parts[1:] if (day := dateline(part)) is not None), None)


def updated(meta: Metadata) -> dt.date | dt.datetime | None:
    stated = [
        meta.first("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
    ]
    stated += [_text(v) for v in meta.ld_values("dateModified")]
    stated += _marked_times(meta.root, "dateModified")
    return next((d for d in map(parse_stated, filter(None, stated)) if d is not None), None)


def _marked_times(root: Element, prop: str) -> list[str]:
    found = []
    query = "//*[@itemprop=$prop] | //time[@pubdate]" if prop == "datePublished" else "//*[@itemprop=$prop]"
    for el in root.xpath(query, prop=prop):  # in page order
        found.append(el.get("content") or el.get("datetime") or text_of(el))
    for el in root.iter("time"):
        if el.get("datetime") and prop == "datePublished" and not _in_site_header(el):
            found.append(el.get("datetime") or "")
    return found


def _datelines(start: Element) -> dt.date | None:
    """The first short line from the headline on that states a date («نشر في: 24 أغسطس
    2020», "From: Herald Sun March 13, 2015 9:00PM", «기사입력 :[ 2018-08-25 15:24 ]»)."""
    seen = 0
    root = start.getroottree().getroot()
    started = start is root
    for el in root.iter():
        if el is start:
            started = True
        if not started or not isinstance(el.tag, str) or el.tag in ("script", "style", "title", "head"):
            continue
        for text in (el.text, el.tail):
            if text and text.strip():
                seen += 1
                day = short_date(squash(text))
                if day:
                    return day
        if seen > 80:
            break
    return None


def short_date(text: str) -> dt.date | None:
    """The date of a short line that is mostly a date (a label or a site's name around it)."""
    if not text or len(text.split()) > 16 or not any(ch.isdigit() for ch in text):
        return None
    return dateline(text) or (first_date(text) if len(text.split()) <= 9 else None)


def authors(meta: Metadata, site: str) -> list[str]:
    names: list[str] = []
    for value in meta.ld_values("author"):
        for item in value if isinstance(value, list) else [value]:
            names.append(_text(item))
    names += [
        v
        for v in meta.values("author")
        + meta.values("article:author")
        + meta.values("byl")
        + meta.values("dc.creator")
        + meta.values("parsely-author")
        + meta.values("sailthru.author")
    ]
    if not any(_usable_author(n, site) for n in names):
        names += _bylines(meta.root)
    cleaned: list[str] = []
    for name in names:
        name = clean_author(name)
        if _usable_author(name, site) and fold(name) not in {fold(c) for c in cleaned}:
            cleaned.append(name)
    return cleaned[:6]


def clean_author(name: str) -> str:
    """A byline's name: «بقلم: …», "By …" and surrounding punctuation gone."""
    return _AUTHOR_PREFIX_RE.sub("", clean_line(name)).strip(" ,،:-|")


def _usable_author(name: str, site: str) -> bool:
    name = clean_line(name)
    if not name or len(name) > 80 or len(name.split()) > 7 or "://" in name or name.startswith(("/", "@", "www.")):
        return False
    return not site or fold(name) != fold(site)


def _bylines(root: Element) -> list[str]:
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if (
            el.get("rel") == "author"
            or el.get("itemprop") == "author"
            or (
                el.tag in ("span", "div", "p", "a", "address")
                and any(_AUTHOR_TOKEN_RE.fullmatch(t) for t in tokens(el))
            )
        ):
            name_el = next((c for c in el.iter() if c.get("itemprop") == "name"), el)
            text = clean_line(text_of(name_el))
            if text and len(text.split()) <= 7:
                found.append(text)
        if len(found) >= 3:
            break
    return found


def tags(meta: Metadata, category: str) -> list[str]:
    values = meta.values("article:tag") + meta.values("news_keywords") + meta.values("keywords")
    for value in meta.ld_values("keywords"):
        values += value if isinstance(value, list) else [str(value)]
    found: list[str] = []
    for value in values:
        for part in re.split(r"[,،;]", value) if isinstance(value, str) else []:
            tag = clean_line(part)
            if tag and len(tag) <= 60 and fold(tag) != fold(category) and fold(tag) not in {fold(t) for t in found}:
                found.append(tag)
    return found[:20]


_LEAD_TOKEN_RE = re.compile(
    r"lead|lede|standfirst|excerpt|intro|dek|deck|strapline|subtitle|summary|teaser|sapo|"
    r"chapeau|chapo|description|bajada|entradilla"
)
_CATEGORY_LABELS = ("التصنيف", "القسم")
_CATEGORY_LABEL_RE = re.compile(r"^\s*(?:التصنيف|القسم|التصنيفات)\s*[:：]\s*(?P<name>.+)$")
_CATEGORY_TOKEN_RE = re.compile(r"categor\w*|section|kicker|rubri\w*|eyebrow")


def lead_element(body: Element) -> Element | None:
    """A standfirst the page marks by class («lead», «standfirst», «excerpt»), a leaf of text."""
    for el in body.iter("p", "div", "h2", "h3", "span", "strong"):
        if (
            any(_LEAD_TOKEN_RE.fullmatch(t) for t in tokens(el))
            and el.find(".//p") is None
            and el.find(".//div") is None
            and 20 <= len(text_of(el)) <= 600
        ):
            return el
    return None


def category(meta: Metadata, headline: str) -> str:
    stated = clean_line(meta.first("article:section", "section", "parsely-section", "category", "cxenseparse:section"))
    stated = stated or clean_line(_text(next(meta.ld_values("articleSection"), "")))
    if stated and "," not in stated and len(stated) <= 60:
        return stated
    return _breadcrumb(meta, headline) or _category_link(meta.root) or _category_marked(meta.root)


def _category_marked(root: Element) -> str:
    """An «التصنيف: …» line, or a short element whose class says category or section."""
    any_label = bool(root.xpath("//text()[contains(., 'التصنيف') or contains(., 'القسم')]"))
    for el in root.iter("p", "span", "div", "li", "a"):
        labelled = any_label and first_text(el).startswith(_CATEGORY_LABELS)
        marked = any(_CATEGORY_TOKEN_RE.fullmatch(t) for t in tokens(el))
        if not (labelled or marked):
            continue  # the element's whole text is read only for a candidate
        text = clean_line(text_of(el))
        match = _CATEGORY_LABEL_RE.match(text) if labelled and len(text) < 80 else None
        if match:
            return clean_line(match.group("name"))
        if marked and 0 < len(text.split()) <= 4:
            return text
    return ""


def _breadcrumb(meta: Metadata, headline: str) -> str:
    for item in meta.ld:
        if "BreadcrumbList" in _ld_types(item):
            names = [_text(e.get("item")) or _text(e) for e in item.get("itemListElement") or [] if isinstance(e, dict)]
            usable = [n for n in map(clean_line, names) if n and fold(n) not in _HOME_WORDS and not _close(n, headline)]
            if usable:
                return usable[-1]
    for el in meta.root.iter():
        if isinstance(el.tag, str) and any(t.startswith("breadcrumb") for t in tokens(el)):
            links = [a for a in el.iter("a") if clean_line(text_of(a))]
            tagged = [clean_line(text_of(a)) for a in links if "tag" in (a.get("rel") or "").split()]
            crumbs = [clean_line(text_of(a)) for a in links]
            usable = [c for c in crumbs if fold(c) not in _HOME_WORDS and not _close(c, headline)]
            if tagged or usable:
                return (tagged or usable)[-1]
    return ""


def _category_link(root: Element) -> str:
    for a in root.iter("a"):
        rel = (a.get("rel") or "").split()
        if "category" in rel or ("tag" in rel and "category" in (a.get("href") or "")):
            text = clean_line(text_of(a))
            if text and len(text.split()) <= 5:
                return text
    return ""
