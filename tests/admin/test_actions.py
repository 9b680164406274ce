"""Publish, reject and merge from the queue, as an editor would: audited, atomic, with clear errors."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from actors.models import Statement
from events.models import Event, EventActor, EventSource, EventStatus
from tests.admin.builders import ACTOR1, ACTOR2, make_actor, make_article, make_event, make_feed, make_place

QUEUE = reverse("admin:events_event_changelist")


def _act(client, action: str, events, **extra):
    # From the "All" view, as an editor would to reach events that are not candidates.
    data = {"action": action, "_selected_action": [e.pk for e in events], **extra}
    return client.post(f"{QUEUE}?status=all", data, follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _snapshot(*events: Event) -> list[tuple]:
    """Everything a merge could touch, to prove a refused merge changed nothing."""
    ids = [e.pk for e in events]
    return [
        sorted(Event.objects.filter(pk__in=ids).values_list("pk", "status", "merged_into", "reviewed_by", "editor_owned")),
        sorted(EventSource.objects.filter(event__in=ids).values_list("pk", "event", "article")),
        sorted(EventActor.objects.filter(event__in=ids).values_list("pk", "event", "actor", "role")),
        sorted(Statement.objects.filter(event__in=ids).values_list("pk", "event")),
        sorted(Event.history.filter(id__in=ids).values_list("history_id", flat=True)),
    ]


def test_publish_from_the_queue_is_recorded_with_the_editor(editor_client, editor):
    event = make_event("Shelling of Saraqib", place=make_place(), articles=[make_article()])
    response = _act(editor_client, "publish_events", [event])

    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.reviewed_by == editor and event.reviewed_at is not None
    latest = event.history.latest()
    assert latest.status == EventStatus.PUBLISHED
    assert latest.history_user == editor
    assert latest.history_change_reason == "Published"
    assert "Published 1 event." in _messages(response)
    # It left the queue of candidates.
    queue = editor_client.get(QUEUE)
    assert event.pk not in {e.pk for e in queue.context["cl"].result_list}


def test_publishing_an_already_published_event_says_so(editor_client):
    event = make_event(status=EventStatus.PUBLISHED)
    response = _act(editor_client, "publish_events", [event])
    assert any("already published" in m for m in _messages(response))


def test_reject_asks_for_a_reason_then_records_it(editor_client, editor):
    first, second = make_event("Duplicate rumour"), make_event("Off-topic item")
    page = _act(editor_client, "reject_events", [first, second])
    assert page.status_code == 200
    assert b"Reason" in page.content and b"Duplicate rumour" in page.content
    assert Event.objects.filter(status=EventStatus.REJECTED).count() == 0  # nothing yet

    empty = _act(editor_client, "reject_events", [first, second], apply="1", reason="   ")
    assert b"This field is required" in empty.content
    assert Event.objects.filter(status=EventStatus.REJECTED).count() == 0

    done = _act(editor_client, "reject_events", [first, second], apply="1", reason="Not in north-west Syria")
    assert "Rejected 2 events." in _messages(done)
    for event in (first, second):
        event.refresh_from_db()
        assert event.status == EventStatus.REJECTED
        assert event.rejection_reason == "Not in north-west Syria"
        assert event.reviewed_by == editor
        assert event.history.latest().history_change_reason == "Rejected: Not in north-west Syria"


def test_merge_combines_sources_actors_and_statements(editor_client, editor):
    feed = make_feed()
    army, hts, civilians = make_actor("Syrian Arab Army"), make_actor("HTS"), make_actor("Civilians")
    shared = make_article(feed)
    survivor = make_event(
        "Shelling of Saraqib", articles=[make_article(feed), shared], actors=[(army, ACTOR1), (hts, ACTOR2)]
    )
    dup1 = make_event("Saraqib shelled", articles=[shared, make_article(feed)], actors=[(army, ACTOR1)])
    dup2 = make_event("Artillery hits Saraqib", articles=[make_article(feed)], actors=[(civilians, ACTOR2)])
    said = Statement.objects.create(
        text="We hold the regime responsible.", is_direct=True, said_on=dup2.occurred_on,
        article=dup2.event_sources.first().article, event=dup2,
    )

    page = _act(editor_client, "merge_events", [survivor, dup1, dup2])
    assert page.status_code == 200 and b"Pick the event that survives" in page.content
    done = _act(editor_client, "merge_events", [survivor, dup1, dup2], apply="1", survivor=str(survivor.pk))
    assert any("Merged 2 into" in m for m in _messages(done))

    survivor.refresh_from_db()
    assert survivor.status == EventStatus.CANDIDATE and survivor.editor_owned
    articles = set(survivor.event_sources.values_list("article", flat=True))
    assert len(articles) == 4  # two own + one new from dup1 (shared counted once) + one from dup2
    assert set(survivor.actor_roles.values_list("actor__name", "role")) == {
        ("Syrian Arab Army", ACTOR1), ("HTS", ACTOR2), ("Civilians", ACTOR2),
    }
    said.refresh_from_db()
    assert said.event == survivor
    for dup in (dup1, dup2):
        dup.refresh_from_db()
        assert dup.status == EventStatus.MERGED and dup.merged_into == survivor
        assert dup.reviewed_by == editor
        assert dup.history.latest().history_change_reason == f"Merged into #{survivor.pk}"
        assert dup.history.latest().history_user == editor


def test_merge_needs_two_events(editor_client):
    only = make_event()
    before = _snapshot(only)
    response = _act(editor_client, "merge_events", [only])
    assert any("Select at least two events to merge" in m for m in _messages(response))
    assert _snapshot(only) == before


@pytest.mark.parametrize("status", [EventStatus.REJECTED, EventStatus.MERGED])
def test_merge_into_a_rejected_or_merged_event_is_refused(editor_client, status):
    other = make_event("Elsewhere")
    target = make_event("Target", articles=[make_article()])
    target.status = status
    target.merged_into = other if status == EventStatus.MERGED else None
    target.save()
    dup = make_event("Duplicate", articles=[make_article()], actors=[(make_actor(), ACTOR1)])
    before = _snapshot(target, dup, other)
    response = _act(editor_client, "merge_events", [target, dup], apply="1", survivor=str(target.pk))
    text = " ".join(_messages(response))
    assert "can only be merged into a candidate or published event" in text
    assert "Nothing was changed" in text
    assert _snapshot(target, dup, other) == before


def test_survivor_must_be_one_of_the_selected_events(editor_client):
    a, b, outsider = make_event("A"), make_event("B"), make_event("Outsider")
    before = _snapshot(a, b, outsider)
    response = _act(editor_client, "merge_events", [a, b], apply="1", survivor=str(outsider.pk))
    assert b"Select a valid choice" in response.content
    assert _snapshot(a, b, outsider) == before


def test_staff_without_the_editors_group_cannot_publish(staff_client):
    event = make_event()
    assert staff_client.get(QUEUE).status_code == 403
    response = staff_client.post(QUEUE, {"action": "publish_events", "_selected_action": [event.pk]})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.status == EventStatus.CANDIDATE and event.reviewed_by is None


def test_staff_who_may_only_view_events_gets_no_publish_action(client, db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    event = make_event()
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert b"publish_events" not in page.content
    response = client.post(QUEUE, {"action": "publish_events", "_selected_action": [event.pk]}, follow=True)
    assert response.status_code == 200
    assert not any("Published" in m for m in _messages(response))
    event.refresh_from_db()
    assert event.status == EventStatus.CANDIDATE


def test_editor_cannot_manage_users_or_groups(editor_client):
    for name in ("admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"):
        assert editor_client.get(reverse(name)).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Users" not in index and "Groups" not in index
    assert "Events" in index


def test_the_merge_page_sets_the_events_texts_and_sources_side_by_side(editor_client, django_assert_max_num_queries):
    army = make_actor("Syrian Arab Army")
    wire, monitor = make_feed("Levant Wire"), make_feed("Idlib Monitor")
    one = make_event("Shelling of Saraqib", articles=[make_article(wire, title="Shells fall on Saraqib")],
                     actors=[(army, ACTOR1)], sentence="Artillery shelled Saraqib on Monday, monitors said.")
    Event.objects.filter(pk=one.pk).update(description="Government artillery shelled the town's market.")
    other = make_event("Saraqib shelled <again>", articles=[make_article(monitor, title="Saraqib under fire"),
                                                           make_article(wire, title="Second wave")],
                       sentence="Two shells hit the hospital's <b>gate</b>, a doctor said.")
    page = _act(editor_client, "merge_events", [one, other])
    html = page.content.decode()
    columns = html.split('class="event-compare__column"')[1:]
    assert len(columns) == 2
    newest, oldest = columns  # the page lists the newest selection first
    assert "Saraqib shelled &lt;again&gt;" in newest and "Shelling of Saraqib" in oldest
    assert "Government artillery shelled the town&#x27;s market." in oldest and "No description." in newest
    assert "Sources (2)" in newest and "Sources (1)" in oldest
    assert "Idlib Monitor:" in newest and "Saraqib under fire" in newest and "Second wave" in newest
    assert "Two shells hit the hospital&#x27;s &lt;b&gt;gate&lt;/b&gt;, a doctor said." in newest  # escaped
    assert "Syrian Arab Army" in oldest and "(actor 1 (initiator))" in oldest
    assert 'href="https://news.example.org/a/' in oldest

    # Relations are read once for all columns: the same number of queries for 2 events as for 6.
    more = [make_event(f"Copy {i}", articles=[make_article(wire)], actors=[(army, ACTOR1)]) for i in range(4)]
    with django_assert_max_num_queries(30) as two:
        _act(editor_client, "merge_events", [one, other])
    with django_assert_max_num_queries(30) as six:
        _act(editor_client, "merge_events", [one, other, *more])
    assert len(six.captured_queries) == len(two.captured_queries)
