"""python manage.py eval_extraction: precision, recall and F1 of extraction on the labelled article set.

Runs the pure extraction (no writes) over tests/extraction_eval/ with the gazetteer shipped in the data files
(or, with --gazetteer db, the one in the database, editors' additions included), prints a table per kind and a
final line `actors_f1=... places_f1=... statements_f1=... events_f1=... links_f1=... wrong_speakers=N` (links: the
labelled statements tied to the right event, or to none; events/extract/evaluation.py says how each kind is scored).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.extract.evaluation import evaluate_set, report_lines
from events.extract.gazetteer import gazetteer_from_files
from events.extract.matcher import Matcher
from events.extract.rules import rules_load
from events.reference import ACTORS_FILE, PLACES_FILE

DEFAULT_SET = settings.BASE_DIR / "tests" / "extraction_eval"


class Command(BaseCommand):
    help = "Evaluate extraction against the hand-labelled articles and print per-kind precision/recall/F1."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--set", dest="directory", default=str(DEFAULT_SET), help="Folder with gold.json.")
        parser.add_argument(
            "--gazetteer", choices=("files", "db"), default="files",
            help="Shipped data files (default, reproducible) or the database's current gazetteer.",
        )
        parser.add_argument("--mistakes", action="store_true", help="List every miss and false alarm.")

    def handle(self, *args, directory: str, gazetteer: str, mistakes: bool, **options) -> None:
        folder = Path(directory)
        if not (folder / "gold.json").exists():
            raise CommandError(f"{folder / 'gold.json'} does not exist.")
        if gazetteer == "db":
            from events.extract.store import matcher_current

            matcher = matcher_current()
        else:
            matcher = Matcher(gazetteer_from_files(ACTORS_FILE, PLACES_FILE), rules_load())
        try:
            evaluation = evaluate_set(folder, settings.BASE_DIR, matcher)
        except FileNotFoundError as exc:
            raise CommandError(f"An article of the set is missing: {exc.filename}") from exc
        for line in report_lines(evaluation):
            self.stdout.write(line)
        if mistakes:
            for article_id, kind, what in evaluation.mistakes:
                self.stdout.write(f"  {article_id} [{kind}] {what}")
        self.stdout.write(evaluation.summary())
