"""YAML front matter, read strictly: safe types only, every problem with its line.

YAML 1.1 resolves `no` to False, `1:20` to 80 and `012` to 10; a news archive
wants the words it was given. The loader here resolves only null and dates in
content (plain integers and decimals too in site.yml), and refuses what could expand or run code:
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


_NULL = ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])
_DATE = (
    "tag:yaml.org,2002:timestamp",
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[-+][0-9]{2}(?::?[0-9]{2})?)?)?$",
    list("0123456789"),
)
_INT = ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789"))
_FLOAT = ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", list("-+0123456789"))


def _resolvers(*rules: tuple[str, str, list[str]]) -> dict[Any, Any]:
    """Implicit resolvers for exactly these types; every other plain scalar is text."""
    table: dict[Any, Any] = {}
    for tag, regexp, first in rules:
        for char in first:
            table.setdefault(char, []).append((tag, re.compile(regexp)))
    return table


class _TextLoader(_Base):  # type: ignore[misc, valid-type]
    """Content front matter: null and dates are the only types; `3.10`, `012` and `+5`
    stay the text they were (a number would come back as 3.1, 12 and 5)."""

    yaml_implicit_resolvers = _resolvers(_NULL, _DATE)


class _ConfigLoader(_Base):  # type: ignore[misc, valid-type]
    """site.yml: page sizes and counts are plain integers, so those resolve too."""

    yaml_implicit_resolvers = _resolvers(_NULL, _DATE, _INT, _FLOAT)


class _Guarded(yaml.SafeLoader):
    """The pure-Python loader, used only when the text may hold anchors, aliases or tags,
    because it lets us stop at the first one before anything expands."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _refuse(self.peek_event(), "YAML aliases are not allowed in front matter")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _refuse(event, "YAML anchors are not allowed in front matter")
        if _explicit_tag(event):
            raise _refuse(event, f"YAML tag {event.tag} is not allowed in front matter")
        return super().compose_node(parent, index)


class _GuardedText(_Guarded):
    yaml_implicit_resolvers = _TextLoader.yaml_implicit_resolvers


class _GuardedConfig(_Guarded):
    yaml_implicit_resolvers = _ConfigLoader.yaml_implicit_resolvers


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
    matter = text[4 : 4 + end.start()]
    if len(matter.encode("utf-8")) > MAX_FRONT_MATTER:
        raise SiteError(f"front matter is larger than {MAX_FRONT_MATTER // 1024} KB", path, 1)
    body = text[4 + end.end() :].removeprefix("\n")
    body_line = matter.count("\n") + 3
    return matter, body, body_line


def load(matter: str, path: str, numbers: bool = False) -> tuple[dict[str, Any], dict[str, int]]:
    """Parse front matter into a dict and a map of each top-level key to its line.
    `numbers`: resolve plain integers and decimals (site.yml); else they stay text."""
    guarded = _ANCHOR_HINT_RE.search(matter)
    loader_class: type[_GuardedConfig | _ConfigLoader | _GuardedText | _TextLoader]
    if numbers:
        loader_class = _GuardedConfig if guarded else _ConfigLoader
    else:
        loader_class = _GuardedText if guarded else _TextLoader
    loader = loader_class(matter)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise SiteError("front matter must be a mapping of keys to values", path, node.start_mark.line + 2)
        lines = _key_lines(node, path)
        data = _construct(loader, node, path)
        _refuse_surrogates(data, lines, path)
    except yaml.MarkedYAMLError as err:
        body_line = _body_text_line(matter)
        if body_line is not None:
            raise SiteError(
                f"bad YAML: line {body_line} reads like body text; is the closing '---' missing above it?",
                path,
                body_line,
            ) from None
        mark = err.problem_mark or err.context_mark
        line = mark.line + 2 if mark else None
        raise SiteError(f"bad YAML: {err.problem or err.context}", path, line) from None
    except (yaml.YAMLError, ValueError, TypeError) as err:
        raise SiteError(f"bad YAML: {err}", path) from None
    finally:
        loader.dispose()
    return data, lines


def _body_text_line(matter: str) -> int | None:
    """The file line of the first line after a blank one that is not YAML-shaped (no
    `key:`, not a list item, comment or indented continuation): a front matter whose
    closing `---` is missing has run into the body, up to a `---` rule in it."""
    after_blank = False
    for number, line in enumerate(matter.split("\n"), 2):
        if not line.strip():
            after_blank = True
        elif after_blank and not line[0].isspace() and line[0] not in "-#" and ":" not in line:
            return number
    return None


def _construct(loader: Any, node: yaml.MappingNode, path: str) -> dict[str, Any]:
    """Build the mapping key by key, so a bad value (a 30 February) names its own line."""
    data = {}
    for key_node, value_node in node.value:
        try:
            data[str(key_node.value)] = loader.construct_object(value_node, deep=True)
        except (ValueError, TypeError, yaml.constructor.ConstructorError) as err:
            raise SiteError(f"{key_node.value}: bad value: {err}", path, value_node.start_mark.line + 2) from None
    return data


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(data: dict[str, Any], lines: dict[str, int], path: str) -> None:
    """`\\ud800`-style escapes: libyaml refuses them; the pure-Python loader (used when the
    text may hold anchors) would let through characters no file can be written with."""
    for key, value in data.items():
        if _holds_surrogate(value):
            raise SiteError("bad YAML: found invalid Unicode character escape code", path, lines.get(key))


def _holds_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE_RE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_surrogate(k) or _holds_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_surrogate(v) for v in value)
    return False


def _key_lines(node: yaml.MappingNode, path: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in lines:
            raise SiteError(f"duplicate key {key!r} (first on line {lines[key]})", path, line)
        lines[key] = line
    return lines
