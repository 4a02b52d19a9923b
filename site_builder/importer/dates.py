"""Reading dates as pages write them: machine forms (ISO 8601, RFC 2822, "20 Nov 2019
08:02 GMT") and human ones in Arabic, English, French and Spanish.

Arabic pages write months in three families (Egyptian «فبراير», Levantine «شباط»,
the Maghreb's «فيفري») and often two at once («28 آب/اغسطس 2013», «24 نيسان /
أبريل 2020»), with digits in two scripts. Every form is folded first (see
text.fold), so one table of month names serves them all. A Hijri date printed
beside the Gregorian one («12 رمضان 1441 هـ») names no month of the table and a
year outside the Gregorian range, so it is never read as one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from urllib.parse import unquote, urlsplit

from ..text import fold

_MONTH_NAMES = {
    1: ("يناير", "كانون الثاني", "جانفي", "january", "jan", "janvier", "enero", "januar"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "february", "feb", "février", "fevrier", "febrero", "februar"),
    3: ("مارس", "آذار", "march", "mar", "mars", "marzo", "märz"),
    4: ("أبريل", "ابريل", "نيسان", "أفريل", "ابريل", "april", "apr", "avril", "abril"),
    5: ("مايو", "أيار", "ماي", "may", "mai", "mayo"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "june", "jun", "juin", "junio", "juni"),
    7: ("يوليو", "يوليه", "تموز", "جويلية", "يوليوز", "july", "jul", "juillet", "julio", "juli"),
    8: ("أغسطس", "اغسطس", "آب", "أوت", "غشت", "august", "aug", "août", "aout", "agosto"),
    9: ("سبتمبر", "أيلول", "شتنبر", "september", "sep", "sept", "septembre", "septiembre"),
    10: ("أكتوبر", "تشرين الأول", "اكتوبر", "october", "oct", "octobre", "octubre", "oktober"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر", "november", "nov", "novembre", "noviembre"),
    12: ("ديسمبر", "كانون الأول", "دجنبر", "december", "dec", "décembre", "decembre", "diciembre", "dezember"),
}
_MONTHS = {fold(name): num for num, names in _MONTH_NAMES.items() for name in names}
MONTH_WORDS = frozenset(w for m in _MONTHS for w in m.split())
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# «18 فبراير 2025», «28 اب اغسطس 2013» (after folding: the slash is gone), «20 nov 2019».
_DAY_MONTH_YEAR_RE = re.compile(
    rf"\b(\d{{1,2}}) (?:من |de )?({_MONTH_ALT})(?: ({_MONTH_ALT}))?(?: de)?(?: عام| سنه)? (\d{{4}})\b(?! ه\b)"
)
# «November 20, 2019», «Nov 20 2019».
_MONTH_DAY_YEAR_RE = re.compile(rf"\b({_MONTH_ALT}) (\d{{1,2}})(?: st| nd| rd| th)? (\d{{4}})\b")
_NUMERIC_DMY_RE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b(?!\s*هـ)")
_NUMERIC_YMD_RE = re.compile(r"\b(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\b")
_WEEKDAYS = (
    "السبت",
    "الاحد",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
)
_DATELINE_LABEL_RE = re.compile(
    r"^(?:تاريخ النشر|تاريخ الخبر|نشر في|نشر بتاريخ|نشر يوم|نشرت? في|تم نشره?|نشر|اخر تحديث|تم النشر|تحديث|"
    r"بتاريخ|published|posted|updated|"
    r"published on|posted on|last updated|date|publie le|mis a jour le)\s*(?:on\s*)?"
)
_TIME_RE = re.compile(
    r"^\s*(?:at |a |-|–|\|)?\s*\d{1,2} \d{2}(?: \d{2})?(?: ?(?:am|pm|ص|م|صباحا|مساء|gmt|utc|"
    r"[a-z]{2,4}t|[a-z]{3}))*\s*$"
)
# "… 2:26 PM HST - Updated November 18 at 4:46 PM": the update stated after the date.
_UPDATED_AFTER_RE = re.compile(r"\s(?:updated|اخر تحديث|تحديث|mis a jour|actualizado)\b.*$")
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[/_-](\d{1,2})[/_-](\d{1,2})(?:/|[_-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})/")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_YEARS = range(1900, 2101)


def parse_iso(value: str) -> dt.date | dt.datetime | None:
    """An ISO 8601 date or datetime from a meta tag or JSON-LD; None if it is not one."""
    value = value.strip()
    if not _ISO_RE.match(value):
        return None
    if len(value) == 10:
        return _date_or_none(value)
    text = value.replace("Z", "+00:00").replace(" ", "T", 1)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0200 → +02:00
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return _date_or_none(value[:10])
    return when if when.year in _YEARS else None


def _date_or_none(text: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.year in _YEARS else None


def parse_stated(value: str) -> dt.date | dt.datetime | None:
    """A date as metadata states it: ISO first, then RFC 2822 ("Wed, 20 Nov 2019 08:02:00 GMT"),
    then any written form («20 Nov 2019 08:02 GMT», «24 نيسان / أبريل 2020»)."""
    value = value.strip()
    if not value:
        return None
    found = parse_iso(value)
    if found is not None:
        return found
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        when = None
    if when is not None and when.year in _YEARS:
        return when
    return first_date(value)


def first_date(text: str) -> dt.date | None:
    """The first complete date that a short text writes, in any of the forms above."""
    folded = _fold_date_text(text)
    found = [
        (m.start(), m)
        for m in (
            _DAY_MONTH_YEAR_RE.search(folded),
            _MONTH_DAY_YEAR_RE.search(folded),
            _NUMERIC_YMD_RE.search(folded),
            _NUMERIC_DMY_RE.search(folded),
        )
        if m
    ]
    for _, match in sorted(found, key=lambda item: item[0]):
        day = _from_match(match)
        if day is not None:
            return day
    return None


def full_dates(text: str) -> list[dt.date]:
    """Every complete date with a month name that the text mentions, in order."""
    folded = _fold_date_text(text)
    days = (_from_match(m) for m in (*_DAY_MONTH_YEAR_RE.finditer(folded), *_MONTH_DAY_YEAR_RE.finditer(folded)))
    return [d for d in days if d is not None]


def dateline(line: str) -> dt.date | None:
    """The date of a line that is only a date (a label, a weekday and a time may stand
    around it: «نشر في: الاثنين 24 أغسطس 2020 - 10:30 م»). A date inside a sentence is a
    mention, not the publication date, so it does not count here."""
    rest = _UPDATED_AFTER_RE.sub("", _DATELINE_LABEL_RE.sub("", _fold_date_text(line))).strip()
    for _ in range(2):
        for day in _WEEKDAYS:
            if rest.startswith(day + " ") or rest == day:
                rest = rest[len(day) :].strip()
    if not rest or len(rest.split()) > 10:
        return None
    for pattern in (_DAY_MONTH_YEAR_RE, _MONTH_DAY_YEAR_RE, _NUMERIC_YMD_RE, _NUMERIC_DMY_RE):
        match = pattern.match(rest)
        if match and _only_time_after(rest[match.end() :]):
            return _from_match(match)
    return None


def date_in_url(url: str) -> dt.date | None:
    """/2020/08/24/, /2020-08-24-title, /20200824/ in a page's address."""
    match = _URL_DATE_RE.search(unquote(urlsplit(url).path))
    if not match:
        return None
    g = match.groups()
    year, month, day = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
    return _valid(int(year), int(month), int(day))


def _fold_date_text(text: str) -> str:
    """fold() keeps words and digits; «١٨ شباط ٢٠٢٥» → «18 شباط 2025», punctuation to spaces,
    except the separators of numeric dates, kept by folding each digit group apart."""
    text = re.sub(r"(\d)\s*([/.-])\s*(\d)", r"\1\2\3", text.translate(_DIGITS))
    parts = re.split(r"(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4})", text)
    return " ".join(p if i % 2 else fold(p) for i, p in enumerate(parts) if p.strip()).replace("هـ", "ه")


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _only_time_after(rest: str) -> bool:
    return not rest.strip() or _TIME_RE.match(rest) is not None


def _from_match(match: re.Match[str]) -> dt.date | None:
    pattern, g = match.re, match.groups()
    if pattern is _DAY_MONTH_YEAR_RE:
        return _valid(int(g[3]), _MONTHS[g[1]], int(g[0]))
    if pattern is _MONTH_DAY_YEAR_RE:
        return _valid(int(g[2]), _MONTHS[g[0]], int(g[1]))
    if pattern is _NUMERIC_YMD_RE:
        return _valid(int(g[0]), int(g[1]), int(g[2]))
    return _valid(int(g[2]), int(g[1]), int(g[0]))


def _valid(year: int, month: int, day: int) -> dt.date | None:
    if year not in _YEARS:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
