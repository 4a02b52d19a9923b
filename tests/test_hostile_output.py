"""Output integrity under attack and accident: URL collisions, paths that try to leave
output/, builds and imports killed at random moments, links and narrow permissions.
"""

from __future__ import annotations

import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, run_cli
from sitekit import article, broken_links, make_site, serve_folder, write_article

from site_builder.content import parse_bytes
from site_builder.errors import SiteError
from site_builder.output import InPlaceOutput, StagedOutput

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_archive, write_text_dumps

# -- one URL, two sources ----------------------------------------------------------------------


def test_two_sources_for_one_url_fail_naming_both(tmp_path):
    site = make_site(
        tmp_path / "site",
        [
            article("same", "خبر أول", "2025-02-18"),
            article("same", "خبر ثان", "2025-02-17", file="same-again.md"),
            article("search", "خبر يأخذ رابط البحث", "2025-02-16"),
            article("archive", "خبر يأخذ رابط الأرشيف", "2025-02-16"),
            article("static", "خبر يأخذ مجلد الملفات", "2025-02-16"),
            article("politics", "خبر يأخذ رابط قسم", "2025-02-15", file="takes-category.md"),
            article("خبر-عاجل", "عنوان مختلف تماماً", "2025-02-14", file="explicit.md"),
        ],
    )
    # A title with no slug that slugs to another file's slug: the third way to collide.
    by_title = article("unused", "خبرٌ عاجل", "2025-02-13", file="by-title.md")
    del by_title["slug"]
    write_article(site, by_title)
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    err = result.stderr
    assert (
        "content/same-again.md: error: URL /same/ is already made by content/same.md" in err
        or "content/same.md: error: URL /same/ is already made by content/same-again.md" in err
    )
    assert "URL /search/ is already made by a page of the site" in err
    assert "URL /archive/ is already made" in err and "URL /static/ is already made" in err
    assert "content/takes-category.md: error: URL /politics/ is already made by the سياسة category page" in err
    assert "URL /خبر-عاجل/ is already made by content/" in err
    assert "content/by-title.md" in err and "content/explicit.md" in err
    assert not (site / "output").exists()


# -- paths that try to leave output/ -----------------------------------------------------------

ESCAPES = [
    "../../x",
    "../outside",
    "/etc/x",
    "..",
    ".",
    "a/b",
    "a\\b",
    "%2e%2e",
    "x\x00y",
    "ب" * 300,
    "con/../../x",
    "~root",
    "static/../../x",
]


@pytest.mark.parametrize("slug", ESCAPES, ids=[f"slug{n}" for n in range(len(ESCAPES))])
def test_a_slug_that_leads_out_is_refused_on_its_line(tmp_path, slug):
    site = make_site(tmp_path / "site", [article("good", "خبر سليم", "2025-02-18")])
    path = site / "content" / "bad.md"
    path.write_text(
        f'---\ntitle: خبر خبيث\ndate: 2025-02-18\nslug: "{slug.replace(chr(0), chr(92) + "0")}"\n'
        f"category: سياسة\n---\nنص.\n",
        encoding="utf-8",
    )
    before = _tree(tmp_path)
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/bad.md:4: error: slug" in result.stderr, result.stderr
    assert _tree(tmp_path) - before <= {p for p in _tree(tmp_path) if "/site/.site-builder-cache" in p}


def test_titles_categories_and_images_from_content_stay_inside(tmp_path):
    leak = tmp_path / "secret.txt"
    leak.write_text("كلمة السر", encoding="utf-8")
    site = make_site(
        tmp_path / "site",
        [
            article("long", "عنوان " * 400, "2025-02-18"),
            article("cat-escape", "قسم يحاول الهروب", "2025-02-17", category="../../../etc"),
            article("cat-dots", "قسم من نقاط", "2025-02-16", category=".."),
            article(
                "img-escape",
                "صورة خارج الأرشيف",
                "2025-02-15",
                images=[
                    {"src": "../../secret.txt", "alt": "a", "caption": "c", "credit": "d"},
                    {"src": str(leak), "alt": "a", "caption": "c", "credit": "d"},
                    {"src": "pics/link.jpg", "alt": "a", "caption": "c", "credit": "d"},
                ],
            ),
        ],
    )
    (site / "content" / "pics").mkdir()
    (site / "content" / "pics" / "link.jpg").symlink_to(leak)
    (site / "static" / "leak.txt").symlink_to(leak)
    (site / "static" / "etc").symlink_to("/etc")
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    out = site / "output"
    files = [p for p in out.rglob("*")]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in files)
    assert not any("كلمة السر" in p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file())
    assert "image file 'pics/link.jpg' is a link leading out of the content folder" in result.stderr
    assert max(len(p.name.encode()) for p in files) <= 255
    assert broken_links(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.txt", "site"]  # nothing written beside


def test_the_writer_itself_refuses_paths_out_of_the_stage(tmp_path):
    """Defence in depth: even a bug upstream cannot make the writer leave the stage."""
    with StagedOutput(tmp_path / "output") as staged:
        for rel in ["../x", "/etc/x", "a/../../x", "", "a//b", "./a", "a/./b", "a\\..\\x", "x\x00"]:
            with pytest.raises(SiteError, match="outside the output folder"):
                staged.write(rel, b"x")
        assert list(staged.stage.rglob("*")) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.building"]  # nothing beside it


def _tree(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


# -- killed builds and imports -----------------------------------------------------------------


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _edit(site: Path, round_no: int, rng: random.Random) -> str:
    """A change of one of three sizes, so kills land in staged and in-place builds alike."""
    kind = ("template", "articles", "add-remove")[round_no % 3]
    content = sorted((site / "content").glob("*.md"))
    if kind == "template":
        template = site / "templates" / "article.html"
        template.write_text(
            template.read_text(encoding="utf-8") + f"{{# round {round_no} #}}\n<!-- {round_no} -->\n", encoding="utf-8"
        )
    elif kind == "articles":
        for path in rng.sample(content, 3):
            text = path.read_text(encoding="utf-8").replace("title: ", f"title: تعديل {round_no} ", 1)
            path.write_text(text + f"\nفقرة جديدة في الجولة {round_no}.\n", encoding="utf-8")
    else:
        rng.choice(content).unlink()
        write_article(site, article(f"new-{round_no}", f"خبر جديد في الجولة {round_no}", "2025-03-01"))
    return kind


def _assert_whole(out: Path, before: dict[str, bytes], after: dict[str, bytes], killed: dict[str, bytes]) -> None:
    """Every file the kill left is the old or the new version of itself; nothing both builds
    have is missing; every page is complete and every link resolves."""
    for rel, data in killed.items():
        assert data in (before.get(rel), after.get(rel)), rel
    assert set(before) & set(after) <= set(killed)
    for rel, data in killed.items():
        if rel.endswith(".html"):
            assert data.rstrip().endswith(b"</html>"), rel
    assert broken_links(out) == []


@pytest.mark.slow
def test_builds_killed_at_random_moments_leave_a_whole_site(tmp_path):
    site = tmp_path / "site"
    write_archive(site, 300)
    assert run_cli("build", "--site", str(site), "-q").returncode == 0
    out = site / "output"
    started = time.monotonic()
    assert run_cli("build", "--site", str(site), "-q", "--clean").returncode == 0
    full = time.monotonic() - started
    rng = random.Random(8)
    killed_kinds: list[str] = []
    for round_no in range(30):  # until 8 builds, of every kind, were killed before they finished
        if len(killed_kinds) >= 8 and len(set(killed_kinds)) == 3:
            break
        before = _snapshot(out)
        kind = _edit(site, round_no, rng)
        child = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "build", "--site", str(site), "-q"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.02, full if kind == "template" else full / 2))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed_kinds.append(kind)
        child.wait()
        killed = _snapshot(out)
        with serve_folder(out) as base:
            for path in ("", "politics/"):
                with urllib.request.urlopen(f"{base}/{quote(path)}") as response:
                    assert response.status == 200 and response.read().rstrip().endswith(b"</html>")
        result = run_cli("build", "--site", str(site), "-q")
        assert result.returncode == 0, result.stderr
        _assert_whole(out, before, _snapshot(out), killed)
    assert len(killed_kinds) >= 8 and len(set(killed_kinds)) == 3, killed_kinds
    # What the interrupted builds left in the cache is never trusted into wrong output.
    clean = tmp_path / "clean"
    assert run_cli("build", "--site", str(site), "-q", "--clean", "--out", str(clean)).returncode == 0
    assert _snapshot(out) == _snapshot(clean)
    assert not [p for p in site.iterdir() if p.name.startswith(".output.building")]


KILL_AT_WRITE = """
import os, signal, sys
from site_builder.cli import main
limit, count = int(os.environ["KILL_AT_WRITE"]), 0

def hook(frame, event, arg):  # SIGKILL this process at its Nth write to any file
    global count
    if event == "c_call" and getattr(arg, "__name__", "") == "write" \\
            and type(getattr(arg, "__self__", None)).__module__ in ("_io", "io"):
        count += 1
        if count >= limit:
            os.kill(os.getpid(), signal.SIGKILL)

sys.setprofile(hook)
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_imports_killed_midway_leave_each_file_complete_or_untouched(tmp_path):
    """The import is killed in the middle of a write (the Nth one, N random): a file it was
    rewriting must still be the old one, whole, or the new one, whole."""
    mirror = tmp_path / "mirror"
    write_text_dumps(mirror, 300)
    content = tmp_path / "content"
    command = ["import", str(mirror), "--out", str(content), "--date", "2025-02-18"]
    first = run_cli(*command)
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in content.glob("*.md"))
    killer = tmp_path / "killer.py"
    killer.write_text(KILL_AT_WRITE, encoding="utf-8")
    rng = random.Random(3)
    kills = 0
    for round_no, limit in enumerate(rng.sample(range(1, 280), 8)):
        before = _snapshot(content)
        marker = f"تحديث {round_no}."
        for page in sorted(mirror.glob("*.txt")):  # a new version of every page: every file is rewritten
            text = re.sub(r"خَبَرَيْن\.( تحديث \d+\.)?", f"خَبَرَيْن. {marker}", page.read_text(encoding="utf-8"), count=1)
            page.write_text(text, encoding="utf-8")
        child = subprocess.run(
            [sys.executable, str(killer), *command, "--force"],
            capture_output=True,
            timeout=300,
            env={**os.environ, "KILL_AT_WRITE": str(limit), "PYTHONPATH": str(ROOT)},
        )
        kills += child.returncode == -signal.SIGKILL
        for path in content.glob("*.md"):
            raw = path.read_bytes()
            parse_bytes(raw, path.name)  # whole: it parses
            assert raw == before.get(path.name) or marker.encode() in raw, path
    assert kills == 8
    done = run_cli(*command, "--force")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in content.glob("*.md")) == names
    assert all(marker.encode() in p.read_bytes() for p in content.glob("*.md"))
    assert not list(content.rglob(".*.tmp")), "a killed import's temp files were left behind"


# -- links and permissions ---------------------------------------------------------------------


def test_output_has_no_links_and_everything_is_world_readable(tmp_path):
    site = make_site(
        tmp_path / "site",
        [
            article(
                "pic",
                "خبر بصورة",
                "2025-02-18",
                images=[{"src": "pic/photo.png", "alt": "صورة", "caption": "تعليق", "credit": "تصوير: أحمد"}],
            ),
            article("other", "خبر آخر", "2025-02-17"),
        ],
    )
    (site / "content" / "pic").mkdir()
    real = ROOT / "content-src"
    png = next(real.rglob("*.png"))
    (site / "content" / "pic" / "real.png").write_bytes(png.read_bytes())
    (site / "content" / "pic" / "photo.png").symlink_to("real.png")  # a link inside content: copied as a file
    (site / "static" / "css" / "alias.css").symlink_to("site.css")
    env = {**os.environ}
    for _ in range(2):  # a full build, then an in-place one after an edit
        result = subprocess.run(
            ["bash", "-c", f"umask 077 && {sys.executable} -m site_builder build --site {site}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        out = site / "output"
        for path in [out, *out.rglob("*")]:
            mode = os.lstat(path).st_mode
            assert not stat.S_ISLNK(mode), path
            assert mode & stat.S_IROTH, f"{path} is not world-readable"
            if stat.S_ISDIR(mode):
                assert mode & stat.S_IXOTH, f"{path} cannot be entered"
        assert (out / "pic" / "photo.png").read_bytes() == png.read_bytes()
        write_article(site, article("other", "خبر آخر معدل", "2025-02-17"))
        os.chmod(out / "pic" / "index.html", 0o600)  # narrowed by hand: the next build widens it again


def test_without_an_atomic_exchange_the_two_renames_still_give_a_whole_site(tmp_path, monkeypatch):
    """Where renameat2 is missing (another kernel, a file system without it), commit falls
    back to two renames; a build still replaces the site whole and leaves nothing behind."""
    from site_builder import output
    from site_builder.build import build

    site = make_site(tmp_path / "site", [article("one", "خبر أول", "2025-02-18")])
    assert build(site).written
    monkeypatch.setattr(output, "exchange", lambda a, b: False)
    write_article(site, article("two", "خبر ثان", "2025-02-19"))
    assert build(site).written  # no state given: a full build through the stage
    assert (site / "output" / "two" / "index.html").is_file() and broken_links(site / "output") == []
    assert not [p.name for p in site.iterdir() if p.name.startswith(".output.building")]


def test_an_in_place_update_after_a_killed_one_removes_what_is_left(tmp_path):
    """A build killed after removing a stale page and its folder, before its state was saved:
    the next build still lists that page as there, and must go on, not stop on the gap."""
    out = tmp_path / "output"
    (out / "kept").mkdir(parents=True)
    (out / "kept" / "index.html").write_bytes(b"<!DOCTYPE html><title>x</title>")
    (out / "old" / "deep").mkdir(parents=True)  # its page went with the killed build; the folders stayed
    known = {"kept/index.html", "old/deep/gone/index.html", "gone/index.html"}
    with InPlaceOutput(out, known) as writer:
        assert writer.reuse("kept/index.html")
        writer.commit()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["kept", "kept/index.html"]
