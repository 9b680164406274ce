"""The review queue: what an editor sees first, and that it costs the same number of queries at any size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from events.models import EventStatus
from tests.admin.builders import ACTOR1, ACTOR2, make_actor, make_article, make_event, make_feed, make_place

QUEUE = reverse("admin:events_event_changelist")


def _fill_queue(n: int) -> None:
    feed = make_feed()
    places = [make_place("Saraqib"), make_place("Ariha")]
    army, hts = make_actor("Syrian Arab Army"), make_actor("Hayat Tahrir al-Sham")
    for i in range(n):
        make_event(
            f"Candidate {i}",
            place=places[i % 2],
            articles=[make_article(feed), make_article(feed)],
            actors=[(army, ACTOR1), (hts, ACTOR2)],
            occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=3 * i),
        )


@pytest.mark.parametrize("size", [5, 200])
def test_queue_query_count_does_not_grow_with_the_queue(editor_client, django_assert_num_queries, size):
    _fill_queue(size)
    # 1 session, 2 user, 3-4 the editor's own and group permissions (cached for the rest of the request),
    # 5 filter "governorate" (distinct Place.admin1), 6 filter "actor" (active actors), 7 filter "feed",
    # 8 COUNT of the filtered queue (the unfiltered total is switched off),
    # 9 the page of 50 events: place joined, source count and first sentence as correlated subqueries,
    # 10 the actor roles of those events with their actors (one prefetch),
    # 11-12 date hierarchy: MIN/MAX of occurred_on, then the distinct years (or months/days) to offer.
    with django_assert_num_queries(12):
        response = editor_client.get(QUEUE)
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert len(rows) == min(size, 50)
    html = response.content.decode()
    assert "Hayat Tahrir al-Sham" in html
    assert "Artillery shelled Saraqib on Monday" in html


def test_queue_opens_on_candidates_newest_first_with_the_columns_to_decide(editor_client):
    feed = make_feed("Enab Baladi")
    place = make_place("Maarat al-Numan", admin1="Idlib")
    army = make_actor("Syrian Arab Army")
    old = make_event("Older candidate", place=place, articles=[make_article(feed)], actors=[(army, ACTOR1)])
    new = make_event(
        "Newest candidate",
        place=place,
        articles=[make_article(feed), make_article(feed), make_article(feed)],
        sentence="Warplanes struck a market in Maarat al-Numan <b>overnight</b>.",
    )
    make_event("Already published", status=EventStatus.PUBLISHED, place=place)

    response = editor_client.get(QUEUE)
    rows = list(response.context["cl"].result_list)
    assert [e.pk for e in rows] == [new.pk, old.pk]
    html = response.content.decode()
    assert "Already published" not in html
    assert "Explosions/Remote violence" in html and "Shelling/artillery/missile attack" in html
    assert "Maarat al-Numan" in html and "Syrian Arab Army" in html
    assert rows[0].n_sources == 3
    # The sentence comes from a feed: shown escaped, never as markup.
    assert "&lt;b&gt;overnight&lt;/b&gt;" in html
    assert "<b>overnight</b>" not in html

    everything = editor_client.get(QUEUE, {"status": "all"})
    assert "Already published" in everything.content.decode()


def test_queue_filters_and_search(editor_client):
    wire, local = make_feed("Wire"), make_feed("Local radio")
    idlib, aleppo = make_place("Saraqib", admin1="Idlib"), make_place("Atarib", admin1="Aleppo")
    russia = make_actor("Russia")
    pilot = make_actor("Russian Aerospace Forces")
    pilot.parent = russia
    pilot.save()
    a = make_event("Strike on Saraqib", place=idlib, articles=[make_article(wire)], actors=[(pilot, ACTOR1)])
    b = make_event(
        "Clashes at Atarib", place=aleppo, articles=[make_article(local, title="Fighting west of Aleppo")]
    )

    def listed(**params):
        return {e.pk for e in editor_client.get(QUEUE, params).context["cl"].result_list}

    assert listed(governorate="Aleppo") == {b.pk}
    assert listed(feed=str(wire.pk)) == {a.pk}
    # An actor's filter includes its members: Russia finds the Aerospace Forces' strike.
    assert listed(actor=str(russia.pk)) == {a.pk}
    assert listed(actor=str(pilot.pk)) == {a.pk}  # a member is filtered on from the actors list's link
    # The sidebar offers the parties, not every member, medium and monitor of the gazetteer.
    afp = make_actor("Agence France-Presse")
    afp.kind = "media"
    afp.save()
    specs = editor_client.get(QUEUE).context["cl"].filter_specs
    choices = [name for _, name in next(f for f in specs if getattr(f, "parameter_name", "") == "actor").lookup_choices]
    assert "Russia" in choices and "Russian Aerospace Forces" not in choices and "Agence France-Presse" not in choices
    actors_page = editor_client.get(reverse("admin:actors_actor_changelist")).content.decode()
    assert f'href="{QUEUE}?actor={pilot.pk}"' in actors_page
    assert listed(q="west of Aleppo") == {b.pk}  # a source's title
    assert listed(q="Saraqib") == {a.pk}
