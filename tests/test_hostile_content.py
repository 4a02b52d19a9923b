"""Hostile and broken content: front matter that tries to run code or expand, YAML's
traps, broken files, and random input fed through import and build.

Each test is written as the attack or fault it guards against; see issue 8.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sitekit import article, make_site, parse_page

from site_builder.build import build
from site_builder.importer.run import ImportOptions, import_sources

GOOD = article("good", "خبر سليم في الأرشيف", "2025-02-18")
HEAD = "---\ntitle: {title}\ndate: 2025-02-18\ncategory: سياسة\n"


def _problem_lines(stderr: str) -> dict[str, str]:
    """{file name: its 'path[:line]: level' prefix} from the build's report."""
    found = {}
    for line in stderr.splitlines():
        match = re.match(r"content/([^:]+\.md)((?::\d+)?): (error|warning)", line)
        if match:
            found.setdefault(match.group(1), f"{match.group(2)}:{match.group(3)}")
    return found


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- code, bombs and size: refused before anything runs or expands ----------------------------


def _bomb(levels: int) -> str:
    """A billion-laughs document: `levels` anchors, each nine aliases of the one before."""
    rows = ['l0: &l0 ["هاها", "هاها", "هاها", "هاها", "هاها", "هاها", "هاها", "هاها", "هاها"]']
    for n in range(1, levels):
        rows.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(rows)


def test_yaml_that_would_run_code_or_expand_is_refused_with_its_line(tmp_path):
    marker = tmp_path / "pwned"
    payloads = {
        "apply.md": f'title: !!python/object/apply:os.system ["touch {marker}"]',
        "new.md": f'title: !!python/object/new:subprocess.check_call [["touch", "{marker}"]]',
        "name.md": "title: !!python/name:os.system",
        "verbatim.md": f'title: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]',
        "nested.md": f'images:\n  - alt: !!python/object/apply:os.system ["touch {marker}"]',
        "custom.md": "title: !عنوان خبر",
        "bomb.md": _bomb(20),  # 9**20 strings if it ever expanded
        "merge.md": "base: &b {title: مكرر}\nmore:\n  <<: *b",
    }
    site = make_site(tmp_path / "site", [GOOD])
    texts = {}
    for name, payload in payloads.items():
        texts[name] = "---\n" + payload + "\ndate: 2025-02-18\n---\nنص.\n"
        (site / "content" / name).write_text(texts[name], encoding="utf-8")
    big = "---\ntitle: كبير\ndate: 2025-02-18\nsummary: " + "ب" * 600_000 + "\n---\nنص.\n"
    (site / "content" / "big.md").write_text(big, encoding="utf-8")

    started = time.monotonic()
    result = run_cli("build", "--site", str(site))
    assert time.monotonic() - started < 30  # nothing expanded
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not marker.exists(), "YAML ran code"
    problems = _problem_lines(result.stderr)
    for name, text in texts.items():
        first = next(line for line in text.splitlines() if re.search(r"![^ ]|&\w|\*\w", line))
        assert problems[name] == f":{_line_of(text, first)}:error", (name, result.stderr)
    assert problems["big.md"] == ":1:error" and "larger than 1024 KB" in result.stderr
    assert "YAML anchors are not allowed" in result.stderr
    assert "python/object/apply" in result.stderr and "not allowed" in result.stderr
    assert not (site / "output").exists(), "a failed build wrote output"


# -- YAML's traps: the words stay as written, or the line is named ------------------------------

TRAPS = {
    "no": "no",
    "yes": "yes",
    "on": "on",
    "1:20": "1:20",
    "012": "012",
    "3.10": "3.10",
    "+5": "+5",
    "0x1F": "0x1F",
    "1e3": "1e3",
    ".inf": ".inf",
    "1_000": "1_000",
    "'0.50'": "0.50",
}


def test_yaml_traps_keep_the_words_that_were_written(tmp_path):
    site = make_site(tmp_path / "site", [])
    for n, written in enumerate(TRAPS):
        (site / "content" / f"trap{n}.md").write_text(
            f"---\ntitle: {written}\nslug: trap-{n}\ndate: 2025-02-18\ncategory: {written}\n"
            f"summary: {written}\nimages:\n  - alt: {written}\n    caption: {written}\n    credit: {written}\n"
            "---\nنص.\n",
            encoding="utf-8",
        )
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    for n, expected in enumerate(TRAPS.values()):
        html = (site / "output" / f"trap-{n}" / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{expected}</h1>" in html, expected
        assert f'<small class="credit">{expected}</small>' in html, expected
        assert f'<p class="summary">{expected}</p>' in html, expected


@pytest.mark.parametrize(
    ("field", "trap", "message"),
    [
        ("date", "date: 2024-02-30", "day is out of range"),
        ("date", "date: 2025-13-01", "month must be in 1..12"),
        ("date", "date: no", "expected a date"),
        ("date", "date: 1:20", "expected a date"),
        ("title", "title: 2025-02-18", "expected text"),
        ("title", "title: [قائمة, لا نص]", "expected text"),
        ("dup", "category: سياسة", "duplicate key 'category' (first on line 4)"),
        # an emoji written as a JSON-style surrogate pair: libyaml refuses it, and so must the
        # pure-Python loader that text with a `*` goes to (it let through what no file holds)
        ("title", 'title: "خبر \\ud83d\\ude00"', "invalid Unicode character escape code"),
        ("title", 'title: "خبر \\ud83d\\ude00 *مهم"', "invalid Unicode character escape code"),
    ],
)
def test_yaml_traps_that_cannot_stand_are_errors_on_their_line(tmp_path, field, trap, message):
    text = HEAD.format(title="خبر") + "summary: ملخص.\n"
    if field == "dup":
        text += trap + "\n"
    else:
        text = re.sub(rf"^{field}: .*$", lambda _: trap, text, count=1, flags=re.MULTILINE)
    text += "---\nنص.\n"
    site = make_site(tmp_path / "site", [GOOD])
    (site / "content" / "trap.md").write_text(text, encoding="utf-8")
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = _line_of(text, trap) if field != "dup" else text.count("\n") - 2
    assert f"content/trap.md:{line}: error:" in result.stderr, result.stderr
    assert message in result.stderr


# -- broken files: each one named, the rest still reported, the last output kept ---------------

BROKEN = {
    "unclosed.md": ("---\ntitle: بلا إغلاق\ndate: 2025-02-18\nنص الخبر.\n", ":1:error", "not closed"),
    "swallowed.md": (
        "---\ntitle: بلا إغلاق\ndate: 2025-02-18\n\nفقرة أولى.\n\n---\n\nفقرة ثانية.\n",
        ":5:error",
        "bad YAML",
    ),
    "empty.md": ("", ":error", "empty file"),
    "blank.md": ("\n  \n\t\n", ":error", "empty file"),
    "nofront.md": ("# عنوان\n\nنص بلا رأس.\n", ":1:error", "no front matter"),
    "nul.md": (HEAD.format(title="صفر") + "---\nنص\x00مكسور.\n", ":error", "NUL byte"),
    "notlist.md": ("---\n- عنوان\n- تاريخ\n---\nنص.\n", ":2:error", "must be a mapping"),
}


def test_each_broken_file_is_named_and_the_rest_are_still_reported(tmp_path):
    site = make_site(tmp_path / "site", [GOOD])
    assert run_cli("build", "--site", str(site)).returncode == 0
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    for name, (text, _, _) in BROKEN.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    cp1256 = (HEAD.format(title="عربي بترميز قديم") + "---\nنص.\n").encode("cp1256")
    (site / "content" / "cp1256.md").write_bytes(cp1256)
    (site / "content" / "utf16.md").write_bytes((HEAD.format(title="ترميز") + "---\n").encode("utf-16"))

    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    problems = _problem_lines(result.stderr)
    for name, (_, where, message) in BROKEN.items():
        assert problems.get(name) == where, (name, result.stderr)
        assert message in result.stderr
    assert problems["cp1256.md"] == ":2:error" and "not UTF-8" in result.stderr
    assert problems["utf16.md"].endswith("error")
    assert "good.md" not in problems
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert after == before, "a failed build changed the last good output"


def test_a_rule_inside_the_body_is_a_rule_not_a_second_front_matter(tmp_path):
    body = "فقرة أولى.\n\n---\n\nفقرة ثانية.\n\n---\ntitle: ليس رأساً\n---\n\nفقرة ثالثة.\n"
    site = make_site(tmp_path / "site", [article("rules", "خبر بفواصل", "2025-02-18", body=body)])
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    page = site / "output" / "rules" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<h1>خبر بفواصل</h1>" in html and html.count("<hr") >= 2
    text = parse_page(page).text
    assert all(p in text for p in ("فقرة أولى.", "فقرة ثانية.", "title: ليس رأساً", "فقرة ثالثة."))


# -- fuzz: random text through import and build ------------------------------------------------

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىة"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
MARKUP = "#>*_`[]()!<>&|-+=~:\\\"'{}%\n\t 0123456789٠١٢٣٤٥٦٧٨٩،؛؟"
CHARS = st.sampled_from(ARABIC + MARKS + INVISIBLE + MARKUP) | st.characters(codec="utf-8")
TEXT = st.text(CHARS, max_size=400)
DEEP = [
    ">" * 10_000 + " نص",
    "- " * 5_000 + "نص",
    "[" * 10_000 + "نص" + "]" * 10_000,
    "*" * 20_000,
    "`" * 50_000,
    "<" * 10_000 + "script>",
    "&#" * 10_000,
    "1. " * 5_000,
]
PIECE = TEXT | st.sampled_from(DEEP)
TIME_LIMIT = 10.0  # seconds for one page through import, or one article through build


def _text_dump(title: str, paragraphs: list[str]) -> str:
    return "\n".join(["خَبَرَيْن", title, "التصنيف: سياسة", *paragraphs, "أخبار ذات صلة", "سياسة", title])


def _html_page(title: str, paragraphs: list[str]) -> str:
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang=ar><head><title>{escape(title)}</title></head><body><article>"
        f"<h1>{escape(title)}</h1>{body}<figure><img src=x.jpg alt='{escape(title, True)}'>"
        f"<figcaption>{escape(paragraphs[0] if paragraphs else '')}</figcaption></figure>"
        f"</article><div>{paragraphs[-1] if paragraphs else ''}</div></body></html>"
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(title=TEXT, paragraphs=st.lists(PIECE, min_size=1, max_size=4))
@example(title=">" * 10_000, paragraphs=[">" * 10_000 + " نص"])
@example(title="\u202eنص معكوس\u202c\u200b", paragraphs=["\ufeff\u200f" * 500, "- " * 5_000])
@pytest.mark.slow
def test_random_pages_go_through_import_and_build_without_escaping_errors(tmp_path_factory, title, paragraphs):
    root = tmp_path_factory.mktemp("fuzz")
    mirror = root / "mirror"
    mirror.mkdir()
    (mirror / "page.txt").write_text(_text_dump(title, paragraphs), encoding="utf-8")
    (mirror / "page.html").write_text(_html_page(title, paragraphs), encoding="utf-8")
    site = make_site(root / "site", [])
    started = time.monotonic()
    report = import_sources([mirror], ImportOptions(out=site / "content", date=dt.date(2025, 2, 18)))
    assert time.monotonic() - started < 2 * TIME_LIMIT
    assert sum(report.counts.values()) == 2
    assert all(p.path and p.message for p in report.problems if p.level == "error")

    # The same text also arrives hand-written, straight into front matter and body.
    (site / "content" / "hand.md").write_text(
        "---\ntitle: "
        + _yaml_quoted(title)
        + "\ndate: 2025-02-18\nsummary: "
        + _yaml_quoted(paragraphs[0][:300])
        + "\n---\n"
        + "\n\n".join(paragraphs)
        + "\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = build(site)  # whatever a file holds, it is a problem reported for that file, never an exception
    assert time.monotonic() - started < 3 * TIME_LIMIT
    for problem in result.problems:
        assert problem.message and (problem.path or problem.level != "error")
    if result.written:
        for page in (site / "output").rglob("*.html"):
            parse_page(page)


def _yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text (json escapes are valid YAML escapes)."""
    import json

    return json.dumps(text, ensure_ascii=True)


@pytest.mark.parametrize("piece", DEEP, ids=[f"deep{n}" for n in range(len(DEEP))])
def test_deeply_nested_markdown_renders_within_the_time_limit(tmp_path, piece):
    site = make_site(tmp_path / "site", [article("deep", "تداخل عميق", "2025-02-18", body=piece + "\n\nنهاية.\n")])
    started = time.monotonic()
    result = build(site)
    assert time.monotonic() - started < TIME_LIMIT
    assert result.written, [p.message for p in result.problems]
    assert "نهاية." in parse_page(Path(site / "output" / "deep" / "index.html")).text  # nothing after it dropped
    for problem in result.problems:
        assert problem.path == "content/deep.md" and "too deeply" in problem.message
