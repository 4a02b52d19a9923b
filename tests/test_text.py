"""Arabic normalisation: one set of rules for slugs, matching and dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from site_builder.text import arabic_date, clean_line, fold, slugify


def test_slug_drops_tashkeel_and_tatweel_without_splitting_words():
    assert slugify("الدِّبلومـــاسيّ الرُّوسيّ") == "الدبلوماسي-الروسي"


def test_slug_never_empty_or_a_path():
    for text in ("", "...", "../..", "/", "\u200f\u202e", "؟!"):
        slug = slugify(text)
        assert slug and "/" not in slug and slug not in (".", "..") and not slug.startswith(".")


@given(st.text())
def test_slug_is_always_a_safe_segment(text):
    slug = slugify(text)
    assert slug and "/" not in slug and "\\" not in slug and "." not in slug
    assert all(ch.isprintable() for ch in slug) and len(slug) <= 80


def test_fold_unifies_spellings():
    assert fold("إعادة تقسيم الدوائر الانتخابية") == fold("اعاده تقسيم الدوائر الإنتخابيّة")
    assert fold("مستشفى  الأطفال") == fold("مستشفي الاطفال")
    assert fold("عام ٢٠٢٥") == fold("عام 2025")


def test_clean_line_strips_invisible_controls_keeps_tashkeel():
    assert clean_line("\u200f\u202bخَبَرَيْن\u202c\u200b ") == "خَبَرَيْن"


def test_arabic_date():
    assert arabic_date(dt.date(2025, 2, 18)) == "18 فبراير 2025"
