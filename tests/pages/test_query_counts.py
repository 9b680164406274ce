"""Every page and export issues the same number of SQL queries at 10 and at 500 events: no query per row.

The comment on each case lists the queries. Anonymous requests, so no session or user lookup is counted."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import world

START = date(2024, 3, 1)


def _pages(built) -> dict[str, tuple[str, int]]:
    event = built.events[0]
    middle = built.events[len(built.events) // 2]
    return {
        # events page + its actor roles + its sources; this week's counts by type; events and fatalities per
        # week over the trend's 12 weeks; newest statements; latest weekly summary
        "dashboard": ("/", 7),
        # page of 51 rows (place joined) + actor roles + sources; matching events counted with those newer than
        # the page (one aggregate: "events 51-100 of 1,240"); chart: newest matching date + weekly counts;
        # form choices: the governorates (once per reference version: the first request after a change)
        "timeline": ("/timeline/", 7),
        # as above, plus the actor's member ids (one recursive CTE), the place's id and name and the
        # governorate's spelling (given in lower case), minus the chart's newest-date lookup (the range is given)
        "timeline filtered": (
            "/timeline/?actor=russia&type=Battles&type=Explosions%2FRemote+violence&governorate=idlib"
            "&place=saraqib&q=Event&from=2023-01-01&to=2024-12-31",
            9,
        ),
        # as the first page, from the middle of the data
        "timeline deep": (f"/timeline/?cursor={middle.occurred_on.isoformat()}.{middle.pk}", 7),
        # the page of newer events above the middle (50 rows read oldest-first), same queries
        "timeline newer": (f"/timeline/?before={middle.occurred_on.isoformat()}.{middle.pk}", 7),
        # first published event date; zone validity dates; the cached control maps' dates (for the slider)
        "map": ("/map/?date=2024-02-20&days=30", 3),
        # the cached control map of the date (derived areas); drawn zones valid on the date, controller joined
        "zones geojson": ("/api/zones.geojson?date=2024-02-20", 2),
        # matching events with a place, place joined, newest first, capped
        "events geojson": ("/api/events.geojson?from=2024-01-01&to=2024-03-01&type=Battles", 1),
        # the governorate's spelling; one keyset chunk of up to 2000 events + its actor roles + its sources
        # (three queries a chunk)
        "csv": ("/api/events.csv?governorate=Idlib", 4),
        "json": ("/api/events.json?type=Battles", 3),
        # one page of the JSON API: the same three queries for limit + 1 rows (the extra row says there is a next)
        "json page": ("/api/events.json?limit=100", 3),
        # newest 50 events + actor roles + sources
        "atom": ("/events/feed/?type=Battles", 3),
        # actor (parent and successor joined); member ids (CTE); aliases; members; predecessors; statements of
        # actor and members; zones it controls; its events page + roles + sources; chart: newest date + weekly counts
        "actor": ("/actors/russia/", 12),
        # event (place joined) + actor roles + sources; its statements (speaker and article joined)
        "event": (f"/events/{event.pk}/", 4),
        # place; its newest events + roles + sources; its control history (controller joined); the zones whose
        # bounding box holds it (point-in-polygon in Python); the places in a box around it (capped)
        "place": ("/places/saraqib/", 7),
        # active actors, parent joined, each with its published-event and public-statement counts (two correlated
        # subqueries in the same statement)
        "actor list": ("/actors/", 1),
        "actor list by events": ("/actors/?sort=events", 1),
        # the filter form's typeahead: one query each, capped at ten rows
        "place suggestions": ("/api/suggest/places?q=sar", 1),
        "actor suggestions": ("/api/suggest/actors?q=ru", 1),
    }


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize(
    "name",
    ["dashboard", "timeline", "timeline filtered", "timeline deep", "timeline newer", "map", "zones geojson",
     "events geojson", "csv", "json", "json page", "atom", "actor", "event", "place", "actor list",
     "actor list by events", "place suggestions", "actor suggestions"],
)
def test_query_count_is_constant(client, django_assert_num_queries, size, name):
    built = world(size, start=START)
    url, expected = _pages(built)[name]
    with django_assert_num_queries(expected):
        response = client.get(url)
        body = _body(response)  # streaming exports run their queries while being read
    assert response.status_code == 200, body[:500]
    assert len(body) > (50 if "suggest" in url else 200)


@pytest.mark.django_db
def test_the_filter_form_costs_no_query_until_the_reference_data_changes(client, django_assert_num_queries, settings):
    """The timeline rendered again (page cache off): the form's governorate list comes from the cache; a place
    added (the admin's save) brings back its one reference query once, and the new governorate is offered."""
    from events.models import Place

    settings.PUBLIC_CACHE_SECONDS = 0
    world(10, start=START)
    client.get("/timeline/")
    # the actor's member ids (CTE); page + roles + sources; the count of matching and newer events; chart: newest
    # date + weekly counts
    with django_assert_num_queries(7):
        html = client.get("/timeline/?actor=russia").content.decode()
    assert 'name="actor" value="russia"' in html and 'id="f-actor-chosen">Russia<' in html
    Place.objects.create(name="Qamishli", slug="qamishli", latitude=37.05, longitude=41.22, admin1="Al-Hasakah")
    with django_assert_num_queries(7):
        html = client.get("/timeline/").content.decode()
    assert '<option value="Al-Hasakah">Al-Hasakah</option>' in html
