"""python manage.py add_feed URL [--name NAME]: add a feed an editor wants followed (validated like the admin)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events.ingest.feeds import feed_add


class Command(BaseCommand):
    help = "Add a feed by URL (http/https on a public address); it is fetched at the next beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("url")
        parser.add_argument("--name", default="", help="Display name (default: the host name).")

    def handle(self, *args, url: str, name: str, **options) -> None:
        try:
            feed, created = feed_add(url, name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        verb = "added" if created else "already followed"
        self.stdout.write(f"[{feed.pk}] {feed.name} <{feed.url}>: {verb}")
