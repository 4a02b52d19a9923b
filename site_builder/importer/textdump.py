"""Text dumps of the mirrored site: a page's visible text, one block per line.

The blocks come in a fixed order (logo, title, summary, images, category,
share buttons, body, related news, footer menu), so the parser walks them in
that order and uses the category line and the related-news heading as anchors,
rather than guessing every line's role from its looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SiteError
from ..model import Image, RelatedItem
from ..text import clean_block, clean_line, fold
from .dates import dateline
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

_NOISE_RE = re.compile(r"^(?:loading(?:\.\.\.|…)?|جار[يٍ]? التحميل\.*|…|\.\.\.)$", re.IGNORECASE)
_SHARE_LABEL_RE = re.compile(r"^(?:شارك الخبر|شارك|مشاركة|share)\s*[:：]?$", re.IGNORECASE)
_SHARE_BUTTONS_RE = re.compile(
    r"^(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|telegram|pinterest|reddit|print|copy link)+$",
    re.IGNORECASE,
)
_HEADING_MAX_WORDS = 15
_CLOSING = tuple(".!?؟…:؛,،\"'»”)")


@dataclass(frozen=True)
class Line:
    number: int
    text: str


def looks_like_text_dump(text: str) -> bool:
    """Plain text with the site's anchors, rather than markup."""
    head = text.lstrip()[:2000].lower()
    return not head.startswith("<") and "<html" not in head and "<body" not in head


def parse(text: str, path: str = "") -> ParsedPage:
    """Read one text dump into a ParsedPage; SiteError names the line at fault."""
    lines = _lines(text)
    if not lines:
        raise SiteError("empty page: no text", path)
    site_name, lines = _drop_logo(lines)
    title = strip_site_name(lines[0].text, site_name)
    if not title:
        raise SiteError("no title", path, lines[0].number)
    rest = lines[1:]
    cat_at = next((i for i, ln in enumerate(rest) if CATEGORY_RE.match(ln.text)), None)
    warnings: list[str] = []
    date: FoundDate | None = None
    header, rest = (rest[:cat_at], rest[cat_at:]) if cat_at is not None else (rest[:1], rest[1:])
    header, date = _take_dateline(header, date)
    category = ""
    if cat_at is None:
        warnings.append(f"{_where(path, lines[0])}: no «التصنيف:» category line")
    else:
        found = CATEGORY_RE.match(rest[0].text)
        category = clean_line(found["name"]) if found else ""
        rest = rest[1:]
    summary = strip_site_name(header[0].text, site_name) if header else ""
    images, image_warnings = _images(header[1:], path)
    warnings += image_warnings
    rest, menu = _drop_footer(rest)
    body_lines, related_lines = _split_related(rest)
    body_lines = [ln for ln in body_lines if not _is_share(ln.text)]
    body_lines, date = _take_dateline(body_lines[:3], date, body_lines[3:])
    blocks = _blocks(body_lines)
    if not any(isinstance(b, Paragraph) for b in blocks):
        raise SiteError("no body text", path, (rest[0].number if rest else lines[-1].number))
    related = _related(related_lines, set(menu) | set(MENU) | {category})
    return ParsedPage(title, summary, category, tuple(blocks), tuple(images), tuple(related), date, tuple(warnings))


def _lines(text: str) -> list[Line]:
    found = []
    for number, raw in enumerate(text.split("\n"), 1):
        cleaned = clean_block(raw)
        if cleaned and not _NOISE_RE.match(cleaned):
            found.append(Line(number, cleaned))
    return found


def _drop_logo(lines: list[Line]) -> tuple[str, list[Line]]:
    """«خَبَرَيْن logo» names the site; the line itself is not content."""
    first = lines[0].text
    if first.lower().endswith(" logo") or first.lower() == "logo":
        return (first[:-5].strip() or SITE_NAME), lines[1:] or lines
    return SITE_NAME, lines


def _take_dateline(
    lines: list[Line], found: FoundDate | None, tail: list[Line] | None = None
) -> tuple[list[Line], FoundDate | None]:
    """Remove the first line that is only a date, and keep it as the page's date."""
    kept = []
    for line in lines:
        day = dateline(line.text) if found is None else None
        if day is not None:
            found = FoundDate(day, "text")
        else:
            kept.append(line)
    return kept + (tail or []), found


def _images(lines: list[Line], path: str) -> tuple[list[Image], list[str]]:
    """Alt text and caption lines alternate; the caption ends with its credit."""
    images, warnings = [], []
    for i in range(0, len(lines) - 1, 2):
        caption, credit = split_credit(lines[i + 1].text)
        images.append(Image(alt=clean_line(lines[i].text), caption=caption, credit=credit))
    if len(lines) % 2:
        last = lines[-1]
        warnings.append(f"{_where(path, last)}: image text without a caption line")
        images.append(Image(alt=clean_line(last.text)))
    return images, warnings


def _drop_footer(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """The footer menu is the category names run together on the last line."""
    if lines:
        names = menu_names(lines[-1].text)
        if names:
            return lines[:-1], names
    return lines, []


def menu_names(line: str) -> list[str]:
    """Split «الرئيسيةأخبارسياسة…» into names; [] when the line is not a menu."""
    squeezed = line.replace(" ", "")
    names, at = [], 0
    known = sorted((m.replace(" ", "") for m in MENU), key=len, reverse=True)
    while at < len(squeezed):
        name = next((m for m in known if squeezed.startswith(m, at)), None)
        if name is None:
            break
        names.append(name)
        at += len(name)
    whole = at == len(squeezed)
    if (whole and len(names) >= 3) or (squeezed.startswith("الرئيسية") and " " not in line and len(names) >= 2):
        return names
    return []


def _split_related(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    for i, line in enumerate(lines):
        if is_related_heading(line.text):
            return lines[:i], lines[i + 1 :]
    return lines, []


def _is_share(text: str) -> bool:
    return bool(_SHARE_LABEL_RE.match(text) or _SHARE_BUTTONS_RE.match(text.replace(" ", "")))


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    for line in lines:
        linked = see_also_title(line.text)
        if linked:
            blocks.append(SeeAlsoBlock(linked))
        elif is_heading(line.text):
            blocks.append(Heading(clean_line(line.text)))
        else:
            blocks.append(Paragraph(line.text))
    return blocks


def is_heading(text: str) -> bool:
    """Section headings are short lines that do not end like a sentence."""
    return len(text.split()) <= _HEADING_MAX_WORDS and len(text) <= 140 and not text.endswith(_CLOSING)


def _related(lines: list[Line], categories: set[str]) -> list[RelatedItem]:
    """Each card is [image alt,] title, summary, then its category line."""
    known = {fold(c) for c in categories if c}
    items: list[RelatedItem] = []
    card: list[str] = []
    for line in lines:
        if card and len(line.text) < 40 and fold(line.text) in known:
            items.append(_card(card, clean_line(line.text)))
            card = []
        else:
            card.append(line.text)
    if card:
        items.append(_card(card, ""))
    return items


def _card(lines: list[str], category: str) -> RelatedItem:
    if len(lines) >= 3:
        alt, title, summary = lines[0], lines[1], " ".join(lines[2:])
    elif len(lines) == 2:
        alt, title, summary = "", lines[0], lines[1]
    else:
        alt, title, summary = "", lines[0], ""
    return RelatedItem(
        title=clean_line(title), summary=clean_line(summary), category=category, image_alt=clean_line(alt)
    )


def _where(path: str, line: Line) -> str:
    return f"{path}:{line.number}" if path else f"line {line.number}"
