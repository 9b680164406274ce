"""The founding article, through the real write path: Article row -> articles_extract -> rows an editor reviews."""

from __future__ import annotations

from datetime import date

import pytest

from actors.models import Actor, ActorStatus, Statement
from events.extract.dates import dates_find
from events.extract.store import articles_extract
from events.models import EventStatus
from tests.extract.conftest import make_article

pytestmark = pytest.mark.django_db

PUBLISHED = date(2018, 9, 7)  # the feed entry's date for the seed file


@pytest.fixture
def founding(gazetteer_db, founding_article_text):
    article = make_article(founding_article_text, published=PUBLISHED)
    report = articles_extract([article.pk])
    assert report.errors == []
    article.refresh_from_db()
    return article


def _chain(actor: Actor) -> list[str]:
    chain = []
    while actor is not None:
        chain.append(actor.slug)
        actor = actor.parent
    return chain


def test_actors_resolve_through_aliases_titles_and_parents(founding):
    assert founding.is_relevant is True and founding.extracted_at is not None
    actors = {a.slug: a for a in founding.actors.select_related("parent__parent")}
    assert _chain(actors["vladimir-putin"]) == ["vladimir-putin", "russia"]
    assert _chain(actors["recep-tayyip-erdogan"]) == ["recep-tayyip-erdogan", "turkey"]
    assert _chain(actors["hassan-rouhani"]) == ["hassan-rouhani", "iran"]
    assert _chain(actors["steven-mnuchin"]) == ["steven-mnuchin", "united-states"]
    assert _chain(actors["maria-zakharova"]) == ["maria-zakharova", "russian-foreign-ministry", "russia"]
    assert {
        "hayat-tahrir-al-sham", "islamic-state", "syrian-government", "white-helmets", "sohr", "united-states",
        "white-house", "russian-armed-forces", "national-front-for-liberation",
    } <= set(actors)
    # "More news:" teasers contribute nothing, not even a proposal.
    assert "donald-trump" not in actors
    assert not Actor.objects.filter(name__iregex=r"google|kaepernick|nike|supreme court").exists()
    assert not Actor.objects.filter(status=ActorStatus.PROPOSED).exists()


def test_places_include_modified_and_foreign_ones(founding):
    places = set(founding.places.values_list("slug", flat=True))
    # "Idlib" in this article is the province the summit was about (docs/coding-guide.md, section 3).
    assert {"idlib-governorate", "hama-governorate", "tehran", "douma", "sarman", "aleppo"} == places


def test_statements_and_their_speakers(founding):
    statements = list(Statement.objects.filter(article=founding).select_related("speaker"))
    by_text = {s.text: s for s in statements}

    def one(fragment: str) -> Statement:
        (match,) = [s for text, s in by_text.items() if fragment in text]
        return match

    putin = one("against a ceasefire")
    assert (putin.speaker.slug, putin.is_direct) == ("vladimir-putin", False)
    warning = one("reckless escalation")
    assert (warning.speaker.slug, warning.said_on) == ("united-states", date(2018, 9, 5))  # "on Wednesday"
    mnuchin = one("millions of innocent people")
    assert (mnuchin.speaker.slug, mnuchin.is_direct, mnuchin.speaker_text) == (
        "steven-mnuchin", True, "Treasury Secretary Steven Mnuchin",
    )
    assert one("air strikes were targeting").speaker.slug == "sohr"
    assert one("barrels of chlorine").speaker.slug == "maria-zakharova"
    assert one("swiftly and vigorously").speaker.slug == "white-house"
    assert one("shot down dozens").speaker.slug == "russian-armed-forces"
    for unattributed in ("Turkey's aim in Idlib", "we are killing", "The Turks have shown", "he cautioned"):
        assert one(unattributed).speaker is None
    assert one("he cautioned").speaker_text == "Sources"
    assert not [s for s in statements if any(w in s.text for w in ("Trump", "Google", "Kaepernick"))]
    assert all(s.sentence in founding.text for s in statements)


def test_events_are_typed_placed_and_sourced(founding):
    events = list(founding.events.select_related("place").prefetch_related("actor_roles__actor"))
    kinds = {(e.event_type, e.sub_event_type) for e in events}
    assert {
        ("Strategic developments", "Agreement"),
        ("Explosions/Remote violence", "Air/drone strike"),
        ("Strategic developments", "Other"),
        ("Strategic developments", "Disrupted weapons use"),
    } <= kinds
    assert all(e.status == EventStatus.CANDIDATE for e in events)
    summit = next(e for e in events if e.sub_event_type == "Agreement")
    assert summit.place.slug == "tehran"
    assert {r.actor.slug for r in summit.actor_roles.all()} == {
        "vladimir-putin", "recep-tayyip-erdogan", "hassan-rouhani",
    }
    strike = next(e for e in events if e.sub_event_type == "Air/drone strike")
    assert strike.place.slug in ("hama-governorate", "idlib-governorate")
    # Reported by SOHR: its statement points at the event, and SOHR is not made an actor of the strike.
    assert Statement.objects.get(article=founding, event=strike).speaker.slug == "sohr"
    assert "sohr" not in {r.actor.slug for r in strike.actor_roles.all()}
    others = [e for e in events if e.sub_event_type == "Other"]
    assert len(others) == 2  # the troop build-up and the chemical-weapons allegation
    buildup = next(e for e in others if "massing" in e.description)
    assert {r.actor.slug for r in buildup.actor_roles.all()} == {"syrian-government"}
    assert any("chlorine" in e.description for e in others)
    drones = next(e for e in events if e.sub_event_type == "Disrupted weapons use")
    assert {r.actor.slug for r in drones.actor_roles.all()} == {"russian-armed-forces"}
    for source in founding.event_sources.all():
        assert source.sentence in founding.text and "More news" not in source.sentence


def test_photo_caption_date():
    caption = (
        "A Syrian woman sits on a straw mat next to children outside a tent at a camp for displaced civilians "
        "fleeing from advancing government forces near the village of Sarman in the rebel-held northwestern "
        "Idlib province, September 1, 2018."
    )
    (found,) = dates_find(caption, PUBLISHED)
    assert (found.value, found.precision) == (date(2018, 9, 1), "day")
