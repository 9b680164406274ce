"""Who said what: direct quotes and reported speech, attributed only when the text says who spoke.

Recognised shapes (the verbs, fillers and pronouns come from rules/statement_verbs.json):
- "X said (that) ...", "X warned of ...", "X says it has ...", "In a statement, X said ...", "X, the ..., said ...",
  "X proposed a truce and warned that ...";
- trailing attribution: "... , X said." and "\"...,\" X said." / "\"...,\" said X."; a closing one
  ("..., which says ..., diplomats said.") when the first reading of the sentence names no speaker;
- "according to X, ..." and "..., according to X.";
- a sentence that is nothing but a quote: a direct statement with no speaker;
- copy that lost its commas (wire text as the FA-KES corpus keeps it): "... killed 10 people the monitor said.",
  "... on Monday activists said.", "According to his office he plans ...", "X who heads the group said ...";
- a second reporting clause with a named speaker: "..., but Russia denied carrying out raids" (events still read the
  sentence with its first statement).

speaker_text is the speaker phrase as written, without a leading time phrase ("On Monday") or a trailing relative
or appositive clause ("Lavrov, who hosted him,"). The speaker is the actor whose mention ends the speaker phrase
("Russian Foreign Ministry Spokeswoman Maria Zakharova" -> Zakharova, and through `parent` her ministry and Russia);
an organisation's unnamed spokesperson speaks for the organisation ("the ministry's spokeswoman"); anything else
("Sources", "Aid groups", an unknown name) is kept as speaker_text with no speaker. A pronoun ("he said") is
attributed only when its paragraph (for the first sentence of a paragraph: the one before) names exactly one person
and that person is the speaker of the sentence before, or, when the paragraph breaks are lost, when the sentence
before names no other actor it could be; a definite description ("the monitor", "the ministry") only when exactly one
actor of its kind was named in this or the previous paragraph, and a generic one ("the group", "the charity") only
when the text tied that word to the actor or the sentence before was about it. Unnamed people ("Rebels say", "U.S.
officials said") and two speakers joined by "and" give no speaker. A wrong attribution is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from events.extract.dates import DateMention
from events.extract.folding import fold_key
from events.extract.gazetteer import Gazetteer
from events.extract.matcher import Mention
from events.extract.rules import Rules
from events.extract.sentences import Sentence

# Possessive quantifiers: the same tokens (nothing after a run is required, so giving back never helps), found
# faster.
_WORD = re.compile(r"[^\W_]++(?:['\u2019.\-][^\W_]++)*+\.?+|[,;:\"\u201c\u201d()\[\]\u2014]")
_BOUNDARY_TOKENS = frozenset(",;:\"\u201c\u201d()[]\u2014")
_QUOTE = re.compile(r"\"([^\"\n]+)\"|\u201c([^\u201d\n]+)\u201d")
_ONLY_QUOTE = re.compile(r"^\s*[\"\u201c]([^\"\u201c\u201d]+)[\"\u201d]\s*[.!?]?\s*$")
_TRIM = " \t,;:.\u2014-"
# Characters that are always a token of their own (_WORD never puts them inside a word).
_BOUNDARY_MARK = re.compile(r"[,;:\"\u201c\u201d()\[\]\u2014]")
# A time phrase closing a short object ("claimed the attack on Monday"): not part of what would have been said.
_TRAILING_TIME = re.compile(
    r"\s+(?:(?:on|last|this|early|late)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|month|"
    r"night|morning|evening|year)|yesterday|today|overnight|earlier|later)\s*$",
    re.IGNORECASE,
)
_FROM_START = object()  # _verb_from: read the speaker phrase again from the start of the sentence
# What a bare quote (_ONLY_QUOTE) starts with; sentences are stripped.
_OPENERS = "\"\u201c"
_CLOSERS = ("\"", "\u201d")
# A closing attribution ("..., local activists said.") is at most this many characters from the sentence's end.
_CLOSING_TAIL = 80
# How far (in characters) from an actor's name a word still describes it ("the al-Qaeda-linked Nusra Front group").
_TIE_REACH = 30
# Words after which an article or a pronoun still belongs to the phrase before ("a report in the Post"), and the
# words that open a new clause when nothing governs them ("According to his office he plans ...").
_GOVERNING = frozenset({"of", "for", "in", "on", "at", "from", "by", "with", "to", "and", "near", "inside"})
_CLAUSE_OPENERS = frozenset({"the", "a", "an", "this", "these", "those", "he", "she", "it", "they", "we", "i"})
# A body sentence holding the headline (of at least _HEADLINE_MIN folded characters) with at most _HEADLINE_SLACK more
# (a dateline) is the headline repeated.
_HEADLINE_MIN = 20
_HEADLINE_SLACK = 40
# A second reporting clause: the conjunction, and how far after it (in characters) its speech verb may stand.
_SECOND_CLAUSE = re.compile(r"\b(?:but|while|whereas)\s+")
_SECOND_REACH = 80
# The relative pronoun that can follow a speaker's name ("a local activist who uses the name ... said").
_RELATIVE_WHO = frozenset({"who"})


@dataclass(frozen=True, slots=True)
class StatementCandidate:
    sentence: int  # index of the sentence it comes from
    speaker_id: int | None
    speaker_text: str
    text: str
    is_direct: bool
    said_on: date
    # Where what was said sits in the original text: events are read from there, not from the speaker phrase.
    content_start: int = 0
    content_end: int = 0
    # A second reporting clause of the sentence ("..., but Russia denied ..."): events read each sentence with its
    # first statement only.
    second: bool = False


@dataclass(slots=True)  # not frozen: built by the hundred per article, and a frozen __init__ costs four times more
class _Token:
    start: int
    end: int
    text: str
    key: str  # folded


def quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


class _Reader:
    """Statement extraction over one document's sentences (keeps the paragraph context for pronouns)."""

    def __init__(self, gazetteer: Gazetteer, rules: Rules, published: date) -> None:
        self.gazetteer = gazetteer
        self.rules = rules
        self.published = published
        self.max_filler = rules.max_filler_words
        self.fillers = rules.filler_set
        self.paragraph = -1
        # Who the paragraph (and the one before it) named: mentions, and speakers it referred to without a name.
        self.persons: set[int] = set()
        self.organisations: set[int] = set()
        self.before_persons: set[int] = set()
        self.before_organisations: set[int] = set()
        # (last word of the speaker phrase, speaker): "Turkey's defence ministry said" makes Turkey "the ministry".
        self.spoken: list[tuple[str, int]] = []
        self.before_spoken: list[tuple[str, int]] = []
        # (sentence index, paragraph, actor id, spoke through an unnamed person: "an NFL commander said")
        self.last_speaker: tuple[int, int, int, bool] | None = None
        self.through_person = False  # set by _speaker for the speaker it returns
        # Actor mentions of the sentence read before this one (for _pronoun_nearby).
        self.previous_mentions: list[Mention] = []
        self.previous_sentence: Sentence | None = None
        # Where the statement of the sentence read before lies in the text ((0, 0): it had none).
        self.previous_content: tuple[int, int] = (0, 0)
        # Every actor mention read so far, by actor, with its sentence (for _tied).
        self.seen: dict[int, list[tuple[Sentence, Mention]]] = {}

    # -- context ---------------------------------------------------------------------------------------------
    def _enter(self, sentence: Sentence) -> None:
        if sentence.paragraph != self.paragraph:
            self.paragraph = sentence.paragraph
            self.before_persons, self.persons = self.persons, set()
            self.before_organisations, self.organisations = self.organisations, set()
            self.before_spoken, self.spoken = self.spoken, []

    def _is_person(self, actor_id: int) -> bool:
        return self.gazetteer.actors[actor_id].kind == "person"

    # -- pieces ----------------------------------------------------------------------------------------------
    def _tokens(self, sentence: Sentence, start: int, end: int, limit: int | None = None) -> list[_Token]:
        # Lower-casing is enough here: keys are only compared with the ASCII word lists of the rules.
        # The bound name in the call, not a nested loop over (m.group(),): a fifth of the cost of tokenising.
        return [
            _Token(m.start(), m.end(), word := m.group(), word.lower())
            for m in islice(_WORD.finditer(sentence.text, start, end), limit)
        ]

    def _strip_fillers_end(self, tokens: list[_Token]) -> tuple[list[_Token], bool]:
        """Drop fillers and a comma from the end ("X however, said"); report whether a comma went."""
        comma = False
        changed = True
        while tokens and changed:
            changed = False
            if tokens[-1].text == ",":
                tokens = tokens[:-1]
                comma = changed = True
                continue
            if tokens[-1].key not in self.rules.filler_last_words:
                break  # no filler ends with this word
            for size in range(min(self.max_filler, len(tokens)), 0, -1):
                if " ".join(t.key for t in tokens[-size:]) in self.fillers:
                    tokens = tokens[:-size]
                    changed = True
                    break
        return tokens, comma

    def _strip_fillers_start(self, tokens: list[_Token]) -> list[_Token]:
        changed = True
        while tokens and changed:
            changed = False
            if tokens[0].text in (",", ":") or tokens[0].key == "that":
                tokens = tokens[1:]
                changed = True
                continue
            if tokens[0].key not in self.rules.filler_first_words:
                break  # no filler starts with this word
            for size in range(min(self.max_filler, len(tokens)), 0, -1):
                if " ".join(t.key for t in tokens[:size]) in self.fillers:
                    tokens = tokens[size:]
                    changed = True
                    break
        return tokens

    @staticmethod
    def _last_segment(tokens: list[_Token]) -> list[_Token]:
        for i in range(len(tokens) - 1, -1, -1):
            if tokens[i].text in _BOUNDARY_TOKENS:
                return tokens[i + 1:]
        return tokens

    def _strip_leading(self, sentence: Sentence, tokens: list[_Token], dates: list[DateMention]) -> list[_Token]:
        """Drop leading time phrases: fillers ("On Monday", "Later", "In a statement") and a date, after an
        adverbial opener or not ("On 4 September")."""
        rules = self.rules
        changed = True
        while tokens and changed:
            changed = False
            if tokens[0].key in rules.filler_first_words:
                for size in range(min(self.max_filler, len(tokens)), 0, -1):
                    if " ".join(t.key for t in tokens[:size]) in self.fillers:
                        tokens = tokens[size:]
                        changed = True
                        break
                if changed:
                    continue
            if dates:
                skip = 1 if tokens[0].key in rules.adverbial_openers and len(tokens) > 1 else 0
                position = sentence.start + tokens[skip].start
                for mention in dates:
                    if mention.start == position:
                        end = mention.end - sentence.start
                        tokens = [t for t in tokens[skip:] if t.start >= end]
                        changed = True
                        break
        return tokens

    def _adverbial(self, sentence: Sentence, tokens: list[_Token], dates: list[DateMention]) -> bool:
        """Whether the words before a speaker's comma are only adverbials ("Earlier", "In Tehran, on Monday")."""
        if not tokens:
            return False
        segment: list[_Token] = []
        for token in (*tokens, None):
            if token is not None and token.text not in _BOUNDARY_TOKENS:
                segment.append(token)
                continue
            if segment and self._strip_leading(sentence, segment, dates) and not (
                segment[0].key in self.rules.adverbial_openers and len(segment) <= self.rules.adverbial_max_words
            ):
                return False
            segment = []
        return True

    def _clause_subject_end(self, sentence: Sentence, words: list[_Token], mentions: list[Mention]) -> int | None:
        """Where the subject of "X proposed a truce and warned ..." ends: a pronoun, or the first name, opening
        the clause and followed by a lower-case word (its verb). None when the clause does not open that way."""
        if len(words) < 2:
            return None
        if words[0].key in ("he", "she", "it") and words[1].text[:1].islower():
            return 1
        base = sentence.start
        first = base + words[0].start
        mention = next((m for m in mentions if m.start >= first), None)
        if mention is None:
            return None
        for k, token in enumerate(words[:-1]):
            if base + token.start >= mention.start:
                if base + token.end == mention.end:
                    following = words[k + 1]
                    if following.text[:1].islower() and following.key not in self.rules.modifiers and (
                        following.key not in self.rules.clause_words
                    ):
                        return k + 1
                    return None
                continue
            if not (token.text[:1].isupper() or token.key in self.rules.determiners):
                return None  # "Putin and Erdogan agreed ...": not one name's clause
        return None

    def _speaker(
        self, sentence: Sentence, head: list[_Token], mentions: list[Mention]
    ) -> int | None:
        """The actor a speaker phrase names, or None when it does not name one for certain."""
        self.through_person = False
        base = sentence.start
        inside_any = [m for m in mentions if base + head[0].start <= m.start] if head else []
        # "a rescue worker in Jisr al-Shughur", "a resident who fled": the modifier is not the speaker; but "a
        # commander in the National Front for Liberation" speaks for the group he belongs to.
        for i, token in enumerate(head[1:], start=1):
            position = base + token.start
            if token.key in self.rules.modifiers and not any(m.start <= position < m.end for m in inside_any):
                member = head[i - 1].key in self.rules.spokesperson_words and token.key in self.rules.membership
                if not member:
                    head = head[:i]
                    break
        if not head:
            return None
        h_start, h_end = base + head[0].start, base + head[-1].end
        inside = [m for m in mentions if h_start <= m.start and m.end <= h_end]
        last = head[-1]
        joint = next(
            (i for i in range(len(head) - 1, 0, -1)
             if head[i].key == "and" and not any(m.start <= base + head[i].start < m.end for m in inside)),
            None,
        )
        if joint is not None:
            left = head[joint - 1]
            words = self.rules.statement_words
            if left.text[:1].isupper() or any(m.end == base + left.end for m in inside) or (
                left.key in self.rules.descriptors or left.key in self.rules.spokesperson_words
                or left.key in words["generic_speakers"] or left.key in words["closing_heads"]
            ):
                return None  # "the Observatory and the LCC said": which of them a coder or reader credits is a guess
            # "That road remains under fire and the UN has asked ...": a clause before the speaker's "and".
            head = head[joint + 1:]
            if not head:
                return None
            h_start = base + head[0].start
            inside = [m for m in inside if h_start <= m.start]
            last = head[-1]
        if inside and inside[-1].end == h_end:
            actor_id = inside[-1].target
            written = fold_key(sentence.text[inside[-1].start - base:inside[-1].end - base])
            if written in self.rules.statement_words["unnamed_groups"]:
                return None  # "Rebels say": unnamed fighters, though events code them as the opposition
            words = [t.key for t in head]
            if (
                self._is_person(actor_id)
                and any(w in self.rules.spokesperson_words for w in words[:-1])
                and ("for" in words or "of" in words)
            ):
                # "a spokesman for Putin": the spokesman spoke, not the person.
                return None
            # "a commander in the National Front for Liberation": one person speaking for the group.
            self.through_person = not self._is_person(actor_id) and any(
                w in self.rules.spokesperson_persons for w in words[:-1]
            )
            return actor_id
        if len(head) == 1 and last.key in self.rules.pronouns:
            return self._pronoun(sentence, last.key)
        if not inside:
            return self._described(sentence, head) or self._surname(head)
        # "the Britain-based monitor", "the US-led coalition": a name in a compound describes, it does not speak.
        inside = [m for m in inside if sentence.text[m.end - base:m.end - base + 1] != "-"]
        if not inside:
            return self._described(sentence, head)
        trailing = [t for t in head if base + t.start >= inside[-1].end]
        if not trailing:
            return None  # the name is the whole phrase ("The U.N. says"): no speaker is safer than a guess
        leading = [t for t in head if base + t.end <= inside[-1].start]
        appositive = trailing[0].key in ("a", "an") and len(trailing) > 1
        if appositive and all(t.key in self.rules.determiners for t in leading):
            # "The Syrian Civil Defence a group of first responders": an appositive that lost its commas.
            return inside[-1].target
        if any(t.text[:1].isupper() for t in trailing):
            return None  # "Russia's ambassador Vassily Nebenzia": an unknown name is the speaker
        actor_id = inside[-1].target
        if trailing[-1].key in self.rules.statement_words["outlet_reporters"] and len(trailing) == 1 and (
            self.gazetteer.actors[actor_id].kind == "media"
        ):
            return actor_id  # "SANA reporter said": the outlet's own report (docs/coding-guide.md, section 4)
        if trailing[-1].key in self.rules.spokesperson_words:
            # "Turkey's defence ministry", "an NFL commander": an unnamed official speaks for the organisation.
            if self._is_person(actor_id) or trailing[-1].key in self.rules.statement_words["plural_spokespeople"]:
                return None  # "U.S. officials", "Turkish security sources": unnamed people, not the state's word
            self.through_person = trailing[-1].key in self.rules.spokesperson_persons
            return actor_id
        if trailing[-1].key in self.rules.descriptors and not self._is_person(actor_id):
            # "the White Helmets civil defence group"; but "the Assad regime's television channel" is not Assad.
            return actor_id
        return None

    def _pronoun(self, sentence: Sentence, pronoun: str) -> int | None:
        """The actor "he"/"she"/"it" stands for, or None."""
        if not self.last_speaker or self.last_speaker[0] != sentence.index - 1:
            return None
        _, paragraph, speaker, through_person = self.last_speaker
        # A pronoun opening a paragraph looks back at the paragraph of the sentence before (this one names nobody
        # before its first sentence's subject).
        same = paragraph == self.paragraph
        persons = self.persons if same else self.before_persons
        if pronoun in ("he", "she"):
            if persons == {speaker}:
                return speaker
            # "An NFL commander told Reuters ... 'We stay,' he said": the commander again, for his group, as long
            # as no person is named who could be "he" instead.
            if through_person and not persons:
                self.through_person = True
                return speaker
        elif pronoun == "it" and (self.organisations if same else self.before_organisations) == {speaker}:
            return speaker
        elif pronoun != "it":
            return None
        return self._pronoun_nearby(pronoun, speaker, through_person)

    def _pronoun_nearby(self, pronoun: str, speaker: int, through_person: bool) -> int | None:
        """Copy that lost its paragraph breaks makes the whole article one paragraph, which names many actors: the
        speaker of the sentence before is still the one "he" or "it" means when no other actor it could mean is named
        between them (in that sentence; for "it", outside what it reported). Names the speaker's phrase held
        ("Observatory head Rami Abdel Rahman") and the speaker's own organisations do not compete."""
        # For "it", what the sentence before reported (its statement's content) names things said, not who says them;
        # a person named there could still be "he" ("..., repeating what Lavrov said. He said ...").
        said = self.previous_content if pronoun == "it" else (0, 0)
        window = {m.target for m in self.previous_mentions if not said[0] <= m.start < said[1]}
        family = {speaker}
        parent = self.gazetteer.actors[speaker].parent_id
        while parent is not None and parent not in family:
            family.add(parent)
            parent = self.gazetteer.actors[parent].parent_id
        person = self._is_person(speaker)
        if pronoun in ("he", "she"):
            if not (person or through_person):
                return None
            if any(self._is_person(a) and a not in family for a in window):
                return None
            self.through_person = through_person and not person
            return speaker
        if person:
            return None
        if any(not self._is_person(a) and a not in family for a in window):
            return None
        return speaker

    def _described(self, sentence: Sentence, head: list[_Token]) -> int | None:
        """'the monitor', 'the ministry': the one actor of that description the paragraph or the one before named."""
        if head and head[0].key in self.rules.adverbial_openers:
            # "In Damascus meanwhile the group said": the description follows an adverbial that lost its comma.
            last_the = max((i for i, t in enumerate(head) if t.key == "the"), default=0)
            head = head[last_the:]
        if len(head) < 2 or head[0].key != "the":
            return None
        description = self.rules.descriptions.get(" ".join(t.key for t in head[1:]))
        # "the British-based Observatory", "the London-based monitor": a hyphenated adjective only says where it is.
        skip = 1
        while description is None and skip < len(head) - 1 and "-" in head[skip].key:
            skip += 1
            description = self.rules.descriptions.get(" ".join(t.key for t in head[skip:]))
        if description is None:
            return None
        kinds, name_words = description
        last = head[-1].key
        found = set()
        for actor_id in (*self.organisations, *self.before_organisations):
            actor = self.gazetteer.actors[actor_id]
            if actor.kind in kinds:
                name = f" {fold_key(actor.name)} "
                if any(f" {word} " in name for word in name_words) or (
                    not name_words and (actor_id in self._topics(sentence) or self._tied(actor_id, last))
                ):
                    found.add(actor_id)
        found.update(actor_id for word, actor_id in (*self.spoken, *self.before_spoken) if word == last)
        # More than one fits: "the monitor" could be either, and a wrong speaker is worse than none.
        return found.pop() if len(found) == 1 else None

    def _surname(self, head: list[_Token]) -> int | None:
        """"Abdel Rahman said" after "Rami Abdel Rahman": a person named in full earlier, called by the end of his name
        now. Only a bare name (capitalised words) that ends exactly one person's name seen in the article."""
        if len(head) > 3 or not all(t.text[:1].isupper() for t in head):
            return None
        tail = " " + fold_key(" ".join(t.text for t in head))
        found = {
            actor_id for actor_id in self.seen
            if self._is_person(actor_id) and f" {fold_key(self.gazetteer.actors[actor_id].name)}".endswith(tail)
        }
        return found.pop() if len(found) == 1 else None

    def _topics(self, sentence: Sentence) -> set[int]:
        """Who the sentence before was about: the actor whose name opens it ("Hayat Tahrir al-Sham, which controls
        the province, dismissed the claims. The group said ...") and the speaker it quoted."""
        topics = set()
        if self.previous_mentions and self.previous_sentence is not None:
            first = self.previous_mentions[0]
            if first.start - self.previous_sentence.start <= len("The "):
                topics.add(first.target)
        if self.last_speaker and self.last_speaker[0] == sentence.index - 1:
            topics.add(self.last_speaker[2])
        return topics

    def _tied(self, actor_id: int, word: str) -> bool:
        """Whether the text called this actor ``word`` next to one of its names ("the Islamic State group", "MSF, the
        medical charity", "rebel group Ahrar al-Sham"): "the group" or "the charity" is then that actor; a bare kind
        ("the charity" when the text only named MSF) ties nothing."""
        if f" {word} " in f" {fold_key(self.gazetteer.actors[actor_id].name)} ":
            return True
        w = re.escape(word)
        # Right after the name, in its noun phrase ("the Islamic State group", "Ahrar al-Sham rebel movement"), or
        # after a comma and an article ("MSF, the medical charity"); or right before it ("rebel group Ahrar al-Sham").
        # Without the comma a following article starts another phrase ("held by ISIL a monitoring group said").
        after = re.compile(rf"(?:\s+[\w-]+){{0,2}}?\s+{w}\b|\s*,\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,2}}?{w}\b", re.I)
        before = re.compile(rf"\b{w}(?:\s+[\w-]+)?\s+$", re.I)
        for sentence, mention in self.seen.get(actor_id, ()):
            text, start, end = sentence.text, mention.start - sentence.start, mention.end - sentence.start
            if f" {word} " in f" {fold_key(mention.text)} ":
                return True  # the name as written holds it: "the Islamic State group"
            found = after.match(text, end, min(end + _TIE_REACH, len(text)))
            if found and not any(t in self.rules.determiners for t in text[end:found.end()].lower().split()[:-1]):
                return True
            if found and "," in text[end:found.end()]:
                return True
            if before.search(text, max(start - _TIE_REACH, 0), start):
                return True
        return False

    def _said_on(self, dates: list[DateMention], start: int, end: int) -> date:
        for mention in dates:
            if start <= mention.start and mention.end <= end and mention.precision == "day":
                return mention.value
        return self.published

    @staticmethod
    def _content(sentence: Sentence, start: int, end: int) -> tuple[str, bool]:
        text = sentence.text[start:end].strip(_TRIM)
        if text.endswith(("\".", "\u201d.")):
            text = text[:-1]
        only = _ONLY_QUOTE.match(text)
        if only:
            return only.group(1).strip(_TRIM), True
        return text.strip(), False

    @staticmethod
    def _make(
        sentence: Sentence, speaker: int | None, speaker_text: str, content: tuple[str, bool], said_on: date,
        start: int, end: int,
    ) -> StatementCandidate:
        return StatementCandidate(
            sentence.index, speaker, speaker_text, content[0], content[1], said_on,
            sentence.start + start, sentence.start + end,
        )

    # -- shapes ----------------------------------------------------------------------------------------------
    def read_context(self, sentence: Sentence, mentions: list[Mention]) -> None:
        """A sentence statements are not taken from (the headline) still names people for pronouns."""
        self._enter(sentence)
        for m in mentions:
            (self.persons if self._is_person(m.target) else self.organisations).add(m.target)
        self.previous_mentions = mentions
        self.previous_content = (0, 0)
        self._remember(sentence, mentions)

    def _remember(self, sentence: Sentence, mentions: list[Mention]) -> None:
        self.previous_sentence = sentence
        for m in mentions:
            self.seen.setdefault(m.target, []).append((sentence, m))

    def read(
        self, sentence: Sentence, mentions: list[Mention], dates: list[DateMention]
    ) -> StatementCandidate | None:
        self._enter(sentence)
        statement = self._read(sentence, mentions, dates)
        self.previous_mentions = mentions
        self.previous_content = (statement.content_start, statement.content_end) if statement else (0, 0)
        self._remember(sentence, mentions)
        for m in mentions:
            (self.persons if self._is_person(m.target) else self.organisations).add(m.target)
        if statement and statement.speaker_id:
            speaker = statement.speaker_id
            self.last_speaker = (sentence.index, self.paragraph, speaker, self.through_person)
            # A speaker named by a pronoun or a description is named in this paragraph too ("The ministry said
            # ... It blamed ...").
            (self.persons if self._is_person(speaker) else self.organisations).add(speaker)
            self.spoken.append((statement.speaker_text.rsplit(" ", 1)[-1].lower(), speaker))
        return statement

    def _read(
        self, sentence: Sentence, mentions: list[Mention], dates: list[DateMention]
    ) -> StatementCandidate | None:
        text = sentence.text
        only = _ONLY_QUOTE.match(text)
        if only:
            return self._make(sentence, None, "", (only.group(1).strip(_TRIM), True), self.published, 0, len(text))
        # The patterns below are costly to run for nothing: a plain test first tells whether they can match.
        quotes = quote_spans(text) if ('"' in text or "\u201c" in text) else []
        keys = self.rules.according_keys
        according = None
        if keys is None or any(map(text.lower().__contains__, keys)):
            according = next(
                (m for m in self.rules.according_to.finditer(text) if not _inside(m.start(), quotes)), None
            )
        if according:
            return self._according(sentence, according, mentions, dates)
        names = [(m.start - sentence.start, m.end - sentence.start) for m in mentions]
        statement = None
        for verb in self.rules.speech_verbs.finditer(text):
            if _inside(verb.start(), quotes) or _inside(verb.start(), names):
                continue
            statement = self._verb(sentence, verb, mentions, dates, quotes)
            if statement:
                break
        if statement is None or statement.speaker_id is not None:
            return statement
        # "Leaflets ... warned that ..., activists said." / "..., which says ..., diplomats said.": a closing
        # attribution after the sentence's last comma or closing quote tells who said the whole of it.
        boundary = max(text.rfind(","), text.rfind('"'), text.rfind("\u201d"))
        if boundary < verb.end() or len(text) - boundary > _CLOSING_TAIL:
            return statement
        last = None
        for match in self.rules.speech_verbs.finditer(text, boundary):
            if not _inside(match.start(), quotes) and not _inside(match.start(), names):
                last = match
        closing = last and self._closing(sentence, last, mentions, dates, quotes)
        return closing or statement

    def second(
        self, sentence: Sentence, mentions: list[Mention], dates: list[DateMention], first: StatementCandidate
    ) -> StatementCandidate | None:
        """"Russian strikes killed 23, the Observatory said, but Russia denied carrying out raids": a second
        reporting clause after "but", "while" or "whereas", its subject right after the conjunction."""
        text = sentence.text
        if " but " not in text and " while " not in text and " whereas " not in text:
            return None
        quotes = quote_spans(text) if ('"' in text or "\u201c" in text) else []
        names = [(m.start - sentence.start, m.end - sentence.start) for m in mentions]
        for conjunction in _SECOND_CLAUSE.finditer(text):
            verb = next(
                (v for v in self.rules.speech_verbs.finditer(text, conjunction.end(), conjunction.end() + _SECOND_REACH)
                 if not _inside(v.start(), quotes) and not _inside(v.start(), names)),
                None,
            )
            if verb is None:
                continue
            statement = self._verb_from(sentence, verb, mentions, dates, conjunction.end())
            if not isinstance(statement, StatementCandidate) or statement.speaker_id is None:
                continue  # only a named second speaker: an unnamed one is as often part of the first's content
            if fold_key(statement.text) in fold_key(first.text) and statement.speaker_id == first.speaker_id:
                continue
            return StatementCandidate(
                statement.sentence, statement.speaker_id, statement.speaker_text, statement.text, statement.is_direct,
                statement.said_on, statement.content_start, statement.content_end, second=True,
            )
        return None

    def _closing(
        self, sentence: Sentence, verb: re.Match[str], mentions: list[Mention], dates: list[DateMention],
        quotes: list[tuple[int, int]],
    ) -> StatementCandidate | None:
        if verb.group() not in self.rules.closing_verbs:
            return None
        statement = self._verb(sentence, verb, mentions, dates, quotes)
        if not statement or statement.content_start != sentence.start:
            return None  # not a trailing attribution
        words = statement.speaker_text.lower().split()
        if not words or any(w in self.rules.clause_words for w in words) or (
            statement.speaker_text[:1].islower() and words[0].endswith("ing")
        ):
            return None  # "..., repeating what Lavrov said": a clause, not a speaker
        return statement

    def _according(
        self, sentence: Sentence, match: re.Match[str], mentions: list[Mention], dates: list[DateMention]
    ) -> StatementCandidate | None:
        text = sentence.text
        stop = re.compile(r"[,;.]\s|[,;]|\.$")
        after = stop.search(text, match.end())
        head_end = after.start() if after else len(text)
        head = self._tokens(sentence, match.end(), head_end)
        head = [t for t in head if t.text not in _BOUNDARY_TOKENS]
        opening = text[: match.start()].strip(_TRIM)
        span = (0, match.start()) if opening else (head_end, len(text))
        cut, relative = self._according_cut(head, mentions, sentence.start, len(opening.split()) <= 3)
        # "MOSCOW (Sputnik) According to X ...": a dateline before it is not what was said.
        leading = not opening or (cut is not None and not relative and len(opening.split()) <= 3)
        if cut is not None and not (leading and relative):
            # Copy without commas: "According to his office he plans ...", "... killing six people according to the
            # Observatory which relies on activists": the speaker phrase ends where a clause or a relative starts.
            if leading:
                span = (head[cut].start, len(text))
            head = head[:cut]
        if not head or len(head) > self.rules.max_speaker_words:
            return None
        content = self._content(sentence, *span)
        if not content[0]:
            return None
        speaker = self._speaker(sentence, head, mentions)
        return self._make(
            sentence, speaker, text[head[0].start:head[-1].end], content,
            self._said_on(dates, sentence.start, sentence.end), *span,
        )

    def _according_cut(
        self, head: list[_Token], mentions: list[Mention], base: int, leading: bool
    ) -> tuple[int | None, bool]:
        """Where the noun phrase after "according to" ends inside ``head`` when no comma ends it: before a word that
        opens a clause (an article or a pronoun not governed by a preposition: "a report in al-Monitor | the
        groups"), a number, a relative ("the Observatory | which relies"), or a lower-case word right after a name
        that no descriptor follows ("the Observatory | heavy bombardment has"; only when ``leading``, what was said
        coming after the phrase). (index or None, whether a relative)."""
        rules = self.rules
        words = rules.statement_words
        heads = rules.descriptors | rules.spokesperson_words | words["closing_heads"]
        for k in range(1, len(head)):
            token, previous = head[k], head[k - 1]
            if token.key in _RELATIVE_WHO or token.key in ("which", "that", "whose"):
                return k, True
            if previous.key in _GOVERNING or previous.key in rules.determiners:
                continue
            if token.key in _CLAUSE_OPENERS or token.text[:1].isdigit():
                return k, False
            if (
                # Only where what was said follows: after it, "IS supporters on twitter" is one phrase.
                leading and previous.text[:1].isupper() and token.text[:1].islower() and token.key not in heads
                and token.key not in _GOVERNING and token.key not in rules.modifiers
                and not any(t.key in heads for t in head[k:k + 3])
                and (
                    previous.key in heads or any(m.end == base + previous.end for m in mentions)
                )
            ):
                return k, False
        return None, False

    def _verb(
        self,
        sentence: Sentence,
        verb: re.Match[str],
        mentions: list[Mention],
        dates: list[DateMention],
        quotes: list[tuple[int, int]],
    ) -> StatementCandidate | None:
        # Tokens cost more than the rest of the reading: the speaker phrase lies in the last clause or two before
        # the verb, so reading starts at the second-to-last boundary mark (one is always a token of its own), and
        # again from the start only when the reading reaches back that far.
        if verb.group() in self.rules.closing_verbs:
            unpunctuated = self._closing_unpunctuated(sentence, verb, mentions, dates)
            if unpunctuated is not None:
                return unpunctuated
        marks = [m.start() for m in _BOUNDARY_MARK.finditer(sentence.text, 0, verb.start())]
        if len(marks) >= 2:
            statement = self._verb_from(sentence, verb, mentions, dates, marks[-2])
            if statement is not _FROM_START:
                return statement
        return self._verb_from(sentence, verb, mentions, dates, 0)

    def _after(self, sentence: Sentence, verb: re.Match[str]) -> tuple[list[_Token], list[_Token]]:
        """(raw, fillers stripped) tokens after the verb; only the first ones when that is all _verb_from can
        look at: its first 8, and whether there are more than trailing_max_words. Stripping a prefix decides as
        on the whole list while at least max_filler tokens are left (a filler is judged on that many)."""
        needed = max(8, self.rules.trailing_max_words + 1, self.max_filler)
        limit = needed + self.max_filler
        raw = self._tokens(sentence, verb.end(), len(sentence.text), limit + 1)
        if len(raw) <= limit:
            return raw, self._strip_fillers_start(raw)
        raw = raw[:limit]
        after = self._strip_fillers_start(raw)
        if len(after) >= needed:
            return raw, after
        raw = self._tokens(sentence, verb.end(), len(sentence.text))  # the fillers ate into the margin
        return raw, self._strip_fillers_start(raw)

    def _verb_from(
        self,
        sentence: Sentence,
        verb: re.Match[str],
        mentions: list[Mention],
        dates: list[DateMention],
        origin: int,
    ) -> StatementCandidate | object | None:
        """The statement of ``verb``, its speaker read from tokens from ``origin`` on (a boundary mark, or 0).
        _FROM_START when origin > 0 and the reading would need a token before it."""
        text = sentence.text
        rules = self.rules
        before = self._tokens(sentence, origin, verb.start())
        if before and (before[-1].key in rules.passive or before[-1].key in rules.noun_markers) and (
            not before[-1].text.isupper()  # "IS said": the Islamic State's acronym, not "is"
        ):
            return None  # "was reported", "the claims"
        raw_after, after = self._after(sentence, verb)
        if raw_after and raw_after[0].key in rules.statement_words["not_after_verb"]:
            return None  # "the casualty figures reported could not be reconciled": a participle, not a speech verb
        following = " ".join(t.key for t in after[:3])
        if any(following.startswith(o) for o in rules.not_speech_objects):
            return None  # "claimed responsibility"
        if raw_after and raw_after[0].key == "of" and verb.group() in rules.statement_words["passive_with_of"]:
            return None  # "Assad accused of releasing prisoners": a headline's passive, he is the one accused
        act = None
        words = rules.statement_words
        if verb.group() in words["claim_verbs"] and after and after[0].key in rules.determiners and (
            raw_after[0].key != "that"
        ):
            act = next((i for i, t in enumerate(after[1:6], 1) if t.key in words["claimed_acts"]), None)
        if act is not None and not any(
            t.key in rules.auxiliaries or t.key in words["closing_continuations"] for t in after[act + 1:act + 3]
        ):
            # "IS claimed an October 2 bomb attack ...", "TV reported the blast": a claim or a report of the act, not
            # something said; but "claims the attacks are carried out to ...", "reported the blast saying ..." say
            # something of it.
            return None
        trimmed, comma = self._strip_fillers_end(before)
        if len(trimmed) > 2 and trimmed[-1].text == ")":
            # "The Organisation for the Prohibition of Chemical Weapons (OPCW) said": the bracket restates the name.
            opening = next(
                (i for i in range(len(trimmed) - 2, max(len(trimmed) - 5, -1), -1) if trimmed[i].text == "("), None
            )
            if opening is not None:
                inner = trimmed[opening + 1:-1]
                base = sentence.start
                # "The UN Childrens agency (UNICEF) said": the bracket names the actor when the name before it does not.
                named = inner and opening and any(
                    m.start == base + inner[0].start and m.end == base + inner[-1].end for m in mentions
                ) and not any(m.end == base + trimmed[opening - 1].end for m in mentions)
                trimmed, comma = self._strip_fillers_end(trimmed[:opening] + inner if named else trimmed[:opening])
        if origin and not trimmed:
            return _FROM_START
        subject = self._last_segment(trimmed)
        if len(subject) == 1 and subject[0].key in ("and", "but") and len(trimmed) > 2 and trimmed[-2].text == ",":
            if origin:
                return _FROM_START
            # "Protesters chanted slogans, and called on Turkey to ...": the clause before the comma has the subject.
            subject = self._last_segment(trimmed[:-2]) + subject
        if subject and subject[-1].key in ("and", "but") and len(subject) > 1:
            # "Turkey's defence ministry did not confirm the numbers but said ...": the clause's own subject.
            words = subject[:-1]
            end = next((i for i, t in enumerate(words) if t.key in rules.auxiliaries), None)
            if not end:
                end = self._clause_subject_end(sentence, words, mentions)
                if not end:
                    return None
            subject = words[:end]
        if not subject:
            return self._inverted(sentence, verb, before, mentions, dates)
        speaker_tokens = subject
        rest = trimmed[: len(trimmed) - len(subject)]
        appositive = subject[0].key in rules.determiners or subject[0].key in rules.relative_openers
        if comma and appositive and rest and rest[-1].text == ",":
            if origin and len(rest) < 2:
                return _FROM_START  # the name before the comma starts before the origin
            # "Maria Zakharova, the ministry's spokeswoman, said" / "An HTS official, who spoke on condition of
            # anonymity, said": the name before the appositive or relative clause is the speaker.
            name = self._last_segment(rest[:-1])
            if name and len(name) <= rules.max_speaker_words:
                speaker_tokens = name
                subject = name + rest[-1:] + subject
                rest = rest[: len(rest) - 1 - len(name)]
        lone_pronoun = len(speaker_tokens) == 1 and speaker_tokens[0].key in rules.pronouns
        # "A local activist who uses the name Abu al-Hassan said": a relative clause after the speaker's name, its
        # commas lost; the speaker phrase is cut before it (_speaker), so only the name counts towards the bound.
        relative = next((i for i, t in enumerate(speaker_tokens) if i and t.key in _RELATIVE_WHO), len(speaker_tokens))
        if not lone_pronoun and (
            relative > rules.max_speaker_words
            or any(t.key in rules.pronouns for t in speaker_tokens[:relative])
            or any(t.key in rules.pronouns and t.key not in _RELATIVE_WHO for t in speaker_tokens[relative:])
        ):
            return None  # a relative clause ("the belts it said had been seized"), not a speaker
        if speaker_tokens[0].key in rules.relative_openers and not lone_pronoun:
            return None  # "..., which says": whose words they are is not in the speaker phrase
        subject_from = subject[0].start
        # "On Monday President Trump warned": the time phrase dates the statement, it is not the speaker.
        speaker_tokens = self._strip_leading(sentence, speaker_tokens, dates) or speaker_tokens
        # "..., X said." / "..., X said, adding ..." / '"...," X told Reuters.': what was said comes first; but not
        # "Earlier, Turkey warned of ..." (an adverbial before the comma, the verb's object after it).
        # After a quote, '"...," Erdogan said of the plan.' is still what he said before it.
        quoted = bool(rest) and (rest[-1].text in _CLOSERS or (len(rest) > 1 and rest[-2].text in _CLOSERS))
        trailing = bool(rest) and rest[-1].text in (",", *_CLOSERS) and (
            not after
            or raw_after[0].text in (",", ".")
            # '"...," he said speaking at his office': a participle after the verb describes the saying
            or raw_after[0].key in rules.relative_openers
            or raw_after[0].key in rules.statement_words["closing_continuations"]
            or (
                len(after) <= rules.trailing_max_words
                and not any(
                    t.key == "that" or t.text == ":" or (not quoted and t.key in rules.speech_complements)
                    for t in after
                )
            )
        ) and not (origin == 0 and self._adverbial(sentence, rest[:-1], dates))
        if trailing:
            span = (0, subject_from)
        elif after:
            start = after[0].start
            clause = False
            participles = rules.statement_words["saying_participles"]
            for token in after[:8]:
                if token.text in ('"', "\u201c") or token.key in rules.pronouns:
                    clause = True
                    break  # a quote, or another clause ("said he cautioned that ...")
                if token.key in ("that", "that.") or token.text == ":":
                    start = token.end
                    clause = True
                    break
                saying = next((t for t in after[:6] if t.key in participles), None)
                if saying is not None:
                    start = saying.end  # "reported the blast saying ...": what was said starts after it
                    clause = True
                    break
                if not (token.text[:1].isupper() or token.key in rules.determiners):
                    # "told Anadolu Agency that ...": only a listener's name stands before the "that" that opens what
                    # was said; "said 27 people were killed but that ...": the clause has begun.
                    break
            if not clause and verb.group() in ("told", "tells"):
                # "told AFP the raids continued": the listener is not what was said.
                listener = 0
                while listener < min(len(after) - 2, 4) and after[listener].text[:1].isupper():
                    listener += 1
                start = after[listener].start
            if not clause and verb.group() in rules.statement_words["verb_in_content"]:
                # "vowed to recapture Aleppo", "accused the regime of ...": without a clause of its own, what was said
                # is the vow or the accusation, verb included (and its "has": "has asked for a ceasefire").
                start = verb.start()
                perfect = re.search(r"\b(?:has|have|had)\s+$", text[max(start - 6, 0):start])
                if perfect:
                    start -= len(perfect.group())
            span = (start, len(text))
        else:
            return None
        content = self._content(sentence, *span)
        if not content[0] or len(content[0].split()) < 2 or fold_key(content[0]) in self.fillers:
            return None  # "... Ashton Carter said on Wednesday.": a time is not what was said
        speaker_text = text[speaker_tokens[0].start:speaker_tokens[-1].end]
        return self._make(
            sentence, self._speaker(sentence, speaker_tokens, mentions), speaker_text, content,
            self._said_on(dates, sentence.start + subject_from, sentence.start + verb.end()), *span,
        )

    def _closing_unpunctuated(
        self, sentence: Sentence, verb: re.Match[str], mentions: list[Mention], dates: list[DateMention],
    ) -> StatementCandidate | None:
        """"Air strikes killed 29 civilians the Syrian Observatory for Human Rights said.", "... on Monday activists
        said.", "The victims were civilians it said and ...": copy that lost its commas (as the FA-KES corpus did)
        still closes with who said it. The verb ends the sentence, or only a short phrase, fillers or a continuation
        ("adding ...", "and ...") follow it; the speaker phrase is read back from the verb and everything before it is
        what was said. None when the sentence does not read that way (the comma-separated shapes are _verb_from's)."""
        rules = self.rules
        words = rules.statement_words
        raw_after = self._tokens(sentence, verb.end(), len(sentence.text), 6)
        after = [t for t in raw_after if t.text not in _BOUNDARY_TOKENS]
        if after and after[0].key in rules.determiners and verb.group() not in ("told", "tells"):
            inverted = self._inverted_unpunctuated(sentence, verb, mentions, dates)
            if inverted is not None:
                return inverted
        listener = verb.group() in ("told", "tells") and len(after) <= 4  # "told AFP", "told Reuters on Monday"
        if after and after[0].key not in words["closing_continuations"] and not listener:
            rest = self._strip_fillers_start(raw_after)
            # "said on Saturday", "said in a statement": a time or a circumstance; "reported the attack": an object.
            if rest and rest[0].key not in words["closing_continuations"] and rest[0].text != "," and not (
                len(after) <= 3 and (
                    after[0].key in rules.adverbial_openers
                    or any(m.start == sentence.start + after[0].start for m in dates)  # "said Saturday"
                )
            ):
                return None
        before, _ = self._strip_fillers_end(self._tokens(sentence, 0, verb.start()))
        if len(before) < 5 or before[-1].text in _BOUNDARY_TOKENS:
            return None
        if before[-1].key in rules.passive or before[-1].key in rules.noun_markers:
            return None  # "were reported", "its report"
        start = None
        for candidate in self._closing_speaker_starts(sentence, before, mentions):
            if candidate > 0 and before[candidate - 1].text in _BOUNDARY_TOKENS - set(_CLOSERS):
                return None  # "..., the monitor said": the punctuated shape, _verb_from's
            if self._closes(before, candidate):
                start = candidate
                break
        if start is None:
            return None
        speaker_tokens = before[start:]
        if len(speaker_tokens) == 1 and speaker_tokens[0].key in rules.pronouns:
            speaker = self._pronoun(sentence, speaker_tokens[0].key)
        else:
            speaker = self._speaker(sentence, speaker_tokens, mentions)
        content_end = speaker_tokens[0].start
        content = self._content(sentence, 0, content_end)
        if not content[0]:
            return None
        base = sentence.start
        return self._make(
            sentence, speaker, sentence.text[speaker_tokens[0].start:speaker_tokens[-1].end], content,
            self._said_on(dates, base + speaker_tokens[0].start, sentence.end), 0, content_end,
        )

    def _inverted_unpunctuated(
        self, sentence: Sentence, verb: re.Match[str], mentions: list[Mention], dates: list[DateMention],
    ) -> StatementCandidate | None:
        """"Air strikes killed at least 10 civilians said the Syrian Observatory for Human Rights.", "... said a
        local activist speaking to AFP": the inverted closing without its comma. The phrase after the verb must be a
        speaker's (a name or a speaker's head noun ends it, before the sentence's end or a relative: "speaking",
        "who"), and the word before the verb no speaker's own (a name or a head noun there is the subject)."""
        rules = self.rules
        words = rules.statement_words
        heads = words["outlet_reporters"] | rules.spokesperson_words | words["closing_heads"] | rules.descriptors
        tail = self._tokens(sentence, verb.end(), len(sentence.text), rules.max_speaker_words + 2)
        cut = next(
            (i for i, t in enumerate(tail) if i and (t.key in rules.relative_openers or t.text in (",", ";"))), None
        )
        if cut is None and len(tail) > rules.max_speaker_words:
            return None
        speaker_tokens = [t for t in tail[:cut] if t.text not in _BOUNDARY_TOKENS]
        if len(speaker_tokens) < 2:
            return None
        base = sentence.start
        last = speaker_tokens[-1]
        if last.text.endswith("."):  # the sentence's stop, which the word pattern keeps
            last = _Token(last.start, last.end - 1, last.text[:-1], last.key[:-1])
            speaker_tokens[-1] = last
        named = any(m.end == base + last.end for m in mentions)
        if not named and last.key not in heads and last.key not in words["generic_speakers"]:
            return None
        before = self._tokens(sentence, max(verb.start() - 200, 0), verb.start())
        if len(before) < 4:
            return None
        previous = before[-1]
        if (previous.text in _BOUNDARY_TOKENS and previous.text not in _CLOSERS) or previous.text[:1].isupper() or (
            previous.key in heads
        ) or (
            previous.key in rules.clause_words or previous.key in rules.passive or previous.key in rules.determiners
            or previous.key in rules.pronouns or previous.key in rules.auxiliaries
        ):
            return None  # "..., said X" is _inverted's; "The spokesman for the group said the ...": a subject
        content = self._content(sentence, 0, verb.start())
        if not content[0] or len(content[0].split()) < 4:
            return None
        return self._make(
            sentence, self._speaker(sentence, speaker_tokens, mentions),
            sentence.text[speaker_tokens[0].start:last.end], content,
            self._said_on(dates, base + verb.start(), base + last.end), 0, verb.start(),
        )

    def _closes(self, before: list[_Token], start: int | None) -> bool:
        """Whether a speaker phrase starting at ``start`` leaves a statement before it: four words or more, not ending
        with a comma ("..., the monitor said" is the punctuated shape, _verb_from's) nor with a word that governs the
        phrase ("the head of the Observatory said", "what the minister said")."""
        rules = self.rules
        if start is None or start < 4:
            return False
        previous = before[start - 1]
        if previous.text in _BOUNDARY_TOKENS and previous.text not in _CLOSERS:
            return False
        if (
            previous.key in rules.clause_words or previous.key in rules.passive or previous.key in rules.modifiers
            or previous.key in rules.determiners or previous.key in rules.speech_complements
        ):
            return False
        return len([t for t in before[:start] if t.text not in _BOUNDARY_TOKENS]) >= 4

    def _closing_speaker_starts(
        self, sentence: Sentence, before: list[_Token], mentions: list[Mention]
    ) -> Iterator[int]:
        """Where the speaker phrase ending right before a closing verb may start, in ``before``, the likeliest reading
        first; the caller takes the first that leaves a statement before it (_closes)."""
        rules = self.rules
        words = rules.statement_words
        last = len(before) - 1
        if before[last].key in ("he", "she", "it", "they"):
            yield last
            return
        base = sentence.start
        name = next((m for m in reversed(mentions) if m.end - base == before[last].end), None)
        head = before[last].key
        heads = words["outlet_reporters"] | rules.spokesperson_words | words["closing_heads"] | rules.descriptors
        if last and name is None and head in heads:
            # "SANA reporter said", "Hezbollah official said": a name and the word for who spoke for it.
            owner = next((m for m in reversed(mentions) if m.end - base == before[last - 1].end), None)
            if owner is not None:
                first = next(i for i, t in enumerate(before) if t.end > owner.start - base)
                if first and before[first - 1].key in rules.determiners:
                    first -= 1
                yield first
        # The last determiner not far back, with no clause between it and the verb: "the Britain-based monitor".
        floor = max(0, last - 8)
        for i in range(last, floor - 1, -1):
            token = before[i]
            if token.text in _BOUNDARY_TOKENS or token.key in rules.clause_words or token.key in rules.auxiliaries or (
                token.key in rules.passive and token.key not in rules.membership and token.key not in ("for", "of")
            ) or token.text[:1].isdigit():
                break
            if 0 < i < last and token.text[:1].isupper() and before[i + 1].text.islower() and (
                before[i - 1].text.islower() and before[i - 1].key not in rules.determiners
                and before[i - 1].key not in _GOVERNING
            ):
                break  # "a nerve agent Turkeys health ministry": a name between lower-case words starts the speaker
            if token.key in ("the", "a", "an"):
                if name is not None or before[last].text[:1].isupper() or head in heads or (
                    head in words["generic_speakers"]
                ):
                    yield i
                break
        if name is not None:
            first = next(i for i, t in enumerate(before) if t.end > name.start - base)
            while first > 0 and "-" in before[first - 1].text and before[first - 1].text[:1].isupper():
                first -= 1  # "Damascus-based Shaam News Network"
            yield first
        if head in words["generic_speakers"]:
            # "local activists said", "activists and state media reported"
            first = last
            generic = words["generic_modifiers"] | words["generic_speakers"]
            while first > 0 and last - first < 4 and (
                before[first - 1].key in generic
                or (before[first - 1].key == "and" and first > 1 and before[first - 2].key in generic)
            ):
                first -= 1
            yield first
        if head in heads:
            # "Turkeys health ministry said": a name that lost its apostrophe, a modifier or two, the head noun.
            first = last
            while first > 0 and last - first < 3 and before[first - 1].text.islower() and (
                before[first - 1].key not in rules.passive and before[first - 1].key not in rules.clause_words
                and before[first - 1].key not in rules.determiners and before[first - 1].key not in rules.modifiers
            ):
                first -= 1
            if first < last and before[first - 1].text[:1].isupper() and before[first - 1].text[1:2].isalpha():
                yield first - 1
        if before[last].text[:1].isupper() and before[last].text[1:2].isalpha():
            # A name, titles and "of" included: "US Secretary of Defense Ashton Carter", "Chief Rami Abdel Rahman".
            first = last
            while first > 0 and last - first < 6 and (
                before[first - 1].text[:1].isupper()
                or (before[first - 1].key == "of" and first > 1 and before[first - 2].text[:1].isupper())
            ):
                first -= 1
            yield first

    def _inverted(
        self, sentence: Sentence, verb: re.Match[str], before: list[_Token], mentions: list[Mention],
        dates: list[DateMention],
    ) -> StatementCandidate | None:
        """'"...," said Abu Khaled, a resident.': the speaker follows the verb."""
        text = sentence.text
        if not (before and before[-1].text in ('"', "\u201d", ",")):
            return None
        stop = re.search(r"[,;.]\s|[,;]|\.$", text[verb.end():])
        head_end = verb.end() + stop.start() if stop else len(text)
        speaker_tokens = [t for t in self._tokens(sentence, verb.end(), head_end) if t.text not in _BOUNDARY_TOKENS]
        if not speaker_tokens or len(speaker_tokens) > self.rules.max_speaker_words:
            return None
        content = self._content(sentence, 0, verb.start())
        if not content[0]:
            return None
        return self._make(
            sentence, self._speaker(sentence, speaker_tokens, mentions),
            text[speaker_tokens[0].start:speaker_tokens[-1].end], content,
            self._said_on(dates, sentence.start + verb.start(), sentence.start + head_end), 0, verb.start(),
        )


def statements_find(
    sentences: list[Sentence],
    mentions_by_sentence: list[list[Mention]],
    dates_by_sentence: list[list[DateMention]],
    gazetteer: Gazetteer,
    rules: Rules,
    published: date,
    speech: list[bool] | None = None,
) -> list[StatementCandidate]:
    """Statements in text order. mentions: actor mentions only, proposed actors already left out.

    ``speech``: per sentence, whether it holds a speech verb or "according to" (cues.py); a sentence without
    one can only be a bare quote. None: every sentence is read in full.
    """
    reader = _Reader(gazetteer, rules, published)
    found = []
    for sentence, mentions, dates in zip(sentences, mentions_by_sentence, dates_by_sentence, strict=True):
        if sentence.junk:
            continue
        if sentence.title or (speech is not None and not speech[sentence.index] and sentence.text[0] not in _OPENERS):
            reader.read_context(sentence, mentions)
            continue
        statement = reader.read(sentence, mentions, dates)
        if statement and statement.text and not _just_an_object(statement, rules):
            found.append(statement)
            other = reader.second(sentence, mentions, dates, statement)
            if other is not None and not _just_an_object(other, rules):
                found.append(other)
    return found


def statements_distinct(statements: list[StatementCandidate], sentences: list[Sentence]) -> list[StatementCandidate]:
    """One statement per thing said: a paragraph the page repeats word for word is coded once (docs/coding-guide.md,
    rule 5), and the headline the page repeats under a dateline ("Thursday 6 April 2017 Turkey says ...") is no
    statement, as the headline is not (section 4). Events still read every sentence with its own statement
    (statements_find's list)."""
    titles = [key for key in (fold_key(s.text) for s in sentences if s.title) if len(key) >= _HEADLINE_MIN]
    seen: set[str] = set()
    distinct = []
    for statement in statements:
        key = fold_key(statement.text)
        if key in seen:
            continue
        if titles:
            whole = fold_key(sentences[statement.sentence].text)
            if any(title in whole and len(whole) <= len(title) + _HEADLINE_SLACK for title in titles):
                continue
        seen.add(key)
        distinct.append(statement)
    return distinct


def _just_an_object(statement: StatementCandidate, rules: Rules) -> bool:
    """"HTS claimed the attack", "Moscow condemned the strikes": what follows the verb is the thing claimed or
    condemned, not something said. Reported speech of at most three words that starts with a determiner is that."""
    if statement.is_direct:
        return False
    text = statement.text
    verb = rules.speech_verbs.match(text)
    if verb:
        text = text[verb.end():]  # "condemned the strikes": the verb was kept with its object
    words = _TRAILING_TIME.sub("", text).split()  # "the attack on Monday"
    return bool(words) and len(words) <= 3 and words[0].lower() in rules.determiners
