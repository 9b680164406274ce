"""The filter form's typeahead: actors and places suggested as the reader types, and what a typed name means."""

from __future__ import annotations

from datetime import date

import pytest

from actors.models import Actor, ActorKind, Alias
from events.models import Event, EventStatus, Place
from tests.factories import world

START = date(2024, 3, 1)


@pytest.fixture
def built(db):
    return world(10, start=START)


def _results(client, kind: str, text: str) -> list[dict[str, str]]:
    response = client.get(f"/api/suggest/{kind}", {"q": text})
    assert response.status_code == 200
    return response.json()["results"]


def test_places_are_suggested_by_the_start_of_their_name_first(client, built):
    Place.objects.create(name="Tal Saraqib Farms", slug="tal-saraqib-farms", latitude=35.9, longitude=36.8,
                         admin1="Idlib")
    found = _results(client, "places", "SARA")
    assert found[0] == {"value": "saraqib", "label": "Saraqib, Idlib"}  # starts with it, in any case
    assert {"value": "tal-saraqib-farms", "label": "Tal Saraqib Farms, Idlib"} in found[1:]
    assert _results(client, "places", "") == []
    assert _results(client, "places", "no such village") == []


def test_actors_are_found_by_an_alias_without_its_accents(client, built):
    turkey = Actor.objects.create(name="Turkish Armed Forces", slug="turkish-armed-forces", kind=ActorKind.STATE_FORCES)
    Alias.objects.create(actor=turkey, name="Erdoğan's army")
    assert {"value": "turkish-armed-forces", "label": "Turkish Armed Forces"} in _results(client, "actors", "erdogan")


def test_at_most_ten_suggestions_and_bad_input_is_a_clear_400(client, built):
    for n in range(15):
        Place.objects.create(name=f"Kafr Village {n:02}", slug=f"kafr-village-{n:02}", latitude=35.5, longitude=36.5)
    assert len(_results(client, "places", "kafr village")) == 10
    too_long = client.get("/api/suggest/places", {"q": "x" * 101})
    assert too_long.status_code == 400 and "too long" in too_long.json()["messages"][0]
    assert client.get("/api/suggest/places?q=a&q=b").status_code == 400
    assert client.get("/api/suggest/places", {"q": "sar\x00"}).status_code == 400
    assert client.get("/api/suggest/weapons?q=sar").status_code == 404


def test_markup_in_a_name_comes_back_as_json_text(client, built):
    Place.objects.create(name="<img src=x onerror=alert(1)>", slug="markup-village", latitude=35.5, longitude=36.5)
    response = client.get("/api/suggest/places", {"q": "<img"})
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"][0]["label"].startswith("<img")


def test_a_typed_name_filters_like_the_slug_and_the_links_use_the_slug(client, built):
    expected = Event.objects.filter(place__slug="saraqib", status=EventStatus.PUBLISHED).count()
    assert expected
    for typed in ("saraqib", "Saraqib", " SARAQIB "):
        html = client.get("/timeline/", {"place": typed}).content.decode()
        assert f"of <strong>{expected}</strong>" in html, typed
        assert 'name="place" value="saraqib"' in html and 'id="f-place-chosen">Saraqib<' in html
    by_actor_name = client.get("/timeline/", {"actor": "RUSSIA"}).content.decode()
    assert 'name="actor" value="russia"' in by_actor_name and 'id="f-actor-chosen">Russia<' in by_actor_name
    missing = client.get("/timeline/", {"place": "Atlantis"})
    assert missing.status_code == 400 and "No place" in missing.content.decode()
