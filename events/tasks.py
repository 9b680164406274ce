"""Celery tasks: thin wrappers that take ids and call the service functions (see events/services/)."""

from __future__ import annotations

from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction

from events import summaries
from events.services.feeds import feed_fetch, feeds_claim_due
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
    # Below the visibility timeout: a longer countdown would be redelivered by Redis while still waiting.
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=6,
)
def send_summary_emails(summary_id: int) -> int:
    return summary_email_send(summary_id)


class FeedTemporarilyUnavailable(Exception):
    """A fetch failed in a way that may pass (timeout, 5xx, connection refused): retried with backoff."""


@shared_task(name="events.tasks.fetch_due_feeds")
def fetch_due_feeds() -> int:
    """Beat, every few minutes: claim each active feed that is due and enqueue one fetch for it."""
    with transaction.atomic():
        claimed = feeds_claim_due()
        for feed_id in claimed:
            # Enqueued only once the claims are committed, so a worker never sees a feed still unclaimed.
            transaction.on_commit(partial(fetch_feed.delay, feed_id))
    return len(claimed)


@shared_task(
    bind=True,
    name="events.tasks.fetch_feed",
    autoretry_for=(FeedTemporarilyUnavailable,),
    retry_backoff=15,
    retry_jitter=True,
    # A countdown longer than the visibility timeout would be redelivered by Redis while still waiting.
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=3,
)
def fetch_feed(self, feed_id: int) -> dict:
    """Fetch one feed (under its per-feed lock, see feed_fetch); transient failures are retried."""
    # The task id owns the lock: a redelivery after this worker dies mid-fetch carries the same id (feed_lock).
    report = feed_fetch(feed_id, lock_owner=self.request.id or "")
    if report.transient:
        raise FeedTemporarilyUnavailable(report.error)
    return report.as_dict()


@shared_task(
    name="events.tasks.write_full_export",
    # Writing the whole record takes seconds of CPU but may wait on a busy database: it gets the longest run the
    # broker's visibility timeout allows (a redelivered copy would find the claim and stop), not the default 150 s.
    soft_time_limit=settings.CELERY_BROKER_VISIBILITY_TIMEOUT - 60,
    time_limit=settings.CELERY_BROKER_VISIBILITY_TIMEOUT - 30,
)
def write_full_export(kind: str, version: int) -> dict:
    """Write the full-record export file of (kind, version), once: the service claims it first (events/exports.py)."""
    from events.exports import full_export_write

    report = full_export_write(kind, version)
    return {"kind": kind, "version": version, "written": report.written, "bytes": report.bytes,
            "seconds": round(report.seconds, 2)}
