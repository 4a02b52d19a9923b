"""The shared pre-publish checks: the quick link scan reports exactly what the HTML parser finds."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.deploy.checks import page_link_problems

BASE = "https://u.github.io/repo/"


class _All(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


def _reference(html: str) -> list[str]:
    """The rule, on every link the parser finds (what the check did before it had a quick path)."""
    parser = _All()
    parser.feed(html)
    found = []
    for url in parser.urls:
        parts = urlsplit(url)
        own = parts.netloc == "u.github.io"
        if ((not parts.netloc and url.startswith("/")) or own) and not parts.path.startswith("/repo/"):
            found.append(f"link {url!r} is outside the base path /repo/")
        elif not parts.scheme and not parts.netloc and not url.startswith(("/", "#", "?")):
            found.append(f"relative link {url!r} breaks on pages in folders")
    return found[:5]


URLS = [
    "/repo/ok/",
    "/elsewhere/",
    "rel/",
    "#top",
    "?q=1",
    "https://u.github.io/other/",
    "https://u.github.io/repo/x",
    "https://x.com/intent?url=a&amp;text=b",
    "&#47;elsewhere",
    "&#47;repo/fine",
    "mailto:a@b",
    "/repo/خبر/",
    "/%D8%AE%D8%A8%D8%B1/",
    "",
    " /repo/x",
    "//cdn.example/x.js",
]
TEMPLATES = [
    '<a href="{}">x</a>',
    "<img src='{}'>",
    "<a HREF={}>x</a>",
    '<a data-href="{}" href="/repo/">x</a>',
    '<!-- <a href="{}"> -->',
    '<script>var s = "<a href=\\"{}\\">";</script>',
    '<link\nhref = "{}">',
    '<a title=\'href="{}"\' href="/repo/a/">x</a>',
    '<SCRIPT SRC="{}"></SCRIPT>',
    "<p>href={} in text</p>",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TEMPLATES), st.sampled_from(URLS)), max_size=8))
def test_quick_scan_reports_what_the_parser_finds(parts):
    html = "<main>" + "".join(template.format(url) for template, url in parts) + "</main>"
    expected = _reference(html)
    assert [p.message for p in page_link_problems(html, "p.html", BASE)] == expected
    assert [p.message for p in page_link_problems(html.encode(), "p.html", BASE)] == expected


def test_entities_are_decoded_as_the_parser_decodes_them():
    assert [p.message for p in page_link_problems('<a href="&#47;x/">', "p.html", BASE)] == [
        "link '/x/' is outside the base path /repo/"
    ]
    assert page_link_problems('<a href="https://x.com/?a=1&amp;b=2">', "p.html", BASE) == []
