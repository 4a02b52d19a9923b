"""Articles as JSON text, for the build state's rows (state.py).

JSON, not pickle: a row read back can only ever become the model's own dataclasses,
dates and plain values, whatever the file holds. The shapes are derived from the
dataclasses' fields (one source of truth): a dataclass is written as its class name and
its field values in order, so a field added to the model is stored without a change
here (and the state's format number is raised, see state.py, so old rows are not read).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from .model import Article, Image, RelatedItem, SeeAlso, Source

_CLASSES: dict[str, type] = {c.__name__: c for c in (Article, Image, SeeAlso, RelatedItem, Source)}
_FIELDS: dict[type, tuple[str, ...]] = {c: tuple(f.name for f in fields(c)) for c in _CLASSES.values()}


def dumps(article: Article) -> str:
    return json.dumps(_plain(article), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Article:
    """The Article written by dumps(); ValueError for anything else."""
    try:
        article = json.loads(text, object_hook=_revive)
    except (TypeError, KeyError, AttributeError) as err:
        raise ValueError(f"not an article row: {err}") from None
    if not isinstance(article, Article):
        raise ValueError("not an article row")
    return article


def _plain(value: Any) -> Any:
    """Tagged JSON values: tuples, dates, mappings and the model's dataclasses keep their type."""
    kind = type(value)
    if kind in _FIELDS:
        return {"@": kind.__name__, "v": [_plain(getattr(value, name)) for name in _FIELDS[kind]]}
    if isinstance(value, tuple):
        return {"()": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Mapping):
        return {"{}": [[str(k), _plain(v)] for k, v in value.items()]}  # pairs: no key is ever a tag
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {kind.__name__} in the build state")


def _revive(obj: dict[str, Any]) -> Any:
    if "@" in obj:
        return _CLASSES[obj["@"]](*obj["v"])
    if "()" in obj:
        return tuple(obj["()"])
    if "dt" in obj:
        return dt.datetime.fromisoformat(obj["dt"])
    if "d" in obj:
        return dt.date.fromisoformat(obj["d"])
    if "{}" in obj:
        return dict(obj["{}"])
    raise ValueError("an untagged object in an article row")
