"""Text-dump import rules, each on a small page of its own."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import yaml
from conftest import run_cli
from markdown_it import MarkdownIt
from pages import text_dump

from site_builder.errors import SiteError
from site_builder.importer.page import Heading, Paragraph, split_credit
from site_builder.importer.textdump import parse


def _import(tmp_path, name: str, data: bytes, *extra: str):
    src = tmp_path / "mirror"
    src.mkdir(parents=True, exist_ok=True)
    (src / name).write_bytes(data)
    out = tmp_path / "content"
    result = run_cli("import", str(src / name), "--out", str(out), *extra)
    return result, out


def _only(out):
    (path,) = out.glob("*.md")
    _, matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter), body


def test_crlf_and_cr_line_ends_import_like_lf(tmp_path):
    page = text_dump()
    for name, data in (("crlf.txt", page.replace("\n", "\r\n")), ("cr.txt", page.replace("\n", "\r"))):
        result, out = _import(tmp_path / name, name, data.encode("utf-8"))
        assert result.returncode == 0, result.stderr
        meta, body = _only(out)
        assert meta["title"] == "فوز مثير للمنتخب في التصفيات الآسيوية"
        assert "\r" not in body and "## أجواء المباراة" in body


@pytest.mark.parametrize("codec", ["utf-8-sig", "cp1256", "iso8859_6"])
def test_legacy_encodings_and_bom(tmp_path, codec):
    page = text_dump(title="ارتفاع أسعار النفط في الأسواق العالمية", category="اقتصاد")
    if codec == "iso8859_6":  # ISO-8859-6 has no tashkeel-free «خَبَرَيْن» marks or «ً»
        page = page.replace("خَبَرَيْن", "خبرين").replace("اً", "ا").replace("أداءً", "أداء")
    result, out = _import(tmp_path, "page.txt", page.encode(codec))
    assert result.returncode == 0, result.stderr
    meta, _ = _only(out)
    assert meta["title"] == "ارتفاع أسعار النفط في الأسواق العالمية"
    assert meta["category"] == "اقتصاد"


def test_page_without_images_or_related_block():
    page = parse(text_dump(menu=False), "p.txt")
    assert page.images == () and page.related == ()
    assert page.category == "رياضة"
    assert [type(b) for b in page.blocks] == [Heading, Paragraph, Paragraph]


def test_images_pair_alt_and_caption_with_agency_credit():
    page = parse(
        text_dump(
            images=(
                ("لاعبون يحتفلون بالهدف", "لاعبو المنتخب يحتفلون بالهدف الثاني في الرياض. Getty Images"),
                ("المدرب على خط التماس", "المدرب يوجه لاعبيه خلال الشوط الأول. محمد علي/أسوشيتد برس"),
            )
        ),
        "p.txt",
    )
    assert [(i.alt, i.caption, i.credit) for i in page.images] == [
        ("لاعبون يحتفلون بالهدف", "لاعبو المنتخب يحتفلون بالهدف الثاني في الرياض.", "Getty Images"),
        ("المدرب على خط التماس", "المدرب يوجه لاعبيه خلال الشوط الأول.", "محمد علي/أسوشيتد برس"),
    ]


def test_caption_without_credit_keeps_all_its_words():
    assert split_credit("صورة أرشيفية للملعب قبل الافتتاح.") == ("صورة أرشيفية للملعب قبل الافتتاح.", "")


def test_related_cards_with_and_without_image_alt():
    page = parse(
        text_dump(
            related=(
                ("صورة من الملعب", "المنتخب يستعد للنهائي", "يستعد المنتخب للمباراة النهائية.", "رياضة"),
                ("", "قمة اقتصادية في الرياض", "تنطلق القمة الاقتصادية الأسبوع المقبل.", "اقتصاد"),
            )
        ),
        "p.txt",
    )
    assert [(r.title, r.category, r.image_alt) for r in page.related] == [
        ("المنتخب يستعد للنهائي", "رياضة", "صورة من الملعب"),
        ("قمة اقتصادية في الرياض", "اقتصاد", ""),
    ]


def test_hostile_title_is_cleaned_but_keeps_tashkeel(tmp_path):
    title = "\u202eعَاجِل\u200b:\u200f  انتخابات\u2066 البلدية\u2069 \u200dتبدأ\ufeff"
    result, out = _import(tmp_path, "p.txt", text_dump(title=title).encode("utf-8"))
    assert result.returncode == 0, result.stderr
    meta, _ = _only(out)
    assert meta["title"] == "عَاجِل: انتخابات البلدية تبدأ"
    assert meta["slug"] == "عاجل-انتخابات-البلدية-تبدأ"


def test_markup_in_text_is_kept_as_text_never_run(tmp_path):
    paragraph = 'عرض الموقع الرمز <script>alert("x")</script> و*نجمة* و[قوس] و# علامة & رمز.'
    body = ("تفاصيل الحادثة", paragraph, "1. هذا ليس بنداً في قائمة.", "- ولا هذا.")
    result, out = _import(tmp_path, "p.txt", text_dump(body=body).encode("utf-8"))
    assert result.returncode == 0, result.stderr
    _, markdown = _only(out)
    html = MarkdownIt("js-default").render(markdown)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<ol" not in html and "<ul" not in html and "<em>" not in html
    assert "*نجمة*" in html and "[قوس]" in html and "1. هذا ليس" in html


def test_yaml_trap_values_stay_strings(tmp_path):
    result, out = _import(tmp_path, "p.txt", text_dump(title="no", category="1:20", summary="012").encode())
    assert result.returncode == 0, result.stderr
    meta, _ = _only(out)
    assert (meta["title"], meta["category"], meta["summary"]) == ("no", "1:20", "012")


def test_dateline_gives_a_text_date():
    body = ("الأحد 9 مارس 2025", "قال مسؤولون في 1 يناير 2030 إن الخطة ستكتمل.")
    page = parse(text_dump(body=body), "p.txt")
    assert page.date is not None and (page.date.value, page.date.source) == (dt.date(2025, 3, 9), "text")
    assert all(isinstance(b, Paragraph) for b in page.blocks)


def test_levantine_month_and_arabic_indic_digits_are_inferred(tmp_path):
    body = ("افتتح المعرض في ٣ شباط ٢٠٢٤ واستمر حتى ١٥ آذار ٢٠٢٤ بمشاركة واسعة.",)
    _, out = _import(tmp_path, "p.txt", text_dump(body=body).encode())
    meta, _ = _only(out)
    assert (meta["date"], meta["date_source"]) == (dt.date(2024, 3, 15), "inferred")


def test_date_flag_wins_and_file_time_is_last_resort(tmp_path):
    body = ("قال المدرب إن الفريق قدم أداءً رائعاً.",)
    result, out = _import(tmp_path / "a", "p.txt", text_dump(body=body).encode(), "--date", "2024-01-05")
    assert _only(out)[0]["date"] == dt.date(2024, 1, 5) and _only(out)[0]["date_source"] == "cli"
    src = tmp_path / "b" / "mirror" / "p.txt"
    src.parent.mkdir(parents=True)
    src.write_text(text_dump(body=body))
    stamp = dt.datetime(2023, 7, 1, 12, tzinfo=dt.UTC).timestamp()
    os.utime(src, (stamp, stamp))
    result = run_cli("import", str(src), "--out", str(tmp_path / "b" / "content"))
    meta, _ = _only(tmp_path / "b" / "content")
    assert (meta["date"], meta["date_source"]) == (dt.date(2023, 7, 1), "file")
    assert "file's time" in result.stderr


def test_parse_errors_name_the_line():
    with pytest.raises(SiteError) as err:
        parse(text_dump(body=("عنوان فقط",)), "x.txt")
    assert "no body" in str(err.value) and str(err.value).startswith("x.txt:")
