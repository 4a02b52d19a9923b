"""One saved HTML page → ParsedPage: the steps of the importer's pipeline, in order.

    parse → metadata → pictures → mark see-also, embeds, related cards → cut chrome
    → main content → classify → body to Markdown → boilerplate → fields → ParsedPage

Each step is a module of its own (dom, metadata, media, maincontent, classify,
tomarkdown, boilerplate); this file only calls them in order. What the whole
mirror teaches (sitewide.py) is applied afterwards by run.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import SiteError
from ..model import RelatedItem
from ..text import clean_line, fold
from . import boilerplate, classify, dom, maincontent, media, metadata
from .dom import HEADINGS, Element, text_of, tokens
from .page import MENU, SITE_NAME, Markup, Paragraph, ParsedPage, is_related_heading
from .tomarkdown import EMBED_ATTR, SEE_ALSO_ATTR, Converter, embed_name, see_also_of

_START_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|article)[\s>/]", re.IGNORECASE)
_CHARSET_RE = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.IGNORECASE)
# Only labels Arabic text can truly be in: a Latin-1 or windows-1252 label is a
# template default that would turn Arabic bytes into mojibake without an error,
# and sniffing does better. A UTF-16 label in an ASCII-readable head means UTF-8.
_CODECS = {
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be"), "utf-8"),
    **dict.fromkeys(("windows-1256", "cp1256", "x-cp1256"), "cp1256"),
    **dict.fromkeys(
        (
            "iso-8859-6",
            "iso_8859-6",
            "iso8859-6",
            "iso8859_6",
            "iso-8859-6-i",
            "iso-8859-6-e",
            "arabic",
            "asmo-708",
            "ecma-114",
            "iso-ir-127",
            "csisolatinarabic",
        ),
        "iso8859_6",
    ),
    **dict.fromkeys(("windows-1251", "cp1251"), "cp1251"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987"), "euc_kr"),
    **dict.fromkeys(("gb2312", "gbk", "gb18030"), "gb18030"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis"), "shift_jis"),
}
_CARD_CATEGORY_TOKEN_RE = re.compile(r"categor\w*|section|tags?|kicker")


def looks_like_html(text: str) -> bool:
    """Markup from its first character, with an html/head/body/article tag near the start."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    return head.startswith("<") and _START_RE.search(head) is not None


def declared_charset(head: bytes) -> str | None:
    """The codec a page's <meta> declares in its first KB, when it is one we trust."""
    match = _CHARSET_RE.search(head[:8192])
    return _CODECS.get(match.group(1).decode("ascii", "replace").lower()) if match else None


def parse(
    text: str, path: str = "", page_file: Path | None = None, mirror_root: Path | None = None, mirror_url: str = ""
) -> ParsedPage:
    """Read one saved page; NotAnArticle when it is not an article, SiteError when it is
    one but has no title or no text."""
    root = dom.parse(text, path)
    meta = metadata.read(root)
    dom.strip_code(root)  # JSON-LD is read; scripts and styles would only weigh on every pass after
    site = metadata.site_name(meta)
    base = metadata.base_url(root, meta.url, mirror_url)
    pictures = media.pictures(root, base)
    headline, title_raw = metadata.title(meta, site or SITE_NAME, host_of(meta.url or mirror_url))
    headline_el = next(
        (h for tags in (("h1",), ("h2", "h3")) for h in root.iter(*tags) if clean_line(text_of(h)) == headline), None
    )
    body = dom.body_of(root)
    _mark_see_also_and_embeds(body, _may_say_see_also(text))
    dom.script_links(body)
    related = _related_cards(body)
    article_body = next((e for e in body.iter() if e.get("itemprop") == "articleBody"), None)
    published = metadata.published(meta, headline_el)
    category = metadata.category(meta, headline)
    summary = metadata.summary(meta, site or SITE_NAME, host_of(meta.url or mirror_url))
    lead = metadata.lead_element(body)
    if lead is not None and (not summary or fold(text_of(lead)) == fold(summary)):
        summary = summary or clean_line(text_of(lead))
        dom.drop(lead)
    links = classify.story_links(body, meta.url or mirror_url)
    heads = classify.headings(body)
    product = bool(body.xpath(".//*[contains(@itemtype, 'schema.org/Product')]"))
    before_cut = {el: n for n, el in enumerate(root.iter())}
    maincontent.cut_chrome(body, frozenset(e for e in (headline_el, article_body) if e is not None))
    main = maincontent.choose(body, article_body)
    if not headline:
        raise SiteError("no title: no <h1>, og:title or <title>", path)
    classify.check_page(_signals(meta, title_raw, root, body, main, links, product, mirror_url, heads), path)
    if main is None:
        raise SiteError("no body text", path)
    captions = media.caption_texts(pictures)
    named = metadata.authors(meta, site)
    ctx = boilerplate.Context(headline, captions, authors=frozenset(fold(n) for n in named))
    blocks = boilerplate.clean(Converter(base).convert(main.parts), ctx)
    if not any(isinstance(b, (Paragraph, Markup)) and b.text for b in blocks):
        if not meta.declared_article():
            raise classify.NotAnArticle("no body text left once menus and teasers are set aside", path)
        raise SiteError("no body text", path, main.parts[0].sourceline if main.parts else None)
    images = media.lead_and_figures(
        pictures,
        meta.first("og:image", "twitter:image", "twitter:image:src") or _ld_image(meta),
        headline_el,
        main.parts,
        base,
        before_cut,
    )
    files = [
        (media.local_file(p.raw, base, page_file, mirror_root) if p.raw else None)
        or media.local_file(p.url, None, page_file, mirror_root)
        for p in images
    ]
    warnings = [f"{path}: the article text is uncertain: {main.uncertain}"] if main.uncertain else []
    warnings += [f"{path}: broken JSON-LD left out"] * meta.broken_ld
    warnings += [
        f"{_at(path, p.element.sourceline)}: figure without a caption"
        for p in images
        if not p.caption and p.element.getparent() is not None
    ]
    if not category:
        warnings.append(f"{path}: no category")
    return ParsedPage(
        title=headline,
        summary=summary,
        category=category,
        blocks=tuple(blocks),
        images=tuple(media.to_images(images)),
        related=tuple(related),
        date=published,
        warnings=tuple(warnings),
        image_files=tuple(files),
        authors=tuple(named or _byline_names(ctx.bylines)),
        tags=tuple(metadata.tags(meta, category)),
        updated=metadata.updated(meta),
        url=meta.url or mirror_url,
        site_name=site,
        title_raw=title_raw,
    )


def _ld_image(meta: metadata.Metadata) -> str:
    for value in meta.ld_values("image"):
        item = value[0] if isinstance(value, list) and value else value
        url = item.get("url") if isinstance(item, dict) else item
        if isinstance(url, str) and url.strip():
            return url.strip()
    return ""


def _signals(
    meta: metadata.Metadata,
    title_raw: str,
    root: Element,
    body: Element,
    main: maincontent.MainContent | None,
    links: int,
    product: bool,
    mirror_url: str,
    heads: tuple[int, int],
) -> classify.PageSignals:
    long_paragraphs = 0
    if main is not None:
        for part in main.parts:
            for el in part.iter("p", "div", "td", "li"):
                own = maincontent.own_text(el)
                if dom.word_count(own) >= 30:
                    long_paragraphs += 1
    return classify.PageSignals(
        url=meta.url or mirror_url,
        declared_article=meta.declared_article(),
        ld_types=meta.ld_types,
        og_type=meta.first("og:type").lower(),
        title=title_raw,
        h1s=tuple(clean_line(text_of(h)) for h in root.iter("h1")),
        long_paragraphs=long_paragraphs,
        content_words=main.words if main else 0,
        story_links=links,
        product_markup=product,
        headings=heads[0],
        linked_headings=heads[1],
        main_linked_headings=sum(classify.headings(part)[1] for part in main.parts) if main else 0,
    )


_SEE_ALSO_WORDS = ("شاهد", "قرأ", "قرا")
_ARABIC_REFERENCE_RE = re.compile(r"&#(?:1[5-7]\d\d|[xX]0*6[0-9a-fA-F]{2});")  # «&#1588;», «&#x634;»


def _may_say_see_also(page: str) -> bool:
    """Whether the page's source holds a see-also word (or Arabic written as character
    references): most pages of other languages need no search for see-also boxes."""
    return any(word in page for word in _SEE_ALSO_WORDS) or _ARABIC_REFERENCE_RE.search(page) is not None


def _mark_see_also_and_embeds(body: Element, labelled: bool) -> None:
    """See-also boxes and embedded players become marker paragraphs, so that cutting the
    chrome (an `<aside>`, an `<iframe>`) keeps them where they stood."""
    if labelled:
        labelled = bool(body.xpath(".//text()[contains(., 'شاهد') or contains(., 'قرأ') or contains(., 'قرا')]"))
    for el in list(body.iter("aside", "div", "p", "section")) if labelled else ():
        title = see_also_of(el) if el.getparent() is not None else None
        if title:
            for child in list(el):
                el.remove(child)
            el.attrib.clear()
            el.tag, el.text = "p", ""
            el.set(SEE_ALSO_ATTR, title)
    for frame in list(body.iter("iframe", "embed")):
        src = (frame.get("src") or frame.get("data-src") or "").strip()
        if src and embed_name(src if "//" in src else "https://" + src):
            marker = frame.makeelement("p", {EMBED_ATTR: src})
            marker.tail = frame.tail
            parent = frame.getparent()
            if parent is not None:
                parent.replace(frame, marker)


# --- related news (the mirrored site's own «أخبار ذات صلة» cards) ------------------------------------------


def _related_cards(body: Element) -> list[RelatedItem]:
    """Cards of the boxes marked "related" and of what follows a «أخبار ذات صلة» heading;
    the heading and its cards leave the page (the boxes go with the chrome)."""
    named = body.xpath(".//*[contains(@class, 'elated') or contains(@id, 'elated')]")  # Related, related
    boxes = [
        e
        for e in named
        if e.tag not in ("a", "span", "html", "body")
        and any("related" in t for t in tokens(e))
        and e.find(".//h1") is None
    ]
    zones = [[b] for b in boxes if not any(a in boxes for a in dom.ancestors(b))]
    for heading in [e for e in body.iter(*HEADINGS) if is_related_heading(text_of(e))]:
        if any(heading in z or any(a in z for a in dom.ancestors(heading)) for z in zones):
            continue
        following = []
        for sibling in heading.itersiblings():
            if sibling.tag == "h1" or sibling.find(".//h1") is not None:
                break
            following.append(sibling)
        zones.append([heading, *following])
    if len(zones) > 1:  # in page order (numbering the page's elements costs: only when needed)
        order = {el: n for n, el in enumerate(body.iter())}
        zones.sort(key=lambda zone: order.get(zone[0], 0))
    known = {fold(c) for c in MENU}
    items: dict[str, RelatedItem] = {}
    for zone in zones:
        for part in zone:
            for card in _cards(part, known):
                items.setdefault(fold(card.title), card)
        if len(zone) > 1:
            for part in zone:
                dom.drop(part)
    return list(items.values())


def _cards(zone: Element, known: set[str]) -> list[RelatedItem]:
    if zone.tag in HEADINGS:
        return []
    titles = [h for h in zone.iter("h2", "h3", "h4", "h5") if _card_title(h, known) and not _box_heading(h, zone)]
    if not titles:
        titles = [
            a
            for a in zone.iter("a")
            if _card_title(a, known)
            and len(text_of(a).split()) >= 3
            and not any(_CARD_CATEGORY_TOKEN_RE.fullmatch(t) for t in tokens(a))
        ]
    cards = []
    for title_el in titles:
        card = title_el
        parent = card.getparent()
        while (
            parent is not None
            and parent is not zone
            and not any(parent in dom.ancestors(t) for t in titles if t is not title_el)
        ):
            card, parent = parent, parent.getparent()
        title = clean_line(text_of(title_el))
        category = next(
            (
                clean_line(text_of(e))
                for e in card.iter()
                if e is not title_el
                and isinstance(e.tag, str)
                and (any(_CARD_CATEGORY_TOKEN_RE.fullmatch(t) for t in tokens(e)) or fold(text_of(e)) in known)
                and 0 < len(text_of(e).split()) <= 4
                and e.find(".//h2") is None
                and e.find(".//h3") is None
            ),
            "",
        )
        summary = next(
            (clean_line(text_of(p)) for p in card.iter("p") if clean_line(text_of(p)) not in ("", title, category)), ""
        )
        img = next(card.iter("img"), None)
        cards.append(RelatedItem(title, summary, category, clean_line(img.get("alt") or "") if img is not None else ""))
    return cards


def _box_heading(heading: Element, zone: Element) -> bool:
    """The box's own heading («قد يهمك»): first in the box, with no link, picture or text of a card."""
    first = next((c for c in zone if isinstance(c.tag, str)), None)
    return heading is first and heading.find(".//a") is None and heading.find(".//img") is None


def _card_title(el: Element, known: set[str]) -> bool:
    text = text_of(el)
    return bool(text) and not is_related_heading(text) and fold(text) not in known


def _byline_names(bylines: list[str]) -> list[str]:
    return [name for name in map(metadata.clean_author, bylines) if name]


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _at(path: str, line: int | None) -> str:
    """`path:line`, or the path alone for an element the page did not write (made by a rule)."""
    return f"{path}:{line}" if line else path
