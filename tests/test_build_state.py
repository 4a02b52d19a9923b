"""The build state on disk (state.py): rows per content file and output file, an edit
rewrites only its rows, a save is all or nothing, and rows always read back as written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sitekit import killed_run, numbered_site

from site_builder import modeljson
from site_builder.build import build
from site_builder.model import Article, Image, RelatedItem, SeeAlso, Source
from site_builder.rebuild import cached_build
from site_builder.state import load_state, save_state, state_file


def _site(tmp_path: Path, count: int = 24) -> Path:
    return numbered_site(tmp_path, count, ["سياسة", "رياضة", "اقتصاد"], "عمّان", 5)


pytestmark = pytest.mark.usefixtures("machine_key_home")


def test_an_edit_rewrites_only_its_rows_and_the_rows_read_back_as_kept(tmp_path):
    site = _site(tmp_path)
    out = (site / "output").resolve()
    state, unused = load_state(site, out)
    assert unused is None and not state.parsed  # no database yet
    assert build(site, out, state=state).written
    first = save_state(site, out, state)
    assert first > 24 + 60  # every source, every output file

    again, _ = load_state(site, out)
    assert again.parsed == state.parsed and again.signatures == state.signatures and again.stamps == state.stamps
    assert again.search_signature == state.search_signature and again.related == state.related
    assert again.search_index == state.search_index

    target = site / "content" / "n007.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nفقرة أضافها المحرر.\n", encoding="utf-8")
    edited = build(site, out, state=again)
    assert edited.rendered == 1
    written = save_state(site, out, again)
    # its source row, its page and the search files it changed, its article-page row, its
    # search row and the rows of the (at most 3) terms its new words joined, and the index's
    # signature and sum (in meta): nothing of the 23 other articles
    assert written <= 1 + len(edited.changed) + 1 + 1 + 3 + 2, (written, edited.changed)
    assert save_state(site, out, again) == 0  # nothing changed since


def test_no_change_build_on_the_command_line_saves_nothing(tmp_path):
    site = _site(tmp_path)
    cached_build(site)
    db = state_file(site)
    before = db.stat().st_mtime_ns
    assert cached_build(site).rendered == 0
    assert db.stat().st_mtime_ns == before


KILLED_SAVE = """
import os, signal, sys
from pathlib import Path
from site_builder import state as state_mod
from site_builder.rebuild import cached_build

real = state_mod._save_files

def dying(db, state, saved):
    real(db, state, saved)  # the sources and files rows are written, not committed
    os.kill(os.getpid(), signal.SIGKILL)

state_mod._save_files = dying
cached_build(Path(sys.argv[1]))
"""


def test_a_build_killed_while_saving_leaves_the_previous_state(tmp_path):
    site = _site(tmp_path)
    cached_build(site)
    out = (site / "output").resolve()
    before, _ = load_state(site, out)
    target = site / "content" / "n003.md"  # a new title: a build, not a splice (splice.py)
    target.write_text(target.read_text(encoding="utf-8").replace("title: ", "title: عاجل - ", 1), encoding="utf-8")
    killed_run(KILLED_SAVE, str(site))
    after, unused = load_state(site, out)
    assert unused is None  # whole, and the last committed one
    assert after.parsed == before.parsed and after.signatures == before.signatures
    # The next build finds the edit (its row still says the old stamp) and is right.
    result = cached_build(site)
    assert result.rendered >= 1 and not [p for p in result.problems if p.path == str(state_file(site))]
    clean = build(site, tmp_path / "clean")
    assert clean.written
    assert _tree(site / "output") == _tree(tmp_path / "clean")


def test_a_state_for_another_output_folder_is_not_used(tmp_path):
    site = _site(tmp_path)
    cached_build(site)
    elsewhere = cached_build(site, tmp_path / "elsewhere")
    assert elsewhere.rendered == elsewhere.rendered + elsewhere.reused
    said = [str(p) for p in elsewhere.problems if p.path == str(state_file(site))]
    assert said == [
        f"{state_file(site)}: info: build state not used: it describes another output folder "
        f"({(site / 'output').resolve()}); building everything"
    ]
    idle = cached_build(site, tmp_path / "elsewhere")  # the no-change answer: about this site only
    assert idle.rendered == 0 and not [p for p in idle.problems if p.path == str(state_file(site))]


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("UPDATE search_terms SET title = title || X'00000000' WHERE term = 'فقر'", "'فقر'"),
        ("UPDATE search_docs SET display = replace(display, 'عمّان', 'عمان') WHERE slug = 'n004'", "'n004'"),
        ("UPDATE search_docs SET keys = X'789c' WHERE slug = 'n004'", "'n004'"),
    ],
)
def test_a_damaged_search_row_is_never_trusted(tmp_path, damage, named):
    """The search index's rows carry checksums: a changed posting list, display row or key
    list sets the state aside with a message (and nothing is spliced from it)."""
    site = _site(tmp_path)
    clean = cached_build(site)
    with closing(sqlite3.connect(state_file(site))) as db, db:
        assert db.execute(damage).rowcount == 1
    target = site / "content" / "n004.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("فقرة عن", "سطر عن"), encoding="utf-8")  # n004 leaves 'فقر'
    again = cached_build(site)
    assert not again.spliced and again.rendered == clean.rendered
    said = [(p.level, p.message) for p in again.problems if p.path == str(state_file(site))]
    assert said == [
        ("warning", f"build state unreadable (the search row of {named} is damaged); set aside, building everything")
    ]


def test_article_rows_keep_every_type_and_refuse_anything_else():
    item = Article(
        title="«سدّ النهضة»: جولة جديدة",
        slug="sadd",
        date=dt.datetime(2021, 4, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        category="سياسة",
        body="",
        images=(Image("صورة", "التعليق", "رويترز", "sadd/01.jpg"),),
        see_also=(SeeAlso("خبر آخر"),),
        related=(RelatedItem("خبر ذو صلة", category="اقتصاد"),),
        source=Source("mirror/x.html", "html", "0" * 64, "https://example.com/x"),
        extra={"authors": ["أ", "ب"], "updated": dt.date(2021, 4, 7), "odd": {"@": "Image", "v": [1]}, "n": None},
        body_see_also=("خبر آخر",),
        body_links=("example.com/y",),
    )
    assert modeljson.loads(modeljson.dumps(item)) == item
    for bad in ('{"@": "Image", "v": ["x"]}', "[1, 2]", '{"@": "SiteConfig", "v": []}', '{"x": 1}', "{"):
        with pytest.raises(ValueError):
            modeljson.loads(bad)


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
