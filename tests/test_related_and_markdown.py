"""Related news by similarity, and the body renderer, in-process on small inputs."""

from __future__ import annotations

import datetime as dt

from site_builder import config as config_mod
from site_builder.markdown import BodyContext, make_parser, render_body
from site_builder.model import Article, RelatedItem
from site_builder.sitemodel import build_site


def _a(slug, title, day, category="سياسة", summary="", related=()):
    return (
        f"content/{slug}.md",
        Article(
            title=title,
            slug=slug,
            date=dt.date.fromisoformat(day),
            category=category,
            body="نص.\n",
            summary=summary,
            related=tuple(related),
        ),
    )


def test_similar_articles_share_words_category_and_time(tmp_path):
    cfg = config_mod.load(tmp_path)
    articles = [
        _a("a", "المنتخب السعودي يفوز في تصفيات كأس العالم", "2025-03-01", "رياضة"),
        _a("b", "المنتخب السعودي يستعد لمباراة التصفيات الحاسمة", "2025-03-03", "رياضة"),
        _a("c", "ارتفاع أسعار النفط في الأسواق العالمية", "2025-03-02", "اقتصاد"),
        _a("d", "نادي الهلال يتعاقد مع مدرب جديد", "2019-01-01", "رياضة"),
        _a("e", "كأس العالم للأندية تنطلق الشهر المقبل", "2025-02-20", "رياضة"),
    ]
    site, _ = build_site(articles, cfg)
    first = [entry.slug for entry in site.related["a"]]
    # Same category and most shared words, then same category and close in date, then far in
    # date; the economy story shares no distinctive word and is neither neighbour nor kin.
    assert first == ["b", "e", "d"]
    again, _ = build_site(list(reversed(articles)), cfg)
    assert again.related == site.related


def test_own_related_items_come_first_linked_by_normalised_title(tmp_path):
    cfg = config_mod.load(tmp_path)
    own = [RelatedItem("خبر غير موجود"), RelatedItem("المنتخب السعودي يستعد لمباراة التصفيات الحاسمه")]
    site, _ = build_site(
        [
            _a("a", "المنتخب السعودي يفوز", "2025-03-01", "رياضة", related=own),
            _a("b", "المنتخب السعودي يستعد لمباراة التصفيات الحاسمة", "2025-03-03", "رياضة"),
            _a("c", "المنتخب يتدرب", "2025-03-04", "رياضة"),
        ],
        cfg,
    )
    entries = site.related["a"]
    assert [(e.title, e.slug) for e in entries][:2] == [
        ("خبر غير موجود", None),
        ("المنتخب السعودي يستعد لمباراة التصفيات الحاسمه", "b"),
    ]
    assert [e.slug for e in entries][2:] == ["c"]


def test_heading_ids_unique_and_prefixed():
    context = BodyContext(resolve=lambda title: None)
    html = render_body(make_parser(), "## location\n\n## location\n\n## مُحادثات\n", context)
    assert 'id="h-location"' in html and 'id="h-location-2"' in html and 'id="h-محادثات"' in html


def test_link_schemes_are_filtered():
    context = BodyContext(resolve=lambda title: None)
    source = (
        "[a](javascript:alert(1)) [b](java\tscript:x) [c](JAVASCRIPT:x) [d](vbscript:x) "
        "[e](data:text/html,x) [f](https://example.org) [g](mailto:a@b.c) [h](/x/)"
    )
    html = render_body(make_parser(), source, context)
    hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
    assert hrefs == ["https://example.org", "mailto:a@b.c", "/x/"]
