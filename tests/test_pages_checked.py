"""The built demo archive as checkers and a browser see it: Nu Html Checker, axe-core,
screenshots at phone and desktop widths (kept in tests/_artifacts/ to look at)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, run_cli
from sitekit import make_site, serve_folder

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "_artifacts"
SEED_SLUG = "روسيا-تسعى-لاستعادة-وجودها-الدبلوماسي-بأمريكا"


def _need(path: Path | str, how: str) -> None:
    found = shutil.which(path) if isinstance(path, str) else path.exists()
    if not found:
        pytest.fail(f"{path} is missing: {how} (bash .ci/run installs it)")


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("demo") / "site", [], demo_content=True)
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    return site / "output"


@pytest.fixture(scope="module")
def server(demo_output):
    with serve_folder(demo_output) as url:
        yield url


def vnu_errors(pages: list[str]) -> list[str]:
    """The Nu Html Checker's errors on these files, as `file:line: message`."""
    _need(VNU, "npm install")
    _need("java", "apt-get install default-jre-headless")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]


def serious_axe_violations(page) -> list[str]:
    """axe-core run in an open Playwright page: its serious and critical violations."""
    _need(AXE, "npm install")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.slow
def test_every_page_passes_the_nu_html_checker(demo_output):
    pages = sorted(str(p) for p in demo_output.rglob("*.html"))
    assert len(pages) > 25
    errors = vnu_errors(pages)
    assert errors == [], "\n".join(errors[:20])


PAGES = {
    "home": "/",
    "category": "/politics/",
    "article": f"/{quote(SEED_SLUG)}/",
    "search": f"/search/?q={quote('الدبلوماسي')}",
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_rtl_nothing_overflows(browser, server, name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    response = page.goto(server + PAGES[name])
    assert response is not None and response.status == 200
    if name == "search":
        page.wait_for_selector(".search-result")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} at {width}px is {overflow}px wider than the screen"
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -1 || r.right > innerWidth + 1);
    }).map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert wide == [], wide
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > width / 2, "the site name should sit at the right, where Arabic pages start"
    assert all(url.startswith(server) for url in requests), [u for u in requests if not u.startswith(server)]
    if name == "article":
        credit = page.locator("figcaption .credit").first
        assert credit.is_visible() and credit.inner_text() == "توم برينر/رويترز"
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('figcaption')).fontSize)")
        assert size >= 13
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_violations(browser, server, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + PAGES[name])
    if name == "search":
        page.wait_for_selector(".search-result")
    bad = serious_axe_violations(page)
    assert bad == [], bad
    page.close()


def test_demo_links_resolve_with_and_without_base_path(demo_output, tmp_path):
    from sitekit import broken_links

    assert broken_links(demo_output) == []
    site = demo_output.parent
    result = run_cli(
        "build", "--site", str(site), "--out", str(tmp_path / "out"), "--base-url", "https://example.github.io/archive/"
    )
    assert result.returncode == 0, result.stderr
    assert broken_links(tmp_path / "out", "/archive/") == []


def test_demo_see_also_and_related_link_across_the_archive(demo_output):
    app = demo_output / "تطبيق-جديد-يحول-الكلام-العربي-إلى-نص-بدقة-عالية-ويدعم-اللهجات-المحلية" / "index.html"
    html = app.read_text(encoding="utf-8")
    target = quote("/الشركات-الناشئة-الخليجية-تجذب-استثمارات-قياسية-في-النصف-الأول-من-العام/")
    aside = html.split('<aside class="see-also">')[1].split("</aside>")[0]
    assert f'href="{target}"' in aside  # «إستثمارات» in the see-also line, «استثمارات» in the title
    vote = demo_output / "جمهوريون-مجلس-الشيوخ-في-إنديانا-يرفضون-دفع-ترامب-لإعادة-تقسيم-الدوائر-الانتخابية"
    related = (vote / "index.html").read_text(encoding="utf-8").split('id="related-heading"')[1]
    assert related.count('<article class="card') == 4
    assert f'href="{quote("/" + SEED_SLUG + "/")}"' in related


def test_demo_image_with_a_file_has_size_and_lazy_loading(demo_output):
    folder = demo_output / "المنتخب-يحسم-بطاقة-التأهل-بفوز-متأخر-على-ملعبه"
    html = (folder / "index.html").read_text(encoding="utf-8")
    img = html.split('<figure class="figure">')[1].split(">")[0]
    assert 'width="600" height="400" loading="lazy"' in img
    assert (folder / "01-stadium-crowd.png").is_file()
    assert html.count("<figure") == 2 and html.count("<img") == 1 + html.count('class="card-image"')
