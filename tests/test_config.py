"""site.yml: every key optional, every mistake named with its line."""

from __future__ import annotations

import pytest
from conftest import run_cli
from sitekit import article, make_site

from site_builder import config


def test_defaults_without_site_yml(tmp_path):
    cfg = config.load(tmp_path)
    assert cfg.title == "خَبَرَيْن" and cfg.language == "ar" and cfg.direction == "rtl"
    assert [m.name for m in cfg.menu] == [
        "الرئيسية",
        "أخبار",
        "سياسة",
        "أعمال",
        "رياضة",
        "العالم",
        "تكنولوجيا",
        "اقتصاد",
        "صحة",
        "تسلية",
    ]
    assert cfg.base_path == "/" and cfg.per_page == 20 and cfg.related_count == 4


def test_base_path_from_base_url(tmp_path):
    cfg = config.load(tmp_path, {"base_url": "https://user.github.io/repo"})
    assert (cfg.base_url, cfg.base_path, cfg.site_url) == (
        "https://user.github.io/repo/",
        "/repo/",
        "https://user.github.io",
    )


def test_all_problems_reported_with_lines(tmp_path):
    (tmp_path / "site.yml").write_text(
        "title: خبرين\nper_page: no\ncolour: red\nmenu:\n  - name: سياسة\n    slug: ../x\n"
        "timezone: Mars/Olympus\nbase_url: ftp://x\n",
        encoding="utf-8",
    )
    with pytest.raises(config.ConfigError) as err:
        config.load(tmp_path)
    text = str(err.value)
    site_yml = str(tmp_path / "site.yml")
    assert f"{site_yml}:2: error: per_page:" in text
    assert f"{site_yml}:3: error: unknown key 'colour'" in text
    assert f"{site_yml}:4: error: menu:" in text
    assert f"{site_yml}:7: error: timezone: unknown time zone" in text
    assert f"{site_yml}:8: error: base_url:" in text


def test_menu_from_config_orders_the_header(tmp_path):
    site = make_site(
        tmp_path / "s",
        [article("a", "خبر عن الاقتصاد", "2025-01-01", category="اقتصاد")],
        config={
            "menu": [
                {"name": "الرئيسية", "slug": ""},
                {"name": "اقتصاد", "slug": "economy"},
                {"name": "سياسة", "slug": "politics"},
            ]
        },
    )
    assert run_cli("build", "--site", str(site)).returncode == 0
    html = (site / "output" / "index.html").read_text(encoding="utf-8")
    nav = html.split('aria-label="الأقسام"')[1].split("</nav>")[0]
    assert nav.index("اقتصاد") < nav.index("سياسة") and "رياضة" not in nav


def test_bad_config_stops_the_build_with_its_message(tmp_path):
    site = make_site(tmp_path / "s", [], config={"per_page": 0})
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1 and "per_page" in result.stderr and "site.yml" in result.stderr
