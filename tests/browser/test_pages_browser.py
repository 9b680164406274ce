"""The analysts' pages in a real browser: charts drawn with data, filters applied through the form, the map's zones
changing with the date, a popup followed to its event, feed text shown as text, no CSP violation or console error.
Screenshots of each page go to artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import ControlZone, Event, EventStatus
from events.taxonomy import EventType
from tests.browser.conftest import screenshot
from tests.factories import make_events, make_zone, square, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> Shelling near Sarmin'

# (headline, sub-event type, days between two such events), one per ACLED type in taxonomy order.
HEADLINES = [
    ("Clashes on the Kafr Nabl front line", "Armed clash", 4),
    ("Air strikes hit the market in Saraqib", "Air/drone strike", 3),
    ("Gunmen attack a family home near Atarib", "Attack", 9),
    ("Protest against bread prices in Idlib city", "Peaceful protest", 8),
    ("Crowd storms an aid warehouse in Sarmada", "Mob violence", 12),
    ("Agreement to reopen the Bab al-Hawa crossing", "Agreement", 10),
]


@pytest.fixture
def demo():
    today = timezone.localdate()
    built = world(0, start=today, candidates=0)
    events = []
    for i, (headline, sub_type, spacing) in enumerate(HEADLINES):
        events += make_events(
            14, start=today - timedelta(days=i), places=built.places, actors=[built.unit, built.rebels, built.state],
            feed=built.feed, title=headline, per_day=1, spacing_days=spacing, numbered=False,
            types=[EventType.values[i]], sub_type=sub_type, description="Reported by two local monitors; casualty figures unconfirmed.",
        )
    hostile = make_events(1, start=today - timedelta(days=6), places=built.places[1:], actors=[built.rebels],
                          feed=built.feed, title=SCRIPT_TITLE, per_day=1)[0]
    Event.objects.filter(pk=hostile.pk).update(title=SCRIPT_TITLE)
    built.events = events
    built.hostile = hostile
    return built


def _chart_totals(page) -> dict[str, int]:
    return page.evaluate(
        """() => {
            const chart = Chart.getChart(document.querySelector("canvas[data-chart]"));
            const out = {};
            chart.data.datasets.forEach(d => { out[d.label] = d.data.reduce((a, b) => a + b, 0); });
            return out;
        }"""
    )


def _wait_map_date(page, day: str) -> None:
    # A function, not a string: Playwright evaluates strings with eval, which the page's CSP forbids.
    page.wait_for_function("(day) => document.getElementById('map').dataset.date === day", arg=day)


def test_timeline_chart_and_filter(page, demo):
    page.goto("/timeline/")
    page.wait_for_selector("canvas.chart-drawn")
    totals = _chart_totals(page)
    assert sum(totals.values()) == len(demo.events) + 1
    assert len([t for t, n in totals.items() if n]) == 6
    # The canvas really has pixels drawn on it, not just a configured chart object.
    assert page.evaluate(
        """() => { const c = document.querySelector("canvas[data-chart]");
                  const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) return true; } return false; }"""
    )
    # Feed text with markup shows as text and never runs.
    assert page.get_by_text("<script>window.__pwned = 1</script>", exact=False).count() >= 1
    assert page.evaluate("window.__pwned") is None
    screenshot(page, "timeline", full_page=False)
    screenshot(page, "timeline-full")

    page.select_option("#f-type", "Battles")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"type=Battles"))
    page.wait_for_selector("canvas.chart-drawn")
    totals = _chart_totals(page)
    assert list(totals) == ["Battles"] and totals["Battles"] == 14 + 1  # the hostile entry is a battle too
    badges = page.locator(".event .type-badge").all_inner_texts()
    assert badges and set(badges) == {"Battles"}
    page.problems.assert_clean()
    assert any("chart.js" in url for url in page.problems.served_from_cdn)


def test_place_and_actor_are_typed_with_suggestions(page, demo):
    """The filter form offers places and actors as the reader types (no 600-option lists), and a chosen
    suggestion filters the timeline."""
    page.goto("/timeline/")
    assert page.locator("#f-place-list option").count() == 0  # nothing shipped with the page
    page.locator("#f-place").press_sequentially("sara", delay=30)
    page.wait_for_function("() => document.querySelector('#f-place').dataset.suggested !== undefined")
    options = page.locator("#f-place-list option").evaluate_all("els => els.map(e => [e.value, e.label])")
    assert ["saraqib", "Saraqib, Idlib"] in options
    page.locator("#f-actor").press_sequentially("russ", delay=30)
    page.wait_for_function("() => document.querySelector('#f-actor').dataset.suggested !== undefined")
    assert "russia" in page.locator("#f-actor-list option").evaluate_all("els => els.map(e => e.value)")
    page.locator("#f-place").fill("saraqib")  # what choosing the suggestion puts in the field
    page.locator("#f-actor").fill("")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"place=saraqib"))
    assert page.locator("#f-place-chosen").inner_text() == "Saraqib"
    places = page.locator('.event .event__facts a[href^="/places/"]').all_inner_texts()
    assert places and set(places) == {"Saraqib"}
    assert len(places) == page.locator(".event").count()
    page.problems.assert_clean()


def test_map_zones_follow_the_date_and_popup_leads_to_event(page, demo):
    today = timezone.localdate()
    page.goto("/map/")
    _wait_map_date(page, today.isoformat())
    zones_now = page.locator("#map path.zone").count()
    legend_now = page.locator("#legend-zones .legend__item").all_inner_texts()
    assert zones_now == 2  # Western Idlib (rebels) and the M5 corridor (Russia)
    assert len(legend_now) == 2
    # Events at one place are gathered into clusters whose counts add up to the events in the window.
    shown = int(re.search(r"; (\d+) events? from", page.locator("#map-status").inner_text()).group(1))
    clusters = [int(n) for n in page.locator("#map .event-cluster").all_inner_texts()]
    assert clusters and sum(clusters) + page.locator("#map path.event-marker").count() == shown
    screenshot(page, "map", full_page=False)

    before = (today - timedelta(days=30)).isoformat()
    page.fill("#map-date", before)
    page.dispatch_event("#map-date", "change")
    _wait_map_date(page, before)
    assert page.locator("#map path.zone").count() == 1  # the whole pocket, before the switch
    legend_before = page.locator("#legend-zones .legend__item").all_inner_texts()
    assert len(legend_before) == 1 and "Hayat Tahrir al-Sham" in legend_before[0]
    assert "date=" + before in page.url  # the view is shareable

    # The slider moves the date as well.
    page.focus("#map-slider")
    page.keyboard.press("End")
    _wait_map_date(page, today.isoformat())
    assert page.locator("#map path.zone").count() == 2

    page.locator("#map .event-cluster").last.click()  # one place: it opens onto its events
    page.wait_for_function("() => document.getElementById('map').dataset.opened !== undefined")
    # The opened events fan out in a spiral, some off the map's edge or under another: click one a reader can reach.
    reachable = page.evaluate(
        """() => [...document.querySelectorAll("#map path.event-marker")].findIndex(m => {
               const r = m.getBoundingClientRect();
               return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === m; })"""
    )
    assert reachable >= 0
    page.locator("#map path.event-marker").nth(reachable).click()
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    assert page.locator("h1").inner_text() == title
    page.problems.assert_clean()
    assert page.problems.aborted == [] or all("tile" in url for url in page.problems.aborted)


def test_every_page_renders_cleanly(page, demo):
    event = demo.events[0]
    pages = {
        "dashboard": "/",
        "actors": "/actors/",
        "actor": f"/actors/{demo.rebels.slug}/",
        "event": f"/events/{event.pk}/",
        "place": f"/places/{demo.places[1].slug}/",
        "hostile-event": f"/events/{demo.hostile.pk}/",
    }
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if page.locator("[data-spotmap]").count():
            page.wait_for_function("() => document.querySelector('[data-spotmap]').dataset.zones !== undefined")
            assert page.locator("[data-spotmap]").first.get_attribute("data-zones") not in (None, "error", "0")
        if page.locator("canvas[data-chart]").count():
            page.wait_for_selector("canvas.chart-drawn")
        assert page.evaluate("window.__pwned") is None
        screenshot(page, name)
    assert "<script>" in page.locator("h1").inner_text()
    page.problems.assert_clean()

    # Phone-sized screen: nothing wider than the viewport.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/timeline/")
    page.wait_for_selector("canvas.chart-drawn")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "timeline-phone", full_page=False)


def test_editor_sees_unreviewed_candidates_marked(page, demo, django_user_model):
    candidate = make_events(1, start=timezone.localdate(), places=demo.places, status=EventStatus.CANDIDATE,
                            title="Unconfirmed report of an attack")[0]
    page.goto(f"/events/{candidate.pk}/")
    assert page.locator("h1").inner_text() != candidate.title  # the public gets a 404
    django_user_model.objects.create_user("editor", password="a-long-test-password-123", is_staff=True)
    page.goto(reverse("admin:login") + "?next=/timeline/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password-123")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/timeline/$"))
    item = page.locator(".event--unreviewed", has_text=candidate.title)
    assert item.count() == 1
    assert "Unreviewed" in item.inner_text()


def test_the_dashboards_map_of_today_says_when_its_zones_are_old(page, demo):
    page.goto("/")
    page.wait_for_function("() => document.querySelector('[data-spotmap]').dataset.zones !== undefined")
    assert page.locator("[data-spotmap-caption]").is_hidden()  # the demo's zones were drawn days ago

    ControlZone.objects.all().delete()
    make_zone(demo.rebels, square(36.6, 35.9, 0.3), date(2018, 9, 1), name="Idlib pocket, September 2018")
    page.goto("/")
    page.wait_for_function("() => document.querySelector('[data-spotmap]').dataset.zones === '1'")
    caption = page.locator("[data-spotmap-caption]")
    assert caption.is_visible()
    assert caption.inner_text() == "The newest of these zones dates from 2018-09-01: the lines may have moved since."
    page.problems.assert_clean()
