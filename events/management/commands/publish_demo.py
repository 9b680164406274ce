"""`python manage.py publish_demo`: publish the demo feed's surest candidates so a fresh `make run` has a timeline.

Local development only (DJANGO_DEBUG=1). Candidates at or above --min-confidence are published through
event_publish as the demo editor, exactly as an editor's "Publish" action would; the rest stay in the review
queue, so the editors' desk has something to decide too.

Then every week that holds a published demo event gets its weekly summary, built and published through
summary_build and summary_publish as the Monday beat task and an editor would (the demo spans 2018 to 2025, so
/summaries/ lists one per turning point). Idempotent: a summary already published is left as it is, and nobody
is mailed twice.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events import summaries
from events.models import Event, EventStatus, SummaryStatus
from events.services.curation import event_publish
from events.services.editors import DEMO_EDITOR_USERNAME
from events.services.summaries import summary_build, summary_publish


class Command(BaseCommand):
    help = "Publish the demo feed's candidate events above a confidence threshold (DJANGO_DEBUG=1 only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed-url-suffix", default="demo_feed.xml", help="Which feed counts as the demo feed.")
        parser.add_argument("--min-confidence", type=float, default=0.7)
        parser.add_argument(
            "--no-summaries", dest="summaries", action="store_false",
            help="Do not build and publish the weekly summaries of the demo's weeks.",
        )

    def handle(  # type: ignore[no-untyped-def]
        self, *args, feed_url_suffix: str, min_confidence: float, summaries: bool = True, **options
    ) -> None:
        if not settings.DEBUG:
            raise CommandError("publish_demo publishes without review; it only runs with DJANGO_DEBUG=1.")
        editor = get_user_model().objects.filter(username=DEMO_EDITOR_USERNAME).first()
        if editor is None:
            raise CommandError("Run `manage.py create_editors --demo` first: the demo editor publishes.")
        candidates = (
            Event.objects.filter(
                status=EventStatus.CANDIDATE,
                confidence__gte=min_confidence,
                sources__feed__url__endswith=feed_url_suffix,
            )
            .distinct()
            .order_by("occurred_on", "id")
        )
        published = [event_publish(event, editor) for event in candidates]
        waiting = Event.objects.filter(status=EventStatus.CANDIDATE).count()
        self.stdout.write(f"Demo: {len(published)} events published; {waiting} candidates wait in the review queue.")
        if summaries:
            self._summaries(editor, feed_url_suffix)

    def _summaries(self, editor, feed_url_suffix: str) -> None:
        days = (
            Event.objects.filter(status=EventStatus.PUBLISHED, sources__feed__url__endswith=feed_url_suffix)
            .values_list("occurred_on", flat=True)
            .distinct()
        )
        weeks = sorted({summaries.week_monday(day) for day in days})
        new = 0
        for monday in weeks:
            summary = summary_build(monday)  # leaves a published summary untouched
            if summary.status != SummaryStatus.PUBLISHED:
                summary_publish(summary, editor)
                new += 1
        self.stdout.write(f"Demo: {len(weeks)} weekly summaries ({new} newly published), /summaries/.")
