"""An editor in a real browser: logs in, publishes a candidate from the queue, and finds it on the public timeline;
the event form's map and the zone editor's drawing tools work under the site's CSP."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from events.models import ControlZone, EventStatus
from tests.admin.builders import ACTOR1, make_actor, make_article, make_event, make_place
from tests.browser.conftest import screenshot
from tests.factories import make_zone, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-test-password-7c1e"


@pytest.fixture
def editor():
    call_command("create_editors", verbosity=0)
    user = get_user_model().objects.create_user("maya", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _log_in(page, user) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_editor_publishes_a_candidate_that_then_appears_on_the_timeline(page, editor):
    place = make_place("Saraqib")
    army = make_actor("Syrian Arab Army")
    candidate = make_event(
        "Artillery shells the outskirts of Saraqib",
        place=place,
        articles=[make_article()],
        actors=[(army, ACTOR1)],
        occurred_on=timezone.localdate(),
    )
    make_event("Unrelated candidate left for later", place=place, occurred_on=timezone.localdate())

    page.goto("/timeline/")
    assert "Artillery shells the outskirts of Saraqib" not in page.content()

    _log_in(page, editor)
    page.goto("/admin/events/event/")
    row = page.locator("#result_list tbody tr", has_text="Artillery shells the outskirts of Saraqib")
    assert "Syrian Arab Army" in row.inner_text()
    assert "Artillery shelled Saraqib on Monday" in row.inner_text()  # the source sentence
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "publish_events")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "Published 1 event." in page.inner_text(".messagelist")
    # The queue shows what is left to do.
    assert "Artillery shells the outskirts of Saraqib" not in page.inner_text("#result_list")
    screenshot(page, "admin-queue-after-publish")

    candidate.refresh_from_db()
    assert candidate.status == EventStatus.PUBLISHED and candidate.reviewed_by == editor

    # The public timeline, as a reader sees it (editors also see candidates there, marked as such).
    page.click("#logout-form button")
    page.wait_for_load_state()
    page.goto("/timeline/")
    assert page.locator("text=Artillery shells the outskirts of Saraqib").count() >= 1
    assert "Unrelated candidate left for later" not in page.content()
    page.problems.assert_clean()


def test_event_form_shows_the_place_on_a_map_and_the_highlighted_sentence(page, editor):
    event = make_event("Shelling of Ariha", place=make_place("Ariha"), articles=[make_article()])
    _log_in(page, editor)
    page.goto(f"/admin/events/event/{event.pk}/change/")
    page.wait_for_selector(".admin-place-map[data-ready='1'] .leaflet-interactive")
    assert page.inner_text(".source-excerpt mark") == "Artillery shelled Saraqib on Monday, monitors said."
    screenshot(page, "admin-event-form")
    page.problems.assert_clean()


def test_zone_editor_draws_a_rectangle_into_the_geometry_field(page, editor):
    zone = make_zone(make_actor("Hayat Tahrir al-Sham"), square(36.6, 35.9, 0.1), timezone.localdate())
    _log_in(page, editor)
    page.goto(f"/admin/events/controlzone/{zone.pk}/change/")
    page.wait_for_selector(".zone-editor-map[data-ready='1'] path.leaflet-interactive")
    assert "1 polygon on the map." in page.inner_text(".zone-editor-status")

    # Zoom out so that there is room beside the zone, then drag a rectangle there.
    page.click(".zone-editor-map .leaflet-control-zoom-out")
    page.click(".zone-editor-map .leaflet-control-zoom-out")
    page.click(".leaflet-draw-draw-rectangle")
    box = page.locator(".zone-editor-map").bounding_box()
    x, y = box["x"] + 60, box["y"] + 30
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 50, steps=5)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('textarea[data-zone-editor]').value.includes('MultiPolygon')"
    )
    geometry = json.loads(page.input_value("textarea[data-zone-editor]"))
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    assert "2 polygons drawn" in page.inner_text(".zone-editor-status")
    screenshot(page, "admin-zone-editor")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    zone.refresh_from_db()
    assert zone.geometry["type"] == "MultiPolygon"
    assert ControlZone.history.filter(id=zone.pk).latest().history_user == editor
    page.problems.assert_clean()
