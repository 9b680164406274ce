"""A beat scheduler that refuses to double the schedule when a second `celery beat` is started by mistake.

Each beat process takes a lock in Redis (SET NX with a TTL) and renews it on every tick; only the holder sends
tasks. Another beat (a second `docker compose up`, `--scale beat=2`, an operator's shell) sees the lock taken and
stands by, checking every few seconds, and takes over within the lock's TTL if the holder dies.

When the entries last ran is kept in Redis too (a hash written after each send), so a beat that takes over, or
restarts, continues the schedule where the previous holder left it instead of firing everything again: the Monday
summary is not sent twice because a standby started on Sunday. That also makes a schedule file unnecessary.

Usage: ``celery -A idlib_tracker beat --scheduler idlib_tracker.beat:LockedScheduler``.
Health check: ``python -m idlib_tracker.beat check`` exits 0 while some beat holds the lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
from datetime import datetime
from typing import Any

import redis
from celery.beat import ScheduleEntry, Scheduler
from redis.exceptions import LockError

logger = logging.getLogger(__name__)

DEFAULT_LOCK_KEY = "idlib:beat:lock"
# Renewed every TTL/3 seconds: a holder may miss two renewals (a slow Redis, a long GC) before a standby takes
# over, and a dead holder is replaced within this many seconds.
DEFAULT_LOCK_TTL = 30.0


class LockedScheduler(Scheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._redis: redis.Redis | None = None
        self._lock: Any = None
        self._holding = False
        super().__init__(*args, **kwargs)
        conf = self.app.conf
        self.lock_ttl = float(conf.get("beat_lock_ttl") or DEFAULT_LOCK_TTL)
        self.lock_key = conf.get("beat_lock_key") or DEFAULT_LOCK_KEY
        self.state_key = f"{self.lock_key}:last-run"
        broker_url = conf.broker_url or ""
        if broker_url.startswith(("redis://", "rediss://")):
            self._redis = redis.Redis.from_url(broker_url, socket_connect_timeout=5, socket_timeout=5)
            self._lock = self._redis.lock(
                self.lock_key, timeout=self.lock_ttl, blocking=False, thread_local=False
            )
        else:
            # Eager/in-memory development mode has no shared store and, by construction, one process.
            logger.warning("beat lock disabled: the broker %s is not Redis", broker_url.split("://")[0])
        self.identity = f"{socket.gethostname()}:{os.getpid()}"

    # --- the lock ------------------------------------------------------------------------------------------------
    def _hold(self) -> bool:
        """True while this process holds the lock (renewing it), after taking it if it is free."""
        if self._holding:
            try:
                self._lock.reacquire()
                return True
            except LockError:
                self._holding = False
                logger.warning("beat %s lost the schedule lock; standing by", self.identity)
        if self._lock.acquire(blocking=False):
            self._holding = True
            self._restore_last_runs()
            logger.info("beat %s holds the schedule lock and sends the schedule", self.identity)
            return True
        return False

    def _restore_last_runs(self) -> None:
        stored = self._redis.hgetall(self.state_key)
        for name, entry in self.schedule.items():
            value = stored.get(name.encode())
            if value:
                entry.last_run_at = datetime.fromisoformat(value.decode())
        self._heap = None  # rebuilt from the restored times on the next tick

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self._redis is None:
            return super().tick(*args, **kwargs)
        standby_interval = self.lock_ttl / 3
        try:
            holding = self._hold()
        except redis.RedisError as exc:
            # Without Redis nothing can be sent anyway; try again shortly (the broker connection retries too).
            logger.warning("beat %s cannot reach Redis for the schedule lock: %s", self.identity, type(exc).__name__)
            self._holding = False
            return standby_interval
        if not holding:
            return standby_interval
        # Sleep no longer than a third of the TTL, so the lock is renewed before it can expire.
        return min(super().tick(*args, **kwargs), standby_interval)

    # --- shared schedule state -----------------------------------------------------------------------------------
    def apply_async(self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any) -> Any:
        result = super().apply_async(entry, producer, advance, **kwargs)
        if self._redis is not None and entry.name in self.schedule:
            # tick() has already advanced the entry (reserve) before sending; it is written here, after the send
            # succeeded, so a crash in between re-sends one run rather than losing it.
            try:
                self._redis.hset(self.state_key, entry.name, self.schedule[entry.name].last_run_at.isoformat())
            except redis.RedisError:
                logger.warning("beat could not record the last run of %s", entry.name)
        return result

    def close(self) -> None:
        super().close()
        if self._holding:
            # Hand over at once on a clean stop instead of making a standby wait for the TTL.
            with contextlib.suppress(LockError, redis.RedisError):
                self._lock.release()
            self._holding = False


def check(redis_url: str, lock_key: str = DEFAULT_LOCK_KEY) -> bool:
    """True while some beat holds the schedule lock (for the container health check)."""
    try:
        return bool(redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3).exists(lock_key))
    except redis.RedisError:
        return False


if __name__ == "__main__":
    if sys.argv[1:] != ["check"]:
        sys.exit("usage: python -m idlib_tracker.beat check")
    from idlib_tracker import env

    url = env.get_url("REDIS_URL", ("redis", "rediss"))
    if not url:
        sys.exit("REDIS_URL is not set")
    ok = check(url)
    print("a beat holds the schedule lock" if ok else "no beat holds the schedule lock")
    sys.exit(0 if ok else 1)
