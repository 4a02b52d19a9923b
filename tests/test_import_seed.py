"""The real scraped page of «خَبَرَيْن» imports to exactly what the archive needs."""

from __future__ import annotations

import datetime as dt

import yaml
from conftest import SEED, run_cli


def _front_matter(path):
    text = path.read_text(encoding="utf-8")
    _, matter, body = text.split("---\n", 2)
    return yaml.safe_load(matter), body


def test_seed_imports_to_the_expected_article(tmp_path):
    out = tmp_path / "content"
    result = run_cli("import", str(SEED), "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = list(out.glob("*.md"))
    assert len(files) == 1
    data, body = _front_matter(files[0])

    assert data["title"] == "روسيا تسعى لاستعادة وجودها الدبلوماسي بأمريكا"
    assert data["category"] == "سياسة"
    assert data["summary"].endswith("وأثرها على الأمن القومي.")
    assert "خَبَرَيْن" not in data["summary"]
    assert data["date"] == dt.date(2025, 2, 18)
    assert data["date_source"] == "inferred"
    assert "inferred 2025-02-18" in result.stderr

    assert [img["credit"] for img in data["images"]] == ["توم برينر/رويترز", "إيفلين هوكستين/رويترز"]
    assert all(img["src"] is None for img in data["images"])
    caption = "يرتفع العلم الروسي فوق سفارة الاتحاد الروسي في واشنطن العاصمة، في فبراير 2022."
    assert data["images"][0]["caption"] == caption
    assert data["images"][0]["alt"].startswith("علم روسيا يرفرف أمام مبنى دبلوماسي")

    assert len(data["see_also"]) == 7
    assert data["see_also"][0] == {
        "title": "مع اقتراب الإفراج عن إبستين، يعتقد الأمريكيون أن ترامب كان على علم بالجرائم المزعومة لإبستين"
    }
    assert len(data["related"]) == 4
    assert data["related"][0]["title"] == "لماذا تُعتبر إنديانا خطأً كبيراً غير مبرر لترامب"
    assert {r["category"] for r in data["related"]} == {"سياسة"}
    assert data["related"][1]["image_alt"].startswith("مجموعة من المشرعين")
    assert set(data["related"][0]) == {"title", "summary", "category", "image_alt"}

    assert data["source"]["format"] == "text"
    assert data["source"]["path"] == SEED.name
    assert len(data["source"]["sha256"]) == 64

    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert len(headings) == 7
    assert headings[0] == "## محادثات روسيا مع الولايات المتحدة: فرص وتحديات"
    see_lines = [line for line in body.splitlines() if line.startswith("شاهد ايضاً: ")]
    assert len(see_lines) == 7
    # Noise never reaches the article.
    for noise in ("Loading", "FacebookTwitter", "شارك الخبر", "الرئيسيةأخبار", "أخبار ذات صلة", "logo"):
        assert noise not in body


def test_see_also_stays_between_the_paragraphs_it_stood_between(tmp_path):
    out = tmp_path / "content"
    run_cli("import", str(SEED), "--out", str(out))
    _, body = _front_matter(next(out.glob("*.md")))
    blocks = body.strip().split("\n\n")
    at = blocks.index("شاهد ايضاً: رئيس تيمور الشرقية راموس-هورتا حول الدبلوماسية وغزة والغرب")
    assert blocks[at - 1].startswith("وقال مسؤولان أمريكيان إن هذه القضية")
    assert blocks[at + 1].startswith("وقال متحدث باسم وزارة الخارجية الأمريكية")


def test_slug_is_arabic_and_path_is_stable(tmp_path):
    out = tmp_path / "content"
    run_cli("import", str(SEED), "--out", str(out))
    (first,) = out.glob("*.md")
    assert first.stem == "روسيا-تسعى-لاستعادة-وجودها-الدبلوماسي-بأمريكا"
    data, _ = _front_matter(first)
    assert data["slug"] == first.stem
    before = first.read_bytes()
    again = run_cli("import", str(SEED), "--out", str(out))
    assert "0 imported, 0 updated, 1 unchanged" in again.stderr
    assert [p.name for p in out.glob("*.md")] == [first.name]
    assert first.read_bytes() == before
