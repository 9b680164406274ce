"""The shipped control history, read the way users read it: the public zones API on a date (which derived area
contains the town) and the place-controller lookup agree with the public record on both sides of every turning
point from 2018 to 2026; the API answers any date in two queries; seeding again writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from events.models import ControlChange, ControlMap, Place
from events.reference import reference_seed
from events.territory.areas import outline
from events.territory.geo import geometry_contains
from events.territory.selectors import place_controller_on

pytestmark = pytest.mark.django_db

GOV, HTS, NFL = "syrian-government", "hayat-tahrir-al-sham", "national-front-for-liberation"
SDF, SNA, NEW, ISIS = "syrian-democratic-forces", "syrian-national-army", "syrian-transitional-government", "islamic-state"

# (place, date, controller): both sides of each turning point the issue names.
FACTS = [
    # Sochi, September 2018: the lines of the memorandum
    ("idlib", "2018-09-20", HTS),
    ("maarat-al-numan", "2018-10-01", NFL),
    ("afrin", "2018-10-01", SNA),
    ("aleppo", "2018-10-01", GOV),
    ("tall-rifat", "2018-10-01", SDF),
    # the middle Euphrates: the Islamic State's last pocket
    ("baghuz", "2019-03-01", ISIS),
    ("baghuz", "2019-04-01", SDF),
    # May 2019: Qalaat al-Madiq and Kafr Nabudah (retaken by the opposition on 21 May, lost again on 26 May)
    ("qalaat-al-madiq", "2019-05-01", NFL),
    ("qalaat-al-madiq", "2019-05-15", GOV),
    ("kafr-nabudah", "2019-05-05", NFL),
    ("kafr-nabudah", "2019-05-10", GOV),
    ("kafr-nabudah", "2019-05-23", NFL),
    ("kafr-nabudah", "2019-06-01", GOV),
    # August 2019: Khan Shaykhun and the northern Hama pocket
    ("khan-shaykhun", "2019-08-01", HTS),
    ("khan-shaykhun", "2019-08-25", GOV),
    ("morek", "2019-08-15", NFL),
    ("morek", "2019-09-01", GOV),
    ("latamneh", "2019-09-01", GOV),
    # October 2019: Peace Spring
    ("tal-abyad", "2019-10-01", SDF),
    ("tal-abyad", "2019-11-01", SNA),
    # December 2019 - March 2020
    ("maarat-al-numan", "2020-01-20", NFL),
    ("maarat-al-numan", "2020-02-01", GOV),
    ("saraqib", "2020-02-01", NFL),
    ("saraqib", "2020-02-15", GOV),
    ("saraqib", "2020-02-29", NFL),
    ("saraqib", "2020-03-10", GOV),
    ("tal-mardikh", "2020-03-10", GOV),  # the M5 highway
    ("anadan", "2020-02-01", HTS),  # western Aleppo countryside
    ("anadan", "2020-02-20", GOV),
    ("kafr-nabl", "2020-03-10", GOV),
    # the Moscow protocol and the frozen lines: the M4 towns stay with the opposition until November 2024
    ("ariha", "2020-03-10", NFL),
    ("jisr-al-shughur", "2022-06-01", HTS),
    ("idlib", "2024-11-25", HTS),
    ("maarat-al-numan", "2023-01-01", GOV),
    # the offensive of 27 November 2024
    ("aleppo", "2024-11-25", GOV),
    ("aleppo", "2024-12-05", HTS),
    ("hama", "2024-12-01", GOV),
    ("hama", "2024-12-07", HTS),
    ("homs", "2024-12-06", GOV),
    ("tall-rifat", "2024-11-20", SDF),
    ("tall-rifat", "2024-12-10", SNA),
    ("manbij", "2024-12-05", SDF),
    ("manbij", "2024-12-15", SNA),
    ("damascus", "2024-12-01", GOV),
    ("damascus", "2025-01-15", NEW),
    ("deir-ez-zor", "2024-12-08", SDF),
    ("deir-ez-zor", "2024-12-20", NEW),
    # the transitional authorities, and the SDF under the agreement of 10 March 2025
    ("idlib", "2025-01-15", NEW),
    ("latakia", "2026-12-01", NEW),
    ("raqqa", "2025-06-01", SDF),
    ("qamishli", "2026-12-01", SDF),
    ("afrin", "2026-12-01", SNA),
]


def _derived_controller_at(client, place: Place, day: str) -> str | None:
    """Who the public zones API says holds the ground under the place on the day (its derived areas)."""
    response = client.get(f"/api/zones.geojson?date={day}")
    assert response.status_code == 200
    holders = [
        f["properties"]["controller_slug"]
        for f in response.json()["features"]
        if f["properties"]["kind"] == "derived" and geometry_contains(f["geometry"], place.longitude, place.latitude)
    ]
    assert len(holders) <= 1, f"{place.slug} on {day} lies in {holders}: derived areas must not overlap"
    return holders[0] if holders else None


def test_shipped_history_matches_the_public_record(client, django_assert_num_queries):
    reference_seed()
    places = {p.slug: p for p in Place.objects.filter(slug__in={f[0] for f in FACTS})}
    wrong = []
    for slug, day, expected in FACTS:
        place = places[slug]
        by_service = place_controller_on(place, date.fromisoformat(day))
        by_api = _derived_controller_at(client, place, day)
        if (by_service.slug if by_service else None, by_api) != (expected, expected):
            wrong.append(f"{slug} on {day}: service {by_service and by_service.slug}, API {by_api}, want {expected}")
    assert wrong == []
    assert len(FACTS) >= 20

    # Every Syrian town has an answer on every date of the record (governorate centroids in the occupied Golan
    # aside), and the derived areas tile the outline.
    syria = outline()
    for day in ("2018-09-01", "2019-08-25", "2020-03-10", "2024-12-05", "2026-12-03"):
        response = client.get(f"/api/zones.geojson?date={day}")
        derived = [f for f in response.json()["features"] if f["properties"]["kind"] == "derived"]
        for place in Place.objects.filter(country="Syria").exclude(kind="governorate"):
            assert any(geometry_contains(f["geometry"], place.longitude, place.latitude) for f in derived), (
                place.slug, day)
        from shapely.geometry import shape

        covered = sum(shape(f["geometry"]).area for f in derived)
        assert covered == pytest.approx(syria.area, rel=0.001)
        # Each area says where it comes from.
        assert all("Voronoi" in f["properties"]["source_note"] for f in derived)

    # Any date, 2010 to 2026, in two queries: the cached map of the date, the drawn zones of the date.
    for day in ("2010-01-01", "2018-09-10", "2020-03-10", "2024-12-08", "2026-12-03"):
        with django_assert_num_queries(2):
            assert client.get(f"/api/zones.geojson?date={day}").status_code == 200

    # A second load writes nothing: no history row, no map row.
    history_rows, maps = ControlChange.history.count(), list(ControlMap.objects.values_list("pk", "built_at"))
    reports = reference_seed()
    assert sum(r.changed for r in reports) == 0
    assert ControlChange.history.count() == history_rows
    assert list(ControlMap.objects.values_list("pk", "built_at")) == maps


def test_place_page_gives_the_dated_history_with_sources(client):
    reference_seed()
    response = client.get("/places/saraqib/")
    assert response.status_code == 200
    table = response.content.decode()
    section = table[table.index('id="control-history"'):table.index("</table>", table.index('id="control-history"'))]
    # Newest first: the new authorities, the 2024 offensive, the March 2020 recapture, the February retake...
    for text in ("8 Dec 2024", "29 Nov 2024", "2 Mar 2020", "27 Feb 2020", "8 Feb 2020", "1 Sep 2018"):
        assert text in section
    assert section.index("29 Nov 2024") < section.index("2 Mar 2020") < section.index("8 Feb 2020")
    assert "Reuters and AFP reports of December 2019-March 2020" in section
    assert "Precision:" in section
    assert "Syrian transitional government" in section
