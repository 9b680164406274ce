"""Cleaning entry bodies: safe HTML, plain text with its paragraphs, site furniture gone; canonical URLs; hashes."""

from __future__ import annotations

import json
import re
import time

import pytest

from events.ingest.clean import (
    FURNITURE_FILE,
    canonical_url,
    clean_content,
    content_hash,
    junk_rules,
    text_of,
)

FIRST = "<p>Government forces shelled villages in southern Idlib on Saturday, the monitoring group said.</p>"
SECOND = "<p>Families moved north towards the camps on the Turkish border, aid workers said.</p>"
ARTICLE = FIRST + SECOND


def test_scripts_event_handlers_and_javascript_urls_are_stripped():
    hostile = (
        '<p onclick="steal()">Residents said <a href="javascript:alert(1)">the market</a> was hit.</p>'
        "<script>alert(document.cookie)</script><img src=x onerror=alert(2)>"
        '<a href=" JaVaScRiPt:alert(3)">the report</a><iframe src="https://evil.example/"></iframe>'
        "<style>p{color:red}</style><svg onload=alert(4)></svg>"
    )

    cleaned = clean_content(hostile)

    assert "<script" not in cleaned.html and "alert" not in cleaned.html
    assert not re.search(r"\son\w+\s*=", cleaned.html)
    assert "javascript" not in cleaned.html.lower()
    assert cleaned.text == "Residents said the market was hit.\n\nthe report"


def test_links_are_kept_made_absolute_and_marked_nofollow():
    cleaned = clean_content('<p>See <a href="/report/7">the report</a>.</p>', base_url="https://wire.example.org/a/b")

    assert cleaned.html == (
        '<p>See <a href="https://wire.example.org/report/7" rel="noopener noreferrer nofollow">the report</a>.</p>'
    )


def test_text_keeps_paragraphs_and_line_breaks():
    cleaned = clean_content(ARTICLE + "<ul><li>Saraqib</li><li>Ariha</li></ul><p>Line one<br>line two</p>")

    assert cleaned.text.split("\n\n") == [
        "Government forces shelled villages in southern Idlib on Saturday, the monitoring group said.",
        "Families moved north towards the camps on the Turkish border, aid workers said.",
        "Saraqib",
        "Ariha",
        "Line one\nline two",
    ]


@pytest.mark.parametrize(
    "furniture",
    [
        "<p>Adjust Comment Print</p>",
        "<p>Share | Print</p>",
        '<div class="share-buttons"><a href="https://facebook.com/share">Facebook</a> Twitter</div>',
        "<p>More news: Chaos mars hearing for Supreme Court pick</p>",
        '<p>Read more: <a href="https://wire.example.org/x">Turkey sends reinforcements</a></p>',
        "<p>READ MORE</p>",
        "<h3>Related</h3><ul><li><a href='/1'>Tehran summit ends</a></li><li><a href='/2'>Aid convoy</a></li></ul>",
        "<p>Related stories:</p><ol><li>One</li></ol>",
        "<p>By Maria Tsvetkova and Suleiman Al-Khalidi</p>",
        '<p class="byline">Staff writer</p>',
        "<p>Photo: AFP</p>",
        "<figure><figcaption>(Photo by Omar Haj Kadour/AFP)</figcaption></figure>",
        "<p>Image copyright Getty Images</p>",
    ],
)
def test_site_furniture_is_removed_and_the_article_kept(furniture):
    cleaned = clean_content(FIRST + furniture + SECOND)

    assert cleaned.text == clean_content(ARTICLE).text
    assert cleaned.html == clean_content(ARTICLE).html


def test_furniture_lines_inside_one_paragraph_go_and_the_rest_stays():
    cleaned = clean_content(
        "<p>The ceasefire held, officials said.<br>More news: Oil prices edge higher<br>"
        "More news: <a href='/x'>A new phone</a><br>Talks resume on Monday.</p>"
    )

    assert cleaned.text == "The ceasefire held, officials said.\nTalks resume on Monday."
    assert "More news" not in cleaned.html and "Talks resume on Monday." in cleaned.html


@pytest.mark.parametrize(
    "sentence",
    [
        "By Tuesday, the army had moved artillery to the edge of Khan Shaykhun.",
        "Share prices in Damascus fell after the announcement, traders said.",
        "Related talks in Sochi produced an agreement on a demilitarised zone.",
        "Printing presses in Idlib city were destroyed, the local council said.",
        "Photographs taken by residents showed the damage.",
    ],
)
def test_sentences_that_merely_start_like_furniture_stay(sentence):
    assert clean_content(f"<p>{sentence}</p>").text == sentence


def test_plain_text_content_keeps_its_structure_and_loses_its_furniture(founding_article_text):
    body = founding_article_text.split("\n", 1)[1]

    cleaned = clean_content(body, is_html=False)

    assert "Adjust Comment Print" not in cleaned.text
    assert "More news" not in cleaned.text and "Colin Kaepernick" not in cleaned.text
    paragraphs = cleaned.text.split("\n\n")
    assert paragraphs[0].startswith("Idlib, Syria's last major rebel stronghold")
    assert paragraphs[-1].startswith("Aid groups have warned")
    assert len(paragraphs) == 17  # 21 blocks in the source, less the toolbar and the three "More news:" lines


def test_titles_become_one_line_of_plain_text():
    assert text_of("<b>Idlib</b>  &amp;\n Hama") == "Idlib & Hama"
    assert text_of("&lt;script&gt;alert(1)&lt;/script&gt;Talks in Tehran") == "Talks in Tehran"
    assert text_of("Casualties rise as a < b") == "Casualties rise as a < b"


def test_deeply_nested_markup_does_not_recurse():
    deep = "<div>" * 100_000 + "<p>Still readable, residents said.</p>" + "</div>" * 100_000

    cleaned = clean_content(deep)

    assert "<script" not in cleaned.html  # no crash (no RecursionError) is the point


def test_control_characters_and_lone_surrogates_are_dropped():
    cleaned = clean_content("<p>Shells\x00 fell\x07 on\ud800 Ariha.</p>")

    assert cleaned.text == "Shells fell on? Ariha." or cleaned.text == "Shells fell on Ariha."
    assert "\x00" not in cleaned.html


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://News.Example.ORG:443/2018/09/story?utm_source=rss&utm_medium=feed&id=7#comments",
            "https://news.example.org/2018/09/story?id=7",
        ),
        ("http://example.org/a?fbclid=IwAR0&gclid=x&ref_src=twsrc", "http://example.org/a"),
        ("http://example.org:8080/a?b=1&B=2", "http://example.org:8080/a?b=1&B=2"),
        ("http://example.org", "http://example.org/"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("javascript:alert(1)", ""),
        ("ftp://example.org/feed", ""),
        ("not a url", ""),
        ("https://example.org/" + "x" * 1200, ""),
    ],
)
def test_canonical_urls(url, canonical):
    assert canonical_url(url) == canonical


def test_content_hash_ignores_typography_and_spacing_but_not_words():
    straight = 'Putin said the talks in Idlib\'s "de-escalation zone" would go on.\n\nThe UN warned - again.'
    curly = (
        "Putin said the talks in Idlib\u2019s \u201cde-escalation zone\u201d would go on.\nThe UN warned \u2013 again."
    )

    assert content_hash(straight * 5) == content_hash(curly * 5)
    assert content_hash(straight * 5) != content_hash(straight.replace("Putin", "Erdogan") * 5)


def test_short_texts_are_told_apart_by_their_title():
    assert content_hash("", "Strikes on Saraqib") != content_hash("", "Convoy reaches Ariha")
    assert content_hash("Residents said.", "A") != content_hash("Residents said.", "B")


def test_junk_rules_are_data_and_every_rule_compiles():
    data = json.loads(FURNITURE_FILE.read_text())

    assert len({rule["name"] for rule in data["lines"]}) == len(data["lines"])
    for rule in data["lines"]:
        re.compile(rule["pattern"])
    assert junk_rules().is_junk_line("Adjust Comment Print")


def test_junk_rules_take_linear_time_on_pathological_lines():
    rules = junk_rules()
    lines = [
        "share " * 40 + "zzz",
        "By " + " ".join(["Abcdefgh"] * 30) + " x",
        "By " + "A" * 200 + " x",
        "Photo: " + "a" * 200 + "!",
        "related " * 30,
    ]
    started = time.perf_counter()
    for line in lines:
        rules.is_junk_line(line)
    # Backtracking regexes would take minutes on these; linear ones take microseconds.
    assert time.perf_counter() - started < 1.0


def test_a_photo_caption_is_not_read_as_the_story():
    # A caption describes a picture, often an older one: read as news it would be an air strike that day.
    cleaned = clean_content(
        "<p>Talks on Idlib resumed in Astana on Monday.</p><figure><img src='https://x.example/1.jpg' alt=''>"
        "<figcaption>FILE PHOTO: Smoke rises after an air strike on Ariha, 3 June 2016. REUTERS</figcaption></figure>"
        "<p>Delegations met behind closed doors.</p>"
    )
    assert cleaned.text == "Talks on Idlib resumed in Astana on Monday.\n\nDelegations met behind closed doors."
    assert "air strike" not in cleaned.html
