"""A weekly summary arranged for display: what the page, the Atom entry and both emails render (no query)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.urls import reverse

from events.models import WeeklySummary
from events.public.selectors import WeeklyChart
from events.summaries.data import WeekFigures
from events.summaries.quotes import quote_sentence
from events.summaries.text import headline_sentence, highlight_lines
from events.taxonomy import EventType


def figures_of(summary: WeeklySummary) -> WeekFigures:
    """The stored figures of a built summary, typed."""
    return WeekFigures.from_json(summary.data)


def map_path(day: str) -> str:
    """The map of who controlled what on ``day`` (the map page's ?date= is part of its public interface)."""
    return f"{reverse('events:map')}?date={day}"


def summary_context(summary: WeeklySummary) -> dict[str, Any]:
    """What the page and the email show of a summary: its stored figures, arranged for display (no query)."""
    data = figures_of(summary)
    max_type = max((row.count for row in data.by_type), default=0)
    by_type = [{**asdict(row), "share": _share(row.count, max_type)} for row in data.by_type]
    max_gov = max((row.count for row in data.by_governorate), default=0)
    by_governorate = [{**asdict(row), "share": _share(row.count, max_gov)} for row in data.by_governorate]
    zone_changes = [
        {**asdict(change), "before_url": map_path(change.before), "after_url": map_path(change.after)}
        for change in data.zone_changes
    ]
    # The same stacked chart by event type as the timeline's (static/js/charts.js); a bar opens that week there.
    chart = WeeklyChart(
        [date.fromisoformat(week.week_start) for week in data.series],
        {event_type: [week.by_type.get(event_type, 0) for week in data.series] for event_type in EventType.values},
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


def quoted_statements(data: WeekFigures) -> list[dict[str, Any]]:
    """The key statements, each with ``quote``: the sentence page, feed and email print (see quotes.py)."""
    return [
        {
            **asdict(statement),
            "quote": quote_sentence(
                text=statement.text,
                speaker=statement.speaker,
                is_direct=statement.is_direct,
                speaker_text=statement.speaker_text,
                context=statement.context,
            ),
        }
        for statement in data.statements
    ]


def series_rows(data: WeekFigures) -> list[dict[str, Any]]:
    """The twelve weeks for the table under the chart, newest first: the summary's own week is what a reader
    looks for, and on a phone it is the row they see without scrolling."""
    rows = []
    for week in reversed(data.series):
        monday = date.fromisoformat(week.week_start)
        sunday = monday + timedelta(days=6)
        rows.append(
            {
                "label": week.label,
                "week": week.label.split("-")[-1],
                # Day and month only: the year is in the page's heading, and the row stays one line on a phone.
                "range": f"{monday.day} {monday:%b} \u2013 {sunday.day} {sunday:%b}",
                "events": week.events,
                "fatalities": week.fatalities,
                "is_this_week": week.week_start == data.week_start,
            }
        )
    return rows


def _share(count: int, largest: int) -> int:
    """Bar width in percent of the largest row, rounded to the 5% steps summary.css has classes for (w-0 ... w-100):
    the CSP forbids inline style attributes, and CSS bars print without JavaScript."""
    return 5 * round(20 * count / largest) if largest else 0
