"""Names that look like actors but are not in the gazetteer: proposed to editors, never dropped, never attached.

Patterns come from rules/actor_patterns.json and rules/titles.json: capitalised names ending in an organisation
word ("Hamza Division", "Ministry of Defence") and titled people ("Defence Minister Jane Doe"). A name that
overlaps a gazetteer mention (confirmed or already proposed) is not proposed again.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.extract.folding import fold_key
from events.extract.matcher import Mention
from events.extract.rules import Rules
from events.extract.sentences import Sentence

# Dropped after a noise word: "Fighters of the Hamza Division" -> "Hamza Division".
_NOISE_JOINERS = frozenset({"of", "the", "for"})


@dataclass(frozen=True, slots=True)
class Proposal:
    name: str
    kind: str
    sentence: int
    key: str  # folded name: one proposal per name


def _clean(name: str, noise: frozenset[str]) -> tuple[str, int]:
    """Drop the sentence-initial words a capital letter let in ("The", "Fighters of the"; rules' leading_noise);
    return the name and how many characters were cut from its front."""
    cut = 0
    dropped = False
    while " " in name:
        head = name.split(" ", 1)[0]
        if not (head in noise or (dropped and head in _NOISE_JOINERS)):
            break
        name = name[len(head) + 1:].lstrip(" ")
        cut += len(head) + 1
        dropped = True
    return name, cut


def proposals_find(
    text: str, sentences: list[Sentence], mentions: list[Mention], rules: Rules, named: list[bool] | None = None
) -> list[Proposal]:
    """``named``: per sentence, whether it holds a head word, leading word or title (cues.py); None: all do."""
    found: dict[str, Proposal] = {}
    taken = bytearray(len(text))
    for mention in mentions:
        taken[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
    for sentence in sentences:
        if sentence.junk or (named is not None and not named[sentence.index]):
            continue
        candidates = [
            (m.start("org"), m.group("org"), "org")
            for m in rules.org_pattern.finditer(text, sentence.start, sentence.end)
        ] + [
            (m.start("person"), m.group("person"), "person")
            for m in rules.person_pattern.finditer(text, sentence.start, sentence.end)
        ]
        for start, raw, shape in candidates:
            name, cut = _clean(raw, rules.leading_noise)
            start += cut
            key = fold_key(name)
            if len(key.split()) < 2 or key in rules.stop_names or key in found:
                continue
            if taken.find(1, start, start + len(name)) != -1:
                continue
            if shape == "person":
                kind = "person"
            else:
                words = key.split()
                kind = next(
                    (rules.org_kinds[k] for k in (words[-1], " ".join(words[-2:]), words[0], " ".join(words[:2]))
                     if k in rules.org_kinds),
                    "other",
                )
            found[key] = Proposal(name, kind, sentence.index, key)
    return list(found.values())
