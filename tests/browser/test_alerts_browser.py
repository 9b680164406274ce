"""Daily alerts in a real browser: from a filtered timeline to the alert form, pre-filled with that filter, to the
confirmation link in the mail and a confirmed alert; no CSP violation or console error on the way."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from events.models import AlertSubscription
from events.taxonomy import EventType
from idlib_tracker.celery import app
from tests.browser.conftest import screenshot
from tests.summaries.builders import make_actor, make_event, make_place
from tests.summaries.conftest import day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_tasks():
    # The confirmation task runs in the live server's thread instead of waiting on the broker for a worker.
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_reader_subscribes_to_the_timelines_filter_and_confirms(page, eager_tasks):
    hts = make_actor("Hayat Tahrir al-Sham")
    saraqib = make_place("Saraqib", admin1="Idlib")
    make_event(day(1), title="Clashes at Saraqib", place=saraqib, actors=[hts])

    page.goto(f"/timeline/?type={EventType.BATTLES.value}&actor={hts.slug}")
    page.get_by_role("link", name="A daily email of new ones").click()

    page.wait_for_url(re.compile(r"/alerts/subscribe/\?"))
    assert page.locator("#a-type").input_value() == "Battles"
    assert page.locator("#a-actor").input_value() == hts.slug
    assert page.locator("#a-place").input_value() == ""
    assert page.locator("#alert-description").inner_text() == "Battles \u00b7 Hayat Tahrir al-Sham"
    # The reader narrows it to one place before subscribing, typing its name (suggestions come as they type).
    page.locator("#a-place").press_sequentially("Sara", delay=30)
    page.wait_for_function("() => document.querySelector('#a-place').dataset.suggested !== undefined")
    assert saraqib.slug in page.locator("#a-place-list option").evaluate_all("els => els.map(e => e.value)")
    page.locator("#a-place").fill(saraqib.name)
    page.get_by_label("Your email address").fill("reader@example.org")
    screenshot(page, "alert-subscribe")
    page.get_by_role("button", name="Email me these events daily").click()

    page.get_by_role("heading", name="Check your inbox").wait_for()
    subscription = AlertSubscription.objects.get()
    assert subscription.email == "reader@example.org"
    assert subscription.query == f"type=Battles&actor={hts.slug}&place={saraqib.slug}"
    assert subscription.confirmed_at is None
    assert len(mail.outbox) == 1
    link = re.search(r"(/alerts/confirm/[^/\s]+/)", mail.outbox[0].body).group(1)

    page.goto(link)
    page.get_by_role("button", name="Confirm my alert").click()

    page.get_by_role("heading", name="Alert confirmed").wait_for()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    page.problems.assert_clean()
