"""What analysts see on the pages and in the exports: the right events, in the right order, filtered as asked."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from base64 import b64encode
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.utils import timezone

from events import exports
from events.models import ControlZone, Event, EventStatus, SummaryStatus, WeeklySummary
from events.public import selectors
from events.public.presentation import TYPE_COLORS, TYPE_CSS
from events.taxonomy import EventType
from events.territory.geo import geometry_contains
from idlib_tracker.cdn import CDN_ASSETS
from tests.factories import (
    make_actor,
    make_articles,
    make_events,
    make_feed,
    make_place,
    make_statements,
    make_zone,
    square,
    world,
)

START = date(2024, 3, 1)
ATOM = "{http://www.w3.org/2005/Atom}"


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode()


def _event_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="event-(\d+)-title"', html)]


def _next_link(html: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', html)
    return match[1].replace("&amp;", "&") if match else None


@pytest.fixture
def built(db):
    return world(30, start=START)


# --- Timeline ------------------------------------------------------------------------------------------------


def test_timeline_groups_by_day_newest_first_with_type_place_actors_and_sources(client, built):
    html = _body(client.get("/timeline/"))
    days = re.findall(r'<h3 class="day__title"[^>]*><time datetime="([\d-]+)"', html)
    assert days == sorted(set(days), reverse=True)
    assert days[0] == START.isoformat()
    first = built.events[0]
    article = first.event_sources.get().article
    title_at = html.index(f'id="event-{first.pk}-title"')
    item = html[html.rindex("<article", 0, title_at): html.index("</article>", title_at)]
    assert first.event_type in item and first.sub_event_type in item
    assert f'href="/places/{first.place.slug}/"' in item
    assert f'href="/actors/{built.unit.slug}/"' in item  # actor1 of event 0
    assert f'href="{article.url}" rel="noopener nofollow"' in item


def test_public_sees_published_only_and_editors_see_candidates_marked(client, built, django_user_model):
    candidate = built.candidates[0]
    html = _body(client.get("/timeline/"))
    assert candidate.pk not in _event_ids(html)
    assert "Unreviewed" not in html
    assert client.get(f"/events/{candidate.pk}/").status_code == 404
    for url in ("/api/events.csv", "/api/events.json", "/api/events.geojson", "/events/feed/"):
        assert "Unreviewed claim" not in _body(client.get(url, follow=True)), url

    editor = django_user_model.objects.create_user("ed", password="x-long-password-1", is_staff=True)
    client.force_login(editor)
    html = _body(client.get("/timeline/"))
    assert candidate.pk in _event_ids(html)
    assert html.count("badge--unreviewed") == len(built.candidates)
    detail = _body(client.get(f"/events/{candidate.pk}/"))
    assert "Unreviewed." in detail and "the public does not see it" in detail
    # Exports stay published-only whoever asks: they are shared further than a page.
    assert "Unreviewed claim" not in _body(client.get("/api/events.csv", follow=True))


def test_keyset_pages_walk_every_event_once_in_order(client, db):
    place = make_place()
    # 7 a day, so page boundaries fall inside a day and the (date, id) tie-break matters.
    events = make_events(123, start=START, places=[place], per_day=7)
    seen: list[int] = []
    url: str | None = "/timeline/"
    pages = 0
    while url:
        html = _body(client.get(url if url.startswith("/") else "/timeline/" + url))
        seen += _event_ids(html)
        url = _next_link(html)
        pages += 1
    expected = [e.pk for e in sorted(events, key=lambda e: (e.occurred_on, e.pk), reverse=True)]
    assert seen == expected
    assert pages == 3  # 50 + 50 + 23, without a COUNT


def _timeline_ids(client, query: str) -> set[int]:
    """Every event id the timeline shows for a query, following the pages."""
    ids: set[int] = set()
    url: str | None = "/timeline/?" + query
    while url:
        html = _body(client.get(url if url.startswith("/") else "/timeline/" + url))
        ids |= set(_event_ids(html))
        url = _next_link(html)
    return ids


def test_actor_filter_includes_members_at_any_depth(client, built):
    unit_events = {e.pk for e in Event.objects.filter(actors=built.unit, status=EventStatus.PUBLISHED)}
    state_events = {e.pk for e in Event.objects.filter(actors=built.state, status=EventStatus.PUBLISHED)}
    assert unit_events and state_events
    # Russia -> Vladimir Putin -> Russian Aerospace Forces: the grandchild's events count for Russia.
    assert _timeline_ids(client, "actor=russia") == unit_events | state_events
    assert _timeline_ids(client, "actor=russian-aerospace-forces") == unit_events
    html = _body(client.get("/timeline/?actor=russia"))
    assert "Russia and members" in html


def test_type_place_governorate_and_date_filters(client, built):
    published = Event.objects.filter(status=EventStatus.PUBLISHED)
    battles = {e.pk for e in published.filter(event_type=EventType.BATTLES)}
    assert _timeline_ids(client, "type=Battles") == battles
    assert _timeline_ids(client, "sub_type=Armed+clash") == battles
    aleppo = {e.pk for e in published.filter(place__admin1="Aleppo")}
    assert aleppo and _timeline_ids(client, "governorate=Aleppo") == aleppo
    saraqib = {e.pk for e in published.filter(place__slug="saraqib")}
    assert _timeline_ids(client, "place=saraqib") == saraqib
    week = {e.pk for e in published.filter(occurred_on__range=(START - timedelta(days=3), START - timedelta(days=1)))}
    assert week and _timeline_ids(client, f"from={START - timedelta(days=3)}&to={START - timedelta(days=1)}") == week


def test_free_text_search(client, built, db):
    Event.objects.filter(pk=built.events[3].pk).update(title="Air strikes hit the market in Saraqib")
    Event.objects.filter(pk=built.events[4].pk).update(description="Artillery shelled the market at dawn.")
    assert _timeline_ids(client, "q=market") == {built.events[3].pk, built.events[4].pk}


def test_full_text_search_uses_websearch_syntax_on_postgresql(client, built, postgres):
    Event.objects.filter(pk=built.events[3].pk).update(title="Air strikes hit the market in Saraqib")
    Event.objects.filter(pk=built.events[4].pk).update(title="Air strike on a bakery", description="No market.")
    # Stemming: "strike" finds "strikes"; "-market" excludes; a quoted phrase must appear as such.
    assert _timeline_ids(client, "q=strike") == {built.events[3].pk, built.events[4].pk}
    assert _timeline_ids(client, "q=strike+-market") == set()
    assert _timeline_ids(client, "q=strike+-bakery") == {built.events[3].pk}
    assert _timeline_ids(client, 'q="air strikes hit"') == {built.events[3].pk}


def test_weekly_chart_counts_the_filtered_set_in_sql(client, built):
    html = _body(client.get("/timeline/?type=Battles"))
    data = json.loads(re.search(r'<script id="timeline-chart-data" type="application/json">(.*?)</script>', html,
                                re.S)[1])
    battles = Event.objects.filter(status=EventStatus.PUBLISHED, event_type=EventType.BATTLES)
    assert [d["label"] for d in data["datasets"]] == ["Battles"]
    assert sum(data["datasets"][0]["data"]) == battles.count()
    by_week: dict[str, int] = {}
    for event in battles:
        monday = (event.occurred_on - timedelta(days=event.occurred_on.weekday())).isoformat()
        by_week[monday] = by_week.get(monday, 0) + 1
    for monday, n in zip(data["weekStarts"], data["datasets"][0]["data"], strict=True):
        assert n == by_week.get(monday, 0)
    assert data["datasets"][0]["backgroundColor"] == TYPE_COLORS[EventType.BATTLES]
    last_monday = START - timedelta(days=START.weekday())
    assert data["weekStarts"][-1] == last_monday.isoformat()
    # Weeks are labelled by their Monday as a reader writes it, the year on the first one.
    assert data["labels"][-1].startswith(f"{last_monday.day} {last_monday:%b}")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", data["labels"][0])
    # A record shorter than the window starts near its first week (tests/pages/test_quiet_record.py says more).
    assert selectors.CHART_MIN_WEEKS <= len(data["labels"]) <= selectors.CHART_WEEKS


def test_filters_survive_into_export_and_feed_links(client, built):
    html = _body(client.get("/timeline/?type=Battles&governorate=Idlib"))
    for path in ("/api/events.csv", "/api/events.json", "/api/events.geojson", "/events/feed/", "/map/"):
        assert f'href="{path}?type=Battles&amp;governorate=Idlib"' in html, path


# --- Exports -------------------------------------------------------------------------------------------------


def test_csv_export_has_acled_columns_and_values(client, built):
    response = client.get("/api/events.csv?type=Battles")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert list(rows[0])[:3] == ["event_id_cnty", "event_date", "year"]  # the full list: tests/pages/test_csv_export.py
    battles = Event.objects.filter(status=EventStatus.PUBLISHED, event_type=EventType.BATTLES)
    assert sorted(int(r["event_id_cnty"].removeprefix("SYR")) for r in rows) == sorted(e.pk for e in battles)
    first = built.events[0]
    row = next(r for r in rows if r["event_id_cnty"] == f"SYR{first.pk}")
    assert row["event_date"] == first.occurred_on.isoformat()
    assert row["actor1"] == built.unit.name and row["actor2"] == built.rebels.name
    assert row["admin1"] == first.place.admin1 and row["location"] == first.place.name
    assert float(row["latitude"]) == first.place.latitude and float(row["longitude"]) == first.place.longitude
    assert row["source"] == "Levant Wire"
    assert row["fatalities"] == str(first.fatalities or 0)  # ACLED writes 0 where no figure is reported


def test_csv_cells_cannot_start_a_formula(client, built):
    for prefix, event in zip(["=", "+", "-", "@", "\t", "\r"], built.events, strict=False):
        Event.objects.filter(pk=event.pk).update(
            title=f"{prefix}HYPERLINK(\"http://evil.example\")", description=f"{prefix}cmd|' /C calc'!A0"
        )
    built.feed.name = "=IMPORTXML(\"x\")"
    built.feed.save()
    rows = list(csv.DictReader(io.StringIO(_body(client.get("/api/events.csv?from=2000-01-01")))))
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    notes = {r["notes"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in notes and "'@cmd|' /C calc'!A0" in notes
    assert rows[0]["source"] == "'=IMPORTXML(\"x\")"


def test_exports_stream_every_event_across_chunks(client, db, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 7)
    monkeypatch.setattr(exports.export_chunks, "__defaults__", (7,))
    events = make_events(30, start=START, places=[make_place()], per_day=4)
    rows = list(csv.DictReader(io.StringIO(_body(client.get("/api/events.csv?from=2000-01-01")))))
    assert [int(r["event_id_cnty"].removeprefix("SYR")) for r in rows] == [
        e.pk for e in sorted(events, key=lambda e: (e.occurred_on, e.pk), reverse=True)
    ]
    data = json.loads(_body(client.get("/api/events.json?from=2024-02-27&type=Battles&type=Protests")))
    assert data["filters"] == {"from": "2024-02-27", "type": ["Battles", "Protests"]}
    assert {e["event_type"] for e in data["events"]} == {"Battles", "Protests"}
    data = json.loads(_body(client.get("/api/events.json?from=2024-02-27")))
    assert {e["event_id"] for e in data["events"]} == {e.pk for e in events if e.occurred_on >= date(2024, 2, 27)}


def test_atom_feed_is_filtered_and_links_to_events(client, built):
    response = client.get("/events/feed/?type=Battles&governorate=Idlib")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    expected = Event.objects.filter(status=EventStatus.PUBLISHED, event_type=EventType.BATTLES,
                                    place__admin1="Idlib").order_by("-occurred_on", "-id")
    assert [e.find(f"{ATOM}title").text for e in entries] == [e.title for e in expected]
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/events/{expected[0].pk}/")
    assert root.find(f"{ATOM}title").text == "Idlib Tracker: events (filtered)"
    assert "type=Battles" in root.find(f"{ATOM}link[@rel='self']").get("href")


def test_geojson_endpoints(client, built):
    zones = client.get(f"/api/zones.geojson?date={START}").json()
    assert sorted(f["properties"]["name"] for f in zones["features"]) == ["M5 corridor", "Western Idlib"]
    # valid_to is exclusive: on the switch day the old pocket is gone and the new zones hold.
    switch = START - timedelta(days=10)
    day_before = client.get(f"/api/zones.geojson?date={switch - timedelta(days=1)}").json()
    assert [f["properties"]["name"] for f in day_before["features"]] == ["Idlib pocket"]
    assert day_before["features"][0]["properties"]["color"] == built.rebels.color
    events = client.get(f"/api/events.geojson?from={START}&to={START}").json()
    assert len(events["features"]) == 3
    feature = events["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["url"] == f"/events/{feature['id']}/"
    assert feature["properties"]["color"] == TYPE_COLORS[feature["properties"]["event_type"]]


# --- Other pages ---------------------------------------------------------------------------------------------


def test_dashboard_compares_weeks_and_shows_the_latest_summary(client, db):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    place = make_place()
    make_events(4, start=today, places=[place], per_day=4, types=[EventType.PROTESTS])
    make_events(6, start=monday - timedelta(days=1), places=[place], per_day=6, types=[EventType.PROTESTS])
    comparison = selectors.week_comparison(today)
    protests = next(r for r in comparison.rows if r["type"] == EventType.PROTESTS)
    assert (protests["this"], protests["last"], protests["change"]) == (4, 6, -2)
    WeeklySummary.objects.create(week_start=monday - timedelta(weeks=2), status=SummaryStatus.PUBLISHED,
                                 lead="Old news.")
    WeeklySummary.objects.create(week_start=monday - timedelta(weeks=1), status=SummaryStatus.PUBLISHED,
                                 lead="Fighting eased around Saraqib.")
    WeeklySummary.objects.create(week_start=monday, status=SummaryStatus.DRAFT, lead="Draft, not public.")
    html = _body(client.get("/"))
    assert "Fighting eased around Saraqib." in html
    assert "Draft, not public." not in html and "Old news." not in html


def test_actor_page(client, built):
    html = _body(client.get("/actors/russia/"))
    assert "Russian Federation" in html  # alias
    assert 'href="/actors/vladimir-putin/"' in html  # member
    statements = re.findall(r"(We will respond \(\d\)|Our strikes hit only terrorists \(\d\))", html)
    assert statements[0].startswith(("We will respond (0)", "Our strikes hit only terrorists (0)"))
    assert "M5 corridor" in html  # a zone it controls
    ids = _event_ids(html)
    unit_or_state = set(Event.objects.filter(actors__in=[built.unit, built.state],
                                             status=EventStatus.PUBLISHED).values_list("id", flat=True))
    assert ids and set(ids) <= unit_or_state
    assert 'id="actor-chart-data"' in html
    putin = _body(client.get("/actors/vladimir-putin/"))
    assert 'part of <a href="/actors/russia/">Russia</a>' in putin
    assert client.get("/actors/nobody/").status_code == 404


def test_event_page_lists_sources_statements_and_spot(client, built):
    event = built.events[0]
    html = _body(client.get(f"/events/{event.pk}/"))
    article = event.event_sources.get().article
    assert f'<a href="{article.url}" rel="noopener nofollow">{article.title}</a>' in html
    assert "Our strikes hit only terrorists (0)" in html
    config = json.loads(re.search(r'<script id="event-map-config" type="application/json">(.*?)</script>', html)[1])
    assert config["point"] == [event.place.latitude, event.place.longitude]
    assert config["date"] == event.occurred_on.isoformat()


def test_place_page_says_who_controlled_it_when(client, built):
    html = _body(client.get("/places/saraqib/"))
    table = html[html.index('id="control-title"'): html.index('id="place-events-title"')]
    assert re.findall(r'<td><a href="/actors/([\w-]+)/">', table) == ["russia", "hts"]  # newest first
    assert "Western Idlib" not in table  # a zone that does not contain Saraqib
    saraqib_events = Event.objects.filter(place__slug="saraqib", status=EventStatus.PUBLISHED)
    assert set(_event_ids(html)) == set(saraqib_events.values_list("id", flat=True))
    assert "Held by then" in html


def test_place_page_follows_a_redrawn_zone_and_reads_zones_written_without_a_box(client, built):
    """The place page reads only the zones whose bounding box holds the place: a zone an editor redraws over it
    appears (its box moves with the geometry), and a zone a bulk write left without a box is still read."""
    western = next(z for z in built.zones if z.name == "Western Idlib")
    western.geometry = square(36.79, 35.79, 0.1)  # now over Saraqib (36.80 E, 35.86 N)
    western.save(update_fields=["geometry"])
    ControlZone.objects.filter(name="M5 corridor").update(west=None, south=None, east=None, north=None)

    def zones_shown() -> list[str]:
        html = _body(client.get("/places/saraqib/"))
        table = html[html.index('id="control-title"'): html.index('id="place-events-title"')]
        return re.findall(r"</a></td><td>([^<]+)</td>", table)

    assert zones_shown() == ["M5 corridor", "Western Idlib", "Idlib pocket"]
    western.geometry = square(36.2, 35.95, 0.1)  # moved away again
    western.save(update_fields=["geometry"])
    assert zones_shown() == ["M5 corridor", "Idlib pocket"]


def test_point_in_polygon_with_holes_and_multipolygons():
    outer = square(36.6, 35.9, 0.5)["coordinates"][0]
    hole = square(36.6, 35.9, 0.1)["coordinates"][0]
    donut = {"type": "Polygon", "coordinates": [outer, hole]}
    assert geometry_contains(donut, 36.9, 35.9)
    assert not geometry_contains(donut, 36.6, 35.9)
    assert not geometry_contains(donut, 37.2, 35.9)
    multi = {"type": "MultiPolygon", "coordinates": [square(36.0, 35.0, 0.1)["coordinates"],
                                                     square(37.0, 36.0, 0.1)["coordinates"]]}
    assert geometry_contains(multi, 37.05, 36.05) and not geometry_contains(multi, 36.5, 35.5)


def test_map_page_passes_its_settings_as_json_not_code(client, built):
    html = _body(client.get(f"/map/?date={START}&days=7&type=Battles"))
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)[1])
    assert config["date"] == START.isoformat() and config["days"] == 7
    assert config["filters"] == "type=Battles"
    assert config["tiles"] == settings.MAP_TILES_URL
    assert (START - timedelta(days=10)).isoformat() in config["changes"]
    assert config["typeColors"] == {str(k): v for k, v in TYPE_COLORS.items()}


def test_login_required_switch(client, built, settings, django_user_model):
    settings.SITE_LOGIN_REQUIRED = True
    for url in ("/", "/timeline/", "/map/", "/api/events.csv", "/events/feed/", "/actors/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("reader", password="x-long-password-2"))
    assert client.get("/timeline/").status_code == 200


# --- Front-end hygiene ---------------------------------------------------------------------------------------


def test_no_inline_script_or_style_on_any_page(client, built):
    """The CSP has no 'unsafe-inline': every <script> is a file or JSON data, no style="" attribute, no on*=."""
    event = built.events[0]
    for url in ("/", "/timeline/", "/map/", "/actors/", "/actors/russia/", f"/events/{event.pk}/",
                "/places/saraqib/", "/timeline/?from=bad"):
        html = _body(client.get(url))
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="' in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url
        for tag in re.findall(r'<(?:script|link)\b[^>]*cdn\.jsdelivr\.net[^>]*>', html):
            assert 'integrity="sha384-' in tag and 'crossorigin="anonymous"' in tag, tag


def test_cdn_hashes_match_the_npm_files():
    package = json.loads((settings.BASE_DIR / "package.json").read_text())
    node_modules = settings.BASE_DIR / "node_modules"
    if not (node_modules / "leaflet").is_dir():
        from tests.conftest import require

        require(False, "node_modules is missing: run `npm ci`")
    for asset in CDN_ASSETS.values():
        assert package["dependencies"][asset.package] == asset.version
        installed = json.loads((node_modules / asset.package / "package.json").read_text())["version"]
        assert installed == asset.version
        digest = hashlib.sha384((node_modules / asset.package / asset.path).read_bytes()).digest()
        assert asset.integrity == "sha384-" + b64encode(digest).decode()
        assert asset.url == f"https://cdn.jsdelivr.net/npm/{asset.package}@{asset.version}/{asset.path}"
        assert settings.CDN_ORIGIN in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]


def test_css_type_colours_match_the_chart_and_map_colours():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    for event_type, color in TYPE_COLORS.items():
        assert f".{TYPE_CSS[event_type]} {{ --type-color: {color}; }}" in css


def test_zone_colour_and_names_from_the_database_are_escaped(client, db):
    rebels = make_actor('"><script>x</script>', slug="evil", color="#123456")
    make_zone(rebels, square(36.6, 35.9, 0.2), date(2020, 1, 1))
    feed = make_feed()
    make_events(1, start=START, places=[make_place()], actors=[rebels], feed=feed)
    for url in ("/actors/", "/actors/evil/", "/timeline/"):
        html = _body(client.get(url))
        assert "<script>x</script>" not in html, url


def test_reported_speech_reads_as_a_sentence_and_quotes_keep_their_words(client, db):
    article = make_articles(make_feed(), 1)[0]
    speaker = make_actor("Recep Tayyip Erdoğan")
    make_statements(speaker, article, 2, start=timezone.localdate(), text="the agreement would prevent a crisis")
    html = _body(client.get("/"))
    assert "The agreement would prevent a crisis (1)" in html  # reported: capitalised, no quotation marks
    assert "\u201cthe agreement would prevent a crisis (0)\u201d" in html  # quoted: exactly as said


def test_roles_read_as_initiator_and_target_only_in_attacks(client, db):
    place, russia, hts = make_place(), make_actor("Russia"), make_actor("Hayat Tahrir al-Sham")
    (strike,) = make_events(1, places=[place], actors=[russia, hts], types=[EventType.EXPLOSIONS])
    (clash,) = make_events(1, places=[place], actors=[russia, hts], types=[EventType.BATTLES])
    strike_page, clash_page = _body(client.get(f"/events/{strike.pk}/")), _body(client.get(f"/events/{clash.pk}/"))
    assert "<dt>Actor 1 (initiator)</dt>" in strike_page
    # A clash has two sides: neither is "the target".
    assert "<dt>Actor 1</dt>" in clash_page and "target" not in clash_page and "initiator" not in clash_page


def test_no_template_source_shows_on_a_page(client, built):
    """A template comment or tag written wrong (Django's {# #} ends at the line's end) prints its source as text:
    the timeline once showed its form's comment above the filters."""
    event = built.events[0]
    for url in ("/", "/timeline/", "/timeline/?place=saraqib", "/map/", f"/events/{event.pk}/", "/places/saraqib/",
                "/actors/", "/actors/russia/", "/summaries/", "/alerts/"):
        html = _body(client.get(url))
        for marker in ("{#", "#}", "{%", "%}", "{{ "):  # (JSON in a script may end "}}")
            assert marker not in html, (url, marker)
