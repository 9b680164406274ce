"""Which event candidates are news: a small learned model on top of the rules.

The rules (events.py) propose candidates from keywords; on real coverage more than half of them are no event an
annotator would code (background told in passing, a toll over months, a happening at the wrong place). Rules for
each such case did not generalise, so a logistic model learns from the annotated development half of the real
articles (tests/extraction_eval/real/, docs/coding-guide.md) which candidates to keep, from features every
candidate has: its rule, where its sentence stands in the article, whether it is placed and dated and how long
before the article, what kind of place and actor it has, and the words around it.

The model is a plain table of weights (rules/event_model.json) written by `python manage.py train_extraction`
(scikit-learn, fixed seed, development half only) and applied here with a dot product: extraction stays pure,
fast and free of scikit-learn at run time. A missing or empty table keeps every candidate.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from events.extract.events import EventCandidate
from events.extract.gazetteer import Gazetteer
from events.extract.sentences import Sentence

MODEL_FILE = Path(__file__).resolve().parent / "rules" / "event_model.json"
_WORD = re.compile(r"[a-z]+")
# Words that carry no sign either way; the model gets enough noise from the rest.
_STOP = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "and", "or", "for", "by", "with", "from", "as", "that", "this",
    "was", "were", "is", "are", "be", "been", "has", "have", "had", "it", "its", "their", "his", "her", "they", "he",
    "she", "which", "who",
})


@dataclass(frozen=True)
class EventModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def model_load(path: Path = MODEL_FILE) -> EventModel | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if not data.get("weights"):
        return None
    return EventModel(weights=data["weights"], bias=float(data["bias"]), threshold=float(data["threshold"]))


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def candidate_features(
    candidate: EventCandidate, sentences: list[Sentence], title: str, published: date, gazetteer: Gazetteer,
) -> dict[str, float]:
    first = sentences[candidate.sentences[0]]
    body_index = sum(1 for s in sentences[:first.index] if not s.title and not s.junk)
    features: dict[str, float] = {
        f"rule={candidate.rule_id}": 1.0,
        f"type={candidate.event_type}": 1.0,
        f"position={_bucket(body_index, (0, 1, 2, 4, 8))}": 1.0,
        f"sources={_bucket(len(candidate.sentences), (1, 2))}": 1.0,
        "placed": float(candidate.placed),
        "dated": float(candidate.dated),
        "spread": float(candidate.spread),
        "toll": float(candidate.fatalities is not None),
    }
    if candidate.dated:
        features[f"days_before={_bucket((published - candidate.occurred_on).days, (0, 1, 3, 7))}"] = 1.0
    if candidate.place_id is not None:
        place = gazetteer.places[candidate.place_id]
        features[f"place_kind={place.kind}"] = 1.0
        features["place_in_title"] = float(place.name.lower() in title.lower())
    else:
        features["no_place"] = 1.0
    roles = dict((role, actor) for actor, role in reversed(candidate.actors))
    actor1 = roles.get("actor1")
    features[f"actor1_kind={gazetteer.actors[actor1].kind if actor1 else 'none'}"] = 1.0
    features["actor2"] = float("actor2" in roles)
    for word in set(_WORD.findall(first.text.lower())) - _STOP:
        features[f"word={word}"] = 0.3
    return features


def events_kept(
    candidates: list[EventCandidate], sentences: list[Sentence], title: str, published: date, gazetteer: Gazetteer,
    model: EventModel | None,
) -> list[EventCandidate]:
    if model is None:
        return candidates
    return [
        c for c in candidates
        if model.probability(candidate_features(c, sentences, title, published, gazetteer)) >= model.threshold
    ]
