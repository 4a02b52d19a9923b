"""A saved page's figures (with the mirror's copies of their images) and its
related-news cards: the parts of an HTML page that are not running text."""

from __future__ import annotations

import re
from itertools import takewhile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ..model import Image, RelatedItem
from ..text import clean_line, fold
from .htmlnodes import HEADINGS, NOISE_TAGS, Page, has_token, is_clear, starts_see_also, text_of, tokens
from .page import MENU, is_related_heading, split_credit

_CREDIT_RE = re.compile(r"credit|source|copyright")
_CARD_CATEGORY_RE = re.compile(r"categor|section|tags?|kicker")


# --- images --------------------------------------------------------------------------------------------

def images_of(page: Page, container: Tag, base: str | None, page_file: Path | None,
              mirror_root: Path | None) -> tuple[list[Image], list[Path | None]]:
    """The article's figures, and for each the mirror's copy of its image file (or None)."""
    images: list[Image] = []
    files: list[Path | None] = []
    for figure in (f for f in container("figure") if f.find_parent("figure") is None):
        img = figure.find("img")
        if img is None or page.left_out(figure) or not is_clear(figure, container):
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
    marked = [t for t in caption(True) if has_token(t, _CREDIT_RE)] or caption(("small", "cite"))
    if not marked:
        return split_credit(text_of(caption))
    return text_of(caption, skip=marked[0]), text_of(marked[0])


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

def related_zones(soup: BeautifulSoup) -> list[list[Tag]]:
    """Boxes with "related" in class/id, and the elements that follow a «أخبار ذات صلة» heading."""
    boxes = [t for t in soup.find_all(True) if t.name not in ("html", "body", "a", "span")
             and any("related" in tok for tok in tokens(t)) and t.find("h1") is None]
    zones = [[b] for b in boxes if not any(p is c for c in boxes for p in b.parents)]
    for string in soup.find_all(string=lambda s: len(s) < 60 and is_related_heading(s)):
        head = string.parent
        while head.parent and head.parent.name != "[document]" and text_of(head.parent) == text_of(head):
            head = head.parent
        taken = {id(t) for zone in zones for t in zone}
        box = head.parent or head
        if not is_related_heading(text_of(head)) or any(id(t) in taken for t in (head, *head.parents)) or (
                starts_see_also(text_of(box)) and len({text_of(a) for a in box.find_all("a")}) <= 1):
            continue  # a line that starts with the words, already in a box, or a see-also label
        siblings = head.find_next_siblings(True)  # up to the article's own title, if that comes later
        zones.append([head, *takewhile(lambda t: t.name != "h1" and t.find("h1") is None, siblings)])
    order = {id(t): n for n, t in enumerate(soup.find_all(True))}
    return sorted(zones, key=lambda zone: order[id(zone[0])])


def related_cards(page: Page, category: str) -> list[RelatedItem]:
    known = {fold(c) for c in (*MENU, category) if c}
    items: dict[str, RelatedItem] = {}
    for zone in page.zones:
        if len(zone) == 1:  # a box: its own heading («قد يهمك») is not a card
            zone = zone[0].find_all(True, recursive=False)
            first = zone[0] if zone else None
            heading = first if first is None or first.name in HEADINGS else first.find(HEADINGS)
            if heading is not None and text_of(heading) == text_of(first) and not first.find(("a", "img", "p")):
                zone = zone[1:]
        use_links = not any(_titles(t, False, known) for t in zone)
        for card in _cards(zone, use_links, known):
            item = _card(card, use_links, known)
            if item is not None:
                items.setdefault(fold(item.title), item)
    return list(items.values())


def _titles(tag: Tag, use_links: bool, known: set[str]) -> list[Tag]:
    """A card's title elements: headings, or links with text when the section has no headings."""
    names = ("a",) if use_links else HEADINGS
    found = [tag] if tag.name in names else tag.find_all(names)
    return [t for t in found if text_of(t) and not is_related_heading(text_of(t)) and fold(text_of(t)) not in known
            and not (use_links and has_token(t, _CARD_CATEGORY_RE))]


def _cards(tags: list[Tag], use_links: bool, known: set[str]) -> list[Tag]:
    """The largest elements that hold exactly one title each."""
    cards: list[Tag] = []
    for tag in (t for t in tags if t.name not in NOISE_TAGS):
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
    title = text_of(titles[0])
    marked = [t for t in card.find_all(True) if has_token(t, _CARD_CATEGORY_RE) and t.name not in HEADINGS
              and t.find(HEADINGS) is None and 0 < len(text_of(t).split()) <= 4]
    named = [t for t in card.find_all(("p", "span", "a", "div", "small")) if fold(text_of(t)) in known]
    category = (marked or named or [None])[0]
    summary = next((text_of(p) for p in card("p") if p is not category and text_of(p) not in ("", title)), "")
    img = card.find("img")
    return RelatedItem(title, summary, text_of(category) if category else "",
                       clean_line(str(img.get("alt") or "")) if img else "")
