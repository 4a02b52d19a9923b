"""Search index figures: size on disk, bytes a query fetches, time to build the index.

    python benchmarks/bench_search.py [--sizes 1000 10000 100000] [--work DIR]

For each size it builds a generated archive (benchmarks/corpus.py) and replays what
static/js/search.js fetches for a few typical one-word queries and two-word queries:
meta.json, each term's shard, a common term's own file (b/), and the display shards of
the first 10 results. "index s" is the index built on its own in one thread; "share"
compares it with the wall time of the whole build.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from corpus import write_archive  # noqa: E402

from site_builder import config as config_mod  # noqa: E402
from site_builder.build import build  # noqa: E402
from site_builder.content import read_body  # noqa: E402
from site_builder.search import SearchIndex, fnv1a, keys  # noqa: E402
from site_builder.sitemodel import build_site  # noqa: E402
from site_builder.state import BuildState  # noqa: E402

# One-word queries, then two-word ones: the last two are pairs of the corpus's commonest words.
QUERIES = ["روسيا", "الدبلوماسي", "المحادثات", "واشنطن", "التجسس", "مكتب التحقيقات", "الولايات المتحدة", "قال مسؤول"]


def fetched(index: Path, query: str) -> int:
    """Bytes the browser downloads to show the first 10 results of `query`."""
    meta_path = index / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    total = meta_path.stat().st_size
    lists = []
    for term in sorted(keys(query)):
        shard = index / "t" / f"{fnv1a(term) % meta['shards']}.json"
        total += shard.stat().st_size
        entry = json.loads(shard.read_text(encoding="utf-8")).get(term)
        if entry is None:
            return total
        if isinstance(entry, dict):
            big = index / "b" / f"{entry['f']}.json"
            total += big.stat().st_size
            ids = [i for part in json.loads(big.read_text(encoding="utf-8")) for i in _ids(part)]
        else:
            ids = [i for part in entry for i in _ids(part)]
        lists.append(ids)
    first = [i for i in lists[0] if all(i in set(other) for other in lists[1:])][:10]
    for shard in sorted({i // meta["docShard"] for i in first}):
        total += (index / "d" / f"{shard}.json").stat().st_size
    return total


def _ids(part: list[int] | str) -> list[int]:
    """One list of a term's ids, as search.js reads it: deltas, or a base64 bitmap."""
    if isinstance(part, str):
        raw = base64.b64decode(part)
        return [8 * k + n for k, byte in enumerate(raw) for n in range(8) if byte >> n & 1]
    at, ids = 0, []
    for delta in part:
        at += delta
        ids.append(at)
    return ids


def query_figures(index: Path, articles: int) -> str:
    """One line: the index's size per 1,000 articles and the bytes each query fetches."""
    size = sum(p.stat().st_size for p in index.rglob("*.json"))
    per_query = {q: fetched(index, q) / 1024 for q in QUERIES}
    worst = max(per_query, key=per_query.__getitem__)
    return (
        f"search index {size / 1e6:.1f} MB ({size / articles:.0f} KB per 1,000 articles); a query fetches "
        f"{statistics.median(per_query.values()):.0f} KB (median), {per_query[worst]:.0f} KB at most («{worst}»)"
    )


def index_seconds(site: Path) -> float:
    """The index built on its own, in one thread (during a build it runs beside the
    page rendering, so its share of the build cannot be read off the build's timings)."""
    from site_builder.sources import parse_all

    config = config_mod.load(site)
    model, _ = build_site(parse_all(site / "content", site, [], BuildState()), config)
    docs = [
        {
            "url": s,
            "title": model.articles[s].title,
            "category": model.articles[s].category,
            "date": "",
            "date_text": "",
            "summary": model.articles[s].summary,
        }
        for s in model.order
    ]
    start = time.perf_counter()
    SearchIndex.build(model, docs, lambda slug: read_body(site / model.origins[slug]), {})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/site-builder-bench"))
    args = parser.parse_args()
    print(
        f"{'articles':>9} {'index MB':>9} {'files':>7} {'median KB':>10} {'max KB':>7} {'index s':>8} "
        f"{'build s':>8} {'share':>6}"
    )
    for size in args.sizes:
        site = args.work / f"site-{size}"
        if not (site / "content").is_dir() or len(list((site / "content").glob("*.md"))) != size:
            write_archive(site, size)
        start = time.perf_counter()
        build(site)
        wall = time.perf_counter() - start
        index = site / "output" / "search"
        files = [p for p in index.rglob("*.json")]
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        per_query = [fetched(index, q) / 1024 for q in QUERIES]
        search_s = index_seconds(site)
        print(
            f"{size:>9} {size_mb:>9.1f} {len(files):>7} {statistics.median(per_query):>10.0f} "
            f"{max(per_query):>7.0f} {search_s:>8.2f} {wall:>8.2f} {search_s / wall:>6.0%}"
        )
        pairs = zip(QUERIES, per_query, strict=True)
        print("          per query KB: " + ", ".join(f"{q} {kb:.0f}" for q, kb in pairs))


if __name__ == "__main__":
    main()
