"""Property-based: random entry fields (titles, links, HTML bodies with hostile markup) never crash ingestion,
ingesting them twice adds nothing, and nothing that could run reaches the stored HTML, text or title."""

from __future__ import annotations

import itertools
import re
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.ingest.articles import article_ingest
from events.ingest.parse import FeedUnreadable, parse_feed
from events.models import Article, Feed
from tests.ingest.safety import SCRIPT, assert_safe

# Words of the generated text avoid ":", "=", "<", ">", "&" and "]": any "javascript:" or "on...=" found in the
# stored HTML can then only come from markup, and the text never closes the CDATA section it travels in.
WORDS = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;!?'\"()-/éاد中"), max_size=30)
HOSTILE_ATTRIBUTES = [
    'onclick="alert(1)"',
    "onerror=alert(2)",
    'ONMOUSEOVER="x()"',
    'href="javascript:alert(3)"',
    'href=" JaVaScRiPt:alert(4)"',
    'href="java&#x09;script:alert(5)"',
    'href="&#106;avascript:alert(6)"',
    'src="javascript:alert(7)"',
    'href="data:text/html;base64,PHNjcmlwdD4="',
    'style="background:url(javascript:alert(8))"',
    'href="https://wire.example.org/a"',
    'href="/relative/path"',
    'formaction="javascript:alert(9)"',
    'xlink:href="javascript:alert(10)"',
]
TAGS = ["p", "div", "a", "b", "i", "span", "img", "script", "style", "svg", "iframe", "ul", "li", "table", "td",
        "noscript", "object", "math", "form", "button", "textarea", "title", "h2", "blockquote", "br"]  # fmt: skip


@st.composite
def html_fragment(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 3))
        if kind == 0 or depth > 3:
            parts.append(draw(WORDS))
        elif kind == 1:
            parts.append(draw(st.sampled_from(["Share | Print", "More news: x", "Read more", "<br>", "<hr>"])))
        else:
            tag = draw(st.sampled_from(TAGS))
            attributes = " ".join(draw(st.lists(st.sampled_from(HOSTILE_ATTRIBUTES), max_size=3)))
            inner = draw(html_fragment(depth + 1))
            closing = draw(st.booleans())  # unclosed tags are part of the game
            parts.append(f"<{tag} {attributes}>{inner}" + (f"</{tag}>" if closing else ""))
    return "".join(parts)


TITLES = st.one_of(
    WORDS,
    st.sampled_from(
        [
            "<script>alert(1)</script>Strikes",
            "&lt;script&gt;alert(1)&lt;/script&gt;Talks",
            "<img src=x onerror=alert(1)>Convoy",
            "<svg/onload=alert(1)>",
            "",
        ]
    ),
)
LINKS = st.one_of(
    st.sampled_from(
        [
            "https://wire.example.org/a?utm_source=x",
            "javascript:alert(1)",
            "  https://Wire.Example.org:443/b#frag ",
            "/relative",
            "data:text/html,x",
            "",
        ]
    ),
    WORDS,
)
ENTRY = st.fixed_dictionaries(
    {"guid": st.one_of(WORDS, st.just("")), "title": TITLES, "link": LINKS, "content": html_fragment()}
)
feed_numbers = itertools.count()


def rss_of(entries: list[dict]) -> bytes:
    items = "".join(
        "<item>"
        f"<title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
        + (f"<guid>{escape(e['guid'])}</guid>" if e["guid"] else "")
        + f"<description><![CDATA[{e['content']}]]></description></item>"
        for e in entries
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>P</title>{items}</channel></rss>'.encode()


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(entries=st.lists(ENTRY, min_size=1, max_size=5))
def test_random_entries_are_stored_safely_and_only_once(entries):
    feed = Feed.objects.create(name="prop", url=f"https://prop.example.org/{next(feed_numbers)}.xml", active=False)
    try:
        parsed = parse_feed(rss_of(entries))
    except FeedUnreadable:
        return  # refusing unreadable input is a correct outcome; crashing would not be

    first = article_ingest(feed, parsed.entries)
    stored = Article.objects.count()
    second = article_ingest(feed, parse_feed(rss_of(entries)).entries)

    assert second.new == 0 and Article.objects.count() == stored
    for article in Article.objects.filter(feed=feed):
        assert_safe(article)
        assert not SCRIPT.search(article.html)
        assert "javascript:" not in article.html.lower()
        assert not re.search(r"\bon\w+\s*=", article.html, flags=re.IGNORECASE)
    assert first.failed == 0
