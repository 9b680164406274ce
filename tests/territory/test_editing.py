"""Editors move a line in one step in the admin (a place passes to another controller from a date, with a source),
the map follows at once, the history says who did it, and a mistaken change is undone with an admin action that
puts the previous state back on the map."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.models import ControlChange, ControlMap, ControlStatus
from events.territory.services import ControlError, control_change_record, control_change_undo
from tests.factories import make_events, make_feed
from tests.territory.builders import holder_at, pocket

pytestmark = pytest.mark.django_db


def _map_state() -> list:
    return list(ControlMap.objects.order_by("valid_from").values_list("valid_from", "valid_to", "features"))


def test_editor_records_a_change_in_one_step_and_undoes_it(editor_client, editor):
    built = pocket()
    before = _map_state()
    assert holder_at(editor_client, built.khan_shaykhun, "2019-09-01") == "hts"

    response = editor_client.post(
        reverse("admin:events_controlchange_add"),
        {
            "place": built.khan_shaykhun.pk,
            "controller": built.gov.pk,
            "valid_from": "2019-08-21",
            "source": "Reuters, 21 August 2019",
            "note": "Government forces take Khan Shaykhun.",
            "precision": "To the day.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = ControlChange.objects.get(valid_from=date(2019, 8, 21))
    assert (change.status, change.recorded_by, change.controller) == (ControlStatus.ACCEPTED, editor, built.gov)

    # The map follows at once: before the date HTS, from it the government; the slider gains the date.
    assert holder_at(editor_client, built.khan_shaykhun, "2019-08-20") == "hts"
    assert holder_at(editor_client, built.khan_shaykhun, "2019-08-21") == "gov"
    assert holder_at(editor_client, built.idlib, "2019-09-01") == "hts"
    assert "2019-08-21" in editor_client.get("/map/").content.decode()
    page = editor_client.get("/places/khan-shaykhun/").content.decode()
    assert "21 Aug 2019" in page and "Reuters, 21 August 2019" in page

    # Who did what, when.
    record = change.history.latest()
    assert (record.history_user, record.history_type, record.history_change_reason) == (
        editor, "+", "Recorded: Khan Shaykhun to Syrian government from 2019-08-21")

    # A mistake: the editor undoes it with the admin action; the previous state is back, the row and its history stay.
    response = editor_client.post(
        reverse("admin:events_controlchange_changelist"),
        {"action": "undo_changes", ACTION_CHECKBOX_NAME: [change.pk]},
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ControlStatus.UNDONE
    assert holder_at(editor_client, built.khan_shaykhun, "2019-09-01") == "hts"
    assert _map_state() == before
    record = change.history.latest()
    assert (record.history_user, record.status, record.history_change_reason) == (editor, "undone", "Undone")
    assert "21 Aug 2019" not in editor_client.get("/places/khan-shaykhun/").content.decode()


def test_the_form_refuses_a_change_that_clashes_or_changes_nothing(editor_client):
    built = pocket()
    url = reverse("admin:events_controlchange_add")
    data = {"place": built.saraqib.pk, "controller": built.hts.pk, "valid_from": "2019-05-01", "source": "A map"}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Hayat Tahrir al-Sham already holds Saraqib on 2019-05-01" in response.content.decode()

    response = editor_client.post(url, {**data, "controller": built.gov.pk, "valid_from": "2018-09-01"})
    assert response.status_code == 200
    assert "Saraqib already passes to Hayat Tahrir al-Sham on 2018-09-01" in response.content.decode()
    assert ControlChange.objects.count() == 5


def test_editors_cannot_delete_a_change(editor_client):
    built = pocket()
    change = ControlChange.objects.get(place=built.idlib)
    response = editor_client.get(reverse("admin:events_controlchange_delete", args=[change.pk]))
    assert response.status_code == 403


def test_services_refuse_what_cannot_be_done(editor):
    built = pocket()
    with pytest.raises(ControlError, match="Name the source"):
        control_change_record(built.hama, built.hts, date(2024, 12, 5), source=" ", user=editor)
    change = control_change_record(built.hama, built.hts, date(2024, 12, 5), source="Reuters", user=editor)
    control_change_undo(change, editor)
    with pytest.raises(ControlError, match="only a change on the map can be undone"):
        control_change_undo(change, editor)
    # Recording the same change again after the undo is allowed: the day is free again.
    again = control_change_record(built.hama, built.hts, date(2024, 12, 5), source="Reuters", user=editor)
    assert again.pk != change.pk


def test_pages_and_the_zones_api_cost_the_same_with_a_long_history(client, django_assert_num_queries):
    built = pocket()
    make_events(3, start=date(2020, 2, 10), places=[built.saraqib], actors=[built.gov, built.hts], feed=make_feed())
    for year in range(2019, 2026):
        for place, actor in ((built.saraqib, built.gov), (built.idlib, built.new)):
            control_change_record(place, actor, date(year, 3, 1), source="test")
            control_change_record(place, built.hts, date(year, 9, 1), source="test")
    assert ControlMap.objects.count() == 1 + 2 * 7
    # cached map of the date; drawn zones of the date
    with django_assert_num_queries(2):
        assert client.get("/api/zones.geojson?date=2022-04-01").status_code == 200
    # place; its events + roles + sources; its control history; every drawn zone; the places around it
    with django_assert_num_queries(7):
        assert client.get("/places/saraqib/").status_code == 200
    # first published event date; drawn zone dates; control map dates
    with django_assert_num_queries(3):
        assert client.get("/map/?date=2022-04-01").status_code == 200


def test_a_front_moving_over_several_places_is_one_step_from_the_places_list(editor_client, editor):
    built = pocket()
    url = reverse("admin:events_place_changelist")
    selected = [built.idlib.pk, built.saraqib.pk]
    page = editor_client.post(url, {"action": "pass_places", ACTION_CHECKBOX_NAME: selected})
    assert page.status_code == 200 and "Record 2 changes" in page.content.decode()
    response = editor_client.post(url, {
        "action": "pass_places", ACTION_CHECKBOX_NAME: selected, "apply": "1", "controller": built.new.pk,
        "valid_from": "2024-12-08", "source": "Reuters, 8 December 2024", "note": "", "precision": "To the day.",
    })
    assert response.status_code == 302
    assert holder_at(editor_client, built.idlib, "2024-12-10") == "new"
    assert holder_at(editor_client, built.saraqib, "2024-12-10") == "new"
    assert holder_at(editor_client, built.khan_shaykhun, "2024-12-10") == "hts"
    assert set(ControlChange.objects.filter(recorded_by=editor).values_list("place__slug", flat=True)) == {
        "idlib", "saraqib"}

    # All or nothing: one place that already changes hands that day stops the whole step.
    response = editor_client.post(url, {
        "action": "pass_places", ACTION_CHECKBOX_NAME: [built.idlib.pk, built.hama.pk], "apply": "1",
        "controller": built.hts.pk, "valid_from": "2024-12-08", "source": "test", "note": "", "precision": "",
    }, follow=True)
    assert "Nothing recorded: Idlib already passes to Syrian transitional government on 2024-12-08" in (
        response.content.decode())
    assert holder_at(editor_client, built.hama, "2024-12-10") == "gov"
    assert ControlChange.objects.filter(recorded_by=editor).count() == 2
