"""Checks any target runs on an output folder before publishing: links, modes, sizes.

Each check takes the `Survey` (the folder walked once) and returns problems; a target
picks the checks and the limits that hold for it.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import SplitResult, urlsplit

from ..errors import Problem
from .publisher import Survey, human_bytes


@dataclass(frozen=True)
class Limits:
    """The most a target accepts; None is no limit."""

    name: str  # whose limits, for the messages
    max_file: int | None = None
    max_site: int | None = None
    advice: str = ""  # what to do instead when the site is too large


def size_problems(found: Survey, limits: Limits) -> list[Problem]:
    """Files over the per-file limit, and the whole site over the site limit."""
    problems = []
    if limits.max_file is not None:
        for entry in found.regular_files():
            if entry.size > limits.max_file:
                problems.append(
                    Problem(
                        "error",
                        f"file is {entry.size / 2**20:.0f} MB; {limits.name} accepts at "
                        f"most {human_bytes(limits.max_file)} a file",
                        entry.rel,
                    )
                )
    if limits.max_site is not None and found.bytes > limits.max_site:
        problems.append(
            Problem(
                "error",
                f"the site is {human_bytes(found.bytes)} in {found.files} files; "
                f"{limits.name} accepts at most {human_bytes(limits.max_site)}"
                + (f": {limits.advice}" if limits.advice else ""),
            )
        )
    return problems


def link_problems_on_disk(found: Survey, hard_links: bool = True) -> list[Problem]:
    """Symbolic links (never published as files) and, where the target refuses them, hard links."""
    problems = []
    for entry in found.entries:
        if stat.S_ISLNK(entry.mode):
            problems.append(Problem("error", "symbolic link in the output", entry.rel))
        elif hard_links and stat.S_ISREG(entry.mode) and entry.nlink > 1:
            problems.append(Problem("error", "hard link in the output", entry.rel))
    return problems


def mode_problems(found: Survey) -> list[Problem]:
    """Files and folders that a web server running as another user could not read."""
    problems = []
    for entry in found.entries:
        if stat.S_ISDIR(entry.mode) and entry.mode & 0o005 != 0o005:
            problems.append(Problem("error", "folder is not readable by everyone", entry.rel))
        elif stat.S_ISREG(entry.mode) and entry.mode & 0o004 == 0:
            problems.append(Problem("error", "file is not readable by everyone", entry.rel))
    return problems


def url_problems(found: Survey, base_url: str) -> list[Problem]:
    """Links on every HTML page that would break where the site is served (at most 5 a page)."""
    problems = []
    for entry in found.regular_files():
        if entry.rel.endswith(".html"):
            problems += page_link_problems((found.out / entry.rel).read_bytes(), entry.rel, base_url)
    return problems


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


# href= or src= in any case, then the value; the look-behinds make the scan start only at h, H, s, S
_ATTRIBUTE = re.compile(
    rb"""[hHsS](?:(?<=[hH])[rR][eE][fF]|(?<=[sS])[rR][cC])\s*=\s*"""
    rb"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
)


def page_link_problems(html: str | bytes, rel: str, base_url: str) -> list[Problem]:
    """Root-relative links must start with the base path; links to our own host must too.

    A regular expression first finds every href/src value (more than the HTML parser
    would: in comments and scripts too), decoded as the parser decodes them; only when one
    of them looks wrong is the page parsed, and the parser's links reported.
    Most pages are fine, and the expression is several times faster than the parser.
    """
    base = urlsplit(base_url) if base_url else None
    base_path = (base.path.rstrip("/") + "/") if base else "/"
    raw = html.encode() if isinstance(html, str) else html
    quick = [unescape((a or b or c).decode("utf-8", "replace")) for a, b, c in _ATTRIBUTE.findall(raw)]
    if not any(_link_problem(url, base, base_path) for url in quick if url):
        return []
    parser = _Links()
    parser.feed(html if isinstance(html, str) else html.decode("utf-8", "replace"))
    found = []
    for url in parser.urls:
        message = _link_problem(url, base, base_path)
        if message:
            found.append(Problem("error", message, rel))
    return found[:5]


def _link_problem(url: str, base: SplitResult | None, base_path: str) -> str | None:
    parts = urlsplit(url)
    own_host = base is not None and parts.netloc == base.netloc
    if ((not parts.netloc and url.startswith("/")) or own_host) and not parts.path.startswith(base_path):
        return f"link {url!r} is outside the base path {base_path}"
    if not parts.scheme and not parts.netloc and not url.startswith(("/", "#", "?")):
        return f"relative link {url!r} breaks on pages in folders"
    return None
