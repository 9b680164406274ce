"""The curation services themselves: the rules every caller (admin, command, task) gets."""

from __future__ import annotations

import pytest

from events.curation.services import CurationError, event_merge, event_publish, event_reject
from events.models import Event, EventSource, EventStatus
from tests.admin.builders import ACTOR1, make_actor, make_article, make_event, make_feed

pytestmark = pytest.mark.django_db


def _state(*events: Event) -> list[tuple]:
    return sorted(Event.objects.filter(pk__in=[e.pk for e in events]).values_list("pk", "status", "merged_into"))


def test_merging_an_event_into_itself_is_refused_and_changes_nothing():
    event = make_event(articles=[make_article()])
    other = make_event(articles=[make_article()])
    before = _state(event, other), sorted(EventSource.objects.values_list("pk", "event"))
    with pytest.raises(CurationError, match="cannot be merged into itself"):
        event_merge(event, [other, event], user=None)
    assert (_state(event, other), sorted(EventSource.objects.values_list("pk", "event"))) == before


def test_merging_nothing_is_refused():
    with pytest.raises(CurationError, match="at least two"):
        event_merge(make_event(), [], user=None)


def test_a_merged_event_cannot_be_merged_again_and_nothing_moves():
    survivor, first, late = make_event("S"), make_event("F"), make_event("L", articles=[make_article()])
    event_merge(survivor, [first], user=None)
    other = make_event("Another", articles=[make_article()])
    before = _state(survivor, first, late, other), sorted(EventSource.objects.values_list("pk", "event"))
    with pytest.raises(CurationError, match="cannot be merged again"):
        event_merge(other, [late, first], user=None)
    assert (_state(survivor, first, late, other), sorted(EventSource.objects.values_list("pk", "event"))) == before


def test_events_merged_earlier_follow_their_survivor_into_the_new_one():
    a, b, c = make_event("A"), make_event("B"), make_event("C")
    event_merge(b, [a], user=None)
    event_merge(c, [b], user=None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.merged_into == c and b.merged_into == c


def test_same_actor_role_and_same_article_are_kept_once():
    feed = make_feed()
    army = make_actor()
    shared = make_article(feed)
    survivor = make_event("S", articles=[shared])
    one = make_event("1", articles=[shared], actors=[(army, ACTOR1)])
    two = make_event("2", articles=[make_article(feed)], actors=[(army, ACTOR1)])
    event_merge(survivor, [one, two], user=None)
    assert list(survivor.actor_roles.values_list("actor", "role")) == [(army.pk, ACTOR1)]
    assert survivor.event_sources.count() == 2
    # The duplicate source of the shared article stays with the merged event, keeping its extraction key
    # attached to an event extraction no longer touches.
    assert one.event_sources.get().article == shared


def test_publish_and_reject_rules():
    merged, survivor = make_event("M"), make_event("S")
    event_merge(survivor, [merged], user=None)
    with pytest.raises(CurationError, match="merged into event"):
        event_publish(merged, user=None)
    with pytest.raises(CurationError, match="Give a reason"):
        event_reject(survivor, user=None, reason="  ")
    rejected = event_reject(survivor, user=None, reason="Duplicate of a wire story")
    assert rejected.status == EventStatus.REJECTED
    # An editor may reconsider: publishing a rejected event clears the reason.
    published = event_publish(survivor, user=None)
    assert published.status == EventStatus.PUBLISHED and published.rejection_reason == ""
