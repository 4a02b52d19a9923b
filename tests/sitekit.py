"""Helpers for build tests: small sites written inline, and a crawler for what they output."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]


def make_site(root: Path, articles: list[dict], config: dict | None = None, demo_content: bool = False) -> Path:
    """A site folder with the project's templates and static files and the given articles."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "static", root / "static")
    if demo_content:
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copy(ROOT / "site.yml", root / "site.yml")
    (root / "content").mkdir(exist_ok=True)
    if config is not None:
        (root / "site.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for article in articles:
        write_article(root, article)
    return root


def write_article(root: Path, article: dict) -> Path:
    data = dict(article)
    body = data.pop("body", "نص الخبر.\n")
    name = data.pop("file", None) or f"{data['slug']}.md"
    path = root / "content" / name
    matter = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{matter}---\n\n{body}", encoding="utf-8")
    return path


def article(slug: str, title: str, date: str, category: str = "سياسة", **extra) -> dict:
    import datetime as dt

    return {
        "title": title,
        "slug": slug,
        "date": dt.date.fromisoformat(date),
        "category": category,
        "summary": extra.pop("summary", f"ملخص خبر {title}."),
        **extra,
    }


@dataclass
class Page:
    """What a test needs from one HTML page."""

    path: Path
    links: list[tuple[str, str, dict]] = field(default_factory=list)  # (tag, url, attrs)
    text: str = ""
    html_attrs: dict = field(default_factory=dict)


class _Collector(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs_d = dict(attrs)
        if tag == "html":
            self.page.html_attrs = attrs_d
        for key in ("href", "src"):
            if attrs_d.get(key) is not None:
                self.page.links.append((tag, attrs_d[key], attrs_d))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def parse_page(path: Path, text: str | None = None) -> Page:
    """Links, visible text and <html> attributes of a page (read from `path` unless `text` is given)."""
    page = Page(path)
    collector = _Collector(page)
    collector.feed(path.read_text(encoding="utf-8") if text is None else text)
    page.text = " ".join(" ".join(collector.chunks).split())
    return page


def resolve(out: Path, base_path: str, url: str, page_path: Path) -> Path | None:
    """The output file an internal URL points to; None for external URLs."""
    parts = urlsplit(url)
    if parts.scheme in ("mailto",) or (parts.scheme and parts.netloc):
        return None
    path = unquote(parts.path)
    if not path:
        return page_path
    if not path.startswith("/"):
        raise AssertionError(f"relative link {url!r} in {page_path}")
    assert path.startswith(base_path), f"{url!r} in {page_path} is outside the base path {base_path}"
    target = out / path[len(base_path) :]
    return target / "index.html" if path.endswith("/") else target


def broken_links(out: Path, base_path: str = "/") -> list[str]:
    """Every internal href/src on every HTML page that does not lead to a file."""
    broken = []
    for html in sorted(out.rglob("*.html")):
        for tag, url, _ in parse_page(html).links:
            target = resolve(out, base_path, url, html)
            if target is not None and not target.is_file():
                broken.append(f"{html.relative_to(out)}: <{tag}> {url}")
    return broken


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A plain static HTTP server for a built output folder, as GitHub Pages would serve it."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def numbered_site(root: Path, count: int, cats: list[str], city: str, per_page: int, heading: str = "") -> Path:
    """`count` articles n000… in turn in each of `cats`, over a year's days. With a `heading`
    word, each body has a heading and a see-also line naming the next article (the last
    one's names an article the archive lacks); else one paragraph."""
    items = []
    for i in range(count):
        body = (
            f"## {heading} {i}\n\nفقرة عن الموضوع رقم {i}.\n\n"
            f"شاهد ايضاً: خبر رقم {i + 1} عن {cats[(i + 1) % len(cats)]} في {city}\n"
            if heading
            else f"فقرة عن الموضوع رقم {i} وتفاصيله.\n"
        )
        title = f"خبر رقم {i} عن {cats[i % len(cats)]} في {city}"
        date = f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}"
        items.append(article(f"n{i:03d}", title, date, category=cats[i % len(cats)], body=body))
    return make_site(root / "site", items, config={"per_page": per_page})


def killed_run(script: str, *args: str) -> None:
    """Run `script` (python -c) in a child process that is expected to SIGKILL itself."""
    import subprocess
    import sys

    killed = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
