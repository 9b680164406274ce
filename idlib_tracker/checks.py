"""System checks (`manage.py check`, run by every management command and at deploy) for the Celery set-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

# Celery's own default when a task sets retry_backoff without retry_backoff_max.
CELERY_DEFAULT_BACKOFF_MAX = 600


def longest_retry_delay(task: Any) -> float:
    """The longest countdown Celery's automatic retries can give ``task``."""
    if getattr(task, "autoretry_for", None) and getattr(task, "retry_backoff", False):
        cap = getattr(task, "retry_backoff_max", None)
        return float(CELERY_DEFAULT_BACKOFF_MAX if cap is None else cap)
    return float(task.default_retry_delay or 0)


@register("celery")
def check_task_delays(app_configs: Any, **kwargs: Any) -> list[Error]:
    from django.utils.module_loading import autodiscover_modules

    from idlib_tracker.celery import app

    # Load every app's tasks module, as a worker does at start-up. (Not Celery's import_default_modules: under
    # Django it runs the system checks, which would land back here.)
    autodiscover_modules("tasks")
    limit = settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    errors = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        delay = longest_retry_delay(task)
        if delay >= limit:
            errors.append(
                Error(
                    f"Task {name} can wait {delay:.0f}s before a retry, not below "
                    f"CELERY_BROKER_VISIBILITY_TIMEOUT ({limit}s): Redis would run the retry twice.",
                    hint="Set retry_backoff_max (or default_retry_delay) below the visibility timeout.",
                    id="idlib_tracker.E001",
                )
            )
        time_limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        if time_limit >= limit:
            errors.append(
                Error(
                    f"Task {name} may run {time_limit}s, not below CELERY_BROKER_VISIBILITY_TIMEOUT ({limit}s): "
                    "Redis would hand it to a second worker while the first is still running it.",
                    id="idlib_tracker.E002",
                )
            )
    return errors
