"""The services whose posts and videos news pages embed (YouTube, X, Instagram …): one
list, read by the importer (an `<iframe>` or tweet becomes a `[Service](url)` line) and
by the build (that line becomes a card). Neither side keeps a copy."""

from __future__ import annotations

from urllib.parse import urlsplit

EMBED_HOSTS = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "twitter.com": "X",
    "x.com": "X",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "fb.watch": "Facebook",
    "vimeo.com": "Vimeo",
    "dailymotion.com": "Dailymotion",
    "tiktok.com": "TikTok",
    "soundcloud.com": "SoundCloud",
    "t.me": "Telegram",
}


def embed_name(url: str) -> str | None:
    """The service an embed's URL belongs to (YouTube, X …), or None."""
    try:
        host = urlsplit(url).netloc.lower()
    except ValueError:
        return None
    host = host.removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    for known, name in EMBED_HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return None
