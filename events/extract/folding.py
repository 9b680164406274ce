"""Case- and diacritic-insensitive folding of a whole article, with a map from folded offsets back to the text.

The matchers search the folded text ("Erdoğan's troops" -> "erdogan troops"), but every mention must point at
the original characters, so folding keeps track of what it deleted. It is built from C-level string operations
(one translate, two regex scans) rather than a Python loop over characters: it runs inside ingestion.

Folding rules (applied identically to aliases and article text, so both sides always agree):
- letters and digits are lower-cased, accents dropped ("Ç" -> "c", "İ" -> "i"); other letters keep one character;
- apostrophes and transliteration marks vanish ("Ma'arrat" = "Maarrat"), a possessive "'s" becomes a word break
  ("Assad's government" = "Assad government");
- every other character is a space, and runs of spaces collapse to one.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_DELETE = "\x01"
_APOSTROPHES = "'\u2019\u2018`\u02bf\u02be\u00b4"
# Letters NFKD leaves alone; folded to one ASCII letter so the folded text keeps one character per kept letter.
_EXTRA = {"\u0131": "i", "ø": "o", "ß": "s", "æ": "a", "œ": "o", "đ": "d", "ł": "l", "þ": "t"}

class _FoldTable(dict):
    """Code point -> folded character; a character met for the first time is folded then and remembered
    (str.translate looks characters up through __missing__, so no pass over the text is needed to learn them)."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(chr(code))
        return value


_TABLE = _FoldTable()
for _code in range(128):
    _ch = chr(_code)
    _TABLE[_code] = _ch.lower() if _ch.isalnum() else (_DELETE if _ch in _APOSTROPHES else " ")
for _ch in _APOSTROPHES:
    _TABLE[ord(_ch)] = _DELETE

_POSSESSIVE = re.compile(_DELETE + r"s(?![^\W_])")
_DELETED_RUN = re.compile(_DELETE + "+")
# Runs of two or more spaces: all but the first go. A literal start lets the regex engine skip ahead quickly.
_SPACE_RUNS = re.compile("  +")


def _fold_char(ch: str) -> str:
    """One character in, at most one out: the shape of the table that keeps the offset map simple."""
    lowered = _EXTRA.get(ch.casefold(), ch.casefold())
    decomposed = unicodedata.normalize("NFKD", lowered)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not base:
        return _DELETE
    first = _EXTRA.get(base[0], base[0])
    return first if first.isalnum() else " "


class _Deletions:
    """Maps an offset in a string with some runs deleted back to the offset before deletion."""

    __slots__ = ("_after", "_at")

    def __init__(self, runs: list[tuple[int, int]]) -> None:
        # runs: (start, length) in the source, ascending. _at[k] is where run k sits in the shorter string,
        # _after[k] how many characters were deleted up to and including it.
        self._at: list[int] = []
        self._after: list[int] = []
        deleted = 0
        for start, length in runs:
            self._at.append(start - deleted)
            deleted += length
            self._after.append(deleted)

    def source(self, offset: int) -> int:
        k = bisect_right(self._at, offset)
        return offset + (self._after[k - 1] if k else 0)


@dataclass(frozen=True, slots=True)
class Folded:
    original: str
    text: str
    _maps: tuple[_Deletions, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) in the folded text -> the same characters' (start, end) in the original."""
        first, last = start, end - 1
        for deletions in self._maps:
            first, last = deletions.source(first), deletions.source(last)
        return first, last + 1


def fold(text: str) -> Folded:
    step = text.translate(_TABLE)
    if _DELETE in step:
        step = _POSSESSIVE.sub("  ", step)
    maps: list[_Deletions] = []
    if _DELETE in step:
        runs = [(m.start(), m.end() - m.start()) for m in _DELETED_RUN.finditer(step)]
        step = step.replace(_DELETE, "")
        maps.append(_Deletions(runs))
    lead = len(step) - len(step.lstrip(" "))
    runs = [(0, lead)] if lead else []
    runs += [(m.start() + 1, m.end() - m.start() - 1) for m in _SPACE_RUNS.finditer(step, lead)]
    if runs:
        step = _SPACE_RUNS.sub(" ", step[lead:])
    # Applied in reverse order of the edits: collapse first, then the deletions before it.
    maps.insert(0, _Deletions(runs))
    return Folded(text, step.rstrip(" "), tuple(maps))


def fold_key(name: str) -> str:
    """The folded form of a name, as the automata store it."""
    return fold(name).text
