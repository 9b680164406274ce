"""Machine-readable views: CSV / JSON exports and the map's GeoJSON, all honouring the timeline's filters.

Only published events leave through here, whoever asks: an export is shared further than a page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from events import exports
from events.public import actor_selectors, selectors
from events.public.export_records import applied_filters, csv_lines, export_record, json_lines
from events.public.filters import Cursor, EventFilters, FilterError, filters_from_request, parse_date
from events.public.responses import bad_request_json, bad_request_text


def _parse(request: HttpRequest) -> EventFilters:
    return filters_from_request(request.GET)


# A page of the JSON API (`limit`, then the `next` link's cursor) holds at most this many events.
MAX_LIMIT = 1000


def _full_record(request: HttpRequest, kind: str) -> HttpResponse | None:
    """No filter at all is the whole record: a file written by a worker once per version (events/exports.py),
    never built inside this request."""
    if set(request.GET) - {"excel"}:
        return None
    url = reverse("events:full_export", args=[kind])
    return HttpResponseRedirect(url + ("?excel=1" if request.GET.get("excel") == "1" else ""))


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
    full = _full_record(request, "csv")
    if full is not None:
        return full
    response = StreamingHttpResponse(
        csv_lines(exports.export_chunks(filters), bom=bom), content_type="text/csv; charset=utf-8"
    )
    name = _filename("csv").replace(".csv", "-excel.csv") if bom else _filename("csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def events_json(request: HttpRequest) -> HttpResponse:
    try:
        filters = _parse(request)
    except FilterError as exc:
        return bad_request_json(exc.messages)
    if "limit" in request.GET:
        return _json_page(request, filters)
    full = _full_record(request, "json")
    if full is not None:
        return full
    return StreamingHttpResponse(json_lines(exports.export_chunks(filters), filters),
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
        "filters": applied_filters(filters),
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


# What a typeahead may send: enough for any name, bounded so a query never scans with a megabyte pattern.
MAX_SUGGEST_TEXT = 100
_SUGGESTERS = {"places": selectors.place_suggestions, "actors": actor_selectors.actor_suggestions}


@require_GET
def suggestions(request: HttpRequest, kind: str) -> HttpResponse:
    """The filter form's typeahead: `{"results": [{"value": slug, "label": name}, ...]}`, at most ten, for `q`.
    An empty `q` has no suggestions; a `q` with control characters or over 100 characters is a 400."""
    suggest = _SUGGESTERS.get(kind)
    if suggest is None:
        return JsonResponse({"error": "Not found", "messages": ["Suggestions are for 'places' or 'actors'."]},
                            status=404)
    values = request.GET.getlist("q")
    text = values[0].strip() if len(values) == 1 else ""
    problems = []
    if len(values) > 1:
        problems.append("'q' was given more than once; give it once.")
    if len(text) > MAX_SUGGEST_TEXT:
        problems.append(f"'q' is too long: at most {MAX_SUGGEST_TEXT} characters.")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        problems.append("'q' contains control characters.")
    if problems:
        return bad_request_json(problems)
    return JsonResponse({"results": suggest(text) if text else []})
