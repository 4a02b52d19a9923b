"""Publishing output/ to a branch for GitHub Pages, after checking it is fit to publish.

The commit is made with git plumbing on a temporary index (as ghp-import
does): the user's working tree, index and current branch are never touched.
An unchanged site makes no commit. GitHub Pages publishes at most 1 GB a site
and 100 MB a file: a larger output is refused, with the way out (object storage).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, SiteError
from .checks import Limits, link_problems_on_disk, mode_problems, size_problems, url_problems
from .publisher import Changes, Survey, survey

MAX_FILE = 100 * 1024 * 1024  # GitHub refuses larger files
MAX_SITE = 1024 * 1024 * 1024  # GitHub Pages publishes sites up to 1 GB
ADVICE = (
    "publish it to object storage behind a CDN instead: site-builder deploy --target s3://BUCKET/PREFIX "
    "(README, Deploying to object storage)"
)


def pages_limits() -> Limits:
    """Read when called, so that tests can lower MAX_FILE and MAX_SITE."""
    return Limits("GitHub Pages", MAX_FILE, MAX_SITE, ADVICE)


@dataclass(frozen=True)
class DeployOptions:
    branch: str = "gh-pages"
    remote: str = "origin"
    cname: str | None = None
    message: str = "Publish the archive"
    push: bool = True


def check_output(out: Path | Survey, base_url: str, limits: Limits | None = None) -> list[Problem]:
    """What would go wrong on GitHub Pages: links, modes, sizes, links on disk."""
    found = out if isinstance(out, Survey) else survey(out)
    return (
        link_problems_on_disk(found)
        + mode_problems(found)
        + size_problems(found, limits or pages_limits())
        + url_problems(found, base_url)
    )


class PagesPublisher:
    """A branch of the site's repository, pushed to a remote, that GitHub Pages serves."""

    def __init__(self, repo: Path, options: DeployOptions, limits: Limits | None = None):
        self.repo = repo
        self.options = options
        self.limits = limits
        self._staged: tuple[str, str | None] | None = None  # (tree, parent) of the last plan

    @property
    def target(self) -> str:
        return self.options.branch

    def check(self, found: Survey, base_url: str) -> list[Problem]:
        return check_output(found, base_url, self.limits)

    def plan(self, found: Survey) -> Changes:
        tree, parent = stage_tree(self.repo, found.out, self.options)
        self._staged = (tree, parent)
        return _Git(self.repo).changes(parent, tree)

    def publish(self) -> list[str]:
        if self._staged is None:
            raise SiteError("publish() before plan()")
        commit = commit_tree(self.repo, *self._staged, self.options)
        lines = [f"{self.options.branch}: {'new commit ' + commit[:12] if commit else 'unchanged, no new commit'}"]
        if self.options.push:
            push(self.repo, self.options)
            lines.append(f"pushed {self.options.branch} to {self.options.remote}")
        return lines


def publish(repo: Path, out: Path, options: DeployOptions) -> str | None:
    """Commit exactly the files of `out` (plus .nojekyll and CNAME) to the branch.

    Returns the new commit, or None when the branch already holds this site.
    """
    return commit_tree(repo, *stage_tree(repo, out, options), options)


def stage_tree(repo: Path, out: Path, options: DeployOptions) -> tuple[str, str | None]:
    """The git tree of `out` plus .nojekyll and CNAME, written on a temporary index; and the branch's commit."""
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
    return tree, parent


def commit_tree(repo: Path, tree: str, parent: str | None, options: DeployOptions) -> str | None:
    """Commit `tree` on top of `parent` and move the branch; None when the branch already holds it."""
    git = _Git(repo)
    if parent and git.run("rev-parse", f"{parent}^{{tree}}") == tree:
        return None
    commit = git.run(
        "commit-tree", tree, *(("-p", parent) if parent else ()), "-m", options.message, env=git.identity()
    )
    git.run("update-ref", f"refs/heads/{options.branch}", commit, *((parent,) if parent else ()))
    return commit


def push(repo: Path, options: DeployOptions) -> None:
    _Git(repo).run("push", options.remote, f"refs/heads/{options.branch}:refs/heads/{options.branch}")


class _Git:
    """git in the user's repository, failing with git's own message."""

    def __init__(self, repo: Path):
        self.repo = repo

    def run(self, *args: str, env: dict[str, str] | None = None, data: bytes | None = None) -> str:
        result = subprocess.run(
            ["git", "-C", str(self.repo), *args],
            input=data,
            capture_output=True,
            env={**os.environ, **(env or {})},
            timeout=600,
        )
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
            raise SiteError(f"git {args[0]}: {message}")
        return result.stdout.decode("utf-8").strip()

    def identity(self) -> dict[str, str]:
        """The user's git identity, or a neutral one on a machine that has none set up."""
        if self.try_run("var", "GIT_COMMITTER_IDENT") and self.try_run("var", "GIT_AUTHOR_IDENT"):
            return {}
        name, email = "site-builder", "site-builder@localhost"
        return {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }

    def try_run(self, *args: str) -> str | None:
        try:
            return self.run(*args) or None
        except SiteError:
            return None

    def changes(self, parent: str | None, tree: str) -> Changes:
        """What committing `tree` on top of `parent` changes, file by file."""
        names = self.run("ls-tree", "-r", "--name-only", "-z", tree).split("\0")[:-1]
        if parent is None:
            return Changes(added=names)
        listing = self.run("diff-tree", "-r", "--no-renames", "--name-status", "-z", f"{parent}^{{tree}}", tree)
        fields = listing.split("\0")
        changes = Changes()
        for status, path in zip(fields[0::2], fields[1::2], strict=False):
            {"A": changes.added, "D": changes.deleted}.get(status, changes.changed).append(path)
        changes.unchanged = len(names) - len(changes.added) - len(changes.changed)
        return changes


def repository_of(path: Path) -> Path:
    result = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SiteError("not inside a git repository: deploy commits to a branch of the site's repository", path)
    return Path(result.stdout.strip())
