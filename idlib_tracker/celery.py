"""The Celery app: configured from Django settings (CELERY_* names), Redis as broker, JSON only."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idlib_tracker.settings")

# Every task refuses a countdown/ETA past the broker's visibility timeout (see idlib_tracker.tasks_base).
app = Celery("idlib_tracker", task_cls="idlib_tracker.tasks_base:GuardedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
