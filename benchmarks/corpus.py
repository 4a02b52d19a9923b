"""Deterministic synthetic Arabic pages, recombined from the seed page's own sentences.

Page i depends only on (SEED, i), so the first 1,000 pages of a 10,000 run are
the 1,000-page corpus: runs of different sizes compare like with like.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

SEED = 20251129
SEED_PAGE = Path(__file__).resolve().parents[1] / "content-src" / "text" / "000_cef7240dbd8b702b.txt"
CATEGORIES = ("أخبار", "سياسة", "أعمال", "رياضة", "العالم", "تكنولوجيا", "اقتصاد", "صحة", "تسلية")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
CREDITS = ("توم برينر/رويترز", "إيفلين هوكستين/رويترز", "Getty Images", "محمد علي/أسوشيتد برس")
MENU = "الرئيسيةأخبارسياسةأعمالرياضةالعالمتكنولوجيااقتصادصحةتسلية"


@dataclass(frozen=True)
class Pools:
    """Sentences and headings cut from the seed page."""

    sentences: tuple[str, ...]
    headings: tuple[str, ...]


def load_pools(path: Path = SEED_PAGE) -> Pools:
    sentences, headings = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if len(line.split()) < 4 or not re.search("[\u0600-\u06ff]", line) or line.startswith("شاهد"):
            continue
        if not line.endswith((".", "؟", "!", '"')) and len(line) < 120:
            headings.append(line)
        else:
            sentences += [s.strip() for s in re.split(r"(?<=[.؟!])\s+", line) if len(s) > 25]
    return Pools(tuple(sentences), tuple(headings))


def _phrase(rng: random.Random, pools: Pools, low: int, high: int) -> str:
    words = rng.choice(pools.sentences).rstrip(".؟!").split()
    size = min(len(words), rng.randint(low, high))
    start = rng.randint(0, len(words) - size)
    return " ".join(words[start : start + size]).strip("،,:؛\"' ")


def text_dump_page(i: int, pools: Pools) -> str:
    """Page i in the mirrored site's text-dump layout (about 5 KB)."""
    rng = random.Random(f"{SEED}-{i}")
    title = f"{_phrase(rng, pools, 5, 10)} {i}"
    date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2015, 2025)}"
    lines = ["خَبَرَيْن logo", "", title, "", rng.choice(pools.sentences) + " خَبَرَيْن.", ""]
    for _ in range(rng.randint(0, 3)):
        lines += [_phrase(rng, pools, 6, 12) + ".", f"{rng.choice(pools.sentences)} {rng.choice(CREDITS)}"]
    lines += [f"التصنيف:{rng.choice(CATEGORIES)}", "شارك الخبر:", "FacebookTwitterLinkedInEmail", ""]
    for p in range(rng.randint(6, 12)):
        if p and p % 3 == 0:
            lines += [rng.choice(pools.headings), ""]
        text = " ".join(rng.choice(pools.sentences) for _ in range(rng.randint(2, 4)))
        lines += [f"في {date} " + text if p == 0 else text, ""]
        if p == 4:
            lines += [f"شاهد ايضاً: {_phrase(rng, pools, 5, 10)}", ""]
    lines += ["أخبار ذات صلة", ""]
    for _ in range(4):
        lines += [
            "Loading...",
            _phrase(rng, pools, 6, 12) + ".",
            "",
            _phrase(rng, pools, 5, 10),
            "",
            rng.choice(pools.sentences),
            rng.choice(CATEGORIES),
        ]
    lines.append(MENU)
    return "\n".join(lines)


def write_text_dumps(out: Path, count: int) -> None:
    pools = load_pools()
    out.mkdir(parents=True, exist_ok=True)
    for i in range(1, count + 1):
        (out / f"page{i:06d}.txt").write_text(text_dump_page(i, pools), encoding="utf-8")


def markdown_article(i: int, pools: Pools) -> str:
    """Article i as an archive Markdown file, the peers' shape: about 7 KB, 2-4 `##` headings,
    an image with caption and credit, one of 9 categories, a date in 2015-2025."""
    rng = random.Random(f"{SEED}-md-{i}")
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4017))
    matter = {
        "title": f"{_phrase(rng, pools, 5, 10)} {i}",
        "slug": f"a{i:06d}",
        "date": day,
        "date_source": "meta",
        "category": rng.choice(CATEGORIES),
        "summary": rng.choice(pools.sentences),
        "images": [
            {
                "src": None,
                "alt": _phrase(rng, pools, 6, 12),
                "caption": rng.choice(pools.sentences),
                "credit": rng.choice(CREDITS),
            }
        ],
    }
    blocks, size, target = [], 0, rng.randint(3600, 7400)
    heads = set(rng.sample(range(1, 12), rng.randint(2, 4)))
    p = 0
    while size < target:
        if p in heads:
            blocks.append("## " + rng.choice(pools.headings))
        text = " ".join(rng.choice(pools.sentences) for _ in range(rng.randint(2, 5)))
        blocks.append(text)
        size += len(text.encode("utf-8"))
        p += 1
    front = yaml.safe_dump(matter, allow_unicode=True, sort_keys=False, width=10**9)
    return f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n"


def write_archive(site: Path, count: int) -> None:
    """A buildable site: the project's templates and static files, `count` articles."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    site.mkdir(parents=True, exist_ok=True)
    for folder in ("templates", "static"):
        shutil.rmtree(site / folder, ignore_errors=True)
        shutil.copytree(root / folder, site / folder)
    (site / "site.yml").write_text("base_url: https://khabarain.example/\n", encoding="utf-8")
    content = site / "content"
    content.mkdir(exist_ok=True)
    pools = load_pools()
    for i in range(1, count + 1):
        (content / f"a{i:06d}.md").write_text(markdown_article(i, pools), encoding="utf-8")
