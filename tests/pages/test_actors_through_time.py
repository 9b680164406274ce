"""Actor pages through time: when an actor existed, who came before it and who took over, which names hold when;
old slugs keep working (a renamed or merged actor's links redirect, saved timeline filters still filter)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from actors.models import Alias, FormerSlug
from tests.factories import make_actor, make_events, make_place

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def lineage():
    army = make_actor("New army", slug="new-army", valid_from=date(2024, 12, 8))
    hts = make_actor("Hayat Tahrir al-Sham", slug="hts", valid_from=date(2017, 1, 28), valid_to=date(2025, 1, 29),
                     successor=army)
    nusra = make_actor("Nusra Front", slug="nusra", valid_to=date(2017, 1, 28), successor=hts)
    Alias.objects.create(actor=army, name="government forces", valid_from=date(2024, 12, 9))
    return nusra, hts, army


@pytest.mark.usefixtures("lineage")
def test_an_actor_page_says_when_it_was_valid_who_preceded_it_and_who_succeeded_it(client):
    page = client.get("/actors/hts/").content.decode()
    text = _text(page)
    assert "Valid 28 Jan 2017 \u2013 29 Jan 2025" in text
    assert "Preceded by Nusra Front (until 28 Jan 2017)" in text
    assert "Succeeded by New army (from 8 Dec 2024)" in text
    assert 'href="/actors/nusra/"' in page and 'href="/actors/new-army/"' in page
    army_page = _text(client.get("/actors/new-army/").content.decode())
    assert "Valid 8 Dec 2024 \u2013 now" in army_page and "Preceded by Hayat Tahrir al-Sham" in army_page
    assert "government forces (from 9 Dec 2024)" in army_page
    # An actor with no dates and no lineage shows no such box.
    assert "Through time" not in client.get(f"/actors/{make_actor('Someone').slug}/").content.decode()


def test_a_former_slug_redirects_to_the_actor_and_still_filters_the_timeline(client):
    sharaa = make_actor("Ahmed al-Sharaa", slug="ahmed-al-sharaa")
    FormerSlug.objects.create(slug="abu-mohammad-al-julani", actor=sharaa)
    response = client.get("/actors/abu-mohammad-al-julani/")
    assert response.status_code == 301 and response["Location"] == "/actors/ahmed-al-sharaa/"
    assert client.get("/actors/nobody-ever/").status_code == 404
    place = make_place("Idlib")
    [event] = make_events(1, start=date(2025, 1, 29), places=[place], actors=[sharaa], title="Sharaa named president")
    page = client.get("/timeline/", {"actor": "abu-mohammad-al-julani"})
    assert page.status_code == 200 and event.title in page.content.decode()
