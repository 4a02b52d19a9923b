"""Bytes of a saved page -> text: the encodings Arabic sites were saved in.

UTF-8 (with or without BOM) first, since bytes that decode as UTF-8 are almost
never anything else; then the charset the page declares; then the legacy
Arabic code pages, told apart by how often the definite article «ال» comes out.
"""

from __future__ import annotations

import codecs

from ..errors import SiteError

_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"\x7fELF")
_LEGACY = ("cp1256", "iso8859_6")


def decode(raw: bytes, path: str, declared: str | None = None) -> str:
    """Decode a page, LF line ends; SiteError for empty, binary or undecodable input."""
    if not raw.strip():
        raise SiteError("empty file", path)
    if raw.startswith(_BINARY_MAGIC) or (b"\x00" in raw[:8192] and not _utf16(raw)):
        raise SiteError("binary file, not a page", path)
    text = _decode(raw, path, declared)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16(raw: bytes) -> bool:
    return raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _decode(raw: bytes, path: str, declared: str | None) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw[3:], "utf-8", path)
    if _utf16(raw):
        return _strict(raw, "utf-16", path)
    try:
        return raw.decode("utf-8")  # valid UTF-8 is UTF-8 whatever the page claims
    except UnicodeDecodeError as err:
        utf8_error = err
    if declared and declared != "utf-8":
        return _strict(raw, declared, path)
    candidates = []
    for codec in _LEGACY:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((text.count("ال"), text))
    if not candidates or max(candidates)[0] == 0:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise SiteError(
            f"cannot decode: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) nor an Arabic code page",
            path,
            line,
        )
    return max(candidates, key=lambda c: c[0])[1]


def _strict(raw: bytes, codec: str, path: str) -> str:
    try:
        text = raw.decode(codec)
    except (UnicodeDecodeError, LookupError) as err:
        raise SiteError(f"cannot decode as {codec}: {err}", path) from None
    if "\x00" in text:
        raise SiteError("binary file, not a page (NUL byte)", path)
    return text.removeprefix("\ufeff")
