"""Fault tests on real services: real `celery worker` (and gunicorn) child processes on the test database, feeds
served on loopback (see support.py)."""

from __future__ import annotations

import uuid

import pytest

from tests import processes
from tests.conftest import require
from tests.faults.support import FeedServer, Worker, start_worker
from tests.processes import collected_static  # noqa: F401  (fixture)


@pytest.fixture
def live_db(transactional_db):
    """Committed rows, visible to the worker and server processes (PostgreSQL only)."""
    from django.db import connection

    require(connection.vendor == "postgresql", "child processes share the test database only on PostgreSQL")
    return connection


@pytest.fixture
def feed_server():
    server = FeedServer()
    server.thread.start()
    yield server
    for route in server.routes.values():
        route.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def workers(tmp_path, queue):
    """Start workers with `workers.start(queue, ...)`; all are stopped (their whole process group) afterwards.

    (It asks for `queue` so that the workers are stopped before the queue is deleted: a worker's warm shutdown
    puts the messages it had prefetched back.)"""
    started: list[Worker] = []

    class Starter:
        def start(self, queue: str, **options) -> Worker:
            worker = start_worker(tmp_path, queue, **options)
            started.append(worker)
            return worker

    yield Starter()
    for worker in started:
        processes.stop(worker.proc)


@pytest.fixture(autouse=True)
def _no_leftover_locks(redis_url):
    """Feed ids restart at 1 in every test database, and a test that kills a worker leaves its feed lock and host
    slot behind for their TTL: clear them so one test's deliberate crash cannot make the next one skip."""
    import redis

    client = redis.Redis.from_url(redis_url)

    def clear() -> None:
        for pattern in ("*idlib:feed-lock:*", "idlib:feeds:host-slots:*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)

    clear()
    yield
    clear()


@pytest.fixture
def queue(redis_url):
    """A queue of this test's own, so nothing left over from another test (or run) is delivered to its workers."""
    name = f"faults-{uuid.uuid4().hex[:8]}"
    yield name
    processes.delete_queue(redis_url, name)


