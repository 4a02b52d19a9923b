"""Which part of a saved page is the article: score candidate containers, never trust
a page-level class.

The method is Readability's, which has held up across the web for fifteen years:
every paragraph-like element gives points (for its length and its commas) to its
parent and, less, to the two elements above; a container's class and id add or
take points (`article-body` up, `sidebar` down) — but the classes of `<html>` and
`<body>` are never read, so `<html class="ads-enabled">` cannot discard a page;
the points shrink with the share of the text that is links. The best container
then takes in its siblings that score nearly as well (an article split in two
`div`s around an advert). schema.org `articleBody` and `<article>` add points
rather than decide, since sites also mark cards and teasers with them.

Before scoring, the parts of a page that are never article are cut: invisible
elements, navigation, forms, and boxes whose class says chrome (share bars,
related news, comments) unless they hold the headline or the article body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dom import INVISIBLE_TAGS, Element, ancestors, drop, elements, is_hidden, squash, text_of, tokens, word_count

# Class/id words of containers that hold the article.
_POSITIVE_RE = re.compile(
    r"article\w*|body|content\w*|entry|main|post|story|text|detail\w*|blog|column|prose|news|paragraph|"
    r"single|page|rich|copy|markdown|editor\w*|maincontent|articlebody|storybody|field|item|inner"
)
# Class/id words of chrome: always cut (unless they hold the headline or articleBody).
_CHROME_RE = re.compile(
    r"comments?|comment\w*|comentarios?|commentaires?|kommentare?|disqus|compartir\w*|partage\w*|condivid\w*|"
    r"relacionad\w*|correlat\w*|side|related\w*|sidebar\w*|share\w*|sharing|social\w*|newsletter\w*|outbrain|"
    r"taboola|recommend\w*|popular|trending|breadcrumbs?|breadcrumb\w*|nav|navbar|navigation|menu\w*|cookie\w*|"
    r"ads?|adv|advert\w*|advertisement|dfp|gpt|banner\w*|sponsor\w*|promo\w*|footer|masthead|subscribe\w*|"
    r"signup|paywall|modal|popup|overlay|toolbar|pagination|pager|widget\w*|skyscraper|mostread|"
    r"mostpopular|readmore|morenews|moreon|also|nextarticle|prevarticle|print|rss|login|search"
)
# Class/id words of smaller boxes around the text: cut when they are short.
_AROUND_RE = re.compile(
    r"meta|byline|author\w*|bio|tags?|tagcloud|keywords?|date|time|timestamp|published|caption|credit|"
    r"source|info|tools?|actions?|utility|rating|reactions?|follow|app|video\w*|gallery|slideshow|player|"
    r"category|categories|cat|kicker|label|eyebrow|subscription|copyright|disclaimer|note|mood\w*|emotions?|"
    r"poll|vote|voting"
)
_ALWAYS_CUT = frozenset(("nav", "form", "footer", "aside", "iframe", "header", "menu"))
_PARAGRAPH_TAGS = frozenset(
    ("p", "pre", "td", "blockquote", "li", "dd", "div", "section", "article", "span", "font", "center", "main")
)
_COMMAS_RE = re.compile("[,،]")
MIN_PARAGRAPH = 25


@dataclass(frozen=True)
class MainContent:
    """The elements that make up the article, in page order, and how sure the choice is."""

    parts: tuple[Element, ...]
    words: int
    link_density: float
    uncertain: str = ""  # why the choice may be wrong, for a warning; "" when sure


def cut_chrome(body: Element, keep: frozenset[Element]) -> None:
    """Remove what is never article: invisible elements, navigation, forms and boxes
    whose class or id says chrome. `keep` are elements (headline, articleBody) whose
    boxes must survive even when a class says otherwise."""
    holders = {a for el in keep for a in (el, *ancestors(el))}
    doomed = []
    stack = [child for child in reversed(body) if isinstance(child.tag, str)]
    while stack:  # in page order, never looking inside a box already doomed
        el = stack.pop()
        if el not in holders and (
            el.tag in INVISIBLE_TAGS
            or is_hidden(el)
            or el.tag in _ALWAYS_CUT
            or (el.tag not in ("main", "article") and _is_chrome(el))
        ):
            doomed.append(el)
            continue
        stack.extend(child for child in reversed(el) if isinstance(child.tag, str))
    for el in doomed:
        drop(el)


def _is_chrome(el: Element) -> bool:
    """Chrome by its class or id: a chrome word alone decides; beside an article word
    («post-share», «article-related») only for a short or mostly-linked box; a word of
    the small boxes around the text («post-meta», «article-date») for a short one."""
    words = tokens(el)
    if not words:
        return False
    chrome = any(_CHROME_RE.fullmatch(w) for w in words)
    around = any(_AROUND_RE.fullmatch(w) for w in words)
    if not (chrome or around):
        return False
    length = len(text_of(el))
    positive = any(_POSITIVE_RE.fullmatch(w) for w in words)
    if around and length < 250 and not positive:
        return True
    if not chrome:
        return False
    if not positive:
        return True
    return length < 500 or _density(el) > 0.5


def choose(body: Element, favoured: Element | None = None) -> MainContent | None:
    """The article's container (with its worthy siblings); None when the page has no text."""
    scores: dict[Element, float] = {}
    for el in elements(body):
        if el.tag not in _PARAGRAPH_TAGS:
            continue
        own = own_text(el)
        if len(own) < MIN_PARAGRAPH:
            continue
        points = 1 + len(_COMMAS_RE.findall(own)) + min(len(own) // 100, 3)
        for level, holder in enumerate(_holders(el, body)):
            if holder not in scores:
                scores[holder] = _initial(holder, favoured)
            scores[holder] += points / (1 if level == 0 else 2 if level == 1 else level * 3)
    if not scores:
        return _whole(body)
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:8]
    final = {el: scores[el] * (1 - _density(el)) for el in ranked}
    top = max(final, key=final.__getitem__)
    top = _unwrap(_climb(top, final))
    parts = _with_siblings(top, final.get(top, 0.0), scores)
    return _measured(parts)


def _whole(body: Element) -> MainContent | None:
    """A page too short to score (a few short paragraphs): its <article>, <main> or body."""
    holder = next((e for tag in ("article", "main") for e in body.iter(tag)), body)
    return _measured([holder]) if text_of(holder) else None


def _holders(el: Element, body: Element) -> list[Element]:
    """The paragraph's container, and the two above it (body is the last resort)."""
    found: list[Element] = []
    parent = el.getparent()
    while parent is not None and len(found) < 3:
        found.append(parent)
        if parent is body:
            break
        parent = parent.getparent()
    return found


def own_text(el: Element) -> str:
    """Text written directly in the element (not in child blocks): a `p`'s words, or the
    words of a `div` that holds text between `<br>`s. Inline children count as own."""
    if el.tag in ("p", "pre", "td", "blockquote", "dd"):
        return squash(el.text_content())
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag in (
            "a",
            "b",
            "strong",
            "em",
            "i",
            "span",
            "font",
            "u",
            "sup",
            "sub",
            "small",
            "mark",
            "q",
            "abbr",
            "cite",
        ):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return squash("".join(parts))


def _initial(el: Element, favoured: Element | None) -> float:
    score = {
        "div": 5.0,
        "article": 10.0,
        "main": 5.0,
        "section": 3.0,
        "pre": 3.0,
        "td": 3.0,
        "blockquote": 3.0,
        "form": -3.0,
        "ol": -3.0,
        "ul": -3.0,
        "li": -3.0,
        "dl": -3.0,
        "th": -5.0,
        "address": -3.0,
    }.get(str(el.tag), 0.0)
    if el.tag in ("html", "body"):
        return score
    words = tokens(el)
    if any(_POSITIVE_RE.fullmatch(w) for w in words):
        score += 25
    if any(_CHROME_RE.fullmatch(w) or _AROUND_RE.fullmatch(w) for w in words):
        score -= 25
    if el.get("itemprop") == "articleBody" or el is favoured:
        score += 40
    return score


def _density(el: Element) -> float:
    text = len(squash(el.text_content()))
    links = sum(len(squash(a.text_content())) for a in el.iter("a"))
    return min(1.0, links / text) if text else 1.0


def _climb(top: Element, final: dict[Element, float]) -> Element:
    """Readability's step up: when the parent scores well too, the article spans more
    than this element (several scored children of one parent)."""
    parent = top.getparent()
    best = final[top]
    while parent is not None and parent.tag not in ("html", "body"):
        if parent in final and final[parent] >= best * 0.75:
            top, best = parent, max(best, final[parent])
        parent = parent.getparent() if parent is not None else None
        if parent is None or parent not in final:
            break
    return top


def _unwrap(top: Element) -> Element:
    """Up through wrappers that add no text of their own, to the level where the article's
    other parts are siblings (a body split in several boxes around adverts)."""
    length = len(text_of(top))
    parent = top.getparent()
    while parent is not None and parent.tag not in ("html", "body") and len(text_of(parent)) <= length * 1.15 + 20:
        top, parent = parent, parent.getparent()
    return top


def _with_siblings(top: Element, top_score: float, scores: dict[Element, float]) -> list[Element]:
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, top_score * 0.2)
    parts = []
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if (
            sibling is top
            or (
                sibling in scores
                and scores[sibling] * (1 - _density(sibling)) >= threshold
                and sibling.tag not in ("ul", "ol")
            )
            or (sibling.tag not in ("ul", "ol", "p") and _holds_prose(sibling))
        ):
            parts.append(sibling)
        elif sibling.tag == "p":
            text = text_of(sibling)
            if (len(text) > 80 and _density(sibling) < 0.25) or (
                0 < len(text) <= 80 and _density(sibling) == 0 and re.search(r"[.!؟?]$", text)
            ):
                parts.append(sibling)
    return parts


def _holds_prose(el: Element) -> bool:
    """A box of running text beside the article's container (an intro, a second half)."""
    long_paragraphs = sum(1 for p in el.iter("p") if len(text_of(p)) > 80)
    return long_paragraphs >= 1 and _density(el) < 0.2


def _measured(parts: list[Element]) -> MainContent:
    words = sum(word_count(text_of(p)) for p in parts)
    density = sum(_density(p) * len(text_of(p)) for p in parts) / max(1, sum(len(text_of(p)) for p in parts))
    uncertain = ""
    if words < 60:
        uncertain = f"the article text found is short ({words} words)"
    elif density > 0.4:
        uncertain = f"much of the text found is links ({density:.0%})"
    return MainContent(tuple(parts), words, density, uncertain)
