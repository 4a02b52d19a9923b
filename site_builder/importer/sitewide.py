"""What a mirror teaches about each of its sites, consulted by every page of that site.

A block of text that stands on many pages of one site (a disclaimer, a «تابعونا على»
line, an author's bio, a newsletter box the class names did not give away) is the
site's chrome, not an article's; and the part of `<title>` that every page of a site
ends with («| Lebanon News», «- اليوم السابع») is its name, whatever the page calls it.
One page alone cannot tell either; the mirror can. Pages are read first (on every
core), then this learns from all of them at once, then each page is finished.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from ..text import fold_words
from .metadata import strip_suffix
from .page import Block, Heading, Markup, Paragraph, ParsedPage, SeeAlsoBlock

_MIN_PAGES = 4  # a site needs this many pages before anything counts as repeated
_SHARE = 0.3  # on this share of a site's pages (and at least 3), a block is chrome
_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


def fingerprint(block: Block) -> str:
    text = block.title if isinstance(block, SeeAlsoBlock) else block.text
    folded = " ".join(fold_words(text))  # not the cached fold(): every block of every page passes once
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class PageTraits:
    """What a page contributes to the learning: small, so it can be kept between imports."""

    host: str
    blocks: tuple[str, ...]  # fingerprints of its body blocks, in order (finish() reuses them)
    title_raw: str


@dataclass
class SiteKnowledge:
    """Counts per site (host), and what they imply."""

    pages: Counter[str] = field(default_factory=Counter)
    blocks: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    suffixes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, traits: PageTraits) -> None:
        self.pages[traits.host] += 1
        self.blocks[traits.host].update(set(traits.blocks))
        for part in _title_ends(traits.title_raw):
            self.suffixes[traits.host][part] += 1

    def is_chrome(self, host: str, print_: str) -> bool:
        pages = self.pages[host]
        seen = self.blocks[host][print_] if host in self.blocks else 0
        return pages >= _MIN_PAGES and seen >= 3 and seen >= _SHARE * pages

    def site_suffixes(self, host: str) -> frozenset[str]:
        """Title ends that at least two pages, and at least a third of the site's pages, share."""
        pages = self.pages[host]
        counts = self.suffixes.get(host, Counter())
        return frozenset(part for part, n in counts.items() if n >= 2 and n * 3 >= pages)

    def title(self, title: str, site_name: str, host: str) -> str:
        """A page's title without its site's name (learnt or stated) at either end."""
        return strip_suffix(title, site_name, self.site_suffixes(host)) or title


def traits(page: ParsedPage, host: str) -> PageTraits:
    return PageTraits(host, tuple(fingerprint(b) for b in page.blocks), page.title_raw)


def finish(
    page: ParsedPage, host: str, knowledge: SiteKnowledge, prints: tuple[str, ...] = ()
) -> tuple[ParsedPage, int]:
    """The page without its site's repeated blocks, its title without the learnt suffix;
    and how many blocks were dropped. `prints`: the blocks' fingerprints from traits(),
    when the reader made them already."""
    if len(prints) != len(page.blocks):
        prints = tuple(fingerprint(b) for b in page.blocks)
    kept = tuple(b for b, p in zip(page.blocks, prints, strict=True) if not _repeated(b, p, host, knowledge))
    dropped = len(page.blocks) - len(kept)
    if dropped and not any(isinstance(b, (Paragraph, Markup)) for b in kept):
        kept, dropped = page.blocks, 0  # never empty a page: the repetition was the article
    return replace(page, blocks=kept, title=knowledge.title(page.title, page.site_name, host)), dropped


def _repeated(block: Block, print_: str, host: str, knowledge: SiteKnowledge) -> bool:
    if isinstance(block, Heading) and len(block.text.split()) <= 3:
        return False  # short section headings («الخلفية») recur by nature
    return knowledge.is_chrome(host, print_)


def _title_ends(title: str) -> list[str]:
    """The parts after the first separator and before the last, as candidate site names."""
    ends = []
    for sep in _SEPARATORS:
        if sep in title:
            _head, _, tail = title.rpartition(sep)
            ends.append(tail.strip())
            first, _, _rest = title.partition(sep)
            ends.append(first.strip())
    return [e for e in ends if e and len(e) <= 60]
