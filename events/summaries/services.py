"""Writes for weekly summaries and their subscribers: build, publish, subscribe, confirm, unsubscribe (mail: mail.py).

Rebuilding a week (beat task, `build_summary` command, admin action) never creates a second row: the week's
Monday is unique. The editor's lead is never touched by a build, and the highlights are regenerated only while
they are still the generated text (an editor's edit survives every rebuild).

A PUBLISHED summary is what stakeholders were sent, so its figures are frozen by default: the Monday beat task
and a plain `build_summary` leave it alone. An editor who wants late corrections reflected rebuilds it on purpose
(admin action "Rebuild figures", or `build_summary --refresh-published`): the figures are recomputed, the lead and
highlights stay as published, and nobody is mailed again. The change is kept in the summary's history.

"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from events import weeks
from events.models import Subscriber, SummaryStatus, WeeklySummary
from events.summaries.figures import compute_week
from events.summaries.text import default_highlights
from idlib_tracker.mailing import normalize_email

logger = logging.getLogger(__name__)

# One confirmation email per address per window: the form cannot be used to flood someone's inbox.
CONFIRMATION_RESEND_SECONDS = 15 * 60


class SummaryError(Exception):
    """A request about a summary that cannot be honoured; the message is fit to show an editor."""


# --- Building and publishing -----------------------------------------------------------------------------------


def summary_build(week_start: date, *, refresh_published: bool = False) -> WeeklySummary:
    """Create or update the summary of the ISO week containing ``week_start`` (any day of that week)."""
    monday = weeks.week_monday(week_start)
    if monday > timezone.localdate():
        raise SummaryError(f"The week {weeks.week_label(monday)} has not started yet.")
    # The reads happen before the write transaction, which then only holds the row lock for an UPDATE.
    figures = compute_week(monday)
    with transaction.atomic():
        summary, _ = WeeklySummary.objects.select_for_update().get_or_create(week_start=monday)
        if summary.status == SummaryStatus.PUBLISHED and not refresh_published:
            logger.info("summary.build.skipped_published", extra={"week": str(summary)})
            return summary
        previous_generated = summary.data.get("generated_highlights") if summary.data else None
        figures = replace(figures, generated_highlights=default_highlights(figures))
        editor_changed = bool(summary.highlights.strip()) and summary.highlights != previous_generated
        if summary.status == SummaryStatus.DRAFT and not editor_changed:
            summary.highlights = figures.generated_highlights
        summary.data = figures.to_json()
        summary.built_at = timezone.now()
        summary.save()
    logger.info("summary.built", extra={"week": str(summary), "events": figures.headline.events})
    return summary


def summary_publish(summary: WeeklySummary, user: Any = None) -> WeeklySummary:
    """Publish a built draft. The caller enqueues the mail to the subscribers once this has committed
    (events.tasks.send_summary_emails): a service never reaches for the task queue itself."""
    with transaction.atomic():
        # The row lock makes the draft -> published check-and-set safe against a second editor publishing too.
        locked = WeeklySummary.objects.select_for_update().get(pk=summary.pk)
        if locked.status == SummaryStatus.PUBLISHED:
            raise SummaryError(f"{locked} is already published.")
        if locked.built_at is None:
            raise SummaryError(f"{locked} has no figures yet: rebuild it before publishing.")
        locked.status = SummaryStatus.PUBLISHED
        locked.published_at = timezone.now()
        if user is not None:
            locked._history_user = user
        locked.save()
    logger.info("summary.published", extra={"week": str(locked)})
    summary.status, summary.published_at = locked.status, locked.published_at
    return locked


# --- Subscribers -----------------------------------------------------------------------------------------------



def subscriber_subscribe(email: str) -> tuple[Subscriber, bool]:
    """Start a confirmed opt-in: record the address (unconfirmed); returns it and whether a confirmation link is
    to be mailed (never more than once per address per CONFIRMATION_RESEND_SECONDS).

    The caller enqueues that mail once this has committed (the request sends nothing itself) and shows the same
    answer whatever happened, so the form does not reveal who is subscribed. An address that unsubscribed before
    starts over with a new token and must confirm again.
    """
    email = normalize_email(email)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(email=email)
        if not created and subscriber.unsubscribed_at is not None:
            subscriber.token = Subscriber._meta.get_field("token").get_default()
            subscriber.confirmed_at = None
            subscriber.unsubscribed_at = None
            subscriber.save(update_fields=["token", "confirmed_at", "unsubscribed_at"])
    due = subscriber.confirmed_at is None and cache.add(
        confirmation_throttle_key(email), True, timeout=CONFIRMATION_RESEND_SECONDS
    )
    return subscriber, due


def confirmation_throttle_key(email: str) -> str:
    return f"summaries:confirmation:{email}"


def subscriber_confirm(token: str) -> Subscriber | None:
    """Confirm the subscription with this token; None when the token is unknown or the address unsubscribed."""
    subscriber = Subscriber.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        subscriber.refresh_from_db(fields=["confirmed_at"])
    return subscriber


def subscribers_unsubscribe(subscriber_ids: Iterable[int]) -> int:
    """An editor stops all mail to these subscribers (one UPDATE); returns how many were still subscribed."""
    count = Subscriber.objects.filter(pk__in=list(subscriber_ids), unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    logger.info("subscriber.unsubscribed_by_editor", extra={"count": count})
    return count


def subscriber_unsubscribe(token: str) -> Subscriber | None:
    """Stop all mail to the address with this token (idempotent); None when the token is unknown."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return None
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    subscriber.refresh_from_db(fields=["unsubscribed_at"])
    logger.info("subscriber.unsubscribed", extra={"subscriber": subscriber.pk})
    return subscriber
