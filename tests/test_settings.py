"""Settings come from the environment, strictly: each case starts a fresh Python process the way a deployment
would, so what is checked is start-up itself, not a settings object already loaded by the test run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

SETUP = "import django; django.setup()"
# Every variable settings.py reads that could leak in from the developer's shell or CI.
_OURS = ("DJANGO_", "DATABASE_", "REDIS_URL", "TIME_ZONE", "CELERY_", "AXES_", "EMAIL_", "FEEDS_", "SITE_")
GOOD_KEY = "k" * 20 + "-settings-test-" + "x" * 30


def _start(code: str = SETUP, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    clean.update({"DJANGO_SETTINGS_MODULE": "idlib_tracker.settings", "DJANGO_SECRET_KEY": GOOD_KEY, **env})
    clean = {k: v for k, v in clean.items() if v is not None and v != "<unset>"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be a URL with scheme postgres or postgresql or sqlite"),
        ({"REDIS_URL": "amqp://guest@localhost//"}, "REDIS_URL must be a URL with scheme redis or rediss"),
        ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE='Mars/Base' is not an IANA time zone"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "<unset>"}, "DJANGO_SECRET_KEY is not set"),
        ({"FEEDS_MAX_BYTES": "lots"}, "FEEDS_MAX_BYTES='lots' is not a whole number"),
    ],
)
def test_a_bad_variable_stops_start_up_with_a_message_naming_it(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_the_same_process_starts_when_the_values_are_good():
    result = _start(DJANGO_DEBUG="0", TIME_ZONE="Asia/Damascus", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr


CELERY_MODE = (
    SETUP + "; from django.conf import settings; from idlib_tracker.celery import app; "
    "print(app.conf.task_always_eager, app.conf.broker_url, settings.CACHES['default']['BACKEND'])"
)


def test_without_redis_url_tasks_run_eagerly_in_process():
    result = _start(CELERY_MODE, REDIS_URL="<unset>")
    assert result.returncode == 0, result.stderr
    eager, broker, cache = result.stdout.splitlines()[-1].split()
    assert (eager, broker) == ("True", "memory://")
    assert cache.endswith("LocMemCache")


def test_with_redis_url_tasks_go_to_the_real_broker():
    result = _start(CELERY_MODE, REDIS_URL="redis://127.0.0.1:6379/7")
    assert result.returncode == 0, result.stderr
    eager, broker, cache = result.stdout.splitlines()[-1].split()
    assert (eager, broker) == ("False", "redis://127.0.0.1:6379/7")
    assert cache.endswith("RedisCache")
