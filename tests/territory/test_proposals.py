"""A published event whose sub-type says territory changed hands proposes, to editors, that its place passes to
its actor 1 from its date. Nothing moves on the map until an editor accepts; a rejected proposal leaves no trace
on the map."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from events.curation.services import event_publish, event_reject
from events.models import ControlChange, ControlMap, ControlOrigin, ControlStatus, EventStatus
from events.taxonomy import EventType, SubEventType
from tests.factories import make_events, make_feed
from tests.territory.builders import holder_at, pocket

pytestmark = pytest.mark.django_db


def _candidate(place, actors, day, sub_type=SubEventType.GOVERNMENT_REGAINS_TERRITORY, event_type=EventType.BATTLES):
    return make_events(
        1, start=day, status=EventStatus.CANDIDATE, places=[place], actors=actors, feed=make_feed(),
        title="Army enters town", types=[event_type], sub_type=sub_type,
    )[0]


def _slider_changes(client) -> list[str]:
    """The dates the map page's slider can jump to (its json_script config)."""
    html = client.get("/map/").content.decode()
    start = html.index('<script id="map-config" type="application/json">') + len('<script id="map-config" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])["changes"]


def _control_table(client, slug: str) -> str:
    """The place page's control history table."""
    html = client.get(f"/places/{slug}/").content.decode()
    start = html.index('id="control-history"')
    return html[start:html.index("</table>", start)]


def _map_state() -> list:
    return list(ControlMap.objects.order_by("valid_from").values_list("valid_from", "valid_to", "features"))


def test_accepted_proposal_moves_the_line(editor_client, editor):
    built = pocket()
    event = _candidate(built.saraqib, [built.gov, built.hts], date(2020, 2, 8))
    before = _map_state()

    event_publish(event, editor)
    proposal = ControlChange.objects.get(event=event)
    assert (proposal.status, proposal.origin, proposal.place, proposal.controller, proposal.valid_from) == (
        ControlStatus.PROPOSED, ControlOrigin.EVENT, built.saraqib, built.gov, date(2020, 2, 8))
    # The source is the article the event came from.
    assert "Army enters town" in proposal.note and "https://news.example.org/" in proposal.source
    # Proposed is not on the map.
    assert _map_state() == before
    assert holder_at(editor_client, built.saraqib, "2020-03-01") == "hts"

    response = editor_client.post(
        reverse("admin:events_controlchange_changelist"),
        {"action": "accept_proposals", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ControlStatus.ACCEPTED, editor)
    assert holder_at(editor_client, built.saraqib, "2020-02-07") == "hts"
    assert holder_at(editor_client, built.saraqib, "2020-03-01") == "gov"
    assert "8 Feb 2020" in _control_table(editor_client, "saraqib")
    assert "2020-02-08" in _slider_changes(editor_client)


def test_rejected_proposal_leaves_no_trace_on_the_map(editor_client, editor):
    built = pocket()
    event = _candidate(built.idlib, [built.gov], date(2021, 6, 1))
    before = _map_state()
    event_publish(event, editor)
    proposal = ControlChange.objects.get(event=event)

    response = editor_client.post(
        reverse("admin:events_controlchange_changelist"),
        {"action": "reject_proposals", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ControlStatus.REJECTED
    assert _map_state() == before
    assert holder_at(editor_client, built.idlib, "2021-07-01") == "hts"
    assert "2021-06-01" not in _slider_changes(editor_client)
    assert "1 Jun 2021" not in _control_table(editor_client, "idlib")

    # Withdrawn and published again, the event proposes nothing new; a rejected proposal cannot be accepted.
    event_reject(event, editor, "Wrong town")
    event_publish(event, editor)
    assert ControlChange.objects.filter(event=event).count() == 1
    editor_client.post(
        reverse("admin:events_controlchange_changelist"),
        {"action": "accept_proposals", ACTION_CHECKBOX_NAME: [proposal.pk]},
    )
    proposal.refresh_from_db()
    assert proposal.status == ControlStatus.REJECTED
    assert _map_state() == before


@pytest.mark.parametrize("sub_type", [SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY, SubEventType.NON_VIOLENT_TRANSFER])
def test_every_territory_sub_type_proposes(editor, sub_type):
    built = pocket()
    event_type = EventType.BATTLES if sub_type != SubEventType.NON_VIOLENT_TRANSFER else EventType.STRATEGIC
    event = _candidate(built.aleppo, [built.hts], date(2024, 11, 30), sub_type=sub_type, event_type=event_type)
    event_publish(event, editor)
    assert ControlChange.objects.get(event=event).controller == built.hts


def test_other_events_propose_nothing(editor):
    built = pocket()
    clash = _candidate(built.aleppo, [built.hts], date(2024, 11, 30), sub_type=SubEventType.ARMED_CLASH)
    no_actor = _candidate(built.hama, [], date(2024, 12, 5))
    event_publish(clash, editor)
    event_publish(no_actor, editor)
    assert not ControlChange.objects.filter(origin=ControlOrigin.EVENT).exists()
