"""In a real browser: the timeline says where the reader is and pages older and newer by its links; the actors
list sorts by events and statements by clicking the column headers."""

from __future__ import annotations

from datetime import date

import pytest

from actors.models import ActorKind
from events.models import EventStatus
from tests.browser.conftest import screenshot
from tests.factories import (
    make_actor,
    make_aliases,
    make_articles,
    make_events,
    make_feed,
    make_place,
    make_statements,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = date(2024, 3, 1)


def _ids(page) -> list[str]:
    return page.eval_on_selector_all("[id^=event-][id$=-title]", "nodes => nodes.map(n => n.id)")


def _follow(page, selector: str) -> None:
    """Click a link and wait until the page it leads to has loaded (not only started to)."""
    with page.expect_navigation(wait_until="load"):
        page.click(selector)


def _position(page) -> str:
    return page.locator("#page-position").inner_text().replace("\u2013", "-")


def test_timeline_counts_and_pages_both_ways(page):
    place = make_place("Saraqib", slug="saraqib", admin1="Idlib")
    make_events(120, start=START, places=[place])
    make_events(4, start=START, places=[place], status=EventStatus.CANDIDATE, title="Unreviewed")

    page.goto("/timeline/")
    assert _position(page).startswith("Events 1-50 of 120")
    assert page.locator("a[rel=prev]").count() == 0
    first = _ids(page)
    assert len(first) == 50

    _follow(page, "a[rel=next]")
    assert "cursor=" in page.url
    assert _position(page).startswith("Events 51-100 of 120")
    second = _ids(page)
    _follow(page, "a[rel=next]")
    assert _position(page).startswith("Events 101-120 of 120")
    assert len(_ids(page)) == 20
    assert page.locator("a[rel=next]").count() == 0
    screenshot(page, "timeline-last-page", full_page=False)

    _follow(page, "a[rel=prev]")
    assert "before=" in page.url
    assert _position(page).startswith("Events 51-100 of 120")
    assert _ids(page) == second
    _follow(page, "a[rel=prev]")
    assert _position(page).startswith("Events 1-50 of 120")
    assert _ids(page) == first
    assert page.locator("a[rel=prev]").count() == 0
    page.problems.assert_clean()


def test_timeline_governorate_in_any_case(page):
    idlib = make_place("Saraqib", slug="saraqib", admin1="Idlib")
    aleppo = make_place("Atarib", slug="atarib", admin1="Aleppo")
    make_events(7, start=START, places=[idlib])
    make_events(5, start=START, places=[aleppo])
    page.goto("/timeline/?governorate=aleppo")
    assert _position(page).startswith("Events 1-5 of 5 matching these filters")
    response = page.goto("/timeline/?governorate=Atlantis")
    assert response.status == 400
    assert "No governorate" in page.locator("main").inner_text()


def test_actors_list_sorts_by_counts(page):
    feed = make_feed()
    hts = make_actor("Hayat Tahrir al-Sham", slug="hayat-tahrir-al-sham", kind=ActorKind.JIHADIST_GROUP)
    army = make_actor("Syrian Arab Army", slug="syrian-arab-army", kind=ActorKind.STATE_FORCES)
    erdogan = make_actor("Recep Tayyip Erdoğan", slug="erdogan", kind=ActorKind.PERSON)
    make_events(6, start=START, actors=[hts])
    make_events(2, start=START, actors=[army])
    make_statements(erdogan, make_articles(feed, 1)[0], 5)

    page.goto("/actors/")
    _follow(page, "th >> text=Events")
    assert page.url.endswith("/actors/?sort=events")
    rows = page.locator("tbody tr")
    assert [rows.nth(i).get_attribute("data-actor") for i in range(3)] == [
        "hayat-tahrir-al-sham", "syrian-arab-army", "erdogan",
    ]
    assert page.locator("tr[data-actor=hayat-tahrir-al-sham] [data-col=events]").inner_text() == "6"
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Events")
    screenshot(page, "actors-by-events", full_page=False)

    _follow(page, "th >> text=Statements")
    assert page.url.endswith("/actors/?sort=statements")
    assert rows.first.get_attribute("data-actor") == "erdogan"
    assert page.locator("tr[data-actor=erdogan] [data-col=statements]").inner_text() == "5"

    # An alias address leads to the actor's page.
    make_aliases(hts, ["HTS"])
    page.goto("/actors/hts/")
    assert page.url.endswith("/actors/hayat-tahrir-al-sham/")
    assert page.locator("h1").inner_text().startswith("Hayat Tahrir al-Sham")
    page.problems.assert_clean()
