"""Reads of the control history: who held a place on a date, a place's periods, the derived map of a date and the
dates the map changes on. Each is one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from actors.models import Actor
from events.models import ControlChange, ControlMap, ControlStatus, Place


@dataclass
class ControlPeriod:
    """A stretch of time during which one controller held a place, with what the record rests on."""

    controller: Actor
    valid_from: date
    valid_to: date | None
    source: str
    note: str
    precision: str
    change_id: int

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def place_controller_on(place: Place, day: date) -> Actor | None:
    """The actor holding ``place`` on ``day`` per the accepted history, or None before its first record: one query."""
    change = (
        ControlChange.objects.filter(place=place, status=ControlStatus.ACCEPTED, valid_from__lte=day)
        .select_related("controller")
        .order_by("-valid_from")
        .first()
    )
    return change.controller if change is not None else None


def place_control_periods(place: Place) -> list[ControlPeriod]:
    """The place's accepted history, oldest first, each period ending where the next begins: one query."""
    changes = list(
        ControlChange.objects.filter(place=place, status=ControlStatus.ACCEPTED)
        .select_related("controller")
        .order_by("valid_from")
    )
    return [
        ControlPeriod(
            controller=c.controller,
            valid_from=c.valid_from,
            valid_to=changes[i + 1].valid_from if i + 1 < len(changes) else None,
            source=c.source,
            note=c.note,
            precision=c.precision,
            change_id=c.pk,
        )
        for i, c in enumerate(changes)
    ]


def derived_features_on(day: date) -> list[dict[str, Any]]:
    """The derived areas in force on ``day`` as GeoJSON Features (one per controller), dated by their map: one query
    (the newest map starting on or before the day; unique index on valid_from)."""
    snapshot = ControlMap.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if snapshot is None:
        return []
    valid_from = snapshot.valid_from.isoformat()
    valid_to = snapshot.valid_to.isoformat() if snapshot.valid_to else None
    return [
        {
            **feature,
            "id": f"derived-{valid_from}-{feature['properties']['controller_slug']}",
            "properties": {**feature["properties"], "valid_from": valid_from, "valid_to": valid_to},
        }
        for feature in snapshot.features
    ]


def control_change_dates() -> list[date]:
    """Every date the derived map changes on (the start of each cached map): one query."""
    return list(ControlMap.objects.order_by("valid_from").values_list("valid_from", flat=True))
