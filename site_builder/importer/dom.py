"""A saved page as an lxml tree, and what every step asks of its elements.

lxml parses a 200 KB page in a few milliseconds (BeautifulSoup with
html.parser took ~30 ms before any work), and its C `text_content()` and
`iter()` keep each step linear in the page's size: no step here recurses
per level of nesting, so a page nested ten thousand deep costs what its
size says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TypeAlias

from lxml import etree
from lxml import html as lxml_html

from ..errors import SiteError

Element: TypeAlias = lxml_html.HtmlElement

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Elements whose content a reader never sees as running text.
INVISIBLE_TAGS = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "canvas",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "object",
        "embed",
        "param",
        "select",
        "option",
        "textarea",
        "input",
        "button",
        "dialog",
        "map",
        "audio",
        "video",
        "source",
        "track",
    )
)
BLOCK_TAGS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "center",
        "summary",
        "iframe",
        *HEADINGS,
        *INVISIBLE_TAGS,
    )
)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TOKEN_SPLIT_RE = re.compile(r"[\s_\-:]+")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# A box squeezed to nothing: «height:0px; overflow:hidden» (text kept for search engines only).
_ZERO_HEIGHT_RE = re.compile(r"(?:^|[;\s])height\s*:\s*0(?:px)?\s*(?:;|$)", re.IGNORECASE)
_OVERFLOW_HIDDEN_RE = re.compile(r"overflow\s*:\s*hidden", re.IGNORECASE)


def parse(text: str, path: str) -> Element:
    """The page's root element; SiteError when there is no markup to read."""
    text = _XML_DECL_RE.sub("", text.replace("\x00", ""), count=1)
    parser = lxml_html.HTMLParser(
        remove_comments=False, remove_pis=True, huge_tree=True, collect_ids=False, default_doctype=False
    )
    # Every element one class: lxml.html's own lookup (a Python call per element touched,
    # to make forms and inputs special) was a quarter of the importer's time.
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=lxml_html.HtmlElement))
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as err:
        raise SiteError(f"not a readable HTML page ({err})", path) from None
    if root is None:
        raise SiteError("not a readable HTML page (empty)", path)
    return root


_SCRIPT_LINK_RE = re.compile(r"(?:window\.open|location(?:\.href)?\s*=).*?['\"](https?://[^'\"]+)['\"]")


def script_links(body: Element) -> None:
    """A teaser made clickable by script (`<h3 onclick="window.open('https://…')">`) is a
    link: wrap its words in `<a>` so that link density and the link-only rules see it."""
    for el in body.xpath(".//*[@onclick]"):
        if el.tag == "a":
            continue
        match = _SCRIPT_LINK_RE.search(el.get("onclick") or "")
        if not match or el.find(".//a") is not None:
            continue
        link = el.makeelement("a", {"href": match.group(1)})
        link.text, el.text = el.text, None
        for child in list(el):
            link.append(child)
        el.append(link)


def strip_code(root: Element) -> None:
    """Remove scripts, styles and templates (their text is code, never the article's),
    keeping the text that follows them."""
    etree.strip_elements(root, "script", "style", "template", with_tail=False)


def body_of(root: Element) -> Element:
    body = root.find("body")
    return body if body is not None else root


def tokens(el: Element) -> tuple[str, ...]:
    """The words of an element's class and id (`article-body` → `article`, `body`)."""
    cls, ident = el.get("class"), el.get("id")
    return _split_tokens(f"{cls or ''} {ident or ''}") if cls or ident else ()


@lru_cache(maxsize=1 << 16)
def _split_tokens(raw: str) -> tuple[str, ...]:
    """Cached: a page repeats a few dozen class strings over thousands of elements."""
    return tuple(t for t in _TOKEN_SPLIT_RE.split(raw.lower()) if t)


# Scripts written without spaces between words (Thai, Lao, Khmer, Myanmar, Chinese, Japanese).
_UNSPACED_RUN_RE = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")


def word_count(text: str) -> int:
    """Words as a reader would count them: spaced words, and in a script written without
    spaces (Thai, Chinese …) a word for every three characters, so that a Thai paragraph
    is as long as its English translation and not one "word"."""
    unspaced = sum(len(run) for run in _UNSPACED_RUN_RE.findall(text))
    if not unspaced:
        return len(text.split())
    return len(_UNSPACED_RUN_RE.sub(" ", text).split()) + unspaced // 3


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, trimmed (NBSP included)."""
    return " ".join(text.split())


def first_text(el: Element, depth: int = 0) -> str:
    """The first text inside an element, in document order (its label, if it has one):
    a cheap look before reading the element's whole text."""
    if el.text and el.text.strip():
        return el.text.lstrip()
    for child in el:
        if isinstance(child.tag, str) and depth < 8:
            found = first_text(child, depth + 1)
            if found:
                return found
        if child.tail and child.tail.strip():
            return child.tail.lstrip()
    return ""


def text_of(el: Element) -> str:
    """All the text below an element, squashed; blocks and <br> are not separated here."""
    return squash(el.text_content())


def is_hidden(el: Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    if not style:
        return False
    return _HIDDEN_STYLE_RE.search(style) is not None or (
        _ZERO_HEIGHT_RE.search(style) is not None and _OVERFLOW_HIDDEN_RE.search(style) is not None
    )


def elements(root: Element) -> Iterator[Element]:
    """Every element (no comments or processing instructions), in document order."""
    for el in root.iter():
        if isinstance(el.tag, str):
            yield el


def ancestors(el: Element) -> Iterator[Element]:
    parent = el.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def inside(el: Element, tags: frozenset[str] | tuple[str, ...]) -> bool:
    return any(a.tag in tags for a in ancestors(el))


def drop(el: Element) -> None:
    """Remove an element and its content, keeping the text that followed it."""
    if el.getparent() is not None:
        el.drop_tree()


def link_text_length(el: Element) -> int:
    return sum(len(squash(a.text_content())) for a in el.iter("a"))


def link_density(el: Element, text_length: int | None = None) -> float:
    length = len(text_of(el)) if text_length is None else text_length
    return link_text_length(el) / length if length else 0.0
