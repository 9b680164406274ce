"""The map's slider in a real browser: the previous / next buttons jump from one change of control to the next,
and the areas, legend, date field and address follow."""

from __future__ import annotations

from datetime import date

import pytest

from events.models import ControlChange, ControlOrigin
from events.territory.services import control_change_record, control_maps_rebuild
from tests.browser.conftest import screenshot
from tests.territory.builders import pocket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_map_date(page, day: str) -> None:
    page.wait_for_function("(day) => document.getElementById('map').dataset.date === day", arg=day)


def _legend(page) -> list[str]:
    return page.locator("#legend-zones .legend__label").all_inner_texts()


def test_slider_buttons_jump_between_changes_of_control(page):
    built = pocket()
    control_change_record(built.saraqib, built.gov, date(2020, 2, 8), source="Reuters, 8 February 2020")
    ControlChange.objects.bulk_create(
        [
            ControlChange(place=p, controller=built.new, valid_from=date(2024, 12, 8), origin=ControlOrigin.REFERENCE,
                          source="Reuters, 8 December 2024")
            for p in (built.idlib, built.saraqib, built.khan_shaykhun, built.aleppo, built.hama)
        ]
    )
    control_maps_rebuild()

    page.goto("/map/?date=2022-01-01")
    _wait_map_date(page, "2022-01-01")
    assert sorted(_legend(page)) == ["Hayat Tahrir al-Sham", "Syrian government"]
    previous, following = page.locator("#map-prev-change"), page.locator("#map-next-change")

    previous.click()
    _wait_map_date(page, "2020-02-08")
    assert page.input_value("#map-date") == "2020-02-08"
    assert "date=2020-02-08" in page.url
    previous.click()
    _wait_map_date(page, "2018-09-01")
    assert previous.is_disabled()
    assert sorted(_legend(page)) == ["Hayat Tahrir al-Sham", "Syrian government"]

    following.click()
    _wait_map_date(page, "2020-02-08")
    following.click()
    _wait_map_date(page, "2024-12-08")
    # The fall of the government: one controller left, and no later change to go to.
    assert _legend(page) == ["Syrian transitional government"]
    assert following.is_disabled()
    assert page.locator("#map path.zone").count() == 1
    screenshot(page, "map-changes", full_page=False)

    # Dragging the slider to a day between changes re-enables both buttons around it.
    page.fill("#map-date", "2023-05-01")
    page.dispatch_event("#map-date", "change")
    _wait_map_date(page, "2023-05-01")
    assert not previous.is_disabled() and not following.is_disabled()
    page.problems.assert_clean()
