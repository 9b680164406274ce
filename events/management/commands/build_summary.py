"""`python manage.py build_summary [--week YYYY-MM-DD] [--refresh-published]`: build or rebuild a weekly summary."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import weeks
from events.models import SummaryStatus
from events.summaries.services import SummaryError, summary_build


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--week {value!r} is not a date: use YYYY-MM-DD (any day of the week).") from None


class Command(BaseCommand):
    help = "Build the weekly summary of a week (any date in it; default: the last complete week)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", type=str, help="Any day of the ISO week to build, YYYY-MM-DD.")
        parser.add_argument(
            "--refresh-published",
            action="store_true",
            help="Also recompute the figures of an already published summary (its lead and highlights stay).",
        )

    def handle(self, *args, week: str | None = None, refresh_published: bool = False, **options) -> None:
        day = _day(week) if week else weeks.last_complete_week()
        try:
            summary = summary_build(day, refresh_published=refresh_published)
        except SummaryError as exc:
            raise CommandError(str(exc)) from None
        headline = summary.data.get("headline", {})
        state = summary.get_status_display().lower()
        if summary.status == SummaryStatus.PUBLISHED and not refresh_published:
            state += ", figures kept as published (use --refresh-published to recompute)"
        self.stdout.write(
            f"{summary} ({weeks.week_range_label(summary.week_start)}): {headline.get('events', 0)} events, "
            f"{state}."
        )
