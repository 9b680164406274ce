"""The summaries' mail: the subscription's confirmation link and a published summary to its subscribers.

Only tasks call these (events.tasks): SMTP is slow and may be down, so no request and no transaction waits on it.

A summary goes out at most once per (summary, subscriber): each recipient is claimed by inserting its
SummaryDelivery row (unique constraint) before the message is sent, so a retried task or two concurrent runs never
mail anyone twice. A send that fails releases its claim and makes the task retry for the recipients still unsent;
a worker that dies between claim and send leaves a claimed-but-unsent row, which is not retried (at most once,
not at least once) and is visible in the admin.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.models import Subscriber, SummaryDelivery, SummaryStatus, WeeklySummary
from events.summaries.display import summary_context
from events.summaries.services import confirmation_throttle_key
from idlib_tracker.mailing import site_url

logger = logging.getLogger(__name__)


class SummaryEmailIncomplete(Exception):
    """Some recipients could not be mailed; their claims were released so a retry mails exactly them."""


def one_click_unsubscribe_headers(unsubscribe_url: str, list_id: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to this URL, no login, no page.
    Every mailing list of the site (weekly summaries, daily alerts) sends these."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id,
    }

def subscriber_confirmation_send(subscriber_id: int) -> bool:
    """Mail the confirmation link to a subscriber still unconfirmed; False when there is nobody to mail."""
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).first()
    if subscriber is None:
        return False
    try:
        _send_confirmation(subscriber)
    except Exception:
        # Nothing went out, so submitting the form again must be able to resend.
        cache.delete(confirmation_throttle_key(subscriber.email))
        raise
    return True



def _send_confirmation(subscriber: Subscriber) -> None:
    context = {
        "confirm_url": site_url(reverse("events:summary_confirm", args=[subscriber.token])),
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


def summary_email_send(summary_id: int) -> int:
    """Mail a published summary to every confirmed subscriber not yet claimed for it; returns how many were sent.

    Raises SummaryEmailIncomplete when some sends failed (their claims released, so a retry sends exactly those).
    """
    summary = WeeklySummary.objects.filter(pk=summary_id, status=SummaryStatus.PUBLISHED).first()
    if summary is None:
        logger.warning("summary.email.not_published", extra={"summary": summary_id})
        return 0
    already = SummaryDelivery.objects.filter(summary_id=summary_id, subscriber_id=OuterRef("pk"))
    recipients = list(Subscriber.objects.active().filter(~Exists(already)).order_by("id"))
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
        **summary_context(summary),
        "site_url": settings.SITE_URL,
        "summary_url": site_url(reverse("events:summary_detail", args=[summary.week_start])),
        "unsubscribe_url": site_url(reverse("events:summary_unsubscribe", args=[subscriber.token])),
    }


def _summary_message(summary: WeeklySummary, subscriber: Subscriber, connection) -> EmailMultiAlternatives:
    context = summary_email_context(summary, subscriber)
    data = context["data"]
    message = EmailMultiAlternatives(
        subject=f"Idlib weekly summary {data.label} ({data.range})",
        body=render_to_string("summaries/email/summary.txt", context),
        to=[subscriber.email],
        connection=connection,
        headers=one_click_unsubscribe_headers(
            context["unsubscribe_url"], "Idlib Tracker weekly summary <weekly.idlib-tracker>"
        ),
    )
    message.attach_alternative(render_to_string("summaries/email/summary.html", context), "text/html")
    return message
