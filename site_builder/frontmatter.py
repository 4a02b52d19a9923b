"""YAML front matter, read strictly: safe types only, every problem with its line.

YAML 1.1 resolves `no` to False, `1:20` to 80 and `012` to 10; a news archive
wants the words it was given. The loader here resolves only null, plain
integers, floats and dates, and refuses what could expand or run code:
tags, anchors and aliases, duplicate keys, oversized blocks.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import SiteError

MAX_FRONT_MATTER = 1 << 20
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ANCHOR_HINT_RE = re.compile(r"(?:^|[\s\[{,:-])[&*!]\S")


class _StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader with a narrow set of implicit types and no duplicate keys."""


_StrictLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", list("-+0123456789")),
    ("tag:yaml.org,2002:timestamp",
     r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
     r"(?:Z|[-+][0-9]{2}(?::?[0-9]{2})?)?)?$", list("0123456789")),
):
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


class _PythonLoader(yaml.SafeLoader):
    """The pure-Python loader, used only when the text may hold anchors, aliases or tags,
    because it lets us stop at the first one before anything expands."""

    yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _refuse(self.peek_event(), "YAML aliases are not allowed in front matter")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _refuse(event, "YAML anchors are not allowed in front matter")
        if _explicit_tag(event):
            raise _refuse(event, f"YAML tag {event.tag} is not allowed in front matter")
        return super().compose_node(parent, index)


def _explicit_tag(event: Any) -> bool:
    """A tag written in the text (`!!python/object`), as opposed to one YAML inferred."""
    tag = getattr(event, "tag", None)
    implicit = getattr(event, "implicit", None)
    if not tag or tag == "!" or implicit is True:
        return False
    return not (isinstance(implicit, tuple) and any(implicit))


def _refuse(event: Any, message: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=message, problem_mark=event.start_mark)


def split(text: str, path: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts) of a Markdown file."""
    if not text.startswith("---\n"):
        raise SiteError("no front matter: the file must start with a line '---'", path, 1)
    end = re.search(r"^---[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise SiteError("front matter is not closed: no second line '---'", path, 1)
    matter = text[4:4 + end.start()]
    if len(matter.encode("utf-8")) > MAX_FRONT_MATTER:
        raise SiteError(f"front matter is larger than {MAX_FRONT_MATTER // 1024} KB", path, 1)
    body = text[4 + end.end():].removeprefix("\n")
    body_line = matter.count("\n") + 3
    return matter, body, body_line


def load(matter: str, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse front matter into a dict and a map of each top-level key to its line."""
    loader_class = _PythonLoader if _ANCHOR_HINT_RE.search(matter) else _StrictLoader
    loader = loader_class(matter)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise SiteError("front matter must be a mapping of keys to values", path, node.start_mark.line + 2)
        lines = _key_lines(node, path)
        data = _construct(loader, node, path)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 2 if mark else None
        raise SiteError(f"bad YAML: {err.problem or err.context}", path, line) from None
    except (yaml.YAMLError, ValueError, TypeError) as err:
        raise SiteError(f"bad YAML: {err}", path) from None
    finally:
        loader.dispose()
    return data, lines


def _construct(loader: Any, node: yaml.MappingNode, path: str) -> dict[str, Any]:
    """Build the mapping key by key, so a bad value (a 30 February) names its own line."""
    data = {}
    for key_node, value_node in node.value:
        try:
            data[str(key_node.value)] = loader.construct_object(value_node, deep=True)
        except (ValueError, TypeError, yaml.constructor.ConstructorError) as err:
            raise SiteError(f"{key_node.value}: bad value: {err}", path, value_node.start_mark.line + 2) from None
    return data


def _key_lines(node: yaml.MappingNode, path: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in lines:
            raise SiteError(f"duplicate key {key!r} (first on line {lines[key]})", path, line)
        lines[key] = line
    return lines
