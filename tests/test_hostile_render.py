"""Hostile content on its way to the page: script injection through every field an
article has, template injection, links with dangerous schemes, and heading anchors
that try to clobber the page's globals. The built site is parsed page by page and
then opened in Chromium, which must run nothing that content put there.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import run_cli
from sitekit import article, make_site, serve_folder

TAGS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)' x='",
    '" onfocus="alert(1)" autofocus="',
    "</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "]]><script>alert(1)</script>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=javascript:alert(1)>انقر</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "\u2028\u2029</script>",
]
TEMPLATES = [
    "{{ 7*191 }}",
    "{% for x in 'abc' %}ZQZ{% endfor %}",
    "{{ config.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{# تعليق #}",
]
SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "%6Aavascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "//evil.example/x",
]
PAYLOADS = TAGS + TEMPLATES


def _body(payload: str) -> str:
    links = "\n".join(f"- [رابط {n}]({url}) ![صورة {n}]({url}) <{url}>" for n, url in enumerate(SCHEMES))
    refs = "\n".join(f"[مرجع {n}]: {url}" for n, url in enumerate(SCHEMES))
    return (
        f"## {payload}\n\nفقرة فيها {payload} وسط النص.\n\n> {payload}\n\n`{payload}`\n\n"
        f"```\n{payload}\n```\n\n{links}\n\n[مرجع 0] [مرجع 1] [مرجع 2]\n\n{refs}\n\n"
        f"شاهد ايضاً: {payload}\n\n| عمود | {payload} |\n|---|---|\n| {payload} | خلية |\n"
    )


def _articles() -> list[dict]:
    found = []
    for n, payload in enumerate(PAYLOADS):
        found.append(
            article(
                f"x{n}",
                f"خبر {n} {payload}",
                f"2025-02-{n % 27 + 1:02d}",
                category=f"قسم {payload}" if n % 4 == 0 else "سياسة",
                summary=f"ملخص {payload}",
                body=_body(payload),
                images=[
                    {
                        "src": None,
                        "alt": f"صورة {payload}",
                        "caption": f"تعليق {payload}",
                        "credit": f"{payload}/رويترز",
                    }
                ],
                see_also=[{"title": payload}],
                related=[
                    {
                        "title": f"متصل {payload}",
                        "summary": f"ملخص متصل {payload}",
                        "category": payload,
                        "image_alt": payload,
                    }
                ],
            )
        )
    return found


class _Audit(HTMLParser):
    """Everything on a page that could run script or lead to a dangerous URL."""

    URL_ATTRS = ("href", "src", "action", "formaction", "poster", "data", "cite", "background", "xlink:href")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self._script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        self.handlers += [f"<{tag} {k}>" for k in found if k.startswith("on")]
        self.urls += [v for k, v in found.items() if k in self.URL_ATTRS and v is not None]
        self.urls += [part.split()[0] for part in (found.get("srcset") or "").split(",") if part.strip()]
        if found.get("id") is not None:
            self.ids.append(found["id"])
        if tag == "script":
            self._script, self._text = found, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def audit(path: Path) -> _Audit:
    found = _Audit()
    found.feed(path.read_text(encoding="utf-8"))
    found.close()
    return found


def scheme_of(url: str) -> str:
    """The scheme a browser would see: it drops surrounding spaces and controls, and tabs
    and newlines anywhere, before reading it."""
    squeezed = re.sub(r"[\t\n\r]", "", url).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
        "\x1d\x1e\x1f "
    )
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", squeezed)
    return match.group(1).lower() if match else ""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    site = make_site(
        tmp_path_factory.mktemp("xss") / "site",
        _articles(),
        config={"base_url": "https://khabarain.example/", "title": "خَبَرَيْن <script>"},
    )
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    return site


def test_no_page_carries_script_handlers_or_dangerous_links_from_content(hostile_site):
    out = hostile_site / "output"
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    for page in pages:
        found = audit(page)
        assert found.handlers == [], (page, found.handlers)
        bad = [u for u in found.urls if scheme_of(u) not in ("", "http", "https", "mailto")]
        assert bad == [], (page, bad)
        assert not {"iframe", "frame", "object", "embed", "base", "svg", "math", "style"} & set(found.tags), page
        assert "meta" not in found.tags[found.tags.index("body") :], page  # no refresh smuggled into the body
        for attrs, text in found.scripts:
            if attrs.get("type") == "application/ld+json":
                json.loads(text)  # still valid JSON, whatever the title holds
                assert "</" not in text
            else:
                assert attrs.get("src") == "/static/js/search.js" and not text.strip(), (page, attrs, text)


def test_payloads_arrive_as_text_everywhere(hostile_site):
    out = hostile_site / "output"
    for n, payload in enumerate(PAYLOADS):
        page = out / f"x{n}" / "index.html"
        html = page.read_text(encoding="utf-8")
        scripts = audit(page).scripts
        ld = json.loads(next(text for attrs, text in scripts if attrs.get("type") == "application/ld+json"))
        title = " ".join(f"خبر {n} {payload}".split())
        assert ld["headline"] == title and ld["description"] == " ".join(f"ملخص {payload}".split())
        from html import unescape

        text = unescape(re.sub(r"<[^>]+>", " ", html))
        for field in (f"ملخص {payload}", f"تعليق {payload}", f"متصل {payload}", "فقرة فيها"):
            assert " ".join(field.split()) in " ".join(text.split()), (n, field)
    every = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "1337" not in every  # {{ 7*191 }} was never evaluated
    assert "ZQZZQZ" not in every  # nor the loop
    assert "site_builder" not in every and "__subclasses__() }}" in every
    assert "{{ 7*191 }}" in (out / f"x{len(TAGS)}" / "index.html").read_text(encoding="utf-8")


def test_feeds_sitemap_and_search_index_stay_well_formed(hostile_site):
    out = hostile_site / "output"
    feeds = [out / "feed.xml", *out.glob("*/feed.xml")]
    assert len(feeds) >= 3
    titles = []
    for feed in feeds:
        root = ET.parse(feed).getroot()
        titles += [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t and "<script>alert(1)</script>" in t for t in titles)  # as text, decoded from XML
    ET.parse(out / "sitemap.xml")
    for index in (out / "search").rglob("*.json"):
        json.loads(index.read_text(encoding="utf-8"))


def test_chromium_runs_nothing_that_content_put_on_any_page(browser, hostile_site):
    out = hostile_site / "output"
    dialogs: list[str] = []
    with serve_folder(out) as base:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        paths = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
        for rel in paths:
            page.goto(f"{base}/{quote(rel.removesuffix('index.html'))}")
            if re.fullmatch(r"x\d+/index.html", rel):  # hover what an injected handler could hang on
                for element in page.query_selector_all("main a, main img, main h2"):
                    element.hover(timeout=1000, force=True, no_wait_after=True)
        page.goto(f"{base}/search/?q={quote('<script>alert(1)</script>')}")
        page.wait_for_selector("#search-results li", timeout=10000)
        assert page.locator("#search-results li").count() > 0
        page.goto(f"{base}/search/?q={quote(TAGS[1])}")
        page.wait_for_timeout(500)
        assert page.evaluate("typeof window.alert") == "function"
        page.close()
    assert dialogs == []
    # The only outside fetch is the image a body asked for by a //host/ URL, which is http(s).
    assert {u for u in requests if not u.startswith(base)} <= {"http://evil.example/x"}


# -- heading anchors -------------------------------------------------------------------------------

HEADINGS = [
    "تفاصيل",
    "تفاصيل",
    "تَفَاصِيل",
    "تفاصيل 2",
    "location",
    "document",
    "alert",
    "search-q",
    "search-form",
    "main",
    "related-heading",
    "__proto__",
    "constructor",
    "h-تفاصيل",
    "؟؟؟",
    "---x---",
    "\u200fتفاصيل\u200f",
    "top",
    "name",
    "length",
    "toString",
]


def test_heading_anchors_are_unique_and_cannot_clobber_globals(tmp_path, browser):
    body = "".join(f"## {h}\n\nفقرة تحت «{h}».\n\n" for h in HEADINGS)
    site = make_site(
        tmp_path / "site",
        [article("anchors", "خبر بعناوين كثيرة", "2025-02-18", body=body), article("other", "خبر آخر", "2025-02-17")],
    )
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    found = audit(site / "output" / "anchors" / "index.html")
    assert len(found.ids) == len(set(found.ids)), found.ids
    html = (site / "output" / "anchors" / "index.html").read_text(encoding="utf-8")
    heading_ids = re.findall(r'<h2 id="([^"]+)">', html)
    heading_ids = [i for i in heading_ids if i != "related-heading"]
    assert len(heading_ids) == len(HEADINGS)
    assert all(i.startswith("h-") for i in heading_ids), heading_ids

    with serve_folder(site / "output") as base:
        page = browser.new_page()
        page.goto("about:blank")
        builtins = set(page.evaluate("Object.getOwnPropertyNames(window)"))
        page.goto(f"{base}/anchors/")
        assert not set(heading_ids) & builtins
        checks = page.evaluate("""() => ({
            location: typeof window.location.href, document: typeof document.createElement,
            alert: typeof window.alert, toString: typeof window.toString, name: typeof window.name,
            main: document.getElementById('main').tagName, top: window.top === window,
        })""")
        assert checks == {
            "location": "string",
            "document": "function",
            "alert": "function",
            "toString": "function",
            "name": "string",
            "main": "MAIN",
            "top": True,
        }
        target = heading_ids[4]
        page.goto(f"{base}/anchors/#{quote(target)}")
        assert page.evaluate("decodeURIComponent(location.hash.slice(1))") == target
        assert page.evaluate(f"document.getElementById({json.dumps(target)}).textContent") == "location"
        page.close()
