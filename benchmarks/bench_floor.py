"""How fast the libraries we build on can go: the floor under a cold build.

    python benchmarks/bench_floor.py [--size 10000]

In one process, on a generated archive (see corpus.py), it times:
- markdown-it-py alone, bare CommonMark, turning every article body into HTML;
- Jinja2 alone, rendering the article template with an empty body;
- our Renderer on every article page (Markdown plus template plus views).
Dividing by the cores gives the least wall time any build of these pages with these
libraries can take, before parsing, indexes, search and writing files.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
from corpus import write_archive  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402

from site_builder import config as config_mod  # noqa: E402
from site_builder.assets import collect_figures  # noqa: E402
from site_builder.plan import plan  # noqa: E402
from site_builder.render import Renderer, make_environment  # noqa: E402
from site_builder.sitemodel import build_site  # noqa: E402
from site_builder.sources import parse_all  # noqa: E402
from site_builder.state import BuildState  # noqa: E402
from site_builder.urls import Urls  # noqa: E402
from site_builder.views import Views  # noqa: E402


def cpu(work) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-builder-bench"))
    args = parser.parse_args()
    site_dir = args.work / f"site-{args.size}"
    if not (site_dir / "content").is_dir() or len(list((site_dir / "content").glob("*.md"))) != args.size:
        write_archive(site_dir, args.size)
    config = config_mod.load(site_dir)
    site, _ = build_site(parse_all(site_dir / config.content_dir, site_dir, [], BuildState()), config)
    figures, _ = collect_figures(site, site_dir / config.content_dir, [], Urls(config.base_path, config.site_url))
    specs = [s for s in plan(site, config) if s.kind == "article"]
    renderer = Renderer(site, config, Views(site, config, figures), make_environment(site_dir / "templates"), specs)
    bodies = [renderer.body_of(spec.key[0]) for spec in specs]
    bare = MarkdownIt("commonmark")
    template = renderer.env.get_template("article.html")

    def jinja_only() -> None:
        for spec in specs:
            renderer._html(
                "article.html",
                spec,
                None,
                page={"title": "t"},
                breadcrumb=[],
                article={
                    "title": "t",
                    "summary": "",
                    "category": None,
                    "date_iso": "",
                    "date_text": "",
                    "figures": (),
                    "body": "",
                    "share": [],
                    "newer": None,
                    "older": None,
                    "related": [],
                },
            )

    timings = {
        "markdown-it-py, bare CommonMark": cpu(lambda: [bare.render(b) for b in bodies]),
        "Jinja2, article template, empty body": cpu(jinja_only),
        "our article pages (both, with views)": cpu(lambda: [renderer.render(s) for s in specs]),
    }
    assert template is not None
    cores = os.cpu_count() or 1
    print(f"{len(specs)} article pages, {cores} cores; CPU seconds, and the least wall time on {cores} cores")
    for name, seconds in timings.items():
        print(
            f"  {name:<40} {seconds:6.2f} s CPU  {seconds / cores:6.2f} s wall  "
            f"{seconds / len(specs) * 1000:.2f} ms/page"
        )


if __name__ == "__main__":
    main()
