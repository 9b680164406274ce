"""What happened where: event candidates typed with ACLED's event and sub-event types.

A sentence yields at most one event: the highest-priority rule (rules/event_rules.json) whose keyword occurs
outside quotes and is admissible there: its context words are present, the keyword's clause is not hypothetical
("would", "if", "threat of") or background ("in recent weeks", "a wave of"), it is not negated ("against a
ceasefire"), and the rule's own conditions hold (a named place for a change of territory, two parties for an
agreement). When the sentence reports speech ("SOHR said air strikes hit ..."), the event is read from what was
said: the speaker reports it, it is not one of its actors.

From the same sentence then come the actors in their roles, the place (the most specific one near the keyword, or
the rule's fallback), the date (the nearest date expression, else the article's date with week precision) and the
fatalities when a figure is stated (the lowest of two sources, the latest "toll rose to"). Sentences describing the
same happening within an article make one candidate: the same rule (or violent sub-type), place and date, or a
follow-up sentence that names no place or date of its own; a follow-up or the headline gives the perpetrator and the
toll the first report left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from events.extract.cluster import place_within
from events.extract.confidence import MAX_CONFIDENCE, confidence_after
from events.extract.dates import DateMention
from events.extract.folding import fold_key
from events.extract.gazetteer import Gazetteer
from events.extract.matcher import ACTOR, Mention
from events.extract.rules import EventRule, Rules
from events.extract.sentences import Sentence
from events.extract.statements import StatementCandidate
from events.models import ActorRole, DatePrecision, GeoPrecision

_CLAUSE_BREAK = re.compile(r"[,;:()\u2014]|\s(?:while|whereas|but|although|though|because)\s")
_STATE_DEPTH = 6
_keyword_key = lru_cache(maxsize=4096)(fold_key)  # keywords recur across articles: fold each spelling once
_BY = re.compile(r"(?:^|\s)by(?:\s+the)?\s+$", re.IGNORECASE)
# News outlets report events; "ANKARA (Anadolu Agency) - ..." does not make the agency a party to them.
_REPORTER_KINDS = frozenset({"media"})
_BYSTANDER_KINDS = frozenset({"media", "ngo", "international_org"})
# A wire dateline ("REYHANLI, Turkey (AFP) - "): where the story was filed, not who acted.
_DATELINE = re.compile(r"[A-Z][A-Z .'-]+(?:,\s*[A-Z][\w .'-]{0,40})?\s*(?:\([^()]{1,60}\)\s*)?[-\u2013\u2014]\s")
# "Fighting broke out between A and B": both are parties, in the order named.
_BETWEEN = re.compile(r"(?:[\w-]+\s+){0,2}between\s")
MAX_LABEL = 120
_MAX_PARTIES = 3  # more names than this make a list, not a title: the label names actor1 and actor2 instead
# A keyword right after a definite or demonstrative word ("the fighting", "this attack") may refer back.
_ANAPHORA = re.compile(r"\b(?:[Tt]he|[Tt]his|[Tt]hese|[Tt]hose|[Tt]hat|[Ss]uch)\s+(?:[\w-]+\s+)?$")
# A state, its government and their people act in violence through the state's forces (_Typist.forces).
_STATE_SIDE_KINDS = frozenset({"state", "government_body", "person"})
# Between a name and the keyword after it: the name is who suffered it ("IS militants were killed in air strikes",
# "rebels killed in shelling"), not who did it.
_VICTIM_GAP = re.compile(
    r"\b(?:were|was|been|are|is|being|got)\s+(?:[\w-]+\s+){0,2}?(?:killed|wounded|injured|hit|targeted|struck"
    r"|bombed|shelled|attacked|executed)\b|\b(?:killed|died|dead|wounded|injured)\s+(?:in|by|during|when|after|as)\b",
    re.IGNORECASE,
)
_ANAPHORA_REACH = 60
_DATELINE_YEAR = re.compile(r"\d{4}")
# After a place that opens a sentence: the sentence goes on with a new capitalised phrase (a round-up's heading).
_HEADING = re.compile(r"\s+(?:[A-Z][\w-]*\s+){0,1}[A-Z][a-z]")
_CITY_AFTER = re.compile(r"\s+(?:city|City)\b")
# A year as written in running text; "lead" when "in"/"since"/"during" puts the happening in it. Not a UN
# resolution's number ("resolution 2254") nor part of a figure.
_YEAR = re.compile(
    r"(?<![Rr]esolution )(?<![Rr]esolutions )(?<![\d.,-])(?P<lead>\b(?:[Ii]n|[Ss]ince|[Dd]uring)\s+)?"
    r"\b(?P<year>19[5-9]\d|20\d\d)\b(?![\d-])"
)  # characters before a keyword that can hold the words above: no need to scan the sentence


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int  # offsets in the original text
    end: int
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Toll:
    """A death toll as a sentence states it."""

    count: int
    vague: bool = False  # "dozens": an exact figure given for the same event replaces it
    update: bool = False  # "the death toll rose to 51": the event's latest toll, whatever came before
    more: bool = False  # "three more civilians were killed": deaths on top of a toll, not another count of it


# Around a figure: "another seven", "three more civilians", "a woman among them".
_MORE_BEFORE = re.compile(r"\b(?:another|a further|further)\s+(?:at\s+least\s+)?$", re.IGNORECASE)
_MORE_AFTER = re.compile(r"\s+(?:more|other|others)\b", re.IGNORECASE)
_AMONG_AFTER = re.compile(r"\S+\s+(?:[\w-]+\s+){0,2}?among\s+(?:them|whom|the\s+dead)\b", re.IGNORECASE)
# A year is no toll: "13 October 2016 Two children killed" (the corpus lost the commas around datelines).
_YEARS = range(1900, 2100)


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
    placed: bool = True  # the place was named in the sentence (not a fallback)
    dated: bool = True  # the date was written in the sentence (not the article's date)
    spread: bool = False  # the place is a governorate the happenings are spread over ("across Idlib province")
    title_place: str = "in"  # the rule's word joining the place to the title; "" leaves the place out
    toll: Toll | None = None  # how the toll was stated: which of two reports' tolls the event keeps


@dataclass(frozen=True, slots=True)
class _Reading:
    """A keyword, with the part of the sentence the event is read from."""

    rule: EventRule
    trigger: Trigger
    scope: tuple[int, int]  # absolute offsets
    clause: tuple[int, int]  # absolute offsets
    actors: list[Mention]


def _found(pattern: re.Pattern[str] | None, text: str, start: int = 0, end: int | None = None) -> bool:
    return pattern is not None and pattern.search(text, start, len(text) if end is None else end) is not None


def _distance(mention: Mention | DateMention, trigger: Trigger) -> int:
    return min(abs(mention.start - trigger.end), abs(trigger.start - mention.end))


# Per gazetteer (the matcher keeps one for many articles): a city named like its governorate -> the governorate.
# The gazetteer is held with its map, so a new gazetteer at a reused id() is never given an old map.
_GOVERNORATE_OF: dict[int, tuple[Gazetteer, dict[int, int]]] = {}


def _governorates_of(gazetteer: Gazetteer) -> dict[int, int]:
    cached = _GOVERNORATE_OF.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    places = gazetteer.places
    governorates = {fold_key(p.admin1): p.id for p in places.values() if p.kind == "governorate"}
    mapping = {
        p.id: governorates[fold_key(p.name)] for p in places.values()
        if p.kind != "governorate" and fold_key(p.name) in governorates and fold_key(p.admin1) == fold_key(p.name)
    }
    if len(_GOVERNORATE_OF) >= 4:
        _GOVERNORATE_OF.clear()  # a few gazetteers live at once (tests, editors' changes): keep the map small
    _GOVERNORATE_OF[id(gazetteer)] = (gazetteer, mapping)
    return mapping


class _Typist:
    def __init__(self, gazetteer: Gazetteer, rules: Rules, published: date) -> None:
        self.gazetteer = gazetteer
        self.rules = rules
        self.published = published
        self._forces: dict[int, int] = {}
        self.year = published.year  # the article's year as its text gives it (events_find)

    def forces(self, actor_id: int) -> int:
        """Who carries out a state's violence: its forces. "Russia bombed", "the regime shelled", "Assad's jets"
        are the state's armed forces (ACLED's "Military Forces of ..."), as the coding guide codes them. Anyone
        else (a rebel group, the forces themselves) stands as named."""
        if actor_id in self._forces:
            return self._forces[actor_id]
        actors = self.gazetteer.actors
        actor = actors.get(actor_id)
        result = actor_id
        if actor is not None and actor.kind in _STATE_SIDE_KINDS and self._state_of(actor_id) is not None:
            # The forces under the same state (under the body itself when it is a government body), in force at
            # the article's date, the highest in the hierarchy: the army rather than one of its divisions.
            home = actor_id if actor.kind == "government_body" else self._state_of(actor_id)
            if actor.kind == "person":
                home = actor.parent_id if actor.parent_id is not None else home
                if actors[home].kind != "government_body":
                    home = self._state_of(actor_id)
            options = [
                (depth, f.id) for f in actors.values()
                if f.kind == "state_forces" and self._current(f.id)
                and (depth := self._depth_below(f.id, home)) is not None
            ]
            if options:
                result = min(options)[1]
        self._forces[actor_id] = result
        return result

    def home_forces(self) -> int | None:
        """The forces of the country the tracker covers, at the article's date."""
        home = self.rules.relevance.get("syria_country")
        state = next((a.id for a in self.gazetteer.actors.values() if a.kind == "state" and a.country == home), None)
        if state is None:
            return None
        forces = self.forces(state)
        return forces if forces != state else None

    def _state_of(self, actor_id: int) -> int | None:
        current: int | None = actor_id
        for _ in range(_STATE_DEPTH):
            if current is None or current not in self.gazetteer.actors:
                return None
            if self.gazetteer.actors[current].kind == "state":
                return current
            current = self.gazetteer.actors[current].parent_id
        return None

    def _depth_below(self, actor_id: int, ancestor: int | None) -> int | None:
        current: int | None = actor_id
        for depth in range(_STATE_DEPTH):
            if current is None:
                return None
            if current == ancestor:
                return depth
            current = self.gazetteer.actors[current].parent_id if current in self.gazetteer.actors else None
        return None

    def _current(self, actor_id: int) -> bool:
        """Whether the actor's dated names (if it has any) hold at the article's date: Assad's army in 2016, not
        the forces of the transitional government."""
        periods = [p for (_, target), spans in self.gazetteer.name_periods.items() if target == actor_id for p in spans]
        return not periods or any(
            (start is None or start <= self.published) and (end is None or self.published <= end)
            for start, end in periods
        )

    def provinces(self, sentence: Sentence, places: list[Mention]) -> list[Mention]:
        """A city named like its governorate stands for the governorate where the text means the province: as
        the heading of a regional round-up ("Hama An army unit clashed ...", the corpus lost the line break) and
        where the sentence also names the province itself ("Hama ... in the countryside of Hama province"), unless
        it says the city ("Hama city", "the city of Hama")."""
        if not places:
            return places
        governorate_of = _governorates_of(self.gazetteer)
        named = {m.target for m in places}
        result = []
        for mention in places:
            province = governorate_of.get(mention.target)
            if province is not None and not mention.scope:
                at = mention.start - sentence.start
                heading = at == 0 and _HEADING.match(sentence.text, mention.end - sentence.start) is not None
                city = _CITY_AFTER.match(sentence.text, mention.end - sentence.start) is not None or sentence.text[
                    max(0, at - 12):at].lower().endswith(("city of ", "centre of ", "center of "))
                if not city and (heading or province in named):
                    mention = replace(mention, target=province, scope="region")
            result.append(mention)
        return result

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

    def earlier_year(self, text: str, keyword: int, clause_end: int) -> bool:
        """History told as such: a year before the article's own in front of the keyword ("since 2011, when the
        regime cracked down on protests", "July 2011 Assad sends in troops") or "in 2013" after it in its clause.
        The corpus lost most commas, so the sentence up to the keyword stands for its clause. A year after the
        keyword otherwise ("the deadliest since 2013") compares today's happening with history."""
        if "19" not in text and "20" not in text:
            return False  # no year can be written here: most sentences stop at this test
        for match in _YEAR.finditer(text, 0, clause_end):
            if int(match.group("year")) >= self.year:
                continue
            if match.start() < keyword or match.group("lead"):
                return True
        return False

    @staticmethod
    def clause(sentence: Sentence, position: int) -> tuple[int, int]:
        """(start, end) of the clause around an absolute offset, in absolute offsets."""
        relative = position - sentence.start
        start, end = 0, len(sentence.text)
        for match in _CLAUSE_BREAK.finditer(sentence.text):
            if match.end() <= relative:
                start = match.end()
            elif match.start() >= relative:
                end = match.start()
                break
        return sentence.start + start, sentence.start + end

    def admissible(self, reading: _Reading, sentence: Sentence, places: list[Mention]) -> bool:
        rule, trigger, rules = reading.rule, reading.trigger, self.rules
        text = sentence.text
        if rule.requires_any is not None and not _found(rule.requires_any, text):
            return False
        if _found(rule.excludes, text):
            return False
        clause = reading.clause
        c_start, c_end = clause[0] - sentence.start, clause[1] - sentence.start
        if _found(rules.background, text, c_start, c_end) or self.earlier_year(text, trigger.start - sentence.start,
                                                                              c_end):
            return False
        if not rule.hypothetical_ok and _found(rules.hypothetical, text, c_start, c_end):
            return False
        lead = text[c_start:trigger.start - sentence.start].split()
        if _found(rules.negations, " ".join(lead[-rules.negation_window:])):
            return False
        if _found(rules.background_before, " ".join(lead[-rules.background_window:])):
            return False
        if rule.excludes_before is not None and _found(rule.excludes_before, " ".join(lead[-2:])):
            return False
        c_start, c_end = clause
        if rule.subject_before and not any(c_start <= m.start < trigger.start for m in reading.actors):
            return False
        if rule.requires_place and not any(
            (c_start <= m.start and m.end <= c_end) or (reading.scope[0] <= m.start and m.end <= reading.scope[1])
            for m in places
        ):
            return False
        actors = reading.actors
        if rule.roles == "parties":
            # The parties to talks or a clash are named in the keyword's clause: "after four hours of talks in
            # Sochi, Putin said the zone would run between rebels and government troops" is no rebel-army talk.
            # "a deal between HTS, Iran and Russia": a list right after the keyword runs on past its commas.
            end = clause[1]
            if _BETWEEN.match(text[trigger.end - sentence.start:].lstrip().lower()):
                end = sentence.end
            actors = [m for m in actors if clause[0] <= m.start and m.end <= end]
        return len({m.target for m in actors}) >= rule.min_actors

    def roles(self, reading: _Reading, sentence: Sentence) -> list[tuple[int, str]]:
        seen: dict[int, Mention] = {}
        for mention in reading.actors:
            seen.setdefault(mention.target, mention)
        ordered = list(seen.values())
        if reading.rule.event_type in self.rules.violent_types:
            # Who reports, rescues or counts takes no side in violence: "photo provided by the Civil Defence",
            # "the Observatory said" are never actor1 or actor2 of a strike.
            bystanders = [m for m in ordered if self.gazetteer.actors[m.target].kind in _BYSTANDER_KINDS]
            ordered = [m for m in ordered if m not in bystanders]
            return self._sides(reading, sentence, ordered) + [(m.target, ActorRole.ASSOCIATED) for m in bystanders]
        return self._sides(reading, sentence, ordered)

    def _sides(self, reading: _Reading, sentence: Sentence, ordered: list[Mention]) -> list[tuple[int, str]]:
        trigger = reading.trigger
        after_text = sentence.text[trigger.end - sentence.start:].lstrip().lower()
        if reading.rule.roles == "parties" or _BETWEEN.match(after_text):
            # Civilians are no side of a clash or a party to a deal: they stay associated.
            civilian = [self.gazetteer.actors[m.target].kind == "civilians" for m in ordered]
            sides = [m for m, c in zip(ordered, civilian, strict=True) if not c]
            return [
                (m.target, ActorRole.ACTOR1 if i == 0 else ActorRole.ACTOR2 if i == 1 else ActorRole.ASSOCIATED)
                for i, m in enumerate(sides)
            ] + [(m.target, ActorRole.ASSOCIATED) for m, c in zip(ordered, civilian, strict=True) if c]
        actor1: int | None = None
        actor2: int | None = None
        for mention in ordered:
            before_words = sentence.text[max(0, mention.start - sentence.start - 8):mention.start - sentence.start]
            if mention.start >= trigger.end and _BY.search(before_words) and actor1 is None:
                actor1 = mention.target  # "was shelled by government forces", "air strikes by the Russian air force"
        if reading.rule.roles == "initiator":
            # "Convoys of government troops moved towards ...": the side that moves is the initiator, wherever
            # the sentence names it; nobody is a target.
            if actor1 is None:
                before = [m for m in ordered if m.start < trigger.start]
                actor1 = (before[-1] if before else ordered[0]).target if ordered else None
            if actor1 is None:
                return []
            return [(actor1, ActorRole.ACTOR1)] + [(m.target, ActorRole.ASSOCIATED) for m in ordered
                                                   if m.target != actor1]
        for mention in ordered:
            if self.gazetteer.actors[mention.target].kind == "civilians":
                actor2 = actor2 or mention.target  # civilians are targets, whatever the word order
        # A name that contains the keyword ("Russian warplanes") is the one acting; one that suffered it before
        # the keyword is its target.
        before = [m for m in ordered if m.start < trigger.start and m.target not in (actor1, actor2)]
        victims = [m for m in before if _VICTIM_GAP.search(sentence.text, m.end - sentence.start,
                                                           trigger.start - sentence.start)]
        if victims:
            before = [m for m in before if m not in victims]
            actor2 = actor2 or victims[0].target
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
        self, reading: _Reading, sentence: Sentence, places: list[Mention], primary: Mention | None,
        venue: Mention | None,
    ) -> tuple[int | None, int, bool, bool]:
        """(place id, geo precision, named in the sentence, spread over it). Diplomacy happens at its venue when
        the article names one; otherwise the most specific place in the keyword's clause, then in the reported
        speech, then in the sentence, then the rule's fallback. "Spread" is a governorate said as the extent of
        many happenings ("in towns across Idlib province"), not as the place of one."""
        rule, trigger = reading.rule, reading.trigger
        if rule.place_prefer_venue and venue is not None:
            return venue.target, self._precision(venue, fallback=False), True, False
        for low, high in (reading.clause, reading.scope, (sentence.start, sentence.end)):
            near = [m for m in places if low <= m.start and m.end <= high]
            if near:
                # A governorate only when nothing closer is named; "the Jabal al-Akrad hills" is the hills.
                best = min(near, key=lambda m: (self._is_governorate(m), _distance(m, trigger), m.start))
                spread = self._is_governorate(best) and _found(
                    self.rules.place_spread, " ".join(sentence.text[:best.start - sentence.start].split()[-2:])
                )
                return best.target, self._precision(best, fallback=False), True, spread
        fallback = {"venue": venue or primary, "article": primary, "none": None}[rule.place_fallback]
        if fallback is None:
            return None, GeoPrecision.REGION, False, False
        return fallback.target, self._precision(fallback, fallback=True), False, False

    def _is_governorate(self, mention: Mention) -> bool:
        return self.gazetteer.places[mention.target].kind == "governorate"

    def _is_region(self, mention: Mention) -> bool:
        return self.gazetteer.places[mention.target].kind == "governorate" or mention.scope == "region"

    def _precision(self, mention: Mention, fallback: bool) -> int:
        if self._is_region(mention):
            return GeoPrecision.REGION
        if fallback or mention.scope == "near":
            return GeoPrecision.NEAR
        return GeoPrecision.TOWN

    def when(self, reading: _Reading, dates: list[DateMention]) -> tuple[date, str, bool]:
        c_start, c_end = reading.clause
        trigger = reading.trigger
        in_clause = [d for d in dates if c_start <= d.start and d.end <= c_end and d.value <= self.published]
        day = [d for d in dates if d.precision == DatePrecision.DAY and d.value <= self.published]
        chosen = in_clause or day
        if chosen:
            best = min(chosen, key=lambda d: _distance(d, trigger))
            return best.value, best.precision, True
        return self.published, DatePrecision.WEEK, False

    def label(self, reading: _Reading, sentence: Sentence, roles: list[tuple[int, str]]) -> str:
        """What happened and who did it, as the sentence says it: the rule's first label template whose keyword
        and words are in the sentence and whose names the roles give; else the rule's plain label. Outside
        'parties' rules only actors named in the keyword's clause are named ("Russian warplanes bombed Saraqib,
        killing 12 civilians": the strike is by the Russian forces; the civilians are a consequence)."""
        rule = reading.rule
        if not rule.labels:
            return rule.label
        if rule.roles == "parties":
            usable = [a for a, _ in roles]
        else:
            low, high = reading.clause
            in_clause = {m.target for m in reading.actors if low <= m.start and m.end <= high}
            usable = [a for a, _ in roles if a in in_clause]
        names: dict[str, str] = {}
        for actor_id, role in roles:
            if actor_id in usable and role in (ActorRole.ACTOR1, ActorRole.ACTOR2):
                names[str(role)] = self._name(actor_id)
        if 2 <= len(usable) <= _MAX_PARTIES:
            named = [self._name(a) for a in usable]
            names["parties"] = f"{', '.join(named[:-1])} and {named[-1]}"
        trigger = reading.trigger
        keyword = _keyword_key(sentence.text[trigger.start - sentence.start:trigger.end - sentence.start])
        scope = (reading.scope[0] - sentence.start, reading.scope[1] - sentence.start)
        for option in rule.labels:
            if not option.fields <= names.keys() or (option.keywords and keyword not in option.keywords):
                continue
            if option.requires_any is not None and not _found(option.requires_any, sentence.text, *scope):
                continue
            text = option.template.format_map(names)
            if option.template.startswith("{actor1} ") and self._plural(names["actor1"]):
                # "{actor1} shoots down drones" for "Turkish Armed Forces": the verb loses its third-person s.
                actor = names["actor1"]
                verb, _, rest = text[len(actor) + 1:].partition(" ")
                if verb.endswith("s"):
                    text = f"{actor} {verb[:-1]} {rest}".rstrip()
            if len(text) <= MAX_LABEL:
                return text[0].upper() + text[1:]
        return rule.label

    def _plural(self, name: str) -> bool:
        return name.rsplit(" ", 1)[-1].lower() in self.rules.plural_heads

    def _name(self, actor_id: int) -> str:
        """The actor's name as a title reads it: "Civilians (Syria)" is "civilians"."""
        actor = self.gazetteer.actors[actor_id]
        name = actor.name.split(" (")[0]
        return name.lower() if actor.kind == "civilians" else name

    def toll(self, text: str) -> Toll | None:
        """The toll the sentence states: the latest when it says the toll rose, else the lowest exact figure
        (sources differ: the coding guide takes the lowest), else a vague one ("dozens"). A figure inside another
        ("72 people including nine children") is part of it; "a woman and nine children" add up."""
        rules = self.rules
        if not _found(rules.fatality_cues, text):
            return None  # most sentences give no toll: one cheap search instead of every pattern
        found: list[Toll] = []
        summed: list[tuple[int, int]] = []
        for pattern in rules.fatality_sums:
            for match in pattern.finditer(text):
                first, second = self._figure(match.group("n")), self._figure(match.group("m"))
                if first is None or second is None or self._sub_count(text, match.start("n")):
                    continue
                found.append(Toll(first + second))
                summed.append(match.span())
        for pattern in rules.fatality_patterns:
            for match in pattern.finditer(text):
                groups = match.groupdict()
                group = "one" if groups.get("one") else "n"
                start = match.start(group)
                value = 1 if group == "one" else self._figure(groups["n"])
                if value is None or any(low <= start < high for low, high in summed) or self._sub_count(text, start):
                    continue
                vague = group == "n" and fold_key(groups["n"]) in rules.fatality_vague
                more = _MORE_BEFORE.search(text, max(0, start - 12), start) is not None or _MORE_AFTER.match(
                    text, match.end(group)) is not None
                found.append(Toll(value, vague=vague, update=bool(groups.get("update")), more=more))
        if not found:
            return None
        updates = [t for t in found if t.update]
        if updates:
            return updates[-1]
        exact = [t for t in found if not t.vague]
        pool = [t for t in exact if not t.more] or exact or found
        return min(pool, key=lambda t: t.count)

    def _figure(self, word: str) -> int | None:
        if word.isdigit():
            value = int(word)
            return None if len(word) == 4 and value in _YEARS else value
        if word.lower() in ("a", "an"):
            return 1
        return self.rules.number_words.get(fold_key(word))

    def _sub_count(self, text: str, start: int) -> bool:
        """"including four women and two children", "a woman among them": part of a toll, not one."""
        pattern = self.rules.fatality_sub_count
        if pattern is not None and pattern.search(text, max(0, start - 60), start) is not None:
            return True
        return _AMONG_AFTER.match(text, start) is not None


def _toll_merged(target: EventCandidate, toll: Toll | None) -> None:
    """Two reports of one event: a toll update wins, then an exact figure over a vague one, then the lowest."""
    current = target.toll
    if toll is None or (current is not None and ((current.update and not toll.update) or toll.more)):
        return  # "three more were killed" adds to a toll: it is no lower count of the same deaths
    if current is None or toll.update or (current.vague and not toll.vague) or (
        toll.vague == current.vague and toll.count < current.count
    ):
        target.toll, target.fatalities = toll, toll.count


def _reading(
    sentence: Sentence, trigger: Trigger, rule: EventRule, statement: StatementCandidate | None,
    actors: list[Mention], typist: _Typist,
) -> _Reading:
    scope = (sentence.start, sentence.end)
    if statement and statement.content_start <= trigger.start < statement.content_end:
        # "SOHR said air strikes hit ...": the event is in what was said, the speaker only reports it.
        scope = (statement.content_start, statement.content_end)
    speaker = statement.speaker_id if statement else None
    inside = [m for m in actors if m.target != speaker and scope[0] <= m.start and m.end <= scope[1]]
    if statement and speaker and scope[0] == statement.content_start and statement.text.lower().startswith(
        ("it ", "they ", "we ")
    ):
        # "The Russian military says it has shot down ...": the speaker is the one who acted.
        inside.insert(0, Mention(ACTOR, speaker, scope[0], scope[0], ""))
    return _Reading(rule, trigger, scope, typist.clause(sentence, trigger.start), inside)


def _merge_target(found: list[EventCandidate], new: EventCandidate) -> EventCandidate | None:
    """The candidate an article's later sentence adds to: the same rule, place and date; or the same rule and
    place when one of the two gives no date; or, for a sentence naming neither place nor date, the latest
    candidate of the same rule ("The blast went off close to ...")."""
    same_rule = [c for c in found if _same_kind(c, new)]
    for candidate in same_rule:
        if candidate.place_id == new.place_id and (
            candidate.occurred_on == new.occurred_on or not candidate.dated or not new.dated
        ):
            return candidate
    if same_rule and not new.placed and not new.dated:
        return same_rule[-1]
    return None


def _with_forces(roles: list[tuple[int, str]], typist: _Typist) -> list[tuple[int, str]]:
    """Violence's actor1 as the forces that carried it out ("Russia bombed": the Russian forces)."""
    actor1 = next((a for a, role in roles if role == ActorRole.ACTOR1), None)
    if actor1 is None or (forces := typist.forces(actor1)) == actor1:
        return roles
    return [(forces, ActorRole.ACTOR1)] + [(a, ActorRole.ASSOCIATED if a == actor1 else role)
                                           for a, role in roles if a != forces]


def _told_again(new: EventCandidate, earlier: EventCandidate, gazetteer: Gazetteer) -> bool:
    """Whether a sentence that refers back to ``earlier`` ("the bombing") and types an event of the same kind
    tells that one again: no place of its own, or the same place, or one holding the other."""
    if not _same_kind(new, earlier):
        return False
    if not new.placed or new.place_id is None or earlier.place_id is None or new.place_id == earlier.place_id:
        return True
    places = gazetteer.places
    return place_within(places[new.place_id], places[earlier.place_id]) or place_within(
        places[earlier.place_id], places[new.place_id]
    )


def _same_kind(a: EventCandidate, b: EventCandidate) -> bool:
    """Two rules of one violent ACLED sub-type ("shelling" and "shells ... fired", "air strikes" and "raids") tell
    one happening as well as one rule; "Other" strategic developments are too many kinds of thing for that."""
    if a.rule_id == b.rule_id:
        return True
    return a.event_type == b.event_type and a.sub_event_type == b.sub_event_type and a.sub_event_type != "Other"


def _add_sentence(target: EventCandidate, sentence: Sentence, actors: list[tuple[int, str]]) -> None:
    """Another report of the same happening. When the first named nobody as actor1, this one's actor1 is the
    event's ("Airstrikes hit Hass" then "The strikes were carried out by Russian jets")."""
    if sentence.index in target.sentences:
        return
    target.sentences.append(sentence.index)
    target.text = f"{target.text} {sentence.text}"
    _adopt_actor1(target, actors)
    known = {a for a, _ in target.actors}
    target.actors += [(a, ActorRole.ASSOCIATED) for a, _ in actors if a not in known]


def _adopt_actor1(target: EventCandidate, actors: list[tuple[int, str]]) -> None:
    if any(role == ActorRole.ACTOR1 for _, role in target.actors):
        return
    actor1 = next((a for a, role in actors if role == ActorRole.ACTOR1), None)
    if actor1 is None or any(a == actor1 and role == ActorRole.ACTOR2 for a, role in target.actors):
        return  # who suffered it in one report is not who did it in another
    target.actors = [(actor1, ActorRole.ACTOR1)] + [(a, role) for a, role in target.actors if a != actor1]


def _refer_back(
    found: list[EventCandidate], sentence: Sentence, places: list[Mention], quotes: list[tuple[int, int]],
    gazetteer: Gazetteer, rules: Rules,
) -> EventCandidate | None:
    """"The strikes hit the town of Jisr al-Shughur ...": a sentence that types no event of its own but names one
    already found (rules' anaphors) joins it as a source, when any place it names is the event's or lies in it.
    Returns the candidate it joined."""
    pattern, targets = rules.anaphors
    match = pattern.search(sentence.text) if pattern is not None else None
    if match is None or any(q_start <= sentence.start + match.start() < q_end for q_start, q_end in quotes):
        return None
    wanted = targets.get(fold_key(match.group(1)), ())
    earlier = next((c for c in reversed(found) if c.rule_id in wanted), None)
    if earlier is None:
        return None
    if places and earlier.place_id is not None:
        home = gazetteer.places[earlier.place_id]
        if not any(m.target == home.id or place_within(gazetteer.places[m.target], home) for m in places):
            return None  # "the strikes also hit Saraqib": another place, not this event's
    _add_sentence(earlier, sentence, [])
    return earlier


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
    may_refer_back: list[bool] | None = None,
) -> list[EventCandidate]:
    typist = _Typist(gazetteer, rules, published)
    # The text's own dateline may date the article earlier than the dataset does (coding guide, rule 3): a year
    # is history only when it is before both.
    opening = [d for s in sentences[:3] for d in dates_by_sentence[s.index] if d.precision == DatePrecision.DAY]
    # "21 Jul 2016 Dozens of civilians ...", "Date of publication 4 April 2017": the first lines' dates written
    # with their year are the story's dateline (the corpus lost the line break after it), not the day a
    # happening took place; the lead's "on Tuesday" is.
    opening_lines = {s.index for s in [s for s in sentences if not s.title][:2]}
    if opening:
        typist.year = min(typist.year, opening[0].value.year)
    found: list[EventCandidate] = []
    # (event type, sub-type) -> the actor1 and the toll the headline gives it
    headline: dict[tuple[str, str], tuple[int | None, Toll | None]] = {}
    for sentence in sentences:
        triggers = triggers_by_sentence[sentence.index]
        if sentence.title and not sentence.junk:
            headline.update(_headline_actors(sentence, triggers, actors_by_sentence[sentence.index], quotes, typist))
        if sentence.junk or sentence.title:
            continue
        if not triggers:
            # ``may_refer_back`` (cues.py): whether the sentence holds a word that can refer back; None: read all.
            joined = None
            if found and (may_refer_back is None or may_refer_back[sentence.index]):
                joined = _refer_back(found, sentence, places_by_sentence[sentence.index], quotes, gazetteer, rules)
            if joined is not None and not joined.dated:
                # "The strikes on Saraqib on Tuesday ...": the day the first report left out.
                day = next((d for d in dates_by_sentence[sentence.index]
                            if d.precision == DatePrecision.DAY and d.value <= published), None)
                if day is not None:
                    joined.occurred_on, joined.date_precision, joined.dated = day.value, day.precision, True
            if found and (joined is not None or "toll" in sentence.text):
                # "35 people were killed by the attack" gives the toll of the happening it refers to; "the death
                # toll has risen to 51", the latest violent one's.
                toll = typist.toll(sentence.text)
                latest = next((c for c in reversed(found) if c.event_type in rules.violent_types), None)
                if toll is not None and joined is not None and joined.event_type in rules.violent_types:
                    _toll_merged(joined, toll)
                elif toll is not None and toll.update and latest is not None:
                    _toll_merged(latest, toll)
            continue
        places = typist.provinces(sentence, places_by_sentence[sentence.index])
        statement = statements.get(sentence.index)
        dateline = _DATELINE.match(sentence.text)
        after = sentence.start + dateline.end() if dateline else sentence.start
        actors = [
            m for m in actors_by_sentence[sentence.index]
            if m.start >= after and gazetteer.actors[m.target].kind not in _REPORTER_KINDS
        ]
        # "The fighting centred on ..." refers back to a happening already found: it adds to that one, and the
        # sentence may still report a new one elsewhere ("..., and the army responded with artillery").
        best: _Reading | None = None
        back: tuple[_Reading, EventCandidate] | None = None
        for trigger in triggers:
            if any(q_start <= trigger.start < q_end for q_start, q_end in quotes):
                continue
            end = trigger.start - sentence.start
            anaphoric = _ANAPHORA.search(sentence.text, max(0, end - _ANAPHORA_REACH), end) is not None
            for rule_id in trigger.rule_ids:
                rule = rules.event_rules[rule_id]
                earlier = next((c for c in reversed(found) if c.rule_id == rule_id), None) if anaphoric else None
                if earlier is None and best and best.rule.priority >= rule.priority:
                    continue
                reading = _reading(sentence, trigger, rule, statement, actors, typist)
                if not typist.admissible(reading, sentence, places):
                    continue
                if earlier is None:
                    best = reading
                elif back is None:
                    back = (reading, earlier)
        if back is not None:
            back_roles = typist.roles(back[0], sentence)
            if back[1].event_type in rules.violent_types:
                back_roles = _with_forces(back_roles, typist)
            _add_sentence(back[1], sentence, [(a, r) for a, r in back_roles if r == ActorRole.ACTOR1])
            occurred_on, precision, dated = typist.when(back[0], dates_by_sentence[sentence.index])
            if dated and not back[1].dated:
                back[1].occurred_on, back[1].date_precision, back[1].dated = occurred_on, precision, True
            if back[1].event_type in rules.violent_types:
                _toll_merged(back[1], typist.toll(sentence.text))  # "The blast killed 47": its toll
        if best is None:
            continue
        dates = dates_by_sentence[sentence.index]
        if sentence.index in opening_lines:
            dates = [d for d in dates if not _DATELINE_YEAR.search(sentence.text, d.start - sentence.start,
                                                                   d.end - sentence.start)]
        candidate = _candidate(best, sentence, places, dates, primary_place, venue,
                               typist)
        if candidate.dated and (published - candidate.occurred_on).days > rules.background_horizon_days:
            continue  # told as context: "the 2013 attack on Ghouta", "air strikes in September" in a June story
        if back is not None and _told_again(candidate, back[1], gazetteer):
            continue  # "The bombing by Russian jets targeted Aleppo": the bombing already found, not another one
        for each in _per_place(candidate, best, sentence, places, gazetteer, rules):
            _keep(found, each, sentence)
    found = _nested_joined(found, gazetteer)
    _headline_applied(found, headline)
    # "Rebels pulled out of Khan Shaykhun" is part of "troops recaptured Khan Shaykhun", not a second event.
    kept = [
        c for c in found
        if not any(
            d.place_id == c.place_id and d.rule_id in rules.event_rules[c.rule_id].suppressed_by for d in found
        )
    ]
    for candidate in kept:
        place_slug = gazetteer.places[candidate.place_id].slug if candidate.place_id else "-"
        candidate.key = f"{candidate.rule_id}|{place_slug}|{candidate.occurred_on.isoformat()}"[:200]
    return kept


def _headline_actors(
    sentence: Sentence, triggers: list[Trigger], actors: list[Mention], quotes: list[tuple[int, int]], typist: _Typist,
) -> dict[tuple[str, str], tuple[int | None, Toll | None]]:
    """Who the headline says did what, and its toll: "Russian jets pound Aleppo", "Air raid kills 19 in Idlib".
    The headline is no event of its own (the lead tells the same happening), but it often names the perpetrator
    or the toll the lead leaves out."""
    given: dict[tuple[str, str], tuple[int | None, Toll | None]] = {}
    for trigger in triggers:
        if any(q_start <= trigger.start < q_end for q_start, q_end in quotes):
            continue
        for rule_id in trigger.rule_ids:
            rule = typist.rules.event_rules[rule_id]
            if rule.event_type not in typist.rules.violent_types or rule.by_actor1:
                continue
            reading = _reading(sentence, trigger, rule, None, actors, typist)
            if not typist.admissible(reading, sentence, []):
                continue
            actor1 = next((a for a, role in typist.roles(reading, sentence) if role == ActorRole.ACTOR1), None)
            given.setdefault(
                (rule.event_type, rule.sub_event_type),
                (typist.forces(actor1) if actor1 is not None else None, typist.toll(sentence.text)),
            )
    return given


def _headline_applied(
    found: list[EventCandidate], headline: dict[tuple[str, str], tuple[int | None, Toll | None]],
) -> None:
    """The article's first happening of the headline's kind takes the headline's perpetrator and toll when its
    own sentences give none."""
    seen: set[tuple[str, str]] = set()
    for candidate in found:
        kind = (candidate.event_type, candidate.sub_event_type)
        if kind in seen or kind not in headline:
            continue
        seen.add(kind)
        actor1, toll = headline[kind]
        if actor1 is not None:
            _adopt_actor1(candidate, [(actor1, ActorRole.ACTOR1)])
        if candidate.toll is None and toll is not None:
            candidate.toll, candidate.fatalities = toll, toll.count


def _keep(found: list[EventCandidate], candidate: EventCandidate, sentence: Sentence) -> None:
    target = _merge_target(found, candidate)
    if target is None:
        found.append(candidate)
        return
    _add_sentence(target, sentence, candidate.actors)
    _toll_merged(target, candidate.toll)
    if candidate.dated and not target.dated:
        target.occurred_on, target.date_precision, target.dated = (
            candidate.occurred_on, candidate.date_precision, True
        )
    target.confidence = confidence_after(max(target.confidence, candidate.confidence))


def _per_place(
    candidate: EventCandidate, reading: _Reading, sentence: Sentence, places: list[Mention], gazetteer: Gazetteer,
    rules: Rules,
) -> list[EventCandidate]:
    """Violence happens in Syria, one event per town: "air strikes on the towns of Kafr Takharim, Kafr Nabl and
    Saraqib" are three events (their shared toll belongs to none of them alone), and a strike "in Washington" is
    the statement's venue, not the strike's place."""
    if candidate.event_type not in rules.violent_types:
        return [candidate]
    home = rules.relevance["syria_country"]
    clause = _listed([m for m in places if reading.clause[0] <= m.start and m.end <= reading.clause[1]], places,
                     sentence)
    towns = list(dict.fromkeys(
        m.target for m in _run_of(clause, candidate.place_id, sentence)
        if gazetteer.places[m.target].country == home and gazetteer.places[m.target].kind in _TOWN_KINDS
        and m.scope != "region"
    ))
    if candidate.place_id is not None and gazetteer.places[candidate.place_id].country != home:
        syrian = [m.target for m in places if gazetteer.places[m.target].country == home]
        candidate.place_id = syrian[0] if syrian else None
        candidate.placed = bool(syrian)
    if len(towns) < 2 or candidate.place_id not in towns:
        return [candidate]
    first = min(m.start for m in clause if m.target in towns)
    if " between " in f" {sentence.text[reading.clause[0] - sentence.start:first - sentence.start].lower()}":
        return [candidate]  # "on the road between Sarmada and Dana": one place between two
    return [
        replace(candidate, place_id=town, fatalities=None, toll=None, actors=list(candidate.actors),
                sentences=list(candidate.sentences))
        for town in towns
    ]


_TOWN_KINDS = frozenset({"city", "town", "village"})
# Between two places of one list: nothing left of a lost comma ("Kafranbil Saraqeb"), or a comma, "and" or "or"
# with a few words ("Latamneh and nearby Kafr Zita", "the market in Kafr Nabl and a school in Hass").
_RUN_GAP = re.compile(r"\s*(?:(?:[\w-]+\s+){0,2}?(?:,|and|or|as well as)\s*(?:[\w-]+\s+){0,4})?$")


def _run_of(clause: list[Mention], place_id: int | None, sentence: Sentence) -> list[Mention]:
    """The list of places the event's place stands in: "struck Kafr Nabl Khan Shaykhun and Hass" is one list; the
    village a round-up's sentence goes on to name "30 km north of Hama city" is not part of it (the corpus lost
    the commas that would end the clause)."""
    ordered = sorted(clause, key=lambda m: m.start)
    runs: list[list[Mention]] = []
    for mention in ordered:
        if runs and _RUN_GAP.match(sentence.text[runs[-1][-1].end - sentence.start:mention.start - sentence.start]):
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return next((run for run in runs if any(m.target == place_id for m in run)), [])
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s*$")


def _listed(clause: list[Mention], places: list[Mention], sentence: Sentence) -> list[Mention]:
    """The clause's places and the rest of a list they open: "struck Kafr Nabl, Khan Shaykhun and Hass" runs past
    the commas that end a clause."""
    if not clause:
        return clause
    listed = list(clause)
    for mention in places:
        if mention.start <= listed[-1].start:
            continue
        gap = sentence.text[listed[-1].end - sentence.start:mention.start - sentence.start]
        if not _LIST_GAP.match(gap):
            break
        listed.append(mention)
    return listed


def _nested_joined(found: list[EventCandidate], gazetteer: Gazetteer) -> list[EventCandidate]:
    """One article telling one happening at a place and again at a wider place that holds it ("clashes in the
    Jabal al-Akrad hills", "in the Latakia hills") on the same day, or with no date of its own for one of the
    two (as _merge_target joins sentences at one place), is one event, at the more precise place.
    Protests "in towns across Idlib province" are many happenings: the one in Saraqib is one of them, not the
    same."""
    if len(found) < 2:
        return found
    places = gazetteer.places
    dropped: set[int] = set()
    for outer in found:
        if outer.spread or outer.place_id is None or places[outer.place_id].kind != "governorate":
            continue  # only a governorate holds other places in the gazetteer: most candidates stop here
        inner = next(
            (
                c for c in found
                if c is not outer and id(c) not in dropped and c.place_id is not None
                and (c.event_type, c.sub_event_type) == (outer.event_type, outer.sub_event_type)
                and (c.occurred_on == outer.occurred_on or not c.dated or not outer.dated)
                and place_within(places[c.place_id], places[outer.place_id])
            ),
            None,
        )
        if inner is None:
            continue
        dropped.add(id(outer))
        if not set(outer.sentences) <= set(inner.sentences):
            inner.sentences = sorted({*inner.sentences, *outer.sentences})
            inner.text = f"{inner.text} {outer.text}"
        known = {a for a, _ in inner.actors}
        inner.actors += [(a, ActorRole.ASSOCIATED) for a, _ in outer.actors if a not in known]
        _toll_merged(inner, outer.toll)
        if outer.dated and not inner.dated:
            inner.occurred_on, inner.date_precision, inner.dated = outer.occurred_on, outer.date_precision, True
        inner.confidence = confidence_after(max(inner.confidence, outer.confidence))
    return [c for c in found if id(c) not in dropped]


def _candidate(
    reading: _Reading, sentence: Sentence, places: list[Mention], dates: list[DateMention],
    primary: Mention | None, venue: Mention | None, typist: _Typist,
) -> EventCandidate:
    rule = reading.rule
    roles = typist.roles(reading, sentence)
    if rule.event_type in typist.rules.violent_types:
        roles = _with_forces(roles, typist)
    named = any(m.start < reading.trigger.end and reading.trigger.start < m.end for m in reading.actors)
    if rule.home_forces and not named and (army := typist.home_forces()) is not None:
        # "Army units clashed with al-Nusra": the army the keyword names is the first side ("Turkish army units"
        # name their own).
        roles = [(army, ActorRole.ACTOR1)] + [
            (a, ActorRole.ACTOR2 if role == ActorRole.ACTOR1 else ActorRole.ASSOCIATED if role == ActorRole.ACTOR2
             else role)
            for a, role in roles if a != army
        ]
    event_type, sub_type = rule.event_type, rule.sub_event_type
    if rule.by_actor1:
        actor1 = next((a for a, role in roles if role == ActorRole.ACTOR1), None)
        variant = "state" if actor1 is not None and typist.is_state(actor1) else "default"
        event_type, sub_type = rule.by_actor1.get(variant, (event_type, sub_type))
    place_id, precision, placed, spread = typist.place(reading, sentence, places, primary, venue)
    occurred_on, date_precision, dated = typist.when(reading, dates)
    toll = typist.toll(sentence.text) if event_type in typist.rules.violent_types else None
    fatalities = toll.count if toll else None
    confidence = rule.confidence + 0.1 * placed + 0.1 * dated + 0.05 * bool(roles) + 0.05 * (fatalities is not None)
    return EventCandidate(
        key="", rule_id=rule.id, label=typist.label(reading, sentence, roles), event_type=event_type,
        sub_event_type=sub_type, place_id=place_id, geo_precision=precision, occurred_on=occurred_on,
        date_precision=date_precision,
        fatalities=fatalities, confidence=round(min(MAX_CONFIDENCE, confidence), 2), actors=roles,
        sentences=[sentence.index], text=sentence.text, placed=placed, dated=dated, spread=spread,
        title_place=rule.title_place, toll=toll,
    )
