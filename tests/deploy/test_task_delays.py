"""Task delays stay below the broker's visibility timeout, or Redis runs the task twice."""

from __future__ import annotations

import json
import uuid

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from idlib_tracker.celery import app
from idlib_tracker.checks import check_task_delays, longest_retry_delay
from idlib_tracker.childprocs import delete_queue
from idlib_tracker.tasks_base import DelayTooLong


def test_every_registered_task_retries_and_runs_within_the_visibility_timeout():
    assert check_task_delays(None) == []
    # The check really looked at the project's tasks, the retrying ones included.
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "events.tasks.send_summary_emails" in tasks
    retrying = [t for t in tasks.values() if getattr(t, "autoretry_for", None)]
    assert retrying and all(0 < longest_retry_delay(t) < settings.CELERY_BROKER_VISIBILITY_TIMEOUT for t in retrying)


def test_a_retry_cap_past_the_visibility_timeout_fails_the_system_check():
    name = f"tests.too_patient_{uuid.uuid4().hex[:6]}"

    @app.task(name=name, autoretry_for=(OSError,), retry_backoff=True)  # Celery's default cap: 600 s
    def too_patient() -> None:
        pass

    try:
        errors = check_task_delays(None)
        assert [e.id for e in errors] == ["idlib_tracker.E001"]
        assert name in errors[0].msg and "600s" in errors[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check")
    finally:
        del app.tasks[name]


@pytest.fixture
def queue(redis_url):
    assert not app.conf.task_always_eager  # with REDIS_URL set, tasks go to the broker
    name = f"delay-test-{uuid.uuid4().hex[:8]}"  # a queue no worker reads, to look at what was published
    yield name
    delete_queue(redis_url, name)


def test_a_countdown_past_the_visibility_timeout_is_refused_at_the_call(queue, redis_url):
    task = app.tasks["events.tasks.send_summary_emails"]
    limit = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    with pytest.raises(DelayTooLong, match="CELERY_BROKER_VISIBILITY_TIMEOUT"):
        task.apply_async((1,), countdown=limit, queue=queue)
    client = redis.Redis.from_url(redis_url)
    assert client.llen(queue) == 0, "the refused task was published anyway"

    # Just below the limit it is published, with its ETA, on the real broker.
    task.apply_async((1,), countdown=limit - 30, queue=queue)
    assert client.llen(queue) == 1
    message = json.loads(client.lindex(queue, 0))
    assert message["headers"]["task"] == "events.tasks.send_summary_emails"
    assert message["headers"]["eta"] is not None
