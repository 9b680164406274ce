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

from dataclasses import dataclass
from datetime import date

from events.extract.folding import Folded, fold, fold_key
from events.extract.gazetteer import Gazetteer
from events.extract.rules import Rules
from events.extract.scanning import scan, whole_word_automaton

__all__ = ["ACTOR", "PLACE", "Matcher", "Mention", "mentions_find", "scan"]

ACTOR = "actor"
PLACE = "place"


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str  # ACTOR or PLACE
    target: int  # actor or place id
    start: int  # offsets in the original text
    end: int
    text: str  # as written, modifiers included ("northern Hama")
    # For places: "" for the place itself, "near" or "region" when a modifier widened it ("northern Hama").
    scope: str = ""


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
        # Payload: (any acronym, any place, any period, entries), so a hit is judged without looking through its
        # entries.
        self._automaton = whole_word_automaton({
            key: (
                any(e[2] for e in entries), any(e[0] == PLACE for e in entries),
                any((key, e[1]) in self._periods for e in entries if e[0] == ACTOR), tuple(sorted(entries)),
            )
            for key, entries in targets.items()
        })
        self.size = len(targets)
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

    def find(self, folded: Folded, on: date | None = None) -> list[Mention]:
        """Every whole-word mention, longest first, without overlaps, in text order. A name with periods names
        the actor whose period holds ``on`` (the article's date); without a date, the one whose period is open."""
        if not self.size:
            return []
        original = folded.original
        mentions: list[Mention] = []
        for start, end, (_, (acronym, placed, dated, entries)) in scan(self._automaton, folded.text):
            o_start, o_end = folded.span(start, end)
            if acronym and not original[o_start:o_end].replace(".", "").isupper():
                continue
            if dated:
                entries = self._on_date(folded.text[start:end], entries, on)
            scope = ""
            if placed:
                scope, o_start, o_end = self._place_scope(folded, start, end, o_start, o_end)
            # Only the bare name itself: "Idlib city" (an alias of the city) stays the city.
            bare = not scope and folded.text[start:end] in self.rules.bare_governorate
            for kind, target, _ in entries:
                if kind == PLACE and (scope == "region" or (bare and target in self._bare_governorate)):
                    target = self._governorate_of.get(target, target)
                # "Idlib city": the city itself, named as precisely as a bare town name.
                place_scope = "" if scope == "city" else scope
                mentions.append(
                    Mention(kind, target, o_start, o_end, original[o_start:o_end], place_scope if kind == PLACE else "")
                )
        mentions.sort(key=lambda m: (m.start, m.kind))
        return mentions

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


def mentions_find(matcher: Matcher, text: str, on: date | None = None) -> tuple[Folded, list[Mention]]:
    folded = fold(text)
    return folded, matcher.find(folded, on)
