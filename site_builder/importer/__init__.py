"""Importing a mirrored news site into the archive's Markdown (never imported by build)."""

from .run import ImportOptions, ImportReport, import_sources

__all__ = ["ImportOptions", "ImportReport", "import_sources"]
