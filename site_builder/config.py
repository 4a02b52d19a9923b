"""site.yml -> SiteConfig: a typed, frozen object passed to every pass.

Every key is optional; an unknown key or a value of the wrong type is an error
naming the key and its line, and all such errors are reported together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import frontmatter
from .errors import Problem, SiteError
from .text import slugify

CONFIG_NAME = "site.yml"
CHECKS = ("unresolved_see_also", "unknown_category", "missing_credit", "missing_image")
LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class MenuItem:
    """A menu entry: a category name and the URL segment of its pages."""

    name: str
    slug: str  # "" for the home page


DEFAULT_MENU = (
    MenuItem("الرئيسية", ""),
    MenuItem("أخبار", "news"),
    MenuItem("سياسة", "politics"),
    MenuItem("أعمال", "business"),
    MenuItem("رياضة", "sport"),
    MenuItem("العالم", "world"),
    MenuItem("تكنولوجيا", "technology"),
    MenuItem("اقتصاد", "economy"),
    MenuItem("صحة", "health"),
    MenuItem("تسلية", "entertainment"),
)


@dataclass(frozen=True)
class SiteConfig:
    """The site's settings. Paths are relative to the site folder."""

    # Site name, shown in the header, titles and feeds.
    title: str = "خَبَرَيْن"
    # One line about the site, for the home page's meta description and the feed.
    description: str = "أرشيف أخبار خَبَرَيْن: سياسة واقتصاد ورياضة وأخبار العالم"
    # Where the site is served, e.g. https://user.github.io/repo/ ("" = links from the domain root).
    base_url: str = ""
    # Language and direction of every page.
    language: str = "ar"
    direction: str = "rtl"
    # The menu, in order: category names and their URL slugs (the home entry has slug "").
    menu: tuple[MenuItem, ...] = DEFAULT_MENU
    # Articles per category and archive page.
    per_page: int = 20
    # Items in each article's related-news block.
    related_count: int = 4
    # Latest articles on the home page, and articles in each home page category section.
    home_latest: int = 10
    home_per_category: int = 4
    # Entries in each Atom feed.
    feed_size: int = 20
    # Time zone that dates without a time of day are in (IANA name).
    timezone: str = "Asia/Riyadh"
    # How serious each named check is: error, warning (fails --strict) or info (reported only).
    # A partial mirror may set unresolved_see_also: info, as its pages link to ones it lacks.
    checks: dict[str, str] = field(default_factory=dict)
    # Folders, relative to the site.
    content_dir: str = "content"
    templates_dir: str = "templates"
    static_dir: str = "static"
    # Set from the command line, not site.yml.
    root: Path = field(default=Path("."), compare=False)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: "/" or "/repo/"."""
        path = urlsplit(self.base_url).path if self.base_url else "/"
        return "/" + path.strip("/") + "/" if path.strip("/") else "/"

    @property
    def site_url(self) -> str:
        """Scheme and host of base_url ("" when the site has no base URL)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_SETTABLE = {f.name: f for f in fields(SiteConfig) if f.name != "root"}


def load(root: Path, overrides: dict[str, Any] | None = None) -> SiteConfig:
    """Read `root/site.yml` (if any) and apply command-line overrides; SiteError lists every problem."""
    path = root / CONFIG_NAME
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    if path.is_file():
        matter = path.read_text(encoding="utf-8-sig")
        data, lines = frontmatter.load(matter, str(path), numbers=True) if matter.strip() else ({}, {})
        lines = {k: v - 1 for k, v in lines.items()}  # site.yml has no opening '---' line
    data.update(overrides or {})
    problems = [Problem("error", msg, str(path), lines.get(key)) for key, msg in _check(data)]
    if problems:
        raise ConfigError(problems)
    values: dict[str, Any] = {k: (_menu(v) if k == "menu" else v) for k, v in data.items()}
    if "base_url" in values and values["base_url"] and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return replace(SiteConfig(**values), root=root)


class ConfigError(SiteError):
    """All the problems of site.yml at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __str__(self) -> str:
        return self.message


def _check(data: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    for key, value in data.items():
        if key not in _SETTABLE:
            problems.append((key, f"unknown key {key!r} (known: {', '.join(sorted(_SETTABLE))})"))
            continue
        message = _check_value(key, value)
        if message:
            problems.append((key, f"{key}: {message}"))
    return problems


def _check_value(key: str, value: Any) -> str | None:
    if key == "menu":
        return _check_menu(value)
    if key == "checks":
        return _check_checks(value)
    expected = type(getattr(SiteConfig, key))
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"expected a whole number of at least 1, got {value!r}"
        return None
    if not isinstance(value, str):
        return f"expected text, got {value!r}"
    if key == "base_url" and value and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
        return f"expected an http(s) URL such as https://user.github.io/repo/, got {value!r}"
    if key == "direction" and value not in ("rtl", "ltr"):
        return "expected rtl or ltr"
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"unknown time zone {value!r}"
    return None


def _check_checks(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"expected a mapping of check names ({', '.join(CHECKS)}) to levels"
    for name, level in value.items():
        if name not in CHECKS:
            return f"unknown check {name!r} (known: {', '.join(CHECKS)})"
        if level not in LEVELS:
            return f"level of {name} must be one of {', '.join(LEVELS)}, got {level!r}"
    return None


def _check_menu(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "expected a list of {name, slug} entries"
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or set(entry) - {"name", "slug"}:
            return f"each entry needs a name (and optionally a slug), got {entry!r}"
        slug = entry.get("slug", slugify(entry["name"]))
        if not isinstance(slug, str) or (slug and slugify(slug) != slug):
            return f"slug {slug!r} of {entry['name']!r} is not a clean URL segment"
    return None


def _menu(value: list[dict[str, str]]) -> tuple[MenuItem, ...]:
    return tuple(MenuItem(e["name"], e.get("slug", slugify(e["name"]))) for e in value)
