"""Fixtures of the ingest tests: a real HTTP server on loopback, and settings that let our client reach it."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from tests.ingest.server import FeedServer


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def local_fetch(settings):
    """The test server is on 127.0.0.1, which the SSRF guard refuses unless told; timeouts short so that the
    timeout tests take seconds."""
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = True
    settings.FEEDS_CONNECT_TIMEOUT = 2
    settings.FEEDS_TOTAL_TIMEOUT = 3
    return settings


@pytest.fixture(autouse=True)
def _no_leftover_feed_locks():
    """Feed ids restart with each test database, and a test that dies mid-fetch leaves its feed lock and host slot
    until their TTL: clear ours (this Redis database's) so one test cannot make the next one skip."""
    if not django_settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(django_settings.REDIS_URL, socket_connect_timeout=2)
    try:
        for pattern in ("*idlib:feed-lock:*", "idlib:feeds:host-slots:*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)
    except redis.RedisError:
        pass  # no Redis here: the tests that need it skip through require()
