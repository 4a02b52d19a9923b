"""Blocks inside the article's container that are not the article: bylines, datelines,
reading times, «اضف تعليقاً» and comment policies, «التالي»/«السابق», share and follow
prompts, captions printed again as text, and everything after a «أخبار ذات صلة» or
"Related" heading.

One ordered list of rules, each a small function that says why a block goes (or
None); `clean()` runs them over the blocks and returns what stays, with the bylines
it dropped (the metadata step may use them as authors). What repeats on many pages
of one site is found across the mirror in sitewide.py, not here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..text import fold
from .dates import MONTH_WORDS, dateline, first_date
from .page import Block, Heading, Markup, Paragraph, SeeAlsoBlock, is_agency_sign_off

# Phrases of widgets, matched on folded text of short blocks (Arabic folded: ة→ه, أ→ا …).
_WIDGET_RE = re.compile(
    "|".join(
        (
            r"^(?:اضف|أضف|اترك|اكتب) (?:تعليق|تعليقا|رد)",
            r"تعليقات? (?:القراء|الزوار)",
            r"سياسه التعليقات",
            r"^(?:شارك|شاركوا|مشاركه)(?: (?:الخبر|المقال|هذا|عبر|على))?\b",
            r"^تابعونا",
            r"^تابعوا",
            r"^(?:اقرا|شاهد) المزيد",
            r"^للمزيد",
            r"^اضغط هنا",
            r"^انقر هنا",
            r"^اشترك",
            r"^حمل تطبيق",
            r"^(?:التالي|السابق)$",
            r"^المقال (?:التالي|السابق)",
            r"^الخبر (?:التالي|السابق)",
            r"^(?:وقت|مده) القراءه",
            r"\b(?:دقاءق?|دقيقه) (?:للقراءه|قراءه)\b",
            r"^قراءه \d",
            r"جميع الحقوق محفوظه",
            r"^(?:advertisement|advertising|sponsored|ad)$",
            r"^(?:share|share this|share on|tweet|email|print|comments?)\b",
            r"^(?:follow us|sign up|subscribe|download the app|read more|click here|more from|related)\b",
            r"\bmin(?:ute)?s? read\b",
            r"all rights reserved",
            r"^(?:next|previous) (?:article|story|post)",
            r"^copyright",
            r"^(?:leave|post|add) a (?:comment|reply)",
            r"^you (?:may|might) also like",
            r"^(?:image|photo|picture) (?:caption|copyright|source)",
            r"^(?:lire aussi|voir aussi|à lire aussi|a lire aussi|lea también|leer más)\b",
            r"^we (?:use|value) cookies",
            r"^تخطى",
            r"^skip (?:\w+ ){0,3}(?:and continue|content|to)",
            r"^author\b",
            r"^envia tu comentario",
            r"los comentarios publicados",
            r"^like this (?:story|article)\b",
            r"^(?:partager|imprimer|haut de page)\b",
            r"^(?:recomendar en|twittear|enviar a\b|enviar ?imprimir|archivado en)",
            r"ctrl ?\+ ?enter",
            r"シェア$",
            r"^play right from this page",
            r"^your video will play",
            r"^powered by\b",
            r"^(?:اقرا|شاهد) ايضا$",
        )
    )
)
_END_HEADING_RE = re.compile(
    "|".join(
        (
            r"^(?:اخبار|مواضيع|مقالات|موضوعات) (?:ذات صله|متعلقه|مشابهه|مرتبطه)$",
            r"^(?:اقرا|شاهد) (?:ايضا|كذلك)$",
            r"^(?:قد يهمك|ننصحك بقراءه|الاكثر قراءه|الاكثر مشاهده|التعليقات|تعليقات|اخبار اخرى|المزيد من الاخبار|"
            r"الاخبار الرءيسيه|اخترنا لكم|اخبار ذات علاقه|مقالات ذات صله|شاهد ايضا|اقرا ايضا|الحلقات|روابط ذات صله)$",
            r"^(?:related|related (?:stories|articles|news|content|coverage|topics)|"
            r"more (?:stories|news|on this story)|"
            r"read more|comments?|most (?:read|popular|viewed)|you may also like|recommended|trending|also read|"
            r"top stories|latest news|more from \w+)$",
            r"^(?:noticias relacionadas|las m[aá]s le[ií]das|lo m[aá]s le[ií]do|m[aá]s noticias|les plus lus|"
            r"[aà] lire aussi|sur le m[eê]me sujet|"
            r"meistgelesen|mehr zum thema|das k[oö]nnte sie auch interessieren)$",
        )
    )
)
_BYLINE_RE = re.compile(
    r"^(?:by|par|por|von|بقلم|كتب|كتبت|كتبه|اعداد|تقرير|حرره|المحرر|مراسل)\b\s*[:：]?\s*\S", re.IGNORECASE
)
_MAX_WIDGET_WORDS = 14
_LINK_RE = re.compile(r"\[(?:\\.|[^\]\\])*\]\([^)]*\)")
_DATE_WORDS = frozenset(
    (
        *MONTH_WORDS,
        "قبل",
        "ساعه",
        "ساعات",
        "دقيقه",
        "دقاءق",
        "واحده",
        "يوم",
        "ايام",
        "am",
        "pm",
        "ago",
        "hours",
        "hour",
        "minutes",
        "min",
        "mins",
        "ص",
        "م",
    )
)
_PUBLISHED_RE = re.compile(r"published|updated|posted|نشر|تحديث|publie|publicado|veroffentlicht|기사입력|发布|发表")
_LABEL_RE = re.compile(
    r"^(?:图注|图片来源|图片|原标题|责任编辑|编辑|来源|出品|作者|摄影|تصوير|الصوره|صوره|المصدر|"
    r"photo|image|picture|credit|caption|source)\s*[:：︱|]",
    re.IGNORECASE,
)
_BIO_RE = re.compile(
    r"^(?:reporting by|additional reporting by|editing by|writing by|compiled by)\b|"
    r"follow (?:him|her|them|us) on|is an? (?:\w+ ){0,3}(?:reporter|correspondent|writer|editor|"
    r"columnist|journalist|contributor)\b|يمكنكم متابعه"
)


@dataclass
class Context:
    """What the rules compare blocks with; what they learn about the page."""

    title: str
    captions: set[str]
    authors: frozenset[str] = frozenset()  # folded names the metadata gives as the writers
    bylines: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)


Rule = Callable[[Block, int, int, Context], "str | None"]


def _text(block: Block) -> str:
    return block.title if isinstance(block, SeeAlsoBlock) else block.text


def repeats_title(block: Block, index: int, count: int, ctx: Context) -> str | None:
    return "title" if fold(_text(block)) == fold(ctx.title) and index < 4 else None


def repeats_caption(block: Block, index: int, count: int, ctx: Context) -> str | None:
    text = " ".join(_text(block).split())
    return (
        "caption"
        if text
        and (
            text in ctx.captions
            or any(
                len(c) > 30 and (text.startswith(c) or (c.startswith(text) and len(text) > 30)) for c in ctx.captions
            )
        )
        else None
    )


def byline(block: Block, index: int, count: int, ctx: Context) -> str | None:
    text = _text(block)
    near_edge = index < 4 or index >= count - 3
    if (
        near_edge
        and isinstance(block, Paragraph)
        and len(text.split()) <= 7
        and _BYLINE_RE.match(fold(text))
        and not text.rstrip().endswith((".", "!", "?", "؟"))
    ):
        ctx.bylines.append(text)
        return "byline"
    return None


def names_the_author(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """A line that is only the writer's name (signed at the end, or over the text), as the
    page's metadata names them: a byline without a label."""
    text = fold(_text(block)).strip(" .-–—|()")
    if (index < 4 or index >= count - 3) and text and len(text.split()) <= 6 and text in ctx.authors:
        ctx.bylines.append(_text(block).strip())
        return "byline"
    return None


def signature(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """The writer's name alone in bold as the last line («**Lê Phương**», «**محمد علي**»)."""
    if not isinstance(block, Paragraph):
        return None
    text, markdown = block.text.strip(), block.markdown.strip()
    bold = markdown.startswith(("**", "__")) and markdown.endswith(("**", "__")) and markdown.count("**") <= 2
    if (
        bold
        and 0 < len(text.split()) <= 4
        and not any(ch.isdigit() for ch in text)
        and not text.endswith((".", "!", "?", "؟", ":", "،", ","))
    ):
        ctx.bylines.append(text)
        return "byline"
    return None


def date_line(block: Block, index: int, count: int, ctx: Context) -> str | None:
    text = _text(block)
    if isinstance(block, Heading) or len(text.split()) > 16:
        return None
    if dateline(text) is not None or (_PUBLISHED_RE.search(fold(text)) and first_date(text) is not None):
        return "dateline"
    return None


def labelled_credit(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """«图注：…», «تصوير: …», "Photo: …", «原标题：…», «[责任编辑:…]»: labelled captions and credits."""
    return "credit" if len(_text(block)) < 300 and _LABEL_RE.match(_text(block).lstrip("[(（【 ")) else None


def agency_sign_off(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """«--(بترا)», "(AFP)" on a line of its own at the end: the wire's signature, not a paragraph."""
    return "sign-off" if index >= count - 3 and is_agency_sign_off(_text(block)) else None


def machine_words(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """Lines of identifiers a script left as text («narrow-browser-and-phone», "0 : 0")."""
    text = _text(block)
    if not text.isascii() or ("-" not in text and "_" not in text):
        return None  # most lines: not one identifier among them
    words = text.split()
    tokens = [w for w in words if not _NUMBERS_RE.fullmatch(w)]
    if words and all(_IDENTIFIER_RE.fullmatch(w) for w in tokens):
        return "identifiers"
    return None


_NUMBERS_RE = re.compile(r"[\d:;,.]+")
_IDENTIFIER_RE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")


def _without_sign_off_line(block: Block) -> Block:
    """The last paragraph with its last line «--(بترا)» (after a `<br>`) taken off."""
    if not isinstance(block, Paragraph) or "\\\n" not in block.markdown:
        return block
    head, _, last = block.markdown.rpartition("\\\n")
    if not is_agency_sign_off(last.replace("\\", "")):
        return block
    text = block.text.rstrip()
    plain_last = last.replace("\\", "").strip()
    return Paragraph(text[: len(text) - len(plain_last)].rstrip() if text.endswith(plain_last) else text, head)


def author_bio(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """The writer's bio at the end ("X is a reporter for …. Follow him on Twitter")."""
    text = fold(_text(block))
    if index >= count - 4 and len(text.split()) <= 60 and _BIO_RE.search(text):
        return "bio"
    return None


def widget(block: Block, index: int, count: int, ctx: Context) -> str | None:
    text = fold(_text(block))
    if not isinstance(block, SeeAlsoBlock) and len(text.split()) <= _MAX_WIDGET_WORDS and _WIDGET_RE.search(text):
        return "widget"
    return None


def links_only(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """A short line or list that is nothing but links to other pages ("Read: …")."""
    if isinstance(block, Markup) and block.text == "":
        return None  # an embed
    markdown = block.markdown if isinstance(block, (Paragraph, Markup)) else ""
    if not markdown or "](" not in markdown:
        return None
    outside = _LINK_RE.sub("", markdown)
    outside = re.sub(r"^\s*(?:[-*]|\d+\.)\s*", "", outside, flags=re.MULTILINE)
    leftover = _without_dates(fold(outside)).split()
    is_list = isinstance(block, Markup) and block.markdown.lstrip().startswith(("- ", "1. "))
    return "links" if len(leftover) <= 2 and (is_list or len(_text(block).split()) <= 40) else None


def dates_only(block: Block, index: int, count: int, ctx: Context) -> str | None:
    """A line or list of dates and times alone (the dates of teasers whose links were cut)."""
    text = fold(_text(block))
    if isinstance(block, Paragraph) and len(text.split()) > 40:
        return None  # running text: its words, not its digits, decide (and counting them costs)
    if sum(ch.isdigit() for ch in text) >= 2 and len(_without_dates(text).split()) <= 1:
        return "dates"
    return None


def _without_dates(folded: str) -> str:
    words = [w for w in folded.split() if not w.isdigit() and w not in _DATE_WORDS]
    return " ".join(words)


def empty_heading(block: Block, index: int, count: int, ctx: Context) -> str | None:
    return "heading" if isinstance(block, Heading) and index >= count - 1 else None


RULES: tuple[Rule, ...] = (
    repeats_title,
    repeats_caption,
    byline,
    names_the_author,
    date_line,
    labelled_credit,
    widget,
    links_only,
    dates_only,
    agency_sign_off,
    machine_words,
    author_bio,
)


CLOSING_RULES: tuple[Rule, ...] = (signature,)


def clean(blocks: list[Block], ctx: Context) -> list[Block]:
    """The blocks that are article, in order; stops at a related/comments heading."""
    kept: list[Block] = []
    count = len(blocks)
    blocks = [_without_sign_off_line(b) if i >= count - 3 else b for i, b in enumerate(blocks)]
    for index, block in enumerate(blocks):
        if isinstance(block, Heading) and _END_HEADING_RE.search(fold(block.text)) and kept:
            ctx.dropped["after related heading"] = count - index
            break
        reason = next((why for rule in RULES if (why := rule(block, index, count, ctx))), None)
        if reason:
            ctx.dropped[reason] = ctx.dropped.get(reason, 0) + 1
            continue
        kept.append(block)
    while kept and isinstance(kept[-1], Heading):
        kept.pop()  # a heading with nothing under it
    for rule in CLOSING_RULES:  # what only the article's last line can be, once the rest is gone
        reason = rule(kept[-1], len(kept) - 1, len(kept), ctx) if len(kept) > 1 else None
        if reason:
            ctx.dropped[reason] = ctx.dropped.get(reason, 0) + 1
            kept.pop()
    return kept
