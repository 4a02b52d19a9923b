"""Arabic search: the same keys in Python and in the browser, and real queries in Chromium."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import quote

import pytest
from conftest import ROOT, SEED
from sitekit import make_site

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


def test_a_common_word_is_cut_into_chunks_in_rank_order(monkeypatch):
    """Title hits first, then the rest negated (-1 - id); each chunk file holds its slice."""
    from site_builder import search
    from site_builder.model import Site

    monkeypatch.setattr(search, "BIG_TERM", 5)
    monkeypatch.setattr(search, "CHUNK", 4)
    order = tuple(f"a{n}" for n in range(23))
    postings = search.Postings()
    for doc_id in range(23):
        in_title = doc_id % 3 == 0
        postings.add(doc_id, {"سياس"} if in_title else set(), set() if in_title else {"سياس"})
    site = Site(articles={}, order=order, categories=(), months=(), related={}, by_title={})
    docs = [
        {"url": f"/{s}/", "title": s, "category": "سياسة", "date": "", "date_text": "", "summary": ""} for s in order
    ]
    index = search.SearchIndex.from_postings(site, docs, postings, {})
    title = [n for n in range(23) if n % 3 == 0]
    ranked = [*title, *(-1 - n for n in range(23) if n % 3)]
    files = [p for p in index.paths() if p.startswith("search/b/")]
    assert len(files) == 6
    got = [json.loads(index.file(f"search/b/{fnv1a('سياس'):08x}-{n}.json")) for n in range(6)]
    assert got == [ranked[n * 4 : n * 4 + 4] for n in range(6)]
