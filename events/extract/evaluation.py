"""Measuring extraction against hand-labelled articles (tests/extraction_eval/gold.json).

Per kind, micro-averaged over the articles:
- actors, places: the set of gazetteer slugs the article names;
- statements: a predicted statement matches a gold one when its text contains the gold phrase (folded, so case,
  accents and punctuation do not matter); it counts as correct only with the same speaker (null included). A
  matched statement credited to a different actor is a wrong speaker; one left unattributed is only a miss;
- events: the same ACLED type and sub-type, and one of the gold places when the gold names places;
- links: for the gold statements that say which event they are about ("event": an index into the article's gold
  events, or null for none), the event extraction ties the matched statement to (links.py; tied when its candidates
  are one) must be the extracted event matched to that gold event. A wrong event counts as a false alarm and a miss.
Irrelevant articles have empty gold lists, so anything extracted from them is a false positive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from events.extract.folding import fold_key
from events.extract.matcher import Matcher
from events.extract.pipeline import extract

KINDS = ("actors", "places", "statements", "events", "links")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Prediction:
    relevant: bool
    actors: set[str]
    places: set[str]
    statements: list[tuple[str | None, str]]  # (speaker slug, text)
    events: list[tuple[str, str, str | None]]  # (event type, sub-event type, place slug)
    statement_events: list[int | None] = field(default_factory=list)  # per statement, the event it is tied to
    # Per event, as in `events`: its actor1's slug and its stated death toll.
    event_actor1: list[str | None] = field(default_factory=list)
    event_fatalities: list[int | None] = field(default_factory=list)


@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    wrong_speakers: int = 0
    # Of the matched events whose gold names actor1 (a gazetteer actor), how many have it right; a gold actor1
    # outside the gazetteer counts only when extraction named someone else.
    actor1: Ratio = field(default_factory=Ratio)
    # Of the matched events whose gold states a toll, how many have that toll.
    tolls: Ratio = field(default_factory=Ratio)
    # Extracted events that repeat an already matched gold event (one happening told twice, made two events).
    duplicates: int = 0
    relevance_correct: int = 0
    articles: int = 0
    # (article id, kind, what) for every miss and false alarm: what a rule change should look at.
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        figures = " ".join(f"{kind}_f1={self.scores[kind].f1:.3f}" for kind in KINDS)
        return f"{figures} wrong_speakers={self.wrong_speakers}"

    def real_summary(self) -> str:
        """The figures the real-text targets are set in: precision and recall per kind, roles and tolls."""
        parts = [
            f"{kind}_{name}={getattr(self.scores[kind], attr):.3f}"
            for kind in ("actors", "places", "statements", "events")
            for name, attr in (("p", "precision"), ("r", "recall"))
        ]
        parts += [
            f"actor1={self.actor1.value:.3f}", f"tolls={self.tolls.value:.3f}",
            f"wrong_speakers={self.wrong_speakers}", f"duplicates={self.duplicates}", f"articles={self.articles}",
        ]
        return " ".join(parts)


def predict(text: str, published: date, matcher: Matcher) -> Prediction:
    """Run extraction on a labelled text (its first line is the title) and express it in slugs."""
    title, _, body = text.partition("\n")
    result = extract(title, body, published, matcher)
    gazetteer = matcher.gazetteer

    def slug(actor_id: int | None) -> str | None:
        return gazetteer.actors[actor_id].slug if actor_id else None

    return Prediction(
        relevant=result.relevant,
        actors={gazetteer.actors[i].slug for i in result.actor_ids},
        places={gazetteer.places[i].slug for i in result.place_ids},
        statements=[(slug(s.speaker_id), s.text) for s in result.statements],
        events=[
            (e.event_type, e.sub_event_type, gazetteer.places[e.place_id].slug if e.place_id else None)
            for e in result.events
        ],
        # One article's candidates are each their own event here (no clustering): tied when there is one.
        statement_events=[links[0] if len(links) == 1 else None for links in result.statement_events],
        event_actor1=[slug(next((a for a, role in e.actors if role == "actor1"), None)) for e in result.events],
        event_fatalities=[e.fatalities for e in result.events],
    )


def score_article(article_id: str, gold: dict, predicted: Prediction, evaluation: Evaluation) -> None:
    evaluation.articles += 1
    evaluation.relevance_correct += predicted.relevant == gold["relevant"]
    if predicted.relevant != gold["relevant"]:
        evaluation.mistakes.append((article_id, "relevance", f"predicted relevant={predicted.relevant}"))
    for kind in ("actors", "places"):
        want, got = set(gold[kind]), getattr(predicted, kind)
        score = evaluation.scores[kind]
        score.tp += len(want & got)
        score.fp += len(got - want)
        score.fn += len(want - got)
        evaluation.mistakes += [(article_id, kind, f"extra {s}") for s in sorted(got - want)]
        evaluation.mistakes += [(article_id, kind, f"missed {s}") for s in sorted(want - got)]
        # Named actors and places the gazetteer lacks are misses too: recall is of what the article names.
        unlisted = _unlisted_names(gold.get(f"{kind}_unlisted", []))
        score.fn += len(unlisted)
        evaluation.mistakes += [(article_id, kind, f"missed unlisted {name}") for name in unlisted]
    statement_of = _score_statements(article_id, gold["statements"], predicted.statements, evaluation)
    gold_event_of = _score_events(article_id, gold["events"], predicted, evaluation)
    _score_links(article_id, gold["statements"], statement_of, gold_event_of, predicted, evaluation)


def _score_statements(article_id: str, gold: list[dict], predicted: list, evaluation: Evaluation) -> dict[int, int]:
    """Scores the statements; returns gold statement index -> the predicted statement it matched."""
    score = evaluation.scores["statements"]
    free = list(range(len(predicted)))
    matched: dict[int, int] = {}
    for number, item in enumerate(gold):
        phrase = fold_key(item["contains"])
        index = next((i for i in free if phrase in fold_key(predicted[i][1])), None)
        if index is None:
            score.fn += 1
            evaluation.mistakes.append((article_id, "statements", f"missed {item['speaker']}: {item['contains']}"))
            continue
        free.remove(index)
        matched[number] = index
        speaker = predicted[index][0]
        if speaker == item["speaker"]:
            score.tp += 1
            continue
        score.fp += 1
        score.fn += 1
        if speaker is not None:
            evaluation.wrong_speakers += 1
        evaluation.mistakes.append(
            (article_id, "statements", f"speaker {speaker} instead of {item['speaker']}: {item['contains']}")
        )
    score.fp += len(free)
    evaluation.mistakes += [
        (article_id, "statements", f"extra {predicted[i][0]}: {predicted[i][1][:80]}") for i in free
    ]
    return matched


def _score_events(article_id: str, gold: list[dict], prediction: Prediction, evaluation: Evaluation) -> dict[int, int]:
    """Scores the events, their actor1 and toll; returns predicted event index -> the gold event index it matched."""
    predicted = prediction.events
    score = evaluation.scores["events"]
    free = list(range(len(predicted)))
    matched: dict[int, int] = {}

    def fits(i: int, item: dict) -> bool:
        return predicted[i][:2] == (item["event_type"], item["sub_event_type"]) and (
            not item.get("place") or predicted[i][2] in item["place"]
        )

    # Gold events that name places first, so an unconstrained one does not take their match.
    for number, item in sorted(enumerate(gold), key=lambda pair: not pair[1].get("place")):
        index = next((i for i in free if fits(i, item)), None)
        if index is None:
            score.fn += 1
            evaluation.mistakes.append(
                (article_id, "events", f"missed {item['sub_event_type']} at {item.get('place', 'any place')}")
            )
            continue
        free.remove(index)
        matched[index] = number
        score.tp += 1
        _score_roles(article_id, item, index, prediction, evaluation)
    score.fp += len(free)
    evaluation.duplicates += sum(1 for i in free if any(fits(i, gold[n]) for n in matched.values()))
    evaluation.mistakes += [(article_id, "events", f"extra {predicted[i][1]} at {predicted[i][2]}") for i in free]
    return matched


def _score_roles(article_id: str, item: dict, index: int, prediction: Prediction, evaluation: Evaluation) -> None:
    if not prediction.event_actor1:
        return  # a prediction without roles (the agreement of two coders on sets only)
    got = prediction.event_actor1[index]
    want = item.get("actor1")
    if want or (item.get("actor1_unlisted") and got):
        evaluation.actor1.total += 1
        evaluation.actor1.right += got == want
        if got != want:
            evaluation.mistakes.append((article_id, "actor1", f"{item['sub_event_type']}: {got} instead of {want}"))
    if item.get("fatalities") is not None:
        toll = prediction.event_fatalities[index]
        evaluation.tolls.total += 1
        evaluation.tolls.right += toll == item["fatalities"]
        if toll != item["fatalities"]:
            evaluation.mistakes.append(
                (article_id, "tolls", f"{item['sub_event_type']}: {toll} instead of {item['fatalities']}")
            )


def _unlisted_names(items: list) -> list[str]:
    """Proper names only: a generic 'rebels' names no actor a gazetteer could hold."""
    names = [item["name"] if isinstance(item, dict) else item for item in items]
    return [name for name in names if name and name[:1].isupper()]


def _score_links(
    article_id: str, gold: list[dict], statement_of: dict[int, int], gold_event_of: dict[int, int],
    predicted: Prediction, evaluation: Evaluation,
) -> None:
    score = evaluation.scores["links"]
    for number, item in enumerate(gold):
        if "event" not in item:
            continue  # not labelled
        want = item["event"]
        tied = predicted.statement_events[statement_of[number]] if number in statement_of else None
        got = gold_event_of.get(tied, -1) if tied is not None else None  # -1: an event the gold does not have
        if got == want:
            score.tp += want is not None
            continue
        score.fp += got is not None
        score.fn += want is not None
        evaluation.mistakes.append((article_id, "links", f"{item['contains']}: event {got} instead of {want}"))


def gold_load(directory: Path) -> list[dict]:
    return json.loads((directory / "gold.json").read_text(encoding="utf-8"))["articles"]


def article_text(directory: Path, project_dir: Path, item: dict) -> str:
    path = project_dir / item["path"] if "path" in item else directory / "articles" / f"{item['id']}.txt"
    return path.read_text(encoding="utf-8")


def evaluate_set(directory: Path, project_dir: Path, matcher: Matcher) -> Evaluation:
    evaluation = Evaluation()
    for item in gold_load(directory):
        text = article_text(directory, project_dir, item)
        predicted = predict(text, date.fromisoformat(item["published"]), matcher)
        score_article(item["id"], item, predicted, evaluation)
    return evaluation


def report_lines(evaluation: Evaluation) -> list[str]:
    lines = [f"{'kind':<12}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}{'f1':>8}"]
    for kind in KINDS:
        s = evaluation.scores[kind]
        lines.append(f"{kind:<12}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
    lines.append(f"relevance: {evaluation.relevance_correct}/{evaluation.articles} articles classified correctly")
    return lines
