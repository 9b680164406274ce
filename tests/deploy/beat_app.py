"""The project's Celery app with a one-second test schedule, for running real `celery beat` processes in tests.

The schedule sends to a queue no worker listens on, so the test can count exactly what beat published.
"""

import os

from idlib_tracker.celery import app

app.conf.beat_schedule = {
    "beat-test-tick": {
        "task": "beat_test.tick",
        "schedule": 1.0,
        "options": {"queue": os.environ["BEAT_TEST_QUEUE"]},
    }
}
app.conf.beat_lock_key = os.environ["BEAT_TEST_LOCK_KEY"]
app.conf.beat_lock_ttl = float(os.environ.get("BEAT_TEST_LOCK_TTL", "3"))

__all__ = ["app"]
