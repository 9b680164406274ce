"""The figures of a week, computed from published events only (writes are in events.summaries.services).

Pure reads: `compute_week(monday)` returns the typed WeekFigures (data.py) that `summary_build` stores, as JSON, in
`WeeklySummary.data`, so the pages, the feed and the email render a summary without touching the event tables.
The words are in text.py, the arrangement for display in display.py, the reads behind the pages in selectors.py.
Every figure is aggregated in SQL; the number of queries does not depend on how many events the week holds.

Weeks are ISO weeks, Monday to Sunday (events/weeks.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from actors.models import Statement
from events.models import ControlZone, Event, EventActor, EventStatus
from events.summaries.data import DATA_VERSION, UNSPECIFIED_GOVERNORATE, WeekFigures
from events.weeks import per_week_and_type, week_label, week_range_label

SERIES_WEEKS = 12
AVERAGE_WEEKS = 4
TOP_EVENTS = 5
KEY_STATEMENTS = 5
ACTIVE_ACTORS = 8


# --- Comparisons -----------------------------------------------------------------------------------------------


def compare(value: float, reference: float) -> dict[str, Any]:
    """Change of ``value`` against ``reference``: delta, percent (None when the reference is zero) and direction."""
    delta = round(value - reference, 1)
    percent = round(100 * delta / reference) if reference else None
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return {"delta": delta, "percent": percent, "direction": direction}


# --- The computation -------------------------------------------------------------------------------------------


def compute_week(monday: date, *, today: date | None = None) -> WeekFigures:
    """All figures of the week starting ``monday`` (8 queries, whatever the number of events)."""
    if monday.weekday() != 0:
        raise ValueError(f"{monday} is not a Monday")
    sunday = monday + timedelta(days=6)
    today = today or timezone.localdate()
    published = Event.objects.filter(status=EventStatus.PUBLISHED)
    in_week = published.filter(occurred_on__range=(monday, sunday))

    series = _weekly_series(published, monday)
    this_week = series[-1]
    previous = series[-1 - AVERAGE_WEEKS : -1]
    last_week = previous[-1]["events"]
    average = round(sum(week["events"] for week in previous) / AVERAGE_WEEKS, 1)

    return WeekFigures.from_json({
        "version": DATA_VERSION,
        "week_start": monday.isoformat(),
        "week_end": sunday.isoformat(),
        "label": week_label(monday),
        "range": week_range_label(monday),
        # A week still in progress can be previewed; the page says its figures are partial.
        "complete": sunday < today,
        "headline": {
            "events": this_week["events"],
            "fatalities": this_week["fatalities"],
            "last_week": last_week,
            "four_week_average": average,
            "vs_last_week": compare(this_week["events"], last_week),
            "vs_average": compare(this_week["events"], average),
        },
        "by_type": _by_type(in_week),
        "by_governorate": _by_governorate(in_week),
        "top_events": _top_events(in_week),
        "statements": _key_statements(monday, sunday),
        "zone_changes": _zone_changes(monday, sunday),
        "active_actors": _active_actors(monday, sunday),
        "series": series,
    })


def _weekly_series(published, monday: date) -> list[dict[str, Any]]:
    """Events (in total and by type) and stated fatalities per week for the SERIES_WEEKS weeks ending with this
    one, oldest first: one grouped query."""
    first = monday - timedelta(weeks=SERIES_WEEKS - 1)
    rows = per_week_and_type(
        published.filter(occurred_on__range=(first, monday + timedelta(days=6))),
        events=Count("id"), fatalities=Coalesce(Sum("fatalities"), 0),
    )
    series = [
        {
            "week_start": (first + timedelta(weeks=offset)).isoformat(),
            "label": week_label(first + timedelta(weeks=offset)),
            "events": 0,
            "fatalities": 0,
            "by_type": {},
        }
        for offset in range(SERIES_WEEKS)
    ]
    for row in rows:
        week = series[(row["week"] - first).days // 7]
        week["events"] += row["events"]
        week["fatalities"] += row["fatalities"]
        week["by_type"][row["event_type"]] = row["events"]
    return series


def _by_type(in_week) -> list[dict[str, Any]]:
    rows = in_week.values("event_type").annotate(count=Count("id")).order_by("-count", "event_type")
    return [{"event_type": row["event_type"], "count": row["count"]} for row in rows]


def _by_governorate(in_week) -> list[dict[str, Any]]:
    rows = in_week.values("place__admin1").annotate(count=Count("id")).order_by("-count", "place__admin1")
    counts: dict[str, int] = {}
    for row in rows:
        # No place, or a place without a governorate, are one bucket: the reader cannot tell them apart.
        name = row["place__admin1"] or UNSPECIFIED_GOVERNORATE
        counts[name] = counts.get(name, 0) + row["count"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] == UNSPECIFIED_GOVERNORATE, item[0]))
    return [{"governorate": name, "count": count} for name, count in ordered]


def _top_events(in_week) -> list[dict[str, Any]]:
    """The most significant events: most sources first, then most fatalities, then the latest."""
    rows = (
        in_week.annotate(source_count=Count("event_sources"))
        .order_by("-source_count", Coalesce("fatalities", 0).desc(), "-occurred_on", "-id")
        .values(
            "id", "title", "event_type", "occurred_on", "fatalities", "source_count", "place__name", "place__admin1",
        )[:TOP_EVENTS]
    )
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "event_type": row["event_type"],
            "occurred_on": row["occurred_on"].isoformat(),
            "place": row["place__name"] or "",
            "governorate": row["place__admin1"] or "",
            "fatalities": row["fatalities"],
            "sources": row["source_count"],
        }
        for row in rows
    ]


def _key_statements(monday: date, sunday: date) -> list[dict[str, Any]]:
    """Attributed statements of the week, the most widely reported first (2 queries).

    The same words carried by several articles are one statement with several sources. A statement tied to an
    event counts only when that event is published: a rejected event's quotes are as doubtful as the event.
    """
    statements = Statement.objects.filter(said_on__range=(monday, sunday), speaker__isnull=False).filter(
        Q(event__isnull=True) | Q(event__status=EventStatus.PUBLISHED)
    )
    groups = list(
        statements.values("speaker_id", "text_key")
        .annotate(
            sources=Count("article", distinct=True),
            first_id=Min("id"),
            direct=Count("id", filter=Q(is_direct=True)),
        )
        .order_by("-sources", "-direct", "first_id")[:KEY_STATEMENTS]
    )
    if not groups:
        return []
    by_id = Statement.objects.select_related("speaker", "article").in_bulk([group["first_id"] for group in groups])
    result = []
    for group in groups:
        statement = by_id[group["first_id"]]
        url = statement.article.url
        result.append(
            {
                "id": statement.id,
                "speaker": statement.speaker.name,
                "speaker_slug": statement.speaker.slug,
                # How the article named the speaker and the sentence it came from: the summary quotes the
                # statement as a whole sentence (quotes.py) without reading the article again.
                "speaker_text": statement.speaker_text,
                "context": statement.sentence,
                "text": statement.text,
                "is_direct": statement.is_direct,
                "said_on": statement.said_on.isoformat(),
                "sources": group["sources"],
                "source_title": statement.article.title,
                # Only web links leave our pages; anything else a feed sent is dropped.
                "source_url": url if url.startswith(("https://", "http://")) else "",
            }
        )
    return result


def _zone_changes(monday: date, sunday: date) -> list[dict[str, Any]]:
    """Zones that began or stopped being valid this week, with the dates for a before / after map.

    A zone is valid on D when valid_from <= D < valid_to, so the map of the day before the change shows the old
    lines and the map of the day itself the new ones.
    """
    zones = (
        ControlZone.objects.filter(Q(valid_from__range=(monday, sunday)) | Q(valid_to__range=(monday, sunday)))
        .select_related("controller")
        .order_by("valid_from", "name", "id")
    )
    changes = []
    for zone in zones:
        for change, day in (("gained", zone.valid_from), ("ended", zone.valid_to)):
            if day is not None and monday <= day <= sunday:
                changes.append(
                    {
                        "zone_id": zone.id,
                        "name": zone.name,
                        "controller": zone.controller.name,
                        "controller_slug": zone.controller.slug,
                        "change": change,
                        "on": day.isoformat(),
                        "before": (day - timedelta(days=1)).isoformat(),
                        "after": day.isoformat(),
                    }
                )
    changes.sort(key=lambda item: (item["on"], item["change"] != "ended", item["name"]))
    return changes


def _active_actors(monday: date, sunday: date) -> list[dict[str, Any]]:
    """Actors in the most published events of the week, whatever their role."""
    rows = (
        EventActor.objects.filter(
            event__status=EventStatus.PUBLISHED, event__occurred_on__range=(monday, sunday)
        )
        .values("actor_id", "actor__name", "actor__slug")
        .annotate(events=Count("event", distinct=True))
        .order_by("-events", "actor__name")[:ACTIVE_ACTORS]
    )
    return [
        {"id": row["actor_id"], "name": row["actor__name"], "slug": row["actor__slug"], "events": row["events"]}
        for row in rows
    ]
