"""Article bodies: Markdown -> safe HTML, with the archive's own see-also lines.

markdown-it-py's `js-default` preset with raw HTML off: scraped text is
untrusted, so `<script>` in an article is text. Links keep only http(s),
mailto and relative targets. GFM pipe tables are on (the preset's `table`
rule), each wrapped in a box that scrolls sideways on a narrow screen. Core
rules are added, in order, as named functions (markdown-it's own extension
style): see-also lines become asides, a paragraph that is only a link to a
video or post service (the importer's embed line) becomes a card, links to an
archived article's original address lead to its page here, and headings get
unique ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape

from .embeds import embed_name
from .errors import Problem
from .text import SEE_ALSO_LABEL, clean_line, fold, see_also_title, slugify
from .urls import source_key

_SAFE_URL_RE = re.compile(r"^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$)|/)", re.IGNORECASE)
HEADING_ID_PREFIX = "h-"
TABLE_LABEL = "جدول"
# How a card names what it links to: «فيديو على YouTube», «منشور على X».
EMBED_KINDS = {"video": "فيديو", "audio": "مقطع صوتي", "post": "منشور"}
_VIDEO_SERVICES = frozenset(("YouTube", "Vimeo", "Dailymotion", "TikTok"))
_AUDIO_SERVICES = frozenset(("SoundCloud",))
# A post service's address of a video: Facebook /videos/ and /watch, fb.watch, Instagram reels, X /video/1.
_VIDEO_URL_RE = re.compile(r"^(?:[\w-]+\.)*fb\.watch(?:/|$)|/(?:videos?|watch|reels?|tv)(?:/|$)", re.IGNORECASE)


@dataclass
class BodyContext:
    """What rendering one body needs and reports: links for see-also lines and for addresses
    of the original site, the see-also titles it missed."""

    resolve: Callable[[str], str | None]
    # source key (urls.source_key) -> href of the archived article that address was the original of
    links: Mapping[str, str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    too_deep: bool = False  # nested past markdown-it's limit: shown as plain paragraphs


@dataclass(frozen=True)
class BodyNote:
    """Where an article page holds its body's bytes, and what the body's see-also titles and
    links resolved to: a body edit on the command line splices the new body in (splice.py)
    without the site model."""

    start: int
    end: int
    see_also: dict[str, str | None]
    links: dict[str, str]


class _Parser(MarkdownIt):
    """markdown-it with our link policy: its `validateLink` is the documented hook."""

    def validateLink(self, url: str) -> bool:
        return _safe_link(url)


def make_parser() -> MarkdownIt:
    md = _Parser("js-default", {"html": False, "linkify": False, "typographer": False})
    md.core.ruler.push("see_also", _see_also_rule)
    md.core.ruler.push("embeds", _embeds_rule)
    md.core.ruler.push("archive_links", _archive_links_rule)
    md.core.ruler.push("heading_ids", _heading_ids_rule)
    md.add_render_rule("see_also", _render_see_also)
    md.add_render_rule("embed", _render_embed)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
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


def _replace_paragraphs(state: StateCore, kind: str, tag: str, meta_at: Callable[[list[Token], int], Any]) -> None:
    """Each top-level paragraph (open, inline, close) for which `meta_at` finds something
    becomes one `kind` token carrying it; the rest stay as they are."""
    tokens, out, i = state.tokens, [], 0
    while i < len(tokens):
        meta = meta_at(tokens, i)
        if meta is None:
            out.append(tokens[i])
            i += 1
            continue
        out.append(Token(kind, tag, 0, block=True, map=tokens[i].map, meta=meta))
        i += 3
    state.tokens = out


def _see_also_rule(state: StateCore) -> None:
    """A paragraph that is only «شاهد ايضاً: TITLE» becomes one see_also token."""

    def title_at(tokens: list[Token], i: int) -> dict[str, str] | None:
        title = _see_also_at(tokens, i)
        return None if title is None else {"title": title}

    _replace_paragraphs(state, "see_also", "aside", title_at)


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


# -- embeds ------------------------------------------------------------------------------


def _embeds_rule(state: StateCore) -> None:
    """A top-level paragraph that is one link, to a known video or post service, becomes one
    embed token (shown as a card: the link, never the service's player or script)."""
    _replace_paragraphs(state, "embed", "figure", _embed_at)


def _embed_at(tokens: list[Token], i: int) -> dict[str, str] | None:
    if tokens[i].type != "paragraph_open" or tokens[i].level != 0 or i + 2 >= len(tokens):
        return None
    children = tokens[i + 1].children or []
    if len(children) < 2 or children[0].type != "link_open" or children[-1].type != "link_close":
        return None
    inner = children[1:-1]
    if any(child.type in ("link_open", "link_close", "image") for child in inner):
        return None
    url = str(children[0].attrGet("href") or "")
    service = embed_name(url) if urlsplit(url).scheme.lower() in ("http", "https") else None
    if service is None:
        return None
    text = "".join(
        c.content if c.type in ("text", "text_special", "code_inline") else " "
        for c in inner
        if c.type in ("text", "text_special", "code_inline", "softbreak", "hardbreak")
    )
    return {"url": url, "service": service, "text": " ".join(text.split())}


def embed_kind(service: str, url: str) -> str:
    """video, audio or post: what the card calls the thing it links to."""
    if service in _VIDEO_SERVICES:
        return "video"
    if service in _AUDIO_SERVICES:
        return "audio"
    parts = urlsplit(url)
    return "video" if _VIDEO_URL_RE.search(parts.netloc.lower() + parts.path) else "post"


def _render_embed(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    url, service, text = (tokens[idx].meta[k] for k in ("url", "service", "text"))
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    # The address as a reader would type it; bidi and invisible controls out, so it reads as it goes.
    shown = clean_line(host + unquote(parts.path).rstrip("/") + (f"?{unquote(parts.query)}" if parts.query else ""))
    kind = embed_kind(service, url)
    name = re.sub(r"[^a-z0-9]+", "-", service.lower()).strip("-") or "other"
    # The link's own words are kept as a caption unless they only name the service.
    caption = (
        ""
        if fold(text) in ("", fold(service), fold(host.split(".")[0]))
        else f"<figcaption>{escape(text)}</figcaption>"
    )
    return (
        f'<figure class="embed embed-{name} embed-{kind}">'
        f'<a class="embed-link" href="{escape(url)}" rel="external nofollow noopener">'
        f'<span class="embed-label">{EMBED_KINDS[kind]} على <span dir="ltr">{escape(service)}</span></span> '
        f'<span class="embed-url" dir="ltr">{escape(shown)}</span></a>{caption}</figure>\n'
    )


# -- links to the original site --------------------------------------------------------


def archive_href(href: str, links: Mapping[str, str]) -> str | None:
    """The archived page a link to an original address leads to, or None (the link stays).
    `links` maps source keys (urls.source_key) to the archive's hrefs."""
    if not links or "://" not in href:
        return None
    key = source_key(href)
    return links.get(key) if key is not None else None


def _archive_links_rule(state: StateCore) -> None:
    """Links to an archived article's original address (`source.url`) lead to its page here."""
    links = state.env["body"].links
    if not links:
        return
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "link_open":
                target = archive_href(str(child.attrGet("href") or ""), links)
                if target is not None:
                    child.attrSet("href", target)


# -- tables -----------------------------------------------------------------------------


def _render_table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    """A table in a box that scrolls sideways: a wide table never widens the page. The box is
    a labelled region and focusable, so it can be scrolled from the keyboard too."""
    box = f'<div class="table-scroll" role="region" tabindex="0" aria-label="{TABLE_LABEL}">\n'
    return box + self.renderToken(tokens, idx, options, env)


def _render_table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def body_problems(path: str | None, body: BodyContext) -> list[Problem]:
    """What rendering one body found wrong: see-also titles not in the archive, nesting too deep."""
    missing, check = "is not in the archive (shown as text)", "unresolved_see_also"
    found = [Problem("warning", f"see-also «{t}» {missing}", path, check=check) for t in body.unresolved]
    if body.too_deep:
        found.append(
            Problem(
                "warning",
                "the body nests lists or quotes too deeply for Markdown; it is shown as plain paragraphs",
                path,
            )
        )
    return found
