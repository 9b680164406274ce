"""`python manage.py publish_demo_summary`: build and publish one weekly summary from the demo's published events,
so a fresh `make run` shows /summaries/ with something in it.

Local development only (DJANGO_DEBUG=1), run after `publish_demo`. The week is the one holding the most published
events of the demo feed (the latest on a tie). It goes through summary_build and summary_publish as the demo
editor, exactly as the Monday beat task and an editor's "Publish" would (the subscribers' mail enqueued after).
Idempotent: a summary already published for that week is left as it is, and nobody is mailed again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.db.models.functions import TruncWeek

from events import tasks
from events.curation.editors import DEMO_EDITOR_USERNAME
from events.models import Event, EventStatus, SummaryStatus
from events.summaries.services import summary_build, summary_publish
from events.weeks import week_range_label


class Command(BaseCommand):
    help = "Build and publish the weekly summary of the demo feed's busiest week (DJANGO_DEBUG=1 only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed-url-suffix", default="demo_feed.xml", help="Which feed counts as the demo feed.")

    def handle(self, *args, feed_url_suffix: str, **options) -> None:  # type: ignore[no-untyped-def]
        if not settings.DEBUG:
            raise CommandError("publish_demo_summary publishes without review; it only runs with DJANGO_DEBUG=1.")
        editor = get_user_model().objects.filter(username=DEMO_EDITOR_USERNAME).first()
        if editor is None:
            raise CommandError("Run `manage.py create_editors --demo` first: the demo editor publishes.")
        busiest = (
            Event.objects.filter(status=EventStatus.PUBLISHED, sources__feed__url__endswith=feed_url_suffix)
            .annotate(week=TruncWeek("occurred_on"))
            .values("week")
            .annotate(events=Count("id", distinct=True))
            .order_by("-events", "-week")
            .first()
        )
        if busiest is None:
            raise CommandError("No published demo events: run `manage.py publish_demo` first.")
        summary = summary_build(busiest["week"])  # leaves a published summary untouched
        if summary.status == SummaryStatus.PUBLISHED:
            self.stdout.write(f"Demo summary {summary} was already published: /summaries/{summary}/")
            return
        summary_publish(summary, editor)
        # As the editors' Publish does: the confirmed subscribers (none on a fresh machine) are mailed once.
        tasks.send_summary_emails.delay_on_commit(summary.pk)
        self.stdout.write(
            f"Demo summary {summary} ({week_range_label(summary.week_start)}) published: "
            f"{summary.data['headline']['events']} events. /summaries/{summary}/"
        )
