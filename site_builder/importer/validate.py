"""An imported file is one the build accepts: each Article is written to text and read
back with the build's own reader before it is written, so a page that would break
the build (a date out of range, front matter past the build's limits) fails its
import with the build's message, instead of failing the next build."""

from __future__ import annotations

from pathlib import Path

from ..content import parse_article
from ..errors import SiteError


def check_importable(text: str, slug: str, source: Path) -> None:
    """`text`, the file about to be written for `slug`, read as the build will read it."""
    try:
        parse_article(text, f"{slug}.md")
    except SiteError as err:
        raise SiteError(f"the imported file would not build: {err}", source) from None
