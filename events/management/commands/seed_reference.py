"""`python manage.py seed_reference`: load the shipped actors, places, control zones and default feeds."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from events.reference import reference_seed
from idlib_tracker.loading import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Load the reference data that ships with the project (actor and place gazetteers, control zones of "
        "September 2018, default feeds), all or nothing. Safe to run again: unchanged data writes nothing."
    )

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        try:
            reports = reference_seed()
        except ReferenceDataError as exc:
            raise CommandError("Reference data not loaded:\n  " + "\n  ".join(exc.messages)) from exc
        for report in reports:
            self.stdout.write(str(report))
        changed = sum(report.changed for report in reports)
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {changed} rows written."))
