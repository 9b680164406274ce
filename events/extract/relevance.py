"""Is the article about the crisis? A score of what it mentions, weighed by rules/relevance.json.

The score counts each distinct actor once by its kind (actors of Syria weigh more), each distinct place in Syria
(the first one heavily), places abroad a little, and conflict keywords only once a Syrian place is named: a football
report that mentions Turkey, or a league called the NFL, stays below the threshold.
"""

from __future__ import annotations

from events.extract.gazetteer import Gazetteer
from events.extract.matcher import ACTOR, Mention


def relevance_score(
    mentions: list[Mention], title_end: int, keyword_rules: set[str], gazetteer: Gazetteer, weights: dict
) -> float:
    """The article's score; 0 when it names no Syrian place and too few conflict actors to stand on their own."""
    factor = weights["title_factor"]
    syria = weights["syria_country"]
    actor_score: dict[int, float] = {}
    syrian_places: dict[int, float] = {}
    foreign_places: dict[int, float] = {}
    for mention in mentions:
        boost = factor if mention.start < title_end else 1.0
        if mention.kind == ACTOR:
            actor = gazetteer.actors[mention.target]
            if actor.proposed:
                continue
            weight = weights["kind_weights"].get(actor.kind, 0.5)
            if actor.country == syria and actor.kind != "media":
                weight = max(weight, weights["syrian_actor"])
            actor_score[actor.id] = max(actor_score.get(actor.id, 0.0), weight * boost)
        else:
            place = gazetteer.places[mention.target]
            bucket = syrian_places if place.country == syria else foreign_places
            bucket[place.id] = max(bucket.get(place.id, 0.0), boost)
    strong = sum(1 for w in actor_score.values() if w >= weights["conflict_actor_weight"])
    if not syrian_places and strong < weights["min_actors_without_place"]:
        return 0.0
    score = sum(actor_score.values())
    if syrian_places:
        boosts = sorted(syrian_places.values(), reverse=True)
        score += weights["syrian_place"] * boosts[0] + weights["syrian_place_more"] * sum(boosts[1:])
        score += min(weights["event_keyword_cap"], weights["event_keyword"] * len(keyword_rules))
    score += weights["foreign_place"] * sum(foreign_places.values())
    return round(score, 2)
