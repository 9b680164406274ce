"""Sentence splitting, once per article, keeping offsets into the original text.

Lines are hard boundaries (cleaned article text keeps one paragraph, caption or list item per line). Inside a
line a sentence ends at . ! or ? followed by a space and a capital, a digit or an opening quote, unless the dot
ends a known abbreviation or an initial ("U.S.", "Gen.", "George W. Bush"), or an opened double quote is still
open (a quote right after the stop closes whatever was open: a stray quote does not join the rest of the line).
Lines that start with a teaser marker ("More news:") are kept but flagged as junk: nothing is extracted from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATION_WORDS = (
    "mr mrs ms dr gen lt col maj capt sgt cpl adm brig st jr sr no vs etc inc ltd co corp dept gov sen rep pres "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft fig approx"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    junk: bool = False
    # The headline: read for mentions and relevance, not for statements or events (the body tells them better).
    title: bool = False


def _is_abbreviation(before: str) -> bool:
    # The last run of non-space characters (what (\S+)$ finds, without the regex scanning the whole prefix).
    if not before or before[-1].isspace():
        return False
    word = before.rsplit(None, 1)[-1].lstrip("(\"'\u201c")
    bare = word.rstrip(".")
    if not bare:
        return False
    # "U.S." / "U.N." / an initial like "W."
    if len(bare) == 1 and bare.isupper():
        return True
    if "." in bare and all(len(part) <= 2 for part in bare.split(".")):
        return True
    return bare.lower() in _ABBREVIATIONS


def split_sentences(text: str, junk_prefixes: tuple[str, ...] = ()) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    previous_end = 0
    for line in _LINE.finditer(text):
        if text.count("\n", previous_end, line.start()) > 1:
            paragraph += 1
        previous_end = line.end()
        body = line.group()
        stripped = body.strip()
        if not stripped:
            continue
        offset = line.start()
        if junk_prefixes and stripped.lower().startswith(junk_prefixes):
            lead = body.index(stripped[0])
            sentences.append(
                Sentence(len(sentences), offset + lead, offset + lead + len(stripped), stripped, paragraph, True)
            )
            continue
        start = 0
        for boundary in _BOUNDARY.finditer(body):
            cut = boundary.start() + 1
            # Closing quotes and brackets stay with the sentence they close.
            while cut < len(body) and body[cut] in "\"'\u201d\u2019)]":
                cut += 1
            if body[boundary.start()] == "." and _is_abbreviation(body[start:boundary.start() + 1]):
                continue
            # A quote right after the stop closes what it quoted: a stray quote earlier ('an "outrage" ... crime."')
            # must not hold the rest of a paragraph in one sentence.
            closed = body[boundary.start() + 1:cut].count('"') > 0
            if not closed and (
                body.count('"', start, cut) % 2 or body.count("\u201c", start, cut) > body.count("\u201d", start, cut)
            ):
                continue
            _append(sentences, text, offset + start, offset + cut, paragraph)
            start = boundary.end()
        _append(sentences, text, offset + start, offset + len(body), paragraph)
    return sentences


def _append(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        sentences.append(Sentence(len(sentences), start, end, text[start:end], paragraph))
