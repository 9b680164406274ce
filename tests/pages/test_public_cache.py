"""Repeat visits cost little, and never show an outdated record.

Anonymous public pages and APIs carry ETag / Last-Modified from the record's version, answer a matching conditional
request with 304, and are served from the cache (no SQL at all) until the record changes: a publish, reject or
merge, an admin edit, or a change of actors and places drops them. Editors (with a session) never get a cached
page. The cache is the configured one: local memory on the embedded default, Redis under REDIS_URL.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from actors.models import Actor, ActorKind
from events import freshness
from events.curation.services import event_merge, event_publish, event_reject
from tests.factories import world

START = date(2024, 3, 1)
PUBLIC_URLS = [
    "/", "/timeline/", "/timeline/?type=Battles", "/map/?date=2024-02-20&days=30", "/actors/", "/api/zones.geojson",
    "/api/events.geojson?from=2024-01-01", "/events/feed/",
]


@pytest.fixture
def built(db):
    return world(20, start=START, candidates=2)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_repeat_visit_is_served_from_the_cache_without_sql(client, built, django_assert_num_queries, url):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert _body(again) == _body(first)
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
    # What the middleware around the view added the first time (the CSP, framing) is on the cached copy too.
    assert again["Content-Type"] == first["Content-Type"]
    assert again.get("Content-Security-Policy") == first.get("Content-Security-Policy")
    assert not again.cookies


@pytest.mark.parametrize("url", ["/timeline/", "/actors/russia/", "/api/events.csv?type=Battles",
                                 "/api/zones.geojson?date=2024-02-20"])
def test_conditional_requests_get_304_with_no_body(client, built, django_assert_num_queries, url):
    first = client.get(url)
    _body(first)
    etag, modified = first["ETag"], first["Last-Modified"]
    with django_assert_num_queries(0):
        by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == etag
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert by_date.status_code == 304
    # Another representation's tag is not a match.
    assert client.get(url, HTTP_IF_NONE_MATCH='"0-other"').status_code == 200


def test_publishing_drops_the_cached_pages_and_changes_the_etag(client, built):
    candidate = built.candidates[0]
    before = client.get("/timeline/")
    assert candidate.title not in before.content.decode()
    assert client.get(f"/events/{candidate.pk}/").status_code == 404

    event_publish(candidate, None)

    after = client.get("/timeline/")
    assert f'id="event-{candidate.pk}-title"' in after.content.decode()
    assert after["ETag"] != before["ETag"]
    # The old tag no longer matches: a browser revalidating gets the new page, not a 304.
    assert client.get("/timeline/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    assert client.get(f"/events/{candidate.pk}/").status_code == 200
    assert str(candidate.pk).encode() in _body(client.get("/api/events.csv?type=" + candidate.event_type))


def test_rejecting_and_merging_drop_the_cached_pages(client, built):
    shown, other = built.events[0], built.events[1]
    assert client.get(f"/events/{shown.pk}/").status_code == 200
    event_reject(shown, None, "Duplicate of a wire story")
    assert client.get(f"/events/{shown.pk}/").status_code == 404

    assert client.get(f"/events/{other.pk}/").status_code == 200
    event_merge(built.events[2], [other], None)
    assert client.get(f"/events/{other.pk}/").status_code == 404


def test_an_admin_edit_of_an_event_shows_at_once(client, built):
    event = built.events[0]
    assert "Renamed by an editor" not in client.get(f"/events/{event.pk}/").content.decode()
    event.title = "Renamed by an editor"
    event.save()  # what the admin's form does
    assert "Renamed by an editor" in client.get(f"/events/{event.pk}/").content.decode()


def test_a_new_actor_is_suggested_in_the_filter_form(client, built):
    assert client.get("/api/suggest/actors?q=freshly").json()["results"] == []  # now cached
    Actor.objects.create(name="Freshly approved front", slug="freshly-approved", kind=ActorKind.MILITIA)
    assert client.get("/api/suggest/actors?q=freshly").json()["results"] == [
        {"value": "freshly-approved", "label": "Freshly approved front"}
    ]


def test_editors_never_get_the_public_copy(client, built, django_user_model):
    candidate = built.candidates[0]
    client.get("/timeline/")  # the public copy is now cached
    editor = django_user_model.objects.create_user("ed", password="x-long-password-1", is_staff=True)
    client.force_login(editor)
    html = client.get("/timeline/").content.decode()
    assert f'id="event-{candidate.pk}-title"' in html and "badge--unreviewed" in html


def test_no_cache_when_every_page_needs_a_login(client, built, settings, django_user_model):
    client.get("/timeline/")
    settings.SITE_LOGIN_REQUIRED = True
    assert client.get("/timeline/").status_code == 302


def test_writes_in_one_transaction_bump_the_version_once_more_on_commit(db, django_capture_on_commit_callbacks):
    before = freshness.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            Actor.objects.create(name=f"Bulk actor {n}", slug=f"bulk-actor-{n}", kind=ActorKind.MILITIA)
        during = freshness.version()
    # At once (the writer's next read is fresh), then once per version kind at commit, however many rows.
    assert during > before
    assert sorted(c.__name__ for c in callbacks if c.__name__.startswith("idlib-freshness")) == [
        "idlib-freshness-record", "idlib-freshness-reference"
    ]
    assert freshness.version() > during


def test_a_lost_version_only_invalidates(client, built):
    from django.core.cache import cache

    first = client.get("/timeline/")
    cache.delete("idlib:version:record")
    again = client.get("/timeline/")
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_pages_render_every_time_when_caching_is_off(client, built, settings, django_assert_num_queries):
    settings.PUBLIC_CACHE_SECONDS = 0
    client.get("/events/feed/")
    with django_assert_num_queries(3):
        response = client.get("/events/feed/")
    assert response.status_code == 200 and response["ETag"]


def test_last_modified_is_never_before_today_and_a_new_day_is_a_new_page(client, built):
    """Pages say "this week" and default to today: after midnight a client revalidating with yesterday's validators
    must get today's page even though the record did not change."""
    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.http import http_date, parse_http_date

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    two_days_ago = int(midnight.timestamp()) - 2 * 86400
    cache.set("idlib:version:record", two_days_ago * 1_000_000)  # the record last changed two days ago
    response = client.get("/")
    assert parse_http_date(response["Last-Modified"]) == int(midnight.timestamp())
    yesterday = http_date(int(midnight.timestamp()) - 3600)
    assert client.get("/", HTTP_IF_MODIFIED_SINCE=yesterday).status_code == 200


def test_an_editors_control_change_is_on_the_map_at_once(client, db):
    """The zones GeoJSON is cut from the control history: recording a change drops the cached map."""
    from events.territory.services import control_change_record
    from tests.factories import make_actor, make_place

    place = make_place("Saraqib test town", latitude=35.86, longitude=36.8)
    rebels, army = make_actor("Rebel front"), make_actor("Army test corps")
    control_change_record(place, rebels, date(2024, 1, 1), source="test")
    url = "/api/zones.geojson?date=2024-03-01"
    before = client.get(url)
    assert "Rebel front" in before.content.decode()
    control_change_record(place, army, date(2024, 2, 1), source="test")
    after = client.get(url).content.decode()
    assert "Army test corps" in after and "Rebel front" not in after
