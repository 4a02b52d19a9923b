"""A body edit on the command line (splice.py): the new body spliced into its page and the
search index, byte for byte what a build makes, and a build whenever anything else moved."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import run_cli
from sitekit import killed_run, numbered_site

from site_builder.build import build
from site_builder.rebuild import cached_build
from site_builder.search import unpack_keys
from site_builder.state import load_state, state_file

pytestmark = pytest.mark.usefixtures("machine_key_home")


def _site(tmp_path: Path, count: int = 20) -> Path:
    return numbered_site(tmp_path, count, ["سياسة", "رياضة", "اقتصاد"], "بيروت", 4, heading="تفاصيل")


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _same_as_clean(site: Path, tmp_path: Path, name: str) -> None:
    assert build(site, tmp_path / name).written
    assert _tree(site / "output") == _tree(tmp_path / name)


def _append(path: Path, words: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def test_body_edits_are_spliced_and_equal_a_clean_build(tmp_path):
    site = _site(tmp_path)
    cached_build(site)
    content = site / "content"
    # n019's see-also names an article the archive lacks: a build of its page says so, and so
    # does a splice of it.
    _append(content / "n019.md", "فقرة أضافها المحرر عن **المرفأ**.")
    first = cached_build(site)
    assert first.spliced and first.rendered == 1 and first.written
    assert "n019/index.html" in first.changed and any(p.startswith("search/") for p in first.changed)
    assert [(p.path, p.message) for p in first.problems] == [
        ("content/n019.md", "see-also «خبر رقم 20 عن اقتصاد في بيروت» is not in the archive (shown as text)")
    ]
    _same_as_clean(site, tmp_path, "clean1")

    # The state it left is whole and current: nothing to do, then another splice.
    state, unused = load_state(site, (site / "output").resolve())
    assert unused is None and state.parsed["content/n007.md"].digest
    idle = cached_build(site)
    assert idle.rendered == 0 and not idle.timings  # the no-change path: the output is as recorded
    for name in ("n003.md", "n012.md"):
        _append(content / name, "سطر جديد في نص الخبر.")
    second = cached_build(site)
    assert second.spliced and second.rendered == 2
    on_disk = [p.stat().st_size for p in (site / "output").rglob("*") if p.is_file()]
    assert (second.files, second.bytes) == (len(on_disk), sum(on_disk))  # as a build reports them
    _same_as_clean(site, tmp_path, "clean2")
    idle = cached_build(site)
    assert idle.rendered == 0 and not idle.timings


def _search_rows(site: Path) -> tuple[list, list]:
    """The search index's rows in the build state, keys unpacked."""
    with closing(sqlite3.connect(state_file(site))) as db:
        terms = db.execute("SELECT term, shard, title, other FROM search_terms ORDER BY term").fetchall()
        docs = db.execute("SELECT id, slug, digest, display, keys FROM search_docs ORDER BY id").fetchall()
    return terms, [(*row[:4], unpack_keys(row[4])) for row in docs]


def test_a_splice_leaves_the_search_rows_a_clean_build_makes(tmp_path):
    """Words an edit adds join their terms' rows, words it removes leave them, and a term no
    article holds any more loses its row: the rows equal a clean build's, so the next splice
    starts from the truth."""
    site = _site(tmp_path)
    cached_build(site)
    content = site / "content"
    n003, n012 = content / "n003.md", content / "n012.md"
    original = n003.read_text(encoding="utf-8")
    _append(n003, "زلزال قوي يضرب الساحل.")
    n012.write_text(n012.read_text(encoding="utf-8").replace("فقرة عن الموضوع", "سطر"), encoding="utf-8")
    assert cached_build(site).spliced
    terms, _ = _search_rows(site)
    assert any(term == "زلزال" for term, *_ in terms)
    n003.write_text(original, encoding="utf-8")  # the new word gone again
    assert cached_build(site).spliced
    spliced = _search_rows(site)
    assert not any(term == "زلزال" for term, *_ in spliced[0])

    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".site-builder-cache"))
    assert not cached_build(clean).spliced
    assert _search_rows(clean) == spliced


@pytest.mark.parametrize(
    "change",
    ["title", "see-also", "new file", "template", "page edited by hand", "strict"],
)
def test_anything_but_a_body_edit_is_a_build(tmp_path, change):
    site = _site(tmp_path)
    cached_build(site)
    target = site / "content" / "n005.md"
    text = target.read_text(encoding="utf-8")
    strict = False
    if change == "title":
        target.write_text(text.replace("title: ", "title: عاجل - ", 1), encoding="utf-8")
    elif change == "see-also":  # the body's see-also titles are the pages' links: not the body alone
        target.write_text(text.replace("شاهد ايضاً: خبر رقم 6", "شاهد ايضاً: خبر رقم 9"), encoding="utf-8")
    elif change == "new file":
        _append(target, "فقرة.")
        (site / "content" / "extra.md").write_text(
            "---\ntitle: خبر إضافي\ndate: 2025-05-05\ncategory: سياسة\n---\n\nنص.\n", encoding="utf-8"
        )
    elif change == "template":
        _append(target, "فقرة.")
        template = site / "templates" / "article.html"
        _append(template, "{# edited #}")
    elif change == "page edited by hand":
        _append(target, "فقرة.")
        page = site / "output" / "n005" / "index.html"
        page.write_bytes(page.read_bytes().replace("فقرة".encode(), "فقره".encode(), 1))
    elif change == "strict":
        _append(target, "فقرة.")
        strict = True
    result = cached_build(site, strict=strict)
    assert result.written and not result.spliced, result.problems
    _same_as_clean(site, tmp_path, "clean")


def test_a_template_that_uses_the_body_twice_is_never_spliced(tmp_path):
    site = _site(tmp_path)
    template = site / "templates" / "article.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{{ article.body }}", "{{ article.body }}<p>{{ article.body|wordcount }}</p>"))
    cached_build(site)
    _append(site / "content" / "n002.md", "كلمات أخرى تغير عدد الكلمات.")
    result = cached_build(site)
    assert not result.spliced
    _same_as_clean(site, tmp_path, "clean")


KILLED_SPLICE = """
import os, signal, sys
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from site_builder import splice
from site_builder.rebuild import cached_build
from site_builder.search import unpack_keys

def dying(*args):
    os.kill(os.getpid(), signal.SIGKILL)  # the pages are written, their rows not yet

splice._save = dying
cached_build(Path(sys.argv[1]))
"""


def test_a_splice_killed_before_its_rows_are_saved_is_put_right_by_the_next_build(tmp_path):
    site = _site(tmp_path)
    cached_build(site)
    _append(site / "content" / "n004.md", "فقرة أضيفت قبل أن يتوقف البناء.")
    killed_run(KILLED_SPLICE, str(site))
    _, unused = load_state(site, (site / "output").resolve())
    assert unused is None and state_file(site).is_file()
    again = cached_build(site)
    assert again.written and not again.spliced  # the page's stat is not the one its row holds
    _same_as_clean(site, tmp_path, "clean")


def test_the_command_line_says_which_way_it_built(tmp_path):
    site = _site(tmp_path, 8)
    first = run_cli("build", "--site", str(site))
    assert first.returncode == 0 and "0 unchanged" in first.stderr, first.stderr  # a first build: every page
    _append(site / "content" / "n001.md", "فقرة جديدة.")
    spliced = run_cli("build", "--site", str(site))
    assert spliced.returncode == 0, spliced.stderr
    assert "1 rendered" in spliced.stderr and "only article bodies changed: spliced into their pages" in spliced.stderr
    idle = run_cli("build", "--site", str(site))
    assert "0 rendered" in idle.stderr and "nothing changed since the last build" in idle.stderr


def test_the_no_change_walk_finds_the_files_a_build_reads(tmp_path):
    """The stamps the no-change check collects for the splice (signatures.inputs_fingerprint)
    name the same files, with the same stats, as the build's content walk
    (sources.content_files): hidden names, folders, other files and links included."""
    from site_builder import config as config_mod
    from site_builder.signatures import inputs_fingerprint
    from site_builder.sources import content_files

    site = _site(tmp_path, 6)
    content = site / "content"
    (content / "أرشيف" / "قديم").mkdir(parents=True)
    shutil.copy(content / "n001.md", content / "أرشيف" / "قديم" / "n100.md")
    (content / ".draft.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (content / ".trash").mkdir()
    shutil.copy(content / "n002.md", content / ".trash" / "n101.md")
    (content / "notes.txt").write_text("ليس خبراً", encoding="utf-8")
    (content / "folder.md").mkdir()
    outside = tmp_path / "outside.md"
    shutil.copy(content / "n003.md", outside)
    (content / "linked.md").symlink_to(outside)
    (content / "dangling.md").symlink_to(tmp_path / "missing.md")

    seen: dict[str, tuple[int, int]] = {}
    inputs_fingerprint(site, config_mod.load(site), None, False, seen)
    walked = {rel: (e.stat().st_size, e.stat().st_mtime_ns) for rel, e in content_files(content, site)}
    assert seen == walked
    assert "content/أرشيف/قديم/n100.md" in seen and "content/linked.md" in seen
    assert not any(".draft" in rel or ".trash" in rel or "dangling" in rel for rel in seen)
