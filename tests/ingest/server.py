"""A real HTTP server on 127.0.0.1 for the ingest tests: each path answers the way a feed host can misbehave.

Routes are small functions of the request handler; helpers below build the usual ones (a feed honouring ETag and
Last-Modified, an error status, a redirect, a server that stalls or drips, an endless body, gzip and a gzip bomb).
Every request is recorded (path and headers) so tests can assert what our client sent.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Respond = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class Counter:
    """Shared state of a route: bytes it managed to send, requests in flight at once."""

    sent: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Respond] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                respond = server.routes.get(self.path.split("?", 1)[0])
                try:
                    if respond is None:
                        send(self, 404, b"not found")
                    else:
                        respond(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeouts, size caps): what several tests want
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path.split("?", 1)[0] == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
    handler.send_response(status)
    headers = {"Content-Type": "application/rss+xml; charset=utf-8", **(headers or {})}
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


# --- Route builders -------------------------------------------------------------------------------------------


def feed(body: bytes, *, etag: str = "", last_modified: str = "", content_type: str = "") -> Respond:
    """A feed that answers conditional GETs with 304 when its validator matches, like a well-behaved server."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if (etag and handler.headers.get("If-None-Match") == etag) or (
            last_modified and not etag and handler.headers.get("If-Modified-Since") == last_modified
        ):
            send(handler, 304, headers={**headers, "Content-Length": "0"})
            return
        send(handler, 200, body, headers)

    return respond


def status(code: int, body: bytes = b"error") -> Respond:
    return lambda handler: send(handler, code, body, {"Content-Type": "text/plain"})


def redirect(location: str, code: int = 302, before: Callable[[], None] | None = None) -> Respond:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        if before is not None:
            before()
        send(handler, code, b"", {"Location": location})

    return respond


def stall(seconds: float) -> Respond:
    """Accept the connection, then say nothing for ``seconds``."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(handler, 200, b"<rss version='2.0'><channel></channel></rss>")

    return respond


def drip(body: bytes, every: float, counter: Counter) -> Respond:
    """Headers at once, then the body one byte every ``every`` seconds: each read is quick, the whole is not."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for i in range(len(body)):
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()
            counter.sent += 1
            time.sleep(every)

    return respond


def endless(counter: Counter, chunk: bytes = b"<!-- padding -->" * 4096, declare: int | None = None) -> Respond:
    """A body that never ends (no Content-Length unless ``declare``): a client must cut it off itself."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if declare is not None:
            handler.send_header("Content-Length", str(declare))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b"<?xml version='1.0'?><rss version='2.0'><channel>")
        for _ in range(100_000):  # 6.5 GB at most; the client hangs up long before
            handler.wfile.write(chunk)
            counter.sent += len(chunk)

    return respond


def compressed(body: bytes, encoding: str = "gzip") -> Respond:
    """``encoding``: gzip, deflate (zlib-wrapped, as the RFC says) or raw-deflate (what many servers send)."""
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "deflate":
        data = zlib.compress(body)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = packer.compress(body) + packer.flush()
    header = "gzip" if encoding == "gzip" else "deflate"
    return lambda handler: send(handler, 200, data, {"Content-Encoding": header})


def gzip_bomb(decompressed_size: int) -> Respond:
    """A few kB on the wire that inflate to ``decompressed_size`` bytes of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    data = b"".join(packer.compress(block) for _ in range(decompressed_size // len(block))) + packer.flush()
    return lambda handler: send(handler, 200, data, {"Content-Encoding": "gzip"})


def slow_ok(body: bytes, seconds: float, counter: Counter) -> Respond:
    """Counts requests in flight at once (for the per-host limit), answering after ``seconds``."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        with counter.lock:
            counter.in_flight += 1
            counter.max_in_flight = max(counter.max_in_flight, counter.in_flight)
        try:
            time.sleep(seconds)
            send(handler, 200, body)
        finally:
            with counter.lock:
                counter.in_flight -= 1

    return respond
