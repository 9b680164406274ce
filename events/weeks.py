"""ISO weeks, Monday to Sunday: one definition of a week's Monday, of its names, and of the per-week counts in SQL.

Event and statement dates are calendar dates already (the day the thing happened where it happened), so the
deployment's time zone (settings.TIME_ZONE) only decides what "today" and hence "the last complete week" are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone


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


def as_date(value: date | datetime) -> date:
    # TruncWeek of a DateField is a date on PostgreSQL and SQLite; be tolerant of a datetime all the same.
    return value.date() if isinstance(value, datetime) else value


def per_week_and_type(queryset: QuerySet, /, **aggregates: Any) -> Iterator[dict[str, Any]]:
    """``queryset`` (events) grouped by ISO week of occurred_on and by event type, with ``aggregates`` per group:
    one grouped query. Each row has ``week`` (its Monday, a date), ``event_type`` and the aggregates."""
    rows = (
        queryset.annotate(week=TruncWeek("occurred_on"))
        .values("week", "event_type")
        .annotate(**aggregates)
        .order_by("week", "event_type")
    )
    for row in rows:
        row["week"] = as_date(row["week"])
        yield row
