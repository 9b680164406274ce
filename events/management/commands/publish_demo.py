"""`python manage.py publish_demo`: publish the demo feed's surest candidates so a fresh `make run` has a timeline.

Local development only (DJANGO_DEBUG=1). Candidates at or above --min-confidence are published through
event_publish as the demo editor, exactly as an editor's "Publish" action would; the rest stay in the review
queue, so the editors' desk has something to decide too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.curation.editors import DEMO_EDITOR_USERNAME
from events.curation.services import event_publish
from events.models import Event, EventStatus


class Command(BaseCommand):
    help = "Publish the demo feed's candidate events above a confidence threshold (DJANGO_DEBUG=1 only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed-url-suffix", default="demo_feed.xml", help="Which feed counts as the demo feed.")
        parser.add_argument("--min-confidence", type=float, default=0.7)

    def handle(self, *args, feed_url_suffix: str, min_confidence: float, **options) -> None:  # type: ignore[no-untyped-def]
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
