"""Live reload as an editor sees it, in headless Chromium: edit, break, fix, restyle."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from sitekit import make_site

from site_builder.serve import DevServer

ARTICLE = "روسيا-تسعى-لاستعادة-وجودها-الدبلوماسي-بأمريكا"


@pytest.fixture
def served(tmp_path):
    site = make_site(tmp_path / "site", [], demo_content=True)
    app = DevServer(site, port=0, log=lambda m: None)
    url = app.start()
    yield app, url
    app.shutdown()


def test_edit_break_fix_and_restyle_without_touching_the_browser(served, browser):
    app, url = served
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url + quote(ARTICLE) + "/")
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('روسيا')")
    time.sleep(0.5)  # the reload channel is connected

    source = app.root / "content" / f"{ARTICLE}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("لقد تآكلت قدرات روسيا التجسسية", "فقرة عدّلها المحرر للتو. لقد تآكلت قدرات روسيا"),
        encoding="utf-8",
    )
    page.wait_for_selector("text=فقرة عدّلها المحرر للتو", timeout=20000)

    template = app.root / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{{ article.title }}</h1>", "{{ article.title </h1>"), encoding="utf-8")
    error = page.wait_for_selector("#__sb_error", timeout=20000)
    assert "article.html:" in error.inner_text() and "Build failed" in error.inner_text()

    template.write_text(good, encoding="utf-8")
    page.wait_for_selector("#__sb_error", state="detached", timeout=20000)
    assert "فقرة عدّلها المحرر للتو" in page.inner_text(".article-body")

    page.evaluate("window.__still_here = true")
    css = app.root / "static" / "css" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { color: rgb(0, 128, 0); }\n", encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).color === 'rgb(0, 128, 0)'", timeout=20000)
    assert page.evaluate("window.__still_here === true"), "a CSS change must not reload the page"
    assert all(r.startswith(url.rstrip("/")) for r in requests), [r for r in requests if not r.startswith(url)]
    page.close()
