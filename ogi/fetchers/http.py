"""A polite HTTP client for government sites: one user agent that says who we are, robots.txt, a delay
and a concurrency limit per host, timeouts, retries with backoff, a size cap, http and https only.

Government servers are small and often slow; a crawler that hammers them gets blocked (and should be).
Everything here is about being a good guest while still getting every report.

Redirects are followed here, hop by hop, so that every hop passes what the first URL passed: robots.txt,
the caller's host rule, the per-host gate, and the refusal of private, loopback and link-local addresses
(a public page must not send ogi into the user's own network) unless ``allow_private``. Every request has
a wall-clock ``deadline`` as well as its per-read ``timeout``: a server that trickles a byte now and then
never times out a read.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from ogi import __version__
from ogi.utils.urls import is_http_url

USER_AGENT = (
    f"ogi/{__version__} (+https://github.com/ogi-project/ogi; government information-disclosure reports)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 10
#: Errors that another attempt would only repeat.
_FINAL_ERRORS = ("too large", "not an http", "too many redirects", "refused", "invalid URL", "took longer")


@dataclass(frozen=True)
class FetchPolicy:
    """How hard ogi may hit a site. The defaults are deliberately gentle."""

    #: Seconds between the starts of two requests to the same host.
    delay: float = 1.0
    #: Requests in flight to one host at a time.
    per_host: int = 2
    #: Seconds to connect, and between two bytes of the answer.
    timeout: float = 30.0
    #: Seconds one request may take in all, from sending it to the answer's last byte.
    deadline: float = 600.0
    #: Further attempts after a timeout, a dropped connection or a 5xx/429 answer.
    retries: int = 3
    #: Seconds before the first retry; doubled for each further one.
    backoff: float = 1.0
    #: Largest answer kept, in bytes.
    max_bytes: int = 100 * 1024 * 1024
    respect_robots: bool = True
    #: Fetch from private, loopback and link-local addresses (a test server, an intranet you mean to read).
    allow_private: bool = False
    user_agent: str = USER_AGENT

    def with_(self, **changes: object) -> FetchPolicy:
        """This policy with some fields changed (the tests' fast clients are built this way)."""
        return replace(self, **changes)  # type: ignore[arg-type]


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


#: What a browser does with a URL before parsing it (WHATWG URL): C0 controls and spaces trimmed at both
#: ends, tabs and line breaks dropped anywhere; other controls left are percent-encoded.
_EDGE_JUNK = "".join(chr(i) for i in range(0x21))
_TAB_NEWLINE = re.compile("[\t\n\r]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def clean_url(url: str) -> str:
    """``url`` as a browser reads it from a page or a list (see ``_EDGE_JUNK``); it may still be invalid."""
    url = _TAB_NEWLINE.sub("", url.strip(_EDGE_JUNK))
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", url)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched as it is (one line), or None: what ``is_http_url`` asks, and a port
    in range, a host name, no control character or space in it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError as exc:
        return f"invalid URL ({exc}): {url[:100]}"
    if not is_http_url(url) or not parts.hostname:
        return f"not an http(s) URL: {url[:100]}"
    if _CONTROL.search(url) or " " in parts.netloc:
        return f"invalid URL (control character or space in it): {url[:100]!r}"
    return None


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def without_fragment(url: str) -> str:
    """The URL cleaned (``clean_url``), without its fragment; raises ``ValueError`` when it cannot be parsed."""
    parts = urlsplit(clean_url(url))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def join_url(base: str, href: str) -> str | None:
    """``href`` read on the page at ``base``, absolute and without fragment; None when it is not a URL
    (``http://[::1/x``: the one bad link is left, not the page)."""
    try:
        return without_fragment(urljoin(base, clean_url(href)))
    except ValueError:
        return None


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local, reserved …)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


#: The caller's host rule for one fetch: a reason when ``url`` may not be fetched, else None.
HostRule = Callable[[str], str | None]


class HttpClient:
    """Thread-safe GETs under a ``FetchPolicy``."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or DEFAULT_POLICY
        self._client = httpx.Client(
            headers={"User-Agent": self.policy.user_agent, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
            timeout=httpx.Timeout(self.policy.timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        )
        # Through a proxy, the peer is the proxy: only the address the host name resolves to is checked.
        self._proxied = bool(urllib.request.getproxies())
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
        resp = self._follow(
            origin + "/robots.txt", {}, max_bytes=512 * 1024, retries=1, robots=False, host_rule=None
        )
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
        host_rule: HostRule | None = None,
    ) -> Response:
        """GET ``url``; with ``etag``/``last_modified`` a conditional GET (a 304 answer has no data).

        Redirects are followed by hand: each hop must pass robots.txt, ``host_rule`` and the address
        check, and waits for its host's gate. ``final_url`` is the last hop.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(
            url,
            headers,
            max_bytes=max_bytes or self.policy.max_bytes,
            retries=self.policy.retries,
            robots=True,
            host_rule=host_rule,
        )

    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        *,
        max_bytes: int,
        retries: int,
        robots: bool,
        host_rule: HostRule | None,
    ) -> Response:
        hop = url
        for _ in range(MAX_REDIRECTS + 1):
            refused = self._refusal(hop, robots, host_rule)
            if refused:
                return Response(
                    url, hop, error=refused if hop == url else f"redirected to {hop[:100]}: {refused}"
                )
            resp = self._get(hop, headers, max_bytes=max_bytes, retries=retries)
            location = resp.headers.get("location") if resp.status in REDIRECT_STATUSES else None
            if not location:
                resp.url = url
                return resp
            nxt = join_url(hop, location)
            if nxt is None:
                return Response(
                    url, hop, resp.status, error=f"redirected to an invalid URL: {location[:100]!r}"
                )
            hop = nxt
        return Response(url, hop, error="too many redirects")

    def _refusal(self, url: str, robots: bool, host_rule: HostRule | None) -> str | None:
        """Why ``url`` is not fetched: not a valid http(s) URL, the caller's host rule, robots.txt, or a
        private address."""
        problem = url_problem(url)
        if problem:
            return problem
        if host_rule is not None:
            reason = host_rule(url)
            if reason:
                return reason
        private = self.address_block(url)
        if private:
            return private
        return self.robots_block(url) if robots else None

    def address_block(self, url: str) -> str | None:
        """Why ``url``'s host may not be fetched (it resolves to a private, loopback or link-local
        address), or None. A name that does not resolve is left to the request, which then fails."""
        if self.policy.allow_private:
            return None
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            infos = socket.getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError, ValueError):
            return None
        for info in infos:
            address = str(info[4][0])
            if not is_public_address(address):
                return _private(host, address)
        return None

    def _get(self, url: str, headers: dict[str, str], *, max_bytes: int, retries: int) -> Response:
        attempt = 0
        while True:
            with self._gate(url):
                resp, retry_after = self._once(url, headers, max_bytes)
            retryable = resp.status in RETRY_STATUSES or (resp.status is None and resp.error is not None)
            if resp.error is not None and resp.error.startswith(_FINAL_ERRORS):
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
        """One request, over ``deadline`` seconds after it started whatever the server does: each read
        waits at most that long, and a watchdog shuts the connection's socket when the time is up (a
        server trickling its headers or body a byte at a time never lets a read time out)."""
        deadline = self.policy.deadline
        started = time.monotonic()
        late = f"took longer than the deadline ({deadline:g} s)"
        conn = _Connection()
        watchdog = threading.Timer(deadline, conn.shut)
        watchdog.daemon = True
        watchdog.start()
        try:
            with self._client.stream(
                "GET",
                url,
                headers=headers,
                timeout=httpx.Timeout(min(self.policy.timeout, deadline)),
                extensions={"trace": conn.trace},
            ) as r:
                ctype = r.headers.get("content-type")
                out = Response(url, url, r.status_code, ctype, headers=dict(r.headers))
                retry_after = _retry_after(r.headers.get("retry-after"))
                peer = conn.peer()
                if (
                    peer
                    and not self.policy.allow_private
                    and not self._proxied
                    and not is_public_address(peer)
                ):
                    out.error = _private(urlsplit(url).hostname or "", peer)
                    return out, None
                if r.status_code == 304 or r.status_code in REDIRECT_STATUSES:
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
                if conn.shut_down or time.monotonic() - started > deadline:
                    out.error = late
                    return out, None
                out.data = b"".join(chunks)
                return out, None
        except httpx.UnsupportedProtocol as exc:
            return Response(url, url, error=f"not an http(s) URL: {exc}"), None
        except httpx.TransportError as exc:
            if conn.shut_down or time.monotonic() - started >= deadline:
                return Response(url, url, error=late), None
            if "location header" in str(exc):  # httpx reads the Location of every redirect
                return Response(url, url, error=f"invalid URL in a redirect ({exc})"[:300]), None
            if isinstance(exc, httpx.TimeoutException):
                return Response(
                    url, url, error=f"timed out ({type(exc).__name__}, {self.policy.timeout:g} s)"
                ), None
            return Response(url, url, error=f"{type(exc).__name__}: {exc}"[:300]), None
        except httpx.HTTPError as exc:
            return Response(url, url, error=f"{type(exc).__name__}: {exc}"[:300]), None
        except (httpx.InvalidURL, ValueError) as exc:
            return Response(url, url, error=f"invalid URL ({exc}): {url[:100]!r}"), None
        finally:
            watchdog.cancel()


class _Connection:
    """The connection one request opened (the client keeps none alive, so every request opens one): its
    socket for the deadline's watchdog, its peer address for the address check."""

    def __init__(self) -> None:
        self.stream: Any = None
        self.shut_down = False
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            with self._lock:
                self.stream = info.get("return_value")
                if self.shut_down:
                    self._shutdown()

    def shut(self) -> None:
        with self._lock:
            self.shut_down = True
            self._shutdown()

    def _shutdown(self) -> None:
        sock = self._extra("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def peer(self) -> str | None:
        addr = self._extra("server_addr")
        return str(addr[0]) if isinstance(addr, tuple) and addr else None

    def _extra(self, name: str) -> Any:
        try:
            return self.stream.get_extra_info(name) if self.stream is not None else None
        except Exception:  # a transport without that information
            return None


def _private(host: str, address: str) -> str:
    return (
        f"refused: {host} is at a private, loopback or link-local address ({address}); "
        "--allow-private to fetch it"
    )


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
