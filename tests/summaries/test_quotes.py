"""Statements quoted in a weekly summary read as sentences wherever a reader meets them: on the page, in the Atom
feed and in both parts of the email. Each starts with a capital, is whole (the clause extraction stored, not cut),
ends with punctuation and names its speaker.

The statements are shaped like the demo feed's: reported speech cut after the reporting verb (lower case, no stop),
words that came before their attribution, a direct quote, a pronoun as the article's speaker.
"""

from __future__ import annotations

import re
from html import unescape

import feedparser
import pytest
from lxml import html as lxml_html

from events.summaries.mail import summary_email_send
from tests.summaries.builders import make_actor, make_event, make_statement, make_subscriber
from tests.summaries.conftest import WEEK, day

# (speaker, what extraction stored, how the article named the speaker, the article's sentence, direct?)
CASES = [
    (
        "Sergei Lavrov",
        'the militants in Idlib were a "festering abscess" that had to be removed',
        "Russian Foreign Minister Sergei Lavrov",
        'Russian Foreign Minister Sergei Lavrov said on Thursday that the militants in Idlib were a "festering '
        'abscess" that had to be removed.',
        False,
    ),
    (
        "Syrian Observatory for Human Rights",
        "Several fighters were killed on both sides",
        "the Observatory",
        "Several fighters were killed on both sides, the Observatory said, without giving a precise figure.",
        False,
    ),
    (
        "United Nations",
        "Around three million people live there, about half of them displaced from other parts of Syria",
        "the United Nations",
        "Around three million people live there, about half of them displaced from other parts of Syria, according "
        "to the United Nations.",
        False,
    ),
    (
        "Walid Muallem",
        "we will go all the way in Idlib",
        "Muallem",
        '"We will go all the way in Idlib," Muallem said in Moscow.',
        True,
    ),
    (
        "Vladimir Putin",
        "Turkish and Russian troops would patrol the zone,",
        "he",
        "Turkish and Russian troops would patrol the zone, he said.",
        False,
    ),
]

EXPECTED = [
    'Russian Foreign Minister Sergei Lavrov said that the militants in Idlib were a "festering abscess" that had to '
    "be removed.",
    "Several fighters were killed on both sides, the Syrian Observatory for Human Rights said.",
    "Around three million people live there, about half of them displaced from other parts of Syria, according to "
    "the United Nations.",
    "Walid Muallem said: \u201cWe will go all the way in Idlib.\u201d",
    "Turkish and Russian troops would patrol the zone, Vladimir Putin said.",
]


@pytest.fixture
def quoted_week(db, publish):
    make_event(day(1), title="Clashes near Saraqib")
    for offset, (speaker, text, speaker_text, sentence, direct) in enumerate(CASES):
        actor = make_actor(speaker)
        # Each statement carried by a different number of articles, so the summary lists them in CASES order.
        for _ in range(len(CASES) - offset):
            make_statement(actor, text, day(2), is_direct=direct, speaker_text=speaker_text, sentence=sentence)
    return publish(WEEK)


def _assert_sentences(quotes: list[str]) -> None:
    assert quotes == EXPECTED
    for quote, (speaker, text, *_rest) in zip(quotes, CASES, strict=True):
        assert quote[0].isupper(), quote
        assert re.search(r"[.!?][\u201d\"]?$", quote), quote
        assert speaker in quote, quote
        # The whole clause, not a shortened one (a direct quote gets its capital and stop).
        core = text.rstrip(",").removeprefix("we ")
        assert core in quote, quote


def _squash(text: str) -> str:
    return " ".join(unescape(text).split())


def test_the_summary_page_quotes_whole_sentences_naming_the_speaker(client, quoted_week):
    page = lxml_html.fromstring(client.get("/summaries/2025-W14/").content)

    quotes = [_squash(node.text_content()) for node in page.xpath("//section[@class='summary-statements']//blockquote")]

    _assert_sentences(quotes)
    captions = [_squash(node.text_content()) for node in page.xpath("//section[@class='summary-statements']//figcaption")]
    assert captions[0].startswith("Sergei Lavrov, Wed 2 Apr (reported speech)")


def test_the_atom_feed_quotes_the_same_sentences(client, quoted_week):
    feed = feedparser.parse(client.get("/summaries/feed/").content)

    item = lxml_html.fromstring(feed.entries[0].summary)
    quotes = [_squash(node.text_content()).removesuffix(" (Wed 2 Apr)") for node in item.xpath("//ul[preceding-sibling::p[1][.='Key statements:']]/li")]

    _assert_sentences(quotes)


def test_the_email_quotes_the_same_sentences_in_text_and_html(quoted_week, mailoutbox):
    make_subscriber("reader@example.org")

    summary_email_send(quoted_week.pk)

    message = mailoutbox[0]
    text = message.body
    block = text[text.index("KEY STATEMENTS\n") : text.index("CHANGES IN TERRITORIAL CONTROL")]
    _assert_sentences(re.findall(r"^- (.+)$", block, re.MULTILINE))
    html = lxml_html.fromstring(message.alternatives[0][0])
    section = html.xpath("//h2[text()='Key statements']/following-sibling::p[following-sibling::h2]")
    quotes = [_squash(p.text_content().split("\n")[0]) for p in section if p.find("br") is not None]
    _assert_sentences(quotes)


def test_a_summary_built_before_the_article_sentence_was_kept_still_quotes_sentences(client, quoted_week):
    # Version 1 data (published before this change) has no speaker_text or context: the quote still reads whole.
    for statement in quoted_week.data["statements"]:
        del statement["speaker_text"], statement["context"]
    quoted_week.data["version"] = 1
    quoted_week.save()
    page = lxml_html.fromstring(client.get("/summaries/2025-W14/").content)

    quotes = [_squash(node.text_content()) for node in page.xpath("//section[@class='summary-statements']//blockquote")]

    assert quotes[0] == (
        'Sergei Lavrov said the militants in Idlib were a "festering abscess" that had to be removed.'
    )
    assert quotes[1] == "Several fighters were killed on both sides, the Syrian Observatory for Human Rights said."
    for quote, (speaker, *_rest) in zip(quotes, CASES, strict=True):
        assert quote[0].isupper() and re.search(r"[.!?][\u201d\"]?$", quote) and speaker in quote, quote
