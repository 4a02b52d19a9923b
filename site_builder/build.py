"""build(): the one orchestrator. It reads like the list of passes it runs.

config -> scan -> parse -> index -> plan -> render+write -> report. Every pass
is timed; problems from every file are collected and reported together, and
output/ is replaced only when the build succeeded.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from . import config as config_mod
from .assets import collect_figures, static_files
from .bodyedits import changed_bodies, image_stamps
from .config import SiteConfig
from .errors import Problem, SiteError
from .gcpolicy import fewer_collections
from .model import Article
from .output import InPlaceOutput, StagedOutput, unchanged_file
from .plan import PageKind, PageSpec, plan
from .render import Renderer, make_environment
from .result import BuildResult, Progress, apply_levels
from .searchwork import SearchWork
from .signatures import Signer, code_digest, global_digest, ground, order_digest
from .sitemodel import build_site
from .sources import parse_all
from .state import ArticlePage, BuildState, Model
from .urls import Urls, output_file
from .views import Views
from .workers import jobs_wanted, render_pages

# An incremental build that renders at most this many pages (or 1/20 of the site)
# updates output/ file by file instead of building a whole new folder.
INCREMENTAL_PAGES = 200


def build(
    root: Path,
    out: Path | None = None,
    overrides: dict[str, Any] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    state: BuildState | None = None,
    swap_lock: AbstractContextManager[Any] | None = None,
    modified: set[Path] | None = None,
) -> BuildResult:
    """Build the site in `root` into `out` (default root/output).

    With the `state` of a previous build into the same folder, pages whose
    inputs did not change are taken from that output instead of re-rendered.
    `swap_lock` is held while the new output replaces the old (the dev server
    holds it while reading files, so no request sees the swap half done).
    `modified`: the content files a watcher saw modified, when nothing else changed
    (sources.parse_all then looks at them alone).
    """
    with fewer_collections():
        return _build(root, out, overrides, strict, progress, state, swap_lock, modified)


def _build(
    root: Path,
    out: Path | None,
    overrides: dict[str, Any] | None,
    strict: bool,
    progress: Progress | None,
    state: BuildState | None,
    swap_lock: AbstractContextManager[Any] | None,
    modified: set[Path] | None = None,
) -> BuildResult:
    """The passes of build(): config, parse, index, plan, render and write, report."""
    state = state if state is not None else BuildState()
    result = BuildResult()
    started = time.perf_counter()
    clock = _Clock(result.timings)
    out = (out or root / "output").resolve()
    with clock("config"):
        config = config_mod.load(root, overrides)
        templates = root / config.templates_dir
        base = global_digest(config, templates, code_digest())
    with clock("parse"):
        before = state.parsed
        articles = parse_all(
            root / config.content_dir, root, result.problems, state, _known(modified, state, root, out)
        )
        parse_problems = list(result.problems)
    bodies = changed_bodies(state, before, parse_problems, config, base, out)
    result.model_reused = bodies is not None
    model = state.model if bodies is not None and state.model else _index(articles, config, state, root, base, clock)
    model.parse_problems = parse_problems
    result.problems = apply_levels(parse_problems + model.problems, config.checks)
    site, specs = model.site, model.specs
    digests = {slug: state.parsed[rel].digest for slug, rel in site.origins.items()}
    signer = Signer(site, digests, model.views, base, model.cards)
    if _failed(result, strict):
        return result
    with clock("render"):
        renderer = Renderer(site, config, model.views, make_environment(templates), specs)
        previous = out if state.output == out and out.is_dir() else None
        signature_of = _signer_of(signer) if bodies is None else _bodies_signer(signer, bodies, state)
        checked, todo, signatures = _triage(specs, signature_of, state, previous, result)
        small = previous is not None and bool(state.stamps) and len(todo) <= max(INCREMENTAL_PAGES, len(specs) // 20)
        jobs = 1 if small else jobs_wanted()
        with InPlaceOutput(out, set(state.stamps)) if small else StagedOutput(out, previous) as staged:
            for rel, info in checked.items():
                if not staged.reuse(rel, checked=info):
                    raise SiteError(f"output file {rel} vanished during the build", out)
            # The index object is updated in place: it returns to the state only with a
            # committed build, so a failed one cannot leave it ahead of the files.
            search_work = SearchWork(site, renderer, signer, state, state.search_index, todo, bodies)
            state.search_index = None
            with clock("pages"):
                render_pages(
                    renderer,
                    staged,
                    todo,
                    jobs,
                    _progress_counter(progress, len(specs) - len(todo), len(specs)),
                    search_work.compute,
                    search_work.side,
                )
                search_work.gathered()
            with clock("search"):
                search = search_work.write(staged, jobs)
            result.timings["search"] += search_work.seconds  # computed while the pages rendered
            for rel, source in [*model.images, *static_files(root / config.static_dir)]:
                staged.copy(rel, source)
            result.problems += [p for _, found in sorted(renderer.problems.items()) for p in found]
            result.problems = apply_levels(result.problems, config.checks)
            if _failed(result, strict):
                return result
            with swap_lock or nullcontext():
                staged.commit()
    state.signatures, state.output, state.model = signatures, out, model
    state.articles = _article_pages(state.articles, model, signer, renderer, todo)
    result.files, result.bytes, result.written, result.changed = staged.files, staged.bytes, True, staged.changed
    state.facts = _facts(model, parse_problems, result, root, signer)
    state.search_signature, _, state.search_index = search
    state.stamps = staged.stamps
    result.seconds = time.perf_counter() - started
    return result


def _article_pages(
    before: dict[str, ArticlePage], model: Model, signer: Signer, renderer: Renderer, rendered: list[PageSpec]
) -> dict[str, ArticlePage]:
    """For each article page the output holds, what a body edit on the command line needs
    (splice.py): kept from the last build for the pages it did not render."""
    redone = {spec.key[0] for spec in rendered if spec.kind is PageKind.ARTICLE}
    cards = signer.cards()
    pages = {}
    for spec in model.specs:
        if spec.kind is not PageKind.ARTICLE:
            continue
        slug = spec.key[0]
        was = before.get(slug)
        note = renderer.bodies.get(slug) if slug in redone else (was.body if was else None)
        frame = signer.frames.get(slug) or (was.frame if was else None)
        if note is not None and frame and slug in cards:
            pages[slug] = ArticlePage(model.site.origins[slug], output_file(spec.path), frame, cards[slug], note)
    return pages


def _facts(
    model: Model, parse_problems: list[Problem], result: BuildResult, root: Path, signer: Signer
) -> dict[str, str]:
    """What must hold for splice.py's body-only rebuild to stand in for this build's model."""
    clean = not parse_problems and model.all_images_found()
    return {
        **ground(model.config, root, model.base),
        "clean": "1" if clean else "",
        "images": json.dumps(model.image_stamps, sort_keys=True),
        "pages": json.dumps(dict(result.pages), sort_keys=True),
        "files": str(result.files),
        "bytes": str(result.bytes),
        "problems": json.dumps([dataclasses.asdict(p) for p in model.problems], ensure_ascii=False),
        "index_sum": f"{signer.index_sum:032x}",
        "order": order_digest(model.site.order),
    }


def _index(
    articles: list[tuple[str, Article]], config: SiteConfig, state: BuildState, root: Path, base: str, clock: _Clock
) -> Model:
    """The model the pages are made from: the Site, its figures, every page of the plan."""
    problems: list[Problem] = []
    with clock("index"):
        site, found = build_site(articles, config, state.related)
        state.related = site.similar
        problems += found
        links = Urls(config.base_path, config.site_url)
        figures, images = collect_figures(site, root / config.content_dir, problems, links)
    with clock("plan"):
        specs = plan(site, config)
    views = Views(site, config, figures)
    return Model(config, base, site, figures, images, image_stamps(images), problems, [], specs, views, {})


def _known(modified: set[Path] | None, state: BuildState, root: Path, out: Path) -> set[str] | None:
    """The watcher's modified files as the state names them, when the state can stand in for
    the walk: its model is of this output and every file then parsed."""
    model = state.model
    if modified is None or model is None or model.parse_problems or state.output != out:
        return None
    try:
        return {p.resolve().relative_to(root.resolve()).as_posix() for p in modified}
    except ValueError:
        return None


SignatureOf = Callable[[PageSpec, str], str]


def _signer_of(signer: Signer) -> SignatureOf:
    return lambda spec, rel: signer.page(spec)


def _bodies_signer(signer: Signer, bodies: set[str], state: BuildState) -> SignatureOf:
    """While the model stands, only the edited articles' own pages sign anew (the others
    show nothing of an article's body): every other signature is the last build's."""

    def signature(spec: PageSpec, rel: str) -> str:
        if spec.kind is PageKind.ARTICLE and spec.key[0] in bodies:
            return signer.page(spec)
        return state.signatures.get(rel) or signer.page(spec)

    return signature


def _triage(
    specs: list[PageSpec], signature_of: SignatureOf, state: BuildState, previous: Path | None, result: BuildResult
) -> tuple[dict[str, os.stat_result], list[PageSpec], dict[str, str]]:
    """Split the plan into pages the previous output already holds as they should be
    (with the stat that showed it) and pages to render; and every page's signature,
    which is what the state keeps once the build is committed."""
    checked, todo, signatures = {}, [], {}
    for spec in specs:
        rel = output_file(spec.path)
        signature = signatures[rel] = signature_of(spec, rel)
        result.pages[spec.kind] += 1
        info = None
        if previous is not None and state.signatures.get(rel) == signature:
            info = unchanged_file(f"{previous}/{rel}", state.stamps.get(rel))
        if info is not None:
            checked[rel] = info
        else:
            todo.append(spec)
    result.reused, result.rendered = len(checked), len(todo)
    return checked, todo, signatures


def _progress_counter(progress: Progress | None, done: int, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    count = [done]

    def advance(pages: int) -> None:
        count[0] += pages
        progress(count[0], total)

    return advance


def _failed(result: BuildResult, strict: bool) -> bool:
    return bool(result.errors) or (strict and any(p.level == "warning" for p in result.problems))


class _Clock:
    """`with clock("pass"):` adds the pass's wall time to timings (passes may nest)."""

    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start
