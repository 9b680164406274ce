"""Writes for weekly summaries and their subscribers: build, publish, subscribe, confirm, unsubscribe, mail.

Rebuilding a week (beat task, `build_summary` command, admin action) never creates a second row: the week's
Monday is unique. The editor's lead is never touched by a build, and the highlights are regenerated only while
they are still the generated text (an editor's edit survives every rebuild).

A PUBLISHED summary is what stakeholders were sent, so its figures are frozen by default: the Monday beat task
and a plain `build_summary` leave it alone. An editor who wants late corrections reflected rebuilds it on purpose
(admin action "Rebuild figures", or `build_summary --refresh-published`): the figures are recomputed, the lead and
highlights stay as published, and nobody is mailed again. The change is kept in the summary's history.

Mail goes out at most once per (summary, subscriber): each recipient is claimed by inserting its SummaryDelivery
row (unique constraint) before the message is sent, so a retried task or two concurrent runs never mail anyone
twice. A send that fails releases its claim and makes the task retry for the recipients still unsent; a worker
that dies between claim and send leaves a claimed-but-unsent row, which is not retried (at most once, not at
least once) and is visible in the admin.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.models import Subscriber, SummaryDelivery, SummaryStatus, WeeklySummary
from events.summaries import figures as summaries

logger = logging.getLogger(__name__)

# One confirmation email per address per window: the form cannot be used to flood someone's inbox.
CONFIRMATION_RESEND_SECONDS = 15 * 60


class SummaryError(Exception):
    """A request about a summary that cannot be honoured; the message is fit to show an editor."""


class SummaryEmailIncomplete(Exception):
    """Some recipients could not be mailed; their claims were released so a retry mails exactly them."""


# --- Building and publishing -----------------------------------------------------------------------------------


def summary_build(week_start: date, *, refresh_published: bool = False) -> WeeklySummary:
    """Create or update the summary of the ISO week containing ``week_start`` (any day of that week)."""
    monday = summaries.week_monday(week_start)
    if monday > timezone.localdate():
        raise SummaryError(f"The week {summaries.week_label(monday)} has not started yet.")
    # The reads happen before the write transaction, which then only holds the row lock for an UPDATE.
    data = summaries.compute_week(monday)
    with transaction.atomic():
        summary, _ = WeeklySummary.objects.select_for_update().get_or_create(week_start=monday)
        if summary.status == SummaryStatus.PUBLISHED and not refresh_published:
            logger.info("summary.build.skipped_published", extra={"week": str(summary)})
            return summary
        previous_generated = summary.data.get("generated_highlights") if summary.data else None
        data["generated_highlights"] = summaries.default_highlights(data)
        editor_changed = bool(summary.highlights.strip()) and summary.highlights != previous_generated
        if summary.status == SummaryStatus.DRAFT and not editor_changed:
            summary.highlights = data["generated_highlights"]
        summary.data = data
        summary.built_at = timezone.now()
        summary.save()
    logger.info("summary.built", extra={"week": str(summary), "events": data["headline"]["events"]})
    return summary


def summary_publish(summary: WeeklySummary, user: Any = None) -> WeeklySummary:
    """Publish a built draft and, once committed, mail it to the confirmed subscribers."""
    from events.tasks import send_summary_emails

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
        transaction.on_commit(lambda: send_summary_emails.delay(locked.pk))
    logger.info("summary.published", extra={"week": str(locked)})
    summary.status, summary.published_at = locked.status, locked.published_at
    return locked


# --- Subscribers -----------------------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """Lower-cased and trimmed, so ``Ana@Example.org`` cannot subscribe twice; raises ValidationError if invalid."""
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def subscriber_subscribe(email: str) -> Subscriber:
    """Start a confirmed opt-in: record the address (unconfirmed) and mail it a confirmation link.

    The caller shows the same answer whatever happened, so the form does not reveal who is subscribed. An address
    that unsubscribed before starts over with a new token and must confirm again.
    """
    email = normalize_email(email)
    # The mail is sent after this transaction has committed: no network call while holding the row lock.
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(email=email)
        if not created and subscriber.unsubscribed_at is not None:
            subscriber.token = Subscriber._meta.get_field("token").get_default()
            subscriber.confirmed_at = None
            subscriber.unsubscribed_at = None
            subscriber.save(update_fields=["token", "confirmed_at", "unsubscribed_at"])
    throttle_key = f"summaries:confirmation:{email}"
    if subscriber.confirmed_at is None and cache.add(throttle_key, True, timeout=CONFIRMATION_RESEND_SECONDS):
        try:
            _send_confirmation(subscriber)
        except Exception:
            cache.delete(throttle_key)  # nothing went out, so submitting again must be able to resend
            raise
    return subscriber


def subscriber_confirm(token: str) -> Subscriber | None:
    """Confirm the subscription with this token; None when the token is unknown or the address unsubscribed."""
    subscriber = Subscriber.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        subscriber.refresh_from_db(fields=["confirmed_at"])
    return subscriber


def subscriber_unsubscribe(token: str) -> Subscriber | None:
    """Stop all mail to the address with this token (idempotent); None when the token is unknown."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return None
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    subscriber.refresh_from_db(fields=["unsubscribed_at"])
    logger.info("subscriber.unsubscribed", extra={"subscriber": subscriber.pk})
    return subscriber


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _send_confirmation(subscriber: Subscriber) -> None:
    context = {
        "confirm_url": _absolute(reverse("events:summary_confirm", args=[subscriber.token])),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject="Confirm your subscription to the Idlib Tracker weekly summary",
        body=render_to_string("summaries/email/confirm.txt", context),
        to=[subscriber.email],
    )
    message.attach_alternative(render_to_string("summaries/email/confirm.html", context), "text/html")
    message.send()


# --- Mailing a published summary -------------------------------------------------------------------------------


def active_subscribers():
    return Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


def summary_email_send(summary_id: int) -> int:
    """Mail a published summary to every confirmed subscriber not yet claimed for it; returns how many were sent.

    Raises SummaryEmailIncomplete when some sends failed (their claims released, so a retry sends exactly those).
    """
    summary = WeeklySummary.objects.filter(pk=summary_id, status=SummaryStatus.PUBLISHED).first()
    if summary is None:
        logger.warning("summary.email.not_published", extra={"summary": summary_id})
        return 0
    already = SummaryDelivery.objects.filter(summary_id=summary_id, subscriber_id=OuterRef("pk"))
    recipients = list(active_subscribers().filter(~Exists(already)).order_by("id"))
    sent = failed = 0
    connection = get_connection()
    try:
        for subscriber in recipients:
            try:
                with transaction.atomic():
                    delivery = SummaryDelivery.objects.create(summary_id=summary_id, subscriber=subscriber)
            except IntegrityError:
                continue  # another run claimed this recipient first
            try:
                _summary_message(summary, subscriber, connection).send()
            except Exception:
                logger.exception("summary.email.failed", extra={"summary": summary_id, "subscriber": subscriber.pk})
                # Nothing was delivered, so the claim goes and the retry may try this recipient again.
                SummaryDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).delete()
                failed += 1
                continue
            SummaryDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
            sent += 1
    finally:
        connection.close()
    logger.info("summary.email.sent", extra={"summary": summary_id, "sent": sent, "failed": failed})
    if failed:
        raise SummaryEmailIncomplete(f"{failed} of {len(recipients)} messages for {summary} failed")
    return sent


def summary_email_context(summary: WeeklySummary, subscriber: Subscriber) -> dict[str, Any]:
    return {
        **summaries.summary_context(summary),
        "site_url": settings.SITE_URL,
        "summary_url": _absolute(reverse("events:summary_detail", args=[summary.week_start])),
        "unsubscribe_url": _absolute(reverse("events:summary_unsubscribe", args=[subscriber.token])),
    }


def _summary_message(summary: WeeklySummary, subscriber: Subscriber, connection) -> EmailMultiAlternatives:
    context = summary_email_context(summary, subscriber)
    data = summary.data
    message = EmailMultiAlternatives(
        subject=f"Idlib weekly summary {data['label']} ({data['range']})",
        body=render_to_string("summaries/email/summary.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers={
            # RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to this URL, no login.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Idlib Tracker weekly summary <weekly.idlib-tracker>",
        },
    )
    message.attach_alternative(render_to_string("summaries/email/summary.html", context), "text/html")
    return message
