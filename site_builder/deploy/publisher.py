"""What every deploy target does, and the two records it reports: the output's size and the changes.

A target is a `Publisher`: it checks an output folder against its own rules, plans
what publishing would change at the destination (nothing is sent yet), then
publishes that plan. The command line walks the output once (`survey`), reports its
size, and drives any target the same way; `--dry-run` stops after the plan.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import Problem


@dataclass(frozen=True)
class Entry:
    """One thing in the output folder, as `lstat` saw it (links are not followed)."""

    rel: str  # path from the output folder, with /
    size: int
    mode: int
    nlink: int


@dataclass
class Survey:
    """The output folder walked once: every file and folder, and the size of the files."""

    out: Path
    entries: list[Entry] = field(default_factory=list)
    files: int = 0
    bytes: int = 0

    def __str__(self) -> str:
        return f"{self.files} files, {human_bytes(self.bytes)}"

    def regular_files(self) -> list[Entry]:
        return [e for e in self.entries if stat.S_ISREG(e.mode)]


def survey(out: Path) -> Survey:
    """Walk `out` in a stable order, without following links."""
    found = Survey(out)
    stack = [""]
    while stack:
        folder = stack.pop()
        with os.scandir(out / folder if folder else out) as it:
            names = sorted(it, key=lambda e: e.name)
        for item in names:
            rel = f"{folder}/{item.name}" if folder else item.name
            info = item.stat(follow_symlinks=False)
            found.entries.append(Entry(rel, info.st_size, info.st_mode, info.st_nlink))
            if stat.S_ISDIR(info.st_mode):
                stack.append(rel)
            elif stat.S_ISREG(info.st_mode):
                found.files += 1
                found.bytes += info.st_size
    found.entries.sort(key=lambda e: e.rel)
    return found


def human_bytes(n: int) -> str:
    """1 GB, 2.2 GB, 100 MB, 0.4 MB: binary units (GitHub's 1 GB is 2**30 bytes)."""
    for unit, scale, digits in (("GB", 2**30, 2), ("MB", 2**20, 1), ("KB", 2**10, 1)):
        if n >= scale or (unit == "MB" and n >= 2**20 // 10):
            return f"{n / scale:.{digits}f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{n} bytes"


@dataclass
class Changes:
    """What publishing would do at the destination, by path in the output."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    upload_bytes: int = 0  # what the added and changed files weigh

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.deleted)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} new, {len(self.changed)} changed, {len(self.deleted)} removed, "
            f"{self.unchanged} unchanged"
        )


class Publisher(Protocol):
    """A place the site is published to. Call `check`, then `plan`, then `publish`."""

    @property
    def target(self) -> str:
        """Where the site goes, as the report names it (`gh-pages`, `s3://bucket/prefix`)."""
        ...

    def check(self, found: Survey, base_url: str) -> list[Problem]:
        """What this target would refuse or break, as problems (errors stop the deploy)."""
        ...

    def plan(self, found: Survey) -> Changes:
        """Compare the output with what the target holds now; sends nothing."""
        ...

    def publish(self) -> list[str]:
        """Carry out the last plan; returns the report's lines. Fails with SiteError."""
        ...
