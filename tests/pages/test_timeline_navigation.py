"""The timeline says where the reader is ("Events 51-100 of 120") and pages both ways with keyset cursors: older
with `cursor`, newer with `before`, each page the same events whichever way it was reached."""

from __future__ import annotations

import re
from datetime import date

import pytest

from events.models import EventStatus
from tests.factories import make_events, make_place

START = date(2024, 3, 1)


def _html(client, query: str) -> str:
    response = client.get("/timeline/" + query)
    assert response.status_code == 200, response.content[:400]
    return response.content.decode()


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="event-(\d+)-title"', html)]


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return match[1].replace("&amp;", "&") if match else None


def _position(html: str) -> str:
    match = re.search(r'<p class="page-position"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no position line"
    # The page prints an en dash between the numbers; compared here with a plain hyphen.
    return re.sub(r"<[^>]+>", "", match[1]).replace("\u2013", "-")


@pytest.fixture
def events(db):
    # 120 published over 40 days, 3 a day (so pages split days), plus candidates the public must not count.
    published = make_events(120, start=START)
    make_events(5, start=START, status=EventStatus.CANDIDATE, title="Unreviewed")
    return sorted(published, key=lambda e: (e.occurred_on, e.pk), reverse=True)


def test_pages_say_where_they_are_and_lead_both_ways(client, events):
    newest_first = [e.pk for e in events]
    html = _html(client, "")
    assert _position(html).startswith("Events 1-50 of 120")
    assert _link(html, "prev") is None
    first = _ids(html)
    older = _link(html, "next")

    html = _html(client, older)
    assert _position(html).startswith("Events 51-100 of 120")
    second = _ids(html)
    newer_from_second = _link(html, "prev")
    html = _html(client, _link(html, "next"))
    assert _position(html).startswith("Events 101-120 of 120")
    third = _ids(html)
    assert _link(html, "next") is None
    assert first + second + third == newest_first

    # Back up: the newer pages are the same events as on the way down, and say so.
    html = _html(client, _link(html, "prev"))
    assert _ids(html) == second
    assert _position(html).startswith("Events 51-100 of 120")
    assert _link(html, "next") is not None
    html = _html(client, _link(html, "prev"))
    assert _ids(html) == first
    assert _position(html).startswith("Events 1-50 of 120")
    assert _link(html, "prev") is None
    assert _ids(_html(client, newer_from_second)) == first


def test_counts_follow_the_filters_and_use_thousands_separators(client, db):
    place = make_place("Kafr Nabl", slug="kafr-nabl", admin1="Idlib")
    make_events(1240, start=START, places=[place], per_day=40)
    second_page = _link(_html(client, "?governorate=idlib"), "next")
    html = _html(client, second_page)
    assert _position(html).startswith("Events 51-100 of 1,240 matching these filters")


def test_the_governorate_filter_ignores_case_and_refuses_unknown_names(client, db):
    idlib = make_place("Saraqib", slug="saraqib", admin1="Idlib")
    aleppo = make_place("Atarib", slug="atarib", admin1="Aleppo")
    in_idlib = {e.pk for e in make_events(4, start=START, places=[idlib])}
    make_events(3, start=START, places=[aleppo])
    for spelling in ("Idlib", "idlib", "IDLIB", " iDlIb "):
        html = _html(client, f"?governorate={spelling}")
        assert set(_ids(html)) == in_idlib, spelling
        # Links out of the page (exports, map) carry the gazetteer's spelling.
        assert "/api/events.csv?governorate=Idlib" in html
    response = client.get("/timeline/?governorate=Idlibb")
    assert response.status_code == 400
    assert "No governorate" in response.content.decode()
