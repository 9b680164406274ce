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
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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


_CITY_WORDS = frozenset({"city", "town", "centre", "center"})
# "<modifier> and|or " right before a name (folded text: lower case, single spaces).
_COORDINATED = re.compile(r"(?:^| )([a-z]+) (?:and|or) $")
_WORD = re.compile(r"[\w'\u2019-]+")


def _words(phrases) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({tuple(p.split()) for p in phrases if p.split()}, key=len, reverse=True))


class MentionFilters:
    """Gazetteer names that name no mention: page furniture run into a sentence, a place name used as an adjective,
    an institution's name, a dateline or a government, and the host country named as a place (the rules' "inline",
    "not_a_place" and "host_state" sections say which words decide). Judged on the original text around the name,
    so it costs a few string checks per mention, and nothing for an article without furniture markers."""

    def __init__(self, gazetteer: Gazetteer, rules: Rules) -> None:
        filters = rules.mention_filters or {}
        furniture, places, host = filters.get("furniture", {}), filters.get("places", {}), filters.get("host_state", {})
        markers = [(m, "tags") for m in furniture.get("tags", ())]
        markers += [(m, "teaser") for m in furniture.get("teasers", ())]
        markers += [(m, "credit") for m in furniture.get("credits", ())]
        self._furniture_kind = {m: kind for m, kind in markers}
        self._furniture = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(m) for m, _ in sorted(markers, key=lambda x: -len(x[0])))
                       + r")(?![\w-])")
            if markers else None
        )
        self._stop = frozenset(furniture.get("stop_words", ()))
        self._max_words = int(furniture.get("max_words", 40))
        adjectives = "|".join(re.escape(a) for a in places.get("adjective_after", ()))
        self._adjective_after = re.compile(rf"(?:-|\s)(?:{adjectives})\b", re.IGNORECASE) if adjectives else None
        self._adjective_before = tuple(a.lower() for a in places.get("adjective_before", ()))
        self._institutions = _words(places.get("institution_heads", ()))
        named_after = "|".join(re.escape(w) for w in places.get("named_after", ()))
        self._named_after = re.compile(rf"\s+(?:{named_after})\b", re.IGNORECASE) if named_after else None
        parts = "|".join(r"\s+".join(map(re.escape, p.split())) for p in places.get("part_of_after", ()))
        self._part_of = re.compile(rf"\s+(?:{parts})\b", re.IGNORECASE) if parts else None
        agencies = "|".join(re.escape(a) for a in sorted(places.get("dateline_agencies", ()), key=len, reverse=True))
        self._dateline = (
            re.compile(rf"\s*(?:,\s*[A-Z][\w-]*\s*)?\(\s*(?:{agencies})\s*[)/,]") if agencies else None
        )
        self._seats = frozenset(fold_key(s) for s in places.get("seats", ()))
        self._seat_before = frozenset(places.get("seat_before", ()))
        self._seat_skip = frozenset(places.get("seat_skip", ()))
        self._seat_of_nouns = frozenset(places.get("seat_of_nouns", ()))
        self._seat_not_after = tuple(f" {fold_key(p)}" for p in places.get("seat_not_after", ()))
        country = fold_key(rules.relevance.get("syria_country", "")) if rules.relevance else ""
        self._host = {a.id for a in gazetteer.actors.values() if a.kind == "state" and fold_key(a.name) == country}
        self._auxiliaries = frozenset(host.get("auxiliaries", ()))
        self._acting = frozenset(host.get("acting", ()))
        self._seat_places = {p.id for p in gazetteer.places.values() if fold_key(p.name) in self._seats}
        self._country_names = {fold_key(a.name) for a in gazetteer.actors.values() if a.kind == "state"}
        reference = places.get("reference", {})
        self._distance = frozenset(reference.get("distance", ()))
        self._relative = tuple(sorted((tuple(p.split()) for p in reference.get("relative", ())), key=len, reverse=True))
        self._reference_skip = frozenset(reference.get("skip", ()))
        self._routes = frozenset(w for p in reference.get("routes", ()) for w in p.split()[-1:])
        self._route_joiners = frozenset(reference.get("route_joiners", ()))
        self._reference_window = int(reference.get("window", 8))
        descriptor = filters.get("descriptor", {})
        self._described_before = tuple(f" {fold_key(w)}" for w in descriptor.get("before", ()))
        self._described_after = frozenset(fold_key(w) for w in descriptor.get("after", ()))
        self._described_hyphen = frozenset(fold_key(w) for w in descriptor.get("after_hyphen", ()))
        by_kind = descriptor.get("after_by_kind", {})
        self._described_after_kind = {
            a.id: frozenset(fold_key(w) for w in by_kind[a.kind])
            for a in gazetteer.actors.values() if a.kind in by_kind
        }
        self._kind_of = {a.id: a.kind for a in gazetteer.actors.values()}
        self._titles = (frozenset(w for title in rules.titles for w in title.split()) | {"syrian"}) - {
            "of", "the", "for", "and",
        }

    def keep(self, text: str, mentions: list[Mention]) -> list[Mention]:
        spans = self._furniture_spans(text) if self._furniture else []
        starts = [s for s, _ in spans]
        kept = []
        previous_place_end = -1
        previous_reference = False
        for m in mentions:
            k = bisect_right(starts, m.start) - 1
            if k >= 0 and m.start < spans[k][1]:
                continue
            if m.kind == PLACE:
                after_place, previous_place_end = previous_place_end, m.end
                # "between Sarmada and Dana": the second end of a pair is what the first is.
                paired = after_place >= 0 and text[after_place:m.start].strip().lower() in self._route_joiners
                reference = previous_reference if paired else self._reference_point(text, m, after_place)
                previous_reference = reference
                if reference or self._not_a_place(text, m):
                    continue
            if m.kind == ACTOR and (
                (m.target in self._host and not self._acts(text, m.end)) or self._describes(text, m)
            ):
                continue
            kept.append(m)
        return kept

    def _furniture_spans(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for found in self._furniture.finditer(text):
            kind = self._furniture_kind[found.group(1)]
            words = list(_WORD.finditer(text, found.end(), min(len(text), found.end() + 400)))[: self._max_words]
            end = self._furniture_end(kind, text, found.end(), words)
            if end > found.end():
                spans.append((found.start(), end))
        return spans

    def _furniture_end(self, kind: str, text: str, start: int, words: list[re.Match]) -> int:
        if kind == "credit":
            stop = re.compile(r"[.!?\n]").search(text, start)
            return stop.start() if stop else len(text)
        line = text.find("\n", start)
        limit = line if line != -1 else len(text)
        words = [w for w in words if w.start() < limit]
        for n, word in enumerate(words):
            token = word.group()
            lowered = token.lower()
            if kind == "tags" and lowered in self._stop:
                if token[0].isupper():
                    return word.start()
                # The clause that starts the article's sentence: back to its first capitalised word.
                back = n - 1
                while back >= 0 and not words[back].group()[0].isupper():
                    back -= 1
                return words[back].start() if back >= 0 else word.start()
            if kind == "teaser" and token[0].islower() and lowered not in self._stop:
                back = n - 1
                return words[back].start() if back >= 0 else word.start()
        return words[-1].end() if words else start

    def _not_a_place(self, text: str, m: Mention) -> bool:
        after = text[m.end:m.end + 60]
        if self._adjective_after and self._adjective_after.match(after):
            return True
        before = text[max(0, m.start - 6):m.start].lower()
        if before.endswith(self._adjective_before) and not m.scope:
            return True
        following = after.split()
        if following and following[0][:1].isupper() and any(
            tuple(w.strip(",.;:") for w in following[:len(head)]) == head for head in self._institutions
        ):
            return True
        if self._part_of and self._part_of.match(after):
            return True
        if self._named_after and not m.scope and self._named_after.match(after):
            return True  # "Jamiyet al-Zahraa neighbourhood", "the Aleppo road": named after the town, not in it
        name = m.text
        if len(name) > 3 and name.isupper() and not m.scope:
            return True  # a dateline: "BEIRUT", "MOSCOW (Sputnik)"
        if self._dateline and self._dateline.match(after):
            return True
        if m.target in self._seat_places and not m.scope:
            return not self._seat_located(text, m.start)
        return False

    def _reference_point(self, text: str, m: Mention, previous_end: int) -> bool:
        """'15 km from Idlib city', 'al-Zabadani near the capital Damascus', 'the road between Damascus and Aleppo':
        the place only says where another one is."""
        words = [w.lower().strip(",.;:()") for w in text[max(0, m.start - 120):m.start].split()]
        # The modifier the matcher took into the mention ("west of Palmyra") is read as words before the name.
        words += [w.lower() for w in m.text.split()[:-1]] if m.scope else []
        words = [w for w in words if w][-self._reference_window:]
        # Past the filler ("the capital", "the town of"), what stands right before the name.
        n = len(words)
        route = False
        while n and (words[n - 1] in self._reference_skip or words[n - 1] in self._route_joiners):
            route = route or (words[n - 1] in self._route_joiners and n > 1 and words[n - 2] in self._routes)
            n -= 1
        if any(w in self._distance for w in words[:n][-3:]):
            return True  # "15 km from", "40 km to the southwest of"
        if previous_end < 0 or len(text[previous_end:m.start].split()) > self._reference_window:
            # No other place of the gazetteer: a name right before "near" ("al-Zabadani near the capital Damascus").
            return self._named_before_relative(text, m)
        if route:
            return True  # "Saraqib sits on the road between ..."
        for relative in self._relative:
            for k in range(4):
                at = len(words) - len(relative) - k
                # "in the west of Aleppo province" is a part of it, not a reference point
                if at >= 0 and tuple(words[at:at + len(relative)]) == relative and not (at and words[at - 1] == "the"):
                    return True
        return False

    def _named_before_relative(self, text: str, m: Mention) -> bool:
        words = text[max(0, m.start - 80):m.start].split()
        if m.scope:
            words += m.text.split()[:-1]
        n = len(words)
        while n and words[n - 1].lower() in self._reference_skip:
            n -= 1
        if n < 2 or words[n - 1].lower() not in ("near", "outside"):
            return False
        named = words[n - 2]
        if fold_key(named) in self._country_names:
            return False  # "in eastern Syria near the city of Deir al-Zor": the country locates nothing
        return named[:1].isupper() or named.lower().startswith(("al-", "el-"))

    def _seat_located(self, text: str, start: int) -> bool:
        """'in Damascus', 'talks in the Russian capital Moscow', 'in Ankara and Moscow': the city as a location."""
        if (" " + fold_key(text[max(0, start - 40):start])).endswith(self._seat_not_after):
            return False  # "troops loyal to Damascus"
        words = text[max(0, start - 80):start].split()
        for _ in range(6):
            if not words:
                return False
            word = words.pop().lower().strip(",")
            if word == "of":
                # "the Barzeh neighbourhood of Damascus", not "the government of Damascus"
                return bool(words) and words[-1].lower() in self._seat_of_nouns
            if word in self._seat_before:
                return True
            if word == "and" and words and words[-1][:1].isupper():
                words.pop()  # the name coordinated with this one is judged the same way
                continue
            if word not in self._seat_skip:
                return False
        return False

    def _describes(self, text: str, m: Mention) -> bool:
        """'the al-Qaeda-linked Nusra Front', 'forces loyal to President Bashar Assad', 'Assad's air force'."""
        before = fold_key(text[max(0, m.start - 60):m.start]).split()
        while before and before[-1] in self._titles:
            before.pop()  # "loyal to President Bashar al-Assad"
        if (" " + " ".join(before)).endswith(self._described_before):
            return True
        words = text[m.end:m.end + 60].split()
        if self._kind_of.get(m.target) == "person":
            # "Syrian President Bashar Assad's air force": past the rest of the name the title began.
            while words and words[0][:1].isupper() and len(words) > 1:
                words.pop(0)
        after = fold_key(" ".join(words[:3])).split()
        if not after:
            return False
        heads = self._described_after_kind.get(m.target, frozenset())
        if after[0] in self._described_hyphen and text[m.end:m.end + 1] == "-":
            return True
        return (
            after[0] in self._described_after or after[0] in heads or " ".join(after[:2]) in heads
            or (after[0] == "s" and len(after) > 1 and (after[1] in heads or " ".join(after[1:3]) in heads))
        )

    def _acts(self, text: str, end: int) -> bool:
        for word in text[end:end + 80].split()[:4]:
            word = word.lower().strip(",.;:\"'")
            if word in self._acting:
                return True
            if word not in self._auxiliaries:
                return False
        return False
