"""Child processes for the deploy and fault tests (see idlib_tracker.childprocs), on the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from idlib_tracker import childprocs
from idlib_tracker.childprocs import (  # noqa: F401  (the tests use them as processes.<name>)
    PYTHON,
    REPO,
    collect_static,
    delete_queue,
    free_port,
    kill,
    port_open,
    request,
    start,
    start_celery_worker,
    start_gunicorn,
    stop,
    wait_until,
)


def database_url() -> str:
    """The URL of the database the tests run on (pytest-django's test_ database), for child processes."""
    return childprocs.database_url(settings.DATABASES["default"])


def production_env(static_root: Path, **extra: str) -> dict[str, str]:
    """Environment of a production-mode child process on the test database and the tests' Redis."""
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org,127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        **extra,
    }


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected once per test session, as the image build does, for production-mode processes."""
    return collect_static(tmp_path_factory.mktemp("static"))
