"""What a parser hands to the importer: one page's fields, before slug and date are settled.

Both source formats (text dumps and HTML pages) produce a ParsedPage, and the
helpers here hold the conventions of the mirrored site that both share: how a
caption ends with its credit, how the site signs its summaries, what a see-also
line looks like.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..model import Image, RelatedItem, SeeAlso
from ..text import SEE_ALSO_LABEL, clean_line, fold, see_also_title

__all__ = ["SEE_ALSO_LABEL", "see_also_title"]  # re-exported for the parsers

CATEGORY_RE = re.compile(r"^\s*التصنيف\s*[:：]\s*(?P<name>.+)$")
RELATED_HEADINGS = ("اخبار ذات صله", "اخبار متعلقه", "مواضيع ذات صله", "اقرا ايضا")
SITE_NAME = "خَبَرَيْن"
# The mirrored site's menu: category names, also how related cards name their category.
MENU = (
    "الرئيسية",
    "أخبار",
    "سياسة",
    "أعمال",
    "رياضة",
    "العالم",
    "تكنولوجيا",
    "اقتصاد",
    "صحة",
    "تسلية",
    "ثقافة",
    "فن",
    "منوعات",
    "علوم",
    "سيارات",
    "سفر",
    "رأي",
    "مقالات",
    "فيديو",
    "صور",
    "الشرق الأوسط",
    "آراء",
)

# Agencies that appear as a whole credit with no photographer («Getty Images»).
_AGENCY_RE = re.compile(
    r"(getty|reuters|afp|\bap\b|associated press|epa|shutterstock|anadolu|xinhua|"
    r"رويترز|فرانس برس|أ ف ب|ا ف ب|أسوشيتد برس|اسوشيتد برس|الأناضول|غيتي|جيتي|وكالة)",
    re.IGNORECASE,
)
# News agencies whose name alone, in brackets or after a dash, signs off a story: «--(بترا)», «(رويترز)».
SIGN_OFF_AGENCIES = (
    "رويترز",
    "فرانس برس",
    "أ ف ب",
    "ا ف ب",
    "أ.ف.ب",
    "أسوشيتد برس",
    "اسوشيتد برس",
    "الأناضول",
    "بترا",
    "واس",
    "وام",
    "قنا",
    "كونا",
    "سانا",
    "وفا",
    "أ ش أ",
    "أ.ش.أ",
    "د ب أ",
    "د.ب.أ",
    "شينخوا",
    "سبوتنيك",
    "ومع",
    "بنا",
    "العمانية",
    "المركزية",
    "الوكالات",
    "وكالات",
    "reuters",
    "afp",
    "ap",
    "dpa",
    "xinhua",
    "anadolu",
    "ansa",
    "efe",
    "upi",
)
_SIGN_OFF_NAMES = "|".join(map(re.escape, SIGN_OFF_AGENCIES))
_SIGN_OFF_RE = re.compile(rf"^[\s\-–—(\[]*(?:{_SIGN_OFF_NAMES})[\s)\]\-–—.]*$", re.IGNORECASE)


def is_agency_sign_off(text: str) -> bool:
    """A line that is only an agency's name, the way wire copy ends («--(بترا)», "(AFP)")."""
    return _SIGN_OFF_RE.match(text.strip()) is not None


# «تصوير: نادر العلي», «الصورة: …», «Photo: …»: a labelled credit.
_CREDIT_LABEL_RE = re.compile(r"^(?:تصوير|الصورة|صورة|المصدر|photo|credit)\s*[:：]", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?؟…](?=\s)")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 2 to 4: `##` to `####`


@dataclass(frozen=True)
class Paragraph:
    """Plain text, escaped when written; `markdown` is set when the page gave it form
    (links, bold, italic) and is then written as it is."""

    text: str
    markdown: str = ""


@dataclass(frozen=True)
class Markup:
    """A block the page gave structure to (a list, a table, a quote, an embed), already
    Markdown; `text` is its plain words, for dates, scoring and repetition."""

    markdown: str
    text: str


@dataclass(frozen=True)
class SeeAlsoBlock:
    title: str


Block = Heading | Paragraph | Markup | SeeAlsoBlock


@dataclass(frozen=True)
class FoundDate:
    """A publication date and how it was found (a `date_source` value)."""

    value: dt.date | dt.datetime
    source: str


@dataclass(frozen=True)
class ParsedPage:
    """One article page as a parser read it."""

    title: str
    summary: str
    category: str
    blocks: tuple[Block, ...]
    images: tuple[Image, ...] = ()
    related: tuple[RelatedItem, ...] = ()
    date: FoundDate | None = None
    warnings: tuple[str, ...] = ()
    # For each image, the mirror's copy of its file when the mirror holds one;
    # the importer copies it beside the article and points `src` at the copy.
    image_files: tuple[Path | None, ...] = ()
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    updated: dt.date | dt.datetime | None = None
    url: str = ""  # the page's original absolute address
    site_name: str = ""  # the publication's name as the page states it (og:site_name …)
    title_raw: str = ""  # the <title> element as written, for learning the site's suffix

    @property
    def see_also(self) -> tuple[SeeAlso, ...]:
        return tuple(SeeAlso(b.title) for b in self.blocks if isinstance(b, SeeAlsoBlock))


def split_credit(caption: str) -> tuple[str, str]:
    """Split «… في فبراير 2022. توم برينر/رويترز» into caption and credit.

    A credit is the short tail after the caption's last sentence: a
    «name/agency» pair or a bare agency. Without a sentence break, a trailing
    «First Last/Agency» is taken; anything else is all caption.
    """
    caption = clean_line(caption)
    ends = list(_SENTENCE_END_RE.finditer(caption))
    if ends:
        head, tail = caption[: ends[-1].end()], caption[ends[-1].end() :].strip()
        if tail and _looks_like_credit(tail):
            return head.strip(), tail
    match = re.search(r"(?:^|\s)(\S+\s+\S+/\S+(?:\s+\S+)?)$", caption)
    if match and _looks_like_credit(match.group(1)):
        return caption[: match.start(1)].strip(), match.group(1)
    return caption, ""


def _looks_like_credit(tail: str) -> bool:
    words = tail.split()
    if not words or len(words) > 7 or tail[-1] in ".،,:؛":
        return False
    return "/" in tail or bool(_AGENCY_RE.search(tail)) or bool(_CREDIT_LABEL_RE.match(tail))


def strip_site_name(text: str, site_name: str = SITE_NAME) -> str:
    """Drop the site's signature from either end of a summary or title
    («… الأمن القومي. خَبَرَيْن.», «خبرين | العنوان»)."""
    text = clean_line(text)
    key = fold(site_name)
    words = text.split(" ")
    for cut in range(1, min(4, len(words)) + 1):
        tail = " ".join(words[-cut:])
        if fold(tail) == key:
            return " ".join(words[:-cut]).rstrip(" -|–—:")
    for sep in (" | ", " - ", " – ", " — ", ": "):
        head, _, tail = text.rpartition(sep)
        if head and fold(tail) == key:
            return head.strip()
        head, found, tail = text.partition(sep)
        if found and tail and fold(head) == key:
            return tail.strip()
    return text


def is_related_heading(line: str) -> bool:
    return len(line) < 40 and fold(line) in RELATED_HEADINGS
