"""Machine-readable views: CSV / JSON exports and the map's GeoJSON, all honouring the timeline's filters.

Only published events leave through here, whoever asks: an export is shared further than a page."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from events.models import ActorRole, Event
from events.public import acled, selectors
from events.public.filters import EventFilters, FilterError, filters_from_request, parse_date
from events.public.responses import bad_request_json, bad_request_text

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such text cells get a
# leading apostrophe, which spreadsheets show as plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _parse(request: HttpRequest) -> EventFilters:
    return filters_from_request(request.GET)


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


def _csv_lines(chunks: Iterable[list[Event]], bom: bool = False) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # Excel reads a CSV without a byte order mark in the machine's legacy code page ("ErdoÄŸan"); with one, as UTF-8.
    yield ("\ufeff" if bom else "") + writer.writerow(acled.COLUMNS)
    for chunk in chunks:
        for event in chunk:
            record = acled.row(event)
            yield writer.writerow([_csv_cell(record[column]) for column in acled.COLUMNS])


def _filename(extension: str) -> str:
    return f"idlib-tracker-events-{timezone.localdate().isoformat()}.{extension}"


@require_GET
def events_csv(request: HttpRequest) -> HttpResponse:
    """Every ACLED column in ACLED's order plus `source_urls`; `?excel=1` adds a UTF-8 byte order mark."""
    excel = request.GET.getlist("excel")
    try:
        if excel not in ([], ["0"], ["1"]):
            raise FilterError(["'excel' must be 1 (for Excel: a UTF-8 byte order mark) or 0, given once."])
        filters = _parse(request)
    except FilterError as exc:
        return bad_request_text(exc.messages)
    bom = excel == ["1"]
    response = StreamingHttpResponse(
        _csv_lines(selectors.export_chunks(filters), bom=bom), content_type="text/csv; charset=utf-8"
    )
    name = _filename("csv").replace(".csv", "-excel.csv") if bom else _filename("csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _json_lines(chunks: Iterable[list[Event]], filters: EventFilters) -> Iterator[str]:
    applied: dict[str, Any] = {}
    for name, value in filters.params():
        if name in ("type", "sub_type"):
            applied.setdefault(name, []).append(value)
        else:
            applied[name] = value
    yield '{"filters": ' + json.dumps(applied) + ', "events": ['
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
        return bad_request_json(exc.messages)
    return StreamingHttpResponse(_json_lines(selectors.export_chunks(filters), filters),
                                 content_type="application/json")


@require_GET
def events_geojson(request: HttpRequest) -> HttpResponse:
    try:
        filters = _parse(request)
    except FilterError as exc:
        return bad_request_json(exc.messages)
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
