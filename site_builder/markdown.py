"""Article bodies: Markdown -> safe HTML, with the archive's own see-also lines.

markdown-it-py's `js-default` preset with raw HTML off: scraped text is
untrusted, so `<script>` in an article is text. Links keep only http(s),
mailto and relative targets. Two core rules are added, in order, as named
functions (markdown-it's own extension style): see-also lines become asides,
and headings get unique ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape

from .text import SEE_ALSO_LABEL, see_also_title, slugify

_SAFE_URL_RE = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$)|/)", re.IGNORECASE)
HEADING_ID_PREFIX = "h-"


@dataclass
class BodyContext:
    """What rendering one body needs and reports: links for see-also, titles it missed."""

    resolve: Callable[[str], str | None]
    unresolved: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    too_deep: bool = False  # nested past markdown-it's limit: shown as plain paragraphs


def make_parser() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _safe_link
    md.core.ruler.push("see_also", _see_also_rule)
    md.core.ruler.push("heading_ids", _heading_ids_rule)
    md.add_render_rule("see_also", _render_see_also)
    return md


def render_body(md: MarkdownIt, source: str, context: BodyContext) -> str:
    """The body as HTML. Past its nesting limit markdown-it drops the rest of the document
    without a word (fifty nested list markers are enough), so such a body is shown as
    plain paragraphs instead: every word stays, and `context.too_deep` says why."""
    env = {"body": context}
    tokens = md.parse(source, env)
    if any(t.level >= md.options.maxNesting - 1 for t in tokens):
        context.too_deep = True
        return plain_paragraphs(source)
    return md.renderer.render(tokens, md.options, env)


def plain_paragraphs(source: str) -> str:
    """Text as escaped paragraphs, one per blank-line-separated block."""
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", source))
    return "".join(f"<p>{escape(block)}</p>\n" for block in blocks if block)


def _safe_link(url: str) -> bool:
    """Only http(s), mailto and scheme-less links; whitespace and controls cannot hide a scheme."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url)
    return bool(_SAFE_URL_RE.match(squeezed))


def _see_also_rule(state: StateCore) -> None:
    """A paragraph that is only «شاهد ايضاً: TITLE» becomes one see_also token."""
    tokens, out, i = state.tokens, [], 0
    while i < len(tokens):
        title = _see_also_at(tokens, i)
        if title is None:
            out.append(tokens[i])
            i += 1
            continue
        token = Token("see_also", "aside", 0, block=True, map=tokens[i].map, meta={"title": title})
        out.append(token)
        i += 3
    state.tokens = out


def _see_also_at(tokens: list[Token], i: int) -> str | None:
    if tokens[i].type != "paragraph_open" or i + 2 >= len(tokens) or tokens[i].level != 0:
        return None
    inline = tokens[i + 1]
    children = inline.children or []
    if any(child.type not in ("text", "text_special") for child in children):
        return None
    return see_also_title("".join(child.content for child in children))


def _heading_ids_rule(state: StateCore) -> None:
    """Unique, prefixed ids from the heading text: links to sections, never a DOM global."""
    ids = state.env["body"].ids
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        if token.tag == "h1":  # the page's h1 is the article title
            token.tag = state.tokens[i + 2].tag = "h2"
        base = HEADING_ID_PREFIX + slugify(state.tokens[i + 1].content, 60)
        anchor, n = base, 2
        while anchor in ids:
            anchor, n = f"{base}-{n}", n + 1
        ids.add(anchor)
        token.attrSet("id", anchor)


def _render_see_also(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    title = tokens[idx].meta["title"]
    context: BodyContext = env["body"]
    href = context.resolve(title)
    label = f'<span class="see-also-label">{SEE_ALSO_LABEL}:</span> '
    if href is None:
        context.unresolved.append(title)
        return f'<aside class="see-also">{label}<span class="see-also-title">{escape(title)}</span></aside>\n'
    return f'<aside class="see-also">{label}<a href="{escape(href)}">{escape(title)}</a></aside>\n'
