"""content/*.md -> Article: front matter checked against the model, body kept as Markdown.

No rendering happens here; a file's problems are raised as one SiteError with
its `path:line`, so the build can collect them all and carry on.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from . import frontmatter
from .errors import SiteError
from .model import DATE_SOURCES, Article, Image, RelatedItem, SeeAlso, Source
from .text import SEE_ALSO_LABEL, clean_block, clean_line, see_also_title, slugify
from .urls import source_key

# An absolute address in Markdown: a link's destination, an autolink or a reference definition.
_URL_RE = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)
_ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")

KNOWN_KEYS = frozenset(
    ("title", "slug", "date", "date_source", "category", "summary", "images", "see_also", "related", "source")
)


def parse_bytes(raw: bytes, rel: str) -> Article:
    """A content file's bytes into an Article: UTF-8 (BOM allowed), no NUL, not empty.
    `rel` is how errors name the file (relative to the site)."""
    if b"\x00" in raw:
        raise SiteError("binary file (NUL byte), not Markdown", rel)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise SiteError(f"not UTF-8 text (byte {err.start})", rel, line) from None
    if not text.strip():
        raise SiteError("empty file", rel)
    return parse_article(text.replace("\r\n", "\n").replace("\r", "\n"), rel)


def parse_article(text: str, rel: str) -> Article:
    """Front matter + body of one file into an Article."""
    matter, body, _ = frontmatter.split(text, rel)
    data, lines = frontmatter.load(matter, rel)
    fields = _Fields(data, lines, rel)
    title = clean_line(fields.string("title", required=True))
    if not title:
        raise SiteError("title is empty", rel, lines.get("title"))
    slug = fields.string("slug") or slugify(title)
    if slugify(slug) != slug:
        raise SiteError(f"slug {slug!r} is not a clean URL segment (try {slugify(slug)!r})", rel, lines.get("slug"))
    date_source = fields.string("date_source") or "file"
    if date_source not in DATE_SOURCES:
        raise SiteError(f"date_source must be one of {', '.join(DATE_SOURCES)}", rel, lines.get("date_source"))
    return Article(
        title=title,
        slug=slug,
        date=fields.date("date"),
        date_source=date_source,
        category=clean_line(fields.string("category")),
        summary=clean_block(fields.string("summary")),
        body=body,
        images=tuple(_image(item, fields) for item in fields.items("images")),
        see_also=tuple(
            SeeAlso(clean_line(fields.sub_string(item, "see_also", "title", True))) for item in fields.items("see_also")
        ),
        related=tuple(_related(item, fields) for item in fields.items("related")),
        source=_source(data.get("source"), fields),
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
        body_see_also=body_see_also(body),
        body_links=body_links(body),
    )


def body_see_also(body: str) -> tuple[str, ...]:
    """The see-also titles a body links to (its «شاهد ايضاً: …» lines, escapes removed)."""
    found = []
    for line in body.splitlines():
        if line.startswith(SEE_ALSO_LABEL[:4]):
            title = see_also_title(line.replace("\\", ""))
            if title:
                found.append(title)
    return tuple(found)


def body_links(body: str) -> tuple[str, ...]:
    """The source keys of the absolute addresses a body holds, each once, in order.

    Found by a pattern, not by parsing the Markdown (the build keeps bodies on disk);
    the renderer rewrites a link only when its key is among these, so what is recorded
    here is exactly what decides a page's links, whether or not the pattern saw them all.
    """
    if "://" not in body:
        return ()
    found: dict[str, None] = {}
    for match in _URL_RE.finditer(body):
        key = source_key(html.unescape(_ESCAPED_RE.sub(r"\1", match.group())))
        if key is not None:
            found.setdefault(key)
    return tuple(found)


def read_body(path: Path) -> str:
    """Just the Markdown body of a content file that has parsed before."""
    return body_of_bytes(path.read_bytes(), str(path))


def body_of_bytes(raw: bytes, where: str) -> str:
    """The Markdown body of a content file's bytes that have parsed before."""
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return frontmatter.split(text, where)[1]


def _image(item: dict[str, Any], fields: _Fields) -> Image:
    get = lambda key, req=False: fields.sub_string(item, "images", key, req)  # noqa: E731
    return Image(
        alt=clean_line(get("alt")),
        caption=clean_block(get("caption")),
        credit=clean_line(get("credit")),
        src=get("src") or None,
        src_original=get("src_original") or None,
    )


def _related(item: dict[str, Any], fields: _Fields) -> RelatedItem:
    get = lambda key, req=False: clean_line(fields.sub_string(item, "related", key, req))  # noqa: E731
    return RelatedItem(
        title=get("title", True), summary=get("summary"), category=get("category"), image_alt=get("image_alt")
    )


def _source(value: Any, fields: _Fields) -> Source | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fields.error("source", "must be a mapping with path, format and sha256")
    get = lambda key: fields.sub_string(value, "source", key, False)  # noqa: E731
    return Source(path=get("path"), format=get("format"), sha256=get("sha256"), url=get("url"))


class _Fields:
    """Typed access to front matter values; a wrong type is an error on the key's line."""

    def __init__(self, data: dict[str, Any], lines: dict[str, int], rel: str):
        self.data, self.lines, self.rel = data, lines, rel

    def error(self, key: str, message: str) -> SiteError:
        return SiteError(f"{key}: {message}", self.rel, self.lines.get(key))

    def string(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise SiteError(f"missing {key!r} in front matter", self.rel, 1)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(key, f"expected text, got {type(value).__name__}")
        return str(value)

    def date(self, key: str) -> dt.date | dt.datetime:
        value = self.data.get(key)
        if value is None:
            raise SiteError(f"missing {key!r} in front matter", self.rel, 1)
        if isinstance(value, (dt.date, dt.datetime)):
            return value
        raise self.error(key, f"expected a date like 2025-02-18, got {value!r}")

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, "expected a list of mappings")
        return value

    def sub_string(self, item: dict[str, Any], key: str, sub: str, required: bool) -> str:
        value = item.get(sub)
        if value is None:
            if required:
                raise self.error(key, f"an entry has no {sub!r}")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(key, f"{sub} must be text, got {type(value).__name__}")
        return str(value)
