"""Language profiles: what extraction knows of one language, picked by the article's `Feed.language`.

A profile is the language's rules directory (events/extract/rules/<code>/: speech verbs and pronouns, event
keywords, titles, page furniture, place modifiers) and the code that reads text in it: the sentence splitter
(abbreviations, quotes) and the date reader (month and weekday names). English is the only profile today. An
article in a language without one is stored and shown as it came, but not read: English rules over Arabic text
would find nothing right, and an editor can tell "not read" from "read, nothing found" (`Article.extracted_at`
stays empty; the extraction report counts it under `unread`). Adding Arabic means a rules/ar/ directory and its
splitter and date reader here, beside English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from events.extract.dates import dates_find
from events.extract.rules import RULES_ROOT
from events.extract.sentences import split_sentences


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    name: str
    rules_dir: Path
    split_sentences: Callable
    dates_find: Callable


ENGLISH = LanguageProfile("en", "English", RULES_ROOT / "en", split_sentences, dates_find)
PROFILES = {profile.code: profile for profile in (ENGLISH,)}


def language_code(value: str) -> str:
    """"en", "EN", "en-GB" and "en_US" are all English: the primary subtag, lower-cased."""
    return (value or "").strip().lower().replace("_", "-").split("-")[0]


def profile_for(language: str) -> LanguageProfile | None:
    return PROFILES.get(language_code(language))
