"""python manage.py eval_extraction: how well extraction does, on real news first.

Runs the pure extraction (no writes) with the gazetteer shipped in the data files (or, with --gazetteer db, the one
in the database, editors' additions included) over:
- the self-written set in tests/extraction_eval/ (regression tests of the rules): a table per kind and the line
  `self_written: actors_f1=... places_f1=... statements_f1=... events_f1=... links_f1=... wrong_speakers=N`;
- the crowd labels of all FA-KES articles in ../shared/corpus/fakes (events/extract/corpus.py): `crowd_all:` and
  `crowd_nw:` (Idlib, Aleppo, Hama, Latakia), the main event found, its toll, its perpetrator;
- the real articles annotated by docs/coding-guide.md (tests/extraction_eval/real/), the development half then the
  test half: `real_dev: ...` and, last, `real_test: actors_p=... actors_r=... ... actor1=... tolls=...
  wrong_speakers=N`. Rules are tuned on the development half only.
With --agreement, the articles two coders annotated are scored one against the other (`agreement: ...`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.extract.corpus import (
    NORTH_WEST,
    annotations_load,
    corpus_load,
    crowd_agreement,
    evaluate_real,
    split_load,
)
from events.extract.corpus import (
    agreement as coders_agreement,
)
from events.extract.evaluation import Evaluation, evaluate_set, report_lines
from events.extract.matcher import Matcher
from events.extract.matcher_cache import gazetteer_from_reference_files
from events.extract.rules import rules_load

DEFAULT_SET = settings.BASE_DIR / "tests" / "extraction_eval"
REAL_SET = DEFAULT_SET / "real"
CORPUS_FILE = settings.BASE_DIR.parent / "shared" / "corpus" / "fakes" / "articles.csv"


class Command(BaseCommand):
    help = "Evaluate extraction against the hand-labelled articles and print per-kind precision/recall/F1."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--set", dest="directory", default=str(DEFAULT_SET), help="Folder with gold.json.")
        parser.add_argument(
            "--gazetteer", choices=("files", "db"), default="files",
            help="Shipped data files (default, reproducible) or the database's current gazetteer.",
        )
        parser.add_argument("--mistakes", action="store_true", help="List every miss and false alarm.")
        parser.add_argument("--corpus", default=str(CORPUS_FILE), help="The FA-KES articles.csv.")
        parser.add_argument("--real", default=str(REAL_SET), help="Folder of the real annotations and split.json.")
        parser.add_argument(
            "--half", choices=("dev", "test", "both"), default="both",
            help="Which half of the annotated real articles to list mistakes for (tune on dev only).",
        )
        parser.add_argument("--agreement", action="store_true", help="Score the coders' overlapping annotations.")

    def handle(
        self, *args, directory: str, gazetteer: str, mistakes: bool, corpus: str, real: str, half: str, agreement: bool,
        **options,
    ) -> None:
        folder = Path(directory)
        if not (folder / "gold.json").exists():
            raise CommandError(f"{folder / 'gold.json'} does not exist.")
        if gazetteer == "db":
            from events.extract.store import matcher_current

            matcher = matcher_current()
        else:
            matcher = Matcher(gazetteer_from_reference_files(), rules_load())
        try:
            evaluation = evaluate_set(folder, settings.BASE_DIR, matcher)
        except FileNotFoundError as exc:
            raise CommandError(f"An article of the set is missing: {exc.filename}") from exc
        self._report("self_written", evaluation, mistakes, evaluation.summary())
        corpus_path = Path(corpus)
        if not corpus_path.exists():
            self.stderr.write(f"{corpus_path} is missing: no real-text figures (../shared beside the checkout).")
            return
        articles = corpus_load(corpus_path)
        everything = crowd_agreement(articles.values(), matcher)
        north_west = crowd_agreement((a for a in articles.values() if a.crowd["location"] in NORTH_WEST), matcher)
        self.stdout.write(f"crowd_all: {everything.summary()}")
        self.stdout.write(f"crowd_nw: {north_west.summary()}")
        records = annotations_load(Path(real))
        if agreement:
            overlap = annotations_load(Path(real), prefix="overlap_")
            result = coders_agreement(records, overlap, articles, matcher)
            self._report("agreement", result, mistakes, result.real_summary())
        for name, unit_ids in split_load(Path(real)).items():
            result = evaluate_real(records, unit_ids, articles, matcher)
            show = mistakes and half in (name, "both")
            self._report(f"real_{name}", result, show, result.real_summary())

    def _report(self, name: str, evaluation: Evaluation, mistakes: bool, summary: str) -> None:
        self.stdout.write(f"== {name}")
        for line in report_lines(evaluation):
            self.stdout.write(line)
        if mistakes:
            for article_id, kind, what in evaluation.mistakes:
                self.stdout.write(f"  {article_id} [{kind}] {what}")
        self.stdout.write(f"{name}: {summary}")
