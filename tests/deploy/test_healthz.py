"""/healthz for load balancers: 200 when PostgreSQL and Redis answer, 503 naming the part that does not, and
nothing a stranger could use (no error text, no host names, no ports)."""

from __future__ import annotations

import json

import pytest

from tests import processes
from tests.conftest import require

pytestmark = pytest.mark.services


def test_healthy_when_database_and_broker_answer(client, postgres, redis_url):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failing": []}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_is_named_without_details(client, postgres, redis_url, settings):
    closed = processes.free_port()  # nothing listens there: a real refused connection
    settings.REDIS_URL = f"redis://127.0.0.1:{closed}/0"
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 503
    body = response.content.decode()
    assert json.loads(body) == {"status": "unavailable", "failing": ["broker"]}
    for leak in ("127.0.0.1", str(closed), "refused", "Error", "redis://"):
        assert leak not in body


def test_unreachable_database_is_named_without_details(client, transactional_db, redis_url):
    """The live-database case (a stopped PostgreSQL) is in tests/faults; here a closed port stands in for it."""
    from django.db import connections

    conn = connections["default"]
    require(conn.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
    closed = processes.free_port()
    original = conn.settings_dict["PORT"]
    conn.close()
    conn.settings_dict["PORT"] = str(closed)
    try:
        response = client.get("/healthz")
    finally:
        conn.close()
        conn.settings_dict["PORT"] = original
    assert response.status_code == 503
    body = response.content.decode()
    assert json.loads(body) == {"status": "unavailable", "failing": ["database"]}
    for leak in (str(closed), "127.0.0.1", "could not connect", "OperationalError"):
        assert leak not in body
