"""Writes to control zones: importing a dated set of zones from GeoJSON, and closing a zone's validity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actors.models import Actor, Alias
from actors.names import normalize_name
from events.models import ControlZone
from events.territory.geo import validate_zone_geometry
from idlib_tracker.loading import LoadReport, ReferenceDataError

# What a zones file may change on a zone it already holds (name, controller and start identify the zone).
_IMPORTED_FIELDS = ("valid_to", "geometry", "source_note")


def _date(value: Any, default: dt.date | None, what: str) -> dt.date | None:
    if value in (None, ""):
        return default
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{what} {value!r} is not a date like 2018-09-01.") from None


class _Controllers:
    """Controller references given as actor slugs or as any alias ("HTS"), resolved in two queries in all. A name
    with periods ("Syrian government") means the actor of the zone's first day."""

    def __init__(self, references: set[str]) -> None:
        self.by_slug = {a.slug: a for a in Actor.objects.filter(slug__in=references)}
        by_alias = {normalize_name(r): r for r in references - self.by_slug.keys()}
        self.by_alias: dict[str, list[Alias]] = {}
        for alias in Alias.objects.select_related("actor").filter(normalized__in=by_alias).order_by("pk"):
            self.by_alias.setdefault(by_alias[alias.normalized], []).append(alias)

    def get(self, reference: str, on: dt.date | None) -> Actor | None:
        if reference in self.by_slug:
            return self.by_slug[reference]
        aliases = self.by_alias.get(reference, [])
        if on is not None:
            dated = next((alias for alias in aliases if alias.covers(on)), None)
            if dated is not None:
                return dated.actor
        current = next((alias for alias in aliases if alias.valid_to is None), None)
        return current.actor if current else None


def zones_import(
    feature_collection: Mapping[str, Any],
    *,
    default_valid_from: dt.date | None = None,
    default_source_note: str = "",
    report: LoadReport | None = None,
) -> list[ControlZone]:
    """Import a GeoJSON FeatureCollection of control zones; returns the zones, created or already there.

    Each feature's properties: name, controller (actor slug or alias), valid_from (or ``default_valid_from``),
    optional valid_to and source_note (or ``default_source_note``). Every feature is checked before anything is
    written; one bad feature rejects the whole file with every problem listed. Idempotent: a zone is keyed by
    (name, controller, valid_from), so re-importing the same dated set changes nothing, and a corrected
    geometry, end date or note updates the zone in place. Pass ``report`` to receive the counts.
    """
    if not isinstance(feature_collection, Mapping) or feature_collection.get("type") != "FeatureCollection":
        raise ReferenceDataError('Not a GeoJSON FeatureCollection (its "type" must be "FeatureCollection").')
    features = feature_collection.get("features")
    if not isinstance(features, list) or not features:
        raise ReferenceDataError("The FeatureCollection has no features.")

    props_list = [f.get("properties") or {} if isinstance(f, Mapping) else {} for f in features]
    controllers = _Controllers({str(p["controller"]) for p in props_list if p.get("controller")})
    errors: list[str] = []
    rows: dict[tuple[str, int, dt.date], dict[str, Any]] = {}
    for index, (feature, props) in enumerate(zip(features, props_list, strict=True)):
        name = str(props.get("name") or "").strip()
        where = f"feature {index + 1}" + (f" ({name})" if name else "")
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            errors.append(f"{where}: not a GeoJSON Feature.")
            continue
        problems = []
        if not name:
            problems.append("has no name")
        try:
            valid_from = _date(props.get("valid_from"), default_valid_from, "valid_from")
            valid_to = _date(props.get("valid_to"), None, "valid_to")
            if valid_from is None:
                problems.append("has no valid_from (and no default was given)")
            elif valid_to is not None and valid_to <= valid_from:
                problems.append(f"valid_to {valid_to} is not after valid_from {valid_from}")
        except ValidationError as exc:
            problems += exc.messages
            valid_from = valid_to = None
        controller = controllers.get(str(props.get("controller") or ""), valid_from)
        if controller is None:
            problems.append(f"controller {props.get('controller')!r} is not a known actor slug or alias")
        geometry = feature.get("geometry")
        try:
            validate_zone_geometry(geometry)
        except ValidationError as exc:
            problems += exc.messages
        if problems:
            errors.append(f"{where}: {'; '.join(problems)}.")
            continue
        key = (name, controller.pk, valid_from)
        if key in rows:
            errors.append(f"{where}: the same zone (name, controller, valid_from) is listed twice.")
            continue
        rows[key] = {
            "name": name,
            "controller": controller,
            "valid_from": valid_from,
            "valid_to": valid_to,
            # Only the geometry object itself: a feature's bbox or crs members are not part of the zone.
            "geometry": {"type": geometry["type"], "coordinates": geometry["coordinates"]},
            "source_note": str(props.get("source_note") or default_source_note).strip(),
        }
    if errors:
        raise ReferenceDataError(errors)

    report = report if report is not None else LoadReport("control zones")
    zones = []
    with transaction.atomic():
        names = {k[0] for k in rows}
        existing = {
            (z.name, z.controller_id, z.valid_from): z
            for z in ControlZone.objects.select_for_update().filter(name__in=names)
        }
        new, changed = [], []
        for key, values in rows.items():
            zone = existing.get(key)
            if zone is None:
                zone = ControlZone(**values)
                zone.fit_bounds()
                new.append(zone)
            else:
                fields = [f for f in _IMPORTED_FIELDS if getattr(zone, f) != values[f]]
                for f in fields:
                    setattr(zone, f, values[f])
                zone.fit_bounds()
                if fields:
                    changed.append(zone)
            zones.append(zone)
        # Geometries were validated above (validate_zone_geometry): the bulk writes skip ControlZone.save().
        # One INSERT (or UPDATE) for the rows and one for their history, however many zones the file holds.
        if new:
            bulk_create_with_history(new, ControlZone)
        if changed:
            bulk_update_with_history(changed, ControlZone, [*_IMPORTED_FIELDS, *ControlZone.BOUNDS])
        report.created += len(new)
        report.updated += len(changed)
        report.unchanged += len(zones) - len(new) - len(changed)
    return zones


def zone_close(zone: ControlZone, valid_to: dt.date) -> ControlZone:
    """End a zone's validity on ``valid_to`` (the first day it no longer holds), e.g. when a front line moves.

    Closing again on the same date is a no-op; a zone already closed on another date, or a date not after
    valid_from, is refused with a clear error.
    """
    with transaction.atomic():
        current = ControlZone.objects.select_for_update().get(pk=zone.pk)
        if current.valid_to == valid_to:
            return current
        if current.valid_to is not None:
            raise ValidationError(
                f"{current.name} was already closed on {current.valid_to}; edit the zone to change its end date."
            )
        if valid_to <= current.valid_from:
            raise ValidationError(
                f"{current.name} starts on {current.valid_from}: it cannot end on {valid_to}, which is not later."
            )
        current.valid_to = valid_to
        current.save(update_fields=["valid_to"])
    zone.valid_to = valid_to
    return current
