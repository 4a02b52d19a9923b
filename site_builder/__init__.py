"""site-builder: a static site generator for a mirrored Arabic news archive."""

__version__ = "0.1.0"
