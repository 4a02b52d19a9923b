"""The command line's build: with the state of the last build kept on disk (state.py).

Three ways, cheapest first: nothing changed since the last build (inputs and output as it
left them): its report, at once; only article bodies changed: the new bodies spliced into
their pages (splice.py); anything else: a build (build.py) with the last build's state,
which is saved after it.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import config as config_mod
from .errors import Problem
from .result import BuildResult, Progress, apply_levels
from .signatures import inputs_fingerprint, load_unchanged, save_unchanged, stamps_fingerprint

if TYPE_CHECKING:
    from .splice import Spliced


def cached_build(
    root: Path,
    out: Path | None = None,
    overrides: dict[str, Any] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """build() with the state of the last build of this site kept on disk between runs."""
    target = (out or root / "output").resolve()
    started = time.perf_counter()
    config = config_mod.load(root, overrides)
    sources: dict[str, tuple[int, int]] = {}  # the content files' stamps, for the splice
    inputs = inputs_fingerprint(root, config, overrides, strict, sources)
    if use_cache:
        unchanged = load_unchanged(root, target, inputs)
        if unchanged is not None:
            result = BuildResult(
                pages=Counter(unchanged["pages"]),
                written=True,
                files=unchanged["files"],
                bytes=unchanged["bytes"],
                reused=sum(unchanged["pages"].values()),
                problems=[Problem(**p) for p in unchanged["problems"]],
            )
            result.seconds = time.perf_counter() - started
            return result
    # Imported here, each when its way is taken: the no-change answer needs none of them.
    from .splice import splice_bodies
    from .state import BuildState, load_state, save_state

    levels = lambda found: apply_levels(found, config.checks)  # noqa: E731
    spliced = splice_bodies(root, target, config, levels, sources) if use_cache and not strict else None
    if spliced is not None:
        result = _spliced_result(spliced)
        _remember_unchanged(root, target, inputs, spliced.output, result)
        result.seconds = time.perf_counter() - started
        return result
    from .build import build  # here: the two paths above never need the renderer and its templates

    state, unused = load_state(root, target) if use_cache else (BuildState(), None)
    result = build(root, target, overrides, strict, progress, state)
    if unused is not None:
        result.problems.insert(0, unused)
    if result.written and (result.rendered or result.changed or not use_cache or unused is not None):
        save_state(root, target, state)
    if result.written:
        # What this run said of the state it could not use is not a fact of the site: the
        # next no-change answer must not repeat it.
        kept = dataclasses.replace(result, problems=[p for p in result.problems if p is not unused])
        _remember_unchanged(root, target, inputs, stamps_fingerprint(state.stamps), kept)
    return result


def _spliced_result(spliced: Spliced) -> BuildResult:
    rendered = spliced.rendered
    return BuildResult(
        pages=spliced.pages,
        problems=spliced.problems,
        files=spliced.files,
        bytes=spliced.bytes,
        written=True,
        rendered=rendered,
        reused=sum(spliced.pages.values()) - rendered,
        changed=spliced.changed,
        spliced=True,
    )


def _remember_unchanged(root: Path, target: Path, inputs: str, output: str, result: BuildResult) -> None:
    report = {
        "pages": dict(result.pages),
        "files": result.files,
        "bytes": result.bytes,
        "problems": [dataclasses.asdict(p) for p in result.problems],
    }
    save_unchanged(root, target, inputs, output, report)
