"""The labelled evaluation set: the F1 targets are the regression test for every rule file."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from events.extract.evaluation import KINDS, evaluate_set
from events.extract.matcher import Matcher
from events.extract.matcher_cache import gazetteer_from_reference_files
from events.extract.rules import rules_load
from tests.conftest import FOUNDING_ARTICLE, require

EVAL_DIR = settings.BASE_DIR / "tests" / "extraction_eval"


def test_every_f1_reaches_the_target_without_a_wrong_speaker():
    require(FOUNDING_ARTICLE.exists(), "the founding article in ../shared is part of the evaluation set")
    evaluation = evaluate_set(EVAL_DIR, settings.BASE_DIR, Matcher(gazetteer_from_reference_files(),
                                                                   rules_load()))
    assert evaluation.articles >= 13
    failing = {kind: round(evaluation.scores[kind].f1, 3) for kind in KINDS if evaluation.scores[kind].f1 < 0.9}
    assert failing == {}, evaluation.mistakes
    assert evaluation.wrong_speakers == 0, evaluation.mistakes
    assert evaluation.relevance_correct == evaluation.articles, evaluation.mistakes
    # A statement tied to the wrong event misleads an editor more than one tied to none.
    links = evaluation.scores["links"]
    assert links.tp >= 15 and links.precision == 1.0, [m for m in evaluation.mistakes if m[1] == "links"]


def test_the_command_prints_a_table_and_the_summary_line():
    require(FOUNDING_ARTICLE.exists(), "the founding article in ../shared is part of the evaluation set")
    out = StringIO()
    call_command("eval_extraction", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "== self_written"
    assert lines[1].split() == ["kind", "tp", "fp", "fn", "precision", "recall", "f1"]
    assert any(
        re.fullmatch(
            r"self_written: actors_f1=\d\.\d{3} places_f1=\d\.\d{3} statements_f1=\d\.\d{3} events_f1=\d\.\d{3} "
            r"links_f1=\d\.\d{3} wrong_speakers=\d+",
            line,
        )
        for line in lines
    )


@pytest.mark.django_db
def test_the_evaluation_reads_the_gazetteer_a_seeded_database_gives():
    """The evaluation builds its gazetteer with production's loader: after `seed_reference`, the database's
    gazetteer names the same actors and places by the same spellings as the one built from the shipped files."""
    from events.extract.matcher_cache import gazetteer_from_db

    call_command("seed_reference", stdout=StringIO())
    files, database = gazetteer_from_reference_files(), gazetteer_from_db()

    def names(gazetteer):
        actors = {(name, gazetteer.actors[i].slug) for name, i in gazetteer.actor_names}
        places = {(name, gazetteer.places[i].slug, gazetteer.places[i].admin1) for name, i in gazetteer.place_names}
        kinds = {(a.slug, a.kind, a.parent_id and gazetteer.actors[a.parent_id].slug) for a in gazetteer.actors.values()}
        return actors, places, kinds

    assert names(files) == names(database)
