"""What the fault tests share: feeds served from a ThreadingHTTPServer on loopback that counts what it serves and
can stall mid-download, and real `celery worker` processes on the test database."""

from __future__ import annotations

import hashlib
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from tests import processes

# --- feeds ----------------------------------------------------------------------------------------------------


def rss(entries: list[tuple[str, str]], title: str = "Fault Wire") -> bytes:
    """An RSS 2.0 body with one item per (guid, headline)."""
    when = format_datetime(timezone.now())
    items = "".join(
        f"<item><title>{escape(headline)}</title><link>https://news.example.org/{escape(guid)}</link>"
        f"<guid isPermaLink=\"false\">{escape(guid)}</guid><pubDate>{when}</pubDate>"
        f"<description>{escape(headline)}: shelling near Saraqib, residents said.</description></item>"
        for guid, headline in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://news.example.org/</link><description>test</description>{items}</channel></rss>"
    ).encode()


def entries(prefix: str, start: int, stop: int) -> list[tuple[str, str]]:
    return [(f"{prefix}-{n}", f"Report {n} from {prefix}") for n in range(start, stop)]


@dataclass
class Route:
    body: bytes
    # The first `stall` GETs send the headers and a first chunk, then stall (dripping a byte now and then)
    # until the connection dies or `release` is set: a download the test can kill mid-way.
    stall: int = 0
    etag: str = ""
    full: int = 0  # 200 responses that sent the whole body
    not_modified: int = 0  # 304 answers to a conditional GET
    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    client_ports: list[int] = field(default_factory=list)
    request_times: list[float] = field(default_factory=list)  # wall-clock time.time() of each GET

    def set_body(self, body: bytes) -> None:
        self.body = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                with server.lock:
                    route.client_ports.append(self.client_address[1])
                    route.request_times.append(time.time())
                    stall = route.stall > 0
                    if stall:
                        route.stall -= 1
                    if route.etag and self.headers.get("If-None-Match") == route.etag and not stall:
                        route.not_modified += 1
                        self.send_response(304)
                        self.send_header("ETag", route.etag)
                        self.end_headers()
                        return
                body = route.body
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.end_headers()
                try:
                    if stall:
                        self.wfile.write(body[:200])
                        self.wfile.flush()
                        route.started.set()
                        sent = 200
                        while not route.release.wait(0.2) and sent < len(body) - 1:
                            self.wfile.write(body[sent : sent + 1])  # raises once the client is gone
                            self.wfile.flush()
                            sent += 1
                        self.wfile.write(body[sent:])
                    else:
                        self.wfile.write(body)
                        with server.lock:
                            route.full += 1
                except OSError:
                    pass  # the client died mid-download: that is the point of a stalled route

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, body: bytes, **options) -> Route:
        route = Route(body=b"", **options)
        route.set_body(body)
        self.routes[path] = route
        return route

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


# --- the worker -----------------------------------------------------------------------------------------------


def worker_env(redis_url: str | None = None, **extra: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": processes.database_url(),
        "REDIS_URL": redis_url or settings.REDIS_URL,
        # The feeds are served on loopback, which the SSRF guard refuses otherwise.
        "FEEDS_ALLOW_PRIVATE_HOSTS": "1",
        **extra,
    }


@dataclass
class Worker:
    proc: subprocess.Popen
    log: Path
    queue: str

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def start_worker(tmp_path: Path, queue: str, *, concurrency: int = 2, name: str = "w1", **env: str) -> Worker:
    log = tmp_path / f"worker-{name}-{uuid.uuid4().hex[:6]}.log"
    proc = processes.start_celery_worker(queue, log, worker_env(**env), concurrency=concurrency, name=name)
    return Worker(proc, log, queue)


def pid_with_connection_from(local_port: int, candidates: list[int]) -> int | None:
    """Which of ``candidates`` owns the TCP socket whose local port is ``local_port`` (read from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inodes.add(fields[9])
    for pid in candidates:
        fd_dir = Path(f"/proc/{pid}/fd")
        try:
            links = {str(fd.readlink()) for fd in fd_dir.iterdir()}
        except (FileNotFoundError, PermissionError):
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            return pid
    return None


def wait_for(predicate, timeout: float, what: str):
    return processes.wait_until(predicate, timeout, what, interval=0.2)


def elapsed(since: float) -> float:
    return time.monotonic() - since
