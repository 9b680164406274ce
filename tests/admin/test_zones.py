"""Control zones in the admin: import a dated FeatureCollection, close zones, edit the geometry on a map."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actors.models import Alias
from events.models import ControlZone
from tests.admin.builders import make_actor

IMPORT = reverse("admin:events_controlzone_import")
ZONES = reverse("admin:events_controlzone_changelist")

SQUARE = {"type": "Polygon", "coordinates": [[[36.5, 35.8], [36.7, 35.8], [36.7, 36.0], [36.5, 36.0], [36.5, 35.8]]]}


def _feature(name: str, controller: str, geometry=None, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, "controller": controller, **props},
        "geometry": geometry or SQUARE,
    }


def _upload(content: bytes | str, name: str = "zones.geojson") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


def _collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_import_a_dated_feature_collection(editor_client, editor):
    hts = make_actor("Hayat Tahrir al-Sham")
    Alias.objects.create(actor=hts, name="HTS")
    army = make_actor("Syrian Arab Army")
    page = editor_client.get(ZONES)
    assert IMPORT in page.content.decode()  # the "Import GeoJSON" button

    response = editor_client.post(
        IMPORT,
        {
            "file": _upload(_collection(_feature("Idlib pocket", "HTS"), _feature("Abu al-Duhur front", army.slug))),
            "valid_from": "2019-05-01",
            "source_note": "Situation maps of May 2019",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ZONES
    assert b"2 created" in response.content
    zones = {z.name: z for z in ControlZone.objects.select_related("controller")}
    assert zones["Idlib pocket"].controller == hts
    assert zones["Abu al-Duhur front"].valid_from == dt.date(2019, 5, 1)
    assert zones["Abu al-Duhur front"].source_note == "Situation maps of May 2019"
    assert zones["Idlib pocket"].history.latest().history_user == editor

    again = editor_client.post(
        IMPORT,
        {"file": _upload(_collection(_feature("Idlib pocket", "HTS"), _feature("Abu al-Duhur front", army.slug))),
         "valid_from": "2019-05-01"},
        follow=True,
    )
    assert b"0 created" in again.content and ControlZone.objects.count() == 2


def test_an_invalid_file_imports_nothing_and_lists_every_problem(editor_client):
    hts = make_actor("Hayat Tahrir al-Sham")
    open_ring = {"type": "Polygon", "coordinates": [[[36.5, 35.8], [36.7, 35.8], [36.7, 36.0], [36.5, 36.0]]]}
    response = editor_client.post(
        IMPORT,
        {
            "file": _upload(
                _collection(
                    _feature("Good zone", hts.slug),
                    _feature("Unknown controller", "nobody-at-all"),
                    _feature("Open ring", hts.slug, geometry=open_ring),
                )
            ),
            "valid_from": "2019-05-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "nobody-at-all" in html and "is not a known actor" in html
    assert "Open ring" in html
    assert ControlZone.objects.count() == 0


def test_not_json_and_not_a_feature_collection_are_clear_errors(editor_client):
    broken = editor_client.post(IMPORT, {"file": _upload("{not json"), "valid_from": "2019-05-01"})
    assert b"The file is not valid JSON" in broken.content
    point = editor_client.post(
        IMPORT, {"file": _upload(json.dumps({"type": "Point", "coordinates": [36, 35]})), "valid_from": "2019-05-01"}
    )
    assert b"Not a GeoJSON FeatureCollection" in point.content
    assert ControlZone.objects.count() == 0


def test_staff_without_editor_rights_cannot_import(staff_client):
    response = staff_client.post(IMPORT, {"file": _upload(_collection()), "valid_from": "2019-05-01"})
    assert response.status_code == 403


def _zone(name: str, start: dt.date) -> ControlZone:
    return ControlZone.objects.create(name=name, geometry=SQUARE, controller=make_actor(), valid_from=start)


def test_close_zones_on_a_date(editor_client, editor):
    a = _zone("Kafr Nabl", dt.date(2019, 1, 1))
    b = _zone("Khan Shaykhun", dt.date(2019, 6, 1))
    page = editor_client.post(ZONES, {"action": "close_zones", "_selected_action": [a.pk, b.pk]})
    assert b"Valid to" in page.content
    assert not ControlZone.objects.filter(valid_to__isnull=False).exists()

    response = editor_client.post(
        ZONES, {"action": "close_zones", "_selected_action": [a.pk, b.pk], "apply": "1", "valid_to": "2019-08-21"},
        follow=True,
    )
    assert b"Closed 2 zones on 2019-08-21." in response.content
    a.refresh_from_db()
    assert a.valid_to == dt.date(2019, 8, 21)
    assert a.history.latest().history_user == editor


def test_closing_before_the_start_is_refused_and_changes_nothing(editor_client):
    zone = _zone("Maarat al-Numan", dt.date(2019, 6, 1))
    response = editor_client.post(
        ZONES, {"action": "close_zones", "_selected_action": [zone.pk], "apply": "1", "valid_to": "2019-05-01"},
        follow=True,
    )
    assert b"cannot end on 2019-05-01" in response.content
    zone.refresh_from_db()
    assert zone.valid_to is None


def test_zone_form_has_the_map_editor_and_saves_a_drawn_geometry(editor_client):
    zone = _zone("Saraqib", dt.date(2019, 1, 1))
    url = reverse("admin:events_controlzone_change", args=[zone.pk])
    html = editor_client.get(url).content.decode()
    assert "data-zone-editor" in html and "js/admin/zone_editor.js" in html
    assert "leaflet-draw@1.0.4/dist/leaflet.draw.js" in html
    drawn = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    response = editor_client.post(
        url,
        {
            "name": "Saraqib",
            "controller": zone.controller_id,
            "valid_from": "2019-01-01",
            "geometry": json.dumps(drawn),
            "source_note": "",
        },
    )
    assert response.status_code == 302
    zone.refresh_from_db()
    assert zone.geometry == drawn

    bad = editor_client.post(
        url,
        {"name": "Saraqib", "controller": zone.controller_id, "valid_from": "2019-01-01",
         "geometry": json.dumps({"type": "Point", "coordinates": [36, 35]})},
    )
    assert bad.status_code == 200 and b"must be Polygon or MultiPolygon" in bad.content


def test_the_by_controller_filter_lists_only_actors_that_control_a_zone(editor_client):
    hts = make_actor("Hayat Tahrir al-Sham")
    turkey = make_actor("Turkish Armed Forces")
    bystander = make_actor("Syrian Observatory for Human Rights")  # an NGO: quoted often, holds no ground
    ControlZone.objects.create(name="Idlib pocket", controller=hts, valid_from=dt.date(2018, 9, 1), geometry=SQUARE)
    ControlZone.objects.create(name="Observation post 9", controller=turkey, valid_from=dt.date(2018, 9, 1),
                               geometry=SQUARE)
    response = editor_client.get(ZONES)
    spec = next(f for f in response.context["cl"].filter_specs if f.title == "controller")
    listed = {label for _, label in spec.lookup_choices}
    assert listed == {"Hayat Tahrir al-Sham", "Turkish Armed Forces"}
    assert bystander.name not in response.content.decode()

    filtered = editor_client.get(ZONES, {"controller__id__exact": turkey.pk})
    assert [z.name for z in filtered.context["cl"].result_list] == ["Observation post 9"]
