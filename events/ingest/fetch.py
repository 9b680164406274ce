"""Fetch a feed's bytes over HTTP the way a careful feed reader does, with our own client on ``http.client``.

feedparser's own fetching has no timeout and no size cap, and Feed URLs are typed in by editors, so this module:

- sends a clear User-Agent and a conditional GET (stored ETag / Last-Modified; a 304 comes back as such);
- bounds time: a connect timeout, and a total deadline enforced by a watchdog that shuts the socket down, so a
  server that drips one byte a second cannot keep us past ``FEEDS_TOTAL_TIMEOUT``;
- bounds size while streaming: ``FEEDS_MAX_BYTES`` applies to the bytes on the wire and again to the decoded
  bytes (a gzip bomb stops at the cap, it is never inflated in full);
- follows at most ``MAX_REDIRECTS`` redirects, each one re-checked like the first URL;
- resolves DNS itself, refuses non-public addresses (loopback, private, link-local, CGNAT, multicast, unspecified,
  reserved, and their IPv6 forms including IPv4-mapped ones) unless ``FEEDS_ALLOW_PRIVATE_HOSTS``, and connects to
  the very address it checked, so a DNS answer that changes between check and connect (rebinding) cannot slip by;
- keeps at most ``MAX_PER_HOST`` requests in flight to one host: a Redis semaphore shared by all workers when
  ``REDIS_URL`` is set, a per-process one otherwise.
"""

from __future__ import annotations

import http.client
import ipaddress
import secrets
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
MAX_PER_HOST = 2
READ_CHUNK = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Client-side statuses worth trying again later; every other 4xx means the URL itself is wrong.
TRANSIENT_CLIENT_STATUSES = frozenset({408, 425, 429})

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A fetch that did not produce a feed body. ``transient`` says whether trying again later may help."""

    transient = False


class TransientFetchError(FetchError):
    transient = True


class BlockedAddressError(FetchError):
    """The URL points at an address we refuse to connect to (SSRF guard) or uses a scheme we do not speak."""


class ResponseTooLargeError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class FetchTimeoutError(TransientFetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, status: int, reason: str, url: str) -> None:
        super().__init__(f"HTTP {status} {reason} from {url}".strip())
        self.status = status
        self.transient = status >= 500 or status in TRANSIENT_CLIENT_STATUSES


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 200 (any 2xx) or 304
    body: bytes
    etag: str
    last_modified: str
    content_type: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- SSRF guard -------------------------------------------------------------------------------------------------


def address_refusal(ip: IPAddress) -> str | None:
    """Why connecting to ``ip`` is refused (a sentence), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that IPv4 host: judge the embedded address.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            reason = address_refusal(embedded)
            if reason:
                return f"{reason} (embedded in {ip})"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.version == 4 and ip in _CGNAT, "carrier-grade NAT (100.64.0.0/10)"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-public"),
    )
    for refused, kind in checks:
        if refused:
            return f"{ip} is a {kind} address"
    return None


def resolve_allowed(host: str, port: int) -> list[tuple[int, tuple]]:
    """Resolve ``host`` ourselves and return the (family, sockaddr) pairs we may connect to.

    Raises BlockedAddressError naming the refused address when every answer is refused.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransientFetchError(f"cannot resolve host {host!r}: {exc.strerror or exc}") from exc
    allow_private = settings.FEEDS_ALLOW_PRIVATE_HOSTS
    allowed: list[tuple[int, tuple]] = []
    refusals: list[str] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        reason = None if allow_private else address_refusal(ip)
        if reason:
            refusals.append(reason)
        elif (family, sockaddr) not in allowed:
            allowed.append((family, sockaddr))
    if not allowed:
        why = refusals[0] if refusals else "no address"
        raise BlockedAddressError(
            f"refusing to fetch from {host}: {why}; feeds must be on public addresses "
            "(set FEEDS_ALLOW_PRIVATE_HOSTS=1 only for local testing)"
        )
    return allowed


def check_url(url: str) -> tuple[str, str, int]:
    """Return (scheme, host, port) of a fetchable URL or raise BlockedAddressError saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedAddressError(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedAddressError(f"only http and https feed URLs can be fetched, not {scheme or 'no scheme'!r}")
    if not parts.hostname:
        raise BlockedAddressError(f"URL {url!r} has no host")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


# --- Per-host concurrency -------------------------------------------------------------------------------------

# Atomic "take a slot if fewer than LIMIT are held": the sorted set holds one member per slot, scored by its
# expiry (Redis server time), so a slot held by a worker that died frees itself after the TTL.
_ACQUIRE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
    redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
    return 1
end
return 0
"""

_local_slots: dict[str, threading.BoundedSemaphore] = {}
_local_slots_lock = threading.Lock()


@lru_cache(maxsize=4)
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


@contextmanager
def host_slot(host: str, *, wait: float) -> Iterator[None]:
    """Hold one of the MAX_PER_HOST request slots for ``host`` (waiting up to ``wait`` seconds for one)."""
    host = host.lower()
    if settings.REDIS_URL:
        import redis

        client = _redis_client(settings.REDIS_URL)
        key = f"idlib:feeds:host-slots:{host}"
        token = secrets.token_hex(8)
        # A request never outlives the total timeout (the watchdog closes it), so the slot's TTL can be short.
        ttl = settings.FEEDS_TOTAL_TIMEOUT + 10
        deadline = time.monotonic() + wait
        try:
            while not client.eval(_ACQUIRE_SCRIPT, 1, key, MAX_PER_HOST, ttl, token):
                if time.monotonic() >= deadline:
                    raise TransientFetchError(f"{MAX_PER_HOST} requests to {host} already in flight; try later")
                time.sleep(0.05 + secrets.randbelow(50) / 1000)
        except redis.RedisError as exc:
            raise TransientFetchError(f"Redis unavailable for the per-host request limit: {exc}") from exc
        try:
            yield
        finally:
            # If Redis is gone now, the slot expires by itself after its TTL.
            with suppress(redis.RedisError):
                client.zrem(key, token)
    else:
        with _local_slots_lock:
            slot = _local_slots.setdefault(host, threading.BoundedSemaphore(MAX_PER_HOST))
        if not slot.acquire(timeout=wait):
            raise TransientFetchError(f"{MAX_PER_HOST} requests to {host} already in flight; try later")
        try:
            yield
        finally:
            slot.release()


# --- Connection pinned to a checked address ---------------------------------------------------------------------


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address we chose, while Host header, SNI and certificate use the host name."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        addresses: list[tuple[int, tuple]],
        connect_timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(host, port, timeout=connect_timeout)
        self._addresses = addresses
        self._tls = tls

    def connect(self) -> None:
        last_error: OSError | None = None
        for family, sockaddr in self._addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                last_error = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            self.sock = sock
            return
        assert last_error is not None
        raise last_error


class _Body:
    """Collects a response body, decoding gzip/deflate incrementally and refusing more than ``cap`` bytes."""

    def __init__(self, content_encoding: str, cap: int) -> None:
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.raw_size = 0
        encoding = content_encoding.strip().lower()
        self._deflate = encoding == "deflate"
        if encoding in ("", "identity"):
            self._inflater = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._deflate:
            self._inflater = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported Content-Encoding {content_encoding!r}")

    def _append(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise ResponseTooLargeError(f"feed is larger than the {self.cap} byte limit once decompressed")
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        self.raw_size += len(chunk)
        if self.raw_size > self.cap:
            raise ResponseTooLargeError(f"feed is larger than the {self.cap} byte limit")
        if self._inflater is None:
            self._append(chunk)
            return
        data = chunk
        while data:
            try:
                # Never ask for more than one byte past the cap: a bomb stops here, not in memory.
                out = self._inflater.decompress(data, self.cap - self.size + 1)
            except zlib.error as exc:
                if self._deflate and self.size == 0 and self.raw_size == len(chunk):
                    # Many servers send raw deflate without the zlib header the RFC asks for.
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._deflate = False
                    continue
                raise FetchError(f"corrupt compressed body: {exc}") from exc
            self._append(out)
            data = self._inflater.unconsumed_tail

    def result(self) -> bytes:
        if self._inflater is not None:
            self._append(self._inflater.flush(self.cap - self.size + 1))
        return b"".join(self.parts)


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _request(
    url: str, scheme: str, host: str, port: int, headers: dict[str, str], deadline: float
) -> tuple[int, str, http.client.HTTPMessage, bytes | None]:
    """One request/response on an address that passed the guard. Returns (status, reason, headers, body or None)."""
    addresses = resolve_allowed(host, port)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchTimeoutError(f"gave up on {url} after {settings.FEEDS_TOTAL_TIMEOUT} s")
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = _PinnedConnection(
        host,
        port,
        addresses=addresses,
        connect_timeout=min(settings.FEEDS_CONNECT_TIMEOUT, remaining),
        tls=_tls_context() if scheme == "https" else None,
    )
    timed_out = threading.Event()

    def watchdog() -> None:
        # Runs at the deadline: shutting the socket down wakes a read that is blocked or merely trickling.
        timed_out.set()
        sock = conn.sock
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(remaining, watchdog)
    timer.daemon = True
    timer.start()
    try:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        status, reason, response_headers = response.status, response.reason, response.headers
        if status in REDIRECT_STATUSES or status == 304 or status >= 400 or status < 200:
            return status, reason, response_headers, None
        declared = response_headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > settings.FEEDS_MAX_BYTES:
            raise ResponseTooLargeError(
                f"feed declares {declared} bytes, over the {settings.FEEDS_MAX_BYTES} byte limit"
            )
        body = _Body(response_headers.get("Content-Encoding", ""), settings.FEEDS_MAX_BYTES)
        while chunk := response.read1(READ_CHUNK):
            if timed_out.is_set():
                break
            body.feed(chunk)
        if timed_out.is_set():
            raise FetchTimeoutError(f"{url} did not finish within {settings.FEEDS_TOTAL_TIMEOUT} s")
        return status, reason, response_headers, body.result()
    except FetchError:
        raise
    except (TimeoutError, http.client.HTTPException, OSError) as exc:
        if timed_out.is_set() or isinstance(exc, TimeoutError):
            raise FetchTimeoutError(f"{url} did not answer in time ({type(exc).__name__})") from exc
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise FetchError(f"TLS certificate of {host} rejected: {exc.verify_message}") from exc
        raise TransientFetchError(f"connection to {host} failed: {exc or type(exc).__name__}") from exc
    finally:
        timer.cancel()
        conn.close()


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` (conditionally when ``etag`` / ``last_modified`` are given) within every limit above."""
    headers = {
        "User-Agent": settings.FEEDS_USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + settings.FEEDS_TOTAL_TIMEOUT
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = check_url(current)
        with host_slot(host, wait=max(0.0, deadline - time.monotonic())):
            status, reason, response_headers, body = _request(current, scheme, host, port, headers, deadline)
        if status in REDIRECT_STATUSES:
            location = response_headers.get("Location", "").strip()
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location from {current}")
            current = urljoin(current, location)
            continue
        if status == 304:
            return FetchResult(
                url=current,
                status=304,
                body=b"",
                etag=response_headers.get("ETag", "").strip() or etag,
                last_modified=response_headers.get("Last-Modified", "").strip() or last_modified,
                content_type="",
            )
        if status >= 300 or status < 200:
            raise HTTPStatusError(status, reason, current)
        assert body is not None
        return FetchResult(
            url=current,
            status=status,
            body=body,
            etag=response_headers.get("ETag", "").strip(),
            last_modified=response_headers.get("Last-Modified", "").strip(),
            content_type=response_headers.get("Content-Type", "").strip(),
        )
    raise TooManyRedirectsError(f"more than {MAX_REDIRECTS} redirects starting at {url}")
