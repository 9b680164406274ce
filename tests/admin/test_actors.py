"""Actors in the admin: approve or discard what extraction proposed, merge duplicates, aliases inline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from actors.models import Actor, ActorStatus, Alias, RejectedName, Statement
from events.curation.actors import actor_merge
from events.curation.services import CurationError
from events.models import ControlZone, EventActor
from tests.admin.builders import ACTOR1, ACTOR2, make_actor, make_article, make_event

ACTORS = reverse("admin:actors_actor_changelist")
SQUARE = {"type": "Polygon", "coordinates": [[[36.5, 35.8], [36.7, 35.8], [36.7, 36.0], [36.5, 36.0], [36.5, 35.8]]]}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _proposed(name: str) -> Actor:
    actor = make_actor(name)
    actor.status = ActorStatus.PROPOSED
    actor.save()
    return actor


def test_the_proposed_filter_lists_what_extraction_proposed(editor_client):
    proposed = _proposed("Jaish al-Izza")
    make_actor("Syrian Arab Army")
    response = editor_client.get(ACTORS, {"status__exact": "proposed"})
    assert [a.pk for a in response.context["cl"].result_list] == [proposed.pk]


def test_approve_and_discard(editor_client, editor):
    keep, junk, active = _proposed("Jaish al-Izza"), _proposed("Local Sources"), make_actor("Russia")
    said = Statement.objects.create(
        text="The roads are closed.", is_direct=True, said_on=dt.date(2026, 11, 2), article=make_article(), speaker=junk
    )
    make_event(actors=[(junk, ACTOR1)])

    response = editor_client.post(ACTORS, {"action": "approve", "_selected_action": [keep.pk]}, follow=True)
    assert "Approved 1 actor." in _messages(response)
    keep.refresh_from_db()
    assert keep.status == ActorStatus.ACTIVE
    assert keep.history.latest().history_user == editor

    response = editor_client.post(ACTORS, {"action": "discard", "_selected_action": [junk.pk, active.pk]}, follow=True)
    texts = _messages(response)
    assert "Discarded 1 actor." in texts
    assert any("only proposed actors can be discarded" in t for t in texts)
    assert not Actor.objects.filter(pk=junk.pk).exists()
    assert Actor.objects.filter(pk=active.pk).exists()
    said.refresh_from_db()
    assert said.speaker is None  # the statement stays, unattributed
    assert not EventActor.objects.filter(actor_id=junk.pk).exists()
    rejected = RejectedName.objects.get(name="Local Sources")  # extraction will not propose it again
    assert rejected.rejected_by == editor
    page = editor_client.get(reverse("admin:actors_rejectedname_changelist"))
    assert "Local Sources" in page.content.decode()


def test_merge_moves_everything_to_the_survivor(editor_client):
    hts = make_actor("Hayat Tahrir al-Sham")
    Alias.objects.create(actor=hts, name="HTS")
    dup = _proposed("Tahrir al-Sham Committee")
    Alias.objects.create(actor=dup, name="Hay'at Tahrir al-Sham")
    member = make_actor("Jaysh al-Ahrar")
    member.parent = dup
    member.save()
    army = make_actor("Syrian Arab Army")
    both = make_event("Clash near Saraqib", actors=[(hts, ACTOR2), (dup, ACTOR2), (army, ACTOR1)])
    only_dup = make_event("Attack on a checkpoint", actors=[(dup, ACTOR1)])
    article = make_article()
    article.actors.add(hts, dup)
    other_article = make_article()
    other_article.actors.add(dup)
    said = Statement.objects.create(
        text="We will respond.", is_direct=True, said_on=dt.date(2026, 11, 2), article=article, speaker=dup
    )
    zone = ControlZone.objects.create(name="Idlib city", geometry=SQUARE, controller=dup, valid_from=dt.date(2019, 1, 1))

    page = editor_client.post(ACTORS, {"action": "merge", "_selected_action": [hts.pk, dup.pk]})
    assert b"Pick the actor that survives" in page.content
    response = editor_client.post(
        ACTORS, {"action": "merge", "_selected_action": [hts.pk, dup.pk], "apply": "1", "survivor": str(hts.pk)},
        follow=True,
    )
    assert any("Merged Tahrir al-Sham Committee into" in m for m in _messages(response))

    assert not Actor.objects.filter(pk=dup.pk).exists()
    names = set(hts.aliases.values_list("name", flat=True))
    assert {"HTS", "Hay'at Tahrir al-Sham", "Tahrir al-Sham Committee"} <= names
    assert set(both.actor_roles.values_list("actor", "role")) == {(hts.pk, ACTOR2), (army.pk, ACTOR1)}
    assert list(only_dup.actor_roles.values_list("actor", flat=True)) == [hts.pk]
    assert set(article.actors.all()) == {hts} and set(other_article.actors.all()) == {hts}
    said.refresh_from_db()
    zone.refresh_from_db()
    member.refresh_from_db()
    assert said.speaker == hts and zone.controller == hts and member.parent == hts
    # The deleted duplicate's history keeps the record of the merge.
    assert Actor.history.filter(id=dup.pk, history_type="-").get().history_change_reason == f"Merged into {hts.slug}"


def test_merge_errors_change_nothing(editor_client):
    only = make_actor("Russia")
    response = editor_client.post(ACTORS, {"action": "merge", "_selected_action": [only.pk]}, follow=True)
    assert any("Select at least two actors" in m for m in _messages(response))
    with pytest.raises(CurationError, match="into itself"):
        actor_merge(only, [only])
    assert Actor.objects.filter(pk=only.pk).exists()


def test_aliases_are_edited_inline_and_autocomplete_finds_them(editor_client):
    hts = make_actor("Hayat Tahrir al-Sham")
    Alias.objects.create(actor=hts, name="HTS")
    page = editor_client.get(reverse("admin:actors_actor_change", args=[hts.pk]))
    assert b"aliases-TOTAL_FORMS" in page.content
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "HTS", "app_label": "events", "model_name": "eventactor", "field_name": "actor"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["Hayat Tahrir al-Sham"]


def test_statements_admin_lists_speakers(editor_client):
    speaker = make_actor("Turkish Ministry of Defence")
    Statement.objects.create(
        text="Our observation posts will stay.", is_direct=True, said_on=dt.date(2026, 11, 2),
        article=make_article(), speaker=speaker,
    )
    html = editor_client.get(reverse("admin:actors_statement_changelist")).content.decode()
    assert "Turkish Ministry of Defence" in html and "Our observation posts will stay." in html


def _change_form(actor: Actor, **changes) -> dict:
    data = {
        "name": actor.name, "slug": actor.slug, "kind": actor.kind, "status": actor.status, "parent": "",
        "valid_from": "", "valid_to": "", "successor": "", "country": "", "color": "", "description": "",
        "designations": "[]", "source": "",
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0", "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "former_slugs-TOTAL_FORMS": "0", "former_slugs-INITIAL_FORMS": "0", "former_slugs-MIN_NUM_FORMS": "0",
        "former_slugs-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_an_editor_dates_an_actor_names_its_successor_and_gives_a_name_a_period(editor_client):
    old_army, new_army = make_actor("Syrian Arab Army"), make_actor("New army")
    Alias.objects.create(actor=old_army, name="government forces", valid_to=dt.date(2024, 12, 8))
    url = reverse("admin:actors_actor_change", args=[new_army.pk])
    overlapping = _change_form(new_army, **{
        "valid_from": "2024-12-08", "aliases-TOTAL_FORMS": "1", "aliases-0-name": "Government forces",
        "aliases-0-language": "en", "aliases-0-valid_from": "2024-12-01",
    })
    page = editor_client.post(url, overlapping)
    assert page.status_code == 200 and "already means Syrian Arab Army until 8 Dec 2024" in page.content.decode()
    assert not new_army.aliases.exists()

    editor_client.post(url, {**overlapping, "aliases-0-valid_from": "2024-12-09"})
    assert new_army.aliases.get().valid_from == dt.date(2024, 12, 9)
    response = editor_client.post(
        reverse("admin:actors_actor_change", args=[old_army.pk]),
        _change_form(old_army, valid_to="2024-12-08", successor=str(new_army.pk)),
    )
    assert response.status_code == 302
    old_army.refresh_from_db()
    assert (old_army.valid_to, old_army.successor) == (dt.date(2024, 12, 8), new_army)


def test_a_merge_costs_the_same_queries_however_many_zones_and_members_move(db):
    """Zones and members move with their history in bulk: no query per moved row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def merge_with(n: int) -> int:
        survivor, duplicate = make_actor(f"Army {n}"), make_actor(f"Armed forces {n}")
        for i in range(n):
            ControlZone.objects.create(name=f"Zone {n}-{i}", controller=duplicate, geometry=SQUARE,
                                       valid_from=dt.date(2020, 1, 1 + i))
            member = make_actor(f"Brigade {n}-{i}")
            member.parent = duplicate
            member.save()
        with CaptureQueriesContext(connection) as queries:
            actor_merge(survivor, [duplicate])
        assert ControlZone.objects.filter(controller=survivor).count() == n
        assert Actor.objects.filter(parent=survivor).count() == n
        assert ControlZone.history.filter(controller=survivor, history_type="~").count() == n
        return len(queries)

    # Among them: the zones' SELECT, UPDATE and history INSERT, the members' the same, whatever n.
    assert merge_with(1) == merge_with(5)


def test_switching_feeds_costs_the_same_queries_however_many(editor_client, django_assert_num_queries):
    from events.ingest.feeds import feeds_set_active
    from events.models import Feed

    for n in (1, 5):
        feeds = [Feed.objects.create(name=f"f{n}-{i}", url=f"https://f{n}-{i}.example.org/rss") for i in range(n)]
        # SAVEPOINT, SELECT ... FOR UPDATE of the feeds, one UPDATE, one history INSERT, RELEASE SAVEPOINT.
        with django_assert_num_queries(5):
            assert feeds_set_active(feeds, False) == n
        assert Feed.history.filter(history_change_reason="Deactivated").count() >= n
