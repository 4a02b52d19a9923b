"""Walking a saved page's elements: which are noise, what text a reader sees.

Shared by htmlpage.py (metadata and body) and htmlmedia.py (figures and
related-news cards), which read the same soup with the same idea of noise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ..errors import location
from ..text import clean_line, fold

HEADINGS = ("h2", "h3", "h4", "h5", "h6")
NOISE_TAGS = frozenset(("script", "style", "noscript", "template", "iframe", "form", "nav", "header",
                         "footer", "button", "svg", "select", "textarea", "input", "object", "embed",
                         "canvas", "dialog", "link", "meta"))
# Class and id tokens (split at - and _) of the widgets around an article.
_NOISE_TOKEN_RE = re.compile(
    r"ads?|adv|advert\w*|dfp|share\w*|sharing|social\w*|newsletter\w*|subscri\w*|comments?\w*|disqus|"
    r"breadcrumbs?\w*|related\w*|promo\w*|sponsor\w*|tags?|author\w*|byline|bio|cookie\w*|popup|modal|"
    r"sidebar|twitter\w*|tweet|facebook\w*|whatsapp\w*|telegram\w*|instagram\w*")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
BLOCK_TAGS = frozenset(("address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
                         "fieldset", "figcaption", "figure", "h1", *HEADINGS, "hr", "li", "main", "ol", "p",
                         "pre", "section", "table", "ul", "center", *NOISE_TAGS))


@dataclass
class Page:
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


def tokens(tag: Tag) -> list[str]:
    classes = tag.get("class") or []
    raw = " ".join([*([classes] if isinstance(classes, str) else classes), str(tag.get("id") or "")])
    return [t for t in re.split(r"[\s_-]+", raw.lower()) if t]


def has_token(tag: Tag, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(t) for t in tokens(tag))


def is_noise(tag: Tag) -> bool:
    if tag.name in NOISE_TAGS or tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    hidden = _HIDDEN_STYLE_RE.search(str(tag.get("style") or ""))
    return bool(hidden) or any(_NOISE_TOKEN_RE.fullmatch(t) for t in tokens(tag))


def is_clear(tag: Tag, stop: Tag | None = None) -> bool:
    """Neither noise nor inside noise (below `stop`)."""
    for t in (tag, *tag.parents):
        if t is stop:
            return True
        if is_noise(t):
            return False
    return True


def strings(tag: Tag, skip: Tag | None = None) -> Iterator[str]:
    for child in tag.children:
        if isinstance(child, Tag):
            if child is skip or child.name == "figure" or is_noise(child):
                continue
            gap = " " if child.name == "br" or child.name in BLOCK_TAGS else ""
            yield gap
            yield from strings(child, skip)
            yield gap
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            yield str(child)


def text_of(tag: Tag, skip: Tag | None = None) -> str:
    """Visible text as written: inline tags join without a space, blocks and <br> with one."""
    return clean_line("".join(strings(tag, skip)))


SEE_ALSO_LABELS = ("شاهد ايضا ", "اقرا ايضا ")  # folded


def starts_see_also(text: str) -> bool:
    return (fold(text) + " ").startswith(SEE_ALSO_LABELS)
