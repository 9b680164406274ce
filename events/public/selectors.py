"""Read side of the event pages, the map and the exports. Every function issues a fixed number of queries,
whatever the number of events (pinned by tests/pages/test_query_counts.py), and reads a bounded slice of the data:
a page of the keyset, a window of weeks, the zones valid on one date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import cos, radians
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.urls import reverse

from actors.models import Statement
from events.models import (
    ControlZone,
    Event,
    EventActor,
    EventSource,
    EventStatus,
    Place,
    PlaceKind,
    SummaryStatus,
    WeeklySummary,
)
from events.public import search
from events.public.filters import Cursor, EventFilters
from events.public.presentation import TYPE_COLORS
from events.taxonomy import EventType
from events.territory.geo import geometry_contains
from events.territory.selectors import (
    ControlPeriod,
    control_change_dates,
    derived_features_on,
    place_control_periods,
)
from events.weeks import as_date, per_week_and_type, week_monday

PAGE_SIZE = 50
CHART_WEEKS = 26
CHART_MIN_WEEKS = 8
EXPORT_CHUNK = 2000
MAP_MAX_MARKERS = 5000


def visible_statuses(is_editor: bool) -> tuple[str, ...]:
    """Editors also see unreviewed candidates (marked as such); the public sees published events only."""
    if is_editor:
        return (EventStatus.PUBLISHED, EventStatus.CANDIDATE)
    return (EventStatus.PUBLISHED,)


def _status_q(statuses: tuple[str, ...]) -> Q:
    return Q(status=statuses[0]) if len(statuses) == 1 else Q(status__in=statuses)


def filter_events(filters: EventFilters, statuses: tuple[str, ...] = (EventStatus.PUBLISHED,)) -> QuerySet[Event]:
    """The events a filter set means, unordered and unpaginated; filters must have been resolved."""
    qs = Event.objects.filter(_status_q(statuses))
    if filters.date_from:
        qs = qs.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(occurred_on__lte=filters.date_to)
    if filters.types:
        qs = qs.filter(event_type__in=filters.types)
    if filters.sub_types:
        qs = qs.filter(sub_event_type__in=filters.sub_types)
    if filters.actor_scope is not None:
        qs = qs.filter(
            Exists(EventActor.objects.filter(event=OuterRef("pk"), actor_id__in=sorted(filters.actor_scope.ids)))
        )
    if filters.place_id is not None:
        qs = qs.filter(place_id=filters.place_id)
    if filters.governorate:
        qs = qs.filter(place__admin1=filters.governorate)
    if filters.text:
        qs = qs.filter(search.text_q(filters.text))
    return qs


def governorate_names() -> list[str]:
    """Syria's governorates as the place gazetteer spells them (admin1); places abroad (venues of the diplomacy)
    have an admin1 of their own country and are not offered as a governorate."""
    return list(
        Place.objects.filter(country="Syria")
        .exclude(admin1="")
        .order_by("admin1")
        .values_list("admin1", flat=True)
        .distinct()
    )


def _keyset(qs: QuerySet[Event], cursor: Cursor | None) -> QuerySet[Event]:
    if cursor is None:
        return qs
    # (occurred_on, id) < (d, i), spelled so both databases range-scan the (status, occurred_on, id) index:
    # the redundant occurred_on <= d bounds the scan, the OR picks the rows of day d older than id i.
    return qs.filter(
        Q(occurred_on__lt=cursor.occurred_on) | Q(occurred_on=cursor.occurred_on, id__lt=cursor.id),
        occurred_on__lte=cursor.occurred_on,
    )


def with_display_relations(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Place joined; actors and sources prefetched in one query each (never one per row)."""
    return qs.select_related("place").prefetch_related(
        Prefetch(
            "actor_roles",
            # The actor's kind, country and parent serve the ACLED export (a person's organisation, inter codes).
            queryset=EventActor.objects.select_related("actor__parent").only(
                "event_id", "role", "actor__name", "actor__slug", "actor__kind", "actor__country",
                "actor__parent__name", "actor__parent__slug", "actor__parent__kind", "actor__parent__country",
            ).order_by("role", "id"),
        ),
        Prefetch(
            "event_sources",
            queryset=EventSource.objects.select_related("article__feed").only(
                "event_id", "sentence", "article__url", "article__title", "article__feed__name"
            ).order_by("id"),
        ),
    )


def _newer_than(cursor: Cursor) -> Q:
    """(occurred_on, id) > (d, i); the redundant occurred_on >= d bounds an index range scan, as in _keyset."""
    return (
        Q(occurred_on__gt=cursor.occurred_on) | Q(occurred_on=cursor.occurred_on, id__gt=cursor.id)
    ) & Q(occurred_on__gte=cursor.occurred_on)


@dataclass
class EventPage:
    events: list[Event]
    next_cursor: Cursor | None
    # Set when the page was asked for with counting (the timeline): how many events match and how many of them
    # are newer than this page, so the page says where it is ("events 51-100 of 1,240").
    total: int | None = None
    newer: int = 0
    prev_cursor: Cursor | None = None  # the page of newer events ends just before this one

    @property
    def first_number(self) -> int:
        return self.newer + 1 if self.events else 0

    @property
    def last_number(self) -> int:
        return self.newer + len(self.events)


def event_page(
    filters: EventFilters,
    statuses: tuple[str, ...] = (EventStatus.PUBLISHED,),
    size: int = PAGE_SIZE,
    count: bool = False,
) -> EventPage:
    """One page of the timeline, newest first: strictly older than the filter's cursor, or else the `size` events
    just newer than its `before` position (the way back up).

    Three queries: the page (with its place), its actor roles, its sources. One row more than the page is read
    to know whether an older page exists. With `count`, one more: the number of matching events and of those
    newer than the page, in a single aggregate (which also tells whether a newer page exists)."""
    matching = filter_events(filters, statuses)
    if filters.before is not None:
        # Oldest first from just above `before`, then turned round: the newer page as it reads top-down.
        qs = matching.filter(_newer_than(filters.before)).order_by("occurred_on", "id")
        rows = list(with_display_relations(qs)[:size])[::-1]
        # The event at `before` (or older ones) came after this page: older events exist unless the count says
        # otherwise below.
        next_cursor = Cursor(rows[-1].occurred_on, rows[-1].pk) if rows else None
    else:
        qs = _keyset(matching, filters.cursor).order_by("-occurred_on", "-id")
        rows = list(with_display_relations(qs)[: size + 1])
        next_cursor = None
        if len(rows) > size:
            rows = rows[:size]
            next_cursor = Cursor(rows[-1].occurred_on, rows[-1].pk)
    page = EventPage(rows, next_cursor)
    if count:
        first = Cursor(rows[0].occurred_on, rows[0].pk) if rows else filters.cursor or filters.before
        aggregates = {"total": Count("id")}
        if first is not None:
            aggregates["newer"] = Count("id", filter=_newer_than(first))
        figures = matching.order_by().aggregate(**aggregates)
        page.total, page.newer = figures["total"], figures.get("newer") or 0
        if page.newer and rows:
            page.prev_cursor = first
        if page.last_number >= page.total:
            page.next_cursor = None
    return page


def week_labels(weeks: list[date]) -> list[str]:
    """Each week by its Monday as a reader writes it ("3 Sep"), with the year on the first week and wherever a new
    year starts ("31 Dec 2018", "7 Jan 2019"): "2018-W36" makes an analyst count weeks."""
    labels, year = [], None
    for week in weeks:
        labels.append(f"{week.day} {week:%b}" + (f" {week.year}" if week.year != year else ""))
        year = week.year
    return labels


@dataclass
class WeeklyChart:
    weeks: list[date]
    counts: dict[str, list[int]]  # event type -> count per week
    start: date | None = None
    end: date | None = None

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts.values())

    @property
    def labels(self) -> list[str]:
        return week_labels(self.weeks)

    @property
    def shown_types(self) -> list[str]:
        return [t for t in EventType.values if any(self.counts[t])]

    def table(self) -> list[tuple[str, list[int]]]:
        """The chart as rows for an accessible table: (week label, count per shown type)."""
        types = self.shown_types
        return [(label, [self.counts[t][i] for t in types]) for i, label in enumerate(self.labels)]

    def as_chart_data(self) -> dict[str, Any]:
        """What static/js/charts.js draws (passed with json_script, never as inline code)."""
        return {
            "labels": self.labels,
            "weekStarts": [w.isoformat() for w in self.weeks],
            "datasets": [
                {"label": t, "data": self.counts[t], "backgroundColor": TYPE_COLORS[t]} for t in self.shown_types
            ],
        }


def weekly_chart(
    filters: EventFilters, statuses: tuple[str, ...] = (EventStatus.PUBLISHED,), weeks: int = CHART_WEEKS
) -> WeeklyChart:
    """Events per ISO week and type for the filtered set, aggregated in SQL (two queries).

    The window is the filter's date range, or else the `weeks` weeks up to the newest matching event: a bounded
    slice, so the cost follows the window, not the length of the whole record."""
    qs = filter_events(filters, statuses)
    end = filters.date_to
    if end is None:
        end = qs.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
        if end is None:
            return WeeklyChart([], {t: [] for t in EventType.values})
    start = filters.date_from or (week_monday(end) - timedelta(weeks=weeks - 1))
    rows = per_week_and_type(qs.filter(occurred_on__gte=start, occurred_on__lte=end), n=Count("id"))
    week_list = []
    monday = week_monday(start)
    while monday <= end:
        week_list.append(monday)
        monday += timedelta(weeks=1)
    index = {w: i for i, w in enumerate(week_list)}
    counts = {t: [0] * len(week_list) for t in EventType.values}
    for row in rows:
        if row["week"] in index and row["event_type"] in counts:
            counts[row["event_type"]][index[row["week"]]] = row["n"]
    if filters.date_from is None:
        # A record shorter than the window would be a wide empty chart with a sliver of bars at the right: start
        # at its first week instead, keeping at least CHART_MIN_WEEKS so a single week is still read as a bar.
        first = next((i for i in range(len(week_list)) if any(counts[t][i] for t in counts)), len(week_list))
        drop = max(0, min(first, len(week_list) - CHART_MIN_WEEKS))
        if drop:
            week_list = week_list[drop:]
            counts = {t: values[drop:] for t, values in counts.items()}
            start = week_list[0]
    return WeeklyChart(week_list, counts, start, end)


# --- Dashboard ------------------------------------------------------------------------------------------------


@dataclass
class WeekComparison:
    this_week_start: date
    rows: list[dict[str, Any]]  # {"type", "this", "last", "change"}
    is_current: bool = True  # False: the record stops before last week, so its newest week is compared instead

    @property
    def this_total(self) -> int:
        return sum(r["this"] for r in self.rows)

    @property
    def last_total(self) -> int:
        return sum(r["last"] for r in self.rows)


def week_comparison(
    today: date, statuses: tuple[str, ...] = (EventStatus.PUBLISHED,), newest: date | None = None
) -> WeekComparison:
    """This ISO week's published events by type against last week's, in one grouped query.

    `newest` is the newest published event's date when the caller already holds it: if nothing happened this week
    or last, the week of that event is compared with the week before, so a quiet record (or the 2018 demo) shows
    its last real movement instead of a row of zeros."""
    is_current = newest is None or newest >= week_monday(today) - timedelta(weeks=1)
    if not is_current:
        today = newest
    this_monday = week_monday(today)
    last_monday = this_monday - timedelta(weeks=1)
    rows = per_week_and_type(
        Event.objects.filter(_status_q(statuses), occurred_on__gte=last_monday, occurred_on__lte=today), n=Count("id")
    )
    this = dict.fromkeys(EventType.values, 0)
    last = dict.fromkeys(EventType.values, 0)
    for row in rows:
        (this if row["week"] == this_monday else last)[row["event_type"]] += row["n"]
    table = [
        {"type": t, "color": TYPE_COLORS[t], "this": this[t], "last": last[t], "change": this[t] - last[t]}
        for t in EventType.values
    ]
    return WeekComparison(this_monday, table, is_current)


TREND_WEEKS = 12


@dataclass
class WeeklyTrend:
    """Published events and their reported dead per week, oldest first, ending with the dashboard's latest week."""

    weeks: list[date]
    events: list[int]
    fatalities: list[int]

    @property
    def labels(self) -> list[str]:
        return week_labels(self.weeks)

    @property
    def latest_fatalities(self) -> int:
        return self.fatalities[-1] if self.fatalities else 0

    @property
    def previous_fatalities(self) -> int:
        return self.fatalities[-2] if len(self.fatalities) > 1 else 0

    @property
    def fatality_change(self) -> int:
        return self.latest_fatalities - self.previous_fatalities

    def table(self) -> list[tuple[str, int, int]]:
        return list(zip(self.labels, self.events, self.fatalities, strict=True))

    def as_chart_data(self) -> dict[str, Any]:
        """What static/js/trend.js draws (passed with json_script)."""
        return {
            "labels": self.labels,
            "weekStarts": [w.isoformat() for w in self.weeks],
            "events": self.events,
            "fatalities": self.fatalities,
        }


def weekly_trend(
    last_monday: date, statuses: tuple[str, ...] = (EventStatus.PUBLISHED,), weeks: int = TREND_WEEKS
) -> WeeklyTrend:
    """Events and fatalities per ISO week for up to `weeks` weeks ending with the week of `last_monday`: one grouped
    query over a bounded date range (the status and date index), whatever the length of the record. Unreported
    fatalities count as none, as ACLED's totals do."""
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    rows = (
        Event.objects.filter(_status_q(statuses), occurred_on__gte=first_monday,
                             occurred_on__lt=last_monday + timedelta(weeks=1))
        .annotate(week=TruncWeek("occurred_on"))
        .values("week")
        .annotate(n=Count("id"), dead=Sum("fatalities"))
        .order_by()
    )
    week_list = [first_monday + timedelta(weeks=i) for i in range(weeks)]
    index = {w: i for i, w in enumerate(week_list)}
    events, dead = [0] * weeks, [0] * weeks
    for row in rows:
        week = as_date(row["week"])
        if week in index:
            events[index[week]] = row["n"]
            dead[index[week]] = row["dead"] or 0
    # A young record would be a row of empty weeks then a sliver of bars: start at its first week with events,
    # keeping at least CHART_MIN_WEEKS, as the timeline's chart does.
    first = next((i for i, n in enumerate(events) if n), weeks)
    drop = max(0, min(first, weeks - CHART_MIN_WEEKS))
    return WeeklyTrend(week_list[drop:], events[drop:], dead[drop:])


def public_statements() -> QuerySet[Statement]:
    """Statements tied to no event or to a published one (a rejected extraction's quotes stay hidden), newest
    first, with speaker and article joined."""
    return (
        Statement.objects.filter(Q(event__isnull=True) | Q(event__status=EventStatus.PUBLISHED))
        .select_related("speaker", "article")
        .only("text", "is_direct", "said_on", "speaker_text", "speaker__name", "speaker__slug", "article__url",
              "article__title")
        .order_by("-said_on", "-id")
    )


def latest_statements(limit: int = 6) -> list[Statement]:
    return list(public_statements()[:limit])


def latest_weekly_summary() -> WeeklySummary | None:
    return WeeklySummary.objects.filter(status=SummaryStatus.PUBLISHED).order_by("-week_start").first()


# --- Event and place pages -----------------------------------------------------------------------------------


def event_detail(pk: int, statuses: tuple[str, ...]) -> Event | None:
    """The event with place, actors and sources (three queries), or None if missing or not visible."""
    return with_display_relations(Event.objects.filter(_status_q(statuses), pk=pk)).first()


def event_statements(event: Event) -> list[Statement]:
    return list(public_statements().filter(event=event))


@dataclass
class ZonePeriod:
    zone: ControlZone
    valid_from: date
    valid_to: date | None


@dataclass
class PlaceHistory:
    place: Place
    events: list[Event]
    # The place's own dated controllers (events.territory), oldest first.
    control: list[ControlPeriod] = field(default_factory=list)
    # Drawn zones covering the place, newest first.
    periods: list[ZonePeriod] = field(default_factory=list)

    def controller_on(self, day: date) -> ControlPeriod | ControlZone | None:
        """Who held the place on the day: its own record first, else a drawn zone (both have `.controller`)."""
        for period in self.control:
            if period.covers(day):
                return period
        for zone_period in self.periods:
            if zone_period.valid_from <= day and (zone_period.valid_to is None or day < zone_period.valid_to):
                return zone_period.zone
        return None


def zones_containing(lon: float, lat: float) -> list[ControlZone]:
    """Every zone (any date) whose polygon contains the point: one query for the zones whose bounding box holds it
    (a zone written without one is read too, never missed), point-in-polygon in Python."""
    boxed = Q(west__lte=lon, east__gte=lon, south__lte=lat, north__gte=lat) | Q(west__isnull=True)
    zones = ControlZone.objects.filter(boxed).select_related("controller").order_by("valid_from", "id")
    return [z for z in zones if geometry_contains(z.geometry, lon, lat)]


def place_history(slug: str, statuses: tuple[str, ...], limit: int = PAGE_SIZE) -> PlaceHistory | None:
    """The place, its newest events (three queries), its control history (one query) and the drawn zones over it
    (one query)."""
    place = Place.objects.filter(slug=slug).first()
    if place is None:
        return None
    events = list(
        with_display_relations(
            Event.objects.filter(_status_q(statuses), place=place).order_by("-occurred_on", "-id")
        )[:limit]
    )
    periods = [
        ZonePeriod(z, z.valid_from, z.valid_to)
        for z in zones_containing(place.longitude, place.latitude)
    ]
    periods.sort(key=lambda p: (p.valid_from, p.zone.pk), reverse=True)
    history = PlaceHistory(place, events, place_control_periods(place), periods)
    for event in events:
        event.controller_then = history.controller_on(event.occurred_on)
    return history


NEARBY_DEGREES = 0.35  # about 35 km north-south, 30 km east-west at Idlib's latitude
NEARBY_LIMIT = 12


def places_near(place: Place, limit: int = NEARBY_LIMIT) -> list[dict[str, Any]]:
    """The towns and sites around a place, nearest first, so its map shows where it lies and not a lone dot on a
    blank background when no tile server answers: one query over a box of the gazetteer, capped, sorted here.

    Governorates, districts and countries are left out: their point is a centroid, not somewhere a reader knows."""
    box = NEARBY_DEGREES
    rows = list(
        Place.objects.filter(
            latitude__range=(place.latitude - box, place.latitude + box),
            longitude__range=(place.longitude - box, place.longitude + box),
        )
        .exclude(pk=place.pk)
        .exclude(kind__in=[PlaceKind.COUNTRY, PlaceKind.GOVERNORATE, PlaceKind.DISTRICT])
        .values("name", "slug", "latitude", "longitude", "kind")
        .order_by("name")[:200]
    )
    # Degrees of longitude shrink with the latitude's cosine; near enough over a few tens of km.
    squash = cos(radians(place.latitude))
    rows.sort(key=lambda r: (r["latitude"] - place.latitude) ** 2 + ((r["longitude"] - place.longitude) * squash) ** 2)
    return [
        {"name": r["name"], "point": [r["latitude"], r["longitude"]], "url": reverse("events:place", args=[r["slug"]]),
         "major": r["kind"] == PlaceKind.CITY}
        for r in rows[:limit]
    ]


# --- Map ---------------------------------------------------------------------------------------------------


def zones_on(day: date) -> list[ControlZone]:
    """The control zones valid on a date (valid_from <= day < valid_to), with their controller: one query."""
    return list(
        ControlZone.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)
        .select_related("controller")
        .order_by("controller__name", "name", "id")
    )


def zones_geojson(day: date) -> dict[str, Any]:
    """The map of a date: the areas derived from the places' controllers (one query, a cached map), then the zones
    editors drew (one query), which the map draws on top."""
    features = derived_features_on(day)
    features += [
        {
            "type": "Feature",
            "id": zone.pk,
            "geometry": zone.geometry,
            "properties": {
                "name": zone.name,
                "controller": zone.controller.name,
                "controller_slug": zone.controller.slug,
                "color": zone.controller.color or "#777777",
                "valid_from": zone.valid_from.isoformat(),
                "valid_to": zone.valid_to.isoformat() if zone.valid_to else None,
                "kind": "drawn",
                "source_note": zone.source_note,
            },
        }
        for zone in zones_on(day)
    ]
    return {"type": "FeatureCollection", "date": day.isoformat(), "features": features}


def map_bounds() -> dict[str, str | None]:
    """The span the map's date slider covers (first zone, control change or event, up to today), the dates the map
    changes on and the newest published event's date (so an empty window can point at it): one query over the
    zones table, one over the cached control maps and one over events, whose MIN and MAX PostgreSQL answers from
    both ends of an index on occurred_on."""
    span = Event.objects.filter(status=EventStatus.PUBLISHED).aggregate(
        first=Min("occurred_on"), last=Max("occurred_on")
    )
    first_event, last_event = span["first"], span["last"]
    change_days: set[date] = set()
    for valid_from, valid_to in ControlZone.objects.values_list("valid_from", "valid_to").order_by():
        change_days.add(valid_from)
        if valid_to:
            change_days.add(valid_to)
    change_days.update(control_change_dates())
    first = min([d for d in (first_event, min(change_days, default=None)) if d], default=None)
    return {
        "first": first.isoformat() if first else None,
        "changes": [d.isoformat() for d in sorted(change_days)],
        "last_event": last_event.isoformat() if last_event else None,
    }


def events_geojson(filters: EventFilters, limit: int = MAP_MAX_MARKERS) -> dict[str, Any]:
    """Published events with a place, newest first, as GeoJSON points (one query)."""
    rows = list(
        _keyset(filter_events(filters), filters.cursor)
        .filter(place__isnull=False)
        .order_by("-occurred_on", "-id")
        .values(
            "id", "title", "occurred_on", "event_type", "sub_event_type", "fatalities",
            "place__name", "place__latitude", "place__longitude",
        )[: limit + 1]
    )
    truncated = len(rows) > limit
    detail_url = reverse("events:detail", args=[0]).removesuffix("0/")
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["place__longitude"], row["place__latitude"]]},
            "properties": {
                "title": row["title"],
                "date": row["occurred_on"].isoformat(),
                "event_type": row["event_type"],
                "sub_event_type": row["sub_event_type"],
                "fatalities": row["fatalities"],
                "place": row["place__name"],
                "url": f"{detail_url}{row['id']}/",
                "color": TYPE_COLORS.get(row["event_type"], "#555555"),
            },
        }
        for row in rows[:limit]
    ]
    return {"type": "FeatureCollection", "truncated": truncated, "features": features}


# --- Exports -------------------------------------------------------------------------------------------------


def export_chunks(filters: EventFilters, chunk: int = EXPORT_CHUNK) -> Iterator[list[Event]]:
    """All matching published events, newest first, in keyset chunks of `chunk` rows (three queries a chunk), so
    a large export streams in constant memory and never uses OFFSET."""
    cursor = filters.cursor
    while True:
        qs = _keyset(filter_events(filters), cursor).order_by("-occurred_on", "-id")
        rows = list(with_display_relations(qs)[:chunk])
        if not rows:
            return
        yield rows
        if len(rows) < chunk:
            return
        cursor = Cursor(rows[-1].occurred_on, rows[-1].pk)


SUGGESTIONS = 10


def place_suggestions(text: str, limit: int = SUGGESTIONS) -> list[dict[str, str]]:
    """Places whose name or slug holds the text, names that start with it first (the filter form's typeahead):
    one query, at most `limit` rows."""
    starts = Q(name__istartswith=text) | Q(slug__istartswith=text)
    rows = (
        Place.objects.filter(Q(name__icontains=text) | Q(slug__icontains=text))
        .annotate(rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "name", "slug")
        .values("slug", "name", "admin1", "kind")[:limit]
    )
    return [
        {"value": r["slug"], "label": r["name"] if r["admin1"] in ("", r["name"]) else f"{r['name']}, {r['admin1']}"}
        for r in rows
    ]
