"""The search index's part in a build: worked out beside the page rendering, then written.

A cold build gathers each article's search keys in the workers that render its page (the
body is in hand there); a rebuild updates the previous index for the articles that changed;
the files of the index that changed are written on every core (workers.write_files).
"""

from __future__ import annotations

import time

from .model import Site
from .output import OutputWriter
from .plan import PageKind, PageSpec
from .render import Renderer
from .search import KeyMemo, PackedKeys, Postings, SearchIndex, doc_keys, pack_keys
from .signatures import Signer
from .state import BuildState
from .workers import write_files


class SearchWork:
    """The search index for one build: worked out (CPU-heavy, no output touched) while the
    pages render, then written. Built from nothing and with every article page to render,
    each worker finds the keys of the articles it renders (the body is in hand) and the
    parts are joined in order; otherwise a thread here updates or builds it."""

    def __init__(
        self,
        site: Site,
        renderer: Renderer,
        signer: Signer,
        state: BuildState,
        index: SearchIndex | None,
        todo: list[PageSpec],
        bodies: set[str] | None = None,
    ):
        """`bodies`: the slugs whose text alone changed, when the model stood (bodyedits.py)."""
        self.site, self.renderer, self.signer, self.state = site, renderer, signer, state
        self.bodies = bodies
        self.index = index
        self.signature = signer.index()
        self.reusable = index is not None and state.search_signature == self.signature
        self.stale: set[str] | None = set()
        self.seconds = 0.0
        rendered = sum(spec.kind is PageKind.ARTICLE for spec in todo)
        self.side = KeysBesidePages(site, renderer) if index is None and rendered == len(site.order) else None

    def compute(self) -> None:
        """Update the previous index for the articles that changed, or build it anew."""
        started = time.perf_counter()
        try:
            self._compute()
        finally:
            self.seconds += time.perf_counter() - started

    def _compute(self) -> None:
        if self.reusable or self.side is not None:
            return
        if self.bodies is not None and self.index is not None:
            digests = {slug: self.signer.search_digest(slug) for slug in self.bodies}
            self.stale = self.index.update_bodies(self.site, self.bodies, self.renderer.body_of, digests)
            if self.stale is not None:
                return
        docs, digests = self._docs()
        self.stale = self.index.update(self.site, docs, self.renderer.body_of, digests) if self.index else None
        if self.stale is None:
            self.index = SearchIndex.build(self.site, docs, self.renderer.body_of, digests)

    def gathered(self) -> None:
        """The index from the postings the workers found beside the pages."""
        if self.side is None:
            return
        started = time.perf_counter()
        docs, digests = self._docs()
        self.index = SearchIndex.from_postings(self.site, docs, self.side.joined(), digests, self.side.packed)
        self.stale = None
        self.seconds += time.perf_counter() - started

    def _docs(self) -> tuple[list[dict], dict[str, str]]:
        """Every article's display row and the digest of what the index holds of it."""
        return self.renderer.search_docs(), {slug: self.signer.search_digest(slug) for slug in self.site.order}

    def write(self, staged: OutputWriter, jobs: int) -> tuple[str, list[str], SearchIndex]:
        """Write the files that changed; take the others from the previous output."""
        if self.index is None or (
            self.reusable and not all(staged.reuse(p, self.state.stamps.get(p)) for p in self.index.paths())
        ):
            self.reusable = False
            self._compute()
        assert self.index is not None  # _compute always makes one
        paths = self.index.paths()
        if not self.reusable:
            todo = [
                path
                for path in paths
                if self.stale is None or path in self.stale or not staged.reuse(path, self.state.stamps.get(path))
            ]
            write_files(staged, todo, self.index.file, jobs)
        return self.signature, paths, self.index


class KeysBesidePages:
    """The search keys of each article page just rendered (see SearchWork)."""

    def __init__(self, site: Site, renderer: Renderer):
        self.site, self.renderer = site, renderer
        self.ids = {slug: n for n, slug in enumerate(site.order)}
        self.memo = KeyMemo()  # in each worker, kept from chunk to chunk
        self.postings = Postings()  # in a worker: this chunk's
        self.keys: list[tuple[int, bytes]] = []  # in a worker: this chunk's, packed
        self._joined = Postings()  # here: every chunk's so far, in page order
        self.packed = PackedKeys()  # here: every article's keys, for the build state
        self._waiting: dict[int, Postings | None] = {}
        self._next = 0

    def page(self, spec: PageSpec) -> None:
        if spec.kind is PageKind.ARTICLE:
            slug = spec.key[0]
            found = doc_keys(self.site, slug, self.renderer.body_of, self.memo)
            self.postings.add(self.ids[slug], *found)
            self.keys.append((self.ids[slug], pack_keys(*found)))  # packed here, on every core

    def take(self) -> tuple[Postings, list[tuple[int, bytes]]] | None:
        taken, self.postings = self.postings, Postings()
        keys, self.keys = self.keys, []
        return (taken, keys) if taken.hits or keys else None

    def gather(self, at: int, taken: tuple[Postings, list[tuple[int, bytes]]] | None) -> None:
        """Join chunks as they come, in page order (ids must rise), holding back only
        those that arrive early: the parts are not all kept to the end."""
        part = None
        if taken is not None:
            part, keys = taken
            for doc_id, packed in keys:
                self.packed.put(doc_id, packed)
        self._waiting[at] = part
        while self._next in self._waiting:
            held = self._waiting.pop(self._next)
            if held is not None:
                self._joined.extend(held)
            self._next += 1

    def joined(self) -> Postings:
        assert not self._waiting, "a chunk's postings never arrived"
        return self._joined
