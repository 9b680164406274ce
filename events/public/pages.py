"""Public pages about events and places. Reads go through events.public.selectors; query strings through filters."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from events.public import selectors
from events.public.filter_options import form_options
from events.public.filters import EventFilters, FilterError, filters_from_request, parse_date
from events.public.presentation import TYPE_COLORS
from events.public.responses import bad_request, is_editor
from events.taxonomy import SUB_EVENT_TYPES, EventType

MAP_WINDOWS = (7, 30, 90, 365)
DEFAULT_MAP_WINDOW = 30


def map_config(**values) -> dict:
    """Settings every map script needs (tile URL, zones endpoint), plus the page's own values; passed with
    json_script, so no inline script is needed under the CSP."""
    return {
        "tiles": settings.MAP_TILES_URL,
        "zonesUrl": reverse("events:zones_geojson"),
        "eventsUrl": reverse("events:events_geojson"),
        **values,
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = selectors.event_page(EventFilters(), selectors.visible_statuses(is_editor(request)), size=10).events
    # Newest first: the first published one dates the record's last week, for free (no extra query).
    newest = next((event.occurred_on for event in latest if event.status == EventStatus.PUBLISHED), None)
    weeks = selectors.week_comparison(today, newest=newest)
    # The trend ends with the week the tiles compare, so its last bar and the fatalities tile agree.
    trend = selectors.weekly_trend(weeks.this_week_start)
    context = {
        "latest": latest,
        "weeks": weeks,
        "trend": trend,
        "trend_data": trend.as_chart_data(),
        "statements": selectors.latest_statements(),
        "today": today,
        # SUMMARIES: the latest published weekly summary (one query); the summaries area owns how it is shown
        # (templates/events/_latest_summary.html) and its /summaries/ pages.
        "latest_summary": selectors.latest_weekly_summary(),
        "map_config": map_config(date=today.isoformat(), point=None),
    }
    return render(request, "events/dashboard.html", context)


def _type_options() -> list[dict]:
    return [
        {"value": str(t), "color": TYPE_COLORS[t], "sub_types": [str(s) for s in SUB_EVENT_TYPES[t]]}
        for t in EventType
    ]


def _filter_form_context(filters: EventFilters) -> dict:
    """Choices for the filter form: the governorates' list is rendered once per state of the reference data (one
    small query when it changes, none otherwise: events/public/filter_options.py); actors and places are typed."""
    return {
        "type_options": _type_options(),
        **form_options(filters.governorate),
    }


def timeline(request: HttpRequest) -> HttpResponse:
    try:
        filters = filters_from_request(request.GET)
    except FilterError as exc:
        return bad_request(request, exc.messages)
    statuses = selectors.visible_statuses(is_editor(request))
    page = selectors.event_page(filters, statuses, count=True)
    chart = selectors.weekly_chart(filters, statuses)
    context = {
        "filters": filters,
        "page": page,
        "chart": chart,
        "chart_data": chart.as_chart_data(),
        "query": filters.querystring(),
        "next_query": filters.querystring(cursor=page.next_cursor) if page.next_cursor else "",
        "prev_query": filters.querystring(before=page.prev_cursor) if page.prev_cursor else "",
        **_filter_form_context(filters),
    }
    return render(request, "events/timeline.html", context)


def map_page(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    for name in ("date", "days"):
        if len(request.GET.getlist(name)) > 1:
            errors.append(f"'{name}' was given more than once; give it once.")
    today = timezone.localdate()
    day = parse_date(request.GET.get("date", "").strip(), "date", errors) or today
    days_raw = request.GET.get("days", "").strip() or str(DEFAULT_MAP_WINDOW)
    days = int(days_raw) if days_raw.isdigit() and len(days_raw) < 4 else 0
    if days not in MAP_WINDOWS:
        errors.append(f"'days' must be one of {', '.join(map(str, MAP_WINDOWS))}.")
    try:
        filters = filters_from_request(request.GET)
    except FilterError as exc:
        errors += exc.messages
    if errors:
        return bad_request(request, errors)
    bounds = selectors.map_bounds()
    context = {
        "day": day,
        "today": today,
        "days": days,
        "windows": MAP_WINDOWS,
        "filters": filters,
        "map_config": map_config(
            date=day.isoformat(),
            today=today.isoformat(),
            days=days,
            first=bounds["first"] or (today - timedelta(days=365)).isoformat(),
            changes=bounds["changes"],
            lastEvent=bounds["last_event"],
            filters=filters.without_cursor().querystring(),
            typeColors=TYPE_COLORS,
        ),
    }
    return render(request, "events/map.html", context)


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_detail(pk, selectors.visible_statuses(is_editor(request)))
    if event is None:
        raise Http404("No such published event.")
    context = {
        "event": event,
        "statements": selectors.event_statements(event),
        "map_config": map_config(
            date=event.occurred_on.isoformat(),
            point=[event.place.latitude, event.place.longitude] if event.place else None,
            label=event.place.name if event.place else "",
            color=TYPE_COLORS.get(event.event_type, "#555555"),
        ),
    }
    return render(request, "events/event_detail.html", context)


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    history = selectors.place_history(slug, selectors.visible_statuses(is_editor(request)))
    if history is None:
        raise Http404("No such place.")
    place = history.place
    context = {
        "history": history,
        "place": place,
        "map_config": map_config(
            date=timezone.localdate().isoformat(),
            point=[place.latitude, place.longitude],
            label=place.name,
            color="#1f2a36",
            nearby=selectors.places_near(place),
        ),
    }
    return render(request, "events/place_detail.html", context)

