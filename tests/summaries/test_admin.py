"""Editors on the summaries desk: build a week, edit the lead and highlights, rebuild, publish, unsubscribe."""

from __future__ import annotations

import pytest

from events.models import Subscriber, SummaryDelivery, SummaryStatus, WeeklySummary
from events.summaries.services import summary_build
from tests.summaries.builders import make_event, make_subscriber
from tests.summaries.conftest import WEEK, day

CHANGELIST = "/admin/events/weeklysummary/"


@pytest.fixture(autouse=True)
def _admin_at_its_default_path(settings):
    assert settings.ADMIN_URL == "admin/"


def test_build_a_week_from_the_list(admin_client, db):
    make_event(day(2))

    page = admin_client.get(CHANGELIST)
    assert 'href="/admin/events/weeklysummary/build/"' in page.content.decode()
    response = admin_client.post(f"{CHANGELIST}build/", {"day": "2025-04-03"})

    summary = WeeklySummary.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}{summary.pk}/change/"
    assert summary.week_start == WEEK and summary.data["headline"]["events"] == 1
    bad = admin_client.post(f"{CHANGELIST}build/", {"day": "2999-01-01"})
    assert bad.status_code == 200 and "has not started yet" in bad.content.decode()


def test_the_editor_writes_the_lead_edits_highlights_then_publishes(admin_client, db,
                                                                   django_capture_on_commit_callbacks):
    make_event(day(2), fatalities=2, title="Shelling of Ariha")
    summary = summary_build(WEEK)
    form = admin_client.get(f"{CHANGELIST}{summary.pk}/change/").content.decode()
    assert "Preview the page as readers will see it" in form
    assert 'href="/summaries/2025-W14/"' in form
    assert "Sent to 0 subscriber(s)." in form

    admin_client.post(
        f"{CHANGELIST}{summary.pk}/change/",
        {"lead": "A week of shelling in the south.", "highlights": "Ariha was shelled twice."},
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [summary.pk]}, follow=True)

    summary.refresh_from_db()
    assert summary.status == SummaryStatus.PUBLISHED
    assert summary.lead == "A week of shelling in the south." and summary.highlights == "Ariha was shelled twice."
    assert "2025-W14 published; the email is on its way" in response.content.decode()
    assert len(callbacks) == 1
    assert summary.history.first().history_user.is_superuser

    again = admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [summary.pk]}, follow=True)
    assert "2025-W14 is already published." in again.content.decode()


def test_the_rebuild_action_refreshes_figures_and_keeps_the_editors_text(admin_client, db):
    make_event(day(2))
    summary = summary_build(WEEK)
    WeeklySummary.objects.filter(pk=summary.pk).update(lead="Kept.", highlights="Edited by hand.")
    make_event(day(3))

    admin_client.post(CHANGELIST, {"action": "rebuild", "_selected_action": [summary.pk]})

    summary.refresh_from_db()
    assert summary.data["headline"]["events"] == 2
    assert (summary.lead, summary.highlights) == ("Kept.", "Edited by hand.")


@pytest.mark.parametrize("weeks", [2, 12])
def test_the_list_costs_the_same_queries_however_many_summaries(admin_client, db, django_assert_num_queries, weeks):
    for n in range(weeks):
        summary = summary_build(day(7 * n))
        subscriber = make_subscriber(f"s{n}@example.org")
        SummaryDelivery.objects.create(summary=summary, subscriber=subscriber)
    admin_client.get(CHANGELIST)  # warm the session and content types

    # Session, user, the changelist COUNT twice (filtered and total), the page of summaries with their sent
    # counts (a correlated subquery), then the date hierarchy: the date range and the distinct months.
    with django_assert_num_queries(7):
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200


def test_subscribers_cannot_be_added_by_hand_but_can_be_unsubscribed(admin_client, db):
    subscriber = make_subscriber("ana@example.org")

    assert admin_client.get("/admin/events/subscriber/add/").status_code == 403
    admin_client.post("/admin/events/subscriber/", {"action": "unsubscribe", "_selected_action": [subscriber.pk]})

    assert Subscriber.objects.get().unsubscribed_at is not None
    listing = admin_client.get("/admin/events/subscriber/?state=unsubscribed").content.decode()
    assert "ana@example.org" in listing
