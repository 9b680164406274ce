"""Which sentences can hold a statement, a date or a proposed name: one scan of the article, not a regex per sentence.

The statement, date and name patterns are alternations of many words behind a word boundary, which the regex
engine cannot skip through quickly; run on every sentence they cost more than the rest of the reading. Each of
them needs a word that can be listed ("said", "told", a month or a weekday, "Brigade", "Minister"...), so one
Aho-Corasick automaton over those cue words, run once over the article's raw text, marks the sentences worth the
full patterns. A cue is a substring of what its pattern matches, never more demanding than the pattern, so a
sentence without a cue has no match: the shortcut changes no result, only the work.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

import ahocorasick

from events.extract.sentences import Sentence

SPEECH = 1  # a speech verb or "according to": statements.py reads the sentence
DATE = 2  # a month, weekday, relative day or ISO date: dates.py reads it
NAME = 4  # an organisation head word, a leading word or a title: proposals.py reads it
ANAPHOR = 8  # a word that can refer back to an event ("the strikes"): events.py reads the sentence for it

# The ISO form (2018-09-07) always holds a hyphen followed by a digit; every other form holds a cue word.
ISO_DATE_CUES = tuple(f"-{digit}" for digit in range(10))
# ASCII letters whose only case-insensitive equivalents in re are their own upper and lower case ("i" also
# matches the dotless i, "s" the long s, "k" the Kelvin sign): a run of them, lower-cased, is in text.lower()
# whenever a case-insensitive pattern holding it matches.
_PLAIN_LETTERS = re.compile("[a-hj-rt-z]{3,}")


def cue_automaton(cues: Iterable[tuple[str, int]]) -> ahocorasick.Automaton:
    """Case-sensitive cue words (as written in the patterns) -> (length, flags)."""
    flags: dict[str, int] = {}
    for word, flag in cues:
        if word:
            flags[word] = flags.get(word, 0) | flag
    automaton = ahocorasick.Automaton()
    for word, flag in flags.items():
        automaton.add_word(word, (len(word), flag))
    if flags:
        automaton.make_automaton()
    return automaton


def any_case(words: Iterable[str]) -> list[str]:
    """Each word as it is written in running text: lower case, capitalised, all capitals (the cue scan is
    case-sensitive, the pattern behind these cues is not: a word in mixed case, "sTrikes", is not looked at)."""
    return [form for word in words for form in {word.lower(), word.capitalize(), word.upper()}]


def first_words(phrases: Iterable[str]) -> list[str]:
    """The first word of each phrase: a pattern joining words with \\s+ always contains it as written."""
    return [p.split()[0] for p in phrases if p.split()]


def insensitive_keys(phrases: Iterable[str]) -> tuple[str, ...] | None:
    """For a case-insensitive pattern of these phrases: one lower-case string per phrase that text.lower() holds
    whenever the phrase matches; None when some phrase has no such string (then the pattern must always run)."""
    keys = []
    for phrase in phrases:
        runs = _PLAIN_LETTERS.findall(phrase.lower())
        if not runs:
            return None
        keys.append(max(runs, key=len))
    return tuple(keys)


def sentence_cues(
    text: str,
    sentences: Sequence[Sentence],
    automaton: ahocorasick.Automaton,
    according_to: re.Pattern[str],
    according_keys: tuple[str, ...] | None = None,
) -> list[int]:
    """Per sentence, the flags of the cues inside it."""
    flags = [0] * len(sentences)
    if not sentences:
        return flags
    starts = [s.start for s in sentences]

    def mark(start: int, end: int, flag: int) -> None:
        # Every sentence the span touches: a match of the full pattern overlapping it may hide there.
        first = max(bisect_right(starts, start) - 1, 0)
        for index in range(first, len(sentences)):
            if sentences[index].start >= end:
                break
            if sentences[index].end > start:
                flags[index] |= flag

    if len(automaton):
        ends = [s.end for s in sentences]
        for last, (length, flag) in automaton.iter(text):
            # A cue is part of a match inside one sentence: only the sentence holding it needs the mark.
            start = last - length + 1
            index = bisect_right(starts, start) - 1
            if index >= 0 and last < ends[index]:
                flags[index] |= flag
    # Case-insensitive: the pattern itself, once, where the letters it needs are present (it is slow to run
    # for nothing).
    lowered = text.lower() if according_keys else ""
    if according_keys is None or any(key in lowered for key in according_keys):
        for match in according_to.finditer(text):
            mark(match.start(), match.end(), SPEECH)
    return flags
