"""Incremental and parallel builds make exactly the bytes a clean one-process build makes."""

from __future__ import annotations

import random

import pytest
from sitekit import article, make_site, write_article

from site_builder import workers
from site_builder.build import build
from site_builder.cache import BuildState, output_fingerprint, stamps_fingerprint


def _tree(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _site(tmp_path, count=60):
    cats = ["سياسة", "رياضة", "اقتصاد", "صحة"]
    items = [
        article(
            f"n{i:03d}",
            f"خبر رقم {i} عن {cats[i % 4]} في الرياض",
            f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}",
            category=cats[i % 4],
            body=f"## عنوان {i}\n\nفقرة عن الموضوع رقم {i}.\n\nشاهد ايضاً: خبر رقم {i + 1} "
            f"عن {cats[(i + 1) % 4]} في الرياض\n",
        )
        for i in range(count)
    ]
    return make_site(tmp_path / "site", items, config={"per_page": 7})


@pytest.mark.slow
def test_random_edits_incremental_equals_clean(tmp_path):
    site = _site(tmp_path)
    state = BuildState()
    assert build(site, state=state).written
    rng = random.Random(20251129)
    content = site / "content"
    for step in range(12):
        action = rng.choice(["edit", "add", "delete", "retitle", "template", "redate", "none"])
        files = sorted(content.glob("*.md"))
        target = rng.choice(files)
        if action == "edit":
            target.write_text(target.read_text(encoding="utf-8") + f"\nفقرة مضافة {step}.\n", encoding="utf-8")
        elif action == "add":
            write_article(site, article(f"new{step}", f"خبر جديد {step}", "2025-06-15", category="صحة"))
        elif action == "delete" and len(files) > 5:
            target.unlink()
        elif action == "retitle":
            text = target.read_text(encoding="utf-8")
            target.write_text(text.replace("title: ", f"title: معدل {step} ", 1), encoding="utf-8")
        elif action == "template":
            card = site / "templates" / "partials" / "card.html"
            card.write_text(card.read_text(encoding="utf-8") + f"<!-- {step} -->\n", encoding="utf-8")
        elif action == "redate":
            text = target.read_text(encoding="utf-8")
            target.write_text(text.replace("date: 2025-", "date: 2024-", 1), encoding="utf-8")
        incremental = build(site, state=state)
        assert incremental.written, incremental.problems
        build(site, out=tmp_path / f"clean{step}")
        assert _tree(site / "output") == _tree(tmp_path / f"clean{step}"), (step, action)
        # What the build recorded of its files is what a walk of output/ finds: the
        # no-change fast path compares the two.
        out = (site / "output").resolve()
        assert set(state.stamps) == set(_tree(out))
        assert stamps_fingerprint(out, state.stamps) == output_fingerprint(out), (step, action)
        if action == "none":
            assert incremental.rendered == 0


def test_no_change_rebuild_renders_nothing_and_one_edit_little(tmp_path):
    site = _site(tmp_path)
    state = BuildState()
    first = build(site, state=state)
    again = build(site, state=state)
    assert again.rendered == 0 and again.reused == first.rendered
    target = site / "content" / "n010.md"
    target.write_text(target.read_text(encoding="utf-8").replace("فقرة عن", "فقرة معدلة عن"), encoding="utf-8")
    edited = build(site, state=state)
    assert 1 <= edited.rendered <= 3, edited.rendered  # the article, and pages whose see-also/related show it


def test_parallel_build_is_byte_identical(tmp_path, monkeypatch):
    site = _site(tmp_path, 120)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    build(site, out=tmp_path / "one")
    monkeypatch.setenv("SITE_BUILDER_JOBS", "3")
    result = build(site, out=tmp_path / "three")
    assert result.written and _tree(tmp_path / "one") == _tree(tmp_path / "three")
    # The search index the workers gather beside the pages is the one built in one go.
    from site_builder import build as build_mod

    monkeypatch.setattr(build_mod, "_KeysBesidePages", lambda *args: None)
    build(site, out=tmp_path / "thread")
    assert _tree(tmp_path / "thread") == _tree(tmp_path / "three")
    # Files parsed in the workers report their problems just as in one process.
    (site / "content" / "broken.md").write_text("---\ntitle: خبر\ndate: 2025-02-30\n---\n", encoding="utf-8")
    (site / "content" / "empty.md").write_text("", encoding="utf-8")
    for jobs in ("1", "3"):
        monkeypatch.setenv("SITE_BUILDER_JOBS", jobs)
        failed = build(site, out=tmp_path / f"failed{jobs}")
        assert not failed.written
        assert [str(p) for p in failed.errors] == [
            "content/broken.md:3: error: date: bad value: day is out of range for month",
            "content/empty.md: error: empty file",
        ]


def test_cache_on_disk_is_used_checked_and_distrusted_when_it_should_be(tmp_path, monkeypatch):
    from site_builder.build import cached_build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key-a"))
    site = _site(tmp_path, 30)
    first = cached_build(site)
    clean = _tree(site / "output")
    assert first.rendered == first.reused + first.rendered and (site / ".site-builder-cache" / "state.pickle").is_file()
    assert cached_build(site).rendered == 0

    # A page edited by hand in output/ is noticed and made again.
    page = site / "output" / "n005" / "index.html"
    page.write_bytes(page.read_bytes().replace("خبر".encode(), "خير".encode(), 1))
    again = cached_build(site)
    assert again.rendered == 1 and _tree(site / "output") == clean

    # A corrupt cache, or one signed elsewhere (or shipped in a repository), is ignored:
    # the next build that has work to do renders everything.
    cache = site / ".site-builder-cache" / "state.pickle"
    raw = bytearray(cache.read_bytes())
    raw[200] ^= 0xFF
    cache.write_bytes(bytes(raw))
    target = site / "content" / "n007.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nفقرة جديدة.\n", encoding="utf-8")
    assert cached_build(site).rendered == first.rendered
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key-b"))
    target.write_text(target.read_text(encoding="utf-8") + "\nفقرة أخرى.\n", encoding="utf-8")
    assert cached_build(site).rendered == first.rendered
    build(site, out=tmp_path / "clean")
    assert _tree(site / "output") == _tree(tmp_path / "clean")
    assert cached_build(site).rendered == 0  # and then nothing to do again
