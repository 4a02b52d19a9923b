"""The article's elements → Markdown blocks, keeping the form a reader sees.

Paragraphs (also those a page separates only with `<br><br>`), `##`–`####`
headings, inline links (made absolute against the page's address, so a link to
another page of the mirror keeps the URL the build can match to an archived
article), bold and italic, lists, quotes, tables as GFM pipe tables, and embedded
posts and videos as a line holding their link, which the build shows as a card.
Figures are left to media.py: their captions never become paragraphs.

Each block then passes the boilerplate rules of boilerplate.py; the walk is
iterative over blocks and bounded in depth for inline markup, so deep or wide
pages cost what their size says.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ..embeds import embed_name
from ..text import clean_block, clean_line, fold, see_also_title
from .dom import HEADINGS, Element, first_text, squash, text_of
from .page import Block, Heading, Markup, Paragraph, SeeAlsoBlock
from .write import escape_block_start, escape_inline

SEE_ALSO_ATTR = "data-sb-see-also"
EMBED_ATTR = "data-sb-embed"
_CONTAINERS = frozenset(
    (
        "div",
        "section",
        "article",
        "main",
        "center",
        "span",
        "font",
        "body",
        "html",
        "details",
        "summary",
        "header",
        "footer",
        "aside",
        "form",
        "fieldset",
        "address",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "hgroup",
        "picture",
    )
)
_SKIP = frozenset(
    (
        "figure",
        "figcaption",
        "img",
        "picture",
        "hr",
        "h1",
        "noscript",
        "script",
        "style",
        "svg",
        "video",
        "audio",
        "iframe",
        "button",
        "input",
        "select",
        "textarea",
        "map",
        "object",
    )
)
_INLINE_MAX_DEPTH = 40
_SAFE_SCHEMES = ("http", "https", "mailto")
_EMBED_CLASSES = {
    "twitter-tweet": "X",
    "twitter-video": "X",
    "instagram-media": "Instagram",
    "tiktok-embed": "TikTok",
    "fb-post": "Facebook",
    "fb-video": "Facebook",
}


def embed_url(url: str) -> str:
    """The page an embed shows, from the player's address (youtube.com/embed/ID → watch?v=ID)."""
    match = re.search(r"youtube(?:-nocookie)?\.com/embed/([\w-]{6,})", url)
    if match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    return url if urlsplit(url).scheme else "https:" + url if url.startswith("//") else url


@dataclass
class Converter:
    """Walks the article's parts; `base` makes links absolute."""

    base: str
    blocks: list[Block] = field(default_factory=list)

    def convert(self, parts: tuple[Element, ...] | list[Element]) -> list[Block]:
        for part in parts:
            self._block(part)
        return self.blocks

    # --- blocks ---------------------------------------------------------------------------------

    def _block(self, root: Element) -> None:
        """Blocks below `root`, walked with an explicit stack (no recursion per level)."""
        stack: list[Element | tuple[str, list[tuple[str, str]]]] = [root]
        while stack:
            item = stack.pop()
            if isinstance(item, tuple):  # a run of inline content to close as a paragraph
                self._paragraphs(item[1])
                continue
            handled = self._leaf(item)
            if handled:
                continue
            # A container: its children in order, loose text between blocks as paragraphs.
            pending: list[Element | tuple[str, list[tuple[str, str]]]] = []
            run: list[tuple[str, str]] = []
            if item.text and item.text.strip():
                run.append(_text_piece(item.text))
            for child in item:
                if not isinstance(child.tag, str):
                    if child.tail and child.tail.strip():
                        run.append(_text_piece(child.tail))
                    continue
                if _is_block(child):
                    if run:
                        pending.append(("run", run))
                        run = []
                    pending.append(child)
                else:
                    run.extend(self._inline(child, 0))
                if child.tail and child.tail.strip():
                    run.append(_text_piece(child.tail))
            if run:
                pending.append(("run", run))
            stack.extend(reversed([_loose(p) for p in pending]))

    def _leaf(self, el: Element) -> bool:
        """Handle an element that is one block; False for a container to walk into."""
        tag = el.tag
        if el.get(SEE_ALSO_ATTR) is not None:
            self.blocks.append(SeeAlsoBlock(el.get(SEE_ALSO_ATTR) or ""))
            return True
        if el.get(EMBED_ATTR) is not None:
            self._embed(el.get(EMBED_ATTR) or "", "")
            return True
        if tag in _SKIP or not isinstance(tag, str):
            return True
        if tag in HEADINGS:
            self._heading(el)
            return True
        if tag == "p" or (tag in ("dd", "dt", "li") and not _has_blocks(el)):
            self._paragraphs(self._inline_children(el))
            return True
        if tag in ("ul", "ol"):
            self._list(el)
            return True
        if tag == "blockquote":
            self._quote(el)
            return True
        if tag == "pre":
            self._pre(el)
            return True
        if tag == "table":
            return self._table(el)
        if tag in _CONTAINERS or tag in ("dl", "dd", "dt", "li", "td", "th") or _has_blocks(el):
            return False
        self._paragraphs(self._inline(el, 0))
        return True

    def _heading(self, el: Element) -> None:
        text = clean_line(text_of(el))
        if not text:
            return
        links = [a for a in el.iter("a") if (a.get("href") or "").strip() not in ("", "#")]
        if links and sum(len(text_of(a)) for a in links) >= 0.8 * len(text):
            return  # another article's headline
        level = min(4, max(2, int(str(el.tag)[1])))
        self.blocks.append(Heading(text, level))

    def _paragraphs(self, pieces: list[tuple[str, str]]) -> None:
        """Inline pieces into paragraphs, split where the page put two <br> in a row."""
        for chunk in _split_at_double_breaks(pieces):
            markdown = _join_markdown(chunk)
            text = clean_block("".join(t for _, t in chunk))
            if not text:
                continue
            plain = escape_block_start(escape_inline(text))
            self.blocks.append(Paragraph(text, "" if markdown == plain else markdown))

    def _list(self, el: Element) -> None:
        ordered = el.tag == "ol"
        lines, texts = [], []
        for number, item in enumerate((li for li in el if li.tag == "li"), 1):
            pieces = self._inline_children(item, nested_lists=True)
            markdown = _join_markdown([p for p in pieces if p[0] != "\n\n"]).replace("\n", " ")
            text = clean_block("".join(t for _, t in pieces))
            if not text:
                continue
            marker = f"{number}." if ordered else "-"
            lines.append(f"{marker} {markdown}")
            texts.append(text)
            for nested in item.iter("ul", "ol"):
                for sub in (li for li in nested if li.tag == "li"):
                    sub_text = clean_block(text_of(sub))
                    if sub_text:
                        lines.append(f"    - {escape_inline(sub_text)}")
                        texts.append(sub_text)
        if lines:
            self.blocks.append(Markup("\n".join(lines), " ".join(texts)))

    def _quote(self, el: Element) -> None:
        service = next((name for cls, name in _EMBED_CLASSES.items() if cls in (el.get("class") or "")), None)
        if service:
            links = [a.get("href") or "" for a in el.iter("a")]
            url = next((u for u in reversed(links) if embed_name(u) == service), links[-1] if links else "")
            self._embed(url, service)
            return
        inner = Converter(self.base)
        inner._block_children(el)
        lines = []
        for block in inner.blocks:
            markdown = _block_markdown(block)
            lines.append("\n".join("> " + line if line else ">" for line in markdown.split("\n")))
        if lines:
            text = " ".join(_block_text(b) for b in inner.blocks)
            self.blocks.append(Markup("\n>\n".join(lines), text))

    def _block_children(self, el: Element) -> None:
        copy = el.makeelement("div", {})
        copy.text = el.text
        for child in el:
            copy.append(deepcopy(child))
        self._block(copy)

    def _pre(self, el: Element) -> None:
        code = el.text_content().strip("\n")
        if code.strip():
            fence = "~~~~" if "~~~" in code else "~~~"
            self.blocks.append(Markup(f"{fence}\n{code}\n{fence}", squash(code)))

    def _table(self, el: Element) -> bool:
        """A data table as a pipe table; a layout table (blocks in cells, one column) is walked."""
        rows = [r for r in el.iter("tr") if _nearest_table(r) is el]
        cells = [[c for c in r if isinstance(c.tag, str) and c.tag in ("td", "th")] for r in rows]
        cells = [r for r in cells if r]
        width = max((len(r) for r in cells), default=0)
        layout = width < 2 or any(_has_blocks(c, deep=True) for r in cells for c in r) or len(cells) < 2
        if layout:
            return False
        grid = [[_cell(c) for c in r] + [""] * (width - len(r)) for r in cells]
        if not any(any(c for c in r) for r in grid):
            return True
        lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
        self.blocks.append(Markup("\n".join(lines), " ".join(c for r in grid for c in r)))
        return True

    def _embed(self, url: str, service: str) -> None:
        url = embed_url(self._absolute(url) or url)
        name = service or embed_name(url)
        if not url or not name or urlsplit(url).scheme not in ("http", "https"):
            return
        self.blocks.append(Markup(f"[{name}]({_link_target(url)})", ""))

    # --- inline ---------------------------------------------------------------------------------

    def _inline_children(self, el: Element, nested_lists: bool = False) -> list[tuple[str, str]]:
        pieces: list[tuple[str, str]] = []
        if el.text:
            pieces.append(_text_piece(el.text))
        for child in el:
            if isinstance(child.tag, str) and not (nested_lists and child.tag in ("ul", "ol")):
                if child.tag in ("p", "div") and pieces:
                    pieces.append(("\n\n", " "))
                pieces.extend(self._inline(child, 1))
            if child.tail:
                pieces.append(_text_piece(child.tail))
        return pieces

    def _inline(self, el: Element, depth: int) -> list[tuple[str, str]]:
        """(markdown, text) pieces of an inline element; past a depth, its plain text."""
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP or el.get(SEE_ALSO_ATTR) is not None:
            return []
        if tag == "br":
            return [("\n", " ")]
        if depth > _INLINE_MAX_DEPTH:
            return [_text_piece(el.text_content())]
        inner = self._inline_children(el) if depth <= _INLINE_MAX_DEPTH else []
        if tag == "a":
            return self._link(el, inner)
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i", "cite") and not (el.get("class") or "").startswith("fa"):
            return _wrap(inner, "*")
        if tag == "code":
            code = squash(el.text_content())
            return [(f"`{code}`" if "`" not in code else escape_inline(code), code)] if code else []
        return inner

    def _link(self, el: Element, inner: list[tuple[str, str]]) -> list[tuple[str, str]]:
        url = self._absolute(el.get("href") or "")
        text = "".join(t for _, t in inner)
        if not url or not text.strip():
            return inner
        label = _join_markdown([p for p in inner if p[0] not in ("\n", "\n\n")]).strip()
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        return [(lead, lead), (f"[{label}]({_link_target(url)})", text.strip()), (trail, trail)]

    def _absolute(self, href: str) -> str:
        href = href.strip()
        if not href or href.startswith("#"):
            return ""
        try:
            url = urljoin(self.base, href) if self.base else href
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return ""
        return url if scheme in _SAFE_SCHEMES or (not scheme and not self.base) else ""


def _loose(item: Element | tuple[str, list[tuple[str, str]]]) -> Element | tuple[str, list[tuple[str, str]]]:
    """Loose text between blocks: each <br> ends a paragraph (no <p> says otherwise)."""
    if isinstance(item, tuple):
        return item[0], [("\n\n", " ") if piece[0] == "\n" else piece for piece in item[1]]
    return item


def _text_piece(text: str) -> tuple[str, str]:
    text = re.sub(r"[ \t\r\n\f\v]+", " ", text)
    return escape_inline(text), text


def _wrap(inner: list[tuple[str, str]], marker: str) -> list[tuple[str, str]]:
    text = "".join(t for _, t in inner)
    if not text.strip() or any(m in ("\n", "\n\n") for m, _ in inner):
        return inner
    markdown = "".join(m for m, _ in inner)
    lead, trail = markdown[: len(markdown) - len(markdown.lstrip())], markdown[len(markdown.rstrip()) :]
    core = markdown.strip()
    if core.startswith("*") or core.endswith("*"):
        return inner
    return [(lead, lead), (f"{marker}{core}{marker}", text.strip()), (trail, trail)]


def _link_target(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _join_markdown(pieces: list[tuple[str, str]]) -> str:
    markdown = "".join(m for m, _ in pieces)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in markdown.split("\n")]
    joined = "\\\n".join(line for line in lines if line)
    return escape_block_start(joined) if joined else ""


def _split_at_double_breaks(pieces: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    chunks: list[list[tuple[str, str]]] = [[]]
    breaks = 0
    for piece in pieces:
        if piece[0] == "\n\n":
            chunks.append([])
            breaks = 0
            continue
        if piece[0] == "\n":
            breaks += 1
            if breaks >= 2:
                chunks.append([])
                breaks = 0
                continue
        elif piece[1].strip():
            if breaks == 1:
                chunks[-1].append(("\n", " "))
            breaks = 0
        if piece[0] != "\n":
            chunks[-1].append(piece)
    return [c for c in chunks if "".join(t for _, t in c).strip()]


def _is_block(el: Element) -> bool:
    if el.get(SEE_ALSO_ATTR) is not None or el.get(EMBED_ATTR) is not None:
        return True
    tag = el.tag
    if tag in ("p", "ul", "ol", "table", "blockquote", "pre", "dl", "li", "hr", "figure", "iframe", *HEADINGS):
        return True
    if tag in (
        "div",
        "section",
        "article",
        "main",
        "center",
        "header",
        "footer",
        "aside",
        "details",
        "form",
        "fieldset",
        "address",
        "dd",
        "dt",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "hgroup",
        "figcaption",
    ):
        return True
    return tag in _SKIP and tag not in ("img",)


def _has_blocks(el: Element, deep: bool = False) -> bool:
    children = el.iter() if deep else iter(el)
    return any(
        c is not el
        and isinstance(c.tag, str)
        and c.tag in ("p", "div", "ul", "ol", "table", "blockquote", "pre", "section", "article", *HEADINGS)
        for c in children
    )


def _nearest_table(row: Element) -> Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _cell(cell: Element) -> str:
    return escape_inline(clean_block(text_of(cell))).replace("|", "\\|").replace("\n", " ")


def _block_markdown(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + escape_inline(block.text)
    if isinstance(block, Markup):
        return block.markdown
    if isinstance(block, SeeAlsoBlock):
        return escape_inline(block.title)
    return block.markdown or escape_block_start(escape_inline(block.text))


def _block_text(block: Block) -> str:
    return block.title if isinstance(block, SeeAlsoBlock) else block.text


_SEE_ALSO_STARTS = ("شاهد", "اقرا")  # folded: «أقرأ», «إقرأ», «اقرأ» fold to «اقرا»


def see_also_of(el: Element) -> str | None:
    """The title of a see-also box («شاهد ايضاً: …» with at most one link), or None."""
    if not fold(first_text(el)[:24]).startswith(_SEE_ALSO_STARTS):
        return None  # cheap: most boxes are not one, and their whole text need not be read
    text = squash(" ".join(el.itertext()))  # a heading and a link inside stay two words apart
    if len(text) > 300:
        return None
    title = see_also_title(text)
    if title is None and not fold(text).startswith(("شاهد ايضا ", "اقرا ايضا ")):
        return None
    linked = list(dict.fromkeys(t for t in (text_of(a) for a in el.iter("a")) if t and see_also_title(t) is None))
    if len(linked) > 1:
        return None
    return clean_line(linked[0]) if linked else title or None
