"""The URL tests, stated once: what ogi takes for a web address (rather than a file path), and what is an
http(s) URL it can fetch."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL with a host. Never raises (``http://[::1/x`` is simply not one)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def names_url(text: str) -> bool:
    """Whether an input names a web address rather than a file (``http://`` or ``https://``, any case),
    valid or not: ``ogi run http://[::1/x`` is a URL that cannot be fetched (its own ``failed`` row), not a
    missing file that stops the run."""
    return text[:8].lower().startswith(("http://", "https://"))
