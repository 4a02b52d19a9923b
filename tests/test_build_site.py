"""Building whole sites in temp folders and reading back what was written."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import run_cli
from sitekit import article, broken_links, make_site, parse_page, write_article

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_TITLE = "روسيا تسعى لاستعادة وجودها الدبلوماسي بأمريكا"


def _build(site, *extra):
    result = run_cli("build", "--site", str(site), *extra)
    return result


def _three(tmp_path):
    return make_site(
        tmp_path / "site",
        [
            article(
                "vote",
                "جمهوريون مجلس الشيوخ في إنديانا يرفضون دفع ترامب لإعادة تقسيم الدوائر الانتخابية",
                "2025-11-11",
                body="## تصويت حاسم\n\nصوت المجلس ضد الخطة.\n",
            ),
            article(
                "russia",
                SEED_TITLE,
                "2025-02-18",
                body=(
                    "## محادثات\n\nفقرة أولى.\n\nشاهد ايضاً: جمهوريّون مجلس الشيوخ في انديانا يرفضون دفع ترامب لاعادة "
                    "تقسيم الدوائر الانتخابيه\n\nفقرة ثانية.\n\nشاهد ايضاً: خبر غير موجود في الأرشيف\n"
                ),
                related=[
                    {
                        "title": "خبر قديم لم يعد موجوداً",
                        "summary": "ملخص الخبر القديم.",
                        "category": "سياسة",
                        "image_alt": "",
                    }
                ],
                images=[
                    {
                        "src": None,
                        "alt": "علم روسيا",
                        "caption": "العلم الروسي في واشنطن.",
                        "credit": "توم برينر/رويترز",
                    }
                ],
            ),
            article("match", "المنتخب يفوز في التصفيات", "2025-03-01", category="رياضة"),
        ],
        config={"base_url": "https://khabarain.example/"},
    )


def test_pages_are_arabic_rtl_and_links_all_resolve(tmp_path):
    site = _three(tmp_path)
    result = _build(site)
    assert result.returncode == 0, result.stderr
    out = site / "output"
    pages = list(out.rglob("*.html"))
    assert len(pages) >= 15
    for html in pages:
        attrs = parse_page(html).html_attrs
        assert (attrs.get("lang"), attrs.get("dir")) == ("ar", "rtl"), html
    assert broken_links(out) == []
    assert "built" in result.stderr and "article" in result.stderr


def test_article_page_content(tmp_path):
    site = _three(tmp_path)
    _build(site)
    html = (site / "output" / "russia" / "index.html").read_text(encoding="utf-8")
    page = parse_page(site / "output" / "russia" / "index.html")
    assert f"<h1>{SEED_TITLE}</h1>" in html
    assert '<time datetime="2025-02-18">18 فبراير 2025</time>' in html
    # A figure without a file: caption and credit, no broken <img>.
    assert '<small class="credit">توم برينر/رويترز</small>' in html
    assert "<img" not in html.split('class="article-body"')[0].split("<figure")[1]
    # See-also resolved through normalised title matching, and plain text when missing.
    assert '<a href="/vote/">جمهوريون مجلس الشيوخ' in html
    assert '<span class="see-also-title">خبر غير موجود في الأرشيف</span>' in html
    # Breadcrumb, category marked in the menu, share links without scripts.
    assert 'aria-current="page">سياسة</a>' in html
    assert "مسار التصفح" in html
    shares = [
        url
        for tag, url, _ in page.links
        if "facebook.com/sharer" in url
        or "t.me/share" in url
        or "wa.me" in url
        or "linkedin.com" in url
        or "x.com/intent" in url
        or url.startswith("mailto:")
    ]
    assert len(shares) == 6
    assert "<script src" not in html
    jsonld = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert (jsonld["@type"], jsonld["articleSection"], jsonld["headline"]) == ("NewsArticle", "سياسة", SEED_TITLE)
    assert jsonld["datePublished"] == "2025-02-18" and jsonld["publisher"]["name"] == "خَبَرَيْن"


def test_archive_404_and_home(tmp_path):
    site = _three(tmp_path)
    _build(site)
    out = site / "output"
    archive = (out / "archive" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/archive/2025/11/">نوفمبر 2025</a>' in archive and "فبراير 2025" in archive
    month = (out / "archive" / "2025" / "02" / "index.html").read_text(encoding="utf-8")
    assert "أرشيف فبراير 2025" in month and SEED_TITLE in month
    missing = (out / "404.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in missing and "الصفحة غير موجودة" in missing
    home = (out / "index.html").read_text(encoding="utf-8")
    latest = home.split('id="latest-heading"')[1].split("</section>")[0]
    assert latest.index("جمهوريون") < latest.index("المنتخب يفوز") < latest.index(SEED_TITLE)
    assert '<a href="/sport/">رياضة</a></h2>' in home and '<a href="/politics/">سياسة</a></h2>' in home


def test_related_block_own_items_first_then_similar(tmp_path):
    site = _three(tmp_path)
    _build(site)
    html = (site / "output" / "russia" / "index.html").read_text(encoding="utf-8")
    related = html.split('id="related-heading"')[1]
    cards = related.count('<article class="card')
    assert cards == 3  # the unlinked own item, then the only two other articles
    assert related.index("خبر قديم لم يعد موجوداً") < related.index("جمهوريون مجلس الشيوخ")
    assert '<h3 class="card-title">خبر قديم لم يعد موجوداً</h3>' in related
    assert SEED_TITLE not in related


def test_category_pages_paginate_newest_first(tmp_path):
    items = [article(f"n{i:02d}", f"خبر رياضي رقم {i}", f"2025-01-{i:02d}", category="رياضة") for i in range(1, 26)]
    site = make_site(tmp_path / "site", items, config={"per_page": 10})
    assert _build(site).returncode == 0
    out = site / "output"
    first = (out / "sport" / "index.html").read_text(encoding="utf-8")
    assert '<h1 class="page-title">رياضة</h1>' in first
    assert first.index("خبر رياضي رقم 25") < first.index("خبر رياضي رقم 24")
    assert '<link rel="next" href="/sport/page/2/">' in first
    third = (out / "sport" / "page" / "3" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="prev" href="/sport/page/2/">' in third and 'rel="next"' not in third
    assert third.count('<article class="card') == 5
    assert not (out / "sport" / "page" / "4").exists()
    assert (out / "archive" / "2025" / "01" / "page" / "3" / "index.html").is_file()
    assert broken_links(out) == []


def test_feeds_and_sitemap_parse_with_full_urls(tmp_path):
    site = _three(tmp_path)
    _build(site)
    out = site / "output"
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}title").startswith("جمهوريون")
    assert all(e.find(f"{ATOM}link").get("href").startswith("https://khabarain.example/") for e in entries)
    politics = ET.parse(out / "politics" / "feed.xml").getroot()
    assert len(politics.findall(f"{ATOM}entry")) == 2
    urls = [
        u.text for u in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "https://khabarain.example/russia/" in urls and "https://khabarain.example/" in urls
    assert "Sitemap: https://khabarain.example/sitemap.xml" in (out / "robots.txt").read_text()


def test_base_url_puts_everything_under_the_base_path(tmp_path):
    site = _three(tmp_path)
    assert _build(site, "--base-url", "https://user.github.io/repo/").returncode == 0
    out = site / "output"
    assert broken_links(out, "/repo/") == []
    html = (out / "russia" / "index.html").read_text(encoding="utf-8")
    assert 'href="/repo/static/css/site.css"' in html and 'href="/repo/vote/"' in html
    assert '<link rel="canonical" href="https://user.github.io/repo/russia/">' in html
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://user.github.io/repo/russia/" in sitemap


def test_builds_are_byte_identical_and_deleted_articles_disappear(tmp_path):
    site = _three(tmp_path)
    _build(site)
    first = {p.relative_to(site / "output"): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    _build(site)
    second = {p.relative_to(site / "output"): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert first == second
    (site / "content" / "match.md").unlink()
    _build(site)
    assert not (site / "output" / "match").exists()
    assert "المنتخب يفوز" not in (site / "output" / "index.html").read_text(encoding="utf-8")


def test_front_matter_errors_are_all_reported_and_output_is_kept(tmp_path):
    site = _three(tmp_path)
    _build(site)
    before = (site / "output" / "index.html").read_bytes()
    (site / "content" / "bad-yaml.md").write_text("---\ntitle: [غير مغلق\n---\n\nنص.\n", encoding="utf-8")
    (site / "content" / "no-title.md").write_text("---\ndate: 2025-01-01\n---\n\nنص.\n", encoding="utf-8")
    (site / "content" / "bad-date.md").write_text("---\ntitle: خبر\ndate: 2025-02-30\n---\n\nنص.\n", encoding="utf-8")
    (site / "content" / "date-text.md").write_text(
        "---\ntitle: خبر\ncategory: سياسة\ndate: أمس\n---\n\nنص.\n", encoding="utf-8"
    )
    result = _build(site)
    assert result.returncode == 1
    err = result.stderr
    assert "content/bad-yaml.md:2:" in err or "content/bad-yaml.md:3:" in err
    assert "content/no-title.md:" in err and "missing 'title'" in err
    assert "content/bad-date.md:3:" in err
    assert "content/date-text.md:4:" in err
    assert "output/ left as it was" in err
    assert (site / "output" / "index.html").read_bytes() == before


def test_two_sources_for_one_url_fail_naming_both(tmp_path):
    site = _three(tmp_path)
    write_article(site, dict(article("vote", "خبر آخر بنفس الرابط", "2025-05-05"), file="vote-copy.md"))
    result = _build(site)
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if "/vote/" in line)
    assert "content/vote-copy.md" in line and "content/vote.md" in line


def test_strict_turns_warnings_into_failure(tmp_path):
    site = _three(tmp_path)
    result = _build(site, "--strict")
    assert result.returncode == 1
    assert "خبر غير موجود في الأرشيف" in result.stderr
    assert not (site / "output").exists()


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "{{ 7*7 }}{% raw %}"])
def test_content_is_never_markup_or_template(tmp_path, payload):
    site = make_site(
        tmp_path / "site",
        [
            article(
                "x",
                f"عنوان {payload}",
                "2025-01-01",
                summary=payload,
                body=f"{payload}\n\n[رابط](javascript:alert(1))\n",
            )
        ],
    )
    assert _build(site).returncode == 0
    html = (site / "output" / "x" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "49" not in html.split("<main")[1]
    assert 'href="javascript:' not in html and "[رابط](javascript:alert(1))" in html
