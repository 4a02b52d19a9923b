"""Article -> Markdown with YAML front matter (written atomically by output.write_atomic).

The file records a digest of itself as the importer wrote it, so a later
re-import can tell a file that a person has edited (keep it) from one that
is still exactly the importer's output (safe to update).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import yaml

from ..model import Article
from .page import SEE_ALSO_LABEL, Block, Heading, Markup, Paragraph, SeeAlsoBlock

_GUARD_KEY = "output_sha256"
# The placeholder is all digits, so YAML quotes it; the digest keeps those quotes.
_GUARD_RE = re.compile(rf"^(  {_GUARD_KEY}: ')([0-9a-f]{{64}})(')$", re.MULTILINE)
_ZERO = "0" * 64
# Characters that would turn plain text into Markdown syntax anywhere in a line.
_INLINE_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>&~|])")
# Line starts that open a block: heading, quote, list, thematic break, code fence.
_BLOCK_START_RE = re.compile(r"^(\s*)(#|>|[-+=]|\d+[.)]|~~~|```)")


def escape_markdown(text: str) -> str:
    """Text that Markdown renders as exactly these characters, never as markup."""
    return escape_block_start(escape_inline(text))


def escape_inline(text: str) -> str:
    """Characters that would become markup anywhere in a line, escaped."""
    return _INLINE_SPECIAL_RE.sub(r"\\\1", text)


def escape_block_start(text: str) -> str:
    """A line start that would open a block (heading, list, quote), escaped."""
    return _BLOCK_START_RE.sub(lambda m: m.group(1) + _escape_start(m.group(2)), text)


def _escape_start(token: str) -> str:
    if token[0].isdigit():
        return token[:-1] + "\\" + token[-1]
    return "\\" + token


def body_markdown(blocks: tuple[Block, ...]) -> str:
    """Headings as `## `, paragraphs as they were, see-also as its own line in the source form.

    A see-also stays where the page had it as «شاهد ايضاً: TITLE» on a line of
    its own: readable to an editor, and the builder turns it into a link.
    """
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + escape_markdown(block.text))
        elif isinstance(block, SeeAlsoBlock):
            parts.append(f"{SEE_ALSO_LABEL}: {escape_markdown(block.title)}")
        elif isinstance(block, Markup):
            parts.append(block.markdown)
        elif isinstance(block, Paragraph):
            parts.append(block.markdown or escape_markdown(block.text))
    return "\n\n".join(parts) + "\n"


def front_matter(article: Article) -> dict[str, Any]:
    """The front matter keys, in the order an editor reads them."""
    data: dict[str, Any] = {
        "title": article.title,
        "slug": article.slug,
        "date": article.date,
        "date_source": article.date_source,
        "category": article.category,
        "summary": article.summary,
        "images": [_image(img) for img in article.images],
        "see_also": [{"title": s.title} for s in article.see_also],
        "related": [
            {"title": r.title, "summary": r.summary, "category": r.category, "image_alt": r.image_alt}
            for r in article.related
        ],
    }
    for key in ("authors", "tags", "updated"):
        if key in article.extra:
            data[key] = article.extra[key]
    if article.source is not None:
        data["source"] = {"path": article.source.path, "format": article.source.format, "sha256": article.source.sha256}
        if article.source.url:
            data["source"]["url"] = article.source.url
        data["source"][_GUARD_KEY] = _ZERO
    return data


def _image(img: Any) -> dict[str, Any]:
    data = {"src": img.src, "alt": img.alt, "caption": img.caption, "credit": img.credit}
    if img.src_original:
        data["src_original"] = img.src_original
    return data


def render_file(article: Article) -> str:
    """The whole Markdown file, its guard digest filled in."""
    matter = yaml.dump(
        front_matter(article),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10**9,
    )
    text = f"---\n{matter}---\n\n{article.body}"
    return _GUARD_RE.sub(lambda m: m.group(1) + _digest(text) + m.group(3), text, count=1)


def edited_by_hand(text: str) -> bool:
    """True when the file is no longer what the importer wrote (or never was)."""
    match = _GUARD_RE.search(text)
    if match is None:
        return True
    blank = text[: match.start(2)] + _ZERO + text[match.end(2) :]
    return _digest(blank) != match.group(2)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The safe dumper (libyaml's when present: strings like `no`, `1:20`, `012` stay
    quoted strings) writing datetimes in ISO 8601 with a `T`, the form every reader parses."""


def _represent_datetime(dumper: yaml.BaseDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(dt.datetime, _represent_datetime)
