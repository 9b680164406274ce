"""The read side of weekly summaries: the figures of a week, computed from published events only, and the
queries behind the summary pages (writes are in events.services.summaries).

Pure reads: `compute_week(monday)` returns a JSON-ready dict that `events.services.summaries.summary_build` stores in
`WeeklySummary.data`, so the pages, the feed and the email render a summary without touching the event tables.
Every figure is aggregated in SQL; the number of queries does not depend on how many events the week holds.

Weeks are ISO weeks, Monday to Sunday. Event and statement dates are calendar dates already (the day the thing
happened where it happened), so the deployment's time zone (settings.TIME_ZONE) only decides what "today" and
hence "the last complete week" are.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone

from actors.models import Statement
from events.models import ControlZone, Event, EventActor, EventStatus, Subscriber, SummaryStatus, WeeklySummary
from events.quotes import quote_sentence
from events.selectors import WeeklyChart
from events.taxonomy import EventType

# Bump when the shape of the stored dict changes, so templates can tell an old summary from a new one.
# 2: statements carry speaker_text and context (the article's sentence); a version 1 summary still renders.
DATA_VERSION = 2
SERIES_WEEKS = 12
AVERAGE_WEEKS = 4
TOP_EVENTS = 5
KEY_STATEMENTS = 5
ACTIVE_ACTORS = 8
UNSPECIFIED_GOVERNORATE = "Unspecified"


# --- Week arithmetic -------------------------------------------------------------------------------------------


def week_monday(day: date | datetime) -> date:
    """The Monday of the ISO week containing ``day`` (a datetime is first read in the deployment's time zone)."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date | None = None) -> date:
    """The Monday of the most recent week that has fully ended, in the deployment's time zone."""
    return week_monday(today or timezone.localdate()) - timedelta(weeks=1)


def week_label(monday: date) -> str:
    """ISO week name, e.g. ``2025-W14``; the ISO year can differ from the calendar year around New Year."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_from_label(year: int, week: int) -> date:
    """Inverse of week_label; raises ValueError for a week that does not exist (e.g. 2025-W53)."""
    return date.fromisocalendar(year, week, 1)


def week_range_label(monday: date) -> str:
    """``31 Mar - 6 Apr 2025`` (with an en dash), the year shown twice when the week straddles New Year."""
    sunday = monday + timedelta(days=6)
    dash = "\u2013"
    if monday.year != sunday.year:
        return f"{monday.day} {monday:%b %Y} {dash} {sunday.day} {sunday:%b %Y}"
    if monday.month != sunday.month:
        return f"{monday.day} {monday:%b} {dash} {sunday.day} {sunday:%b %Y}"
    return f"{monday.day}{dash}{sunday.day} {sunday:%b %Y}"


# --- Comparisons -----------------------------------------------------------------------------------------------


def compare(value: float, reference: float) -> dict[str, Any]:
    """Change of ``value`` against ``reference``: delta, percent (None when the reference is zero) and direction."""
    delta = round(value - reference, 1)
    percent = round(100 * delta / reference) if reference else None
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return {"delta": delta, "percent": percent, "direction": direction}


# --- The computation -------------------------------------------------------------------------------------------


def compute_week(monday: date, *, today: date | None = None) -> dict[str, Any]:
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

    return {
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
    }


def _weekly_series(published, monday: date) -> list[dict[str, Any]]:
    """Events (in total and by type) and stated fatalities per week for the SERIES_WEEKS weeks ending with this
    one, oldest first: one grouped query."""
    first = monday - timedelta(weeks=SERIES_WEEKS - 1)
    rows = (
        published.filter(occurred_on__range=(first, monday + timedelta(days=6)))
        .annotate(week=TruncWeek("occurred_on"))
        .values("week", "event_type")
        .annotate(events=Count("id"), fatalities=Coalesce(Sum("fatalities"), 0))
        .order_by("week", "event_type")
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
        week = series[(_as_date(row["week"]) - first).days // 7]
        week["events"] += row["events"]
        week["fatalities"] += row["fatalities"]
        week["by_type"][row["event_type"]] = row["events"]
    return series


def _as_date(value: date | datetime) -> date:
    # TruncWeek of a DateField is a date on PostgreSQL and SQLite; be tolerant of a datetime all the same.
    return value.date() if isinstance(value, datetime) else value


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
                # statement as a whole sentence (events.quotes) without reading the article again.
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


# --- Highlights ------------------------------------------------------------------------------------------------


def _count_phrase(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def headline_sentence(data: dict[str, Any]) -> str:
    """The figure line: ``12 published events, up 4 (+50%) on last week's 8; the four-week average is 9.5.``"""
    headline = data["headline"]
    events = headline["events"]
    if not events:
        return (
            f"No published events were recorded this week (last week: {headline['last_week']}; "
            f"four-week average: {headline['four_week_average']:g})."
        )
    vs_last = headline["vs_last_week"]
    if vs_last["direction"] == "same":
        change = f"the same as last week's {headline['last_week']}"
    else:
        percent = f" ({vs_last['percent']:+d}%)" if vs_last["percent"] is not None else ""
        change = f"{vs_last['direction']} {abs(vs_last['delta']):g}{percent} on last week's {headline['last_week']}"
    vs_avg = headline["vs_average"]["direction"]
    average = {"up": "above", "down": "below", "same": "equal to"}[vs_avg]
    return (
        f"{_count_phrase(events, 'published event')}, {change}; "
        f"{average} the four-week average of {headline['four_week_average']:g}."
    )


def default_highlights(data: dict[str, Any]) -> str:
    """Highlights an editor starts from, one per line: the facts a reader asks first after the figure line."""
    lines = []
    if data["headline"]["fatalities"]:
        fatalities = data["headline"]["fatalities"]
        lines.append(f"{fatalities} reported {'fatality' if fatalities == 1 else 'fatalities'} in published events.")
    deadliest = max(data["top_events"], key=lambda event: event["fatalities"] or 0, default=None)
    if deadliest and deadliest["fatalities"]:
        where = f"{deadliest['place']}, " if deadliest["place"] else ""
        lines.append(f"Deadliest: {deadliest['title']} ({where}{deadliest['fatalities']} killed).")
    if data["top_events"] and data["top_events"][0]["sources"] > 1:
        top = data["top_events"][0]
        lines.append(f"Most reported: {top['title']} ({top['sources']} sources).")
    for change in data["zone_changes"]:
        verb = "took control of" if change["change"] == "gained" else "no longer holds"
        lines.append(f"{change['controller']} {verb} {change['name']} ({change['on']}).")
    if data["by_governorate"] and data["by_governorate"][0]["governorate"] != UNSPECIFIED_GOVERNORATE:
        busiest = data["by_governorate"][0]
        lines.append(f"Most events in {busiest['governorate']} governorate ({busiest['count']}).")
    return "\n".join(lines)


# --- Display ---------------------------------------------------------------------------------------------------

def map_path(day: str) -> str:
    """The map of who controlled what on ``day`` (the map page's ?date= is part of its public interface)."""
    return f"{reverse('events:map')}?date={day}"


def highlight_lines(highlights: str) -> list[str]:
    return [line.strip() for line in highlights.splitlines() if line.strip()]


def summary_context(summary: WeeklySummary) -> dict[str, Any]:
    """What the page and the email show of a summary: its stored figures, arranged for display (no query)."""
    data = summary.data
    max_type = max((row["count"] for row in data["by_type"]), default=0)
    by_type = [{**row, "share": _share(row["count"], max_type)} for row in data["by_type"]]
    max_gov = max((row["count"] for row in data["by_governorate"]), default=0)
    by_governorate = [{**row, "share": _share(row["count"], max_gov)} for row in data["by_governorate"]]
    zone_changes = [
        {
            **change,
            "before_url": map_path(change["before"]),
            "after_url": map_path(change["after"]),
        }
        for change in data["zone_changes"]
    ]
    # The same stacked chart by event type as the timeline's (static/js/charts.js); a bar opens that week there.
    series = data["series"]
    chart = WeeklyChart(
        [date.fromisoformat(week["week_start"]) for week in series],
        {event_type: [week["by_type"].get(event_type, 0) for week in series] for event_type in EventType.values},
    ).as_chart_data()
    return {
        "summary": summary,
        "data": data,
        "statements": quoted_statements(data),
        "series_rows": series_rows(data),
        "headline_sentence": headline_sentence(data),
        "highlights": highlight_lines(summary.highlights),
        "by_type": by_type,
        "by_governorate": by_governorate,
        "zone_changes": zone_changes,
        "chart": chart,
    }


def series_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The twelve weeks for the table under the chart, newest first: the summary's own week is what a reader
    looks for, and on a phone it is the row they see without scrolling."""
    rows = []
    for week in reversed(data["series"]):
        monday = date.fromisoformat(week["week_start"])
        rows.append(
            {
                "label": week["label"],
                "week": week["label"].split("-")[-1],
                # Day and month only: the year is in the page's heading, and the row stays one line on a phone.
                "range": f"{monday.day} {monday:%b} \u2013 {(monday + timedelta(days=6)).day} "
                f"{monday + timedelta(days=6):%b}",
                "events": week["events"],
                "fatalities": week["fatalities"],
                "is_this_week": week["week_start"] == data["week_start"],
            }
        )
    return rows


def quoted_statements(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The key statements, each with ``quote``: the sentence page, feed and email print (see events.quotes)."""
    return [
        {
            **statement,
            "quote": quote_sentence(
                text=statement["text"],
                speaker=statement["speaker"],
                is_direct=statement["is_direct"],
                speaker_text=statement.get("speaker_text", ""),
                context=statement.get("context", ""),
            ),
        }
        for statement in data.get("statements", [])
    ]


def _share(count: int, largest: int) -> int:
    """Bar width in percent of the largest row, rounded to the 5% steps summary.css has classes for (w-0 ... w-100):
    the CSP forbids inline style attributes, and CSS bars print without JavaScript."""
    return 5 * round(20 * count / largest) if largest else 0


# --- Reads behind the summary pages ----------------------------------------------------------------------------


def published_summaries():
    # Served by summary_status_week_idx: WHERE status = 'published' ORDER BY week_start DESC.
    return WeeklySummary.objects.filter(status=SummaryStatus.PUBLISHED).order_by("-week_start")


def summary_for_week(monday: date, *, include_drafts: bool = False) -> WeeklySummary | None:
    summaries = WeeklySummary.objects.filter(week_start=monday)
    if not include_drafts:
        summaries = summaries.filter(status=SummaryStatus.PUBLISHED)
    return summaries.first()


def subscriber_token_exists(token: str) -> bool:
    return Subscriber.objects.filter(token=token).exists()
