"""The base class of every Celery task here: refuses a countdown or ETA the Redis broker cannot honour, and
enqueues after commit (``delay_on_commit``), the one way requests, admin actions and tasks hand work on.

Redis does not hold delayed messages itself: a worker takes the message at once and keeps it unacknowledged until
its ETA. Once that wait passes the broker's visibility timeout, Redis hands the same message to another worker
too, and the task runs twice. A delay that long is a bug; better a loud error at the call than a duplicate later.
`idlib_tracker.checks` catches the same mistake in the retry settings before anything runs.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone


class DelayTooLong(ValueError):
    pass


def delay_seconds(countdown: float | None, eta: datetime | str | None) -> float:
    if countdown is not None:
        return float(countdown)
    if eta is None:
        return 0.0
    if isinstance(eta, str):
        eta = datetime.fromisoformat(eta)
    if timezone.is_naive(eta):
        eta = timezone.make_aware(eta, timezone.get_default_timezone())
    return (eta - timezone.now()).total_seconds()


class GuardedTask(Task):
    def apply_async(self, args: Any = None, kwargs: Any = None, task_id: str | None = None, **options: Any) -> Any:
        delay = delay_seconds(options.get("countdown"), options.get("eta"))
        limit = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
        if delay >= limit:
            raise DelayTooLong(
                f"{self.name}: a delay of {delay:.0f}s is not below CELERY_BROKER_VISIBILITY_TIMEOUT ({limit}s); "
                "Redis would deliver the task a second time while the first worker still waits for it."
            )
        return super().apply_async(args, kwargs, task_id, **options)

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        """Enqueue once the current transaction commits (at once outside one): the worker then sees what the
        caller wrote, never a rolled-back state, and the caller never waits for the work itself."""
        transaction.on_commit(partial(self.delay, *args, **kwargs))
