"""What the last import learnt, kept beside the content as `.import-state.json`: for
each source its digest and outcome (a skip reason, or the traits it adds to the
site-wide learning), so that re-importing an unchanged mirror reads no page again
and still learns from every page. Written atomically; a missing, broken or older
file (another importer version) is simply not used."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..output import write_atomic
from .sitewide import PageTraits

if TYPE_CHECKING:
    from .reading import Read

FILE = ".import-state.json"
VERSION = 1  # raise when the importer reads pages differently: every page is read again


@dataclass(frozen=True)
class Known:
    sha: str
    skip: str
    traits: PageTraits | None


@dataclass
class ImportState:
    entries: dict[str, Known] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> ImportState:
        try:
            data = json.loads((folder / FILE).read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                return cls()
            return cls({key: _known(value) for key, value in data["sources"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def unchanged(self, key: str, sha: str) -> Known | None:
        known = self.entries.get(key)
        return known if known is not None and known.sha == sha else None

    def remember(self, read: Read) -> None:
        if read.error is None and read.sha:
            self.entries[read.source.key] = Known(read.sha, read.skip, read.traits)

    def save(self, folder: Path) -> None:
        sources = {
            key: {
                "sha": k.sha,
                "skip": k.skip,
                "traits": [k.traits.host, list(k.traits.blocks), k.traits.title_raw] if k.traits else None,
            }
            for key, k in sorted(self.entries.items())
        }
        if folder.is_dir() or sources:
            write_atomic(folder / FILE, json.dumps({"version": VERSION, "sources": sources}, ensure_ascii=False))


def _known(value: dict[str, object]) -> Known:
    traits = value.get("traits")
    parsed = None
    if isinstance(traits, list) and len(traits) == 3:
        parsed = PageTraits(str(traits[0]), tuple(str(t) for t in traits[1]), str(traits[2]))
    return Known(str(value["sha"]), str(value.get("skip") or ""), parsed)
