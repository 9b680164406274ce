"""Whole-word keyword scanning with one Aho-Corasick automaton: the gazetteer's names and the event keywords.

Both scan folded text (folding.py), where words are separated by single spaces.
"""

from __future__ import annotations

import ahocorasick


def whole_word_automaton(keys: dict[str, object]) -> ahocorasick.Automaton:
    """An automaton for scan(): each folded key stored between spaces, with (stored length, payload) as value.

    The spaces make every hit a whole-word hit by construction: scanning " text " reports no "ied" inside
    "carried" or "Hama" inside "Hamas", so the C scan hands Python only the matches that count.
    """
    automaton = ahocorasick.Automaton()
    for key, payload in keys.items():
        if key:
            automaton.add_word(f" {key} ", (len(key) + 2, payload))
    if len(automaton):
        automaton.make_automaton()
    return automaton


def scan(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, tuple]]:
    """Whole-word matches of a whole_word_automaton over folded text: longest first, no overlaps, in text order,
    as (start, end, (stored length, payload)) in text's offsets."""
    if not len(automaton):
        return []
    length = len(text)
    # In " text ", a stored " key " ending at index last covers text[last - stored + 1:last - 1].
    found = [(last - value[0] + 1, last - 1, value) for last, value in automaton.iter(f" {text} ")]
    if len(found) > 1:
        found.sort(key=lambda item: (item[0] - item[1], item[0]))
        taken = bytearray(length)
        kept = []
        for item in found:
            start, end = item[0], item[1]
            if taken.find(1, start, end) != -1:
                continue
            taken[start:end] = b"\x01" * (end - start)
            kept.append(item)
        found = sorted(kept, key=lambda item: item[0])
    return found
