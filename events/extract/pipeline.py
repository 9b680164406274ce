"""extract(): one article's text in, everything extraction finds out, no database.

The order is fixed so each step runs once per article: split sentences, fold the text, one scan for gazetteer
mentions, one scan for event keywords, one scan for the cue words of statements, dates and names (cues.py), then
per sentence dates, statements and events, the full patterns only where a cue says they can match, and which
event each statement is about (links.py). Junk lines (teasers,
toolbars) are split off first and contribute nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from events.extract.cues import ANAPHOR, DATE, NAME, SPEECH, sentence_cues
from events.extract.dates import DateMention
from events.extract.events import EventCandidate, Trigger, events_find
from events.extract.folding import fold
from events.extract.language import ENGLISH, profile_for
from events.extract.links import statement_links
from events.extract.matcher import ACTOR, PLACE, Matcher, Mention, scan
from events.extract.proposals import Proposal, proposals_find
from events.extract.relevance import relevance_score
from events.extract.sentences import Sentence
from events.extract.statements import StatementCandidate, quote_spans, statements_distinct, statements_find


@dataclass
class Extraction:
    relevant: bool
    score: float
    actor_ids: list[int] = field(default_factory=list)  # confirmed actors, in order of first mention
    place_ids: list[int] = field(default_factory=list)
    statements: list[StatementCandidate] = field(default_factory=list)
    events: list[EventCandidate] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # Per statement, the indexes of the events it may be about (links.py): tied when they are one event.
    statement_events: list[tuple[int, ...]] = field(default_factory=list)


def _by_sentence(sentences: list[Sentence], items: list, start_of=lambda item: item.start) -> list[list]:
    starts = [s.start for s in sentences]
    buckets: list[list] = [[] for _ in sentences]
    for item in items:
        index = bisect_right(starts, start_of(item)) - 1
        if index >= 0 and start_of(item) < sentences[index].end:
            buckets[index].append(item)
    return buckets


def _primary_place(places: list[Mention], gazetteer, country: str) -> tuple[Mention | None, Mention | None]:
    """The article's main place in Syria (most mentioned, then first) and its first place abroad (a venue)."""
    home = [m for m in places if gazetteer.places[m.target].country == country]
    abroad = [m for m in places if gazetteer.places[m.target].country != country]
    primary = None
    if home:
        counts = Counter(m.target for m in home)
        top = max(counts.values())
        primary = next(m for m in home if counts[m.target] == top)
    return primary, (abroad[0] if abroad else None)


def _names_a_location(mention: Mention, text: str, gazetteer, rules) -> bool:
    """'in northern Syria', 'fled to Turkey', 'a Turkey-based group': the country as a place, not the state acting."""
    if mention.kind != ACTOR or gazetteer.actors[mention.target].kind != "state":
        return False
    if text.startswith(rules.locative_after, mention.end):
        return True
    words = text[max(0, mention.start - 60):mention.start].lower().split()
    for _ in range(3):  # at most two adjectives between the preposition and the name
        if not words:
            return False
        if words[-1] in rules.locative_before and not (words[-1] == "of" and len(words) > 1
                                                       and words[-2] in _OF_ACTING):
            return True
        if words[-1] not in rules.locative_skip:
            return False
        words.pop()
    return False


# "the president of Syria", "the government of Turkey": 'of' names the state itself.
_OF_ACTING = frozenset({"president", "presidents", "government", "governments", "foreign", "minister", "ministers",
                        "ministry", "ministries", "army", "armies", "forces", "king", "ambassador", "ambassadors",
                        "envoy", "envoys", "leader", "leaders", "leadership", "prime", "authorities", "regime",
                        "delegation", "delegations", "representatives"})


def extract(title: str, body: str, published: date, matcher: Matcher) -> Extraction:
    """Everything one article says, as plain values. The title is read as the first line of the text."""
    rules, gazetteer = matcher.rules, matcher.gazetteer
    profile = profile_for(rules.language) or ENGLISH
    text = f"{title.strip()}\n\n{body}" if title.strip() else body
    title_end = len(title.strip())
    sentences = [
        replace(s, title=True) if s.start < title_end else s
        for s in profile.split_sentences(text, rules.junk_prefixes)
    ]
    if not sentences:
        return Extraction(relevant=False, score=0.0)
    folded = fold(text)
    all_mentions = matcher.find(folded, published)
    located = [m for m in all_mentions if not _names_a_location(m, text, gazetteer, rules)]
    mention_buckets = _by_sentence(sentences, located)
    kept = [m for s, bucket in zip(sentences, mention_buckets, strict=True) if not s.junk for m in bucket]
    triggers = []
    for start, end, (_, rule_ids) in scan(rules.triggers, folded.text):
        if rule_ids:
            o_start, o_end = folded.span(start, end)
            triggers.append(Trigger(o_start, o_end, rule_ids))
    trigger_buckets = _by_sentence(sentences, triggers)
    keyword_rules = {r for s, bucket in zip(sentences, trigger_buckets, strict=True) if not s.junk
                     for t in bucket for r in t.rule_ids}

    score = relevance_score(kept, title_end, keyword_rules, gazetteer, rules.relevance)
    if score < rules.relevance["threshold"]:
        return Extraction(relevant=False, score=score, sentences=sentences)
    cues = sentence_cues(text, sentences, rules.cues, rules.according_to, rules.according_keys)

    confirmed = [m for m in kept if m.kind == PLACE or not gazetteer.actors[m.target].proposed]
    actor_ids = list(dict.fromkeys(m.target for m in confirmed if m.kind == ACTOR))
    place_ids = list(dict.fromkeys(m.target for m in confirmed if m.kind == PLACE))

    actors_by_sentence: list[list[Mention]] = [[] for _ in sentences]
    places_by_sentence: list[list[Mention]] = [[] for _ in sentences]
    for sentence, bucket in zip(sentences, mention_buckets, strict=True):
        if sentence.junk:
            continue
        for m in bucket:
            if m.kind == PLACE:
                places_by_sentence[sentence.index].append(m)
            elif not gazetteer.actors[m.target].proposed:
                actors_by_sentence[sentence.index].append(m)
    dates_by_sentence: list[list[DateMention]] = []
    for sentence, cue in zip(sentences, cues, strict=True):
        found = profile.dates_find(sentence.text, published) if cue & DATE and not sentence.junk else []
        dates_by_sentence.append(
            [DateMention(d.start + sentence.start, d.end + sentence.start, d.value, d.precision) for d in found]
        )

    statements = statements_find(
        sentences, actors_by_sentence, dates_by_sentence, gazetteer, rules, published,
        speech=[bool(cue & SPEECH) for cue in cues],
    )
    by_sentence = {s.sentence: s for s in statements if not s.second}
    primary, venue = _primary_place(
        [m for bucket in places_by_sentence for m in bucket], gazetteer, rules.relevance["syria_country"]
    )
    events = events_find(
        sentences, trigger_buckets, actors_by_sentence, places_by_sentence, dates_by_sentence, quote_spans(text),
        by_sentence, primary, venue, gazetteer, rules, published, may_refer_back=[bool(cue & ANAPHOR) for cue in cues],
    )
    proposals = proposals_find(text, sentences, all_mentions, rules, named=[bool(cue & NAME) for cue in cues])
    statements = statements_distinct(statements, sentences)
    return Extraction(
        relevant=True, score=score, actor_ids=actor_ids, place_ids=place_ids, statements=statements,
        events=events, proposals=proposals, sentences=sentences,
        statement_events=statement_links(statements, events, sentences, gazetteer),
    )
