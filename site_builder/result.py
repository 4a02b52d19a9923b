"""What a build made and found: the one result every way of building returns (a build, a
rebuild with nothing to do, a body splice), and the levels site.yml gives named checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .errors import Problem

Progress = Callable[[int, int], None]  # (done, total), called as a build goes


@dataclass
class BuildResult:
    """What a build made and found."""

    pages: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    written: bool = False
    rendered: int = 0  # pages rendered this time
    reused: int = 0  # pages taken unchanged from the previous output
    changed: list[str] = field(default_factory=list)  # output files whose bytes changed
    model_reused: bool = False  # only article bodies changed: the last build's model stood (bodyedits.py)
    spliced: bool = False  # the same, on the command line: the new bodies spliced into their pages (splice.py)
    seconds: float = 0.0  # wall time of the whole build

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def apply_levels(problems: list[Problem], checks: dict[str, str]) -> list[Problem]:
    """Give each problem of a named check the level site.yml sets for that check."""
    return [replace(p, level=checks[p.check]) if p.check in checks else p for p in problems]
