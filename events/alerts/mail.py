"""The daily alerts' mail: the confirmation link, and each alert's daily digest.

Only tasks call these (events.tasks): SMTP is slow and may be down, so no request and no transaction waits on it.

The digest goes out at most once per alert per day: the task claims the day with a conditional UPDATE of
``last_digest_on`` and goes on only when it changed exactly one row, so a retried, redelivered or duplicated task
sends nothing a second time. A send that fails gives the claim back (the task is retried and sends it); a worker
that dies between claim and send leaves the day claimed and that day's mail unsent (at most once, as for
summaries), and the next day's digest still lists those events because ``covered_until`` did not move.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events.alerts.services import (
    DigestEvents,
    active_alerts,
    alert_filters,
    confirmation_throttle_key,
    describe,
    description_of,
    digest_events,
)
from events.models import AlertSubscription
from events.public.filters import EventFilters, FilterError
from events.summaries.mail import one_click_unsubscribe_headers
from idlib_tracker.mailing import site_url

logger = logging.getLogger(__name__)


class AlertDigestFailed(Exception):
    """The digest could not be sent; its claim was given back, so a retry sends it."""



def alert_confirmation_send(subscription_id: int) -> bool:
    """Mail the confirmation link of a subscription still waiting for it; False when there is nothing to send."""
    subscription = AlertSubscription.objects.filter(
        pk=subscription_id, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).first()
    if subscription is None:
        return False
    context = {
        "confirm_url": site_url(reverse("events:alert_confirm", args=[subscription.token])),
        "description": description_of(subscription),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject="Confirm your daily alert from Idlib Tracker",
        body=render_to_string("alerts/email/confirm.txt", context),
        to=[subscription.email],
    )
    message.attach_alternative(render_to_string("alerts/email/confirm.html", context), "text/html")
    try:
        message.send()
    except Exception:
        # Nothing went out, so submitting the form again must be able to resend.
        cache.delete(confirmation_throttle_key(subscription))
        raise
    logger.info("alert.confirmation.sent", extra={"alert": subscription.pk})
    return True


def alert_digest_send(subscription_id: int) -> int:
    """Send today's digest of one alert when it has new events; returns how many events it listed (0: no mail).

    Raises AlertDigestFailed after giving the day's claim back when the mail could not be sent.
    """
    today = timezone.localdate()
    until = timezone.now()
    subscription = active_alerts().filter(pk=subscription_id).first()
    if subscription is None:
        return 0
    previous_day = subscription.last_digest_on
    claimed = (
        active_alerts()
        .filter(pk=subscription_id)
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
        .update(last_digest_on=today)
    )
    if claimed != 1:
        logger.info("alert.digest.already_claimed", extra={"alert": subscription_id, "day": today.isoformat()})
        return 0
    try:
        filters = alert_filters(QueryDict(subscription.query))
    except FilterError as exc:
        # The actor or place was deleted since: nothing can match any more. The day stays claimed (no mail).
        logger.warning("alert.digest.bad_filter", extra={"alert": subscription_id, "error": str(exc)})
        return 0
    after = subscription.covered_until or subscription.confirmed_at
    found = digest_events(filters, after, until)
    if found.events:
        try:
            _digest_message(subscription, filters, found).send()
        except Exception as exc:
            logger.exception("alert.digest.failed", extra={"alert": subscription_id})
            # Nothing went out: give the day back so the retry can claim it again.
            AlertSubscription.objects.filter(pk=subscription_id, last_digest_on=today).update(
                last_digest_on=previous_day
            )
            raise AlertDigestFailed(f"alert {subscription_id}: {exc}") from exc
    AlertSubscription.objects.filter(pk=subscription_id).update(
        covered_until=until, **({"last_sent_at": timezone.now()} if found.events else {})
    )
    logger.info("alert.digest.done", extra={"alert": subscription_id, "events": len(found.events)})
    return len(found.events)


def digest_context(subscription: AlertSubscription, filters: EventFilters, found: DigestEvents) -> dict[str, Any]:
    query = subscription.query
    return {
        "events": found.events,
        "more": found.more,
        "description": describe(filters),
        "site_url": settings.SITE_URL,
        "timeline_url": site_url(reverse("events:timeline") + (f"?{query}" if query else "")),
        "unsubscribe_url": site_url(reverse("events:alert_unsubscribe", args=[subscription.token])),
    }


def _digest_message(subscription: AlertSubscription, filters: EventFilters, found: DigestEvents):
    context = digest_context(subscription, filters, found)
    count = len(found.events)
    noun = "event" if count == 1 else "events"
    message = EmailMultiAlternatives(
        subject=f"Idlib Tracker alert: {count}{'+' if found.more else ''} new {noun} ({context['description']})",
        body=render_to_string("alerts/email/digest.txt", context),
        to=[subscription.email],
        headers=one_click_unsubscribe_headers(
            context["unsubscribe_url"], "Idlib Tracker daily alerts <alerts.idlib-tracker>"
        ),
    )
    message.attach_alternative(render_to_string("alerts/email/digest.html", context), "text/html")
    return message
