"""Import rules learnt from real pages, each on a small page of its own: where a date,
headline, picture or piece of chrome hides, and how the importer finds or drops it."""

from __future__ import annotations

import datetime as dt

import pytest
from test_import_html import BODY, TITLE, page, paragraphs, read

from site_builder.importer.dates import dateline
from site_builder.importer.page import Paragraph, is_agency_sign_off


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", dt.date(2020, 4, 24)),
        ("November 18, 2019 at 2:26 PM HST - Updated November 18 at 4:46 PM", dt.date(2019, 11, 18)),
        ("نشر يوم ١٢ أوت ٢٠١٩", dt.date(2019, 8, 12)),
        ("الثلاثاء 12 رمضان 1441 هـ", None),  # Hijri: never read as a Gregorian date
    ],
)
def test_datelines_with_labels_and_update_clauses(line, day):
    assert dateline(line) == day


def test_a_date_in_the_title_dates_the_page(tmp_path):
    html = page().replace(f"<title>{TITLE} | خَبَرَيْن</title>", f"<title>{TITLE} - 07.12.2017 - خَبَرَيْن</title>")
    parsed = read(tmp_path, html, rel="khabarain.example/news/desalination.html")
    assert parsed.date is not None and parsed.date.value == dt.date(2017, 12, 7)
    assert parsed.date.source == "meta"


def test_utc_timestamp_yields_to_the_local_dateline_beside_the_headline(tmp_path):
    head = '<meta property="article:published_time" content="2019-11-19T01:48:03Z">'
    body = '<p class="byline">November 18, 2019 at 2:26 PM HST - Updated November 18 at 4:46 PM</p>' + BODY
    parsed = read(tmp_path, page(body=body, head=head))
    assert parsed.date is not None and parsed.date.value == dt.date(2019, 11, 18)


def test_microdata_headline_wins_over_a_rewritten_og_title(tmp_path):
    seo = "تحلية مياه البحر: أخبار وصور 2025"
    head = f'<meta property="og:title" content="{seo}">'
    html = page(head=head).replace(f"<title>{TITLE} | خَبَرَيْن</title>", f"<title>{seo}</title>")
    html = html.replace("<h1>", '<h1 itemprop="headline">').replace("<main>", "<main><h1>الأخبار المحلية اليوم</h1>")
    assert read(tmp_path, html).title == TITLE


@pytest.mark.parametrize("line", ["--(بترا)", "(رويترز)", "- أ ف ب", "(AFP)", "واس"])
def test_agency_sign_offs(line):
    assert is_agency_sign_off(line)


def test_agency_sign_off_after_a_line_break_leaves_the_paragraph(tmp_path):
    body = BODY + "<p>وأضاف الوزير أن المرحلة الثانية تبدأ العام المقبل.<br><span>--(بترا)</span></p>"
    parsed = read(tmp_path, page(body=body))
    assert paragraphs(parsed)[-1] == "وأضاف الوزير أن المرحلة الثانية تبدأ العام المقبل."
    assert "بترا" not in (parsed.blocks[-1].markdown if isinstance(parsed.blocks[-1], Paragraph) else "")


def test_a_teaser_opened_by_script_is_a_link_not_article(tmp_path):
    teaser = (
        "<p onclick=\"window.open(track('https://other.example/story'),'_blank')\">"
        "ناقش وزراء المياه العرب في اجتماعهم الأخير خطط الربط المائي بين الدول والتعاون في…</p>"
    )
    parsed = read(tmp_path, page(body=BODY + teaser + BODY.replace("افتتحت", "دشنت")))
    assert not any("وزراء المياه العرب" in p for p in paragraphs(parsed))


def test_a_box_squeezed_to_zero_height_is_hidden(tmp_path):
    hidden = (
        '<div style="height:0px; overflow:hidden"><p>أخبار المياه والطاقة والبيئة في المنطقة العربية '
        "يوما بيوم من مراسلينا.</p></div>"
    )
    parsed = read(tmp_path, page(body=hidden + BODY))
    assert not any("مراسلينا" in p for p in paragraphs(parsed))


def test_srcset_urls_may_hold_commas(tmp_path):
    img = (
        '<figure><img src="/p/small.jpg" srcset="/p/x_extract=0,0,800,450_resize=226,127_.jpg 226w, '
        '/p/x_extract=0,0,800,450_resize=680,383_.jpg 680w" alt="المحطة">'
        "<figcaption>المحطة الجديدة على الساحل.</figcaption></figure>"
    )
    parsed = read(tmp_path, page(body=img + BODY))
    assert parsed.images[0].src_original.endswith("/p/x_extract=0,0,800,450_resize=680,383_.jpg")


def test_a_picture_drawn_by_script_is_found_by_its_microdata(tmp_path):
    figure = (
        '<figure itemprop="associatedMedia" itemscope itemtype="https://schema.org/ImageObject">'
        '<meta itemprop="contentUrl" content="https://cdn.khabarain.example/photos/plant-1080.jpeg">'
        '<meta itemprop="width" content="1080"><div class="lazy-image"></div>'
        "<figcaption>المحطة من الجو.</figcaption></figure>"
    )
    parsed = read(tmp_path, page(body=BODY.replace("</p>", "</p>" + figure, 1)))
    assert parsed.images[0].src_original == "https://cdn.khabarain.example/photos/plant-1080.jpeg"
    assert parsed.images[0].caption == "المحطة من الجو."


def test_a_caption_in_a_picture_box_is_not_repeated_as_a_paragraph(tmp_path):
    box = (
        '<div class="article_image"><img src="/p/plant.jpg" alt="المحطة">'
        '<div class="red">المحطة الجديدة على ساحل البحر</div></div>'
    )
    parsed = read(tmp_path, page(body=box + BODY))
    assert parsed.images[0].caption == "المحطة الجديدة على ساحل البحر"
    assert not any("ساحل البحر" in p for p in paragraphs(parsed))


@pytest.mark.parametrize("words", ["Enviá tu comentario", "Commentaires", "تعليقات القراء"])
def test_comment_boxes_in_other_languages_are_chrome(tmp_path, words):
    comments = (
        f'<section class="comentarios commentaires"><h3>{words}</h3><p>Los comentarios publicados son de '
        "exclusiva responsabilidad de sus autores y pueden ser pasibles de sanciones legales.</p></section>"
    )
    parsed = read(tmp_path, page(body=BODY + comments))
    assert not any("comentarios" in p for p in paragraphs(parsed))


def test_a_photo_in_a_player_box_still_leads_but_a_teaser_picture_does_not(tmp_path):
    player = '<div id="foto_player"><img src="/photos/plant-wide.jpg" alt="المحطة"></div>'
    related = (
        '<section class="related-news"><h2>أخبار ذات صلة</h2><article class="card">'
        '<a href="/other.html"><img src="/photos/other.jpg" alt="خبر آخر"></a>'
        '<h3><a href="/other.html">خبر آخر عن المياه في المنطقة</a></h3></article></section>'
    )
    parsed = read(tmp_path, page(body=player + BODY))
    assert parsed.images[0].src_original == "/photos/plant-wide.jpg"
    parsed = read(tmp_path, page(body=BODY).replace("</main>", related + "</main>"))
    assert not parsed.images


def test_the_site_headers_clock_is_not_the_articles_date(tmp_path):
    clock = (
        '<header><div class="fecha"><time datetime="jueves, 09 enero 2014 10:21">09 enero 2014</time></div></header>'
    )
    body = BODY + '<p class="autor">بقلم: سامي الحسن | عمّان | 08/01/2014</p>'
    html = page(body=body).replace("<body>", "<body>" + clock)
    parsed = read(tmp_path, html, rel="khabarain.example/news/desalination.html")
    assert parsed.date is not None and parsed.date.value == dt.date(2014, 1, 8)


def test_a_thai_paragraph_counts_as_running_text(tmp_path):
    thai = (
        "<p>ปรานี ด่านวัฒนานุสรณ์ ภรรยาของสุรชัยกล่าวว่า ได้ทราบข่าวจากบุตรชายของภูชนะแล้ว "
        "แต่ยังไม่ขอพูดอะไร โดยเบื้องต้นได้ทำใจแต่แรกแล้วว่าเหตุการณ์ลักษณะนี้จะต้องเกิดขึ้นสักวันหนึ่ง</p>"
    ) * 3
    teasers = "".join(f'<h3><a href="/journal/{n}">ข่าวอื่น {n}</a></h3>' for n in range(12))
    html = page(body=thai, title="ผล DNA ยืนยัน ศพลอยแม่น้ำโขงเป็นคนสนิท").replace("</main>", teasers + "</main>")
    assert read(tmp_path, html).title == "ผล DNA ยืนยัน ศพลอยแม่น้ำโขงเป็นคนสนิท"


def test_the_same_long_title_twice_gets_two_slugs_within_the_limit(tmp_path):
    from site_builder.importer import ImportOptions, import_sources

    title = "وزير المياه يفتتح أكبر محطة لتحلية مياه البحر في المنطقة بطاقة إنتاجية تبلغ نصف مليون متر مكعب يومياً"
    mirror = tmp_path / "mirror" / "khabarain.example"
    for name, body in (("a.html", BODY), ("b.html", BODY.replace("افتتحت", "دشنت"))):
        (mirror / name).parent.mkdir(parents=True, exist_ok=True)
        (mirror / name).write_text(page(body=body, title=title), encoding="utf-8")
    report = import_sources([tmp_path / "mirror"], ImportOptions(out=tmp_path / "content", date=None))
    slugs = sorted((p.stem for p in (tmp_path / "content").glob("*.md")), key=len)
    assert report.counts["imported"] == 2 and len(slugs) == 2, report.problems
    first = slugs[-1] if not slugs[-1].endswith("-2") else slugs[0]
    assert all(len(s) <= 80 for s in slugs) and set(slugs) == {first, first[:78].rstrip("-") + "-2"}
