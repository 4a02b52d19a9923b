"""Arabic text handling shared by the importer, the builder and search.

One place decides what "the same word" and "a clean title" mean, so that a
see-also line matched at build time uses exactly the rules the importer used
when it wrote the slug.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from functools import lru_cache

# Bidi controls (LRM, RLM, ALM, embeddings/overrides, isolates) and zero-width
# junk (ZWSP, ZWNJ, ZWJ, word joiner, BOM) that scraped pages carry invisibly.
_INVISIBLE = (
    "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff\u00ad"
)
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_BODY_JUNK_RE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile(r"\s+")
# Arabic combining marks: tashkeel (064B-065F), superscript alef (0670),
# Quranic annotation marks (06D6-06ED) and the small high marks (0610-061A).
_TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_LETTER_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "ء",
        "ئ": "ء",
        "ک": "ك",
        "ی": "ي",
    }
)
_DIGIT_FOLD = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

SEE_ALSO_LABEL = "شاهد ايضاً"
# «شاهد ايضاً:», «شاهد أيضا:», «اقرأ أيضاً:» … a label, a colon, then the title.
_SEE_ALSO_RE = re.compile(r"^\s*(?:شاهد|اقرأ|إقرأ|اقرا)\s+[اأإ]يض[اًا]+\s*[:：]\s*(?P<title>.+)$")


def _mark_ranges() -> str:
    """A character class of the combining marks (Unicode Mn, Mc, Me) of the BMP: a Thai or
    Hindi vowel sign belongs to its word, though Python's \\w does not take it in."""
    marks = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")]
    ranges: list[tuple[int, int]] = []
    for c in marks:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


# A word: letters and digits, with the marks written on them (Arabic tashkeel is dropped first).
_WORD_RE = re.compile(f"(?:[^\\W_]|[{_mark_ranges()}])+")
_FOLD_TABLE: dict[int, int | str | None] = {
    **{ord(c): None for c in _INVISIBLE + TATWEEL},
    **{c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))},
    **{c: None for c in (*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE))},
    **_LETTER_FOLD,
    **_DIGIT_FOLD,
}

ARABIC_MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)


def clean_line(text: str) -> str:
    """NFC, no invisible controls, single spaces, trimmed: for titles and metadata."""
    return _normalise(text, _INVISIBLE_RE)


def clean_block(text: str) -> str:
    """Running text: like clean_line, but bidi marks and ZWNJ/ZWJ stay.

    In body text those characters carry meaning (mixed-direction numbers,
    Persian word shapes); the article's words must come through as written.
    """
    return _normalise(text, _BODY_JUNK_RE)


def _normalise(text: str, junk: re.Pattern[str]) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub("", junk.sub("", text))
    return _SPACE_RE.sub(" ", text).strip()


def strip_tashkeel(text: str) -> str:
    """Drop vowel marks and tatweel; the letters stay."""
    return _TASHKEEL_RE.sub("", text).replace(TATWEEL, "")


def fold_letters(text: str) -> str:
    """Unify spellings letter by letter, keeping punctuation: see fold()."""
    return strip_tashkeel(clean_line(text)).translate(_LETTER_FOLD).translate(_DIGIT_FOLD)


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """The comparison key for Arabic text: two spellings of one phrase fold equal.

    Removes tashkeel and tatweel, unifies alef forms, ta marbuta/ha, alef
    maqsura/ya and hamza seats, maps Arabic-Indic digits to Latin, lowercases
    Latin and collapses punctuation and spacing. Cached: a build folds the same
    titles again and again (see-also lines, related items, every rebuild of `serve`).
    """
    return " ".join(fold_words(text))


def fold_words(text: str) -> list[str]:
    """fold() as a list of words, in one translate pass: the search index runs it on every body."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).casefold())


def slugify(text: str, max_length: int = 80) -> str:
    """A URL path segment: Arabic letters kept, marks gone, never empty or a dot path.

    Tashkeel and tatweel are removed *before* splitting into words, so a vowel
    mark never breaks a word in two (python-slugify's mistake).
    """
    base = strip_tashkeel(clean_line(text)).translate(_DIGIT_FOLD).casefold()
    words = re.findall(r"\w+", base)
    slug = "-".join(w.replace("_", "-") for w in words).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if not slug or set(slug) <= {"-", "."}:
        return "a-" + short_hash(text)
    return slug


def short_hash(text: str, length: int = 10) -> str:
    """A stable short hex digest, for fallback slugs and unique suffixes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def arabic_date(day: dt.date) -> str:
    """«18 فبراير 2025»: the form the mirrored site prints dates in."""
    return f"{day.day} {ARABIC_MONTHS[day.month - 1]} {day.year}"


def see_also_title(line: str) -> str | None:
    """The linked title of a «شاهد ايضاً: …» line, or None for any other line.

    The importer writes see-also links in this form and the renderer turns
    them into links, so both read it through this one function.
    """
    match = _SEE_ALSO_RE.match(line)
    return clean_line(match.group("title")) if match else None
