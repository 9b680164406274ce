"""A record that stopped a while ago (the 2018 demo, a feed gone quiet) still reads as data, not as empty pages:
the chart starts where the events do, the dashboard compares the last week that had events, the map can point at
them."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from events.public import selectors
from events.taxonomy import EventType
from tests.factories import make_events, make_place

NEWEST = date(2018, 9, 17)  # a Monday, like the demo's last event


def _json_script(html: str, element_id: str) -> dict:
    return json.loads(re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)[1])


def _week(day: date) -> str:
    """The chart's label of the week holding ``day``: its Monday (the year is added on the first week only)."""
    monday = day - timedelta(days=day.weekday())
    return f"{monday.day} {monday:%b}"


@pytest.fixture
def three_weeks(db):
    """Published events on 17, 14, 12, 8 and 4 September 2018 and nothing since."""
    place = make_place()
    for day, kind in [(NEWEST, EventType.STRATEGIC), (date(2018, 9, 14), EventType.BATTLES),
                      (date(2018, 9, 12), EventType.BATTLES), (date(2018, 9, 8), EventType.EXPLOSIONS),
                      (date(2018, 9, 4), EventType.EXPLOSIONS)]:
        make_events(1, start=day, places=[place], types=[kind])


def test_a_short_record_charts_from_its_first_weeks_not_half_a_year_of_empty_bars(client, three_weeks):
    data = _json_script(client.get("/timeline/").content.decode(), "timeline-chart-data")
    assert len(data["labels"]) == selectors.CHART_MIN_WEEKS
    assert data["labels"][-1] == _week(NEWEST)
    totals = [sum(d["data"][i] for d in data["datasets"]) for i in range(len(data["labels"]))]
    assert totals[-3:] == [2, 2, 1] and sum(totals) == 5  # W36: 4 and 8 Sep; W37: 12 and 14 Sep; W38: 17 Sep
    html = client.get("/timeline/").content.decode()
    assert "30 Jul 2018 \u2013 17 Sep 2018" in html  # the heading names the window drawn


def test_a_long_record_still_charts_the_full_window(client, db):
    make_events(60, start=NEWEST, places=[make_place()], per_day=1, spacing_days=7)  # one a week for 60 weeks
    data = _json_script(client.get("/timeline/").content.decode(), "timeline-chart-data")
    assert len(data["labels"]) == selectors.CHART_WEEKS
    assert all(sum(d["data"][i] for d in data["datasets"]) == 1 for i in range(selectors.CHART_WEEKS))


def test_an_asked_for_range_is_drawn_as_asked_even_when_empty_at_the_start(client, three_weeks):
    data = _json_script(client.get("/timeline/?from=2018-06-04&to=2018-09-17").content.decode(),
                        "timeline-chart-data")
    assert data["labels"][0] == "4 Jun 2018" and data["labels"][-1] == _week(NEWEST)


def test_the_dashboard_compares_the_last_week_with_events_when_nothing_is_recent(client, three_weeks):
    html = client.get("/").content.decode()
    assert "This week against last week" not in html
    assert "Latest week with events against the week before" in html
    assert "from 17 Sep 2018" in html
    comparison = selectors.week_comparison(timezone.localdate(), newest=NEWEST)
    assert (comparison.this_total, comparison.last_total) == (1, 2)  # W38 against W37 (12 and 14 Sep)


def test_the_dashboard_keeps_this_week_when_the_record_is_current(client, db):
    make_events(2, start=timezone.localdate(), places=[make_place()], per_day=2)
    html = client.get("/").content.decode()
    assert "This week against last week" in html


def test_the_map_knows_the_newest_event_so_an_empty_window_can_point_at_it(client, three_weeks):
    config = _json_script(client.get("/map/").content.decode(), "map-config")
    assert config["lastEvent"] == NEWEST.isoformat()
    assert config["date"] == timezone.localdate().isoformat()


def test_the_newest_week_counts_only_to_its_own_date(db):
    # the comparison anchored on a past week never counts events after the newest one (there are none by
    # definition, but the anchor must not move the window past it either)
    make_events(1, start=NEWEST + timedelta(days=1), places=[make_place()], status="candidate")
    comparison = selectors.week_comparison(timezone.localdate(), newest=NEWEST)
    assert comparison.this_week_start == date(2018, 9, 17) and not comparison.is_current
