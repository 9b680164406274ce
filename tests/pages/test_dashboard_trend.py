"""The dashboard's trend of events and deaths per week, the latest week's dead, and the place page's neighbours."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from django.utils import timezone

from events.models import Event, EventStatus, PlaceKind
from events.public import selectors
from tests.factories import make_events, make_place


def _json_script(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _dead(events: list[Event], n: int | None) -> None:
    Event.objects.filter(pk__in=[e.pk for e in events]).update(fatalities=n)


def test_trend_counts_events_and_fatalities_per_week_and_the_tile_shows_the_latest(client, db):
    today = timezone.localdate()
    monday = _monday(today)
    place = make_place()
    _dead(make_events(3, start=today, places=[place], per_day=3), 4)  # this week: 3 events, 12 dead
    _dead(make_events(2, start=monday - timedelta(days=2), places=[place], per_day=2), 5)  # last week: 2, 10
    _dead(make_events(1, start=monday - timedelta(days=3), places=[place], per_day=1), None)  # last week, unknown
    _dead(make_events(4, start=monday - timedelta(weeks=30), places=[place], per_day=4), 50)  # outside the window
    _dead(make_events(2, start=today, places=[place], per_day=2, status=EventStatus.CANDIDATE), 99)  # unpublished

    html = client.get("/").content.decode()
    data = _json_script(html, "trend-chart-data")
    # The record starts last week: the chart starts CHART_MIN_WEEKS back, not with TREND_WEEKS of nothing.
    assert len(data["labels"]) == len(data["events"]) == len(data["fatalities"]) == selectors.CHART_MIN_WEEKS
    assert data["weekStarts"][-1] == monday.isoformat()
    assert (data["events"][-1], data["fatalities"][-1]) == (3, 12)
    assert (data["events"][-2], data["fatalities"][-2]) == (3, 10)
    assert sum(data["events"]) == 6 and sum(data["fatalities"]) == 22
    tile = re.search(r'id="stat-fatalities">(.*?)</div>', html, re.S).group(1)
    assert re.search(r'stat__value">12<', tile) and "last week 10" in tile
    assert 'data-trend="trend-chart-data"' in html and "<td>12</td>" in html  # the chart and its table


def test_the_trend_covers_twelve_weeks_of_a_longer_record(client, db):
    today = timezone.localdate()
    place = make_place()
    for weeks_ago in range(20):
        make_events(1, start=today - timedelta(weeks=weeks_ago), places=[place], per_day=1)
    data = _json_script(client.get("/").content.decode(), "trend-chart-data")
    assert len(data["weekStarts"]) == selectors.TREND_WEEKS and data["events"] == [1] * selectors.TREND_WEEKS


def test_a_record_that_stopped_ends_its_trend_at_its_last_week(client, db):
    place = make_place()
    last = date(2018, 9, 7)
    _dead(make_events(2, start=last, places=[place], per_day=2), 3)
    html = client.get("/").content.decode()
    data = _json_script(html, "trend-chart-data")
    assert data["weekStarts"][-1] == _monday(last).isoformat()
    assert data["fatalities"][-1] == 6
    assert re.search(r'id="stat-fatalities">.*?stat__value">6<.*?the week before 0', html, re.S)


def test_a_place_map_gets_the_places_around_it_nearest_first(client, db):
    home = make_place("Saraqib", slug="saraqib", latitude=35.86, longitude=36.80, admin1="Idlib")
    make_place("Sarmin", slug="sarmin", latitude=35.90, longitude=36.72, admin1="Idlib")
    make_place("Idlib", slug="idlib", latitude=35.93, longitude=36.63, admin1="Idlib", kind=PlaceKind.CITY)
    make_place("Idlib governorate", slug="idlib-governorate", latitude=35.85, longitude=36.79,
               kind=PlaceKind.GOVERNORATE)  # a centroid, not a spot on the ground
    make_place("Aleppo", slug="aleppo", latitude=36.20, longitude=37.16)  # out of the box
    html = client.get("/places/saraqib/").content.decode()
    config = _json_script(html, "place-map-config")
    assert config["point"] == [home.latitude, home.longitude]
    assert [p["name"] for p in config["nearby"]] == ["Sarmin", "Idlib"]
    assert config["nearby"][1] == {"name": "Idlib", "point": [35.93, 36.63], "url": "/places/idlib/", "major": True}
