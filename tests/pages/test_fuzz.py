"""Odd query strings on every page and export: a 4xx that says what is wrong, or a 200; never a 500.
And a feed entry whose title carries markup shows as text on every page and export."""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Article, Event
from tests.factories import world

START = date(2024, 3, 1)

URLS = [
    "/", "/timeline/", "/map/", "/actors/", "/actors/russia/", "/places/saraqib/", "/events/feed/",
    "/api/events.csv", "/api/events.json", "/api/events.geojson", "/api/zones.geojson",
]
FILTERED = {"/timeline/", "/map/", "/events/feed/", "/api/events.csv", "/api/events.json", "/api/events.geojson"}

# (query string, a phrase the 400 must contain); None: any 200 is right (the value is legitimate, e.g. free text).
ODD_QUERIES = [
    ("from=2018-13-45", "not a real date"),
    ("to=2024-02-30", "not a real date"),
    ("from=yesterday", "YYYY-MM-DD"),
    ("from=2024-03-01&to=2024-01-01", "is after"),
    ("from=2024-01-01&from=2024-02-01", "given 2 times"),
    ("type=Coup", "Unknown event type"),
    ("type=battles", "Unknown event type"),
    ("sub_type=Armed+clash&type=Protests", "belongs to"),
    ("sub_type=%27%20OR%201%3D1%20--", "Unknown sub-event type"),
    ("actor=%27%20OR%201%3D1%20--", "No actor"),
    ("actor=no-such-actor", "No actor"),
    ("place=nowhere", "No place"),
    ("cursor=99999999999999999999", "must look like"),
    ("cursor=2024-01-01.99999999999999999999", "past any event id"),
    ("cursor=2024-01-01.9999999999999999999", "past any event id"),
    ("cursor=2024-02-31.5", "impossible date"),
    ("cursor=2024-01-01.0", "past any event id"),
    ("q=" + "x" * 5000, "too long"),
    ("q=%00", "control characters"),
    ("governorate=Idl%00ib", "control characters"),
    ("type=" + "&type=".join(["Battles"] * 11), "At most 10"),
    ("q=%27%20OR%201%3D1%20--", None),
    ("q=%22unclosed%20quote", None),
    ("q=" + quote("إدلب غارة"), None),
    ("q=" + quote("!!! & | :* <-> ()"), None),
    ("governorate=%27%3B%20DROP%20TABLE%20events_event%3B%20--", "No governorate"),
    ("governorate=Atlantis", "No governorate"),
    ("governorate=Idlib%25", "No governorate"),
    ("cursor=2024-01-01.5&before=2024-01-01.9", "not both"),
    ("before=2024-02-31.5", "impossible date"),
    ("page=99999999999999999999&utm_source=x", None),
    ("type=Battles&type=Battles", None),
]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def data(db):
    return world(12, start=START)


@pytest.mark.parametrize("query,message", ODD_QUERIES, ids=[q[:40] for q, _ in ODD_QUERIES])
def test_odd_query_strings_get_a_clear_answer(client, data, query, message):
    for url in [*URLS, f"/events/{data.events[0].pk}/"]:
        response = client.get(f"{url}?{query}")
        body = _body(response).decode("utf-8", "replace")
        assert response.status_code != 500, f"{url}?{query[:80]}"
        if url in FILTERED and message is not None:
            assert response.status_code == 400, f"{url}?{query[:80]} gave {response.status_code}"
            assert message in body, f"{url}?{query[:80]}: {body[:300]}"
        elif url in FILTERED:
            assert response.status_code == 200, f"{url}?{query[:80]}: {body[:300]}"


@pytest.mark.parametrize(
    "query,message",
    [
        ("date=2018-13-45", "not a real date"),
        ("date=tomorrow", "YYYY-MM-DD"),
        ("date=2024-01-01&date=2024-02-01", "more than once"),
        ("days=99999999999999999999", "must be one of 7, 30, 90, 365"),
        ("days=-5", "must be one of 7, 30, 90, 365"),
    ],
)
def test_map_and_zones_reject_bad_dates(client, data, query, message):
    for url in ("/map/", "/api/zones.geojson"):
        if url.startswith("/api/") and query.startswith("days"):
            continue
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.content.decode()


def test_error_pages_escape_what_they_quote(client, data):
    response = client.get("/timeline/?from=<script>alert(1)</script>")
    assert response.status_code == 400
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;" in response.content
    api = client.get("/api/events.json?type=<b>x</b>")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/json"
    assert "Unknown event type" in api.json()["messages"][0]


@pytest.mark.parametrize("url", ["/events/99999999999999999999999/", "/events/0/", "/places/%27--/", "/actors/%00/"])
def test_odd_paths_are_404(client, data, url):
    assert client.get(url).status_code == 404


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.lists(
        st.tuples(
            st.sampled_from(["from", "to", "type", "sub_type", "actor", "place", "governorate", "q", "cursor", "x"]),
            st.text(max_size=60),
        ),
        max_size=6,
    )
)
def test_any_query_string_is_200_or_400(client, data, params):
    from urllib.parse import urlencode

    query = urlencode(params)
    for url in ("/timeline/", "/api/events.geojson", "/events/feed/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400), f"{url}?{query}"


SCRIPT = "<script>alert('pwned')</script>"


def test_markup_from_a_feed_is_text_everywhere(client, data):
    """A feed entry titled with a <script> shows as text on every page and export, never as markup."""
    event = data.events[0]
    Event.objects.filter(pk=event.pk).update(title=f"{SCRIPT} Shelling", description=f"{SCRIPT} <b>bold</b>")
    Article.objects.filter(event_sources__event=event).update(title=f"{SCRIPT} headline")
    # Django's templates write the quote as &#x27;, the Jinja2-rendered event lists (MarkupSafe) as &#39;.
    escaped = re.compile(rb"&lt;script&gt;alert\((&#x27;|&#39;)pwned(&#x27;|&#39;)\)&lt;/script&gt;")
    for url in ("/", "/timeline/", f"/events/{event.pk}/", "/places/" + event.place.slug + "/", "/actors/russia/"):
        body = client.get(url).content
        assert SCRIPT.encode() not in body, url
        assert escaped.search(body), url
        assert b"<b>bold</b>" not in body

    atom = client.get("/events/feed/").content.decode()
    assert SCRIPT not in atom
    # The Atom title is text: escaped once for XML. The summary is type="html": escaped twice, so a reader that
    # renders it as HTML shows the characters rather than running them.
    assert "&lt;script&gt;alert('pwned')&lt;/script&gt; Shelling</title>" in atom
    assert "&amp;lt;script&amp;gt;" in atom

    geo = json.loads(client.get("/api/events.geojson").content)
    titles = [f["properties"]["title"] for f in geo["features"]]
    assert f"{SCRIPT} Shelling" in titles  # JSON carries the text; map.js puts it in the page as a text node
    response = client.get("/api/events.json?limit=100")
    assert response["Content-Type"] == "application/json"
    assert "X-Content-Type-Options" in response  # nosniff: a browser never renders it as HTML
