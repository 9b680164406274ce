"""Reference data: the place gazetteer, OCHA-style place imports, default feeds, and seeding all of it.

The data files ship with the project (`actors/data/actors.json`, `events/data/places.json`,
`events/data/control_zones.geojson`, `events/data/control_history.json`, `events/data/feeds.json`); each states
its sources.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from actors.names import normalize_name
from events.models import Feed, Place, PlaceKind
from idlib_tracker.loading import LoadReport, ReferenceDataError, too_long

ACTORS_FILE = settings.BASE_DIR / "actors" / "data" / "actors.json"
PLACES_FILE = settings.BASE_DIR / "events" / "data" / "places.json"
ZONES_FILE = settings.BASE_DIR / "events" / "data" / "control_zones.geojson"
CONTROL_HISTORY_FILE = settings.BASE_DIR / "events" / "data" / "control_history.json"
FEEDS_FILE = settings.BASE_DIR / "events" / "data" / "feeds.json"

# OCHA's governorate names -> the spelling used across the project (Place.admin1, filters, the gazetteer).
GOVERNORATES = {
    "Idleb": "Idlib", "Lattakia": "Latakia", "Rural Damascus": "Rif Dimashq", "Tartous": "Tartus",
    "Dar'a": "Daraa", "Ar-Raqqa": "Raqqa", "Deir-ez-Zor": "Deir ez-Zor", "Al-Hasakeh": "Hasakah",
    "As-Sweida": "Suwayda", "Homs": "Homs", "Hama": "Hama", "Aleppo": "Aleppo", "Quneitra": "Quneitra",
    "Damascus": "Damascus",
}
_GOVERNORATE_KEYS = {normalize_name(k): v for k, v in GOVERNORATES.items()} | {
    normalize_name(v): v for v in GOVERNORATES.values()
}
# Two names within this distance in the same governorate are taken to be the same place.
SAME_PLACE_KM = 5.0
_PLACE_FIELDS = ("name", "aliases", "latitude", "longitude", "admin1", "admin2", "country", "kind", "source")
_SLUG = re.compile(r"^[-a-z0-9]+$")


def governorate(name: str) -> str:
    """The project's spelling of a governorate given in OCHA's or our own spelling; unknown names pass through."""
    return _GOVERNORATE_KEYS.get(normalize_name(name), name.strip())


def read_json(path: Path) -> Any:
    """Parse a reference file, or say which file is broken and where."""
    try:
        return json.loads(Path(path).read_bytes().decode("utf-8-sig", "surrogateescape"))
    except OSError as exc:
        raise ReferenceDataError(f"{path}: cannot be read ({exc.strerror}).") from exc
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from exc


def text_repair(value: str) -> tuple[str, bool]:
    """Drop the bytes of invalid UTF-8 kept by read_json (as lone surrogates); True when something was dropped.

    OCHA's gazetteer holds Arabic names cut in the middle of a character: the broken tail is removed, the rest of
    the name kept.
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value, False
    repaired = value.encode("utf-8", "surrogateescape").decode("utf-8", "ignore")
    return repaired.strip(), True


def repaired_note(count: int) -> str:
    return f"{count} name{'' if count == 1 else 's'} repaired (invalid UTF-8 bytes dropped)"


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Equirectangular approximation: good to a few metres at these distances.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


# --- the shipped place gazetteer ---------------------------------------------------------------------------------

def _place_errors(index: int, item: Any) -> list[str]:
    if not isinstance(item, Mapping):
        return [f"place {index + 1}: must be an object."]
    where = f"place {index + 1} ({item.get('slug')!r})"
    errors = []
    if not isinstance(item.get("slug"), str) or not _SLUG.match(item["slug"]):
        errors.append(f"{where}: slug must be lower-case letters, digits and hyphens.")
    if not isinstance(item.get("name"), str) or not normalize_name(item["name"]):
        errors.append(f"{where}: name is missing.")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and normalize_name(a) for a in aliases):
        errors.append(f"{where}: aliases must be a list of non-empty names.")
    lat, lon = item.get("latitude"), item.get("longitude")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        errors.append(f"{where}: latitude and longitude must be numbers.")
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors.append(f"{where}: ({lat}, {lon}) is not a valid latitude/longitude.")
    errors += [f"{where}: {problem}." for problem in too_long(Place, item, ("name", "admin1", "admin2", "country",
                                                                            "source"))]
    if item.get("kind", PlaceKind.TOWN) not in PlaceKind.values:
        errors.append(f"{where}: kind {item.get('kind')!r} is not one of {', '.join(PlaceKind.values)}.")
    return errors


def place_aliases_wanted(item: Mapping[str, Any]) -> list[str]:
    """The aliases a place entry is stored with: its own name is matched anyway, so only the other spellings, in
    file order (the evaluation builds its gazetteer from the same)."""
    return [a for a in dict.fromkeys(item.get("aliases", [])) if normalize_name(a) != normalize_name(item["name"])]


def place_gazetteer_load(data: Mapping[str, Any]) -> LoadReport:
    """Upsert the places of a gazetteer ({"places": [...]}) by slug; a second run with the same data writes nothing.

    Every name and alias must belong to one place only (after normalisation), so the matcher never has to guess.
    Places not in the data (imported or added by editors) are left alone.
    """
    items = data.get("places") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise ReferenceDataError('The place gazetteer must be an object with a "places" list.')
    errors = [e for index, item in enumerate(items) for e in _place_errors(index, item)]
    owner: dict[str, str] = {}
    slugs: set[str] = set()
    for item in items if not errors else []:
        if item["slug"] in slugs:
            errors.append(f"slug {item['slug']!r} is listed more than once.")
        slugs.add(item["slug"])
        for name in [item["name"], *item.get("aliases", [])]:
            key = normalize_name(name)
            if owner.setdefault(key, item["slug"]) != item["slug"]:
                errors.append(f"name {name!r} belongs to both {owner[key]!r} and {item['slug']!r}.")
    if errors:
        raise ReferenceDataError(errors)

    report = LoadReport("places")
    with transaction.atomic():
        existing = {p.slug: p for p in Place.objects.select_for_update().filter(slug__in=slugs)}
        new, changed_rows, changed_fields = [], [], set()
        for item in items:
            values = {
                "name": item["name"],
                "aliases": place_aliases_wanted(item),
                "latitude": float(item["latitude"]),
                "longitude": float(item["longitude"]),
                "admin1": governorate(item.get("admin1") or ""),
                "admin2": item.get("admin2") or "",
                "country": item.get("country") or "Syria",
                "kind": item.get("kind") or PlaceKind.TOWN,
                "source": item.get("source") or "",
            }
            place = existing.get(item["slug"])
            if place is None:
                new.append(Place(slug=item["slug"], **values))
                continue
            fields = [f for f in _PLACE_FIELDS if getattr(place, f) != values[f]]
            if fields:
                for f in fields:
                    setattr(place, f, values[f])
                changed_rows.append(place)
                changed_fields.update(fields)
        Place.objects.bulk_create(new)
        if changed_rows:
            Place.objects.bulk_update(changed_rows, sorted(changed_fields))
    report.created, report.updated = len(new), len(changed_rows)
    report.unchanged = len(items) - report.created - report.updated
    return report


# --- OCHA-style point gazetteers (import_places) -------------------------------------------------------------------

def _point(feature: Mapping[str, Any]) -> tuple[float, float] | None:
    """(latitude, longitude) of a Point / MultiPoint feature, or of LATITUDE / LONGITUDE properties."""
    geometry = feature.get("geometry") or {}
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "MultiPoint" and coordinates:
        coordinates = coordinates[0]
    if geometry.get("type") in ("Point", "MultiPoint") and isinstance(coordinates, list) and len(coordinates) >= 2:
        lon, lat = coordinates[0], coordinates[1]
    else:
        props = feature.get("properties") or {}
        lat, lon = props.get("LATITUDE"), props.get("LONGITUDE")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lat), float(lon)


# OCHA's CAPIT_LVL: 0 national, 1 governorate, 2 district, 3 sub-district centre; empty for other places.
_OCHA_KIND = {0: PlaceKind.CITY, 1: PlaceKind.CITY, 2: PlaceKind.TOWN, 3: PlaceKind.TOWN}


def places_import_geojson(
    collection: Mapping[str, Any],
    *,
    admin1: Iterable[str] = (),
    name_property: str = "NAME_EN",
    source: str = "OCHA Syria COD populated places",
) -> LoadReport:
    """Import an OCHA-style GeoJSON point gazetteer (NAME_EN, NAME_ARA, ADMIN1_EN, ADMIN2_EN, PCODE, CAPIT_LVL).

    ``admin1`` keeps only those governorates (either spelling). A place whose name is already in the gazetteer
    within SAME_PLACE_KM in the same governorate is skipped rather than duplicated. Names cut by invalid UTF-8
    are repaired and counted. Idempotent: places are keyed by name + PCODE.
    """
    features = collection.get("features") if isinstance(collection, Mapping) else None
    if not isinstance(features, list):
        raise ReferenceDataError("Not a GeoJSON FeatureCollection: there is no features list.")
    wanted = {governorate(a) for a in admin1}
    report = LoadReport("places")
    repaired_names = 0
    rows: dict[str, Place] = {}
    unusable = 0
    for feature in features:
        props = dict(feature.get("properties") or {}) if isinstance(feature, Mapping) else {}
        if wanted and governorate(str(props.get("ADMIN1_EN") or "")) not in wanted:
            continue
        for key, value in props.items():
            if isinstance(value, str):
                props[key], was_repaired = text_repair(value)
                repaired_names += was_repaired
        gov = governorate(props.get("ADMIN1_EN") or "")
        point = _point(feature) if isinstance(feature, Mapping) else None
        name = (props.get(name_property) or "").strip() if isinstance(props.get(name_property), str) else ""
        if point is None or not normalize_name(name):
            unusable += 1
            continue
        admin2 = str(props.get("ADMIN2_EN") or "").strip()
        if too_long(Place, {"name": name, "admin1": gov, "admin2": admin2}, ("name", "admin1", "admin2")):
            unusable += 1
            continue
        code = str(props.get("PCODE") or props.get("ADMIN3_COD") or "").strip()
        # A name with no Latin letters still gets a stable slug, so a second run finds the same row.
        slug = slugify(f"{name} {code}")[:200] or f"place-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
        aliases = [a for a in (props.get("NAM_EN_REF"), props.get("NAME_ARA"))
                   if isinstance(a, str) and normalize_name(a) and normalize_name(a) != normalize_name(name)]
        rows[slug] = Place(
            slug=slug, name=name, aliases=list(dict.fromkeys(aliases)), latitude=point[0], longitude=point[1],
            admin1=gov, admin2=admin2, country="Syria",
            kind=_OCHA_KIND.get(props.get("CAPIT_LVL"), PlaceKind.VILLAGE),
            source=f"{source} ({code})" if code else source,
        )
    if repaired_names:
        report.notes.append(repaired_note(repaired_names))
    if unusable:
        report.notes.append(f"{unusable} features without a usable name or valid coordinates ignored")

    with transaction.atomic():
        existing = {p.slug: p for p in Place.objects.select_for_update().filter(slug__in=rows)}
        # Places already known under another slug (the curated gazetteer): name or alias, same governorate, near.
        known: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for slug, name, aliases, gov, lat, lon in Place.objects.values_list(
            "slug", "name", "aliases", "admin1", "latitude", "longitude"
        ).order_by():
            if slug in rows:
                continue
            for n in [name, *(aliases or [])]:
                known.setdefault((gov, normalize_name(n)), []).append((lat, lon))
        new, changed_rows, changed_fields = [], [], set()
        for slug, row in rows.items():
            place = existing.get(slug)
            if place is None:
                names = [row.name, *row.aliases]
                if any(_distance_km(row.latitude, row.longitude, lat, lon) <= SAME_PLACE_KM
                       for n in names for lat, lon in known.get((row.admin1, normalize_name(n)), [])):
                    report.skipped += 1
                    continue
                new.append(row)
                continue
            fields = [f for f in _PLACE_FIELDS if getattr(place, f) != getattr(row, f)]
            if fields:
                for f in fields:
                    setattr(place, f, getattr(row, f))
                changed_rows.append(place)
                changed_fields.update(fields)
            else:
                report.unchanged += 1
        Place.objects.bulk_create(new, batch_size=500)
        if changed_rows:
            Place.objects.bulk_update(changed_rows, sorted(changed_fields), batch_size=500)
    report.created, report.updated = len(new), len(changed_rows)
    if report.skipped:
        report.notes.append(f"{report.skipped} already in the gazetteer under another spelling")
    return report


# --- default feeds -------------------------------------------------------------------------------------------------

def feed_defaults_load(data: Mapping[str, Any]) -> LoadReport:
    """Create the default feeds ({"feeds": [...]}) that do not exist yet, keyed by URL.

    An existing feed is never changed: editors may have renamed it or switched it off, and seeding again must
    not undo that.
    """
    items = data.get("feeds") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise ReferenceDataError('The feed list must be an object with a "feeds" list.')
    validate_url = URLValidator(schemes=["http", "https"])
    errors = []
    for index, item in enumerate(items):
        where = f"feed {index + 1}"
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not item["name"].strip():
            errors.append(f"{where}: needs a name.")
            continue
        try:
            validate_url(item.get("url") or "")
        except ValidationError:
            errors.append(f"{where} ({item['name']}): {item.get('url')!r} is not an http(s) URL.")
        interval = item.get("fetch_interval_minutes", 15)
        if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
            errors.append(f"{where} ({item['name']}): fetch_interval_minutes must be a whole number of minutes.")
    if errors:
        raise ReferenceDataError(errors)

    report = LoadReport("feeds")
    with transaction.atomic():
        existing = set(Feed.objects.filter(url__in=[i["url"] for i in items]).values_list("url", flat=True))
        new = [
            Feed(name=i["name"].strip(), url=i["url"], language=i.get("language") or "en",
                 fetch_interval_minutes=i.get("fetch_interval_minutes", 15), active=i.get("active", True))
            for i in items
            if i["url"] not in existing
        ]
        # Feed has history: save() one by one so each creation is recorded (a handful of rows).
        for feed in new:
            feed.save()
    report.created = len(new)
    report.unchanged = len(items) - len(new)
    return report


# --- everything -------------------------------------------------------------------------------------------------

def reference_seed() -> list[LoadReport]:
    """Load the shipped gazetteers, control zones and default feeds, all or nothing; idempotent."""
    from actors.services import actor_gazetteer_load
    from events.territory.history import control_history_load
    from events.territory.zones import zones_import

    actors_data, places_data = read_json(ACTORS_FILE), read_json(PLACES_FILE)
    zones_data, feeds_data = read_json(ZONES_FILE), read_json(FEEDS_FILE)
    history_data = read_json(CONTROL_HISTORY_FILE)
    with transaction.atomic():
        reports = [actor_gazetteer_load(actors_data), place_gazetteer_load(places_data)]
        zone_report = LoadReport("control zones")
        zones_import(zones_data, report=zone_report)
        reports += [zone_report, control_history_load(history_data), feed_defaults_load(feeds_data)]
    return reports
