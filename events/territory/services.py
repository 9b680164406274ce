"""Writes to the control history: an editor's change in one step and its undo, proposals from published territory
events (accept / reject), and rebuilding the cached map areas (the shipped history loads in history.py).

Every write is one transaction that saves through the model, so django-simple-history records who did what and
when. The cached maps (ControlMap) are rebuilt in the same transaction from the first date the write touches, so
the public map never shows a state that is not in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from actors.models import Actor
from events.models import (
    ActorRole,
    ControlChange,
    ControlMap,
    ControlOrigin,
    ControlStatus,
    Event,
    EventActor,
    EventSource,
    Place,
)
from events.taxonomy import SubEventType
from events.territory.areas import Cells, Seed, map_features
from idlib_tracker.history import history_reason

# The ACLED sub-types that say a place changed hands: publishing such an event proposes a change to editors.
TERRITORY_SUB_TYPES = frozenset(
    {
        SubEventType.GOVERNMENT_REGAINS_TERRITORY,
        SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        SubEventType.NON_VIOLENT_TRANSFER,
    }
)
# Our pg_advisory_xact_lock(int4, int4) key: one map rebuild at a time (events.ingest.articles uses 0x1D1B).
_MAP_LOCK = (0x1D1C, 1)
DERIVED_NOTE = (
    "Drawn by us from the dated controllers of the places in this area (each place's Voronoi cell within our "
    "outline of Syria): a line between two places falls half-way between them, so it is coarse where places are "
    "few. Each place's page names the sources of its control history."
)


class ControlError(Exception):
    """A control change that cannot be applied; the message is shown to the editor as is."""


def change_save(
    change: ControlChange, user: AbstractBaseUser | None, reason: str, fields: list[str] | None = None
) -> None:
    """Save through the model, so simple-history records who did it and why (the loader uses it too)."""
    change._history_user = user
    change._change_reason = history_reason(reason)
    change.save(update_fields=fields)


def _locked(change_id: int) -> ControlChange:
    try:
        return ControlChange.objects.select_for_update().select_related("place", "controller").get(pk=change_id)
    except ControlChange.DoesNotExist:
        raise ControlError(f"Control change #{change_id} no longer exists.") from None


def _held_on(place_id: int, day: dt.date) -> ControlChange | None:
    return (
        ControlChange.objects.filter(place_id=place_id, status=ControlStatus.ACCEPTED, valid_from__lte=day)
        .select_related("controller")
        .order_by("-valid_from")
        .first()
    )


def _check_free_day(place: Place, day: dt.date, exclude: int | None = None) -> None:
    clash = ControlChange.objects.filter(place=place, status=ControlStatus.ACCEPTED, valid_from=day)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    other = clash.select_related("controller").first()
    if other is not None:
        raise ControlError(
            f"{place.name} already passes to {other.controller.name} on {day.isoformat()} (change #{other.pk}); "
            "undo that change first if it is wrong."
        )


# --- editors --------------------------------------------------------------------------------------------------


def control_change_check(place: Place, controller: Actor, valid_from: dt.date) -> None:
    """Raise ControlError when the change cannot be recorded: the place already changes hands that day, or the
    controller already holds it then (nothing would change). The admin form asks this before saving."""
    _check_free_day(place, valid_from)
    before = _held_on(place.pk, valid_from)
    if before is not None and before.controller_id == controller.pk:
        raise ControlError(
            f"{controller.name} already holds {place.name} on {valid_from.isoformat()} "
            f"(since {before.valid_from.isoformat()})."
        )


def _record(
    place: Place, controller: Actor, valid_from: dt.date, source: str, note: str, precision: str,
    user: AbstractBaseUser | None,
) -> ControlChange:
    Place.objects.select_for_update().filter(pk=place.pk).first()  # one writer per place at a time
    control_change_check(place, controller, valid_from)
    change = ControlChange(
        place=place,
        controller=controller,
        valid_from=valid_from,
        status=ControlStatus.ACCEPTED,
        origin=ControlOrigin.EDITOR,
        source=source,
        note=note.strip(),
        precision=precision.strip(),
        recorded_by=user,
        decided_by=user,
        decided_at=timezone.now(),
    )
    change_save(change, user, f"Recorded: {place.name} to {controller.name} from {valid_from.isoformat()}")
    return change


def control_change_record(
    place: Place,
    controller: Actor,
    valid_from: dt.date,
    *,
    source: str,
    note: str = "",
    precision: str = "",
    user: AbstractBaseUser | None = None,
) -> ControlChange:
    """From ``valid_from`` on, ``place`` is held by ``controller``: one step, on the map at once.

    Refused when the place already changes hands that day, or when the controller already holds it then (nothing
    would change). The source is required: every line on the map says where it comes from.
    """
    return control_changes_record(
        [place], controller, valid_from, source=source, note=note, precision=precision, user=user
    )[0]


def control_changes_record(
    places: list[Place],
    controller: Actor,
    valid_from: dt.date,
    *,
    source: str,
    note: str = "",
    precision: str = "",
    user: AbstractBaseUser | None = None,
) -> list[ControlChange]:
    """Several places pass to ``controller`` from ``valid_from`` (a front moving over a group of villages): all or
    nothing, the map rebuilt once."""
    source = source.strip()
    if not source:
        raise ControlError("Name the source of the change (a report, a map, an agreement): readers see it.")
    if not places:
        raise ControlError("Select at least one place.")
    with transaction.atomic():
        changes = [_record(p, controller, valid_from, source, note, precision, user) for p in places]
        control_maps_rebuild(since=valid_from)
    return changes


def control_change_undo(change: ControlChange, user: AbstractBaseUser | None) -> ControlChange:
    """Take a mistaken change off the map: the place's previous controller holds again from that date. The row
    stays (status 'undone') with its history, so the undo itself can be read and traced."""
    with transaction.atomic():
        locked = _locked(change.pk)
        if locked.status != ControlStatus.ACCEPTED:
            raise ControlError(
                f"{locked} is {locked.get_status_display().lower()}: only a change on the map can be undone."
            )
        locked.status = ControlStatus.UNDONE
        locked.decided_by = user
        locked.decided_at = timezone.now()
        change_save(locked, user, "Undone", ["status", "decided_by", "decided_at"])
        control_maps_rebuild(since=locked.valid_from)
    return locked


# --- proposals from events ------------------------------------------------------------------------------------


def control_proposal_from_event(event: Event) -> ControlChange | None:
    """Called when an event is published: if its sub-type says territory changed hands, propose to editors that
    its place passes to its actor 1 from its date. Nothing reaches the map until an editor accepts.

    Returns the proposal, or None when the event proposes nothing (another sub-type, no place, no actor 1, or a
    proposal for this event and place already exists, e.g. it was published, rejected and published again).
    """
    if event.sub_event_type not in TERRITORY_SUB_TYPES or event.place_id is None:
        return None
    actor_id = (
        EventActor.objects.filter(event_id=event.pk, role=ActorRole.ACTOR1)
        .order_by("id")
        .values_list("actor_id", flat=True)
        .first()
    )
    if actor_id is None:
        return None
    if ControlChange.objects.filter(event_id=event.pk, place_id=event.place_id).exists():
        return None
    article = (
        EventSource.objects.filter(event_id=event.pk).select_related("article").order_by("id").first()
    )
    if article is not None:
        source = article.article.title + (f" ({article.article.url})" if article.article.url else "")
    else:
        source = f"Event #{event.pk}"
    proposal = ControlChange(
        place_id=event.place_id,
        controller_id=actor_id,
        valid_from=event.occurred_on,
        status=ControlStatus.PROPOSED,
        origin=ControlOrigin.EVENT,
        event=event,
        source=source,
        note=f"Proposed from the published event \u201c{event.title}\u201d ({event.sub_event_type}).",
        precision=f"The event's date: {event.get_date_precision_display().lower()}.",
    )
    change_save(proposal, None, "Proposed from a published event")
    return proposal


def control_proposal_accept(change: ControlChange, user: AbstractBaseUser | None) -> ControlChange:
    """Accept a proposal: it goes on the map from its date."""
    with transaction.atomic():
        locked = _locked(change.pk)
        if locked.status != ControlStatus.PROPOSED:
            raise ControlError(f"{locked} is not a pending proposal ({locked.get_status_display().lower()}).")
        Place.objects.select_for_update().filter(pk=locked.place_id).first()
        _check_free_day(locked.place, locked.valid_from, exclude=locked.pk)
        locked.status = ControlStatus.ACCEPTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        change_save(locked, user, "Accepted", ["status", "decided_by", "decided_at"])
        control_maps_rebuild(since=locked.valid_from)
    return locked


def control_proposal_reject(change: ControlChange, user: AbstractBaseUser | None) -> ControlChange:
    """Decline a proposal: it stays in the history as rejected and never touches the map."""
    with transaction.atomic():
        locked = _locked(change.pk)
        if locked.status != ControlStatus.PROPOSED:
            raise ControlError(f"{locked} is not a pending proposal ({locked.get_status_display().lower()}).")
        locked.status = ControlStatus.REJECTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        change_save(locked, user, "Rejected", ["status", "decided_by", "decided_at"])
    return locked


# --- the cached maps ------------------------------------------------------------------------------------------


def _lock_maps() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(_MAP_LOCK))


def control_maps_rebuild(since: dt.date | None = None) -> int:
    """Bring the cached maps in line with the accepted changes, from the map holding on ``since`` onwards (all of
    them when None); returns the number of map rows written or deleted, 0 when they were already right.

    The state of every place is replayed from the first change (one query), cells are cut once, and a controller
    whose places did not change between two dates reuses its dissolved area.
    """
    with transaction.atomic():
        _lock_maps()
        changes = list(
            ControlChange.objects.filter(status=ControlStatus.ACCEPTED)
            .order_by("valid_from", "id")
            .values_list("place_id", "controller_id", "valid_from")
        )
        dates = sorted({c[2] for c in changes})
        existing_dates = sorted(ControlMap.objects.values_list("valid_from", flat=True))
        start = None
        if since is not None:
            # The map in force on `since` may get a new end date: rebuild from it.
            earlier = [d for d in [*dates, *existing_dates] if d < since]
            start = max(earlier) if earlier else None
        place_ids = {c[0] for c in changes}
        seeds = [
            Seed(pk, lon, lat, slug)
            for pk, lon, lat, slug in Place.objects.filter(pk__in=place_ids)
            .order_by("pk")
            .values_list("pk", "longitude", "latitude", "slug")
        ]
        actor_ids = {c[1] for c in changes}
        actors: dict[int, Mapping[str, str]] = {
            row["pk"]: row for row in Actor.objects.filter(pk__in=actor_ids).values("pk", "name", "slug", "color")
        }
        cells = Cells(seeds)
        old = {m.valid_from: m for m in ControlMap.objects.filter(**({"valid_from__gte": start} if start else {}))}
        held: dict[int, int] = {}
        written = 0
        index = 0
        for position, day in enumerate(dates):
            while index < len(changes) and changes[index][2] == day:
                held[changes[index][0]] = changes[index][1]
                index += 1
            if start is not None and day < start:
                continue
            valid_to = dates[position + 1] if position + 1 < len(dates) else None
            features = map_features(cells, held, actors, DERIVED_NOTE)
            row = old.pop(day, None)
            if row is None:
                ControlMap.objects.create(valid_from=day, valid_to=valid_to, features=features)
                written += 1
            elif row.valid_to != valid_to or row.features != features:
                row.valid_to, row.features = valid_to, features
                row.save(update_fields=["valid_to", "features", "built_at"])
                written += 1
        if old:
            written += ControlMap.objects.filter(pk__in=[m.pk for m in old.values()]).delete()[0]
    return written
