"""Who and where: one Aho-Corasick automaton over every actor alias and place name.

Built once from the gazetteer (the service caches it and rebuilds it when the tables change), then each article
costs one fold and one scan in C. Matching is case- and diacritic-insensitive (see folding.py), whole words only,
longest match first: "Islamic State of Iraq and the Levant" is one mention, and "Turkey" inside "Turkey-backed
rebels" is part of the rebels (the gazetteer lists "Turkey-backed rebels" and "rebels backed by Turkey" as aliases
of the National Front for Liberation, the Turkey-backed coalition in Idlib in 2018).

Short all-capital aliases ("AP", "RT", "NFL", "HTS") only match capitals: folding would otherwise turn every "rt"
or "ap" into an actor.

A name with periods (gazetteer.name_periods) names the actor whose period holds the article's date: find(folded,
on=published). Only keys that carry a period pay for the choice.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache

from events.extract.folding import Folded, fold, fold_key
from events.extract.gazetteer import Gazetteer
from events.extract.mentions import ACTOR, PLACE, Mention, MentionFilters
from events.extract.rules import Rules
from events.extract.scanning import scan, whole_word_automaton

__all__ = ["ACTOR", "PLACE", "Matcher", "Mention", "mentions_find", "scan"]

_CITY_WORDS = frozenset({"city", "town", "centre", "center"})
# "<modifier> and|or " right before a name (folded text: lower case, single spaces).
_COORDINATED = re.compile(r"(?:^| )([a-z]+) (?:and|or) $")


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "")
    return letters.isalpha() and letters.isupper() and len(letters) <= 5


class Matcher:
    """Finds gazetteer mentions in a text. Immutable once built; safe to share between threads."""

    def __init__(self, gazetteer: Gazetteer, rules: Rules) -> None:
        self.gazetteer = gazetteer
        self.rules = rules
        targets: dict[str, set[tuple[str, int, bool]]] = {}
        periods: dict[tuple[str, int], set] = {}
        for names, kind in ((gazetteer.actor_names, ACTOR), (gazetteer.place_names, PLACE)):
            for name, target in names:
                key = fold_key(name)
                if key:
                    targets.setdefault(key, set()).add((kind, target, _is_acronym(name)))
                    if kind == ACTOR:
                        # () = at any date: one undated spelling of the name wins over any period.
                        dated = gazetteer.name_periods.get((name, target), ())
                        have = periods.get((key, target))
                        periods[(key, target)] = set() if not dated or have == set() else (have or set()) | set(dated)
        self._periods = {
            (key, target): tuple(sorted(found, key=lambda p: p[0] or date.min))
            for (key, target), found in periods.items() if found
        }
        # An acronym flag on any entry makes the key case-sensitive: "NFL" the alias, not "nfl" in a word.
        # Payload: (any acronym, any place, any period, entries, only capitalised), so a hit is judged without
        # looking through its entries.
        keys = {
            key: (
                any(e[2] for e in entries), any(e[0] == PLACE for e in entries),
                any((key, e[1]) in self._periods for e in entries if e[0] == ACTOR), tuple(sorted(entries)), False,
            )
            for key, entries in targets.items()
        }
        # The corpus drops apostrophes: "Assads forces" is "Assad's forces", a name of the army.
        for key, entries in list(targets.items()):
            words = key.split()
            actors = {e for e in entries if e[0] == ACTOR}
            if len(words) > 1 and actors and not words[0].endswith("s"):
                possessive = " ".join([words[0] + "s", *words[1:]])
                if possessive not in targets and possessive not in keys:
                    keys[possessive] = (False, False, False, tuple(sorted(actors)), False)
        spellings = place_spellings(gazetteer, rules, set(targets))
        for key, place in spellings.items():
            keys[key] = (False, True, False, ((PLACE, place, False),), True)
        self._automaton = whole_word_automaton(keys)
        self.size = len(targets)
        # Actor names by key, for a modifier that shares the next name's head ("Russian and regime warplanes").
        self._actor_keys = {
            key: tuple(sorted(e for e in entries if e[0] == ACTOR)) for key, entries in targets.items()
            if len(key.split()) > 1 and any(e[0] == ACTOR for e in entries)
        }
        # "southern Idlib" is the governorate named after the city: city id -> governorate id.
        governorates = {fold_key(p.admin1): p.id for p in gazetteer.places.values() if p.kind == "governorate"}
        self._governorate_of = {
            p.id: governorates[fold_key(p.name)]
            for p in gazetteer.places.values()
            if p.kind != "governorate" and fold_key(p.name) in governorates and fold_key(p.admin1) == fold_key(p.name)
        }
        self._bare_governorate = {
            city for city in self._governorate_of if fold_key(gazetteer.places[city].name) in rules.bare_governorate
        }
        # Every spelling of such a city's bare name ("Idleb", "Hamah"), not the ones that say the city ("Idlib city").
        self._bare_keys = {
            key for key, place in [*((fold_key(n), i) for n, i in gazetteer.place_names), *spellings.items()]
            if place in self._bare_governorate and not set(key.split()) & _CITY_WORDS
        }
        self._filters = MentionFilters(gazetteer, rules)
        parts = (rules.mention_filters or {}).get("city_parts", {})
        own_names = {fold_key(n): fold_key(gazetteer.places[i].name) for n, i in gazetteer.place_names}
        self._city_parts = {
            key: frozenset(fold_key(w) for w in words)
            for name, words in parts.items() if not name.startswith("_")
            for key, own in own_names.items() if own == fold_key(name)
        }

    def find(self, folded: Folded, on: date | None = None) -> list[Mention]:
        """Every whole-word mention, longest first, without overlaps, in text order. A name with periods names
        the actor whose period holds ``on`` (the article's date); without a date, the one whose period is open."""
        if not self.size:
            return []
        original = folded.original
        mentions: list[Mention] = []
        coordinated: list[Mention] = []
        for start, end, (_, (acronym, placed, dated, entries, proper)) in scan(self._automaton, folded.text):
            o_start, o_end = folded.span(start, end)
            if acronym and not original[o_start:o_end].replace(".", "").isupper():
                continue
            if proper and original[o_start:o_end].islower():
                continue  # another spelling of a place name: only as a name ("Raqa", not a word)
            if dated:
                entries = self._on_date(folded.text[start:end], entries, on)
            scope = ""
            if placed:
                scope, o_start, o_end = self._place_scope(folded, start, end, o_start, o_end)
            # Only the bare name itself: "Idlib city" (an alias of the city) stays the city.
            bare = not scope and folded.text[start:end] in self._bare_keys
            for kind, target, _ in entries:
                if kind == PLACE and (scope == "region" or (bare and target in self._bare_governorate)):
                    target = self._governorate_of.get(target, target)
                # "Idlib city": the city itself, named as precisely as a bare town name.
                place_scope = "" if scope == "city" else scope
                mentions.append(
                    Mention(kind, target, o_start, o_end, original[o_start:o_end], place_scope if kind == PLACE else "")
                )
            if not placed and " " in folded.text[start:end]:
                coordinated += self._coordinated(folded, start, end, on)
        # "the Assad regime and Russian forces": a modifier inside another name is that name's, not a shared one.
        mentions += [c for c in coordinated if not any(m.start < c.end and c.start < m.end for m in mentions)]
        mentions.sort(key=lambda m: (m.start, m.kind))
        return self._filters.keep(original, mentions)

    def _coordinated(self, folded: Folded, start: int, end: int, on: date | None) -> list[Mention]:
        """'Syrian or Russian warplanes', 'Russian and regime warplanes': the first modifier shares the name's head,
        so 'Syrian warplanes' is named too."""
        found = _COORDINATED.search(folded.text, max(0, start - 40), start)
        if not found:
            return []
        key = " ".join([found.group(1), *folded.text[start:end].split()[1:]])
        entries = self._actor_keys.get(key)
        if not entries or key == folded.text[start:end]:
            return []
        if any((key, e[1]) in self._periods for e in entries):
            entries = self._on_date(key, entries, on)
        o_start, o_end = folded.span(found.start(1), found.end(1))
        return [Mention(ACTOR, target, o_start, o_end, folded.original[o_start:o_end]) for _, target, _ in entries]

    def _on_date(self, key: str, entries: tuple, on: date | None) -> tuple:
        kept = []
        for entry in entries:
            periods = self._periods.get((key, entry[1])) if entry[0] == ACTOR else None
            if periods is None or any(
                last is None if on is None else (first is None or first <= on) and (last is None or on <= last)
                for first, last in periods
            ):
                kept.append(entry)
        return tuple(kept)

    def _place_scope(self, folded: Folded, start: int, end: int, o_start: int, o_end: int) -> tuple[str, int, int]:
        """"northern Hama", "Idlib countryside", "southern Idlib provinces": the place, widened, with its scope."""
        text = folded.text
        scope = ""
        before = text[max(0, start - 30):start].split()
        for words in (2, 1):
            phrase = " ".join(before[-words:]) if len(before) >= words else ""
            if phrase and phrase in self.rules.place_prefixes:
                scope = self.rules.place_prefixes[phrase]
                if phrase in self._city_parts.get(text[start:end], ()):
                    scope = "city"  # "eastern Aleppo": the rebel-held half of the divided city
                new_start = start - len(phrase) - 1
                o_start = folded.span(new_start, new_start + 1)[0]
                break
        after = text[end:end + 30].split()
        for words in (2, 1):
            phrase = " ".join(after[:words]) if len(after) >= words else ""
            if phrase and phrase in self.rules.place_suffixes:
                scope = scope or self.rules.place_suffixes[phrase]
                new_end = end + 1 + len(phrase)
                o_end = folded.span(new_end - 1, new_end)[1]
                break
        return scope, o_start, o_end


def place_spellings(gazetteer: Gazetteer, rules: Rules, taken: set[str]) -> dict[str, int]:
    """Other transliterations of the places' names (place_modifiers.json "spelling"), folded, each to its place:
    one word swapped within its group ('kafr' / 'kfar'), one letter change in one word ('raqqa' / 'raqa'), or a
    swap and a letter change in two words ('kfar zeita'). Names already taken and spellings two places share are
    left out."""
    spelling = (rules.mention_filters or {}).get("spelling") or {}
    if not spelling:
        return {}
    # Every test and every gazetteer edit builds a matcher; the spellings of unchanged names are worked out once.
    return _spellings(gazetteer.place_names, frozenset(taken), json.dumps(spelling, sort_keys=True))


@lru_cache(maxsize=4)
def _spellings(place_names: tuple[tuple[str, int], ...], taken: frozenset[str], rules_json: str) -> dict[str, int]:
    spelling = json.loads(rules_json)
    groups: dict[str, tuple[str, ...]] = {}
    for group in spelling.get("words", ()):
        for word in group:
            groups[word] = tuple(w for w in group if w != word)
    # "Deir ez-Zor" is "Deir al-Zor" in many outlets; any article may be written "al" or "el" (not the other way
    # round: every "al" as every sun letter's article would multiply the names for nothing).
    for article in spelling.get("articles", ()):
        groups[article] = tuple(w for w in ("al", "el") if w != article)
    letters = [
        (re.compile(re.escape(old[:-1]) + "$" if old.endswith("$") else re.escape(old)), new)
        for old, new in spelling.get("letters", ())
    ]
    min_length = int(spelling.get("min_length", 5))

    def changed(word: str) -> set[str]:
        out = set()
        for pattern, new in letters:
            for found in pattern.finditer(word):
                out.add(word[:found.start()] + new + word[found.end():])
        out.discard(word)
        return out

    found: dict[str, set[int]] = {}
    for name, place in place_names:
        words = fold_key(name).split()
        single = [changed(w) | set(groups.get(w, ())) for w in words]
        variants = {" ".join([*words[:i], v, *words[i + 1:]]) for i in range(len(words)) for v in single[i]}
        for i, word in enumerate(words):
            for j in range(len(words)):
                if j != i:
                    for swap in groups.get(word, ()):
                        for other in single[j]:
                            both = list(words)
                            both[i], both[j] = swap, other
                            variants.add(" ".join(both))
        for variant in variants:
            if len(variant.replace(" ", "")) >= min_length and variant not in taken:
                found.setdefault(variant, set()).add(place)
    return {key: next(iter(places)) for key, places in found.items() if len(places) == 1}


def mentions_find(matcher: Matcher, text: str, on: date | None = None) -> tuple[Folded, list[Mention]]:
    folded = fold(text)
    return folded, matcher.find(folded, on)
