"""Redis and PostgreSQL going away under a running site and worker. Each test runs its own throwaway Redis or
PostgreSQL server (never the shared ones on 6379/5432, which other test runs use), a real gunicorn and worker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from events.models import Article, Feed
from events.tasks import fetch_feed
from idlib_tracker.celery import app
from tests import processes
from tests.conftest import require
from tests.factories import world
from tests.faults.support import entries, rss, wait_for

pytestmark = pytest.mark.services

PG_BIN = Path("/usr/lib/postgresql/15/bin")


# --- Redis ------------------------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own on a free port, stopped and started again on the same port."""

    def __init__(self, tmp_path: Path) -> None:
        require(shutil.which("redis-server") is not None, "needs redis-server on PATH")
        self.port = processes.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = tmp_path / "redis.log"
        self.proc = None

    def start(self) -> None:
        self.proc = processes.start(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            self.log,
        )
        wait_for(lambda: processes.port_open(self.port), 20, "redis-server to listen")

    def stop(self) -> None:
        if self.proc is not None:
            processes.stop(self.proc)
            wait_for(lambda: not processes.port_open(self.port), 20, "redis-server to stop")


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _enqueue(broker_url: str, feed_id: int, queue: str) -> None:
    with app.connection_for_write(broker_url) as conn:
        fetch_feed.apply_async((feed_id,), queue=queue, connection=conn)


def test_redis_stopped_pages_keep_serving_healthz_names_the_broker_and_the_worker_recovers_by_itself(
    live_db, feed_server, workers, private_redis, collected_static, tmp_path
):
    world(events=5)
    queue = "faults-redis"
    route = feed_server.add("/redis.xml", rss(entries("redis", 0, 5)))
    feed = Feed.objects.create(name="Redis Wire", url=feed_server.url("/redis.xml"))
    worker = workers.start(queue, concurrency=1, redis_url=private_redis.url)
    port = processes.free_port()
    web = processes.start_gunicorn(
        port, tmp_path / "gunicorn.log", processes.production_env(collected_static, REDIS_URL=private_redis.url)
    )
    try:
        _enqueue(private_redis.url, feed.id, queue)
        wait_for(lambda: Article.objects.filter(feed=feed).count() == 5, 60, "the first fetch")

        private_redis.stop()
        # A filtered export streams from the database (the whole record is a file a worker writes: 302 to it).
        for path in ("/", "/timeline/", "/map/", "/api/events.geojson", "/api/events.csv?from=2000-01-01"):
            status, _ = processes.request(port, path)
            assert status == 200, f"{path} answered {status} with Redis down"
        status, body = processes.request(port, "/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "unavailable", "failing": ["broker"]}

        # Same port, empty data: the worker that lost its broker must reconnect by itself, not be restarted.
        time.sleep(2)
        private_redis.start()
        wait_for(lambda: processes.request(port, "/healthz")[0] == 200, 30, "healthz to recover")
        route.set_body(rss(entries("redis", 0, 9)))
        _enqueue(private_redis.url, feed.id, queue)
        wait_for(lambda: Article.objects.filter(feed=feed).count() == 9, 90, "the worker to ingest again")
        assert worker.proc.poll() is None, "the worker died instead of reconnecting"
        assert "Connection to broker lost" in worker.log_text()
        guids = list(Article.objects.filter(feed=feed).values_list("guid", flat=True))
        assert sorted(guids) == sorted(g for g, _ in entries("redis", 0, 9))
    finally:
        processes.stop(web)


# --- PostgreSQL -------------------------------------------------------------------------------------------------


class PrivateCluster:
    """A throwaway PostgreSQL 15 cluster (initdb into a temporary folder, run as the postgres OS user)."""

    def __init__(self) -> None:
        require((PG_BIN / "initdb").exists(), f"needs PostgreSQL 15 server binaries in {PG_BIN}")
        require(shutil.which("runuser") is not None and os.geteuid() == 0, "needs root to run initdb as postgres")
        self.dir = Path(tempfile.mkdtemp(prefix="idlib-fault-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = processes.free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/idlib_fault"

    def _as_postgres(self, *cmd: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--no-sync")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.dir / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def copy_database(self, source_url: str) -> None:
        """The test database (schema and rows) into this cluster, faster than running the migrations."""
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc",
                        "CREATE DATABASE idlib_fault"], check=True, capture_output=True)
        dump = subprocess.run(["pg_dump", "--no-owner", source_url], check=True, capture_output=True)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url], input=dump.stdout, check=True,
                       capture_output=True)

    def destroy(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_cluster():
    cluster = PrivateCluster()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.destroy()


def test_postgresql_restarted_under_load_fails_requests_cleanly_then_recovers(
    live_db, private_cluster, collected_static, tmp_path
):
    world(events=40)
    private_cluster.copy_database(processes.database_url())
    port = processes.free_port()
    env = processes.production_env(collected_static, DATABASE_URL=private_cluster.url)
    web = processes.start_gunicorn(port, tmp_path / "gunicorn.log", env)
    paths = ["/timeline/", "/api/events.geojson", "/healthz", "/"]
    results: list[tuple[float, float, str, int | str, bytes]] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        n = offset
        while not stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            started = time.monotonic()
            try:
                status, body = processes.request(port, path, timeout=20)
            except Exception as exc:  # a hang or a dropped connection is what this test is about
                status, body = type(exc).__name__, b""
            results.append((started, time.monotonic(), path, status, body))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for path in paths:  # both gunicorn workers loaded and connected before the clock starts
        assert processes.request(port, path)[0] == 200
        assert processes.request(port, path)[0] == 200
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        down_at = time.monotonic()
        private_cluster.stop()
        time.sleep(2)
        private_cluster.start()
        up_at = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        processes.stop(web)

    assert all(not t.is_alive() for t in threads), "a client hung"
    before = [r for r in results if r[1] < down_at]
    during = [r for r in results if down_at <= r[0] and r[1] <= up_at]
    after = [r for r in results if r[0] > up_at + 1]
    assert before and all(r[3] == 200 for r in before), [(r[2], r[3]) for r in before if r[3] != 200]
    # Every request got an HTTP answer, quickly: no hang, no dropped connection, no gunicorn worker timeout.
    assert all(isinstance(r[3], int) for r in results), {r[3] for r in results if not isinstance(r[3], int)}
    assert max(r[1] - r[0] for r in results) < 10
    failed = [r for r in during if r[3] != 200]
    assert failed, "no request saw the database down: the test did not exercise the fault"
    for _start, _end, path, status, body in failed:
        assert status in (500, 503), f"{path} answered {status} while the database was down"
        assert b"Traceback" not in body
        if path == "/healthz":
            assert json.loads(body) == {"status": "unavailable", "failing": ["database"]}
        else:
            assert b"try again shortly" in body, "the error page is not the site's own"
    # Persistent connections are health-checked: the first requests after the restart already succeed.
    assert after and all(r[3] == 200 for r in after), [(r[2], r[3]) for r in after if r[3] != 200]
