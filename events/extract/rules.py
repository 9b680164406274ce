"""The extraction rules: JSON files in events/extract/rules/<language>/ that editors can extend without touching
code (one directory per language profile: events/extract/language.py).

Loaded and compiled once per process (rules_load is cached). A malformed file or an event type outside ACLED's
taxonomy is a clear error at load time, not a silent miss at extraction time.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ahocorasick

from events.extract.cues import (
    ANAPHOR,
    DATE,
    ISO_DATE_CUES,
    NAME,
    SPEECH,
    any_case,
    cue_automaton,
    first_words,
    insensitive_keys,
)
from events.extract.dates import DATE_CUES
from events.extract.folding import fold_key
from events.extract.scanning import whole_word_automaton
from events.taxonomy import SUB_EVENT_TYPES

RULES_ROOT = Path(__file__).resolve().parent / "rules"
RULES_DIR = RULES_ROOT / "en"  # the English profile's, the default everywhere a language is not given


class RulesError(ValueError):
    """A rules file is malformed; the message names the file and the entry."""


LABEL_FIELDS = frozenset({"actor1", "actor2", "parties"})


@dataclass(frozen=True)
class LabelTemplate:
    """One way to name what happened ("{actor1} and {actor2} agree on ceasefire"), used when its conditions hold
    and the sentence gives every name it needs."""

    template: str
    fields: frozenset[str]
    keywords: frozenset[str] = frozenset()  # folded; the keyword that typed the event must be one of them
    requires_any: re.Pattern[str] | None = None  # one of these in the sentence (or the reported speech)


@dataclass(frozen=True)
class EventRule:
    id: str
    label: str
    event_type: str
    sub_event_type: str
    priority: int
    roles: str  # "attack", "initiator" or "parties"
    place_fallback: str  # "venue", "article" or "none"
    hypothetical_ok: bool
    confidence: float
    requires_any: re.Pattern[str] | None = None
    excludes: re.Pattern[str] | None = None
    # "state" / "default" -> (event_type, sub_event_type), chosen by the kind of actor1.
    by_actor1: dict[str, tuple[str, str]] = field(default_factory=dict)
    requires_place: bool = False  # a place must be named near the keyword (changes of territory)
    min_actors: int = 0  # distinct actors the sentence must name (two parties to an agreement)
    place_prefer_venue: bool = False  # diplomacy: the venue abroad named in the article, when there is one
    suppressed_by: tuple[str, ...] = ()  # rule ids that, at the same place in the article, already tell it
    labels: tuple[LabelTemplate, ...] = ()  # tried in order; 'label' when none fits
    subject_before: bool = False  # an actor is named before the keyword in its clause ("Turkey lists HTS")
    excludes_before: re.Pattern[str] | None = None  # words right before the keyword that rule it out ("is listed")
    # How the title joins the place: "in" (Air strikes in Saraqib), "near" (Drones shot down near Hmeimim), or ""
    # for happenings that are not at a place the article names (a state's terrorist listing).
    title_place: str = "in"
    # The keyword itself names the home state's army ("army units", the register of Syrian state media): its forces
    # at the article's date are actor1, unless a name spans the keyword ("Turkish army units").
    home_forces: bool = False


@dataclass(frozen=True)
class Rules:
    junk_prefixes: tuple[str, ...]
    # The language profile these rules belong to (events/extract/language.py): it also picks the sentence splitter
    # and the date reader.
    language: str
    titles: frozenset[str]  # folded
    spokesperson_words: frozenset[str]
    speech_verbs: re.Pattern[str]
    according_to: re.Pattern[str]
    fillers: tuple[str, ...]  # folded, longest first
    filler_set: frozenset[str]
    max_filler_words: int
    filler_first_words: frozenset[str]
    filler_last_words: frozenset[str]
    pronouns: frozenset[str]
    passive: frozenset[str]
    determiners: frozenset[str]
    noun_markers: frozenset[str]
    not_speech_objects: tuple[str, ...]
    modifiers: frozenset[str]
    membership: frozenset[str]
    descriptors: frozenset[str]
    auxiliaries: frozenset[str]
    max_speaker_words: int
    trailing_max_words: int
    place_prefixes: dict[str, str]
    place_suffixes: dict[str, str]
    bare_governorate: frozenset[str]  # folded names of cities whose bare mention means their governorate
    place_spread: re.Pattern[str] | None  # "across Idlib province": many places of it, not one happening there
    event_rules: dict[str, EventRule]
    triggers: ahocorasick.Automaton  # folded keyword -> (length, rule ids or () for an ignored phrase)
    hypothetical: re.Pattern[str]
    background: re.Pattern[str]  # in the keyword's clause: not a specific happening ("in recent weeks")
    background_before: re.Pattern[str]  # just before the keyword ("a wave of bombings")
    background_window: int
    negations: re.Pattern[str]
    negation_window: int
    violent_types: frozenset[str]
    # A happening dated more than this many days before the article is context, not news (docs/coding-guide.md).
    background_horizon_days: int
    fatality_patterns: tuple[re.Pattern[str], ...]
    fatality_cues: re.Pattern[str] | None  # a toll pattern can match only where one of these word starts is
    number_words: dict[str, int]
    org_pattern: re.Pattern[str]
    person_pattern: re.Pattern[str]
    org_kinds: dict[str, str]
    stop_names: frozenset[str]
    relevance: dict
    # Words without which a sentence cannot hold a statement, a date or a proposed name (cues.py).
    cues: ahocorasick.Automaton
    according_keys: tuple[str, ...] | None
    # The edges of a speaker phrase and what "the monitor" / "he" can stand for (statements.py).
    relative_openers: frozenset[str] = frozenset()
    # Capitalised words dropped from the front of a proposed name, with the "of"/"the" after them (proposals.py).
    leading_noise: frozenset[str] = frozenset()
    # A country named as a location ("in northern Syria"): words before it, adjectives between, words right after.
    locative_before: frozenset[str] = frozenset()
    locative_skip: frozenset[str] = frozenset()
    locative_after: tuple[str, ...] = ()
    adverbial_openers: frozenset[str] = frozenset()
    adverbial_max_words: int = 4
    speech_complements: frozenset[str] = frozenset()
    closing_verbs: frozenset[str] = frozenset()
    clause_words: frozenset[str] = frozenset()
    descriptions: dict[str, tuple[frozenset[str], tuple[str, ...]]] = field(default_factory=dict)  # kinds, name words
    spokesperson_persons: frozenset[str] = frozenset()
    # Further word lists of statement_verbs.json, by key, lower-cased (statements.py: the closing attribution that
    # lost its comma, and who a pronoun can be).
    statement_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # Last words of plural actor names: a title's verb agrees with them (events.py).
    plural_heads: frozenset[str] = frozenset()
    # "the strikes" / "this attack" in a sentence that types no event: (pattern whose group 1 is the word, the rules
    # of the earlier events it can refer back to, by folded word) (events.py).
    anaphors: tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]]] = (None, {})
    # "killing a woman and nine children": two figures that add up to one toll (groups n and m).
    fatality_sums: tuple[re.Pattern[str], ...] = ()
    fatality_vague: frozenset[str] = frozenset()  # folded words ("dozens") an exact figure of the same event beats
    fatality_sub_count: re.Pattern[str] | None = None  # before a figure that is part of another ("including nine")
    # What makes a gazetteer name no mention at all (matcher.py compiles them): page furniture inside a line
    # (junk.json "inline"), a place name that is not a location (place_modifiers.json "not_a_place"), the host
    # country named as a place and an actor named only to describe another (actor_patterns.json "host_state",
    # "descriptor").
    mention_filters: dict = field(default_factory=dict)


def _read(directory: Path, name: str) -> dict:
    path = directory / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RulesError(f"{path}: {exc}") from exc


def _words_regex(phrases: list[str]) -> str:
    """One alternation for a word list, longest first, each phrase with flexible spaces."""
    ordered = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(part) for part in phrase.split()) for phrase in ordered)


def phrases_pattern(phrases: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word regex for a phrase list, searched in raw text (no folding per call)."""
    words = [fold_key(p).split() for p in phrases]
    ordered = sorted({" ".join(w) for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    alternation = "|".join(r"[\W_]+".join(re.escape(word) for word in phrase.split()) for phrase in ordered)
    return re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])", re.IGNORECASE)


def _label_template(entry: dict, source: str, rule_id: str) -> LabelTemplate:
    template = entry["template"]
    fields = frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)
    if not fields <= LABEL_FIELDS:
        raise RulesError(f"{source}: rule {rule_id!r}: label {template!r} uses {sorted(fields - LABEL_FIELDS)}")
    return LabelTemplate(
        template=template, fields=fields, keywords=frozenset(fold_key(k) for k in entry.get("keywords", [])),
        requires_any=phrases_pattern(entry.get("requires_any", [])),
    )


def _event_rule(entry: dict, source: str) -> EventRule:
    try:
        rule = EventRule(
            id=entry["id"],
            label=entry.get("label") or entry["sub_event_type"],
            event_type=entry["event_type"],
            sub_event_type=entry["sub_event_type"],
            priority=int(entry["priority"]),
            roles=entry.get("roles", "attack"),
            place_fallback=entry.get("place_fallback", "article"),
            hypothetical_ok=bool(entry.get("hypothetical_ok", False)),
            confidence=float(entry.get("confidence", 0.5)),
            requires_any=phrases_pattern(entry.get("requires_any", [])),
            excludes=phrases_pattern(entry.get("excludes", [])),
            by_actor1={k: (v["event_type"], v["sub_event_type"]) for k, v in entry.get("by_actor1", {}).items()},
            requires_place=bool(entry.get("requires_place", False)),
            min_actors=int(entry.get("min_actors", 0)),
            place_prefer_venue=bool(entry.get("place_prefer_venue", False)),
            suppressed_by=tuple(entry.get("suppressed_by", [])),
            labels=tuple(_label_template(t, source, entry["id"]) for t in entry.get("labels", [])),
            subject_before=bool(entry.get("subject_before", False)),
            excludes_before=phrases_pattern(entry.get("excludes_before", [])),
            title_place=str(entry.get("title_place", "in")),
            home_forces=bool(entry.get("home_forces", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"{source}: rule {entry.get('id', '?')!r} is missing or has a bad field: {exc}") from exc
    pairs = [(rule.event_type, rule.sub_event_type), *rule.by_actor1.values()]
    for event_type, sub_type in pairs:
        allowed = [s.value for s in SUB_EVENT_TYPES.get(event_type, [])]
        if sub_type not in allowed:
            raise RulesError(f"{source}: rule {rule.id!r}: {event_type!r} / {sub_type!r} is not in ACLED's taxonomy")
    if rule.roles not in ("attack", "initiator", "parties") or rule.place_fallback not in ("venue", "article", "none"):
        raise RulesError(f"{source}: rule {rule.id!r}: unknown roles or place_fallback")
    if rule.title_place not in ("in", "near", "at", ""):
        raise RulesError(f"{source}: rule {rule.id!r}: title_place must be 'in', 'near', 'at' or ''")
    return rule


def _anaphors(
    entries: dict[str, list[str]], event_rules: dict[str, EventRule], source: str
) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, ...]]]:
    unknown = sorted({r for ids in entries.values() for r in ids} - event_rules.keys())
    if unknown:
        raise RulesError(f"{source}: anaphors name unknown rules {unknown}")
    if not entries:
        return None, {}
    words = _words_regex(list(entries))
    pattern = re.compile(rf"\b(?:the|this|these|those|that)\s+(?:[\w-]+\s+)?({words})\b", re.IGNORECASE)
    return pattern, {fold_key(word): tuple(ids) for word, ids in entries.items()}


def _check_references(rules: dict[str, EventRule], source: str) -> None:
    for rule in rules.values():
        unknown = [r for r in rule.suppressed_by if r not in rules]
        if unknown:
            raise RulesError(f"{source}: rule {rule.id!r}: suppressed_by names unknown rules {unknown}")


@cache
def rules_load(directory: Path = RULES_DIR, language: str = "en") -> Rules:
    junk = _read(directory, "junk.json")
    titles = _read(directory, "titles.json")
    speech = _read(directory, "statement_verbs.json")
    modifiers = _read(directory, "place_modifiers.json")
    events = _read(directory, "event_rules.json")
    patterns = _read(directory, "actor_patterns.json")
    relevance = _read(directory, "relevance.json")

    event_rules: dict[str, EventRule] = {}
    keywords: dict[str, set[str]] = {}
    for entry in events.get("rules", []):
        rule = _event_rule(entry, "event_rules.json")
        if rule.id in event_rules:
            raise RulesError(f"event_rules.json: rule id {rule.id!r} appears twice")
        event_rules[rule.id] = rule
        for keyword in entry.get("keywords", []):
            keywords.setdefault(fold_key(keyword), set()).add(rule.id)
    _check_references(event_rules, "event_rules.json")
    for phrase in events.get("ignore_phrases", []):
        keywords.setdefault(fold_key(phrase), set())
    triggers = whole_word_automaton({key: tuple(sorted(rule_ids)) for key, rule_ids in keywords.items()})

    numbers = {fold_key(k): int(v) for k, v in events["fatalities"]["numbers"].items()}
    number_alt = r"\d{1,4}|" + _words_regex(list(events["fatalities"]["numbers"]))
    fatality_patterns = tuple(
        re.compile(p.replace("NUM", f"(?:{number_alt})"), re.IGNORECASE) for p in events["fatalities"]["patterns"]
    )
    fatality_sums = tuple(
        re.compile(p.replace("NUM", f"(?:{number_alt})"), re.IGNORECASE)
        for p in events["fatalities"].get("sum_patterns", [])
    )
    sub_count = events["fatalities"].get("sub_count_before")

    cap = r"[A-Z][\w'\u2019-]*"
    joiners = r"(?:" + "|".join(re.escape(j) for j in patterns["lowercase_joiners"]) + r")(?:-|\s+)"
    name_run = rf"{cap}(?:\s+(?:{joiners})*{cap}){{0,5}}"
    heads = _words_regex(list(patterns["heads"]))
    leading = _words_regex(list(patterns["leading"]))
    org_pattern = re.compile(
        # A head word followed by "of"/"for" starts a longer name ("Ministry of Local Administration").
        rf"\b(?P<org>(?:{name_run})\s+(?:{heads})\b(?!\s+(?:of|for)\b)|(?:{leading})\s+(?:{joiners})*{name_run})\b"
    )
    title_alt = _words_regex(titles["titles"])
    person_pattern = re.compile(
        rf"\b(?:{title_alt})\s+(?P<person>{cap}(?:\s+(?:{joiners})*{cap}){{1,2}})\b"
    )
    org_kinds = {fold_key(k): v for k, v in {**patterns["heads"], **patterns["leading"]}.items()}

    return Rules(
        language=language,
        junk_prefixes=tuple(p.lower() for p in junk["line_prefixes"]),
        titles=frozenset(fold_key(t) for t in titles["titles"]),
        spokesperson_words=frozenset(fold_key(w) for w in titles["spokesperson_words"]),
        # Case-sensitive: a speech verb is lower-case; "United States" and "Says" in a headline are not verbs.
        speech_verbs=re.compile(rf"\b(?:{_words_regex(speech['verbs'])})\b"),
        according_to=re.compile(rf"\b(?:{_words_regex(speech['according_to'])})\b", re.IGNORECASE),
        fillers=tuple(sorted({fold_key(f) for f in speech["fillers"]}, key=len, reverse=True)),
        filler_set=frozenset(fold_key(f) for f in speech["fillers"]),
        max_filler_words=max((len(fold_key(f).split()) for f in speech["fillers"]), default=1),
        filler_first_words=frozenset(fold_key(f).split(" ")[0] for f in speech["fillers"]),
        filler_last_words=frozenset(fold_key(f).split(" ")[-1] for f in speech["fillers"]),
        pronouns=frozenset(speech["pronouns"]),
        passive=frozenset(speech["passive"]),
        determiners=frozenset(speech["determiners"]),
        noun_markers=frozenset(speech["noun_markers"]),
        not_speech_objects=tuple(fold_key(o) for o in speech["not_speech_objects"]),
        modifiers=frozenset(speech["modifiers"]),
        membership=frozenset(speech["membership"]),
        descriptors=frozenset(fold_key(d) for d in speech["descriptors"]),
        auxiliaries=frozenset(speech["auxiliaries"]),
        max_speaker_words=int(speech.get("max_speaker_words", 12)),
        trailing_max_words=int(speech.get("trailing_max_words", 6)),
        place_prefixes={fold_key(k): v for k, v in modifiers["prefixes"].items()},
        place_suffixes={fold_key(k): v for k, v in modifiers["suffixes"].items()},
        bare_governorate=frozenset(fold_key(name) for name in modifiers.get("bare_governorate", [])),
        place_spread=phrases_pattern(modifiers.get("spread", [])),
        event_rules=event_rules,
        triggers=triggers,
        hypothetical=phrases_pattern(events["hypothetical"]),
        background=phrases_pattern(events["background"]),
        background_before=phrases_pattern(events["background_before"]),
        background_window=int(events.get("background_window_words", 6)),
        negations=phrases_pattern(events["negations"]),
        negation_window=int(events.get("negation_window_words", 6)),
        violent_types=frozenset(events["violent_types"]),
        background_horizon_days=int(events.get("background_horizon_days", 7)),
        fatality_patterns=fatality_patterns,
        plural_heads=frozenset(w.lower() for w in events.get("plural_heads", ())),
        anaphors=_anaphors(events.get("anaphors", {}), event_rules, "event_rules.json"),
        fatality_cues=(
            re.compile(r"\b(?:" + _words_regex(events["fatalities"]["cues"]) + ")", re.IGNORECASE)
            if events["fatalities"].get("cues") else None
        ),
        number_words=numbers,
        fatality_sums=fatality_sums,
        fatality_vague=frozenset(fold_key(w) for w in events["fatalities"].get("vague", [])),
        fatality_sub_count=re.compile(sub_count, re.IGNORECASE) if sub_count else None,
        org_pattern=org_pattern,
        person_pattern=person_pattern,
        org_kinds=org_kinds,
        stop_names=frozenset(fold_key(n) for n in patterns["stop_names"]),
        leading_noise=frozenset(patterns.get("leading_noise", ())),
        locative_before=frozenset(patterns.get("locative", {}).get("before", ())),
        locative_skip=frozenset(patterns.get("locative", {}).get("skip", ())),
        locative_after=tuple(patterns.get("locative", {}).get("after", ())),
        relevance=relevance,
        cues=cue_automaton([
            *((w, SPEECH) for w in first_words(speech["verbs"])),
            *((w, DATE) for w in (*DATE_CUES, *ISO_DATE_CUES)),
            *((w, NAME) for w in first_words([*patterns["heads"], *patterns["leading"], *titles["titles"]])),
            *((w, ANAPHOR) for w in any_case(events.get("anaphors", {}))),
        ]),
        according_keys=insensitive_keys(speech["according_to"]),
        relative_openers=frozenset(speech.get("relative_openers", [])),
        adverbial_openers=frozenset(speech.get("adverbial_openers", [])),
        adverbial_max_words=int(speech.get("adverbial_max_words", 4)),
        speech_complements=frozenset(speech.get("speech_complements", [])),
        closing_verbs=frozenset(speech.get("closing_verbs", [])),
        clause_words=frozenset(speech.get("clause_words", [])),
        descriptions={
            # Keyed as statements.py reads words (lower-cased, hyphens kept); names are compared folded.
            " ".join(phrase.lower().split()): (
                frozenset(entry["kinds"]), tuple(fold_key(w) for w in entry.get("name_words", []))
            )
            for phrase, entry in speech.get("definite_descriptions", {}).items()
        },
        spokesperson_persons=frozenset(fold_key(w) for w in titles.get("spokesperson_persons", [])),
        mention_filters={
            "furniture": junk.get("inline", {}),
            "places": modifiers.get("not_a_place", {}),
            "spelling": modifiers.get("spelling", {}),
            "city_parts": modifiers.get("city_parts", {}),
            "host_state": patterns.get("host_state", {}),
            "descriptor": patterns.get("descriptor", {}),
        },
        statement_words={
            # Lower-cased as statements.py reads words; names ("unnamed_groups") are compared folded.
            key: frozenset((fold_key(w) if key == "unnamed_groups" else w.lower()) for w in speech.get(key, ()))
            for key in (
                "generic_speakers", "generic_modifiers", "closing_continuations", "closing_heads", "unnamed_groups",
                "plural_spokespeople", "outlet_reporters", "verb_in_content",
                "passive_with_of", "claim_verbs", "claimed_acts", "not_after_verb",
                "saying_participles",
            )
        },
    )
