"""Errors and problems that carry a location, so every message can say `path:line:`.

Parsers raise SiteError for the one file they are reading; orchestrators collect
them as Problems and report all of them together (Lektor's build failures, Hugo's
herrors) instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def location(path: str | Path | None, line: int | None = None) -> str:
    """`path:line` (or just `path`), the prefix editors and terminals can jump to."""
    if path is None:
        return ""
    return f"{path}:{line}" if line else str(path)


class SiteError(Exception):
    """A problem with one input, with where it is."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = location(self.path, self.line)
        return f"{where}: {self.message}" if where else self.message

    def at(self, path: str | Path, line_offset: int = 0) -> SiteError:
        """The same error placed in `path`, its line shifted by where the text started."""
        line = self.line + line_offset if self.line else None
        return SiteError(self.message, path, line)


class UsageError(SiteError):
    """The command line itself is wrong (exit code 2)."""


@dataclass(frozen=True)
class Problem:
    """A warning or error found while working, reported at the end of a run."""

    level: str  # "error", "warning" or "info"
    message: str
    path: str | None = None
    line: int | None = None
    check: str | None = None  # the named check that found it, whose level site.yml may set

    def __str__(self) -> str:
        where = location(self.path, self.line)
        return f"{where}: {self.level}: {self.message}" if where else f"{self.level}: {self.message}"

    @classmethod
    def from_error(cls, err: SiteError, level: str = "error") -> Problem:
        path = str(err.path) if err.path is not None else None
        return cls(level, err.message, path, err.line)
