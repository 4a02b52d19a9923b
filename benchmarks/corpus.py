"""Deterministic synthetic Arabic pages, recombined from the seed page's own sentences.

Page i depends only on (SEED, i), so the first 1,000 pages of a 10,000 run are
the 1,000-page corpus: runs of different sizes compare like with like.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

SEED = 20251129
SEED_PAGE = Path(__file__).resolve().parents[1] / "content-src" / "text" / "000_cef7240dbd8b702b.txt"
CATEGORIES = ("أخبار", "سياسة", "أعمال", "رياضة", "العالم", "تكنولوجيا", "اقتصاد", "صحة", "تسلية")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
          "نوفمبر", "ديسمبر")
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
    return " ".join(words[start:start + size]).strip("،,:؛\"' ")


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
        lines += ["Loading...", _phrase(rng, pools, 6, 12) + ".", "", _phrase(rng, pools, 5, 10), "",
                  rng.choice(pools.sentences), rng.choice(CATEGORIES)]
    lines.append(MENU)
    return "\n".join(lines)


def write_text_dumps(out: Path, count: int) -> None:
    pools = load_pools()
    out.mkdir(parents=True, exist_ok=True)
    for i in range(1, count + 1):
        (out / f"page{i:06d}.txt").write_text(text_dump_page(i, pools), encoding="utf-8")
