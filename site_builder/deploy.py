"""Publishing output/ to a branch for GitHub Pages, after checking it is fit to publish.

The commit is made with git plumbing on a temporary index (as ghp-import
does): the user's working tree, index and current branch are never touched.
An unchanged site makes no commit.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .errors import Problem, SiteError

MAX_FILE = 100 * 1024 * 1024  # GitHub refuses larger files
SITE_WARN = 1024 * 1024 * 1024  # Pages sites should stay under 1 GB


@dataclass(frozen=True)
class DeployOptions:
    branch: str = "gh-pages"
    remote: str = "origin"
    cname: str | None = None
    message: str = "Publish the archive"
    push: bool = True


def check_output(out: Path, base_url: str) -> list[Problem]:
    """What would go wrong on GitHub Pages: links, modes, sizes, links on disk."""
    problems: list[Problem] = []
    total = 0
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            problems.append(Problem("error", "symbolic link in the output", rel))
            continue
        if path.is_dir():
            if info.st_mode & 0o005 != 0o005:
                problems.append(Problem("error", "folder is not readable by everyone", rel))
            continue
        total += info.st_size
        if info.st_nlink > 1:
            problems.append(Problem("error", "hard link in the output", rel))
        if info.st_mode & 0o004 == 0:
            problems.append(Problem("error", "file is not readable by everyone", rel))
        if info.st_size > MAX_FILE:
            problems.append(Problem("error", f"file is {info.st_size / 2**20:.0f} MB; GitHub's limit is 100 MB", rel))
        if path.suffix == ".html":
            problems += _link_problems(path, rel, base_url)
    if total > SITE_WARN:
        problems.append(Problem("warning", f"the site is {total / 2**30:.2f} GB; GitHub Pages sites should stay "
                                           "under 1 GB"))
    return problems


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


def _link_problems(path: Path, rel: str, base_url: str) -> list[Problem]:
    """Root-relative links must start with the base path; links to our own host must too."""
    base = urlsplit(base_url) if base_url else None
    base_path = (base.path.rstrip("/") + "/") if base else "/"
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    found = []
    for url in parser.urls:
        parts = urlsplit(url)
        own_host = base is not None and parts.netloc == base.netloc
        if ((not parts.netloc and url.startswith("/")) or own_host) and not parts.path.startswith(base_path):
            found.append(Problem("error", f"link {url!r} is outside the base path {base_path}", rel))
        elif not parts.scheme and not parts.netloc and not url.startswith(("/", "#", "?")):
            found.append(Problem("error", f"relative link {url!r} breaks on pages in folders", rel))
    return found[:5]


def publish(repo: Path, out: Path, options: DeployOptions) -> str | None:
    """Commit exactly the files of `out` (plus .nojekyll and CNAME) to the branch.

    Returns the new commit, or None when the branch already holds this site.
    """
    git = _Git(repo)
    parent = git.try_run("rev-parse", "--verify", "--quiet", f"refs/heads/{options.branch}^{{commit}}")
    git_dir = git.run("rev-parse", "--absolute-git-dir")
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _Git(out.resolve()).run("--git-dir", git_dir, "--work-tree", ".", "add", "--all", "--force", ".", env=env)
        extras = {".nojekyll": b""}
        if options.cname:
            extras["CNAME"] = options.cname.strip().encode() + b"\n"
        for name, data in extras.items():
            blob = git.run("hash-object", "-w", "--stdin", data=data)
            git.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        tree = git.run("write-tree", env=env)
    if parent and git.run("rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    commit = git.run("commit-tree", tree, *(("-p", parent) if parent else ()), "-m", options.message,
                     env=git.identity())
    git.run("update-ref", f"refs/heads/{options.branch}", commit, *((parent,) if parent else ()))
    return commit


def push(repo: Path, options: DeployOptions) -> None:
    _Git(repo).run("push", options.remote, f"refs/heads/{options.branch}:refs/heads/{options.branch}")


class _Git:
    """git in the user's repository, failing with git's own message."""

    def __init__(self, repo: Path):
        self.repo = repo

    def run(self, *args: str, env: dict[str, str] | None = None, data: bytes | None = None) -> str:
        result = subprocess.run(["git", "-C", str(self.repo), *args], input=data, capture_output=True,
                                env={**os.environ, **(env or {})}, timeout=600)
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
            raise SiteError(f"git {args[0]}: {message}")
        return result.stdout.decode("utf-8").strip()

    def identity(self) -> dict[str, str]:
        """The user's git identity, or a neutral one on a machine that has none set up."""
        if self.try_run("var", "GIT_COMMITTER_IDENT") and self.try_run("var", "GIT_AUTHOR_IDENT"):
            return {}
        name, email = "site-builder", "site-builder@localhost"
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}

    def try_run(self, *args: str) -> str | None:
        try:
            return self.run(*args) or None
        except SiteError:
            return None


def repository_of(path: Path) -> Path:
    result = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SiteError("not inside a git repository: deploy commits to a branch of the site's repository", path)
    return Path(result.stdout.strip())
