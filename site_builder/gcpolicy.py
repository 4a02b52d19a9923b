"""How the long passes (a build, an import) ask Python's cycle collector to stay out of the way.

Their data is hundreds of thousands of objects without reference cycles (a site's model,
parsed pages, lxml proxies); the collector's passes over them found nothing and cost a
fifth of a one-article rebuild. (Not used by the import: held back there, the readers'
lxml trees made the 10,000-page benchmark slower.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Park what exists in the permanent generation and collect young objects less often,
    for the pass only (forked workers inherit it)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
