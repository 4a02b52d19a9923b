"""Deploy targets: GitHub Pages (a branch, `pages`) and object storage (`s3`), behind one `Publisher` protocol.

`publisher` holds the protocol and what every target reports (the output's size, the
changes); `checks` the checks targets share (links, modes, sizes); one module per target.
"""

from __future__ import annotations

from .pages import DeployOptions, PagesPublisher, check_output, publish, push, repository_of
from .publisher import Changes, Publisher, Survey, survey

__all__ = [
    "Changes",
    "DeployOptions",
    "PagesPublisher",
    "Publisher",
    "Survey",
    "check_output",
    "publish",
    "push",
    "repository_of",
    "survey",
]
