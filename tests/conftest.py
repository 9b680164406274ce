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


@pytest.fixture(scope="session")
def founding_article_text() -> str:
    require(FOUNDING_ARTICLE.exists(), f"{FOUNDING_ARTICLE} is missing (../shared beside the checkout)")
    return FOUNDING_ARTICLE.read_text(encoding="utf-8")
