"""The shipped reference data: seed_reference loads it once, a second run writes nothing, and the founding
article's actors and places resolve through their aliases."""

from __future__ import annotations

import copy
import json
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from actors.models import Actor, Alias
from actors.names import normalize_name
from actors.services import actor_gazetteer_load
from events.models import ControlZone, Feed, Place
from events.public.selectors import zones_on
from events.reference import (
    ACTORS_FILE,
    FEEDS_FILE,
    PLACES_FILE,
    feed_defaults_load,
    place_gazetteer_load,
    read_json,
)
from events.territory.geo import validate_zone_geometry
from events.territory.zones import zone_close, zones_import
from idlib_tracker.loading import LoadReport, ReferenceDataError
from tests.factories import make_actor, square

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_reference", stdout=out)
    return out.getvalue()


def _actor(name: str, on: date = date(2018, 9, 7)) -> Actor:
    """The actor a name means on a date (the founding article's by default): some names change meaning in time."""
    aliases = Alias.objects.select_related("actor__parent__parent").filter(normalized=normalize_name(name))
    return next(alias for alias in aliases if alias.covers(on)).actor


def _place_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for slug, name, aliases in Place.objects.values_list("slug", "name", "aliases"):
        for spelling in [name, *aliases]:
            assert index.setdefault(normalize_name(spelling), slug) == slug, f"{spelling!r} names two places"
    return index


def _snapshot() -> dict[str, list]:
    return {
        "actors": list(Actor.objects.order_by("slug").values_list(
            "slug", "name", "kind", "parent__slug", "color", "designations", "updated_at")),
        "actor history": [Actor.history.count()],
        "aliases": list(Alias.objects.order_by("normalized").values_list("normalized", "name", "actor__slug")),
        "places": list(Place.objects.order_by("slug").values_list("slug", "name", "aliases", "latitude", "longitude")),
        "zones": list(ControlZone.objects.order_by("pk").values_list("pk", "name", "geometry", "valid_to")),
        "zone history": [ControlZone.history.count()],
        "feeds": list(Feed.objects.order_by("url").values_list("url", "name", "active")),
    }


def test_seed_reference_loads_the_gazetteers_zones_and_feeds_and_a_second_run_changes_nothing():
    first = _seed()
    assert Actor.objects.count() >= 40
    assert Alias.objects.count() >= 200
    assert Place.objects.count() >= 170
    assert Place.objects.filter(admin1="Idlib").count() >= 100
    assert ControlZone.objects.count() >= 16
    assert Feed.objects.filter(active=True).count() >= 8
    assert "actors: " in first and " 0 created" not in first.splitlines()[0]
    before = _snapshot()

    second = _seed()
    assert "Reference data loaded: 0 rows written." in second
    for line in second.splitlines()[:-1]:
        assert " 0 created, 0 updated," in line, line
    assert _snapshot() == before


def test_seeding_repairs_an_edited_gazetteer_row_and_keeps_what_editors_added():
    _seed()
    putin = Actor.objects.get(slug="vladimir-putin")
    putin.description = "vandalised"
    putin.parent = None
    putin.save()
    khan = Place.objects.get(slug="khan-shaykhun")
    khan.latitude = 0.0
    khan.save()
    editors_alias = Alias.objects.create(actor=putin, name="Mr Putin")
    feed = Feed.objects.get(url__contains="syriadirect")
    feed.active = False
    feed.save()

    out = _seed()
    assert "actors: 0 created, 1 updated" in out
    assert "places: 0 created, 1 updated" in out
    putin.refresh_from_db()
    assert putin.parent.slug == "russia" and putin.description != "vandalised"
    assert Place.objects.get(slug="khan-shaykhun").latitude == pytest.approx(35.443, abs=0.01)
    assert Alias.objects.filter(pk=editors_alias.pk).exists()
    assert Feed.objects.get(pk=feed.pk).active is False


# (the spelling in the founding article, slug it must resolve to, slug of the state or group it belongs to)
FOUNDING_ARTICLE_ACTORS = [
    ("Vladimir Putin", "vladimir-putin", "russia"),
    ("Putin", "vladimir-putin", "russia"),
    ("Russian Federation", "russia", None),
    ("Nusra Front", "jabhat-al-nusra", None),
    ("Al-Nusra Front", "jabhat-al-nusra", None),
    ("Hayat Tahrir al-Sham", "hayat-tahrir-al-sham", None),
    ("HTS", "hayat-tahrir-al-sham", None),
    ("Islamic State of Iraq and the Levant", "islamic-state", None),
    ("ISIL", "islamic-state", None),
    ("ISIS", "islamic-state", None),
    ("Islamic State", "islamic-state", None),
    ("United States", "united-states", None),
    ("Steven Mnuchin", "steven-mnuchin", "united-states"),
    ("Assad regime", "syrian-government", "syria"),
    ("Assad's government", "syrian-government", "syria"),
    ("government forces", "syrian-arab-army", "syrian-government"),
    ("Iran", "iran", None),
    ("Rouhani", "hassan-rouhani", "iran"),
    ("Erdoğan", "recep-tayyip-erdogan", "turkey"),
    ("Erdogan", "recep-tayyip-erdogan", "turkey"),
    ("Turkey", "turkey", None),
    ("Al-Qaeda", "al-qaeda", None),
    ("rebels backed by Turkey", "national-front-for-liberation", "syrian-opposition"),
    ("Russian military", "russian-armed-forces", "russia"),
    ("Syrian Observatory for Human Rights", "sohr", None),
    ("Russian Foreign Ministry", "russian-foreign-ministry", "russia"),
    ("Maria Zakharova", "maria-zakharova", "russian-foreign-ministry"),
    ("White Helmets", "white-helmets", None),
    ("White House", "white-house", "united-states"),
]


def test_every_actor_of_the_founding_article_resolves_through_its_alias():
    _seed()
    wrong = []
    for spelling, slug, parent in FOUNDING_ARTICLE_ACTORS:
        actor = _actor(spelling)
        if actor.slug != slug or (actor.parent.slug if actor.parent else None) != parent:
            wrong.append((spelling, actor.slug, actor.parent_id and actor.parent.slug))
    assert not wrong
    # Members roll up to their state: Zakharova -> Russian Foreign Ministry -> Russia.
    assert _actor("Zakharova").parent.parent.slug == "russia"
    # The other names of HTS, of its predecessor the Nusra Front, and of ISIL are one actor each.
    for name in ["Jabhat al-Nusra", "al-Nusra Front", "Jabhat Fatah al-Sham"]:
        assert _actor(name).slug == "jabhat-al-nusra", name
    assert _actor("Tahrir al-Sham").slug == "hayat-tahrir-al-sham"
    for name in ["Daesh", "Islamic State of Iraq and Syria", "ISIS"]:
        assert _actor(name).slug == "islamic-state", name
    hts = Actor.objects.get(slug="hayat-tahrir-al-sham")
    assert {"United States", "Turkey", "UN Security Council"} <= {d["by"] for d in hts.designations}


def test_the_spellings_checked_above_are_the_ones_the_founding_article_uses(founding_article_text):
    text = normalize_name(founding_article_text)
    missing = [spelling for spelling, _, _ in FOUNDING_ARTICLE_ACTORS if normalize_name(spelling) not in text]
    assert not missing


def test_places_resolve_by_every_spelling_the_press_uses():
    _seed()
    index = _place_index()
    groups = {
        "khan-shaykhun": ["Khan Shaykhun", "Khan Sheikhun", "Khan Sheikhoun"],
        "maarat-al-numan": ["Maarat al-Numan", "Ma'arrat an-Nu'man", "Maaret al-Numan", "Maarat al-Nouman"],
        "saraqib": ["Saraqib", "Saraqeb"],
        "jisr-al-shughur": ["Jisr al-Shughur", "Jisr ash-Shughur"],
        "idlib-governorate": ["Idlib province", "Idlib governorate", "Idleb governorate"],
        "hama-governorate": ["Hama province"],
        "abu-al-duhur-airbase": ["Abu al-Duhur airbase"],
        "sarman": ["Sarman"],
        "douma": ["Douma"],
        "astana": ["Astana", "Nur-Sultan"],
    }
    wrong = {s: index.get(normalize_name(s)) for slug, spellings in groups.items() for s in spellings
             if index.get(normalize_name(s)) != slug}
    assert not wrong
    for name in ["Tehran", "Ankara", "Moscow", "Sochi", "Geneva", "Damascus", "Aleppo", "Hama", "Latakia"]:
        assert name.lower() in index, name
    sarman = Place.objects.get(slug="sarman")
    assert (sarman.admin1, sarman.kind) == ("Idlib", "village")
    assert 35.5 < sarman.latitude < 35.7 and 36.7 < sarman.longitude < 36.95


def test_the_seeded_zones_are_valid_and_who_controls_what_on_a_date_is_one_query(django_assert_num_queries):
    _seed()
    for zone in ControlZone.objects.all():
        validate_zone_geometry(zone.geometry)
        assert zone.source_note, zone.name
    with django_assert_num_queries(1):
        zones = zones_on(date(2018, 9, 10))
        controllers = {zone.controller.slug for zone in zones}
    assert {"hayat-tahrir-al-sham", "national-front-for-liberation", "syrian-government",
            "turkish-armed-forces"} <= controllers
    assert sum(z.name.startswith("Turkish observation post") for z in zones) == 12
    assert zones_on(date(2018, 8, 31)) == []


# --- the loaders' refusals ------------------------------------------------------------------------------------

def test_an_alias_already_owned_by_another_actor_stops_the_actor_load_and_writes_nothing():
    squatter = make_actor("Squatter")
    Alias.objects.create(actor=squatter, name="Nusra Front")
    data = read_json(ACTORS_FILE)
    with pytest.raises(ReferenceDataError) as error:
        actor_gazetteer_load(data)
    assert any("'Nusra Front' already belongs to" in m and "jabhat-al-nusra" in m for m in error.value.messages)
    assert list(Actor.objects.values_list("slug", flat=True)) == [squatter.slug]


def test_bad_gazetteer_entries_are_all_listed_before_anything_is_written():
    data = {"actors": [
        {"slug": "a", "name": "Alpha", "kind": "warlord", "aliases": []},
        {"slug": "b", "name": "Beta", "kind": "militia", "parent": "nobody", "color": "red", "aliases": []},
        {"slug": "c", "name": "Gamma", "kind": "militia", "aliases": [{"name": "ALPHA"}]},
    ]}
    with pytest.raises(ReferenceDataError) as error:
        actor_gazetteer_load(data)
    text = "\n".join(error.value.messages)
    assert "kind 'warlord' is not one of" in text
    assert "color 'red' is not like #1f77b4" in text
    data["actors"][0]["kind"] = "militia"
    data["actors"][1].update(color="#aa0000")
    with pytest.raises(ReferenceDataError) as error:
        actor_gazetteer_load(data)
    text = "\n".join(error.value.messages)
    assert "parent 'nobody' is neither in the file nor in the database" in text
    assert "alias 'ALPHA' (normalised 'alpha') is given to both 'a' and 'c'" in text
    assert not Actor.objects.exists()


def test_feed_defaults_refuse_a_bad_url_and_never_duplicate_a_feed():
    with pytest.raises(ReferenceDataError, match="not an http"):
        feed_defaults_load({"feeds": [{"name": "Local", "url": "file:///etc/passwd"}]})
    report = feed_defaults_load(read_json(FEEDS_FILE))
    assert report.created == Feed.objects.count() >= 8
    assert feed_defaults_load(read_json(FEEDS_FILE)).changed == 0


def test_places_naming_the_same_spelling_twice_are_refused():
    data = copy.deepcopy(read_json(PLACES_FILE))
    data["places"][1]["aliases"].append(data["places"][0]["name"].upper())
    with pytest.raises(ReferenceDataError, match="belongs to both"):
        place_gazetteer_load(data)
    assert not Place.objects.exists()


# --- zones_import / zone_close ----------------------------------------------------------------------------------

def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(name: str, controller: str, geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": {"name": name, "controller": controller, **props},
            "geometry": geometry}


def test_zones_import_checks_every_feature_first_and_imports_all_or_nothing():
    make_actor("Hayat Tahrir al-Sham", slug="hayat-tahrir-al-sham")
    good = _feature("HTS area", "hayat-tahrir-al-sham", square(36.6, 35.9, 0.2), valid_from="2018-09-01")
    unclosed = _feature("Broken", "hayat-tahrir-al-sham",
                        {"type": "Polygon", "coordinates": [[[36, 35], [37, 35], [37, 36], [36, 36]]]},
                        valid_from="2018-09-01")
    unknown = _feature("Nobody's", "martians", square(36.0, 35.0, 0.1), valid_from="2018-09-01")
    backwards = _feature("Backwards", "hayat-tahrir-al-sham", square(36.0, 35.0, 0.1),
                         valid_from="2018-09-01", valid_to="2018-08-01")
    with pytest.raises(ReferenceDataError) as error:
        zones_import(_collection(good, unclosed, unknown, backwards))
    text = "\n".join(error.value.messages)
    assert "feature 2 (Broken): Polygon ring 1: the ring is not closed" in text
    assert "feature 3 (Nobody's): controller 'martians' is not a known actor slug or alias" in text
    assert "feature 4 (Backwards): valid_to 2018-08-01 is not after valid_from 2018-09-01" in text
    assert not ControlZone.objects.exists()

    with pytest.raises(ReferenceDataError, match="has no valid_from"):
        zones_import(_collection(_feature("Undated", "hayat-tahrir-al-sham", square(36.6, 35.9, 0.2))))


def test_zones_import_is_idempotent_accepts_an_alias_as_controller_and_updates_a_corrected_zone():
    hts = make_actor("Hayat Tahrir al-Sham", slug="hayat-tahrir-al-sham")
    Alias.objects.create(actor=hts, name="HTS")
    collection = _collection(_feature("HTS area", "HTS", square(36.6, 35.9, 0.2)))
    report = LoadReport("zones")
    first = zones_import(collection, default_valid_from=date(2018, 9, 1), default_source_note="ISW map", report=report)
    assert (report.created, first[0].controller, first[0].source_note) == (1, hts, "ISW map")

    report = LoadReport("zones")
    again = zones_import(collection, default_valid_from=date(2018, 9, 1), default_source_note="ISW map", report=report)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert [z.pk for z in again] == [first[0].pk]

    corrected = json.loads(json.dumps(collection))
    corrected["features"][0]["geometry"] = square(36.6, 35.9, 0.25)
    report = LoadReport("zones")
    zones_import(corrected, default_valid_from=date(2018, 9, 1), default_source_note="ISW map", report=report)
    assert report.updated == 1
    assert ControlZone.objects.get().geometry == square(36.6, 35.9, 0.25)
    # A later dated set is a new zone, not an edit of the old one.
    zones_import(collection, default_valid_from=date(2018, 10, 15))
    assert ControlZone.objects.count() == 2


def test_zone_close_ends_a_zone_once_and_refuses_impossible_dates():
    zone = zones_import(_collection(_feature("Area", make_actor().slug, square(36.6, 35.9, 0.2))),
                        default_valid_from=date(2018, 9, 1))[0]
    with pytest.raises(ValidationError, match="cannot end on 2018-09-01"):
        zone_close(zone, date(2018, 9, 1))
    zone_close(zone, date(2018, 10, 15))
    zone_close(zone, date(2018, 10, 15))
    assert ControlZone.objects.get().valid_to == date(2018, 10, 15)
    with pytest.raises(ValidationError, match="already closed on 2018-10-15"):
        zone_close(zone, date(2018, 11, 1))
    assert zones_on(date(2018, 10, 14)) == [zone] and zones_on(date(2018, 10, 15)) == []
