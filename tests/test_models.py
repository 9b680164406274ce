"""The data model's own guarantees: constraints the database enforces and validation with clear messages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Alias
from actors.names import normalize_name
from events.models import Article, ControlZone, Event, EventStatus
from events.taxonomy import EventType, SubEventType
from tests.factories import make_actor, make_aliases, make_feed, square

pytestmark = pytest.mark.django_db

# PostgreSQL names the violated unique constraint; SQLite names its columns instead.
FEED_GUID = r"article_feed_guid_unique|events_article\.feed_id, events_article\.guid"
URL = r"article_url_unique|events_article\.url"
# PostgreSQL names the constraint; SQLite names the columns of the (partial) unique index.
ALIAS = r"alias_normalized_open_(start|end)_unique|actors_alias\.normalized"


def _article(feed, **fields) -> Article:
    values = {"guid": "urn:1", "url": "", "title": "Idlib", "content_hash": "0" * 64, **fields}
    return Article.objects.create(feed=feed, **values)


def test_the_same_entry_of_a_feed_is_stored_once():
    feed = make_feed()
    _article(feed, guid="urn:entry-1", url="https://news.example.org/a")
    with pytest.raises(IntegrityError, match=FEED_GUID), transaction.atomic():
        _article(feed, guid="urn:entry-1", url="https://news.example.org/b")
    # Another feed may use the same guid: guids are only unique within their feed.
    other = _article(make_feed(), guid="urn:entry-1", url="https://news.example.org/c")
    assert other.pk


def test_the_same_url_from_two_feeds_is_stored_once_but_articles_without_a_link_are_allowed():
    first, second = make_feed(), make_feed()
    _article(first, guid="a", url="https://news.example.org/idlib-offensive")
    with pytest.raises(IntegrityError, match=URL), transaction.atomic():
        _article(second, guid="b", url="https://news.example.org/idlib-offensive")
    _article(first, guid="c", url="")
    _article(second, guid="d", url="")
    assert Article.objects.filter(url="").count() == 2


def test_a_name_resolves_to_one_actor_whatever_its_case_and_accents():
    erdogan, other = make_actor("Recep Tayyip Erdoğan"), make_actor("Someone else")
    make_aliases(erdogan, ["Erdoğan"])
    assert normalize_name("ERDOGAN") == normalize_name("Erdoğan") == "erdogan"
    with pytest.raises(IntegrityError, match=ALIAS), transaction.atomic():
        Alias.objects.create(actor=other, name="ERDOGAN")
    with pytest.raises(IntegrityError, match=ALIAS), transaction.atomic():
        Alias.objects.create(actor=erdogan, name="Erdogan")
    found = Alias.objects.select_related("actor").get(normalized=normalize_name("erdoğan"))
    assert found.actor == erdogan


def test_an_alias_made_only_of_punctuation_is_refused():
    with pytest.raises(IntegrityError, match="alias_normalized_not_empty"), transaction.atomic():
        Alias.objects.create(actor=make_actor(), name=" -'- ")


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {"type": "Polygon", "coordinates": [[[36.5, 35.8], [36.7, 35.8], [36.7, 36.0], [36.5, 36.0]]]},
            "Polygon ring 1: the ring is not closed (its first and last positions differ).",
        ),
        ({"type": "Point", "coordinates": [36.6, 35.9]}, "The geometry type must be Polygon or MultiPolygon, not 'Point'."),
        (
            {"type": "Polygon", "coordinates": [[[35.9, 36.6], [35.9, 196.7], [36.0, 36.7], [35.9, 36.6]]]},
            "Polygon ring 1: [35.9, 196.7] is out of range (GeoJSON order is [longitude, latitude]).",
        ),
        (
            {"type": "Polygon", "coordinates": [[[36.5, 95.8], [36.7, 35.8], [36.7, 36.0], [36.5, 95.8]]]},
            "Polygon ring 1: [36.5, 95.8] is out of range (GeoJSON order is [longitude, latitude]).",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [[[[36.5, 35.8], [36.7, 35.8], [36.5, 35.8]]]]},
            "MultiPolygon polygon 1 ring 1: a linear ring needs at least four positions.",
        ),
        ({"type": "Polygon", "coordinates": [[["36.5", "35.8"]] * 4]}, "coordinates must be numbers"),
        ("POLYGON((36.5 35.8, 36.7 35.8))", "The geometry must be a GeoJSON object"),
    ],
)
def test_a_bad_zone_geometry_is_refused_with_a_message_saying_what_is_wrong(geometry, message):
    controller = make_actor("Hayat Tahrir al-Sham")
    zone = ControlZone(name="Bad", controller=controller, valid_from=date(2018, 9, 1), geometry=geometry)
    with pytest.raises(ValidationError) as form_error:
        zone.full_clean()
    assert message in " ".join(form_error.value.messages)
    # save() validates too, so a service or a shell cannot store it either.
    with pytest.raises(ValidationError):
        zone.save()
    assert not ControlZone.objects.exists()


def test_a_valid_multipolygon_zone_is_stored_and_its_end_must_follow_its_start():
    controller = make_actor("National Front for Liberation")
    geometry = {"type": "MultiPolygon", "coordinates": [square(36.6, 35.8, 0.1)["coordinates"],
                                                        square(36.9, 36.2, 0.05)["coordinates"]]}
    zone = ControlZone(name="NFL", controller=controller, valid_from=date(2018, 9, 1), geometry=geometry)
    zone.full_clean()
    zone.save()
    assert ControlZone.objects.get().geometry == geometry
    with pytest.raises(IntegrityError, match="zone_valid_to_after_valid_from"), transaction.atomic():
        ControlZone.objects.filter(pk=zone.pk).update(valid_to=date(2018, 9, 1))


def _event(**fields) -> Event:
    values = {"title": "Air strikes on Khan Shaykhun", "occurred_on": date(2018, 9, 4),
              "event_type": EventType.EXPLOSIONS, "sub_event_type": SubEventType.AIR_DRONE_STRIKE, **fields}
    return Event.objects.create(**values)


def test_an_event_sub_type_must_belong_to_its_type():
    assert _event().pk
    with pytest.raises(IntegrityError, match="event_sub_type_matches_type"), transaction.atomic():
        _event(event_type=EventType.BATTLES, sub_event_type=SubEventType.AIR_DRONE_STRIKE)
    with pytest.raises(IntegrityError, match="event_sub_type_matches_type"), transaction.atomic():
        _event(event_type=EventType.PROTESTS, sub_event_type=SubEventType.AGREEMENT)


def test_a_merged_event_must_point_at_its_survivor_and_only_a_merged_one_may():
    survivor = _event()
    with pytest.raises(IntegrityError, match="event_merged_has_survivor"), transaction.atomic():
        _event(status=EventStatus.MERGED)
    with pytest.raises(IntegrityError, match="event_merged_has_survivor"), transaction.atomic():
        _event(status=EventStatus.PUBLISHED, merged_into=survivor)
    merged = _event(status=EventStatus.MERGED, merged_into=survivor)
    assert list(survivor.merged_events.all()) == [merged]
    with pytest.raises(IntegrityError, match="event_not_merged_into_itself"), transaction.atomic():
        Event.objects.filter(pk=merged.pk).update(merged_into=merged)
