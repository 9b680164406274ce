"""`python manage.py publish_demo_summary`: build and publish the weekly summaries of the demo's published events,
so a fresh `make run` shows /summaries/ with one summary for each week of the record it covers (2018 to 2025).

Local development only (DJANGO_DEBUG=1), run after `publish_demo`. Every week holding a published event of the
demo feed goes through summary_build and summary_publish as the demo editor, exactly as the Monday beat task and
an editor's "Publish" would (the subscribers' mail enqueued after). Idempotent: a summary already published is
left as it is, and nobody is mailed again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import tasks
from events.curation.editors import DEMO_EDITOR_USERNAME
from events.models import Event, EventStatus, SummaryStatus
from events.summaries.services import summary_build, summary_publish
from events.weeks import week_monday


class Command(BaseCommand):
    help = "Build and publish the weekly summary of every week of the demo feed's published events (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed-url-suffix", default="demo_feed.xml", help="Which feed counts as the demo feed.")

    def handle(self, *args, feed_url_suffix: str, **options) -> None:  # type: ignore[no-untyped-def]
        if not settings.DEBUG:
            raise CommandError("publish_demo_summary publishes without review; it only runs with DJANGO_DEBUG=1.")
        editor = get_user_model().objects.filter(username=DEMO_EDITOR_USERNAME).first()
        if editor is None:
            raise CommandError("Run `manage.py create_editors --demo` first: the demo editor publishes.")
        days = (
            Event.objects.filter(status=EventStatus.PUBLISHED, sources__feed__url__endswith=feed_url_suffix)
            .values_list("occurred_on", flat=True)
            .distinct()
        )
        weeks = sorted({week_monday(day) for day in days})
        if not weeks:
            raise CommandError("No published demo events: run `manage.py publish_demo` first.")
        new = []
        for monday in weeks:
            summary = summary_build(monday)  # leaves a published summary untouched
            if summary.status == SummaryStatus.PUBLISHED:
                continue
            summary_publish(summary, editor)
            # As the editors' Publish does: the confirmed subscribers (none on a fresh machine) are mailed once.
            tasks.send_summary_emails.delay_on_commit(summary.pk)
            new.append(str(summary))
        self.stdout.write(
            f"Demo summaries: {len(weeks)} weeks from {weeks[0]} to {weeks[-1]}, {len(new)} newly published. "
            "/summaries/"
        )
