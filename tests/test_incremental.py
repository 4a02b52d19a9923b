"""Incremental and parallel builds make exactly the bytes a clean one-process build makes."""

from __future__ import annotations

import random
import re

import pytest
from sitekit import article, numbered_site, write_article

from site_builder import workers
from site_builder.build import build
from site_builder.signatures import output_fingerprint, stamps_fingerprint
from site_builder.state import BuildState, load_state


def _tree(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _site(tmp_path, count=60):
    return numbered_site(tmp_path, count, ["سياسة", "رياضة", "اقتصاد", "صحة"], "الرياض", 7, heading="عنوان")


@pytest.mark.slow
@pytest.mark.parametrize("kept", ["in memory", "on disk"])
def test_random_edits_incremental_equals_clean(tmp_path, kept):
    """`serve` keeps the state in memory; the command line loads and saves it (state.py)."""
    site = _site(tmp_path)
    state = BuildState()
    assert _rebuild(site, state, kept).written
    rng = random.Random(14)  # a seed whose 16 steps try every kind of change
    content = site / "content"
    cats = ["سياسة", "رياضة", "اقتصاد", "صحة"]
    actions = ["edit", "add", "delete", "retitle", "template", "redate", "move", "config", "none"]
    done = []
    for step in range(16):
        action = rng.choice(actions)
        done.append(action)
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
        elif action == "move":
            text = target.read_text(encoding="utf-8")
            now = next(c for c in cats if f"category: {c}" in text)
            target.write_text(text.replace(f"category: {now}", f"category: {rng.choice(cats)}", 1), encoding="utf-8")
        elif action == "config":
            config = site / "site.yml"
            text = config.read_text(encoding="utf-8")
            now = int(re.search(r"per_page: (\d+)", text).group(1))
            size = rng.choice([n for n in range(4, 10) if n != now])
            config.write_text(re.sub(r"per_page: \d+", f"per_page: {size}", text), encoding="utf-8")
        incremental = _rebuild(site, state, kept)
        assert incremental.written, incremental.problems
        build(site, out=tmp_path / f"clean{step}")
        assert _tree(site / "output") == _tree(tmp_path / f"clean{step}"), (step, action)
        # What the build recorded of its files is what a walk of output/ finds: the
        # no-change fast path compares the two.
        out = (site / "output").resolve()
        if kept == "on disk":
            state, unused = load_state(site, out)
            assert unused is None, unused
        assert set(state.stamps) == set(_tree(out))
        assert stamps_fingerprint(state.stamps) == output_fingerprint(out), (step, action)
        if action == "none":
            assert incremental.rendered == 0
        if kept == "in memory":  # a body edit, or nothing: the last model stands (bodyedits.py)
            assert incremental.model_reused == (action in ("edit", "none")), (step, action)
    assert set(done) == set(actions), done  # the seed tries every kind of change


def _rebuild(site, state, kept):
    if kept == "in memory":
        return build(site, state=state)
    from site_builder.rebuild import cached_build

    return cached_build(site)


def test_no_change_rebuild_renders_nothing_and_one_edit_little(tmp_path):
    site = _site(tmp_path)
    state = BuildState()
    first = build(site, state=state)
    again = build(site, state=state)
    assert again.rendered == 0 and again.reused == first.rendered
    target = site / "content" / "n010.md"
    target.write_text(target.read_text(encoding="utf-8").replace("فقرة عن", "فقرة معدلة عن"), encoding="utf-8")
    edited = build(site, state=state)
    assert edited.rendered == 1 and edited.model_reused  # the article's own page: no card shows its body
    assert edited.timings.keys() == {"config", "parse", "render", "pages", "search"}  # no index, no plan
    retitled = target.read_text(encoding="utf-8").replace("title: ", "title: عاجل - ", 1)
    target.write_text(retitled, encoding="utf-8")
    again = build(site, state=state)
    assert not again.model_reused and again.rendered > 1  # its cards, lists and see-also links change
    build(site, out=site.parent / "clean")
    assert _tree(site / "output") == _tree(site.parent / "clean")


def test_parallel_build_is_byte_identical(tmp_path, monkeypatch):
    site = _site(tmp_path, 120)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 1)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    build(site, out=tmp_path / "one")
    monkeypatch.setenv("SITE_BUILDER_JOBS", "3")
    result = build(site, out=tmp_path / "three")
    assert result.written and _tree(tmp_path / "one") == _tree(tmp_path / "three")
    # The search index the workers gather beside the pages is the one built in one go.
    from site_builder import searchwork

    monkeypatch.setattr(searchwork, "KeysBesidePages", lambda *args: None)
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
    from site_builder.rebuild import cached_build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key-a"))
    site = _site(tmp_path, 30)
    first = cached_build(site)
    clean = _tree(site / "output")
    db = site / ".site-builder-cache" / "state.sqlite"
    assert first.rendered == first.reused + first.rendered and db.is_file()
    assert cached_build(site).rendered == 0

    # A page edited by hand in output/ is noticed and made again.
    page = site / "output" / "n005" / "index.html"
    page.write_bytes(page.read_bytes().replace("خبر".encode(), "خير".encode(), 1))
    again = cached_build(site)
    assert again.rendered == 1 and _tree(site / "output") == clean and not again.problems

    def edit_and_build(words: str):
        target = site / "content" / "n007.md"
        target.write_text(target.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")
        return cached_build(site)

    # A damaged row (SQLite checksums nothing) is not trusted: the state is set aside, said so.
    raw = bytearray(db.read_bytes())
    at = raw.find(b'{"@":"Article","v":["')  # a source row's front matter, its title next
    while at >= 0 and b'"n007"' not in raw[at : at + 200]:  # the row of the article edited next
        at = raw.find(b'{"@":"Article","v":["', at + 1)
    assert at > 0
    raw[at + 22] ^= 0x01  # one bit of the title's first letter
    db.write_bytes(bytes(raw))
    damaged = edit_and_build("فقرة جديدة.")
    assert damaged.rendered == first.rendered
    said = [p for p in damaged.problems if p.path == str(db)]
    assert [(p.level, p.message) for p in said] == [
        ("warning", "build state unreadable (the row of content/n007.md is damaged); set aside, building everything")
    ]

    # Not a database at all, or one made with another machine's key (or shipped in a
    # repository): the same, with the reason.
    db.write_bytes(b"SQLite format 3\0" + bytes(200))
    assert edit_and_build("فقرة ثالثة.").rendered == first.rendered
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key-b"))
    foreign = edit_and_build("فقرة أخرى.")
    assert foreign.rendered == first.rendered
    assert [str(p) for p in foreign.problems if p.path == str(db)] == [
        f"{db}: info: build state not used: it was not made on this machine by site-builder; building everything"
    ]
    build(site, out=tmp_path / "clean")
    assert _tree(site / "output") == _tree(tmp_path / "clean")
    assert cached_build(site).rendered == 0  # and then nothing to do again
