"""Celery tasks of daily alerts: thin, they take ids and call events.alerts.services."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction

from events.alerts.services import AlertDigestFailed, alert_confirmation_send, alert_digest_send, alerts_due


@shared_task(
    name="events.alerts.tasks.send_alert_confirmation",
    autoretry_for=(OSError,),  # smtplib's errors are OSErrors: the mail server may be back in a moment
    retry_backoff=5,
    # Below the visibility timeout: a longer countdown would be redelivered by Redis while still waiting.
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=5,
)
def send_alert_confirmation(subscription_id: int) -> bool:
    return alert_confirmation_send(subscription_id)


@shared_task(name="events.alerts.tasks.send_alert_digests")
def send_alert_digests() -> int:
    """Beat, once a day: one digest task per confirmed alert whose day is not claimed yet."""
    due = alerts_due()
    with transaction.atomic():
        for subscription_id in due:
            transaction.on_commit(partial(send_alert_digest.delay, subscription_id))
    return len(due)


@shared_task(
    name="events.alerts.tasks.send_alert_digest",
    # The failed send gave its day's claim back, so the retry sends it; a run that already sent finds it claimed.
    autoretry_for=(AlertDigestFailed,),
    retry_backoff=5,
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=6,
)
def send_alert_digest(subscription_id: int) -> int:
    return alert_digest_send(subscription_id)
