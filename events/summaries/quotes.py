"""How a statement is quoted to a reader: one complete sentence that names its speaker (pure, no database).

Extraction stores what was said as a clause cut out of the article's sentence: reported speech starts after the
reporting verb ("the militants in Idlib were a ...", lower case, no full stop) or before the attribution ("Around
three million people live there ..." of "..., according to the United Nations."). Printed as is, a summary shows a
fragment nobody can tell the source of. `quote_sentence` puts the speaker and the reporting verb the article used
back around the clause, gives it a capital and a final stop, and never shortens it (a cut quote misleads).
"""

from __future__ import annotations

import re

from actors.names import normalize_name

# Verbs of saying an article puts between the speaker and what was said; the last one before the clause is used.
REPORTING_VERBS = frozenset(
    {
        "said", "says", "warned", "warns", "told", "added", "stressed", "insisted", "claimed", "denied", "announced",
        "urged", "promised", "pledged", "vowed", "reported", "confirmed", "accused", "blamed", "called", "declared",
        "noted", "argued", "asserted", "acknowledged", "admitted", "demanded", "threatened", "predicted", "estimated",
        "proposed", "suggested", "explained", "alleged", "agreed", "rejected", "welcomed", "condemned", "wrote",
        "tweeted", "stated",
    }
)
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f'-]+")
_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*$")
# A trailing comma, semicolon or colon is where extraction cut the clause off its attribution.
_LOOSE_END = re.compile(r"[\s,;:\u2013\u2014-]+$")
# The reader learns who spoke from the actor's name; a pronoun or "the monitor" in the article names nobody.
_VAGUE = frozenset({"he", "she", "it", "they", "we", "i", "you"})
# Names of bodies that English gives an article ("the Syrian Observatory ...", "according to the White Helmets").
_TAKES_THE = frozenset(
    {
        "Observatory", "Ministry", "Office", "Front", "Society", "Forces", "Army", "Nations", "Council", "Committee",
        "Coalition", "Agency", "Organisation", "Organization", "Union", "Movement", "Helmets", "Command",
        "Government", "Department", "Programme", "Commission", "States", "Crescent", "Cross", "Defence", "Defense",
        "Kremlin", "Pentagon", "Network", "Centre", "Center", "Authority", "Administration", "Brigade", "Brigades",
    }
)


def quote_sentence(
    *, text: str, speaker: str, is_direct: bool, speaker_text: str = "", context: str = ""
) -> str:
    """The statement as a sentence: capitalised, complete, ending in punctuation, the speaker named.

    ``speaker`` is the actor's name (always shown), ``speaker_text`` how the article named them (used instead when it
    contains the name: "Russian Foreign Minister Sergei Lavrov"), ``context`` the sentence the statement came from
    (for the reporting verb and whether the attribution came first or last).
    """
    clause = _LOOSE_END.sub("", " ".join(text.split()))
    who = _speaker_phrase(speaker, speaker_text)
    if not clause:
        return f"{_capitalised(who)} made a statement."
    before, after = _around(context, clause)
    verb = _reporting_verb(before) or "said"
    if is_direct:
        verb = _reporting_verb(before) or _reporting_verb(after) or "said"
        return f"{_capitalised(who)} {verb}: \u201c{_finished(_capitalised(clause))}\u201d"
    # Where the article put the speaker: after the words when they open its sentence; without the article's
    # sentence (a summary built before it was stored), a clause opening with a capital most likely opened it.
    speaker_last = not before.strip() if before is not None else clause[0].isupper()
    if speaker_last and not _END.search(clause):
        # The article put the words first and the speaker after them ("..., aid workers said."): keep that order.
        if after and re.match(r"[\s,]*according to\b", after, re.IGNORECASE):
            return f"{_capitalised(clause)}, according to {who}."
        return f"{_capitalised(clause)}, {who} {_reporting_verb(after) or 'said'}."
    # "warned that an assault would ...": the article's "that" kept, so the verb does not read as taking an object.
    that = " that" if before is not None and re.search(r"\bthat\s*$", before) else ""
    return _finished(f"{_capitalised(who)} {verb}{that} {clause}")


def _speaker_phrase(speaker: str, speaker_text: str) -> str:
    """How the sentence names the speaker: the article's fuller phrase when it contains the actor's name."""
    name = " ".join(speaker.split()) or "an unnamed source"
    phrase = " ".join(speaker_text.split())
    if phrase and normalize_name(name) in normalize_name(phrase) and normalize_name(phrase) not in _VAGUE:
        # "the United Nations" at the start of a sentence is capitalised by the caller.
        return phrase
    words = set(name.split())
    if words & _TAKES_THE and not name.lower().startswith("the "):
        return f"the {name}"
    return name


def _around(context: str, clause: str) -> tuple[str | None, str | None]:
    """The context's words before and after the clause, or (None, None) when the clause is not found in it."""
    context = " ".join(context.split())
    if not context:
        return None, None
    at = context.find(clause)
    if at < 0:
        return None, None
    return context[:at], context[at + len(clause):]


def _reporting_verb(words: str | None) -> str:
    """The last verb of saying in ``words`` (the stretch between the speaker and the clause)."""
    if not words:
        return ""
    for word in reversed(_WORD.findall(words)):
        if word.lower() in REPORTING_VERBS:
            return word.lower()
    return ""


def _capitalised(text: str) -> str:
    """First letter upper-cased; a clause opening with a quotation mark or a digit is left as it is."""
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1:]
        if char.isdigit():
            return text
    return text


def _finished(text: str) -> str:
    """Ends with a full stop unless it already ends with sentence punctuation (possibly before a closing quote)."""
    text = _LOOSE_END.sub("", text)
    return text if _END.search(text) else text + "."
