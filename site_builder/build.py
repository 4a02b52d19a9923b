"""build(): the one orchestrator. It reads like the list of passes it runs.

config -> scan -> parse -> index -> plan -> render+write -> report. Every pass
is timed; problems from every file are collected and reported together, and
output/ is replaced only when the build succeeded.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import config as config_mod
from .assets import collect_figures, static_files
from .content import read_article
from .errors import Problem, SiteError
from .indexes import build_site
from .model import Article, Site
from .output import StagedOutput
from .plan import plan
from .render import Renderer, make_environment
from .urls import Urls, output_file
from .views import Views

Progress = Callable[[int, int], None]


@dataclass
class BuildResult:
    """What a build made and found."""

    pages: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    written: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def build(root: Path, out: Path | None = None, overrides: dict[str, Any] | None = None, strict: bool = False,
          progress: Progress | None = None) -> BuildResult:
    """Build the site in `root` into `out` (default root/output)."""
    result = BuildResult()
    clock = _Clock(result.timings)
    with clock("config"):
        config = config_mod.load(root, overrides)
    with clock("parse"):
        articles = _parse_all(root / config.content_dir, root, result.problems)
    with clock("index"):
        site, problems = build_site(articles, config)
        result.problems += problems
        links = Urls(config.base_path, config.site_url)
        figures, images = collect_figures(site, root / config.content_dir, root, result.problems, links)
    with clock("plan"):
        specs = plan(site, config)
    if _failed(result, strict):
        return result
    with clock("render"):
        env = make_environment(root / config.templates_dir)
        renderer = Renderer(site, config, Views(site, config, figures), env, specs)
        with StagedOutput(out or root / "output") as staged:
            for done, spec in enumerate(specs, 1):
                staged.write(output_file(spec.path), renderer.render(spec))
                result.pages[spec.kind] += 1
                if progress:
                    progress(done, len(specs))
            for rel, source in [*images, *static_files(root / config.static_dir)]:
                staged.copy(rel, source)
            _report_unresolved(renderer.unresolved, site, result.problems)
            if _failed(result, strict):
                return result
            staged.commit()
    result.files, result.bytes, result.written = staged.files, staged.bytes, True
    return result


def _parse_all(content: Path, root: Path, problems: list[Problem]) -> list[tuple[str, Article]]:
    if not content.is_dir():
        raise SiteError("content folder not found", content)
    articles = []
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(content).parts):
            continue
        try:
            articles.append((rel, read_article(path, rel)))
        except SiteError as err:
            problems.append(Problem.from_error(err if err.path else err.at(rel)))
        except OSError as err:
            problems.append(Problem("error", err.strerror or str(err), rel))
    return articles


def _report_unresolved(unresolved: dict[str, list[str]], site: Site, problems: list[Problem]) -> None:
    for slug, titles in sorted(unresolved.items()):
        for title in titles:
            problems.append(Problem("warning", f"see-also «{title}» is not in the archive (shown as text)",
                                    site.origins.get(slug)))


def _failed(result: BuildResult, strict: bool) -> bool:
    return bool(result.errors) or (strict and bool(result.problems))


class _Clock:
    """`with clock("pass"):` adds the pass's wall time to timings."""

    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    def __call__(self, name: str) -> _Clock:
        self.name = name
        return self

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.name] = self.timings.get(self.name, 0.0) + time.perf_counter() - self.start
