"""Arabic search: the same keys in Python and in the browser, and real queries in Chromium."""

from __future__ import annotations

import base64
import json
import subprocess
from urllib.parse import quote

import pytest
from conftest import ROOT, SEED
from sitekit import make_site, numbered_site

from site_builder.search import fnv1a, stem
from site_builder.serve import DevServer
from site_builder.text import fold

SEED_TITLE = "روسيا تسعى لاستعادة وجودها الدبلوماسي بأمريكا"
VARIANTS = {
    "tashkeel and article": "الدِّبلوماسيّ",
    "bare": "دبلوماسي",
    "definite": "الدبلوماسي",
    "plural": "الدبلوماسيين",
    "alef forms": "لإستعادة",
    "ta marbuta": "السفاره",
    "alef maqsura": "تسعي",
    "tatweel": "روســـيا",
    "hamza seat": "مسئولين",
    "arabic-indic digits": "٢٠١٧",
}


def _python_keys(text: str) -> list[str]:
    return [k for k in dict.fromkeys(stem(w) for w in fold(text).split()) if len(k) > 1]


def test_browser_and_index_fold_and_stem_alike():
    words = (
        list(VARIANTS.values())
        + SEED.read_text(encoding="utf-8").split()[:400]
        + ["Getty", "IMAGES", "١٢٣", "۴۵", "وزير", "بالرياض", "فالمسؤولون", "للدبلوماسية", "\u200fخبر\u200e"]
    )
    script = (
        "const s = require(process.argv[1]); const words = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(words.map(w => [s.keys(w), s.fnv1a(s.keys(w)[0] || 'x')])));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(ROOT / "static" / "js" / "search.js")],
        input=json.dumps(words),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    browser = json.loads(result.stdout)
    python = [[_python_keys(w), fnv1a((_python_keys(w) or ["x"])[0])] for w in words]
    assert browser == python


def test_variants_share_one_key():
    assert len({stem(fold(w)) for w in ("الدبلوماسي", "دبلوماسي", "الدِّبلوماسيّ", "الدبلوماسيين")}) == 1


@pytest.fixture(scope="module")
def search_url(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("search") / "site", [], demo_content=True)
    app = DevServer(site, port=0, log=lambda m: None)
    url = app.start()
    yield url + "search/"
    app.shutdown()


def _results(browser, url: str) -> tuple[list[str], str, list[str]]:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_function(
        "() => !document.getElementById('search-status').textContent.includes('جارٍ')"
        " && document.getElementById('search-status').textContent.length > 0"
    )
    titles = page.locator(".search-result h2").all_inner_texts()
    status = page.inner_text("#search-status")
    page.close()
    return titles, status, requests


@pytest.mark.parametrize("name", VARIANTS)
def test_every_spelling_finds_the_seed(browser, search_url, name):
    titles, status, requests = _results(browser, f"{search_url}?q={quote(VARIANTS[name])}")
    assert SEED_TITLE in titles, (name, status, titles)
    origin = search_url.split("/search/")[0]
    assert all(r.startswith(origin) for r in requests), [r for r in requests if not r.startswith(origin)]


def test_title_matches_rank_first_and_words_are_highlighted(browser, search_url):
    page = browser.new_page()
    page.goto(f"{search_url}?q={quote('روسيا')}")
    page.wait_for_selector(".search-result")
    first = page.locator(".search-result").first
    assert first.locator("h2").inner_text() == SEED_TITLE
    assert first.locator("h2 mark").first.inner_text() == "روسيا"
    assert page.locator(".search-result time").first.inner_text() == "18 فبراير 2025"
    page.close()


def test_word_only_in_another_article_does_not_find_the_seed(browser, search_url):
    titles, _, _ = _results(browser, f"{search_url}?q={quote('اليد')}")
    assert titles and SEED_TITLE not in titles
    assert any("كرة اليد" in t for t in titles)


def test_latin_case_is_folded(browser, search_url):
    titles, _, _ = _results(browser, f"{search_url}?q=gETTY")
    assert titles and all(t != SEED_TITLE for t in titles)


def test_category_filter_narrows_and_no_match_says_so(browser, search_url):
    everything, _, _ = _results(browser, f"{search_url}?q={quote('أكثر')}")
    politics, _, _ = _results(browser, f"{search_url}?q={quote('أكثر')}&cat={quote('سياسة')}")
    assert len(politics) < len(everything) and SEED_TITLE in politics
    titles, status, _ = _results(browser, f"{search_url}?q={quote('كلمةغيرموجودة')}")
    assert titles == [] and "لا توجد نتائج" in status


def test_search_is_usable_from_the_keyboard(browser, search_url):
    page = browser.new_page()
    page.goto(search_url)
    page.keyboard.press("Tab")  # skip link
    for _ in range(20):
        if page.evaluate("document.activeElement.id") == "search-q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type("الدبلوماسي")
    page.keyboard.press("Enter")
    page.wait_for_selector(".search-result")
    assert "q=" in page.url and SEED_TITLE in page.locator(".search-result h2").all_inner_texts()
    assert page.get_attribute("#search-status", "aria-live") == "polite"
    page.close()


def _bitmap_ids(text: str) -> list[int]:
    raw = base64.b64decode(text)
    return [8 * k + n for k, byte in enumerate(raw) for n in range(8) if byte >> n & 1]


def test_a_common_word_has_a_file_of_its_own_as_bitmaps_or_deltas(monkeypatch):
    """Beyond BIG_TERM ids a term gets b/NAME.json (named in its shard entry): [title ids,
    other ids], each a bitmap over all articles where that is smaller, else deltas."""
    from site_builder import search
    from site_builder.model import Site

    monkeypatch.setattr(search, "BIG_TERM", 5)
    order = tuple(f"a{n}" for n in range(400))
    postings = search.Postings()
    for doc_id in range(400):
        in_title = doc_id % 3 == 0
        common = ({"سياس"} if in_title else set(), set() if in_title else {"سياس"})
        rare = {"زلزال"} if doc_id % 50 == 7 else set()  # 8 articles: past BIG_TERM, but sparse
        postings.add(doc_id, common[0], common[1] | rare)
    site = Site(articles={}, order=order, categories=(), months=(), related={}, by_title={})
    docs = [
        {"url": f"/{s}/", "title": s, "category": "سياسة", "date": "", "date_text": "", "summary": ""} for s in order
    ]
    index = search.SearchIndex.from_postings(site, docs, postings, {})
    files = sorted(p for p in index.paths() if p.startswith("search/b/"))
    assert files == sorted(f"search/b/{search.big_name(t)}.json" for t in ("سياس", "زلزال"))

    shard = json.loads(index.file(f"search/t/{fnv1a('سياس') % index.shards}.json"))
    assert shard["سياس"] == {"df": 400, "f": search.big_name("سياس")}
    title, other = json.loads(index.file(f"search/b/{search.big_name('سياس')}.json"))
    assert isinstance(title, str) and isinstance(other, str)  # 50 bytes of bitmap, base64
    assert _bitmap_ids(title) == [n for n in range(400) if n % 3 == 0]
    assert _bitmap_ids(other) == [n for n in range(400) if n % 3]
    title, other = json.loads(index.file(f"search/b/{search.big_name('زلزال')}.json"))
    assert title == [] and other == [7, 50, 50, 50, 50, 50, 50, 50]  # deltas: shorter than a bitmap


def test_common_words_are_found_whole_in_the_browser(browser, tmp_path, monkeypatch):
    """Words past BIG_TERM come from their bitmaps: every result, counted, in rank order
    (title hits first, then newest), one page at a time, and two common words intersect."""
    from site_builder import search

    monkeypatch.setattr(search, "BIG_TERM", 3)
    site = numbered_site(tmp_path, 40, ["سياسة", "رياضة", "اقتصاد"], "بيروت", 5)
    app = DevServer(site, port=0, log=lambda m: None)
    url = app.start() + "search/"
    try:
        rows = json.loads((site / "output" / "search" / "d" / "0.json").read_text(encoding="utf-8"))
        rows += json.loads((site / "output" / "search" / "d" / "1.json").read_text(encoding="utf-8"))
        meta = json.loads((site / "output" / "search" / "meta.json").read_text(encoding="utf-8"))
        titles = [row[1] for row in rows]
        politics = [row[1] for row in rows if meta["categories"][row[2]] == "سياسة"]

        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"{url}?q={quote('الموضوع')}")
        page.wait_for_selector(".search-result")
        assert page.inner_text("#search-status").startswith("40 نتيجة")
        assert page.locator(".search-result h2").all_inner_texts() == titles[:10]
        assert any("/search/b/" in r for r in requests)
        page.click("#search-more")
        page.wait_for_function("document.querySelectorAll('.search-result').length === 20")
        assert page.locator(".search-result h2").all_inner_texts() == titles[:20]

        page.goto(f"{url}?q={quote('سياسة الموضوع')}")
        page.wait_for_selector(".search-result")
        assert page.inner_text("#search-status").startswith(f"{len(politics)} نتيجة")
        assert page.locator(".search-result h2").all_inner_texts() == politics[:10]
        page.close()
    finally:
        app.shutdown()
