"""Parsing feed bytes: bad XML and encodings still give their entries; bombs and external entities give nothing."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from events.ingest.parse import FeedUnreadable, parse_feed
from tests.ingest.feeds import Item, rss

ADVERSARIAL = Path(__file__).with_name("adversarial")


def adversarial(name: str) -> bytes:
    return (ADVERSARIAL / name).read_bytes()


def everything(parsed) -> str:
    return " ".join(f"{e.guid} {e.title} {e.link} {e.author} {e.content}" for e in parsed.entries) + parsed.title


def test_a_well_formed_feed_gives_its_entries_without_warning():
    parsed = parse_feed(rss(Item("a", link="https://wire.example.org/a"), Item("b")))

    assert [e.guid for e in parsed.entries] == ["a", "b"]
    assert parsed.entries[0].published_at == datetime(2018, 9, 8, 10, 0, tzinfo=UTC)
    assert parsed.warning == ""


def test_malformed_xml_with_readable_entries_is_read_and_the_problem_named():
    parsed = parse_feed(adversarial("malformed_unclosed_tags.xml"))

    assert parsed.entries[0].title == "Strikes on Maarat al-Numan"
    assert "not well-formed XML at line 4" in parsed.warning
    assert "mismatched tag" in parsed.warning


def test_a_wrong_encoding_declaration_is_overridden_and_recorded():
    parsed = parse_feed(adversarial("declared_utf8_bytes_latin1.xml"))

    assert parsed.entries[0].title == "Déplacés à Idlib"
    assert "declared as utf-8, but parsed as windows-1252" in parsed.warning


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("declared_latin1_bytes_utf8.xml", "Sochi \u2013 accord signé"),
        ("no_declaration_utf16le_bom.xml", "إدلب: نزوح المدنيين"),
        ("declared_utf16_but_utf8.xml", "Mismatch"),
    ],
)
def test_missing_or_wrong_declarations_still_decode(name, title):
    assert parse_feed(adversarial(name)).entries[0].title == title


def test_a_feed_without_declaration_is_read_as_utf8():
    body = rss(Item("a", title="Hama \u2013 Idlib")).split(b"\n", 1)[1]

    assert parse_feed(body).entries[0].title == "Hama \u2013 Idlib"


def test_an_empty_feed_is_not_a_failure():
    parsed = parse_feed(adversarial("empty_feed.xml"))

    assert parsed.entries == [] and parsed.warning == "" and parsed.version == "rss20"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "empty document"),
        ("html_instead_of_feed.html", "not an RSS or Atom feed"),
        ("binary_garbage.bin", "not well-formed XML"),
    ],
)
def test_unreadable_input_fails_with_the_reason(name, message):
    with pytest.raises(FeedUnreadable, match=message):
        parse_feed(adversarial(name))


@pytest.mark.parametrize("name", ["billion_laughs.xml", "billion_laughs_one_line.xml"])
def test_entity_bombs_are_not_expanded(name):
    tracemalloc.start()
    try:
        parsed = parse_feed(adversarial(name))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(everything(parsed)) < 1000  # 10**9 "lol"s had they been expanded
    assert "lollol" not in everything(parsed) and "aaaaaaaaaaaaaaaaaaaa" not in everything(parsed)
    assert "undefined entity" in parsed.warning
    assert peak < 5 * 1024 * 1024


def test_the_quadratic_blowup_feedparser_alone_would_expand_is_not_expanded():
    data = adversarial("quadratic_blowup.xml")
    # feedparser keeps "safe" entity declarations and its loose parser expands them: 10 MB from 23 kB here,
    # gigabytes from a few MB. That is why parse_feed removes the DOCTYPE before feedparser sees it.
    alone = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    assert len(alone.entries[0].summary) >= 10_000_000

    parsed = parse_feed(data)

    assert len(everything(parsed)) < 10_000
    assert "AAAAAAAAAA" not in everything(parsed)


@pytest.mark.parametrize(
    "name", ["xxe_file.xml", "xxe_one_line.xml", "xxe_parameter_entity.xml", "xxe_external_dtd.xml"]
)
def test_external_entities_never_read_local_files(name):
    passwd = Path("/etc/passwd").read_text()
    parsed = parse_feed(adversarial(name))

    assert parsed.entries  # the feed itself is readable
    assert "root:" not in everything(parsed)
    assert passwd[:40] not in everything(parsed)


def test_feedparser_alone_does_not_expand_external_entities_either():
    # Verified, not assumed: with the DOCTYPE left in, feedparser drops SYSTEM entities and expat refuses them.
    for name in ("xxe_file.xml", "xxe_one_line.xml"):
        alone = feedparser.parse(io.BytesIO(adversarial(name)), sanitize_html=False, resolve_relative_uris=False)
        assert "root:" not in str(alone.entries)


def test_bytes_that_name_a_local_file_are_parsed_as_bytes(tmp_path):
    secret = tmp_path / "secret-feed.xml"
    secret.write_bytes(rss(Item("local", title="Read from the local disk")))
    # feedparser.parse(bytes) opens the bytes as a path when such a file exists: a response body consisting of
    # a path would read a local file.
    assert feedparser.parse(str(secret).encode()).entries[0].title == "Read from the local disk"

    with pytest.raises(FeedUnreadable):
        parse_feed(str(secret).encode())


def test_surrogate_character_references_do_not_crash_the_parser():
    parsed = parse_feed(adversarial("control_characters.xml"))

    assert parsed.entries and "\ud800" not in parsed.entries[0].content


def test_relative_links_are_resolved_against_the_feed_url():
    parsed = parse_feed(rss(Item("a", link="/2018/09/story")), url="https://wire.example.org/feed.xml")

    assert parsed.entries[0].link == "https://wire.example.org/2018/09/story"


def test_entries_without_guid_fall_back_to_link_then_to_a_digest():
    body = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><title>One</title><link>https://wire.example.org/1</link></item>"
        b"<item><title>Two</title><description>No link either</description></item>"
        b"<item><title>Two</title><description>No link either</description></item>"
        b"</channel></rss>"
    )
    one, two, again = parse_feed(body).entries

    assert one.guid == "https://wire.example.org/1" and "no guid" in one.notes[0]
    assert two.guid.startswith("sha256:") and two.guid == again.guid  # the same entry keeps its key


def test_an_over_long_guid_becomes_a_stable_digest():
    parsed = parse_feed(rss(Item("g" * 5000), Item("g" * 5000)))

    assert parsed.entries[0].guid == parsed.entries[1].guid
    assert parsed.entries[0].guid.startswith("sha256:") and len(parsed.entries[0].guid) < 100


def test_an_unreadable_date_is_noted_not_fatal():
    parsed = parse_feed(rss(Item("a", pub_date="the day after the summit")))

    assert parsed.entries[0].published_at is None
    assert "unreadable date" in parsed.entries[0].notes[0]
