"""A mention (an actor or place named at offsets of the text), and the filters that drop gazetteer names naming no
mention: page furniture run into a sentence, a place name used as an adjective, an institution's name, a dateline or
a government, the host country named as a place. The matcher finds names; this module decides which are mentions,
from the rules' "mention_filters" section, so a filter changes here and the automaton does not."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from events.extract.folding import fold_key
from events.extract.gazetteer import Gazetteer
from events.extract.rules import Rules

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
