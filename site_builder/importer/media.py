"""The article's pictures: the lead image and the figures of the body, each with its
caption and credit, and the mirror's copy of its file when the mirror holds one.

Real pages hide their pictures: beside the body container rather than in it, in
`<picture>` with `srcset`, lazy-loaded from `data-src`/`data-original` behind a
placeholder, or only in `<noscript>`. So every picture of the page is read once,
before the chrome is cut, with the real address of its largest file; the lead is
then the `og:image` when the page shows it, else the picture next to the headline,
and the figures are the pictures that sit inside the article's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

from ..model import Image
from ..text import clean_line
from .dom import Element, ancestors, squash, text_of, tokens
from .page import split_credit

_LAZY_ATTRS = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-url",
    "data-srcset",
    "data-lazy",
    "data-full-src",
    "data-hi-res-src",
    "data-large-src",
    "data-echo",
    "data-img-src",
)
_NOT_PHOTO_RE = re.compile(
    r"logo|icon|avatar|sprite|emoji|pixel|spinner|placeholder|blank|loader|badge|"
    r"banner|ads?|advert\w*|author|profile|thumb-author|gravatar|flag|button|share|social"
)
_PLACEHOLDER_RE = re.compile(
    r"(?:blank|grey|gray|spacer|placeholder|transparent|pixel|lazy|loading)\.(?:gif|png|jpg)|"
    r"^data:",
    re.IGNORECASE,
)
_PICTURE_BOX_RE = re.compile(r"image|img|photo|picture|pic|media|figure|thumb\w*")
_CAPTION_TOKEN_RE = re.compile(r"caption\w*|legend|wp-caption-text|figcaption|image-text|photo-text|desc\w*")
_CREDIT_TOKEN_RE = re.compile(r"credit\w*|copyright|source|photographer|byline|author|courtesy")


@dataclass(frozen=True)
class Picture:
    """One picture of the page as first read: where it is and what it shows."""

    element: Element
    url: str  # absolute address of its largest file
    alt: str
    caption: str
    credit: str
    width: int
    raw: str = ""  # the address as the page wrote it (relative in a wget --convert-links mirror)


def pictures(root: Element, base: str) -> list[Picture]:
    """Every photo of the page in document order (logos, icons, pixels left out)."""
    found: list[Picture] = []
    captions = caption_index(root)
    for img in root.iter("img"):
        url = _real_src(img, base)
        if not url or _not_a_photo(img, url):
            continue
        caption, credit = _caption(img, captions)
        found.append(
            Picture(img, url, clean_line(img.get("alt") or ""), caption, credit, _width(img), _real_src(img, ""))
        )
    for noscript in root.iter("noscript"):  # lazy pages keep the real <img> only here
        inner = (noscript.text or "").strip()
        if "<img" in inner and not any(p.element in noscript.iterdescendants() for p in found):
            try:
                fragment = lxml_html.fragment_fromstring(inner, create_parent="div")
            except (ValueError, TypeError):
                continue
            for img in fragment.iter("img"):
                url = _real_src(img, base)
                if url and not _not_a_photo(img, url) and all(_stem(url) != _stem(p.url) for p in found):
                    noscript.addnext(img)
                    caption, credit = _caption(img, captions)
                    found.append(Picture(img, url, clean_line(img.get("alt") or ""), caption, credit, _width(img)))
    drawn = _microdata_pictures(root, base, found, captions)
    if drawn:
        found.extend(drawn)
        found.sort(key=_document_order(root))
    return found


def _microdata_pictures(
    root: Element, base: str, found: list[Picture], captions: list[tuple[Element, frozenset[Element]]]
) -> list[Picture]:
    """A schema.org ImageObject whose image the page draws by script (`<figure
    itemtype=".../ImageObject"><meta itemprop="contentUrl" …>` and a stub): the picture
    its metadata names, put in place as an <img>."""
    have = {p.element for p in found}
    added = []
    for box in root.xpath("//*[contains(@itemtype, 'ImageObject')]"):
        if box.get("itemprop") not in ("associatedMedia", "image"):
            continue
        if any(img in have and not 0 < _width(img) < 100 for img in box.iter("img")):
            continue
        url = next(
            (
                m.get("content") or m.get("href") or ""
                for m in box.iter("meta", "link")
                if m.get("itemprop") in ("contentUrl", "url")
            ),
            "",
        ).strip()
        if not url or box.getparent() is None:
            continue
        img = box.makeelement(
            "img",
            {
                "src": url,
                "width": next((m.get("content") or "" for m in box.iter("meta") if m.get("itemprop") == "width"), ""),
            },
        )
        box.insert(0, img)
        full = urljoin(base, url) if base else url
        if _not_a_photo(img, full):
            box.remove(img)  # a logo or icon: leave the page as it was
            continue
        caption, credit = _caption(img, captions)
        added.append(Picture(img, full, clean_line(img.get("alt") or ""), caption, credit, _width(img), url))
    return added


def _document_order(root: Element) -> Callable[[Picture], int]:
    order = {el: n for n, el in enumerate(root.iter())}
    return lambda picture: order.get(picture.element, -1)


def lead_and_figures(
    found: list[Picture],
    og_image: str,
    headline: Element | None,
    parts: tuple[Element, ...],
    base: str,
    before_cut: Mapping[Element, int] | None = None,
) -> list[Picture]:
    """The lead picture first, then the figures inside the article, each once."""
    inside = [p for p in found if _within(p.element, parts)]
    og = urljoin(base, og_image) if og_image else ""
    shown = next((p for p in found if og and _same_picture(p.url, og) and not 0 < p.width < 250), None)
    lead = shown or _marked(found) or _near_headline(found, headline, parts, before_cut)
    lead = lead or (inside[0] if inside else None)
    if lead is None and og:
        lead = Picture(lxml_html.Element("img"), og, "", "", "", 0)
    ordered = [lead] if lead else []
    for picture in inside:
        if (
            picture is not lead
            and (picture.element is not lead.element if lead else True)
            and not (lead is not None and lead is not inside[0] and _same_picture(picture.url, lead.url))
        ):
            ordered.append(picture)
    return ordered


def to_images(found: list[Picture]) -> list[Image]:
    return [Image(p.alt, p.caption, p.credit, None, p.url) for p in found]


def caption_texts(found: list[Picture]) -> set[str]:
    """Captions and credits as a reader sees them: never to be repeated as paragraphs."""
    texts = set()
    for p in found:
        for text in (p.caption, p.credit, f"{p.caption} {p.credit}".strip(), p.alt):
            if len(text) > 15:
                texts.add(squash(text))
    return texts


def _real_src(img: Element, base: str) -> str:
    candidates = [
        _largest(img.get("data-srcset") or ""),
        *(img.get(a) or "" for a in _LAZY_ATTRS),
        _largest(img.get("srcset") or ""),
        img.get("src") or "",
    ]
    parent = img.getparent()
    if parent is not None and parent.tag == "picture":
        for source in parent.iter("source"):
            candidates.insert(0, _largest(source.get("srcset") or source.get("data-srcset") or ""))
    for raw in candidates:
        raw = raw.strip()
        if raw and not _PLACEHOLDER_RE.search(raw) and not raw.startswith("{"):
            try:
                url = urljoin(base, raw) if base else raw
            except ValueError:
                continue
            if urlsplit(url).scheme in ("http", "https", ""):
                return url
    return ""


def _largest(srcset: str) -> str:
    """The widest candidate of a srcset («a.jpg 400w, b.jpg 1200w» → b.jpg). As the HTML
    standard reads it: a URL runs to the next space, so commas inside it stay
    (`…extract=67,0,1867,1050_resize=680,383_.jpg 680w`)."""
    best, best_size = "", -1.0
    for match in _SRCSET_CANDIDATE_RE.finditer(srcset):
        url, descriptor = match.group(1).rstrip(","), match.group(2) or ""
        size = float(descriptor[:-1]) if re.fullmatch(r"[\d.]+[wx]", descriptor) and descriptor[:-1] != "." else 1.0
        if url and size > best_size:
            best, best_size = url, size
    return best


_SRCSET_CANDIDATE_RE = re.compile(r"[\s,]*(\S+)(?:\s+([^,\s]+))?\s*(?:,|$)")


def _not_a_photo(img: Element, url: str) -> bool:
    path = urlsplit(url).path.lower()
    if path.endswith((".svg", ".ico")) or "/emoji/" in path:
        return True
    width, height = _width(img), _number(img.get("height"))
    if (0 < width < 100) or (0 < height < 80):
        return True
    words = [*tokens(img), *(t for a in list(ancestors(img))[:2] for t in tokens(a))]
    if any(_NOT_PHOTO_RE.fullmatch(w) for w in words):
        return True
    name = PurePosixPath(path).name
    return _NOT_A_PHOTO_NAME_RE.search(name) is not None


_NOT_A_PHOTO_NAME_RE = re.compile(
    r"logo|icon|avatar|sprite|pixel|spacer|preload|loading|spinner|placeholder|blank\.|"
    r"transparent"
)


def _width(img: Element) -> int:
    """The width the page gives the image, else the one its address names
    (`/rf/image_138x92/…`, `…_1000x541_80.jpg`); 0 when unknown."""
    stated = _number(img.get("width"))
    if stated:
        return stated
    match = _SIZE_IN_URL_RE.search(img.get("src") or "")
    return int(match.group(1)) if match else 0


_SIZE_IN_URL_RE = re.compile(r"[/_-](\d{2,4})x(\d{2,4})(?=[/_.-]|$)")


def _number(value: str | None) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match else 0


def _caption(img: Element, captions: list[tuple[Element, frozenset[Element]]]) -> tuple[str, str]:
    """The caption of the figure (or captioned box) an image sits in, split from its credit.
    `captions`: the page's caption-classed elements with their near ancestors, found once
    per page (`caption_index`) rather than by walking each image's surroundings."""
    box = next((a for a in list(ancestors(img))[:4] if a.tag == "figure"), None)
    caption_el = box.find(".//figcaption") if box is not None else None
    if caption_el is None:
        holder = img.getparent()
        for _ in range(3):
            if holder is None:
                break
            caption_el = next((c for c, above in captions if (c is holder or holder in above) and c is not img), None)
            if caption_el is not None:
                break
            holder = holder.getparent()
    if caption_el is None:
        caption_el = _picture_box(img)
    if caption_el is None:
        return "", ""
    credit_el = next(
        (
            c
            for c in caption_el.iter()
            if c is not caption_el and isinstance(c.tag, str) and any(_CREDIT_TOKEN_RE.fullmatch(t) for t in tokens(c))
        ),
        None,
    )
    if credit_el is None and box is not None:
        credit_el = next(
            (
                c
                for c in box.iter()
                if isinstance(c.tag, str)
                and c is not caption_el
                and any(_CREDIT_TOKEN_RE.fullmatch(t) for t in tokens(c))
            ),
            None,
        )
    if credit_el is not None:
        credit = clean_line(text_of(credit_el))
        caption = clean_line(text_of(caption_el).replace(text_of(credit_el), ""))
        return caption, credit
    return split_credit(text_of(caption_el))


def caption_index(root: Element) -> list[tuple[Element, frozenset[Element]]]:
    """Elements whose class names a caption, in page order, each with the elements up to
    six levels above it (an image's holder three levels up is among them, or not)."""
    return [
        (el, frozenset(list(ancestors(el))[:6]))
        for el in root.xpath("//*[@class or @id]")  # one pass in C; then each class string is judged once
        if _names_caption(tokens(el))
    ]


@lru_cache(maxsize=1 << 14)
def _names_caption(words: tuple[str, ...]) -> bool:
    return any(_CAPTION_TOKEN_RE.fullmatch(t) for t in words)


def _picture_box(img: Element) -> Element | None:
    """A box named for its picture («article_image», "photo") holding that one image and a
    short line of text: the line is the caption, whatever tag it is in."""
    holder = img.getparent()
    for _ in range(2):
        if holder is None or holder.tag in ("body", "article", "main"):
            return None
        if any(_PICTURE_BOX_RE.fullmatch(t) for t in tokens(holder)) and len(list(holder.iter("img"))) == 1:
            text = text_of(holder)
            linked = any(text_of(a) for a in holder.iter("a"))
            return holder if 0 < len(text) < 250 and not linked else None
        holder = holder.getparent()
    return None


def _within(el: Element, parts: tuple[Element, ...]) -> bool:
    return any(a in parts for a in (el, *ancestors(el)))


def _marked(found: list[Picture]) -> Picture | None:
    """The picture the page marks as the article's own (schema.org `associatedMedia` or
    `image` on the image or the box just around it)."""
    for picture in found:
        for el in (picture.element, *list(ancestors(picture.element))[:2]):
            if el.get("itemprop") in ("associatedMedia", "image") and not 0 < picture.width < 250:
                return picture
    return None


def _near_headline(
    found: list[Picture],
    headline: Element | None,
    parts: tuple[Element, ...],
    before_cut: Mapping[Element, int] | None = None,
) -> Picture | None:
    """The first photo after the headline and before the article's text starts (give or
    take), wide enough to lead or of unknown width: first among those still on the page,
    then among those whose box the chrome cut took (a photo in a «foto_player» box)."""
    if headline is None:
        return None
    root = headline.getroottree().getroot()
    if before_cut is None:
        before_cut = {el: n for n, el in enumerate(root.iter())}
    # One numbering serves both passes: the cut keeps the survivors' order.
    on_page = [p for p in found if _top(p.element) is root]
    unlinked = [p for p in found if not _teaser(p.element)]
    for candidates in (on_page, unlinked):
        found_here = _first_in_window(candidates, headline, parts, before_cut)
        if found_here is not None:
            return found_here
    return None


def _top(el: Element) -> Element:
    """The element's topmost ancestor: the page's root, unless a cut took it off the page
    (lxml keeps a cut element in its document, so getroottree() would still say root)."""
    parent = el.getparent()
    while parent is not None:
        el, parent = parent, parent.getparent()
    return el


def _teaser(img: Element) -> bool:
    """An image inside a link to another page: a teaser's picture, not the article's."""
    link = next((a for a in list(ancestors(img))[:3] if a.tag == "a"), None)
    href = (link.get("href") or "").strip() if link is not None else ""
    return bool(href) and not href.startswith("#") and not _IMAGE_FILE_RE.search(urlsplit(href).path)


_IMAGE_FILE_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.IGNORECASE)


def _first_in_window(
    found: list[Picture], headline: Element, parts: tuple[Element, ...], order: Mapping[Element, int]
) -> Picture | None:
    start = order.get(headline, 0)
    text_start = min((order.get(p, start) for p in parts), default=start)
    window_end = text_start + 400
    for picture in found:
        at = order.get(picture.element, -1)
        if start < at <= max(window_end, start + 400) and (picture.width == 0 or picture.width >= 250):
            return picture
    return None


def _stem(url: str) -> str:
    name = PurePosixPath(unquote(urlsplit(url).path)).name.lower()
    stem = name.rsplit(".", 1)[0]
    return re.sub(r"[-_](?:\d{2,4}x\d{2,4}|\d{2,4}w|large|medium|small|thumb|scaled|crop\w*)$", "", stem)


def _same_picture(a: str, b: str) -> bool:
    """One picture in two sizes: the same file name, or the same long id in both names
    (`1044423427_0:0:3000:1688_1000x0.jpg` and `1044423427_480x0.jpg`)."""
    if a == b:
        return True
    stem_a, stem_b = _stem(a), _stem(b)
    if stem_a and len(stem_a) >= 5 and stem_a == stem_b:
        return True
    ids_a = set(_ID_RE.findall(stem_a))
    return bool(ids_a & set(_ID_RE.findall(stem_b)))


_ID_RE = re.compile(r"(?<![0-9a-f])(?:\d{8,}|[0-9a-f]{16,})(?![0-9a-f])")


# --- the mirror's copies --------------------------------------------------------------------------------


def local_file(src: str, base: str | None, page_file: Path | None, mirror_root: Path | None) -> Path | None:
    """The mirror's copy of an image: `root/<host>/<path>` or beside the page; never outside root."""
    root = mirror_root or (page_file.parent if page_file else None)
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
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
