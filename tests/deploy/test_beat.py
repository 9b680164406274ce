"""Beat runs the schedule exactly once, even with a second `celery beat` started by mistake (real Redis)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import redis

from idlib_tracker.beat import LockedScheduler, check
from tests import processes

pytestmark = pytest.mark.services


@pytest.fixture
def beat_env(redis_url, tmp_path):
    client = redis.Redis.from_url(redis_url)
    run = uuid.uuid4().hex[:8]
    env = {"BEAT_TEST_QUEUE": f"beat-test-{run}", "BEAT_TEST_LOCK_KEY": f"beat-test-lock-{run}"}
    yield client, env
    client.delete(env["BEAT_TEST_LOCK_KEY"], env["BEAT_TEST_LOCK_KEY"] + ":last-run")
    processes.delete_queue(redis_url, env["BEAT_TEST_QUEUE"])


def _start_beat(env: dict[str, str], log):
    return processes.start(
        [
            processes.PYTHON, "-m", "celery", "-A", "tests.deploy.beat_app", "beat",
            "--scheduler", "idlib_tracker.beat:LockedScheduler", "--loglevel", "INFO",
        ],
        log,
        env,
    )


def _sent_in(client: redis.Redis, queue: str, seconds: float) -> int:
    before = client.llen(queue)
    time.sleep(seconds)
    return client.llen(queue) - before


def test_second_beat_does_not_double_the_schedule_and_takes_over_when_the_first_dies(beat_env, redis_url, tmp_path):
    client, env = beat_env
    queue, lock_key = env["BEAT_TEST_QUEUE"], env["BEAT_TEST_LOCK_KEY"]
    first = _start_beat(env, tmp_path / "beat1.log")
    second = None
    try:
        processes.wait_until(lambda: client.llen(queue) >= 1, 30, "the first beat to send its 1 s schedule")
        holder = client.get(lock_key)
        second = _start_beat(env, tmp_path / "beat2.log")
        processes.wait_until(
            lambda: b"beat: Starting" in (tmp_path / "beat2.log").read_bytes(), 30, "the second beat to start"
        )
        time.sleep(1)

        # One entry every second: two beats sending would put ~16 messages in 8 s.
        window = 8
        sent = _sent_in(client, queue, window)
        assert window - 3 <= sent <= window + 1, f"{sent} tasks in {window}s from a 1 s schedule"
        assert client.get(lock_key) == holder, "the lock changed hands while its holder was alive"
        assert second.poll() is None, "the standby beat exited instead of standing by"
        # The compose health check's test: some beat holds the lock.
        assert check(redis_url, lock_key)

        # The holder dies without releasing the lock: the standby takes over once the 3 s TTL has run out.
        processes.kill(first)
        first.wait(timeout=10)
        processes.wait_until(lambda: client.get(lock_key) not in (None, holder), 15, "the standby to take the lock")
        sent = _sent_in(client, queue, window)
        assert window - 3 <= sent <= window + 1, f"after the takeover {sent} tasks in {window}s"
        assert b"holds the schedule lock" in (tmp_path / "beat2.log").read_bytes()
    finally:
        processes.stop(first)
        if second is not None:
            processes.stop(second)
    # A clean stop hands the lock back at once rather than leaving it to expire.
    assert not check(redis_url, lock_key)


def _scheduler(redis_url: str, env: dict[str, str], every: timedelta):
    from celery import Celery

    app = Celery("beat-state-test", broker=redis_url)
    app.conf.beat_lock_key = env["BEAT_TEST_LOCK_KEY"]
    app.conf.beat_lock_ttl = 3
    app.conf.beat_schedule = {
        "weekly-ish": {"task": "beat_test.weekly", "schedule": every, "options": {"queue": env["BEAT_TEST_QUEUE"]}}
    }
    return LockedScheduler(app=app)


def test_a_beat_that_takes_over_continues_the_schedule_instead_of_running_it_again(beat_env, redis_url):
    """The last run is shared in Redis: a new holder does not re-send what the old one sent an hour ago."""
    client, env = beat_env
    queue, state_key = env["BEAT_TEST_QUEUE"], env["BEAT_TEST_LOCK_KEY"] + ":last-run"
    every = timedelta(hours=2)

    old = _scheduler(redis_url, env, every)
    old.schedule["weekly-ish"].last_run_at -= every  # due now
    old.tick()
    assert client.llen(queue) == 1
    assert client.hexists(state_key, "weekly-ish")
    old.close()  # releases the lock

    # A fresh process (its own in-memory entries say "never ran", i.e. due from its start) takes over.
    new = _scheduler(redis_url, env, every)
    new.schedule["weekly-ish"].last_run_at -= every
    new.tick()
    new.tick()
    assert client.llen(queue) == 1, "the new holder re-sent an entry the old holder had just sent"
    new.close()

    # Once the stored last run is older than the interval it is due again, exactly once.
    ran = new.app.now() - every - timedelta(minutes=1)
    client.hset(state_key, "weekly-ish", ran.isoformat())
    third = _scheduler(redis_url, env, every)
    third.tick()
    third.tick()
    assert client.llen(queue) == 2
    third.close()


def test_a_standby_scheduler_sends_nothing_while_another_holds_the_lock(beat_env, redis_url):
    client, env = beat_env
    queue = env["BEAT_TEST_QUEUE"]
    holder = _scheduler(redis_url, env, timedelta(seconds=1))
    standby = _scheduler(redis_url, env, timedelta(seconds=1))
    for scheduler in (holder, standby):
        scheduler.schedule["weekly-ish"].last_run_at -= timedelta(hours=1)
    try:
        holder.tick()
        assert client.llen(queue) == 1
        assert standby.tick() == pytest.approx(1.0), "a standby should poll the lock every TTL/3 seconds"
        assert client.llen(queue) == 1
    finally:
        holder.close()
        standby.close()
