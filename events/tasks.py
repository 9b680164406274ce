"""Celery tasks: ids in, one service call each (the services are the concerns' own: ingest, extract, summaries).

A task holds no loop, no transaction and no decision; it names what to retry. Work handed on to another task is
enqueued after commit (``delay_on_commit``, idlib_tracker.tasks_base).
"""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.conf import settings

from events.alerts.mail import AlertDigestFailed, alert_confirmation_send, alert_digest_send
from events.alerts.services import alerts_enqueue_due
from events.exports import full_export_write
from events.extract.store import articles_extract, record_extract_enqueue
from events.ingest.feeds import feed_fetch, feeds_claim_due
from events.summaries.mail import SummaryEmailIncomplete, subscriber_confirmation_send, summary_email_send
from events.summaries.services import summary_build
from events.weeks import last_complete_week


@shared_task(name="events.tasks.build_weekly_summary")
def build_weekly_summary() -> int:
    """Monday beat: build last week's summary (or refresh its draft; a published one is left as sent)."""
    return summary_build(last_complete_week()).pk


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


@shared_task(
    name="events.tasks.send_subscription_confirmation",
    # SMTP down: the throttle was released with the failure, and the retry sends the one link.
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=6,
)
def send_subscription_confirmation(subscriber_id: int) -> bool:
    return subscriber_confirmation_send(subscriber_id)


class FeedTemporarilyUnavailable(Exception):
    """A fetch failed in a way that may pass (timeout, 5xx, connection refused): retried with backoff."""


@shared_task(name="events.tasks.fetch_due_feeds")
def fetch_due_feeds() -> int:
    """Beat, every few minutes: claim each active feed that is due; one fetch each is enqueued once committed."""
    return len(feeds_claim_due(then=fetch_feed.delay_on_commit))


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
    """Fetch one feed (under its per-feed lock, see feed_fetch); transient failures are retried. Its new and
    changed articles are extracted by a task of their own, after the lock is released."""
    # The task id owns the lock: a redelivery after this worker dies mid-fetch carries the same id (feed_lock).
    report = feed_fetch(feed_id, lock_owner=self.request.id or "", then_extract=extract_articles.delay_on_commit)
    # Run eagerly with errors propagating (the embedded default: no worker, CELERY_TASK_EAGER_PROPAGATES), a retry
    # would raise celery's Retry into the caller (a 500 in the admin): the failure is already recorded on the feed,
    # whose back-off schedules the next attempt. Without propagation, apply() runs the retries in-process.
    if report.transient and not (self.request.is_eager and self.app.conf.task_eager_propagates):
        raise FeedTemporarilyUnavailable(report.error)
    return report.as_dict()


@shared_task(name="events.tasks.extract_articles")
def extract_articles(article_ids: list[int]) -> dict:
    """Extract these articles (new or changed, or the whole record again after a rules change); idempotent."""
    return asdict(articles_extract(article_ids))


@shared_task(name="events.tasks.extract_record")
def extract_record() -> int:
    """Extract every stored article again (after a change of rules or gazetteer), one extract_articles per chunk."""
    return record_extract_enqueue(extract_articles.delay_on_commit)


# --- Daily alerts ---------------------------------------------------------------------------------------------


@shared_task(
    name="events.tasks.send_alert_confirmation",
    # SMTP down: the throttle was released with the failure, and the retry sends the one link.
    autoretry_for=(OSError,),
    retry_backoff=5,
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=6,
)
def send_alert_confirmation(subscription_id: int) -> bool:
    return alert_confirmation_send(subscription_id)


@shared_task(name="events.tasks.send_alert_digests")
def send_alert_digests() -> int:
    """Beat, once a day: one digest task per confirmed alert whose day is not claimed yet."""
    return len(alerts_enqueue_due(send_alert_digest.delay_on_commit))


@shared_task(
    name="events.tasks.send_alert_digest",
    # The failed send gave its day's claim back, so the retry sends it; a run that already sent finds it claimed.
    autoretry_for=(AlertDigestFailed,),
    retry_backoff=5,
    retry_backoff_max=settings.CELERY_BROKER_VISIBILITY_TIMEOUT // 2,
    max_retries=6,
)
def send_alert_digest(subscription_id: int) -> int:
    return alert_digest_send(subscription_id)


@shared_task(
    name="events.tasks.write_full_export",
    # Writing the whole record takes seconds of CPU but may wait on a busy database: it gets the longest run the
    # broker's visibility timeout allows (a redelivered copy would find the claim and stop), not the default 150 s.
    soft_time_limit=settings.CELERY_BROKER_VISIBILITY_TIMEOUT - 60,
    time_limit=settings.CELERY_BROKER_VISIBILITY_TIMEOUT - 30,
)
def write_full_export(kind: str, version: int) -> dict:
    """Write the full-record export file of (kind, version), once: the service claims it first (events/exports.py)."""
    report = full_export_write(kind, version)
    return {"kind": kind, "version": version, "written": report.written, "bytes": report.bytes,
            "seconds": round(report.seconds, 2)}
