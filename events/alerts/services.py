"""Writes for daily alerts: the saved filter, subscribe, confirm, unsubscribe, and which digests are due.

Opt-in is confirmed as for the weekly summary: subscribing stores an unconfirmed row and says whether a
confirmation link is due; the caller enqueues that mail once the row is committed (events.tasks), so no request
waits on SMTP. Nothing is sent to an address until its link has been followed, and the digest covers only events
published after that. The mail itself is in mail.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from events.models import AlertSubscription, Event, EventStatus
from events.public import selectors
from events.public.filters import EventFilters, FilterError, parse_filters, resolve
from idlib_tracker.mailing import normalize_email

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



def alert_subscribe(email: str, filters: EventFilters) -> tuple[AlertSubscription, bool]:
    """Save the alert unconfirmed (or revive an unsubscribed one); returns it and whether a confirmation link is
    to be mailed (the caller enqueues it once this has committed).

    The same outcome whether or not the address already had this alert, so the form tells a visitor nothing about
    someone else's subscriptions. Raises ValidationError for an invalid address, FilterError for a filter too
    long to store.
    """
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
    # The throttle (a cache round trip) is asked once the row lock is released.
    due = subscription.confirmed_at is None and _confirmation_allowed(subscription)
    logger.info("alert.subscribed", extra={"alert": subscription.pk, "new": created, "confirmation_due": due})
    return subscription, due


def confirmation_throttle_key(subscription: AlertSubscription) -> str:
    # Per token: an alert subscribed again after leaving has a new token and gets its new link at once.
    return f"alerts:confirmation:{subscription.token}"


def _confirmation_allowed(subscription: AlertSubscription) -> bool:
    if not cache.add(confirmation_throttle_key(subscription), True, timeout=CONFIRMATION_RESEND_SECONDS):
        return False
    per_address = f"alerts:confirmations:{subscription.email}"
    cache.add(per_address, 0, timeout=24 * 3600)
    try:
        return cache.incr(per_address) <= CONFIRMATIONS_PER_ADDRESS_PER_DAY
    except ValueError:  # the counter expired between add and incr: a new day has begun
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
    return AlertSubscription.objects.active()


def alerts_due(day: date | None = None) -> list[int]:
    """Ids of the confirmed alerts whose digest of ``day`` (default: today, local time) is not claimed yet."""
    day = day or timezone.localdate()
    return list(
        active_alerts()
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=day))
        .order_by("id")
        .values_list("id", flat=True)
    )


def alerts_enqueue_due(then: Callable[[int], object]) -> list[int]:
    """Call ``then(alert_id)`` for each alert whose digest of today is due (the daily beat task passes
    ``send_alert_digest.delay_on_commit``); the digest task itself claims the day, so enqueuing twice is harmless."""
    due = alerts_due()
    for subscription_id in due:
        then(subscription_id)
    return due


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


def description_of(subscription: AlertSubscription) -> str:
    """The saved filter in words (its query string as is, should an actor or place have gone since)."""
    try:
        return describe(alert_filters(QueryDict(subscription.query)))
    except FilterError:
        return subscription.query
