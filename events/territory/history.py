"""Loading the shipped control history (events/data/control_history.json) through the same writes editors use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from actors.models import Actor
from events.models import ControlChange, ControlOrigin, ControlStatus, Place
from events.territory.services import change_save, control_maps_rebuild
from idlib_tracker.loading import LoadReport, ReferenceDataError


def _parse_day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def control_history_load(data: Mapping[str, Any]) -> LoadReport:
    """Load the shipped control history (events/data/control_history.json), all or nothing; idempotent.

    Each entry of "changes": date, controller (actor slug), places (slugs), sources (keys of "sources"), note,
    precision. A shipped change is keyed by (place, date): a second run writes nothing, a corrected controller,
    note or source updates it in place, one the file no longer lists is undone, and an editor's undo of a shipped
    change is kept (its status is never reset). The cached maps are then brought up to date (nothing written when
    they already are).
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("changes"), list):
        raise ReferenceDataError('The control history must be an object with a "changes" list.')
    sources = data.get("sources") or {}
    entries = data["changes"]
    place_slugs = {s for e in entries if isinstance(e, Mapping) for s in e.get("places") or []}
    actor_slugs = {e.get("controller") for e in entries if isinstance(e, Mapping)}
    places = dict(Place.objects.filter(slug__in=place_slugs).values_list("slug", "pk"))
    actors = dict(Actor.objects.filter(slug__in=actor_slugs).values_list("slug", "pk"))
    errors: list[str] = []
    rows: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"change {number}"
        if not isinstance(entry, Mapping):
            errors.append(f"{where}: not an object.")
            continue
        day = _parse_day(entry.get("date"))
        if day is None:
            errors.append(f"{where}: date {entry.get('date')!r} is not a date like 2019-08-21.")
        if entry.get("controller") not in actors:
            errors.append(f"{where}: controller {entry.get('controller')!r} is not a known actor slug.")
        keys = entry.get("sources") or []
        missing = [k for k in keys if k not in sources]
        if not keys or missing:
            errors.append(f"{where}: sources must name keys of \"sources\" (unknown: {missing or 'none given'}).")
        unknown = [s for s in entry.get("places") or [] if s not in places]
        if unknown or not entry.get("places"):
            errors.append(f"{where}: unknown places {unknown}" if unknown else f"{where}: no places listed.")
        if errors and errors[-1].startswith(where):
            continue
        for slug in entry["places"]:
            key = (places[slug], day)
            if key in rows:
                errors.append(f"{where}: {slug} already changes hands on {day.isoformat()} in another entry.")
                continue
            rows[key] = {
                "controller_id": actors[entry["controller"]],
                "source": "; ".join(sources[k] for k in keys),
                "note": str(entry.get("note") or "").strip(),
                "precision": str(entry.get("precision") or "").strip(),
            }
    if errors:
        raise ReferenceDataError(errors)

    report = LoadReport("control history")
    maps = LoadReport("control maps")
    report.parts.append(maps)
    with transaction.atomic():
        existing = {
            (c.place_id, c.valid_from): c
            for c in ControlChange.objects.select_for_update().filter(origin=ControlOrigin.REFERENCE)
        }
        for (place_id, day), values in rows.items():
            change = existing.get((place_id, day))
            if change is None:
                if ControlChange.objects.filter(
                    place_id=place_id, valid_from=day, status=ControlStatus.ACCEPTED
                ).exists():
                    report.skipped += 1  # an editor's own change holds that day: theirs wins
                    continue
                change = ControlChange(
                    place_id=place_id, valid_from=day, status=ControlStatus.ACCEPTED,
                    origin=ControlOrigin.REFERENCE, **values,
                )
                change_save(change, None, "Loaded from the shipped history")
                report.created += 1
                continue
            fields = [f for f, v in values.items() if getattr(change, f) != v]
            if fields:
                for f in fields:
                    setattr(change, f, values[f])
                change_save(change, None, "Corrected from the shipped history", fields)
                report.updated += 1
            else:
                report.unchanged += 1
        # A shipped change that the file no longer lists (a correction) leaves the map; its row and history stay.
        for key, change in existing.items():
            if key not in rows and change.status == ControlStatus.ACCEPTED:
                change.status = ControlStatus.UNDONE
                change_save(change, None, "No longer in the shipped history", ["status"])
                report.updated += 1
        maps.updated = control_maps_rebuild()
    return report
