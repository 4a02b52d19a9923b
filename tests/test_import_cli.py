"""The import command as a user runs it: many files, bad ones among them, again and again."""

from __future__ import annotations

import pytest
from conftest import SEED, run_cli
from pages import text_dump


def _mirror(tmp_path, files: dict[str, bytes]):
    src = tmp_path / "mirror"
    for name, data in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return src


def test_help_on_every_command():
    assert run_cli("--help").returncode == 0
    result = run_cli("import", "--help")
    assert result.returncode == 0 and "--force" in result.stdout and "--date" in result.stdout


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("import").returncode == 2
    assert run_cli("import", str(SEED), "--date", "18-02-2025").returncode == 2


def test_bad_files_fail_alone_and_the_rest_go_on(tmp_path):
    src = _mirror(
        tmp_path,
        {
            "good/one.txt": text_dump().encode(),
            "bad/empty.txt": b"",
            "bad/blank.txt": b"  \n\n \r\n",
            "bad/binary.dat": b"\x00\x01\x02\x03" * 100,
            "bad/image.txt": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "bad/no-body.txt": "خَبَرَيْن logo\n\nعنوان بلا نص\n".encode(),
            "bad/latin1.txt": "caf\xe9 cr\xe8me br\xfbl\xe9e".encode("latin-1"),
            "good/two.txt": text_dump(title="قمة عربية لبحث التعاون الاقتصادي", category="اقتصاد").encode(),
            "style.css": b"body{}",
        },
    )
    out = tmp_path / "content"
    result = run_cli("import", str(src), "--out", str(out))
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith(str(src / "bad"))]
    assert len(failures) == 6, result.stderr
    for name, reason in (
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("binary.dat", "binary"),
        ("image.txt", "binary"),
        ("no-body.txt", "no body"),
        ("latin1.txt", "cannot decode"),
    ):
        assert any(name in line and reason in line for line in failures), (name, result.stderr)
    assert "2 imported, 0 updated, 0 unchanged, 0 skipped, 6 failed" in result.stderr
    assert sorted(p.name for p in out.glob("*.md")) == sorted(
        ["فوز-مثير-للمنتخب-في-التصفيات-الآسيوية.md", "قمة-عربية-لبحث-التعاون-الاقتصادي.md"]
    )


def test_same_title_twice_gets_unique_slugs(tmp_path):
    src = _mirror(
        tmp_path, {"a.txt": text_dump().encode(), "b.txt": text_dump(summary="نسخة أخرى من الخبر. خَبَرَيْن.").encode()}
    )
    out = tmp_path / "content"
    assert run_cli("import", str(src), "--out", str(out)).returncode == 0
    stems = sorted(p.stem for p in out.glob("*.md"))
    assert stems == ["فوز-مثير-للمنتخب-في-التصفيات-الآسيوية", "فوز-مثير-للمنتخب-في-التصفيات-الآسيوية-2"]
    # Re-importing keeps each page on its own file.
    again = run_cli("import", str(src), "--out", str(out))
    assert "0 imported, 0 updated, 2 unchanged" in again.stderr
    assert sorted(p.stem for p in out.glob("*.md")) == stems


def test_changed_page_updates_hand_edited_file_is_kept(tmp_path):
    src = _mirror(tmp_path, {"p.txt": text_dump().encode()})
    out = tmp_path / "content"
    run_cli("import", str(src), "--out", str(out))
    (article,) = out.glob("*.md")

    (src / "p.txt").write_bytes(text_dump(summary="ملخص محدث للخبر. خَبَرَيْن.").encode())
    result = run_cli("import", str(src), "--out", str(out))
    assert "0 imported, 1 updated" in result.stderr
    assert "ملخص محدث للخبر." in article.read_text()

    edited = article.read_text().replace("قدم أداءً رائعاً", "قدم أداءً جيداً")
    article.write_text(edited)
    assert "1 unchanged" in run_cli("import", str(src), "--out", str(out)).stderr
    assert article.read_text() == edited

    (src / "p.txt").write_bytes(text_dump(summary="ملخص ثالث. خَبَرَيْن.").encode())
    result = run_cli("import", str(src), "--out", str(out))
    assert "1 skipped" in result.stderr and "edited by hand" in result.stderr and str(article) in result.stderr
    assert article.read_text() == edited

    result = run_cli("import", str(src), "--out", str(out), "--force")
    assert "1 updated" in result.stderr
    assert "ملخص ثالث." in article.read_text() and "قدم أداءً رائعاً" in article.read_text()


def test_no_temp_files_are_left_behind(tmp_path):
    src = _mirror(tmp_path, {f"p{i}.txt": text_dump(title=f"خبر رقم {i} عن الاقتصاد").encode() for i in range(5)})
    out = tmp_path / "content"
    run_cli("import", str(src), "--out", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == ".import-state.json" and [n[-3:] for n in names[1:]] == [".md"] * 5


def test_bundled_content_is_what_the_demo_mirror_imports_to(tmp_path):
    import shutil

    from conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    result = run_cli("import", str(ROOT / "content-src"), "--out", str(content))
    assert result.returncode == 0, result.stderr
    total = len(list(content.glob("*.md")))
    assert total == 10
    assert f"0 imported, 0 updated, {total} unchanged, 0 skipped, 0 failed" in result.stderr


@pytest.mark.slow
def test_large_mirrors_show_progress(tmp_path):
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_text_dumps

    write_text_dumps(tmp_path / "mirror", 600)
    result = run_cli("import", str(tmp_path / "mirror"), "--out", str(tmp_path / "content"))
    assert result.returncode == 0, result.stderr[-500:]
    assert "500/600 files" in result.stderr and "600/600 files" in result.stderr
    assert "600 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed" in result.stderr


def test_progress_lines_are_periodic_when_not_on_a_terminal(capsys):
    from site_builder.cli import _progress_printer

    show = _progress_printer(every=5000, noun="pages")
    for done in range(1, 12001):
        show(done, 12000)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["5000/12000 pages", "10000/12000 pages", "12000/12000 pages"]
