"""The URL test, stated once: what ogi takes for a web address (rather than a file path)."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL with a host. Never raises (``http://[::1/x`` is simply not one)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
