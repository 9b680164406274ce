"""Child processes for tests and benchmarks: gunicorn, celery, redis-server, each in its own process group.

Every process started here must be stopped by the caller (a `finally` or a fixture's teardown) through `stop()`,
which signals its whole group, so a run that fails half-way leaves no worker children behind.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
PYTHON = sys.executable


def database_url(db: dict) -> str:
    """A DATABASES entry (PostgreSQL) as a DATABASE_URL for a child process."""
    if not db["ENGINE"].endswith("postgresql"):
        raise ValueError("child processes can share the database only on PostgreSQL")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def start(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``cmd`` from the repository root with stdout+stderr to ``log``, in a new process group."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    handle = log.open("ab")
    try:
        return subprocess.Popen(
            cmd, cwd=REPO, env=full_env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    finally:
        handle.close()


def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to the process and every child in its group (a worker and its pool, gunicorn and its workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    if proc.poll() is None:
        kill(proc, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    # Children that outlived their parent (or ignored SIGTERM) go too.
    kill(proc, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def collect_static(target: Path) -> Path:
    """collectstatic as the image build runs it: DEBUG off, hashed and compressed names, into ``target``."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_ROOT": str(target),
        # Settings insist on a strong key even for collectstatic; this one signs nothing.
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "collectstatic-only-" + "k" * 50,
    }
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=REPO, env=env, check=True, timeout=300
    )
    return target


def _ready(proc: subprocess.Popen, log: Path, ready: Callable[[], bool], what: str) -> subprocess.Popen:
    """Wait (up to a minute) until ``ready()``; a process that exits or never gets there is stopped and reported."""
    try:
        wait_until(lambda: ready() or proc.poll() is not None, 60, what)
    except TimeoutError:
        stop(proc)
        raise
    if proc.poll() is not None:
        raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
    return proc


def start_gunicorn(port: int, log: Path, env: dict[str, str], workers: int = 2) -> subprocess.Popen:
    """The site as production runs it (gunicorn with the project's config), on loopback, ready to answer."""
    proc = start(
        [
            PYTHON, "-m", "gunicorn", "idlib_tracker.wsgi:application",
            "--config", "python:idlib_tracker.gunicorn_conf",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        ],
        log,
        env,
    )
    return _ready(proc, log, lambda: port_open(port), f"gunicorn on port {port}")


def request(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, bytes]:
    """GET over loopback as our TLS proxy would forward it; returns (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "GET", path, headers=headers or {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_celery_worker(queue: str, log: Path, env: dict[str, str], concurrency: int = 2, name: str = "w") -> (
    subprocess.Popen
):
    """`celery -A idlib_tracker worker` (prefork, as in docker-compose.yml) on ``queue`` only, ready to consume."""
    proc = start(
        [
            PYTHON, "-m", "celery", "-A", "idlib_tracker", "worker", "--loglevel", "INFO",
            "--pool", "prefork", "--concurrency", str(concurrency), "--queues", queue,
            "--hostname", f"{name}-{os.getpid()}-{free_port()}@%h", "--without-gossip", "--without-mingle",
        ],
        log,
        env,
    )
    return _ready(proc, log, lambda: " ready." in log.read_text(errors="replace"), "the celery worker")


def delete_queue(redis_url: str, queue: str) -> None:
    """Remove a queue of our own from the broker: its messages and kombu's binding records of it."""
    import redis

    redis.Redis.from_url(redis_url).delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
