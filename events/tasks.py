"""Celery tasks: thin wrappers that take ids and call the service functions (see events/services/)."""

from __future__ import annotations

from celery import shared_task

from events import summaries
from events.services.summaries import SummaryEmailIncomplete, summary_build, summary_email_send


@shared_task(name="events.tasks.build_weekly_summary")
def build_weekly_summary() -> int:
    """Monday beat: build last week's summary (or refresh its draft; a published one is left as sent)."""
    return summary_build(summaries.last_complete_week()).pk


@shared_task(
    name="events.tasks.send_summary_emails",
    # A failed send released its claim, so the retry mails exactly the recipients still unsent, never one twice.
    autoretry_for=(SummaryEmailIncomplete, OSError),
    retry_backoff=5,
    # Below CELERY_BROKER_VISIBILITY_TIMEOUT (300 s): a longer countdown would be redelivered by Redis meanwhile.
    retry_backoff_max=240,
    max_retries=6,
)
def send_summary_emails(summary_id: int) -> int:
    return summary_email_send(summary_id)
