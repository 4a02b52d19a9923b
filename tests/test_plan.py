"""The page plan, in-process: pagination counts and the sitemap index past its limit."""

from __future__ import annotations

import datetime as dt

from site_builder import config as config_mod
from site_builder import plan as plan_mod
from site_builder.model import Article
from site_builder.sitemodel import build_site


def _site(count: int, cfg):
    articles = [
        (
            f"content/a{i}.md",
            Article(
                title=f"خبر رقم {i} عن الطقس",
                slug=f"a{i}",
                date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
                category="صحة",
                body="نص.\n",
            ),
        )
        for i in range(count)
    ]
    site, problems = build_site(articles, cfg)
    assert problems == []
    return site


def test_sitemap_becomes_an_index_past_the_limit(tmp_path, monkeypatch):
    cfg = config_mod.load(tmp_path)
    monkeypatch.setattr(plan_mod, "SITEMAP_LIMIT", 40)
    specs = plan_mod.plan(_site(100, cfg), cfg)
    kinds = [s for s in specs if s.kind.startswith("sitemap")]
    listed = len(plan_mod.sitemap_paths(specs))
    parts = -(-listed // 40)
    assert parts >= 3
    assert [s.path for s in kinds] == [f"sitemap-{n}.xml" for n in range(1, parts + 1)] + ["sitemap.xml"]
    assert kinds[-1].kind == "sitemap_index"


def test_pagination_and_unique_paths(tmp_path):
    cfg = config_mod.load(tmp_path, {"per_page": 7})
    specs = plan_mod.plan(_site(30, cfg), cfg)
    health = [s for s in specs if s.kind == "category" and s.key == ("health",)]
    assert [s.page for s in health] == [1, 2, 3, 4, 5] and {s.pages for s in health} == {5}
    paths = [s.path for s in specs]
    assert len(paths) == len(set(paths))
