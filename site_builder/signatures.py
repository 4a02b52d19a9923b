"""What decides that a build can skip work: page signatures and input fingerprints.

Every output page gets a signature: a digest of the templates, config and code
(the "global" part) and of exactly what the page shows (its PageSpec deps: an
article's own bytes for its page, its card fields for lists and feeds). A page
whose signature is unchanged is taken from the previous output as it is (the
signatures are kept in the build state, state.py). And when neither the inputs
nor the output changed since the last build, the build is skipped whole
(load_unchanged).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .plan import PageKind

if TYPE_CHECKING:
    from .config import SiteConfig
    from .model import Site
    from .plan import PageSpec
    from .views import Views

CACHE_DIR = ".site-builder-cache"
Stamp = tuple[int, int]  # (size, mtime_ns), as state.py keeps them


def machine_key() -> bytes:
    """This machine's key for signing caches, kept outside any site: a cache that came with
    a repository (or was edited) fails the check and is never trusted (state.py)."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "site-builder"
    path = home / "cache.key"
    try:
        return path.read_bytes()
    except OSError:
        home.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            handle.write(key)
        return key


def inputs_fingerprint(
    root: Path, config: SiteConfig, overrides: Any, strict: bool, sources: dict[str, Stamp] | None = None
) -> str:
    """Every input's name, size and mtime (content, templates, static, site.yml), the code,
    the config and the options: equal fingerprints mean a build would change nothing.
    `sources`, when given, receives the stamp of each content file a build reads (named
    as sources.content_files names them), so that a splice need not walk content/ again."""
    h = hashlib.sha256(f"{code_digest()}\0{config!r}\0{overrides!r}\0{strict}".encode())
    content = root / config.content_dir
    for folder in (content, root / config.templates_dir, root / config.static_dir):
        seen = sources if folder == content else None
        prefix = source_prefix(content, root) if seen is not None else ""
        _fingerprint_tree(h, str(folder), seen, prefix)
    try:
        info = os.stat(root / "site.yml")
        h.update(f"site.yml\0{info.st_size}\0{info.st_mtime_ns}".encode())
    except OSError:
        pass
    return h.hexdigest()


def source_prefix(content: Path, root: Path) -> str:
    """How the state names content files: `content/…`, or below content/ when it lies
    elsewhere (sources.content_files names them so too)."""
    prefix = content.relative_to(root).as_posix() if content.is_relative_to(root) else str(content)
    return "" if prefix in ("", ".") else f"{prefix}/"


def _fingerprint_tree(h: Any, folder: str, sources: dict[str, Stamp] | None = None, name: str = "") -> None:
    """Every file below `folder` into `h`; the visible .md files' stamps into `sources`, as
    sources.content_files finds them (a hidden name hides what is below it; links followed)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        seen = sources if sources is not None and not entry.name.startswith(".") else None
        if entry.is_dir(follow_symlinks=False):
            _fingerprint_tree(h, entry.path, seen, f"{name}{entry.name}/")
            continue
        info = entry.stat(follow_symlinks=False)
        h.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
        if seen is not None and entry.name.endswith(".md"):
            _note_source(seen, f"{name}{entry.name}", entry, info)


def _note_source(sources: dict[str, Stamp], rel: str, entry: os.DirEntry[str], info: os.stat_result) -> None:
    try:
        if entry.is_symlink():
            info = entry.stat()
    except OSError:
        return  # a dangling link: not a file a build reads
    if stat.S_ISREG(info.st_mode):
        sources[rel] = (info.st_size, info.st_mtime_ns)


def ground(config: SiteConfig, root: Path, base: str) -> dict[str, str]:
    """What every page stands on besides the content: templates and code (`base`, the
    global_digest), the config, the static files. A build records it; a splice (splice.py)
    stands in for a build only on the same ground."""
    return {"base": base, "config": config_digest(config), "static": tree_digest(root / config.static_dir)}


def config_digest(config: SiteConfig) -> str:
    return hashlib.sha256(repr(config).encode()).hexdigest()


def tree_digest(folder: Path) -> str:
    """Names, sizes and mtimes of a folder's files (static/: a handful)."""
    h = hashlib.sha256()
    _fingerprint_tree(h, str(folder))
    return h.hexdigest()


def output_fingerprint(out: Path) -> str:
    """Names, sizes and mtimes of everything in the output: a changed or removed file shows.
    A sum (xor) of a term per file, so that a build that rewrote a few files can work it out
    from the last one (see stamps_fingerprint, splice.py)."""
    total = 0
    prefix = len(str(out)) + 1
    folders = [str(out)]
    while folders:  # a loop, not recursive generators: 110,000 folders at 100,000 articles
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            else:
                info = entry.stat(follow_symlinks=False)
                total ^= file_term(entry.path[prefix:], info.st_size, info.st_mtime_ns)
    return f"{total:032x}"


def stamps_fingerprint(stamps: dict[str, tuple[int, int]]) -> str:
    """output_fingerprint() of an output holding exactly these files as stamped, computed
    without walking it: the build just wrote them and knows."""
    total = 0
    for rel, (size, mtime) in stamps.items():
        total ^= file_term(rel, size, mtime)
    return f"{total:032x}"


def file_term(rel: str, size: int, mtime: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{rel}\0{size}\0{mtime}".encode(), digest_size=16).digest(), "big")


def last_output_fingerprint(root: Path, out: Path) -> str | None:
    """The output fingerprint the last build of this output recorded (splice.py updates it)."""
    saved = _load_unchanged_file(root)
    return saved.get("output") if saved and saved.get("out") == str(out) else None


def _load_unchanged_file(root: Path) -> dict[str, Any] | None:
    try:
        saved = json.loads((root / CACHE_DIR / "unchanged.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, dict) else None


def load_unchanged(root: Path, out: Path, inputs: str) -> dict[str, Any] | None:
    """The last build's report when neither its inputs nor its output changed since (the
    fast path of a rebuild with nothing to do); None otherwise."""
    saved = _load_unchanged_file(root)
    if saved is None or saved.get("inputs") != inputs or saved.get("out") != str(out):
        return None
    if saved.get("output") != output_fingerprint(out):
        return None
    return saved.get("report")


def save_unchanged(root: Path, out: Path, inputs: str, output: str, report: dict[str, Any]) -> None:
    """Remember that this output (its fingerprint) is what these inputs make (see load_unchanged)."""
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    data = {"inputs": inputs, "out": str(out), "output": output, "report": report}
    tmp = folder / f".unchanged.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / "unchanged.json")


@cache
def code_digest() -> str:
    """The package's own source: a new version of the code re-renders everything."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def index_term(at: int, slug: str, digest: str, card: str) -> int:
    """One article's share of the search index's signature: the signature sums them (xor), so
    a body edit (splice.py) changes it by that article's old and new shares alone."""
    raw = hashlib.blake2b(f"{at}\0{slug}\0{digest}\0{card}".encode(), digest_size=16).digest()
    return int.from_bytes(raw, "big")


def order_digest(order: tuple[str, ...]) -> str:
    """The site's article order, as a digest (a splice keeps the order, and its digest)."""
    return hashlib.sha256("\0".join(order).encode()).hexdigest()


def index_signature(base: str, ordered: str, total: int) -> str:
    """The search index's signature: the order's digest and the sum of the articles' terms."""
    return hashlib.sha256(f"{base}\0{ordered}\0{total:032x}".encode()).hexdigest()


def with_digest(frame: str, digest: str) -> str:
    """An article page's signature from its frame and its file's digest: a body edit on the
    command line (splice.py) signs the page anew knowing the frame alone."""
    return hashlib.blake2b(f"{frame}\0{digest}".encode(), digest_size=20).hexdigest()


def global_digest(config: SiteConfig, templates: Path, code: str) -> str:
    """Templates, config and code: what every page depends on."""
    h = hashlib.sha256(code.encode())
    h.update(repr(config).encode())
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(templates)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Signer:
    """Computes page signatures for one build."""

    def __init__(
        self,
        site: Site,
        digests: dict[str, str],
        views: Views,
        base: str,
        cards: dict[str, str] | None = None,
    ):
        """`cards`: the card digests of the same site and views, made by an earlier build."""
        self.site, self.digests, self.views, self.base = site, digests, views, base
        self._cards: dict[str, str] = cards if cards is not None else {}
        self.frames: dict[str, str] = {}  # article slug -> its page's frame, as signed this build
        self.index_sum = 0  # index()'s sum of its articles' terms

    def card(self, slug: str) -> str:
        """What a card of this article shows: the Card view itself (views.py), so a field
        added to cards is signed without a change here."""
        if slug not in self._cards:
            shown = repr(self.views.card(slug))
            self._cards[slug] = hashlib.blake2b(shown.encode(), digest_size=16).hexdigest()
        return self._cards[slug]

    def index(self) -> str:
        """The search index shows every article's text and card fields, in the site's order."""
        self.index_sum = 0
        for at, slug in enumerate(self.site.order):
            self.index_sum ^= index_term(at, slug, self.digests.get(slug, ""), self.card(slug))
        return index_signature(self.base, order_digest(self.site.order), self.index_sum)

    def search_digest(self, slug: str) -> str:
        """What the search index holds of one article: its text and its card."""
        return hashlib.sha256((self.digests.get(slug, "") + self.card(slug)).encode()).hexdigest()

    def page(self, spec: PageSpec) -> str:
        """What the page shows, as a digest: for an article page, its frame (everything but
        the article's own bytes) signed together with those bytes (see with_digest)."""
        frame = self.frame(spec)
        if spec.kind is PageKind.ARTICLE:
            self.frames[spec.key[0]] = frame
            return with_digest(frame, self.digests.get(spec.key[0], ""))
        return frame

    def frame(self, spec: PageSpec) -> str:
        parts = [self.base, spec.kind, spec.path, str(spec.page), str(spec.pages), *map(str, spec.key)]
        if spec.kind is PageKind.ARTICLE:
            slug = spec.key[0]
            parts += map(repr, self.views.figures.get(slug, ()))  # the Figure views the page shows
            parts += map(repr, self.site.related.get(slug, ()))  # its related entries (their cards: deps)
        if spec.deps:
            cards = self._all_cards()
            parts += [cards.get(dep, dep) for dep in spec.deps]  # a "?…" dep is its own text
        return hashlib.blake2b("\0".join(parts).encode(), digest_size=20).hexdigest()

    def cards(self) -> dict[str, str]:
        """Every article's card digest."""
        return self._all_cards()

    def _all_cards(self) -> dict[str, str]:
        """Every article's card digest, made once: 11,000 pages list 100,000 deps between them."""
        if len(self._cards) < len(self.site.order):
            for slug in self.site.order:
                self.card(slug)
        return self._cards
