"""HTML page import rules, each on a small saved page of its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.errors import SiteError
from site_builder.importer.decode import decode
from site_builder.importer.htmlpage import declared_charset, looks_like_html, parse
from site_builder.importer.page import Heading, Markup, Paragraph, ParsedPage, SeeAlsoBlock

HOST = "khabarain.example"
TITLE = "افتتاح أكبر محطة لتحلية المياه في المنطقة"
BODY = """
<p>افتتحت الحكومة صباح اليوم أكبر محطة لتحلية مياه البحر في المنطقة
بطاقة إنتاجية تبلغ نصف مليون متر مكعب يومياً.</p>
<p>وقال وزير المياه خلال حفل الافتتاح إن المحطة ستغطي احتياجات أكثر من مليوني نسمة في المدن الساحلية.</p>
"""


def page(body: str = BODY, head: str = "", title: str = TITLE) -> str:
    """A saved article page: site header and footer around one <article>."""
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{title} | خَبَرَيْن</title>{head}</head>
<body>
<header><a class="logo" href="/">خَبَرَيْن</a></header>
<main><article><h1>{title}</h1>{body}</article></main>
<footer><p>جميع الحقوق محفوظة لموقع خَبَرَيْن</p></footer>
</body></html>"""


def read(tmp_path: Path, html: str, rel: str = f"{HOST}/local/2025/03/desalination.html") -> ParsedPage:
    """Save `html` into a wget-style mirror under tmp_path and parse it as the importer does."""
    mirror = tmp_path / "mirror"
    file = mirror / rel
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(html, encoding="utf-8")
    return parse(file.read_text(encoding="utf-8"), str(file), file, mirror)


def paragraphs(parsed: ParsedPage) -> list[str]:
    return [b.text for b in parsed.blocks if isinstance(b, Paragraph)]


def all_text(parsed: ParsedPage) -> str:
    texts = [getattr(b, "text", "") or getattr(b, "title", "") for b in parsed.blocks]
    return "\n".join([parsed.title, parsed.summary, *texts])


# --- detection and charset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        "<!DOCTYPE html><html><body><p>نص</p></body></html>",
        "\ufeff\n  <html lang='ar'><head><title>عنوان</title></head></html>",
        "<!-- Mirrored from khabarain.example/a.html by HTTrack -->\n<html><body></body></html>",
        "<article><h1>عنوان الخبر</h1><p>نص الخبر</p></article>",
    ],
)
def test_html_is_recognised_by_its_markup(start):
    assert looks_like_html(start)


@pytest.mark.parametrize(
    "text",
    [
        "خَبَرَيْن logo\n\nعنوان الخبر\n\nنص يذكر الوسم <html> في منتصفه",
        "التصنيف:سياسة\nشارك الخبر:",
        "",
    ],
)
def test_text_dumps_are_not_html(text):
    assert not looks_like_html(text)


@pytest.mark.parametrize(
    ("meta", "codec"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', "cp1256"),
        ("<meta charset='Windows-1256'>", "cp1256"),
        ('<meta charset="ISO-8859-6">', "iso8859_6"),
        ('<meta charset="utf-8">', "utf-8"),
        ('<meta charset="klingon-1">', None),
        ("", None),
    ],
)
def test_declared_charset_of_a_cp1256_page(meta, codec):
    html = page().replace('<meta charset="utf-8">', meta)
    raw = html.replace("خَبَرَيْن", "خبرين").encode("cp1256")
    assert declared_charset(raw[:4096]) == codec
    if codec == "cp1256":
        assert raw.decode(codec) == html.replace("خَبَرَيْن", "خبرين")


# --- metadata -------------------------------------------------------------------------------------------


def test_meta_tags_give_title_date_section_and_summary(tmp_path):
    head = """
    <meta property="og:title" content="محطة تحلية جديدة تدخل الخدمة | خَبَرَيْن">
    <meta name="description" content="دخلت محطة تحلية جديدة الخدمة في المدن الساحلية. خَبَرَيْن.">
    <meta property="article:published_time" content="2025-03-12T09:30:00+03:00">
    <meta property="article:section" content="اقتصاد">"""
    html = page(head=head).replace(f"<h1>{TITLE}</h1>", "")
    parsed = read(tmp_path, html)
    assert parsed.title == "محطة تحلية جديدة تدخل الخدمة"
    assert parsed.summary == "دخلت محطة تحلية جديدة الخدمة في المدن الساحلية."
    assert parsed.category == "اقتصاد"
    assert parsed.date is not None and parsed.date.source == "meta"
    assert parsed.date.value == dt.datetime(2025, 3, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert paragraphs(parsed)[0].startswith("افتتحت الحكومة")


def test_h1_wins_over_og_title_and_title(tmp_path):
    head = '<meta property="og:title" content="عنوان مختصر للمشاركة">'
    parsed = read(tmp_path, page(head=head))
    assert parsed.title == TITLE


@pytest.mark.parametrize(
    "title", ["خبرين | ارتفاع منسوب مياه النهر", "ارتفاع منسوب مياه النهر - خبرين", "ارتفاع منسوب مياه النهر | خَبَرَيْن"]
)
def test_title_element_without_site_name(tmp_path, title):
    html = f"<html><head><title>{title}</title></head><body><div>{BODY}</div></body></html>"
    assert read(tmp_path, html).title == "ارتفاع منسوب مياه النهر"


JSON_LD_PLAIN = """{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "افتتاح محطة التحلية", "datePublished": "2025-02-03", "articleSection": "اقتصاد"}"""
JSON_LD_GRAPH = """{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "datePublished": "2020-01-01"},
  {"@type": ["NewsArticle"], "datePublished": "2025-02-03T08:00:00Z", "articleSection": ["اقتصاد", "مياه"]},
]}"""


@pytest.mark.parametrize("ld", [JSON_LD_PLAIN, JSON_LD_GRAPH, f"[{JSON_LD_PLAIN}]"])
def test_json_ld_date_and_section(tmp_path, ld):
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
    head = f'{broken}<script type="application/ld+json">{ld}</script>'
    parsed = read(tmp_path, page(head=head))
    assert parsed.category == "اقتصاد"
    assert parsed.date is not None and parsed.date.source == "meta"
    assert parsed.date.value in (dt.date(2025, 2, 3), dt.datetime(2025, 2, 3, 8, 0, tzinfo=dt.UTC))
    assert any("broken JSON-LD" in w for w in parsed.warnings)


def test_time_element_then_dateline_in_text(tmp_path):
    timed = read(tmp_path, page(body='<time datetime="2025-01-20">٢٠ يناير ٢٠٢٥</time>' + BODY))
    assert timed.date is not None and (timed.date.value, timed.date.source) == (dt.date(2025, 1, 20), "meta")
    dated = read(tmp_path, page(body="<p>نشر في: الاثنين 20 يناير 2025</p>" + BODY))
    assert dated.date is not None and (dated.date.value, dated.date.source) == (dt.date(2025, 1, 20), "text")
    assert not any("يناير" in p for p in paragraphs(dated))
    undated = read(tmp_path, page())
    assert undated.date is None


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ('<nav class="breadcrumb"><a href="/">الرئيسية</a> <a href="/eco/" rel="tag">اقتصاد</a></nav>', "اقتصاد"),
        ('<span class="post-category"><a href="/health/">صحة</a></span>', "صحة"),
        ('<a href="/sport/" rel="category tag">رياضة</a>', "رياضة"),
        ("<p>التصنيف: <a href='/world/'>العالم</a></p>", "العالم"),
    ],
)
def test_category_from_links_and_labels(tmp_path, body, category):
    parsed = read(tmp_path, page(body=body + BODY))
    assert parsed.category == category
    assert paragraphs(parsed) == paragraphs(read(tmp_path, page()))


def test_summary_from_the_lead_paragraph(tmp_path):
    lead = '<p class="lead">محطة عملاقة لتحلية المياه تدخل الخدمة على الساحل.</p>'
    parsed = read(tmp_path, page(body=lead + BODY))
    assert parsed.summary == "محطة عملاقة لتحلية المياه تدخل الخدمة على الساحل."
    assert parsed.summary not in paragraphs(parsed)


# --- images ---------------------------------------------------------------------------------------------

FIGURES = """
<figure><img src="/uploads/2025/03/plant.jpg" alt="محطة التحلية على شاطئ البحر">
  <figcaption>المحطة الجديدة على الساحل الشرقي، مارس 2025. <span class="photo-credit">خالد سعيد/رويترز</span>
  </figcaption></figure>
<figure><img src="/uploads/2025/03/minister.jpg" alt="الوزير يقص شريط الافتتاح">
  <figcaption>وزير المياه خلال حفل الافتتاح يوم الأربعاء. سارة حداد/أ ف ب</figcaption></figure>
"""


def test_figures_with_credit_element_and_split_credit(tmp_path):
    head = f'<link rel="canonical" href="https://{HOST}/local/2025/03/desalination.html">'
    parsed = read(tmp_path, page(body=FIGURES + BODY, head=head))
    first, second = parsed.images
    assert (first.alt, first.caption, first.credit) == (
        "محطة التحلية على شاطئ البحر",
        "المحطة الجديدة على الساحل الشرقي، مارس 2025.",
        "خالد سعيد/رويترز",
    )
    assert first.src is None and first.src_original == f"https://{HOST}/uploads/2025/03/plant.jpg"
    assert second.caption == "وزير المياه خلال حفل الافتتاح يوم الأربعاء."
    assert second.credit == "سارة حداد/أ ف ب"
    assert not any("الساحل الشرقي" in p or "حداد" in p for p in paragraphs(parsed))
    assert parsed.image_files == (None, None)


def test_figure_without_caption_warns(tmp_path):
    parsed = read(tmp_path, page(body='<figure><img src="a.jpg" alt="صورة المحطة"></figure>' + BODY))
    assert parsed.images[0].alt == "صورة المحطة" and parsed.images[0].caption == ""
    (warning,) = [w for w in parsed.warnings if "figure without a caption" in w]
    assert warning.startswith(f"{tmp_path}/mirror/{HOST}/local/2025/03/desalination.html:")


def test_lazy_image_uses_data_src(tmp_path):
    lazy = """<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="خزانات المياه"
        data-src="/uploads/2025/03/tanks.jpg" srcset="/uploads/small.jpg 480w"><figcaption>خزانات المياه
        في المحطة.</figcaption></figure>"""
    srcset = """<figure><img alt="أنابيب" srcset="/uploads/pipes-800.jpg 800w, /uploads/pipes-1600.jpg 1600w">
        <figcaption>أنابيب نقل المياه.</figcaption></figure>"""
    parsed = read(tmp_path, page(body=lazy + srcset + BODY))
    assert [i.src_original for i in parsed.images] == ["/uploads/2025/03/tanks.jpg", "/uploads/pipes-1600.jpg"]


def test_image_file_found_in_wget_mirror(tmp_path):
    mirror = tmp_path / "mirror"
    stored = mirror / HOST / "uploads" / "2025" / "03" / "محطة 1.png"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"\x89PNG\r\n\x1a\n")
    body = """<figure><img src="../../../uploads/2025/03/%D9%85%D8%AD%D8%B7%D8%A9%201.png?ver=3" alt="المحطة">
      <figcaption>المحطة من الجو.</figcaption></figure>
      <figure><img src="/uploads/2025/03/%D9%85%D8%AD%D8%B7%D8%A9%201.png" alt="المحطة مرة أخرى">
      <figcaption>صورة ثانية.</figcaption></figure>
      <figure><img src="https://khabarain.example/uploads/2025/03/missing.jpg" alt="صورة مفقودة">
      <figcaption>صورة لم تحفظ.</figcaption></figure>"""
    parsed = read(tmp_path, page(body=body + BODY))
    found, again, missing = parsed.image_files
    assert found == again == stored.resolve()
    assert found.is_relative_to(mirror.resolve())
    assert missing is None


def test_image_src_cannot_escape_the_mirror(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    body = """<figure><img src="../../../../../secret.png" alt="خروج"><figcaption>صورة.</figcaption></figure>
      <figure><img src="/../../secret.png" alt="محاولة ثانية"><figcaption>صورة.</figcaption></figure>
      <figure><img src="file:///etc/passwd" alt="ملف محلي"><figcaption>صورة.</figcaption></figure>"""
    parsed = read(tmp_path, page(body=body + BODY))
    assert parsed.image_files == (None, None)  # file:/// is no picture of the page: left out


# --- body -----------------------------------------------------------------------------------------------


def test_headings_h2_to_h4_in_document_order(tmp_path):
    body = """<p>مقدمة الخبر عن مشروع المياه.</p><h2>تفاصيل المشروع</h2><p>تكلفة المشروع بلغت مليار دولار.</p>
      <section><h3>مراحل التنفيذ</h3><p>استغرق التنفيذ ثلاث سنوات.</p><h4>المرحلة الأولى</h4>
      <p>بدأت المرحلة الأولى عام 2022.</p></section>"""
    parsed = read(tmp_path, page(body=body))
    assert parsed.blocks == (
        Paragraph("مقدمة الخبر عن مشروع المياه."),
        Heading("تفاصيل المشروع"),
        Paragraph("تكلفة المشروع بلغت مليار دولار."),
        Heading("مراحل التنفيذ", 3),
        Paragraph("استغرق التنفيذ ثلاث سنوات."),
        Heading("المرحلة الأولى", 4),
        Paragraph("بدأت المرحلة الأولى عام 2022."),
    )


def test_see_also_aside_keeps_its_position(tmp_path):
    body = """<p>الفقرة الأولى عن المحطة.</p>
      <aside class="see-also">شاهد ايضاً: <a href="/x.html">ارتفاع استهلاك المياه في فصل الصيف</a></aside>
      <p>الفقرة الثانية عن المحطة.</p><p>اقرأ أيضاً: خطة وطنية لترشيد استهلاك الكهرباء</p>"""
    parsed = read(tmp_path, page(body=body))
    assert parsed.blocks == (
        Paragraph("الفقرة الأولى عن المحطة."),
        SeeAlsoBlock("ارتفاع استهلاك المياه في فصل الصيف"),
        Paragraph("الفقرة الثانية عن المحطة."),
        SeeAlsoBlock("خطة وطنية لترشيد استهلاك الكهرباء"),
    )
    assert [s.title for s in parsed.see_also] == [
        "ارتفاع استهلاك المياه في فصل الصيف",
        "خطة وطنية لترشيد استهلاك الكهرباء",
    ]


def test_see_also_written_as_character_references_is_found(tmp_path):
    # An old page may write its Arabic as «&#1588;…»: its source then holds no «شاهد» to find.
    label = "".join(f"&#{ord(c)};" for c in "شاهد ايضاً")
    body = f"""<p>الفقرة الأولى عن المحطة.</p>
      <aside class="see-also">{label}: <a href="/x.html">ارتفاع استهلاك المياه في فصل الصيف</a></aside>
      <p>الفقرة الثانية عن المحطة.</p>"""
    html = page(body=body).replace("اقرأ", "").replace("شاهد", "")  # no see-also word in the source
    assert "شاهد" not in html
    parsed = read(tmp_path, html)
    assert SeeAlsoBlock("ارتفاع استهلاك المياه في فصل الصيف") in parsed.blocks


def test_see_also_label_with_a_link_does_not_start_a_related_section(tmp_path):
    # «اقرأ أيضاً» alone is also a related-news heading; as the label of one link it is a see-also.
    body = """<p>الفقرة الأولى.</p><p>اقرأ أيضاً: <a href="/x.html">عودة الأمطار إلى المنطقة</a></p>
      <p>الفقرة الثانية.</p><aside><h3>اقرأ أيضاً</h3><a href="/y.html">موسم زراعي واعد</a></aside>
      <p>الفقرة الثالثة.</p>"""
    parsed = read(tmp_path, page(body=body))
    assert parsed.blocks == (
        Paragraph("الفقرة الأولى."),
        SeeAlsoBlock("عودة الأمطار إلى المنطقة"),
        Paragraph("الفقرة الثانية."),
        SeeAlsoBlock("موسم زراعي واعد"),
        Paragraph("الفقرة الثالثة."),
    )
    assert parsed.related == ()


def test_related_cards_inside_and_outside_the_article(tmp_path):
    inside = """<h2>أخبار ذات صلة</h2><ul>
      <li><img src="/a.jpg" alt="سد مائي"><h3><a href="/dam.html">اكتمال بناء السد الجديد</a></h3>
        <p>اكتمل بناء السد بعد أربع سنوات من العمل.</p><span>اقتصاد</span></li>
      <li><h3><a href="/rain.html">أمطار غزيرة على المناطق الشمالية</a></h3>
        <p>توقعات بهطول أمطار.</p></li></ul>"""
    outside = """<section class="related-posts"><h2>قد يهمك</h2>
      <div class="card"><a href="/c.html"><img src="/c.jpg" alt="ملعب"></a><h4>المنتخب يستعد للبطولة</h4>
        <p>بدأ المنتخب معسكره التدريبي.</p><a class="card-category" href="/s/">رياضة</a></div></section>"""
    html = page(body=BODY + inside).replace("</main>", "</main>" + outside)
    parsed = read(tmp_path, html)
    assert [(r.title, r.summary, r.category, r.image_alt) for r in parsed.related] == [
        ("اكتمال بناء السد الجديد", "اكتمل بناء السد بعد أربع سنوات من العمل.", "اقتصاد", "سد مائي"),
        ("أمطار غزيرة على المناطق الشمالية", "توقعات بهطول أمطار.", "", ""),
        ("المنتخب يستعد للبطولة", "بدأ المنتخب معسكره التدريبي.", "رياضة", "ملعب"),
    ]
    text = all_text(parsed)
    assert "السد" not in text and "المنتخب" not in text and "ذات صلة" not in text
    assert len(paragraphs(parsed)) == 2


def test_scripts_styles_nav_share_and_ads_are_dropped(tmp_path):
    body = (
        """<nav><a href="/">الرئيسية</a><a href="/sport/">قائمة الأقسام</a></nav>
      <style>.x { content: "نص الأنماط"; }</style>
      <script>var note = "نص البرنامج";</script><noscript>فعّل جافاسكربت</noscript>
      <div class="share-buttons"><span>شارك الخبر:</span><a href="#">فيسبوك</a></div>
      <div class="ad-slot">إعلان ممول</div><div id="newsletter_box"><p>اشترك في النشرة</p></div>
      <p>نص أول <span class="advertisement">رابط دعائي</span>عن المحطة.</p>
      <iframe src="https://video.example/embed">مقطع مضمّن</iframe><button>اطبع</button>
      <div class="comments"><p>تعليق القارئ الأول</p></div><template><p>قالب مخفي</p></template>
      <p hidden>فقرة مخفية</p><svg><text>رسم</text></svg>"""
        + BODY
    )
    parsed = read(tmp_path, page(body=body))
    text = all_text(parsed)
    for junk in (
        "الرئيسية",
        "قائمة الأقسام",
        "نص الأنماط",
        "نص البرنامج",
        "جافاسكربت",
        "شارك",
        "فيسبوك",
        "إعلان",
        "النشرة",
        "رابط دعائي",
        "مقطع",
        "اطبع",
        "تعليق",
        "قالب",
        "مخفية",
        "رسم",
        "حقوق",
    ):
        assert junk not in text, junk
    assert paragraphs(parsed)[0] == "نص أول عن المحطة."
    assert len(paragraphs(parsed)) == 3


def test_hostile_title_is_cleaned(tmp_path):
    hostile = "\u202eافتتاح\u200b محطة\u200f\u2066 التحلية\u2069\ufeff"
    parsed = read(tmp_path, page(title=hostile))
    assert parsed.title == "افتتاح محطة التحلية"


def test_markup_text_in_a_paragraph_stays_literal(tmp_path):
    body = "<p>كتب المخترق &lt;script&gt;alert(1)&lt;/script&gt; في خانة التعليق &amp; هرب.</p>"
    parsed = read(tmp_path, page(body=body))
    assert paragraphs(parsed) == ["كتب المخترق <script>alert(1)</script> في خانة التعليق & هرب."]


def test_unclosed_paragraphs_stay_apart(tmp_path):
    body = "<p>الفقرة الأولى بلا إغلاق<p>الفقرة الثانية <i>بخط مائل</i><script>track()</script> ثم تكملة"
    parsed = read(tmp_path, page(body=body))
    assert paragraphs(parsed) == ["الفقرة الأولى بلا إغلاق", "الفقرة الثانية بخط مائل ثم تكملة"]


def test_loose_text_and_divs_become_paragraphs(tmp_path):
    body = "<div>فقرة داخل عنصر div.</div>نص حر خارج أي عنصر<br>وسطر ثان بعد فاصل<ul><li>بند أول</li></ul>"
    parsed = read(tmp_path, page(body=body))
    assert paragraphs(parsed) == ["فقرة داخل عنصر div.", "نص حر خارج أي عنصر", "وسطر ثان بعد فاصل"]
    assert parsed.blocks[-1] == Markup("- بند أول", "بند أول")


# --- rejected pages -------------------------------------------------------------------------------------


def test_category_listing_is_not_an_article(tmp_path):
    cards = "".join(
        f'<article class="card"><h2><a href="/sport/{n}.html">{t}</a></h2><p>ملخص قصير للخبر.</p></article>'
        for n, t in enumerate(("فوز الفريق الأول", "تعادل في الديربي", "انتقال لاعب جديد"))
    )
    html = f"""<html><head><title>رياضة | خَبَرَيْن</title></head><body><h1>رياضة</h1>
      <main class="listing">{cards}</main></body></html>"""
    with pytest.raises(SiteError) as err:
        read(tmp_path, html, f"{HOST}/sport/index.html")
    assert err.value.message.startswith(("looks like", "no body text"))
    assert str(err.value.path).endswith("sport/index.html")


def test_listing_of_linked_headings_without_article_tags(tmp_path):
    items = "".join(
        f'<div class="item"><h3><a href="/{n}.html">خبر رقم {n}</a></h3><p>ملخص الخبر.</p></div>' for n in range(4)
    )
    html = f"<html><head><title>الأرشيف</title></head><body><div class='list'>{items}</div></body></html>"
    with pytest.raises(SiteError) as err:
        read(tmp_path, html)
    assert err.value.message.startswith(("looks like", "no body text"))


def test_absurdly_deep_nesting_is_read_in_linear_time(tmp_path):
    html = page(body="<div>" * 1000 + "<p>نص عميق في أسفل الصفحة</p>" + "</div>" * 1000 + BODY)
    parsed = read(tmp_path, html)
    assert paragraphs(parsed)[-1].startswith("وقال وزير المياه")


def test_page_without_any_title_is_rejected(tmp_path):
    html = f"<html><head></head><body><article>{BODY}</article></body></html>"
    with pytest.raises(SiteError, match="no title"):
        read(tmp_path, html)


def test_site_name_alone_is_not_a_title(tmp_path):
    html = f"<html><head><title>خَبَرَيْن</title></head><body><header><h1>خبرين</h1></header>{BODY}</body></html>"
    with pytest.raises(SiteError, match="no title"):
        read(tmp_path, html)


def test_title_without_paragraphs_is_rejected(tmp_path):
    html = page(body='<figure><img src="a.jpg" alt="صورة"><figcaption>تعليق الصورة.</figcaption></figure>')
    with pytest.raises(SiteError, match="no body text") as err:
        read(tmp_path, html)
    assert str(err.value).startswith(str(tmp_path))


# --- the demo sources -----------------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parents[1] / "content-src" / "html"


def test_demo_pages_parse():
    found = {}
    for file in sorted(DEMO.rglob("*.html")):
        raw = file.read_bytes()
        parsed = parse(decode(raw, str(file), declared_charset(raw[:4096])), str(file), file, DEMO)
        found[parsed.category] = parsed
        assert parsed.date is not None and parsed.date.value.year == 2025
        assert not parsed.warnings
    assert {"رياضة", "اقتصاد"} <= set(found)
    sport = found["رياضة"]
    assert len(sport.images) == 2 and sport.image_files[0] is not None and sport.image_files[1] is None
    assert found["اقتصاد"].see_also and found["اقتصاد"].related
