"""python manage.py extract_again [--here]: extract the whole record again, after a change of rules or gazetteer.

By default the work goes to the workers (the ``extract_record`` task hands them a chunk of articles each; without
REDIS_URL Celery runs them in-process). ``--here`` runs the chunks in this process, printing progress. Extraction
is idempotent and never changes what editors decided (published, rejected, merged or editor-owned events).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from events import tasks
from events.extract.store import articles_extract, record_extract_enqueue


class Command(BaseCommand):
    help = "Extract every stored article again (after a rules or gazetteer change)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--here", action="store_true", help="Extract in this process instead of the workers.")

    def handle(self, *args, here: bool, **options) -> None:
        if not here:
            tasks.extract_record.delay()
            self.stdout.write("Queued: the workers extract the whole record again, a chunk of articles per task.")
            return
        done = 0

        def extract_chunk(ids: list[int]) -> None:
            nonlocal done
            report = articles_extract(ids)
            done += len(ids)
            errors = f", {len(report.errors)} failed" if report.errors else ""
            self.stdout.write(f"{done} articles extracted again ({report.events_created} new candidates{errors})")

        total = record_extract_enqueue(extract_chunk)
        self.stdout.write(self.style.SUCCESS(f"Extracted {total} articles again."))
