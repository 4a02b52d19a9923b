"""Files the site copies rather than renders: article images and static/.

Article images live beside their Markdown (`content/<slug>/01-photo.jpg`) and
are published at the same path under the article's folder. An image whose
file is missing, or that points off-site, is shown as a captioned figure
without <img>: the archive never makes a reader's browser call another host.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from .errors import Problem
from .images import image_size
from .model import Site
from .urls import Urls
from .views import Figure

# Image types a browser shows; anything else is not copied.
IMAGE_SUFFIXES = frozenset((".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"))


def collect_figures(
    site: Site, content: Path, problems: list[Problem], urls: Urls
) -> tuple[dict[str, tuple[Figure, ...]], list[tuple[str, Path]]]:
    """Figures for every article, and the image files to copy (site path, source file)."""
    figures: dict[str, tuple[Figure, ...]] = {}
    copies: dict[str, Path] = {}
    for slug in site.order:
        article = site.articles[slug]
        where = site.origins.get(slug)
        made = []
        for image in article.images:
            rel = _local_image(image.src, content, where, problems)
            size = image_size(content / rel) if rel else None
            if rel and size is None:
                problems.append(
                    Problem(
                        "warning", f"image {image.src!r} is not a readable image file", where, check="missing_image"
                    )
                )
                rel = None
            if rel:
                copies[rel] = content / rel
            if image.caption and not image.credit:
                problems.append(
                    Problem("warning", f"image without a credit: «{image.caption[:40]}»", where, check="missing_credit")
                )
            made.append(
                Figure(image.alt, image.caption, image.credit, urls.href(rel) if rel else None, *(size or (None, None)))
            )
        figures[slug] = tuple(made)
    return figures, sorted(copies.items())


def _local_image(src: str | None, content: Path, where: str | None, problems: list[Problem]) -> str | None:
    """The content-relative path of an image file that exists inside content/, else None."""
    if not src:
        return None
    path = PurePosixPath(src)
    off_site = "://" in src or src.startswith(("/", "data:")) or ".." in path.parts
    if off_site or path.suffix.lower() not in IMAGE_SUFFIXES:
        problems.append(
            Problem(
                "warning", f"image {src!r} is not a file in the archive; shown without it", where, check="missing_image"
            )
        )
        return None
    full = (content / path).resolve()
    if not full.is_relative_to(content.resolve()):
        problems.append(
            Problem(
                "warning",
                f"image file {src!r} is a link leading out of the content folder; not published",
                where,
                check="missing_image",
            )
        )
        return None
    if not full.is_file():
        problems.append(Problem("warning", f"image file {src!r} not found", where, check="missing_image"))
        return None
    return path.as_posix()


def static_files(static: Path) -> list[tuple[str, Path]]:
    """Every regular file under static/, published under /static/ (hidden files and links skipped)."""
    if not static.is_dir():
        return []
    found = []
    for path in sorted(static.rglob("*")):
        rel = path.relative_to(static)
        if path.is_file() and not path.is_symlink() and not any(p.startswith(".") for p in rel.parts):
            found.append((f"static/{rel.as_posix()}", path))
    return found
