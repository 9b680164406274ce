"""What happened where: event candidates typed with ACLED's event and sub-event types.

A sentence yields at most one event: the highest-priority rule (rules/event_rules.json) whose keyword occurs
outside quotes, whose context words are present, and whose keyword is not in a hypothetical ("would", "if",
"threat of") or negated ("against a ceasefire") clause. Then, from the same sentence: the actors in their roles,
the place nearest the keyword (or the rule's fallback), the date (the nearest date expression, else the article's
date with week precision), and fatalities when a figure is stated. Sentences describing the same happening within
an article (same rule, place and date) make one candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from events.extract.dates import DateMention
from events.extract.folding import fold_key
from events.extract.gazetteer import Gazetteer
from events.extract.matcher import Mention
from events.extract.rules import EventRule, Rules
from events.extract.sentences import Sentence
from events.extract.statements import StatementCandidate
from events.models import ActorRole, DatePrecision, GeoPrecision

_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s(?:while|whereas|but|although|though|because)\s")
_STATE_DEPTH = 6


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int  # offsets in the original text
    end: int
    rule_ids: tuple[str, ...]


@dataclass
class EventCandidate:
    key: str  # identifies the happening within its article: rule, place, date
    rule_id: str
    label: str
    event_type: str
    sub_event_type: str
    place_id: int | None
    geo_precision: int
    occurred_on: date
    date_precision: str
    fatalities: int | None
    confidence: float
    actors: list[tuple[int, str]] = field(default_factory=list)  # (actor id, ActorRole)
    sentences: list[int] = field(default_factory=list)
    text: str = ""  # the source sentence(s): provenance for editors


def _padded(text: str) -> str:
    return f" {fold_key(text)} "


def _has(padded: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {p} " in padded for p in phrases)


class _Typist:
    def __init__(self, gazetteer: Gazetteer, rules: Rules, published: date) -> None:
        self.gazetteer = gazetteer
        self.rules = rules
        self.published = published

    def is_state(self, actor_id: int) -> bool:
        actors = self.gazetteer.actors
        current: int | None = actor_id
        for _ in range(_STATE_DEPTH):
            if current is None or current not in actors:
                return False
            if actors[current].kind == "state":
                return True
            current = actors[current].parent_id
        return False

    @staticmethod
    def clause(sentence: Sentence, position: int) -> tuple[int, int]:
        """(start, end) of the clause around an offset, relative to the sentence."""
        start, end = 0, len(sentence.text)
        for match in _CLAUSE_BREAK.finditer(sentence.text):
            if match.end() <= position:
                start = match.end()
            elif match.start() >= position:
                end = match.start()
                break
        return start, end

    def admissible(self, rule: EventRule, sentence: Sentence, sentence_key: str, trigger: Trigger) -> bool:
        if rule.requires_any and not _has(sentence_key, rule.requires_any):
            return False
        if rule.excludes and _has(sentence_key, rule.excludes):
            return False
        position = trigger.start - sentence.start
        c_start, c_end = self.clause(sentence, position)
        if not rule.hypothetical_ok and _has(_padded(sentence.text[c_start:c_end]), self.rules.hypothetical):
            return False
        lead = sentence.text[c_start:position].split()[-self.rules.negation_window:]
        return not _has(_padded(" ".join(lead)), self.rules.negations)

    def roles(
        self, rule: EventRule, sentence: Sentence, trigger: Trigger, actors: list[Mention]
    ) -> list[tuple[int, str]]:
        seen: dict[int, Mention] = {}
        for mention in actors:
            seen.setdefault(mention.target, mention)
        ordered = list(seen.values())
        after_text = sentence.text[trigger.end - sentence.start:].lstrip().lower()
        if rule.roles == "parties" or after_text.startswith("between "):
            return [
                (m.target, ActorRole.ACTOR1 if i == 0 else ActorRole.ACTOR2 if i == 1 else ActorRole.ASSOCIATED)
                for i, m in enumerate(ordered)
            ]
        actor1: int | None = None
        actor2: int | None = None
        for mention in ordered:
            before_word = sentence.text[: mention.start - sentence.start].split()[-1:]
            if mention.start >= trigger.end and before_word == ["by"] and actor1 is None:
                actor1 = mention.target
        for mention in ordered:
            if self.gazetteer.actors[mention.target].kind == "civilians":
                actor2 = actor2 or mention.target
        before = [m for m in ordered if m.end <= trigger.start and m.target not in (actor1, actor2)]
        after = [m for m in ordered if m.start >= trigger.end and m.target not in (actor1, actor2)]
        if actor1 is None and before:
            actor1 = before[-1].target
        if actor2 is None and after:
            actor2 = after[0].target
        result = []
        if actor1 is not None:
            result.append((actor1, ActorRole.ACTOR1))
        if actor2 is not None and actor2 != actor1:
            result.append((actor2, ActorRole.ACTOR2))
        result += [(m.target, ActorRole.ASSOCIATED) for m in ordered if m.target not in (actor1, actor2)]
        return result

    def place(
        self, rule: EventRule, sentence: Sentence, trigger: Trigger, places: list[Mention], scope: tuple[int, int],
        primary: Mention | None, venue: Mention | None,
    ) -> tuple[int | None, int, bool]:
        """(place id, geo precision, found in the sentence): the same clause first, then the reported speech,
        then the whole sentence, then the rule's fallback."""
        c_start, c_end = self.clause(sentence, trigger.start - sentence.start)
        c_start, c_end = c_start + sentence.start, c_end + sentence.start
        for low, high in ((c_start, c_end), scope, (sentence.start, sentence.end)):
            near = [m for m in places if low <= m.start and m.end <= high]
            if near:
                nearest = min(
                    near, key=lambda m: (min(abs(m.start - trigger.end), abs(trigger.start - m.end)), m.start)
                )
                return nearest.target, self._precision(nearest, fallback=False), True
        fallback = {"venue": venue or primary, "article": primary, "none": None}[rule.place_fallback]
        if fallback is None:
            return None, GeoPrecision.REGION, False
        return fallback.target, self._precision(fallback, fallback=True), False

    def _precision(self, mention: Mention, fallback: bool) -> int:
        kind = self.gazetteer.places[mention.target].kind
        if kind == "governorate" or mention.scope == "region":
            return GeoPrecision.REGION
        if fallback or mention.scope == "near":
            return GeoPrecision.NEAR
        return GeoPrecision.TOWN

    def when(self, sentence: Sentence, trigger: Trigger, dates: list[DateMention]) -> tuple[date, str, bool]:
        c_start, c_end = self.clause(sentence, trigger.start - sentence.start)
        c_start += sentence.start
        c_end += sentence.start
        in_clause = [d for d in dates if c_start <= d.start and d.end <= c_end and d.value <= self.published]
        day = [d for d in dates if d.precision == DatePrecision.DAY and d.value <= self.published]
        chosen = in_clause or day
        if chosen:
            best = min(chosen, key=lambda d: min(abs(d.start - trigger.end), abs(trigger.start - d.end)))
            return best.value, best.precision, True
        return self.published, DatePrecision.WEEK, False

    def fatalities(self, sentence: Sentence) -> int | None:
        for pattern in self.rules.fatality_patterns:
            match = pattern.search(sentence.text)
            if match:
                groups = match.groupdict()
                if groups.get("one"):
                    return 1
                number = groups["n"]
                if number.isdigit():
                    return int(number)
                return self.rules.number_words.get(fold_key(number))
        return None


def events_find(
    sentences: list[Sentence],
    triggers_by_sentence: list[list[Trigger]],
    actors_by_sentence: list[list[Mention]],
    places_by_sentence: list[list[Mention]],
    dates_by_sentence: list[list[DateMention]],
    quotes: list[tuple[int, int]],
    statements: dict[int, StatementCandidate],
    primary_place: Mention | None,
    venue: Mention | None,
    gazetteer: Gazetteer,
    rules: Rules,
    published: date,
) -> list[EventCandidate]:
    typist = _Typist(gazetteer, rules, published)
    candidates: dict[str, EventCandidate] = {}
    for sentence in sentences:
        triggers = triggers_by_sentence[sentence.index]
        if sentence.junk or not triggers:
            continue
        sentence_key = _padded(sentence.text)
        best: tuple[EventRule, Trigger] | None = None
        for trigger in triggers:
            if any(q_start <= trigger.start < q_end for q_start, q_end in quotes):
                continue
            for rule_id in trigger.rule_ids:
                rule = rules.event_rules[rule_id]
                if best and best[0].priority >= rule.priority:
                    continue
                if typist.admissible(rule, sentence, sentence_key, trigger):
                    best = (rule, trigger)
        if best is None:
            continue
        rule, trigger = best
        statement = statements.get(sentence.index)
        scope = (sentence.start, sentence.end)
        if statement and statement.content_start <= trigger.start < statement.content_end:
            # "SOHR said air strikes hit ...": the event is in what was said, the speaker only reports it.
            scope = (statement.content_start, statement.content_end)
        speaker = statement.speaker_id if statement else None
        actors = [
            m for m in actors_by_sentence[sentence.index]
            if m.target != speaker and scope[0] <= m.start and m.end <= scope[1]
        ]
        if statement and speaker and scope[0] == statement.content_start and statement.text.lower().startswith(
            ("it ", "they ", "we ")
        ):
            # "The Russian military says it has shot down ...": the speaker is the one who acted.
            actors.insert(0, Mention("actor", speaker, scope[0], scope[0], ""))
        roles = typist.roles(rule, sentence, trigger, actors)
        event_type, sub_type = rule.event_type, rule.sub_event_type
        if rule.by_actor1:
            actor1 = next((a for a, role in roles if role == ActorRole.ACTOR1), None)
            variant = "state" if actor1 is not None and typist.is_state(actor1) else "default"
            event_type, sub_type = rule.by_actor1.get(variant, (event_type, sub_type))
        place_id, precision, place_in_sentence = typist.place(
            rule, sentence, trigger, places_by_sentence[sentence.index], scope, primary_place, venue
        )
        occurred_on, date_precision, dated = typist.when(sentence, trigger, dates_by_sentence[sentence.index])
        fatalities = typist.fatalities(sentence) if event_type in rules.violent_types else None
        confidence = rule.confidence + 0.1 * place_in_sentence + 0.1 * dated + 0.05 * bool(roles)
        confidence += 0.05 * (fatalities is not None)
        place_slug = gazetteer.places[place_id].slug if place_id else "-"
        key = f"{rule.id}|{place_slug}|{occurred_on.isoformat()}"
        existing = candidates.get(key)
        if existing:
            existing.sentences.append(sentence.index)
            existing.text = f"{existing.text} {sentence.text}"
            known = {a for a, _ in existing.actors}
            existing.actors += [(a, ActorRole.ASSOCIATED) for a, _ in roles if a not in known]
            if existing.fatalities is None:
                existing.fatalities = fatalities
            existing.confidence = min(0.95, max(existing.confidence, confidence) + 0.05)
            continue
        candidates[key] = EventCandidate(
            key=key, rule_id=rule.id, label=rule.label, event_type=event_type, sub_event_type=sub_type,
            place_id=place_id, geo_precision=precision, occurred_on=occurred_on, date_precision=date_precision,
            fatalities=fatalities, confidence=round(min(0.95, confidence), 2), actors=roles,
            sentences=[sentence.index], text=sentence.text,
        )
    return list(candidates.values())
