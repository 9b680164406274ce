"""One event for many reports: does a new candidate describe an event we already have?

Two reports are the same happening only when all of these hold:
- the same ACLED event type and sub-event type;
- the same place (an event without a place never merges: nothing says it is the same one);
- dates close enough for their precision: day-precise dates at most 1 day apart (2 when the texts are clearly
  alike), a week-precise date within 3 days, month-precise dates in the same month;
- similar wording: Jaccard overlap of content words (light stemming; stop words out) plus shared actors, above a
  threshold that rises with the date gap.
Token-set Jaccard is enough here: the texts are a sentence or two, so MinHash would only approximate the same
number more slowly.

Within one article, events.py also joins a report at a governorate with one at a place inside it
(place_within): "clashes in the Jabal al-Akrad hills" and "in the Latakia hills" the same day are one clash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from events.extract.folding import fold_key
from events.extract.gazetteer import PlaceRecord

_STOP_WORDS = (
    "a an the of in on at to for from by with and or but as is are was were be been being has have had it its "
    "this that these those which who whom said says say told according also after before near into over than then "
    "there their they them he she his her we our you your not no more most least at about against between during "
    "while out up down off some many much other such only own same so too very can will would could should may might "
    "on wednesday thursday friday saturday sunday monday tuesday"
)
_STOP = frozenset(_STOP_WORDS.split())
SAME_DAY_THRESHOLD = 0.12
NEXT_DAY_THRESHOLD = 0.2
TWO_DAYS_THRESHOLD = 0.35


@dataclass(frozen=True)
class Signature:
    event_type: str
    sub_event_type: str
    place_id: int | None
    occurred_on: date
    date_precision: str
    tokens: frozenset[str]
    actors: frozenset[int]


def tokens_of(text: str) -> frozenset[str]:
    words = set()
    for word in fold_key(text).split():
        if word in _STOP or len(word) < 3:
            continue
        words.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return frozenset(words)


def similarity(a: Signature, b: Signature) -> float:
    union = a.tokens | b.tokens
    text = len(a.tokens & b.tokens) / len(union) if union else 0.0
    actors = a.actors | b.actors
    shared = len(a.actors & b.actors) / len(actors) if actors else 0.0
    return round(0.8 * text + 0.2 * shared, 3)


def _date_gap_allowed(a: Signature, b: Signature) -> int | None:
    """The day gap between the two, or None when their dates cannot be the same happening."""
    gap = abs((a.occurred_on - b.occurred_on).days)
    precisions = {a.date_precision, b.date_precision}
    if "month" in precisions:
        same_month = (a.occurred_on.year, a.occurred_on.month) == (b.occurred_on.year, b.occurred_on.month)
        return gap if precisions == {"month"} and same_month else None
    limit = 3 if "week" in precisions else 2
    return gap if gap <= limit else None


def match_score(candidate: Signature, existing: Signature) -> float | None:
    """How alike the two are, or None when they must stay apart."""
    if (candidate.event_type, candidate.sub_event_type) != (existing.event_type, existing.sub_event_type):
        return None
    if candidate.place_id is None or candidate.place_id != existing.place_id:
        return None
    gap = _date_gap_allowed(candidate, existing)
    if gap is None:
        return None
    score = similarity(candidate, existing)
    threshold = SAME_DAY_THRESHOLD if gap == 0 else NEXT_DAY_THRESHOLD if gap == 1 else TWO_DAYS_THRESHOLD
    if "week" in {candidate.date_precision, existing.date_precision} and gap:
        threshold = NEXT_DAY_THRESHOLD
    return score if score >= threshold else None


def best_match(candidate: Signature, existing: list[tuple[int, Signature]]) -> int | None:
    """The id of the existing event this candidate belongs to, or None."""
    best: tuple[float, int, int] | None = None
    for event_id, signature in existing:
        score = match_score(candidate, signature)
        if score is None:
            continue
        gap = abs((candidate.occurred_on - signature.occurred_on).days)
        ranked = (score, -gap, -event_id)
        if best is None or ranked > best:
            best = ranked
    return -best[2] if best else None


def place_within(inner: PlaceRecord, outer: PlaceRecord) -> bool:
    """Whether the gazetteer puts ``inner`` inside ``outer``: a town, site or area of a governorate is in it
    (its admin1). The gazetteer knows no other nesting (a district or a city holds nothing)."""
    return (
        outer.kind == "governorate" and inner.kind != "governorate" and inner.country == outer.country
        and bool(inner.admin1) and inner.admin1.casefold() == outer.admin1.casefold()
    )
