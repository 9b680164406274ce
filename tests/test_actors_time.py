"""Actors through time: dated names in the gazetteer load, successors, one identity for al-Jolani / al-Sharaa
(the data migration that renames the old actor keeps everything attached to it), former slugs after a merge."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actors.models import Actor, Alias, FormerSlug, Statement
from actors.names import normalize_name
from actors.services import actor_gazetteer_load
from events.curation.actors import actor_merge
from events.reference import ACTORS_FILE, read_json
from idlib_tracker.loading import ReferenceDataError
from tests.factories import make_actor, make_aliases


def _meaning(name: str, on: date) -> str:
    aliases = Alias.objects.select_related("actor").filter(normalized=normalize_name(name))
    return next(alias.actor.slug for alias in aliases if alias.covers(on))


@pytest.mark.django_db
def test_the_shipped_gazetteer_loads_successors_periods_and_dated_names():
    actor_gazetteer_load(read_json(ACTORS_FILE))
    nusra, hts = Actor.objects.get(slug="jabhat-al-nusra"), Actor.objects.get(slug="hayat-tahrir-al-sham")
    assert nusra.successor == hts and hts.successor.slug == "syrian-armed-forces-transitional"
    assert (hts.valid_from, hts.valid_to) == (date(2017, 1, 28), date(2025, 1, 29))
    for slug in ("national-front-for-liberation", "syrian-national-army", "syrian-arab-army"):
        assert Actor.objects.get(slug=slug).successor.slug == "syrian-armed-forces-transitional", slug
    assert Actor.objects.get(slug="syrian-government").successor.slug == "syrian-transitional-government"
    for name, before, after in [
        ("government forces", "syrian-arab-army", "syrian-armed-forces-transitional"),
        ("Syrian army", "syrian-arab-army", "syrian-armed-forces-transitional"),
        ("Syrian government", "syrian-government", "syrian-transitional-government"),
        ("Syrian state media", "sana", "sana-transitional"),
        ("Syrian president", "bashar-al-assad", "ahmed-al-sharaa"),
        ("UN envoy for Syria", "staffan-de-mistura", "geir-pedersen"),
    ]:
        assert (_meaning(name, date(2018, 9, 7)), _meaning(name, date(2025, 6, 1))) == (before, after), name
    # Every actor the file names keeps its sources.
    assert not Actor.objects.filter(source="").exists()


@pytest.mark.django_db
def test_loading_over_an_older_database_gives_its_undated_names_a_period_and_writes_nothing_twice():
    # A database seeded before names had dates: "Syrian government" meant Assad's government at any date.
    old = make_actor("Syrian government", slug="syrian-government", kind="government_body")
    army = make_actor("Syrian Arab Army", slug="syrian-arab-army", kind="state_forces")
    make_aliases(old, ["Syrian government"])
    make_aliases(army, ["government forces"])
    actor_gazetteer_load(read_json(ACTORS_FILE))
    row = Alias.objects.get(normalized="syrian government", actor=old)
    assert (row.valid_from, row.valid_to) == (None, date(2024, 12, 8))
    assert Alias.objects.get(normalized="government forces", actor=army).valid_to == date(2024, 12, 8)
    assert _meaning("Syrian government", date(2025, 1, 1)) == "syrian-transitional-government"
    assert _meaning("government forces", date(2025, 1, 1)) == "syrian-armed-forces-transitional"
    again = actor_gazetteer_load(read_json(ACTORS_FILE))
    assert (again.created, again.updated, again.parts[0].created, again.parts[0].updated) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_a_name_given_to_two_actors_for_overlapping_periods_is_refused():
    data = {"actors": [
        {"slug": "a", "name": "Alpha", "kind": "militia",
         "aliases": [{"name": "the army", "valid_to": "2024-12-08"}]},
        {"slug": "b", "name": "Beta", "kind": "militia",
         "aliases": [{"name": "the army", "valid_from": "2024-12-01"}]},
    ]}
    with pytest.raises(ReferenceDataError, match=r"'the army'.*given to both 'a' and 'b'"):
        actor_gazetteer_load(data)
    data["actors"][1]["aliases"][0]["valid_from"] = "2024-12-09"
    actor_gazetteer_load(data)
    assert _meaning("the army", date(2024, 12, 8)) == "a" and _meaning("the army", date(2024, 12, 9)) == "b"


@pytest.mark.django_db
def test_an_editor_cannot_give_a_name_a_period_that_overlaps_another_actors():
    army, other = make_actor("Army"), make_actor("Other army")
    Alias.objects.create(actor=army, name="government forces", valid_to=date(2024, 12, 8))
    clash = Alias(actor=other, name="Government Forces", valid_from=date(2024, 12, 1))
    with pytest.raises(ValidationError, match="already means Army until 8 Dec 2024"):
        clash.full_clean()
    clash.valid_from = date(2024, 12, 9)
    clash.full_clean()
    clash.save()


@pytest.mark.django_db
def test_a_merged_actors_slug_leads_to_the_survivor():
    survivor, duplicate = make_actor("Ahmed al-Sharaa"), make_actor("Abu Mohammad al-Jolani")
    old_slug = duplicate.slug
    before = make_actor("Nusra", successor=duplicate)
    actor_merge(survivor, [duplicate])
    assert FormerSlug.objects.get(slug=old_slug).actor == survivor
    before.refresh_from_db()
    assert before.successor == survivor


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_makes_julani_and_sharaa_one_actor_and_keeps_his_statements():
    executor = MigrationExecutor(connection)
    executor.migrate([("actors", "0005_actors_through_time")])
    apps = executor.loader.project_state([("actors", "0005_actors_through_time")]).apps
    OldActor, OldAlias = apps.get_model("actors", "Actor"), apps.get_model("actors", "Alias")
    OldStatement, OldArticle = apps.get_model("actors", "Statement"), apps.get_model("events", "Article")
    OldFeed = apps.get_model("events", "Feed")
    hts = OldActor.objects.create(slug="hayat-tahrir-al-sham", name="Hayat Tahrir al-Sham", kind="jihadist_group")
    julani = OldActor.objects.create(slug="abu-mohammad-al-julani", name="Abu Mohammad al-Julani", kind="person",
                                     parent=hts)
    OldAlias.objects.create(actor=julani, name="Jolani", normalized="jolani")
    feed = OldFeed.objects.create(name="Wire", url="https://wire.example.org/feed.xml")
    article = OldArticle.objects.create(feed=feed, guid="g1", url="https://wire.example.org/1", title="HTS",
                                        text="...", content_hash="0" * 64)
    article.actors.add(julani)
    OldStatement.objects.create(speaker=julani, text="We will fight on.", is_direct=True, said_on=date(2018, 9, 7),
                                article=article, text_key="k" * 64)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    sharaa = Actor.objects.get(slug="ahmed-al-sharaa")
    assert sharaa.pk == julani.pk and sharaa.name == "Ahmed al-Sharaa" and sharaa.parent.slug == "hayat-tahrir-al-sham"
    assert Statement.objects.get().speaker == sharaa
    assert list(sharaa.articles.values_list("pk", flat=True)) == [article.pk]
    assert {"jolani", "ahmed al sharaa"} <= set(sharaa.aliases.values_list("normalized", flat=True))
    assert FormerSlug.objects.get(slug="abu-mohammad-al-julani").actor == sharaa
    assert not Actor.objects.filter(slug="abu-mohammad-al-julani").exists()
    # The shipped gazetteer then loads over it without a conflict, and keeps the old slug leading to him.
    actor_gazetteer_load(read_json(ACTORS_FILE))
    assert Actor.objects.get(slug="ahmed-al-sharaa").pk == julani.pk


@pytest.mark.django_db
def test_a_zone_controller_given_by_a_dated_name_is_the_actor_of_the_zones_first_day():
    from events.territory.zones import zones_import

    actor_gazetteer_load(read_json(ACTORS_FILE))
    square = {"type": "Polygon", "coordinates": [[[36.5, 35.8], [36.7, 35.8], [36.7, 36.0], [36.5, 36.0], [36.5, 35.8]]]}
    feature = {"type": "Feature", "geometry": square,
               "properties": {"name": "Idlib city", "controller": "Syrian government", "valid_from": "2025-01-01",
                              "source_note": "test"}}
    old = {**feature, "properties": {**feature["properties"], "valid_from": "2018-09-01", "valid_to": "2024-12-08"}}
    new, then = zones_import({"type": "FeatureCollection", "features": [feature, old]})
    assert (new.controller.slug, then.controller.slug) == ("syrian-transitional-government", "syrian-government")
