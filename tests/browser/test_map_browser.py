"""The map and the small maps in a real browser: events at one place gathered into a numbered cluster that opens
onto its events, markers sized by the dead, the dashboard's map with its legend and the weekly trend chart, and a
place's map showing the towns around it. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from events.taxonomy import EventType
from tests.browser.conftest import screenshot
from tests.factories import make_actor, make_events, make_place, make_zone, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene():
    """Five events at Saraqib this week, one deadly strike at Kafr Nabl and a protest with nobody killed at Atarib,
    under two zones; Sarmin and Idlib city lie around Saraqib."""
    today = timezone.localdate()
    government = make_actor("Syrian government", slug="syrian-government", color="#d62728")
    rebels = make_actor("National Front for Liberation", slug="nfl", color="#98df8a")
    make_zone(rebels, square(36.6, 35.8, 0.3), today - timedelta(days=100), name="Idlib pocket")
    make_zone(government, square(37.1, 35.8, 0.15), today - timedelta(days=100), name="East of the M5")
    saraqib = make_place("Saraqib", slug="saraqib", latitude=35.86, longitude=36.80, admin1="Idlib")
    kafr_nabl = make_place("Kafr Nabl", slug="kafr-nabl", latitude=35.61, longitude=36.56, admin1="Idlib")
    atarib = make_place("Atarib", slug="atarib", latitude=36.14, longitude=36.83, admin1="Aleppo")
    make_place("Sarmin", slug="sarmin", latitude=35.90, longitude=36.72, admin1="Idlib")
    make_place("Idlib", slug="idlib", latitude=35.93, longitude=36.63, admin1="Idlib", kind="city")
    at_saraqib = make_events(5, start=today, places=[saraqib], actors=[government, rebels], per_day=2,
                             title="Shelling on Saraqib", types=[EventType.EXPLOSIONS])
    Event.objects.filter(pk__in=[e.pk for e in at_saraqib]).update(fatalities=2)
    strike = make_events(1, start=today - timedelta(days=1), places=[kafr_nabl], actors=[government],
                         title="Air strike on the Kafr Nabl market", types=[EventType.EXPLOSIONS])[0]
    Event.objects.filter(pk=strike.pk).update(fatalities=49)
    protest = make_events(1, start=today - timedelta(days=2), places=[atarib], actors=[rebels],
                          title="Protest in Atarib", types=[EventType.PROTESTS])[0]
    Event.objects.filter(pk=protest.pk).update(fatalities=None)
    return {"saraqib": at_saraqib, "strike": strike, "protest": protest}


def _wait_map(page) -> None:
    page.wait_for_function("() => document.getElementById('map').getAttribute('aria-busy') === 'false'")


def _size(locator) -> float:
    box = locator.bounding_box()
    return box["width"]


def test_events_at_one_place_gather_into_a_cluster_with_their_count(page, scene):
    page.goto("/map/?days=7")
    _wait_map(page)
    cluster = page.locator("#map .event-cluster")
    assert cluster.count() == 1
    assert cluster.inner_text().strip() == "5"
    assert cluster.locator(".event-cluster__disc").get_attribute("aria-label") == "5 events, 10 killed"
    # The two lone events are plain markers, the one with 49 dead much larger than the one with none reported.
    markers = page.locator("#map path.event-marker")
    assert markers.count() == 2
    small, large = sorted(_size(markers.nth(i)) for i in range(2))
    assert large > 2.5 * small
    assert page.locator("#legend-sizes .legend__item").count() == 3
    screenshot(page, "map-clusters", full_page=False)

    # Opening the cluster shows its five events (spread apart, as they share one spot), each leading to its page.
    cluster.click()
    page.wait_for_function("() => document.getElementById('map').dataset.opened === '5'")
    assert page.locator("#map path.event-marker").count() == 7
    titles = set()
    for i in range(7):
        marker = page.locator("#map path.event-marker").nth(i)
        marker.click(force=True)
        link = page.locator(".leaflet-popup-content a")
        link.wait_for()
        titles.add(link.inner_text())
        if i < 6:
            page.locator(".leaflet-popup-close-button").click()
            page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    assert sum(title.startswith("Shelling on Saraqib") for title in titles) == 5
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    assert page.locator("h1").inner_text() == title
    page.problems.assert_clean()
    assert any("leaflet.markercluster" in url for url in page.problems.served_from_cdn)


def test_the_dashboard_shows_a_legend_for_its_map_and_the_weekly_trend(page, scene):
    page.goto("/")
    page.wait_for_function("() => document.querySelector('[data-spotmap]').dataset.zones === '2'")
    legend = page.locator("[data-spotmap-legend] .legend__item").all_inner_texts()
    assert sorted(t.strip() for t in legend) == ["National Front for Liberation", "Syrian government"]
    # Each legend swatch has its zone's colour.
    colours = page.locator("[data-spotmap-legend] .legend__swatch").evaluate_all(
        "els => els.map(e => getComputedStyle(e).borderTopColor)"
    )
    assert sorted(colours) == ["rgb(152, 223, 138)", "rgb(214, 39, 40)"]

    page.wait_for_selector("canvas[data-trend].chart-drawn")
    series = page.evaluate(
        """() => { const chart = Chart.getChart(document.querySelector("canvas[data-trend]"));
                   const out = {}; chart.data.datasets.forEach(d => { out[d.label] = d.data; }); return out; }"""
    )
    assert sum(series["Events"]) == 7
    assert sum(series["People killed"]) == 5 * 2 + 49
    assert page.evaluate(
        """() => { const c = document.querySelector("canvas[data-trend]");
                  const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) return true; } return false; }"""
    )
    this_week = series["People killed"][-1]
    assert page.locator("#stat-fatalities .stat__value").inner_text() == str(this_week)
    screenshot(page, "dashboard-trend", full_page=False)
    page.problems.assert_clean()


def test_a_place_map_shows_the_place_among_the_towns_around_it(page, scene):
    page.goto("/places/saraqib/")
    spot = page.locator("[data-spotmap]")
    page.wait_for_function("() => document.querySelector('[data-spotmap]').dataset.zones === '2'")
    assert spot.get_attribute("data-nearby") == "4"
    # A name moved to hover-only fades out: Leaflet keeps its node, at opacity 0, for 200 ms before removing it.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-spotmap] .leaflet-tooltip')]
                     .every(e => getComputedStyle(e).opacity !== '0')"""
    )
    # Names and boxes read in one step, so that no label can come or go between two reads.
    shown = spot.locator(".leaflet-tooltip").evaluate_all(
        """els => els.map(e => { const r = e.getBoundingClientRect();
                                 return {text: e.innerText, x: r.x, y: r.y, width: r.width, height: r.height}; })"""
    )
    labels = [s["text"] for s in shown]
    assert "Saraqib" in labels and len(labels) >= 3
    # No shown name covers another; a neighbour whose name would (Sarmin, close by) is named on hover.
    boxes = shown
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
                        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]), labels
    if "Sarmin" not in labels:
        spot.locator("path.nearby-place").first.hover(force=True)
        spot.locator(".leaflet-tooltip", has_text="Sarmin").wait_for()
    # The neighbours are inside the frame, not off-screen at a fixed zoom.
    frame = spot.bounding_box()
    for dot in spot.locator("path.nearby-place").all():
        box = dot.bounding_box()
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    assert spot.locator("path.zone").count() == 2
    assert spot.locator(".leaflet-control-scale").count() == 1
    screenshot(page, "place-map", full_page=False)
    spot.locator("path.nearby-place").first.click(force=True)  # a neighbour leads to its own page
    page.wait_for_url(re.compile(r"/places/(sarmin|idlib|kafr-nabl|atarib)/$"))
    assert page.locator("h1").inner_text() in {"Sarmin", "Idlib", "Kafr Nabl", "Atarib"}
    page.problems.assert_clean()
