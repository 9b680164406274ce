"""The Celery app: configured from Django settings (CELERY_* names), Redis as broker, JSON only."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idlib_tracker.settings")

app = Celery("idlib_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
