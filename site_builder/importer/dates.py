"""Finding an article's publication date in what the page says.

Arabic pages write months in two families (Egyptian «فبراير», Levantine
«شباط», and the Maghreb's «فيفري») and digits in two scripts; every form is
folded first so one table of month names serves them all.
"""

from __future__ import annotations

import datetime as dt
import re

from ..text import fold, fold_letters

_MONTH_NAMES = {
    1: ("يناير", "كانون الثاني", "جانفي"),
    2: ("فبراير", "شباط", "فيفري"),
    3: ("مارس", "آذار"),
    4: ("أبريل", "ابريل", "نيسان", "أفريل"),
    5: ("مايو", "أيار", "ماي"),
    6: ("يونيو", "يونيه", "حزيران", "جوان"),
    7: ("يوليو", "يوليه", "تموز", "جويلية"),
    8: ("أغسطس", "آب", "أوت"),
    9: ("سبتمبر", "أيلول"),
    10: ("أكتوبر", "تشرين الأول"),
    11: ("نوفمبر", "تشرين الثاني"),
    12: ("ديسمبر", "كانون الأول"),
}
_MONTHS = {fold(name): num for num, names in _MONTH_NAMES.items() for name in names}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
# Day, month name, year: «18 فبراير 2025», «١٨ شباط ٢٠٢٥» (after folding).
_WORDY_DATE_RE = re.compile(rf"\b(\d{{1,2}}) (?:من )?({_MONTH_ALT}) (?:عام |سنه )?(\d{{4}})\b")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAYS = ("السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه")
_DATELINE_LABEL_RE = re.compile(r"^(?:تاريخ النشر|نشر في|نشر|اخر تحديث|تحديث|بتاريخ)\s*[:：]?\s*")


def full_dates(text: str) -> list[dt.date]:
    """Every complete date (day, month name, year) that the text mentions, in order."""
    found = []
    for match in _WORDY_DATE_RE.finditer(fold(text)):
        day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
        found.extend(_valid(year, month, day))
    return found


def dateline(line: str) -> dt.date | None:
    """The date of a line that is only a date, or a «نشر في: …» label with one.

    A date inside a sentence is a mention, not the publication date, so it
    does not count here.
    """
    folded = " ".join(fold_letters(line).casefold().replace("،", " ").replace(",", " ").split())
    rest = _DATELINE_LABEL_RE.sub("", folded).strip()
    for day in _WEEKDAYS:
        rest = rest.removeprefix(day).strip(" -–|:")
    if not rest or len(rest.split()) > 6:
        return None
    wordy = _WORDY_DATE_RE.match(rest)
    if wordy and _is_only_date(rest, wordy.end()):
        return next(iter(_valid(int(wordy.group(3)), _MONTHS[wordy.group(2)], int(wordy.group(1)))), None)
    numeric = _NUMERIC_DATE_RE.match(rest)
    if numeric and _is_only_date(rest, numeric.end()):
        groups = numeric.groups()
        y, m, d = (groups[3], groups[4], groups[5]) if groups[3] else (groups[2], groups[1], groups[0])
        return next(iter(_valid(int(y), int(m), int(d))), None)
    return None


def _is_only_date(rest: str, end: int) -> bool:
    """What follows the date is at most a time of day («10 30 ص»)."""
    return re.fullmatch(r"[\s\-–|]*(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[صم]|am|pm))?)?\s*", rest[end:]) is not None


def parse_iso(value: str) -> dt.date | dt.datetime | None:
    """An ISO 8601 date or datetime from a meta tag or JSON-LD; None if it is not one."""
    value = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _valid(year: int, month: int, day: int) -> list[dt.date]:
    try:
        return [dt.date(year, month, day)]
    except ValueError:
        return []
