"""Shared test helpers: real services or an honest skip (a failure under REQUIRE_SERVICES=1, as in CI)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

SEEDS_DIR = settings.BASE_DIR.parent / "shared" / "seeds"
FOUNDING_ARTICLE = SEEDS_DIR / "000_e01989f6dcc42816.txt"
SHARED_DIR = settings.BASE_DIR.parent / "shared"


def require(condition: bool, why: str) -> None:
    """Skip when a service or file is missing, except under REQUIRE_SERVICES=1 where it is a failure."""
    if condition:
        return
    if settings.REQUIRE_SERVICES or os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing under REQUIRE_SERVICES=1: {why}")
    pytest.skip(why)


@pytest.fixture
def postgres(db):
    """Tests of PostgreSQL-only behaviour (full-text search, concurrent writers)."""
    from django.db import connection

    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
    return connection


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = settings.REDIS_URL
    require(bool(url), "needs Redis: set REDIS_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def eager_tasks():
    """The embedded configuration (no REDIS_URL) runs tasks in-process: switch the Celery app to it for one test,
    so what a request enqueues on commit runs right there, whatever the set-up."""
    from idlib_tracker.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def founding_article_text() -> str:
    require(FOUNDING_ARTICLE.exists(), f"{FOUNDING_ARTICLE} is missing (../shared beside the checkout)")
    return FOUNDING_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def celery_worker(transactional_db, redis_url, tmp_path):
    """A real `celery -A idlib_tracker worker` (prefork, two pool processes) on the test database and the tests'
    Redis, consuming the default queue (emptied first, so only this test's tasks run), ready on return and stopped
    (its whole process group) at teardown.

    The worker is another process: it sees committed rows only (hence transactional_db), and it may fetch feeds
    served on loopback (FEEDS_ALLOW_PRIVATE_HOSTS=1). Enqueue with `task.delay(...)`. For fault tests the fixture
    gives the process (`.proc`, `.proc.pid`), its pool processes (`.children()`) and its log (`.log_text()`).
    """
    import redis
    from django.db import connection

    from idlib_tracker.celery import app
    from tests import processes
    from tests.faults.support import start_worker

    require(connection.vendor == "postgresql", "a worker process shares the test database only on PostgreSQL")
    queue = app.conf.task_default_queue
    broker = redis.Redis.from_url(redis_url)
    broker.delete(queue)
    worker = start_worker(tmp_path, queue, concurrency=2, name="celery-worker")
    yield worker
    processes.stop(worker.proc)
    broker.delete(queue)


@pytest.fixture(autouse=True)
def _fresh_record_version():
    """Each test starts on a new record version: factories write with bulk_create (no signals), so a page cached by
    an earlier test (the cache outlives a test's rolled-back transaction) would otherwise be served to this one."""
    from events.freshness import record_changed, reference_changed

    reference_changed()
    record_changed()
