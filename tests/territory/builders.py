"""A small north-west for the control history's tests: five towns, three controllers, a shipped-style history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from actors.models import Actor, ActorKind
from events.models import ControlChange, ControlOrigin, Place
from events.territory.services import control_maps_rebuild
from tests.factories import make_actor, make_place


@dataclass
class Pocket:
    gov: Actor
    hts: Actor
    new: Actor
    idlib: Place
    saraqib: Place
    khan_shaykhun: Place
    aleppo: Place
    hama: Place


START = date(2018, 9, 1)


def pocket() -> Pocket:
    """Aleppo and Hama with the government, Idlib, Saraqib and Khan Shaykhun with HTS, from 1 September 2018."""
    gov = make_actor("Syrian government", slug="gov", kind=ActorKind.GOVERNMENT_BODY, color="#d62728")
    hts = make_actor("Hayat Tahrir al-Sham", slug="hts", kind=ActorKind.JIHADIST_GROUP, color="#222222")
    new = make_actor("Syrian transitional government", slug="new", kind=ActorKind.GOVERNMENT_BODY, color="#007a3d")
    built = Pocket(
        gov, hts, new,
        idlib=make_place("Idlib", slug="idlib", latitude=35.93, longitude=36.63),
        saraqib=make_place("Saraqib", slug="saraqib", latitude=35.866, longitude=36.803),
        khan_shaykhun=make_place("Khan Shaykhun", slug="khan-shaykhun", latitude=35.443, longitude=36.645),
        aleppo=make_place("Aleppo", slug="aleppo", latitude=36.203, longitude=37.141, admin1="Aleppo"),
        hama=make_place("Hama", slug="hama", latitude=35.129, longitude=36.754, admin1="Hama"),
    )
    holders = {built.idlib: hts, built.saraqib: hts, built.khan_shaykhun: hts, built.aleppo: gov, built.hama: gov}
    ControlChange.objects.bulk_create(
        [
            ControlChange(place=place, controller=actor, valid_from=START, origin=ControlOrigin.REFERENCE,
                          source="ISW map, September 2018")
            for place, actor in holders.items()
        ]
    )
    control_maps_rebuild()
    return built


def holder_at(client, place: Place, day: str) -> str | None:
    """Who the public zones API says holds the ground under the place on the day."""
    from events.territory.geo import geometry_contains

    features = client.get(f"/api/zones.geojson?date={day}").json()["features"]
    found = [
        f["properties"]["controller_slug"]
        for f in features
        if f["properties"]["kind"] == "derived" and geometry_contains(f["geometry"], place.longitude, place.latitude)
    ]
    assert len(found) <= 1
    return found[0] if found else None
