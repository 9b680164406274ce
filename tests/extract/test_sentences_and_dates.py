"""Sentence splitting (once, with offsets) and dates resolved against the article's date."""

from __future__ import annotations

from datetime import date

import pytest

from events.extract.dates import dates_find
from events.extract.rules import rules_load
from events.extract.sentences import split_sentences

FRIDAY = date(2018, 9, 7)


def test_sentences_keep_offsets_abbreviations_and_open_quotes():
    text = (
        'The U.S. Army said so. Gen. Smith agreed with George W. Bush.\n\n'
        'He said: "We fight. We win." Then he left.\nMore news: Chaos mars hearing'
    )
    sentences = split_sentences(text, rules_load().junk_prefixes)
    assert [s.text for s in sentences] == [
        "The U.S. Army said so.",
        "Gen. Smith agreed with George W. Bush.",
        'He said: "We fight. We win."',
        "Then he left.",
        "More news: Chaos mars hearing",
    ]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.junk for s in sentences] == [False, False, False, False, True]
    assert [s.paragraph for s in sentences] == [0, 0, 1, 1, 1]


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("The United States on Wednesday warned", date(2018, 9, 5), "day"),
        ("talks ended on Friday", FRIDAY, "day"),  # the article's own weekday is that day, not a week back
        ("a camp near Sarman, September 1, 2018.", date(2018, 9, 1), "day"),
        ("fighting on 3 September", date(2018, 9, 3), "day"),
        ("the attack of Dec. 24", date(2017, 12, 24), "day"),  # a date months ahead is last year's
        ("the incident in Douma in April", date(2018, 4, 1), "month"),
        ("said he would act in October", date(2017, 10, 1), "month"),
        ("killed yesterday", date(2018, 9, 6), "day"),
        ("fled last week", date(2018, 8, 31), "week"),
        ("published 2018-08-30", date(2018, 8, 30), "day"),
    ],
)
def test_dates_resolve_against_the_article_date(text, expected, precision):
    (found,) = dates_find(text, FRIDAY)
    assert (found.value, found.precision) == (expected, precision)
    assert text[found.start:found.end].strip()


def test_may_and_march_as_words_are_not_dates():
    assert dates_find("Talks may resume as troops march on the town", FRIDAY) == []


def test_the_english_profile_holds_the_rules_the_splitter_and_the_date_reader():
    from events.extract.language import ENGLISH, profile_for
    from events.extract.rules import RULES_DIR

    assert profile_for("EN_us") is ENGLISH and profile_for("en-GB") is ENGLISH and profile_for(" en ") is ENGLISH
    assert profile_for("ar") is None and profile_for("") is None
    assert ENGLISH.rules_dir == RULES_DIR and (RULES_DIR / "statement_verbs.json").exists()
    assert rules_load(ENGLISH.rules_dir, ENGLISH.code).language == "en"
    assert ENGLISH.dates_find is dates_find
    assert [s.text for s in ENGLISH.split_sentences('He said "We will return." Then he left.', ())] == [
        'He said "We will return."', "Then he left.",
    ]
