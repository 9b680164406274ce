"""Writes and mail for daily alerts: subscribe, confirm, unsubscribe, and the daily digest.

Opt-in is confirmed as for the weekly summary: subscribing stores an unconfirmed row and, once that is committed,
enqueues the confirmation mail (events.alerts.tasks.send_alert_confirmation); the request never talks to the mail
server. Nothing is sent to an address until its link has been followed, and the digest covers only events
published after that.

The digest goes out at most once per subscription per day: the task claims the day with a conditional UPDATE of
``last_digest_on`` and goes on only when it changed exactly one row, so a retried, redelivered or duplicated task
sends nothing a second time. A send that fails gives the claim back (the task is retried and sends it); a worker
that dies between claim and send leaves the day claimed and that day's mail unsent (at most once, as for
summaries), and the next day's digest still lists those events because ``covered_until`` did not move.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from events import selectors
from events.alerts.models import AlertSubscription
from events.filters import EventFilters, FilterError, parse_filters, resolve
from events.models import Event, EventStatus

logger = logging.getLogger(__name__)

# The parts of a timeline filter an alert keeps. Dates are left out: an alert is about what gets published from
# now on, and a fixed window would stop matching anything new.
ALERT_PARAMS = ("type", "sub_type", "actor", "place", "governorate", "q")
# One confirmation mail per subscription per window, and a few per address a day: the form cannot be used to fill
# someone's inbox.
CONFIRMATION_RESEND_SECONDS = 15 * 60
CONFIRMATIONS_PER_ADDRESS_PER_DAY = 5
# A digest lists this many events at most; the rest are one click away on the timeline.
DIGEST_MAX_EVENTS = 50


class AlertDigestFailed(Exception):
    """The digest could not be sent; its claim was given back, so a retry sends it."""


# --- The saved filter ------------------------------------------------------------------------------------------


def alert_filters(query: QueryDict) -> EventFilters:
    """The alert part of a timeline query string, validated and resolved by the timeline's own parser.

    Raises FilterError (messages for a person) for what the timeline would refuse: an unknown type, actor or place.
    """
    kept = QueryDict(mutable=True)
    for name in ALERT_PARAMS:
        values = [value for value in query.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
    return resolve(parse_filters(kept))


def alert_query(filters: EventFilters) -> str:
    """The canonical query string an alert is saved under (the timeline's own spelling, alert parameters only)."""
    return urlencode([(name, value) for name, value in filters.params() if name in ALERT_PARAMS])


def describe(filters: EventFilters) -> str:
    """The filter in words, for the form, the emails and their subject: "Battles · Hayat Tahrir al-Sham ..."."""
    parts = [*filters.types, *filters.sub_types]
    if filters.actor_scope is not None:
        members = " and its members" if len(filters.actor_scope.ids) > 1 else ""
        parts.append(f"{filters.actor_scope.name}{members}")
    if filters.place_name:
        parts.append(f"at {filters.place_name}")
    if filters.governorate:
        parts.append(f"{filters.governorate} governorate")
    if filters.text:
        parts.append(f"\u201c{filters.text}\u201d")
    return " \u00b7 ".join(parts) or "every published event"


# --- Subscribing -----------------------------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """Lower-cased and trimmed, so ``Ana@Example.org`` cannot subscribe twice; raises ValidationError if invalid."""
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def alert_subscribe(email: str, filters: EventFilters) -> AlertSubscription:
    """Save the alert unconfirmed (or revive an unsubscribed one) and mail the confirmation link after commit.

    The same outcome whether or not the address already had this alert, so the form tells a visitor nothing about
    someone else's subscriptions. Raises ValidationError for an invalid address, FilterError for a filter too
    long to store.
    """
    from events.alerts.tasks import send_alert_confirmation

    email = normalize_email(email)
    query = alert_query(filters)
    if len(query) > AlertSubscription._meta.get_field("query").max_length:
        raise FilterError(["This filter is too long to save as an alert: choose fewer types or a shorter text."])
    with transaction.atomic():
        subscription, created = AlertSubscription.objects.select_for_update().get_or_create(email=email, query=query)
        if not created and subscription.unsubscribed_at is not None:
            subscription.token = AlertSubscription._meta.get_field("token").get_default()
            subscription.confirmed_at = subscription.unsubscribed_at = subscription.covered_until = None
            subscription.save(update_fields=["token", "confirmed_at", "unsubscribed_at", "covered_until"])
    # The throttle (a cache round trip) is asked after the row lock is released; the task is enqueued once the
    # row is committed (at once here, or when an enclosing transaction commits), so the worker finds it.
    if subscription.confirmed_at is None and _confirmation_allowed(subscription):
        # robust: a broker that is down must not turn a saved subscription into an error page; the reader can
        # submit again once the throttle window has passed.
        transaction.on_commit(partial(send_alert_confirmation.delay, subscription.pk), robust=True)
    logger.info("alert.subscribed", extra={"alert": subscription.pk, "new": created})
    return subscription


def _confirmation_allowed(subscription: AlertSubscription) -> bool:
    # Per token: an alert subscribed again after leaving has a new token and gets its new link at once.
    if not cache.add(f"alerts:confirmation:{subscription.token}", True, timeout=CONFIRMATION_RESEND_SECONDS):
        return False
    per_address = f"alerts:confirmations:{subscription.email}"
    cache.add(per_address, 0, timeout=24 * 3600)
    try:
        return cache.incr(per_address) <= CONFIRMATIONS_PER_ADDRESS_PER_DAY
    except ValueError:  # the counter expired between add and incr: a new day has begun
        return True


def alert_confirmation_send(subscription_id: int) -> bool:
    """Mail the confirmation link of a subscription still waiting for it; False when there is nothing to send."""
    subscription = AlertSubscription.objects.filter(
        pk=subscription_id, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).first()
    if subscription is None:
        return False
    context = {
        "confirm_url": _absolute(reverse("events:alert_confirm", args=[subscription.token])),
        "description": _description_of(subscription),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject="Confirm your daily alert from Idlib Tracker",
        body=render_to_string("alerts/email/confirm.txt", context),
        to=[subscription.email],
    )
    message.attach_alternative(render_to_string("alerts/email/confirm.html", context), "text/html")
    message.send()
    logger.info("alert.confirmation.sent", extra={"alert": subscription.pk})
    return True


def alert_confirm(token: str) -> AlertSubscription | None:
    """Confirm the alert with this token; None when the token is unknown or the alert was unsubscribed."""
    subscription = AlertSubscription.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscription is None:
        return None
    now = timezone.now()
    # The digest starts from the confirmation: nothing published before the reader opted in is mailed.
    AlertSubscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, covered_until=now
    )
    subscription.refresh_from_db(fields=["confirmed_at", "covered_until"])
    return subscription


def alert_unsubscribe(token: str) -> AlertSubscription | None:
    """Stop this alert (idempotent); None when the token is unknown."""
    subscription = AlertSubscription.objects.filter(token=token).first()
    if subscription is None:
        return None
    AlertSubscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    subscription.refresh_from_db(fields=["unsubscribed_at"])
    logger.info("alert.unsubscribed", extra={"alert": subscription.pk})
    return subscription


def alert_token_exists(token: str) -> bool:
    return AlertSubscription.objects.filter(token=token).exists()


# --- The daily digest ------------------------------------------------------------------------------------------


def active_alerts():
    return AlertSubscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


def alerts_due(day: date | None = None) -> list[int]:
    """Ids of the confirmed alerts whose digest of ``day`` (default: today, local time) is not claimed yet."""
    day = day or timezone.localdate()
    return list(
        active_alerts()
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=day))
        .order_by("id")
        .values_list("id", flat=True)
    )


@dataclass(frozen=True)
class DigestEvents:
    events: list[Event]
    more: bool


def digest_events(filters: EventFilters, after: datetime, until: datetime) -> DigestEvents:
    """Published events matching the filter whose publication falls in (after, until], newest first."""
    rows = list(
        selectors.with_display_relations(
            selectors.filter_events(filters, (EventStatus.PUBLISHED,)).filter(
                reviewed_at__gt=after, reviewed_at__lte=until
            )
        ).order_by("-occurred_on", "-id")[: DIGEST_MAX_EVENTS + 1]
    )
    return DigestEvents(rows[:DIGEST_MAX_EVENTS], len(rows) > DIGEST_MAX_EVENTS)


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


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _description_of(subscription: AlertSubscription) -> str:
    try:
        return describe(alert_filters(QueryDict(subscription.query)))
    except FilterError:
        return subscription.query


def digest_context(subscription: AlertSubscription, filters: EventFilters, found: DigestEvents) -> dict[str, Any]:
    query = subscription.query
    return {
        "events": found.events,
        "more": found.more,
        "description": describe(filters),
        "site_url": settings.SITE_URL,
        "timeline_url": _absolute(reverse("events:timeline") + (f"?{query}" if query else "")),
        "unsubscribe_url": _absolute(reverse("events:alert_unsubscribe", args=[subscription.token])),
    }


def _digest_message(subscription: AlertSubscription, filters: EventFilters, found: DigestEvents):
    context = digest_context(subscription, filters, found)
    count = len(found.events)
    noun = "event" if count == 1 else "events"
    message = EmailMultiAlternatives(
        subject=f"Idlib Tracker alert: {count}{'+' if found.more else ''} new {noun} ({context['description']})",
        body=render_to_string("alerts/email/digest.txt", context),
        to=[subscription.email],
        headers={
            # RFC 2369 + RFC 8058: the mail client's unsubscribe button POSTs to this URL, no login, no page.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Idlib Tracker daily alerts <alerts.idlib-tracker>",
        },
    )
    message.attach_alternative(render_to_string("alerts/email/digest.html", context), "text/html")
    return message
