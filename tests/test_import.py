"""Importing real OCHA files (../shared/geo): the Syria populated-places gazetteer and the governorate boundaries."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actors.names import normalize_name
from events.models import ControlZone, Place
from events.territory.geo import validate_zone_geometry
from tests.conftest import SHARED_DIR, require
from tests.factories import make_actor

pytestmark = pytest.mark.django_db

GEO = SHARED_DIR / "geo"
POINTS = GEO / "syr_admin4_point.geojson"
ADMIN1 = GEO / "syr_admin1.geojson"
# Syria's bounding box, with a little margin.
LAT, LON = (32.2, 37.5), (35.5, 42.5)


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_places_takes_the_idlib_villages_with_their_coordinates_and_repairs_broken_names():
    require(POINTS.exists(), f"{POINTS} is missing (../shared beside the checkout)")
    out = _run("import_places", str(POINTS), "--admin1", "Idleb")
    places = Place.objects.filter(admin1="Idlib")
    assert places.count() >= 400
    assert "places: " in out and " created" in out
    assert "1 name repaired (invalid UTF-8 bytes dropped)" in out
    assert not Place.objects.exclude(admin1="Idlib").exists()
    outside = [(p.name, p.latitude, p.longitude) for p in places
               if not (LAT[0] <= p.latitude <= LAT[1] and LON[0] <= p.longitude <= LON[1])]
    assert not outside
    # The one Idlib name cut inside an Arabic letter keeps its readable part, without replacement characters.
    repaired = Place.objects.get(name__startswith="Maaret Elnaasan")
    arabic = next(a for a in repaired.aliases if a.startswith("معارة النعسان"))
    assert arabic.endswith("الحاسك") and "\ufffd" not in arabic
    assert Place.objects.get(name="Khan Shaykun").kind == "town"

    # Running it again writes nothing; the project's own spelling keeps one row per place.
    again = _run("import_places", str(POINTS), "--admin1", "Idlib")
    assert "places: 0 created, 0 updated" in again
    assert Place.objects.filter(admin1="Idlib").count() == places.count()


def test_import_places_after_the_seed_does_not_duplicate_a_curated_town():
    require(POINTS.exists(), f"{POINTS} is missing (../shared beside the checkout)")
    call_command("seed_reference", stdout=StringIO())
    curated = Place.objects.count()
    out = _run("import_places", str(POINTS), "--admin1", "Idlib")
    assert "already in the gazetteer under another spelling" in out
    spellings = [normalize_name(n) for p in Place.objects.all() for n in [p.name, *p.aliases]]
    for town in ["Khan Shaykun", "Saraqab", "Jisr-Ash-Shugur", "Ma'arrat An Nu'man"]:
        assert spellings.count(normalize_name(town)) == 1, town
    assert Place.objects.count() > curated + 200


def test_import_places_names_a_file_that_is_not_a_gazetteer(tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.geojson: not valid JSON"):
        call_command("import_places", str(broken))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_places", str(tmp_path / "missing.geojson"))


def test_import_zones_imports_the_governorate_boundaries_once():
    require(ADMIN1.exists(), f"{ADMIN1} is missing (../shared beside the checkout)")
    make_actor("Syrian government", slug="syrian-government")
    args = ("import_zones", str(ADMIN1), "--name-property", "NAME_EN", "--controller", "syrian-government",
            "--valid-from", "2011-03-15", "--source-note", "OCHA Syria COD admin1 boundary")
    out = _run(*args)
    assert "control zones: 14 created, 0 updated, 0 unchanged" in out
    zones = list(ControlZone.objects.all())
    assert {z.name for z in zones} >= {"Idleb", "Hama", "Aleppo", "Lattakia"}
    for zone in zones:
        validate_zone_geometry(zone.geometry)
        assert zone.geometry["type"] in ("Polygon", "MultiPolygon")
        assert zone.source_note == "OCHA Syria COD admin1 boundary"
    assert "control zones: 0 created, 0 updated, 14 unchanged" in _run(*args)


def test_import_zones_without_a_controller_imports_nothing_and_says_why():
    require(ADMIN1.exists(), f"{ADMIN1} is missing (../shared beside the checkout)")
    with pytest.raises(CommandError) as error:
        call_command("import_zones", str(ADMIN1), "--name-property", "NAME_EN", "--valid-from", "2011-03-15")
    assert "feature 1 (Idleb): controller None is not a known actor slug or alias" in str(error.value)
    assert not ControlZone.objects.exists()


def test_import_places_keeps_the_good_features_of_a_partly_broken_file_and_counts_the_rest(tmp_path):
    def point(name, lon, lat, **props):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"NAME_EN": name, "ADMIN1_EN": "Idleb", "PCODE": f"T{len(name)}", **props}}

    features = [point("Kafr Testa", 36.6, 35.9), point("", 36.6, 35.9), point("Nowhere", 36.6, 135.9),
                point("X" * 300, 36.6, 35.9), point("Hama Village", 36.7, 35.1, ADMIN1_EN="Hama")]
    path = tmp_path / "places.geojson"
    raw = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    # A cut Arabic letter in the kept feature's Arabic name, as in OCHA's own file.
    path.write_bytes(raw.replace(b'"PCODE": "T10"', b'"PCODE": "T10", "NAME_ARA": "\xd9\x83\xd9\x81\xd8"'))
    out = _run("import_places", str(path), "--admin1", "Idlib")
    assert "places: 1 created" in out
    assert "3 features without a usable name or valid coordinates ignored" in out
    assert "1 name repaired" in out
    place = Place.objects.get()
    assert (place.name, place.aliases, place.admin1, place.kind) == ("Kafr Testa", ["كف"], "Idlib", "village")
