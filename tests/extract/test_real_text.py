"""Extraction measured on real news (../shared/corpus/fakes, annotated by docs/coding-guide.md).

The texts stay in ../shared: these tests skip on a machine without it, and fail in CI (CI=true) where it must be.
The test half is never tuned on; its figures are held at the level measured last (README, quality section), so a
rule or gazetteer change that loses ground on text nobody here wrote fails here. The issue's targets (events precision
0.85 / recall 0.75 ...) are not reached yet: the README's quality section gives today's figures.
"""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command

from events.extract.corpus import annotations_load, corpus_load, evaluate_real, split_load
from events.extract.matcher import Matcher
from events.extract.matcher_cache import gazetteer_from_reference_files
from events.extract.rules import rules_load
from events.management.commands.eval_extraction import CORPUS_FILE, REAL_SET
from tests.conftest import require


def _require_corpus() -> None:
    if not CORPUS_FILE.exists() and os.environ.get("CI"):
        pytest.fail(f"{CORPUS_FILE} is missing in CI: ../shared must be beside the checkout")
    require(CORPUS_FILE.exists(), f"{CORPUS_FILE} is missing (../shared beside the checkout)")


@pytest.fixture(scope="module")
def real():
    _require_corpus()
    matcher = Matcher(gazetteer_from_reference_files(), rules_load())
    return matcher, corpus_load(CORPUS_FILE), annotations_load(REAL_SET), split_load(REAL_SET)


def test_the_halves_are_disjoint_and_every_annotated_article_is_in_one(real):
    _, corpus, records, split = real
    dev, test = set(split["dev"]), set(split["test"])
    assert not dev & test
    assert len(records) >= 150 and set(records) == dev | test
    assert all(unit_id in corpus for unit_id in records)
    # Favouring the north-west: most annotated articles are Idlib, Aleppo, Hama or Latakia stories.
    north_west = sum(corpus[u].crowd["location"] in {"idlib", "aleppo", "hama", "lattakia"} for u in records)
    assert north_west / len(records) >= 0.8


def test_the_test_half_holds_its_measured_level(real):
    matcher, corpus, records, split = real
    result = evaluate_real(records, split["test"], corpus, matcher)
    scores = result.scores
    floors = {
        "actors_p": (scores["actors"].precision, 0.79), "actors_r": (scores["actors"].recall, 0.69),
        "places_p": (scores["places"].precision, 0.80), "places_r": (scores["places"].recall, 0.64),
        "statements_p": (scores["statements"].precision, 0.59), "statements_r": (scores["statements"].recall, 0.57),
        "events_p": (scores["events"].precision, 0.54), "events_r": (scores["events"].recall, 0.51),
        "actor1": (result.actor1.value, 0.45), "tolls": (result.tolls.value, 0.59),
    }
    below = {name: round(value, 3) for name, (value, floor) in floors.items() if value < floor}
    assert below == {}, result.real_summary()
    assert result.wrong_speakers <= 8, [m for m in result.mistakes if m[1] == "statements"]


def test_the_command_ends_with_the_test_half(real):
    out = StringIO()
    call_command("eval_extraction", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("real_test: actors_p=")
    for name in ("actors_p", "actors_r", "places_p", "places_r", "statements_p", "statements_r", "events_p",
                 "events_r", "actor1", "tolls", "wrong_speakers"):
        assert f" {name}=" in lines[-1] or lines[-1].startswith(f"real_test: {name}=")
    assert any(line.startswith("real_dev: ") for line in lines)
    assert any(line.startswith("crowd_nw: main_event=") for line in lines)


def test_a_name_coders_found_missing_counts_once_the_gazetteer_has_it(real):
    """The coders' unlisted names are read with the gazetteer of the day, other transliterations included: an event
    whose place was missing must then be found at that place, and "Kfar Nabl" is Kafr Nabl."""
    from events.extract.corpus import _name_index, _resolved

    matcher = real[0]
    names = _name_index(matcher)
    gold = {
        "actors": [], "places": [], "places_unlisted": [{"name": "Kfar Nabl", "governorate": "Idlib"}],
        "statements": [],
        "events": [{"event_type": "Battles", "sub_event_type": "Armed clash", "place_unlisted": "Kfar Nabl"},
                   {"event_type": "Battles", "sub_event_type": "Armed clash", "place_unlisted": "Nowhere Farm",
                    "place": ["idlib-governorate"]}],
    }
    resolved = _resolved(gold, names)
    assert resolved["places"] == ["kafr-nabl"] and resolved["places_unlisted"] == []
    assert resolved["events"][0]["place"] == ["kafr-nabl"]
    assert resolved["events"][1]["place"] == ["idlib-governorate"]  # still unknown: the coder's fallback stands
