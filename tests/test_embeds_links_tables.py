"""Embedded posts shown as cards, links to the mirrored site led to the archived copy, and
GFM tables: Arabic articles built end to end, the written pages read back, checked by the
Nu Html Checker and looked at in Chromium at a phone's width."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import run_cli
from sitekit import article, broken_links, make_site, parse_page, resolve, serve_folder, write_article
from test_pages_checked import ARTIFACTS, serious_axe_violations, vnu_errors

from site_builder.build import build
from site_builder.embeds import EMBED_HOSTS
from site_builder.markdown import BodyContext, archive_href, make_parser, render_body
from site_builder.state import BuildState
from site_builder.urls import source_key

ORIGIN = "https://www.khabarain.example"
PLAN_URL = f"{ORIGIN}/economy/2025/04/farmers-support-plan.html"
PLAN_SLUG = "الحكومة-تعلن-خطة-لدعم-المزارعين-في-مواجهة-الجفاف"
PLAN_TITLE = "الحكومة تعلن خطة لدعم المزارعين في مواجهة الجفاف"
WHEAT_SLUG = "أسعار-القمح-ترتفع-مع-تراجع-المحصول"
WHEAT_TITLE = "أسعار القمح ترتفع مع تراجع المحصول"
MISSING_URL = f"{ORIGIN}/economy/2025/03/bread-prices.html"
OUTSIDE_URL = "https://www.fao.org/worldfoodsituation/ar/"

# One embed line of each kind, as the importer writes them (site_builder/importer/tomarkdown.py:
# a paragraph that is only `[Service](url)`), with the card's class and label.
EMBEDS = [
    ("[YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)", "youtube", "فيديو على YouTube"),
    ("[X](https://twitter.com/khabarain/status/1790000000000000000)", "x", "منشور على X"),
    ("[X](https://x.com/khabarain/status/1790000000000000001/video/1)", "x", "فيديو على X"),
    ("[Instagram](https://www.instagram.com/p/C7abcDEFghi/)", "instagram", "منشور على Instagram"),
    ("[Facebook](https://www.facebook.com/khabarain/posts/123456789)", "facebook", "منشور على Facebook"),
    ("[Facebook](https://fb.watch/abcDEF12/)", "facebook", "فيديو على Facebook"),
    ("[TikTok](https://www.tiktok.com/@khabarain/video/7350000000000000000)", "tiktok", "فيديو على TikTok"),
    ("[Vimeo](https://vimeo.com/76979871)", "vimeo", "فيديو على Vimeo"),
    ("[Dailymotion](https://www.dailymotion.com/video/x8abcd1)", "dailymotion", "فيديو على Dailymotion"),
    ("[SoundCloud](https://soundcloud.com/khabarain/episode-12)", "soundcloud", "مقطع صوتي على SoundCloud"),
    ("[Telegram](https://t.me/khabarain/4521)", "telegram", "منشور على Telegram"),
]

WIDE_TABLE = """\
| المحافظة | القمح (طن) | الشعير (طن) | الذرة الصفراء (طن) | الأرز (طن) | المساحة المزروعة (هكتار) \
| نسبة التغير عن العام الماضي |
|---|---|---|---|---|---|---|
| الشمالية | 120000 | 45000 | 30000 | 8000 | 95000 | انخفاض بنسبة 12 في المئة |
| الوسطى | 98000 | 38000 | 27000 | 6500 | 81000 | انخفاض بنسبة 9 في المئة |
| الجنوبية | 76000 | 29000 | 22000 | 5100 | 64000 | ارتفاع طفيف بنسبة 2 في المئة |
"""

WHEAT_BODY = f"""## تراجع المحصول

ارتفعت أسعار القمح في الأسواق المحلية بعد أن تراجع المحصول هذا الموسم بسبب الجفاف، وقالت
وزارة الزراعة إن [خطة دعم المزارعين](http://khabarain.example/economy/2025/04/farmers-support-plan.html/?utm_source=twitter#details)
ستخفف من أثر الأزمة على الأسعار.

وبحسب [تقرير منظمة الأغذية والزراعة]({OUTSIDE_URL}) فإن أسعار الحبوب ارتفعت في المنطقة كلها،
كما ذكر [خبر سابق عن أسعار الخبز]({MISSING_URL}) لم يحفظه الأرشيف.

## المقاطع والمنشورات

{chr(10).join(line + chr(10) for line, _, _ in EMBEDS)}
## أرقام الموسم

{WIDE_TABLE}
"""


def _plan(url: str = PLAN_URL) -> dict:
    return article(
        PLAN_SLUG,
        PLAN_TITLE,
        "2025-04-10",
        category="اقتصاد",
        body="أعلنت الحكومة خطة لدعم المزارعين المتضررين من الجفاف بقروض ميسرة وبذور مدعومة.\n",
        source={
            "path": "khabarain.example/economy/2025/04/farmers-support-plan.html",
            "format": "html",
            "sha256": "0" * 64,
            "url": url,
        },
    )


def _wheat() -> dict:
    return article(
        WHEAT_SLUG,
        WHEAT_TITLE,
        "2025-04-20",
        category="اقتصاد",
        body=WHEAT_BODY,
        source={
            "path": "khabarain.example/economy/2025/04/wheat-prices.html",
            "format": "html",
            "sha256": "1" * 64,
            "url": f"{ORIGIN}/economy/2025/04/wheat-prices.html",
        },
    )


def _site(tmp_path: Path, articles: list[dict] | None = None) -> Path:
    return make_site(
        tmp_path / "site",
        articles if articles is not None else [_plan(), _wheat()],
        config={"base_url": "https://archive.example/"},
    )


class _Tree(HTMLParser):
    """Each element with its attributes, the classes of its ancestors and its text."""

    VOID = frozenset(("meta", "link", "br", "img", "hr", "input", "source", "wbr"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.elements: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        element = {
            "tag": tag,
            "attrs": dict(attrs),
            "text": "",
            "inside": [(e["tag"], e["attrs"].get("class", "")) for e in self.stack],
        }
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()["tag"] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element["text"] += data


def _elements(path: Path) -> list[dict]:
    tree = _Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    for element in tree.elements:
        element["text"] = " ".join(element["text"].split())
    return tree.elements


def _page(out: Path, slug: str) -> Path:
    return out / slug / "index.html"


# -- the built site, end to end ----------------------------------------------------------


def test_link_to_an_archived_articles_original_address_leads_to_its_page(tmp_path):
    site = _site(tmp_path)
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    out = site / "output"
    wheat = _page(out, WHEAT_SLUG)
    links = {
        a["text"]: a["attrs"]["href"]
        for a in _elements(wheat)
        if a["tag"] == "a" and ("div", "article-body") in a["inside"]
    }
    href = links["خطة دعم المزارعين"]
    assert href == quote(f"/{PLAN_SLUG}/")  # http, no www., a trailing slash, tracking and fragment: one page
    target = resolve(out, "/", href, wheat)
    assert target is not None and target.is_file()
    assert parse_page(target).text.count(PLAN_TITLE) >= 1
    assert [e["text"] for e in _elements(target) if e["tag"] == "h1"] == [PLAN_TITLE]
    # Elsewhere, and not archived: the original address stays.
    assert links["تقرير منظمة الأغذية والزراعة"] == OUTSIDE_URL
    assert links["خبر سابق عن أسعار الخبز"] == MISSING_URL
    assert broken_links(out) == []


def test_every_embed_line_is_a_card_with_its_link_and_an_arabic_label(tmp_path):
    site = _site(tmp_path)
    assert run_cli("build", "--site", str(site)).returncode == 0
    page = _page(site / "output", WHEAT_SLUG)
    elements = _elements(page)
    figures = [e for e in elements if e["tag"] == "figure" and "embed" in e["attrs"].get("class", "").split()]
    assert len(figures) == len(EMBEDS)
    cards = [
        e for e in elements if e["tag"] == "a" and any(t == "figure" and "embed" in c.split() for t, c in e["inside"])
    ]
    for (line, service, label), figure, link in zip(EMBEDS, figures, cards, strict=True):
        url = line.split("](", 1)[1][:-1]
        assert f"embed-{service}" in figure["attrs"]["class"].split(), line
        assert link["attrs"]["href"] == url
        assert link["text"].startswith(label), (line, link["text"])
        shown = url.split("://", 1)[1].removeprefix("www.").rstrip("/")
        assert shown in link["text"], (line, link["text"])  # the address, readable, without the scheme
    html = page.read_text(encoding="utf-8")
    assert "<iframe" not in html and "<script src" not in html and "<embed" not in html


def test_embed_cards_cover_every_service_the_importer_knows():
    """Cards come from the importer's own list (embeds.EMBED_HOSTS); every host gives one."""
    assert {name for name in EMBED_HOSTS.values()} <= {line[1:].split("]")[0] for line, _, _ in EMBEDS}, (
        "a service the importer writes has no example here: add one with its label"
    )
    md = make_parser()
    for host, name in EMBED_HOSTS.items():
        html = render_body(md, f"[{name}](https://{host}/khabarain/42)\n", BodyContext(resolve=lambda t: None))
        assert html.startswith('<figure class="embed embed-'), (host, html)
        assert f'<span dir="ltr">{name}</span>' in html


@pytest.mark.parametrize(
    ("source", "card"),
    [
        ("[YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)", True),
        ("[شاهد كلمة الوزير كاملة](https://www.youtube.com/watch?v=dQw4w9WgXcQ)", True),  # its words kept, below
        ("شاهد [الفيديو](https://www.youtube.com/watch?v=dQw4w9WgXcQ) على يوتيوب", False),  # a link in a sentence
        ("[موقع الوزارة](https://moa.example/)", False),  # a link-only paragraph, but no video or post
        ("- [YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)", False),  # a list item stays one
    ],
)
def test_only_a_paragraph_that_is_one_link_to_a_service_is_a_card(source, card):
    html = render_body(make_parser(), source + "\n", BodyContext(resolve=lambda t: None))
    assert html.startswith("<figure") is card, html
    assert "youtube.com/watch?v=dQw4w9WgXcQ" in html or "moa.example" in html
    if source.startswith("[شاهد"):
        assert "<figcaption>شاهد كلمة الوزير كاملة</figcaption>" in html


def test_table_is_rendered_in_a_scrolling_region(tmp_path):
    site = _site(tmp_path)
    assert run_cli("build", "--site", str(site)).returncode == 0
    elements = _elements(_page(site / "output", WHEAT_SLUG))
    tables = [e for e in elements if e["tag"] == "table"]
    assert len(tables) == 1
    assert ("div", "table-scroll") in tables[0]["inside"]
    box = next(e for e in elements if e["attrs"].get("class") == "table-scroll")
    assert (box["attrs"].get("role"), box["attrs"].get("tabindex"), box["attrs"].get("aria-label")) == (
        "region",
        "0",
        "جدول",
    )
    heads = [e["text"] for e in elements if e["tag"] == "th"]
    assert heads[0] == "المحافظة" and heads[-1] == "نسبة التغير عن العام الماضي" and len(heads) == 7
    cells = [e["text"] for e in elements if e["tag"] == "td"]
    assert cells[:2] == ["الشمالية", "120000"] and len(cells) == 21


@pytest.mark.slow
def test_pages_with_cards_links_and_tables_pass_the_nu_html_checker(tmp_path):
    site = _site(tmp_path)
    assert run_cli("build", "--site", str(site)).returncode == 0
    pages = [str(_page(site / "output", slug)) for slug in (WHEAT_SLUG, PLAN_SLUG)]
    errors = vnu_errors(pages)
    assert errors == [], "\n".join(errors)


def test_phone_width_table_scrolls_in_its_box_and_the_page_does_not_widen(tmp_path, browser):
    site = _site(tmp_path)
    assert run_cli("build", "--site", str(site)).returncode == 0
    with serve_folder(site / "output") as server:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        assert page.goto(f"{server}/{quote(WHEAT_SLUG)}/").status == 200
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "embeds-tables-390.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the article is {overflow}px wider than a 390px screen"
        box = page.evaluate("""() => { const b = document.querySelector('.table-scroll');
            const r = b.getBoundingClientRect();
            return {scroll: b.scrollWidth, client: b.clientWidth, left: r.left, right: r.right,
                    table: document.querySelector('.article-body table').getBoundingClientRect().width}; }""")
        assert box["scroll"] > box["client"] + 50, box  # the table is wider than the screen …
        assert box["left"] >= 0 and box["right"] <= 390, box  # … and scrolls inside its own box
        cards = page.evaluate("""() => [...document.querySelectorAll('figure.embed')].map(f => {
            const r = f.getBoundingClientRect(); return [r.left, r.right]; })""")
        assert len(cards) == len(EMBEDS) and all(left >= 0 and right <= 390 for left, right in cards), cards
        assert page.evaluate("getComputedStyle(document.querySelector('.embed')).borderInlineStartWidth") == "4px"
        # The card's accent border stands on the right, where Arabic lines start.
        sides = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.embed'));
            return [s.borderRightWidth, s.borderLeftWidth]; }""")
        assert sides == ["4px", "1px"], sides
        assert all(url.startswith(server) for url in requests), [u for u in requests if not u.startswith(server)]
        bad = serious_axe_violations(page)
        assert bad == [], bad
        page.close()


# -- incremental builds ---------------------------------------------------------------------


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_link_follows_the_archive_as_articles_come_and_go_incremental_equals_clean(tmp_path):
    site = _site(tmp_path, [_wheat()])
    state = BuildState()
    assert build(site, state=state).written
    wheat = _page(site / "output", WHEAT_SLUG)
    original = "http://khabarain.example/economy/2025/04/farmers-support-plan.html/?utm_source=twitter#details"
    assert f'href="{original}"' in wheat.read_text(encoding="utf-8")

    steps = [
        ("the linked article is archived", lambda: write_article(site, _plan())),
        ("its source.url changes", lambda: write_article(site, _plan(f"{ORIGIN}/elsewhere.html"))),
        ("it gets its address back", lambda: write_article(site, _plan())),
        (
            "another article claims the address, newer",
            lambda: write_article(
                site,
                article(
                    "نسخة-محدثة-من-خطة-الدعم",
                    "نسخة محدثة من خطة دعم المزارعين",
                    "2025-04-15",
                    category="اقتصاد",
                    source={"url": PLAN_URL.replace("https://www.", "http://")},
                ),
            ),
        ),
        ("the linked article is deleted", lambda: (site / "content" / f"{PLAN_SLUG}.md").unlink()),
        ("the claimant too", lambda: (site / "content" / "نسخة-محدثة-من-خطة-الدعم.md").unlink()),
    ]
    expected = [
        quote(f"/{PLAN_SLUG}/"),
        original,
        quote(f"/{PLAN_SLUG}/"),
        quote("/نسخة-محدثة-من-خطة-الدعم/"),
        quote("/نسخة-محدثة-من-خطة-الدعم/"),
        original,
    ]
    for n, ((what, change), href) in enumerate(zip(steps, expected, strict=True)):
        change()
        result = build(site, state=state)
        assert result.written, result.problems
        assert result.rendered < 20, (what, result.rendered)  # a small rebuild, not everything
        html = wheat.read_text(encoding="utf-8")
        assert f'href="{href}">خطة دعم المزارعين</a>' in html, what
        build(site, out=tmp_path / f"clean{n}")
        assert _tree(site / "output") == _tree(tmp_path / f"clean{n}"), what


# -- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.khabarain.example/economy/a.html", "khabarain.example/economy/a.html"),
        ("http://KHABARAIN.example:80/economy/a.html/#comments", "khabarain.example/economy/a.html"),
        ("https://khabarain.example/news/%D8%AE%D8%A8%D8%B1/", "khabarain.example/news/خبر"),
        ("https://khabarain.example/news/خبر", "khabarain.example/news/خبر"),
        (
            "https://khabarain.example/article.php?id=12&utm_medium=social&cat=3",
            "khabarain.example/article.php?cat=3&id=12",
        ),
        ("https://khabarain.example:8443/a", "khabarain.example:8443/a"),
        ("https://خبرين.example/a", "xn--ngblk8fta.example/a"),
        ("https://xn--ngblk8fta.example/a", "xn--ngblk8fta.example/a"),  # as markdown-it writes that host
        ("mailto:news@khabarain.example", None),
        ("/economy/a.html", None),
        ("https://khabarain.example:port/a", None),
    ],
)
def test_source_key_is_one_form_for_one_page(url, key):
    assert source_key(url) == key


def test_archive_href_is_a_lookup_in_the_map_it_is_given():
    links = {"khabarain.example/article.php?id=12": "/خبر/"}
    assert archive_href("http://khabarain.example/article.php?id=12#top", links) == "/خبر/"
    assert archive_href("https://khabarain.example/article.php?id=13", links) is None  # the query names the page
    assert archive_href("/article.php?id=12", links) is None
    assert archive_href("https://khabarain.example/article.php?id=12", {}) is None


def test_imported_pages_link_embed_and_tabulate_through_the_build(tmp_path):
    """The importer's own output, built: a saved page that links to another saved page of the
    mirror, embeds a video and a post, and holds a table."""
    mirror = tmp_path / "mirror" / "khabarain.example" / "economy" / "2025" / "04"
    mirror.mkdir(parents=True)
    plan = _saved(
        PLAN_TITLE,
        "<p>أعلنت الحكومة اليوم خطة واسعة لدعم المزارعين المتضررين من موجة الجفاف، تشمل قروضاً "
        "ميسرة بلا فوائد وبذوراً مدعومة وتعويضات عن المحاصيل التالفة في المحافظات كلها.</p>"
        "<p>وقال وزير الزراعة إن الخطة تبدأ الشهر المقبل وتستمر حتى نهاية الموسم الزراعي.</p>",
        PLAN_URL,
        "2025-04-10",
    )
    wheat = _saved(
        WHEAT_TITLE,
        (
            "<p>ارتفعت أسعار القمح في الأسواق المحلية بعد أن تراجع المحصول هذا الموسم بسبب الجفاف، وقالت وزارة "
            'الزراعة إن <a href="/economy/2025/04/farmers-support-plan.html">خطة دعم المزارعين</a> ستخفف من أثر '
            "الأزمة على الأسعار خلال الأشهر المقبلة.</p>"
            '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" width="560" height="315"></iframe>'
            '<blockquote class="twitter-tweet"><p lang="ar">القمح يرتفع مجدداً</p>'
            '<a href="https://twitter.com/khabarain/status/1790000000000000000">١٩ أبريل ٢٠٢٥</a></blockquote>'
            "<p>وتوقع التجار أن تستقر الأسعار بعد وصول شحنات القمح المستورد في نهاية الشهر الجاري.</p>"
            "<table><tr><th>المحصول</th><th>الموسم الماضي</th><th>هذا الموسم</th></tr>"
            "<tr><td>القمح</td><td>120000</td><td>98000</td></tr>"
            "<tr><td>الشعير</td><td>45000</td><td>38000</td></tr></table>"
        ),
        f"{ORIGIN}/economy/2025/04/wheat-prices.html",
        "2025-04-20",
    )
    (mirror / "farmers-support-plan.html").write_text(plan, encoding="utf-8")
    (mirror / "wheat-prices.html").write_text(wheat, encoding="utf-8")
    site = make_site(tmp_path / "site", [])
    imported = run_cli("import", str(tmp_path / "mirror"), "--out", str(site / "content"))
    assert imported.returncode == 0, imported.stderr
    markdown = next(p for p in (site / "content").glob("*.md") if "القمح" in p.name).read_text(encoding="utf-8")
    assert "\n[YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n" in markdown
    assert "\n[X](https://twitter.com/khabarain/status/1790000000000000000)\n" in markdown
    assert "| المحصول | الموسم الماضي | هذا الموسم |" in markdown
    assert (
        f"[خطة دعم المزارعين]({PLAN_URL.replace('www.', '')})" in markdown
        or f"[خطة دعم المزارعين]({PLAN_URL})" in markdown
    )

    built = run_cli("build", "--site", str(site))
    assert built.returncode == 0, built.stderr
    out = site / "output"
    page = next(p for p in out.glob("*/index.html") if "القمح" in p.parent.name)
    elements = _elements(page)
    link = next(e for e in elements if e["tag"] == "a" and e["text"] == "خطة دعم المزارعين")
    target = resolve(out, "/", link["attrs"]["href"], page)
    assert target is not None and target.is_file() and PLAN_TITLE in parse_page(target).text
    services = [
        e["attrs"]["class"] for e in elements if e["tag"] == "figure" and "embed" in e["attrs"].get("class", "").split()
    ]
    assert services == ["embed embed-youtube embed-video", "embed embed-x embed-post"]
    assert [e["text"] for e in elements if e["tag"] == "th"] == ["المحصول", "الموسم الماضي", "هذا الموسم"]
    assert broken_links(out) == []


def _saved(title: str, body: str, url: str, day: str) -> str:
    """A page as a mirror saves it: site chrome around one article, its address in a canonical link."""
    date = dt.date.fromisoformat(day)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{title} | خَبَرَيْن</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{date.isoformat()}T09:00:00+03:00">
<meta property="article:section" content="اقتصاد"></head>
<body>
<header><a class="logo" href="/">خَبَرَيْن</a></header>
<main><article><h1>{title}</h1>{body}</article></main>
<footer><p>جميع الحقوق محفوظة لموقع خَبَرَيْن</p></footer>
</body></html>"""
