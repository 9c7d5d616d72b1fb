"""A polite HTTP client for government sites: one user agent that says who we are, robots.txt, a delay
and a concurrency limit per host, timeouts, retries with backoff, a size cap, http and https only.

Government servers are small and often slow; a crawler that hammers them gets blocked (and should be).
Everything here is about being a good guest while still getting every report.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from ogi import __version__
from ogi.utils.urls import is_http_url

USER_AGENT = (
    f"ogi/{__version__} (+https://github.com/ogi-project/ogi; government information-disclosure reports)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class FetchPolicy:
    """How hard ogi may hit a site. The defaults are deliberately gentle."""

    #: Seconds between the starts of two requests to the same host.
    delay: float = 1.0
    #: Requests in flight to one host at a time.
    per_host: int = 2
    #: Seconds to connect, and between two bytes of the answer.
    timeout: float = 30.0
    #: Further attempts after a timeout, a dropped connection or a 5xx/429 answer.
    retries: int = 3
    #: Seconds before the first retry; doubled for each further one.
    backoff: float = 1.0
    #: Largest answer kept, in bytes.
    max_bytes: int = 100 * 1024 * 1024
    respect_robots: bool = True
    user_agent: str = USER_AGENT


#: What ``ogi run URL`` and ``fetch_for_run`` use; tests swap it for a fast one.
DEFAULT_POLICY = FetchPolicy()


@dataclass
class Response:
    """One fetch: the answer, or why there is none (``error``, one line)."""

    url: str
    final_url: str
    status: int | None = None
    content_type: str | None = None
    data: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Gate:
    """Per-host politeness: at most ``per_host`` requests in flight, starts ``delay`` seconds apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(max(1, per_host))
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.delay = delay

    def __enter__(self) -> _Gate:
        self.slots.acquire()
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.delay
        if start > now:
            time.sleep(start - now)
        return self

    def __exit__(self, *exc: object) -> None:
        self.slots.release()


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def without_fragment(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


class HttpClient:
    """Thread-safe GETs under a ``FetchPolicy``."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or DEFAULT_POLICY
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=True,
            max_redirects=10,
        )
        self._gates: dict[str, _Gate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self._robots_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def _gate(self, url: str) -> _Gate:
        host = host_of(url)
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _Gate(self.policy.per_host, self.policy.delay)
            return gate

    # -- robots.txt ------------------------------------------------------------------------------------

    def robots_block(self, url: str) -> str | None:
        """Why robots.txt keeps our user agent from ``url``, or None (always None with ``respect_robots`` off).

        RFC 9309: a robots.txt that is missing (4xx) allows everything; one that cannot be read (5xx,
        timeout) means the site is unreachable, so nothing is fetched from it this time.
        """
        if not self.policy.respect_robots:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        if parser is None:
            return "the site's robots.txt could not be read (server error or timeout); nothing fetched"
        if not parser.can_fetch(self.policy.user_agent, url):
            return "disallowed by the site's robots.txt (see --ignore-robots)"
        return None

    def _load_robots(self, origin: str) -> RobotFileParser | None:
        resp = self._get(origin + "/robots.txt", {}, max_bytes=512 * 1024, retries=1)
        parser = RobotFileParser(origin + "/robots.txt")
        if resp.status is not None and 400 <= resp.status < 500:
            parser.parse([])
            return parser
        if not resp.ok or resp.data is None:
            return None
        parser.parse(resp.data.decode("utf-8", errors="replace").splitlines())
        return parser

    # -- GET -------------------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """GET ``url``; with ``etag``/``last_modified`` a conditional GET (a 304 answer has no data)."""
        if not is_http_url(url):
            return Response(url, url, error=f"not an http(s) URL: {url[:100]}")
        blocked = self.robots_block(url)
        if blocked:
            return Response(url, url, error=blocked)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(
            url, headers, max_bytes=max_bytes or self.policy.max_bytes, retries=self.policy.retries
        )

    def _get(self, url: str, headers: dict[str, str], *, max_bytes: int, retries: int) -> Response:
        attempt = 0
        while True:
            with self._gate(url):
                resp, retry_after = self._once(url, headers, max_bytes)
            retryable = resp.status in RETRY_STATUSES or (resp.status is None and resp.error is not None)
            if resp.error is not None and resp.error.startswith(
                ("too large", "not an http", "too many redirects")
            ):
                retryable = False
            if not retryable or attempt >= retries:
                if retryable and attempt > 0 and resp.error:
                    resp.error = f"{resp.error} (after {attempt + 1} attempts)"
                return resp
            wait = self.policy.backoff * (2**attempt)
            if retry_after is not None:
                wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
            time.sleep(wait)
            attempt += 1

    def _once(self, url: str, headers: dict[str, str], max_bytes: int) -> tuple[Response, float | None]:
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                final = str(r.url)
                ctype = r.headers.get("content-type")
                out = Response(url, final, r.status_code, ctype, headers=dict(r.headers))
                retry_after = _retry_after(r.headers.get("retry-after"))
                if not is_http_url(final):
                    out.error = f"redirected to a non-http(s) URL: {final[:100]}"
                    return out, None
                if r.status_code == 304:
                    return out, None
                if r.status_code >= 400:
                    out.error = f"HTTP {r.status_code} {r.reason_phrase}".strip()
                    return out, retry_after
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    out.error = f"too large: {int(declared)} bytes (limit {max_bytes})"
                    return out, None
                chunks: list[bytes] = []
                size = 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        out.error = f"too large: over {max_bytes} bytes"
                        return out, None
                    chunks.append(chunk)
                out.data = b"".join(chunks)
                return out, None
        except httpx.TimeoutException as exc:
            return Response(
                url, url, error=f"timed out ({type(exc).__name__}, {self.policy.timeout:g} s)"
            ), None
        except httpx.TooManyRedirects:
            return Response(url, url, error="too many redirects"), None
        except httpx.UnsupportedProtocol as exc:
            return Response(url, url, error=f"not an http(s) URL: {exc}"), None
        except httpx.HTTPError as exc:
            return Response(url, url, error=f"{type(exc).__name__}: {exc}"[:300]), None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
