"""When only article bodies changed, the last build's model stands.

Most edits of an archive fix words in an article's text. The model the pages are made
from (the Site, the figures, the plan, every card) is built from the articles without
their bodies, so when every changed file's front matter, see-also titles and links are
what they were, and nothing else moved (no file added or removed, the same config,
templates, code and image files), that model is exactly what indexing would make again.
The build then renders only the changed articles' pages and updates the search index for
them: no indexing, no planning, no signature for every page. Anything else, or a model
from another build, and the build does everything (`None`).
"""

from __future__ import annotations

from pathlib import Path

from .config import SiteConfig
from .errors import Problem
from .state import BuildState, ParsedFile, Stamp, stamp_of, stamps_hold


def changed_bodies(
    state: BuildState,
    before: dict[str, ParsedFile],
    parse_problems: list[Problem],
    config: SiteConfig,
    base: str,
    out: Path,
) -> set[str] | None:
    """The slugs whose body alone changed, when the state's model stands; None when the
    model must be made again."""
    model = state.model
    if model is None or state.output != out or model.config != config or model.base != base:
        return None
    if parse_problems != model.parse_problems or before.keys() != state.parsed.keys():
        return None
    changed = set()
    for rel, now in state.parsed.items():
        was = before[rel]
        if now is was:
            continue  # not read again: its stat is the one recorded
        if now.article != was.article:  # kept without its body: the front matter or links moved
            return None
        changed.add(now.article.slug)
    if not model.all_images_found() or not stamps_hold(model.image_stamps):
        return None  # an image file changed, or one that was missing may be there now
    return changed


def image_stamps(images: list[tuple[str, Path]]) -> dict[str, Stamp | None]:
    return {str(source): stamp_of(source) for _, source in images}
