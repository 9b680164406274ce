"""Exports of any size: a fast reader of the record, and full-record files written once per version by a job.

Reading: `export_chunks` yields the events of a filter in keyset chunks as light objects (plain attributes, no
model instances, no querysets per row), built from three `values()` queries a chunk (events with their place;
actor roles with the actor and its parent; sources with article and feed), the same three the model-based reader
issued. They answer what `events.public.export_records.export_record` reads of an event (`pk`, its fields, `place`,
`actor_roles.all()`, `event_sources.all()`), so the CSV/JSON writers stay one code path; a test holds the two
readers to the same records. This is what makes 100,000 events a few seconds of work instead of thirty.

Full-record files: an export of everything published (no filter at all) is not built inside a web request, where
a larger record would one day meet gunicorn's worker timeout. `/api/exports/events.<kind>` serves the file of the
record's current version (events.freshness) when it exists; otherwise it enqueues `write_full_export(kind,
version)` (on commit, once per version, see `full_export_wanted`) and answers 202 "being prepared". The task claims
(kind, version) in the shared cache before writing, so two workers never write the same file; it writes to a
temporary name and renames, so a reader never sees half a file; it keeps the two newest files of each kind.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from events.models import Event, EventActor, EventSource, Place
from events.public.filters import Cursor, EventFilters
from events.public.presentation import TYPE_COLORS

EXPORT_CHUNK = 2000
KINDS = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
KEEP_FILES = 2

# What an export may say about an event and its place: not the editors' bookkeeping (review, merge, creation), not
# the search vector, not the place's JSON list of spellings (decoding it for every row cost a tenth of the time).
_EVENT_FIELDS = [
    f.attname for f in Event._meta.concrete_fields
    if f.attname not in ("search_vector", "rejection_reason", "reviewed_by_id", "reviewed_at", "merged_into_id",
                         "editor_owned", "created_at")
]
_PLACE_FIELDS = [f.attname for f in Place._meta.concrete_fields if f.attname != "aliases"]
# What an export may say about an actor (not its long description or designations).
_ACTOR_FIELDS = ["id", "name", "slug", "kind", "status", "country", "color", "parent_id"]
_SOURCE_FIELDS = ["id", "sentence", "article_id", "article__url", "article__title", "article__feed_id",
                  "article__feed__name"]


class Light:
    """An object with the attributes it is given: a row of an export, in place of a model instance."""

    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)

    @classmethod
    def of(cls, attributes: dict[str, Any]) -> Light:
        """The fast way for rows: the dict becomes the object's namespace as it is."""
        light = cls.__new__(cls)
        light.__dict__ = attributes
        return light


class Related(list):
    """A prefetched relation: `.all()` is the list itself."""

    def all(self) -> Related:
        return self


def _actor(values: tuple, memo: dict[int, Light]) -> Light | None:
    """An actor from its _ACTOR_FIELDS values (id first), made once per export."""
    actor_id = values[0]
    if actor_id is None:
        return None
    found = memo.get(actor_id)
    if found is None:
        found = memo[actor_id] = Light.of(dict(zip(_ACTOR_FIELDS, values, strict=True)))
        found.pk = actor_id
        found.parent = None
    return found


def export_chunks(filters: EventFilters, chunk: int = EXPORT_CHUNK) -> Iterator[list[Light]]:
    """Every published event of ``filters``, newest first, in keyset chunks of ``chunk`` (three queries a chunk)."""
    from events.public.selectors import _keyset, filter_events

    places: dict[int, Light] = {}
    actors: dict[int, Light] = {}
    parents: dict[int, Light] = {}
    width = len(_ACTOR_FIELDS)
    role_values = ["event_id", "role"] + [f"actor__{n}" for n in _ACTOR_FIELDS] + [
        f"actor__parent__{n}" for n in _ACTOR_FIELDS
    ]
    event_values = _EVENT_FIELDS + [f"place__{n}" for n in _PLACE_FIELDS]
    n_event = len(_EVENT_FIELDS)
    place_at = _EVENT_FIELDS.index("place_id")
    feeds: dict[int, Light] = {}
    cursor = filters.cursor
    while True:
        qs = _keyset(filter_events(filters), cursor).order_by("-occurred_on", "-id")
        rows = list(qs.values_list(*event_values)[:chunk])
        if not rows:
            return
        events: dict[int, Light] = {}
        for row in rows:
            event = Light.of(dict(zip(_EVENT_FIELDS, row[:n_event], strict=True)))
            event.pk = row[0]
            place_id = row[place_at]
            place = None
            if place_id is not None:
                place = places.get(place_id)
                if place is None:
                    place = places[place_id] = Light.of(dict(zip(_PLACE_FIELDS, row[n_event:], strict=True)))
                    place.pk = place_id
            event.place = place
            event.actor_roles = Related()
            event.event_sources = Related()
            events[event.pk] = event
        # The chunk's ids again as a subquery, not as 2000 parameters Django would prepare one by one in Python.
        ids = qs.values("id")[:chunk]
        for row in EventActor.objects.filter(event_id__in=ids).order_by("role", "id").values_list(*role_values):
            actor = _actor(row[2:2 + width], actors)
            if actor is not None and actor.parent_id is not None and actor.parent is None:
                actor.parent = _actor(row[2 + width:], parents)
            events[row[0]].actor_roles.append(Light.of({"role": row[1], "actor": actor, "actor_id": row[2]}))
        sources = EventSource.objects.filter(event_id__in=ids).order_by("id").values_list("event_id", *_SOURCE_FIELDS)
        for event_id, source_id, sentence, article_id, url, title, feed_id, feed_name in sources:
            feed = feeds.get(feed_id)
            if feed is None:
                feed = feeds[feed_id] = Light.of({"pk": feed_id, "id": feed_id, "name": feed_name})
            article = Light.of({"pk": article_id, "id": article_id, "url": url, "title": title, "feed": feed,
                                "feed_id": feed_id})
            events[event_id].event_sources.append(Light.of(
                {"pk": source_id, "id": source_id, "sentence": sentence, "article": article, "article_id": article_id}
            ))
        batch = list(events.values())
        yield batch
        if len(batch) < chunk:
            return
        last = batch[-1]
        cursor = Cursor(last.occurred_on, last.pk)


# --- GeoJSON of the whole record -----------------------------------------------------------------------------------


def _geojson_lines(chunks: Iterator[list[Light]]) -> Iterator[str]:
    detail_url = reverse("events:detail", args=[0]).removesuffix("0/")
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for chunk in chunks:
        for event in chunk:
            place = event.place
            if place is None:
                continue
            feature = {
                "type": "Feature",
                "id": event.pk,
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": {
                    "title": event.title, "date": event.occurred_on.isoformat(), "event_type": event.event_type,
                    "sub_event_type": event.sub_event_type, "fatalities": event.fatalities, "place": place.name,
                    "url": f"{detail_url}{event.pk}/", "color": TYPE_COLORS.get(event.event_type, "#555555"),
                },
            }
            yield ("" if first else ",") + "\n" + json.dumps(feature)
            first = False
    yield "\n]}\n"


def lines(kind: str, filters: EventFilters) -> Iterator[str]:
    """The export of ``filters`` as text pieces, in the same format as the streaming API answers."""
    from events.public.export_records import csv_lines, json_lines

    chunks = export_chunks(filters)
    if kind == "csv":
        return csv_lines(chunks)
    if kind == "json":
        return json_lines(chunks, filters)
    if kind == "geojson":
        return _geojson_lines(chunks)
    raise ValueError(f"unknown export kind {kind!r}")


# --- Full-record files ---------------------------------------------------------------------------------------------


def exports_root() -> Path:
    return Path(settings.EXPORTS_ROOT)


def export_path(kind: str, version: int) -> Path:
    return exports_root() / f"idlib-tracker-events-{version:x}.{kind}"


def download_name(kind: str, version: int) -> str:
    from datetime import UTC, datetime

    stamp = datetime.fromtimestamp(version / 1_000_000, tz=UTC).strftime("%Y-%m-%dT%H%M%SZ")
    return f"idlib-tracker-events-{stamp}.{kind}"


@dataclass
class ExportReport:
    kind: str
    version: int
    written: bool
    path: Path
    bytes: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def _claim_key(kind: str, version: int) -> str:
    return f"idlib:export:claim:{kind}:{version:x}"


def full_export_write(kind: str, version: int) -> ExportReport:
    """Write the full-record file of ``kind`` for ``version``, unless it exists or another worker has claimed it.

    The claim lasts longer than the task may run (its time limit is the visibility timeout less 30 s), so a worker
    killed mid-write frees it for the next request. If the record moved on while writing, the file is still the
    record as read (one snapshot per chunk), and the next request asks for the new version's."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    path = export_path(kind, version)
    report = ExportReport(kind, version, False, path)
    claim_seconds = settings.CELERY_BROKER_VISIBILITY_TIMEOUT + 60
    if path.exists() or not cache.add(_claim_key(kind, version), os.getpid(), claim_seconds):
        return report
    started, cpu = time.perf_counter(), time.process_time()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            for piece in lines(kind, EventFilters()):
                out.write(piece)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        cache.delete(_claim_key(kind, version))
        raise
    report.written, report.bytes = True, path.stat().st_size
    report.seconds, report.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    _prune(kind)
    return report


def _prune(kind: str) -> None:
    """Keep the newest KEEP_FILES files of ``kind`` (a download in progress keeps its open file on POSIX)."""
    files = sorted(exports_root().glob(f"idlib-tracker-events-*.{kind}"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP_FILES]:
        old.unlink(missing_ok=True)


def full_export_wanted(kind: str, version: int) -> bool:
    """True once per (kind, version) within a minute: the caller then asks a worker for the file (on commit), so a
    crowd of downloads waiting on one version enqueues one job."""
    return bool(cache.add(f"idlib:export:queued:{kind}:{version:x}", 1, 60))


def newest_file(kind: str) -> Path | None:
    files = sorted(exports_root().glob(f"idlib-tracker-events-*.{kind}"), key=lambda p: p.stat().st_mtime)
    return files[-1] if files else None
