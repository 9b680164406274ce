"""Machine-readable views: CSV / JSON exports and the map's GeoJSON, all honouring the timeline's filters.

Only published events leave through here, whoever asks: an export is shared further than a page."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from events import exports, selectors
from events.filters import Cursor, EventFilters, FilterError, filters_from_request, parse_date
from events.models import ActorRole, Event

# ACLED's column names and order, so analysts' existing scripts read our export unchanged.
CSV_COLUMNS = (
    "event_id", "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "admin1",
    "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such text cells get a
# leading apostrophe, which spreadsheets show as plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def bad_request(exc: FilterError) -> JsonResponse:
    return JsonResponse({"error": "Bad filter", "messages": exc.messages}, status=400)


def _parse(request: HttpRequest) -> EventFilters:
    return filters_from_request(request.GET)


# A page of the JSON API (`limit`, then the `next` link's cursor) holds at most this many events.
MAX_LIMIT = 1000


def _full_record(request: HttpRequest, kind: str) -> HttpResponse | None:
    """No filter at all is the whole record: a file written by a worker once per version (events/exports.py),
    never built inside this request."""
    if request.GET:
        return None
    return HttpResponseRedirect(reverse("events:full_export", args=[kind]))


def neutralise_formula(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _names(event: Event, role: str) -> list[str]:
    return [r.actor.name for r in event.actor_roles.all() if r.role == role]


def _source_names(event: Event) -> list[str]:
    return list(dict.fromkeys(s.article.feed.name for s in event.event_sources.all()))


def export_record(event: Event) -> dict[str, Any]:
    place = event.place
    return {
        "event_id": event.pk,
        "event_date": event.occurred_on.isoformat(),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": _names(event, ActorRole.ACTOR1),
        "assoc_actor_1": _names(event, ActorRole.ASSOCIATED),
        "actor2": _names(event, ActorRole.ACTOR2),
        "admin1": place.admin1 if place else "",
        "location": place.name if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": event.geo_precision,
        "source": _source_names(event),
        "sources": [s.article.url for s in event.event_sources.all() if s.article.url],
        "title": event.title,
        "notes": event.description or event.title,
        "fatalities": event.fatalities,
    }


class _Echo:
    """A file-like object for csv.writer that hands each formatted line back instead of buffering it."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = "; ".join(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def _csv_lines(chunks: Iterable[list[Event]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for chunk in chunks:
        for event in chunk:
            record = export_record(event)
            yield writer.writerow([_csv_cell(record[column]) for column in CSV_COLUMNS])


def _filename(extension: str) -> str:
    return f"idlib-tracker-events-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def events_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = _parse(request)
    except FilterError as exc:
        return HttpResponse("Bad filter: " + " ".join(exc.messages), status=400, content_type="text/plain")
    full = _full_record(request, "csv")
    if full is not None:
        return full
    response = StreamingHttpResponse(_csv_lines(exports.export_chunks(filters)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def _applied(filters: EventFilters) -> dict[str, Any]:
    applied: dict[str, Any] = {}
    for name, value in filters.params():
        if name in ("type", "sub_type"):
            applied.setdefault(name, []).append(value)
        else:
            applied[name] = value
    return applied


def _json_lines(chunks: Iterable[list[Event]], filters: EventFilters) -> Iterator[str]:
    yield '{"filters": ' + json.dumps(_applied(filters)) + ', "events": ['
    first = True
    for chunk in chunks:
        for event in chunk:
            yield ("" if first else ",") + "\n" + json.dumps(export_record(event))
            first = False
    yield "\n]}\n"


@require_GET
def events_json(request: HttpRequest) -> HttpResponse:
    try:
        filters = _parse(request)
    except FilterError as exc:
        return bad_request(exc)
    if "limit" in request.GET:
        return _json_page(request, filters)
    full = _full_record(request, "json")
    if full is not None:
        return full
    return StreamingHttpResponse(_json_lines(exports.export_chunks(filters), filters),
                                 content_type="application/json")


def _json_page(request: HttpRequest, filters: EventFilters) -> HttpResponse:
    """One page of `limit` events, newest first, and the URL of the next (a keyset cursor), as ACLED's API pages:
    a client walks a record of any size in requests of bounded cost. Three queries."""
    raw = request.GET.getlist("limit")
    if len(raw) != 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= MAX_LIMIT:
        return JsonResponse({"error": "Bad limit", "messages": [f"'limit' must be one whole number from 1 to "
                                                                f"{MAX_LIMIT}."]}, status=400)
    limit = int(raw[0])
    chunk = next(exports.export_chunks(filters, chunk=limit + 1), [])
    next_url = None
    if len(chunk) > limit:
        chunk = chunk[:limit]
        last = chunk[-1]
        after = filters.querystring(cursor=Cursor(last.occurred_on, last.pk))
        next_url = f"{request.path}?{after}&limit={limit}"
    return JsonResponse({
        "filters": _applied(filters),
        "limit": limit,
        "count": len(chunk),
        "next": next_url,
        "events": [export_record(event) for event in chunk],
    })


@require_GET
def events_geojson(request: HttpRequest) -> HttpResponse:
    try:
        filters = _parse(request)
    except FilterError as exc:
        return bad_request(exc)
    return JsonResponse(selectors.events_geojson(filters), content_type="application/geo+json")


@require_GET
def zones_geojson(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    values = request.GET.getlist("date")
    if len(values) > 1:
        errors.append("'date' was given more than once; give it once.")
    day = parse_date(values[0].strip() if values else "", "date", errors) or timezone.localdate()
    if errors:
        return JsonResponse({"error": "Bad date", "messages": errors}, status=400)
    return JsonResponse(selectors.zones_geojson(day), content_type="application/geo+json")
