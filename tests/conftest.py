"""Shared fixtures: the real seed page and a way to run the command line in-process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content-src" / "text" / "000_cef7240dbd8b702b.txt"


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m site_builder ARGS` as a user would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (it cannot download its own here)."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: apt-get install chromium (bash .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that opens Chromium is a browser test, and slow: `-m "not slow"` leaves it out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def machine_key_home(tmp_path, monkeypatch) -> Path:
    """A machine key (signatures.machine_key) of the test's own: build states made elsewhere
    are not this test's, and a child process given it (XDG_CACHE_HOME) is the same machine."""
    home = tmp_path / "key"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home
