"""The actors list shows what each actor did (published events, public statements) and sorts by it; an actor's
other names lead to its page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from events.models import EventStatus
from tests.factories import make_actor, make_aliases, make_articles, make_events, make_feed, make_statements

START = date(2024, 3, 1)


@pytest.fixture
def actors(db):
    feed = make_feed()
    hts = make_actor("Hayat Tahrir al-Sham", slug="hayat-tahrir-al-sham")
    make_aliases(hts, ["HTS", "Tahrir al-Sham"])
    army = make_actor("Syrian Arab Army", slug="syrian-arab-army")
    erdogan = make_actor("Recep Tayyip Erdoğan", slug="recep-tayyip-erdogan")
    quiet = make_actor("Quiet Council", slug="quiet-council")
    # HTS: 5 published events (and 3 candidates, which do not count); the army: 2 as actor2 of shared events + 1.
    make_events(5, start=START, actors=[hts])
    make_events(3, start=START, actors=[hts], status=EventStatus.CANDIDATE)
    make_events(2, start=START, actors=[army, hts])
    make_events(1, start=START, actors=[army])
    article = make_articles(feed, 1)[0]
    make_statements(erdogan, article, 4)
    hidden = make_events(1, start=START, status=EventStatus.REJECTED)[0]
    make_statements(army, article, 2, event=hidden, text="Retracted claim")  # tied to a rejected event: not public
    make_statements(army, article, 1, text="We hold the line")
    return {"hts": hts, "army": army, "erdogan": erdogan, "quiet": quiet}


def _rows(html: str) -> list[tuple[str, int, int]]:
    rows = re.findall(
        r'<tr data-actor="([^"]+)">.*?data-col="events">(\d+)</td>\s*<td class="num" data-col="statements">(\d+)</td>',
        html, re.S,
    )
    return [(slug, int(events), int(statements)) for slug, events, statements in rows]


def test_the_list_shows_each_actors_events_and_statements(client, actors):
    response = client.get("/actors/")
    assert response.status_code == 200
    counts = {slug: (events, statements) for slug, events, statements in _rows(response.content.decode())}
    assert counts == {
        "hayat-tahrir-al-sham": (7, 0),
        "syrian-arab-army": (3, 1),
        "recep-tayyip-erdogan": (0, 4),
        "quiet-council": (0, 0),
    }


def test_the_list_sorts_by_events_or_statements_most_first(client, actors):
    by_events = [slug for slug, _, _ in _rows(client.get("/actors/?sort=events").content.decode())]
    assert by_events == ["hayat-tahrir-al-sham", "syrian-arab-army", "quiet-council", "recep-tayyip-erdogan"]
    by_statements = [slug for slug, _, _ in _rows(client.get("/actors/?sort=statements").content.decode())]
    assert by_statements == ["recep-tayyip-erdogan", "syrian-arab-army", "hayat-tahrir-al-sham", "quiet-council"]
    by_name = [slug for slug, _, _ in _rows(client.get("/actors/?sort=name").content.decode())]
    assert by_name == ["hayat-tahrir-al-sham", "quiet-council", "recep-tayyip-erdogan", "syrian-arab-army"]
    html = client.get("/actors/?sort=events").content.decode()
    assert re.search(r'<th scope="col" class="num" aria-sort="descending"><a href="\?sort=events">Events</a>', html)


@pytest.mark.parametrize("query", ["sort=fatalities", "sort=events&sort=name", "sort=%00"])
def test_an_unknown_sort_is_a_400_saying_what_to_use(client, actors, query):
    response = client.get(f"/actors/?{query}")
    assert response.status_code == 400
    assert "must be one of kind, events, statements, name" in response.content.decode()


@pytest.mark.parametrize("alias", ["hts", "HTS", "tahrir-al-sham"])
def test_an_alias_leads_to_the_actors_page(client, actors, alias):
    response = client.get(f"/actors/{alias}/")
    assert response.status_code == 302
    assert response["Location"] == "/actors/hayat-tahrir-al-sham/"
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_name_is_still_a_404(client, actors):
    assert client.get("/actors/no-such-group/").status_code == 404
