"""The map's areas, derived from places: each place's Voronoi cell within our outline of Syria is given to the
place's controller on the date, and the cells of one controller are dissolved into one (Multi)Polygon.

The drawing is ours and coarse where places are few (the east and the south): a line between two places held by
different controllers falls half-way between them. Pure functions over plain tuples; no database.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, Polygon, mapping
from shapely.ops import unary_union

from events.territory.outline import SYRIA_OUTLINE

# Degrees of longitude are shorter than degrees of latitude at Syria's latitude: cells are cut on a plane scaled
# by cos(35.5°), so that "half-way between two places" means half-way on the ground.
_LON_SCALE = math.cos(math.radians(35.5))
# 4 decimals of a degree is about 10 m: far finer than the lines' own precision, and it keeps the GeoJSON small.
GRID = 0.0001


# Places that stand for a bounded area only, in km, where an unbounded Voronoi cell would spread over empty desert:
# the US-led coalition's garrison at al-Tanf keeps a 55 km deconfliction zone, not the half of the desert its cell
# would reach.
REACH_KM = {"al-tanf": 55.0}


@dataclass(frozen=True)
class Seed:
    place_id: int
    lon: float
    lat: float
    slug: str = ""


def outline() -> Polygon:
    return Polygon(SYRIA_OUTLINE)


class Cells:
    """The Voronoi cells of a set of places, clipped to the outline; places outside it (a governorate's centroid in
    the occupied Golan) and places at the very same point as an earlier one get no cell of their own."""

    def __init__(self, seeds: Iterable[Seed]) -> None:
        self.outline = outline()
        kept: dict[tuple[float, float], Seed] = {}
        for seed in seeds:
            key = (round(seed.lon, 5), round(seed.lat, 5))
            if key not in kept and self.outline.contains(shapely.Point(seed.lon, seed.lat)):
                kept[key] = seed
        self.seeds = list(kept.values())
        self._union_cache: dict[frozenset[int], Any] = {}

    def _voronoi(self, seeds: list[Seed]) -> dict[int, Any]:
        if len(seeds) == 1:
            return {seeds[0].place_id: self.outline}
        points = MultiPoint([(s.lon * _LON_SCALE, s.lat) for s in seeds])
        frame = affinity.scale(self.outline, xfact=_LON_SCALE, yfact=1.0, origin=(0, 0)).buffer(1.0)
        regions = shapely.voronoi_polygons(points, extend_to=frame, ordered=True)
        cells = {}
        for seed, region in zip(seeds, regions.geoms, strict=True):
            region = affinity.scale(region, xfact=1 / _LON_SCALE, yfact=1.0, origin=(0, 0))
            cells[seed.place_id] = region.intersection(self.outline)
        return cells

    @cached_property
    def by_place(self) -> dict[int, Any]:
        """Each place's cell. A place with a bounded reach (REACH_KM) keeps only the part of its cell within that
        distance; the rest goes to the cells the other places would have without it."""
        if not self.seeds:
            return {}
        cells = self._voronoi(self.seeds)
        bounded = [s for s in self.seeds if s.slug in REACH_KM]
        others = [s for s in self.seeds if s.slug not in REACH_KM]
        if not bounded or not others:
            return cells
        kept = {}
        for seed in bounded:
            radius = REACH_KM[seed.slug] / 111.0
            disc = affinity.scale(shapely.Point(seed.lon, seed.lat).buffer(radius, 32), xfact=1 / _LON_SCALE,
                                  yfact=1.0, origin=(seed.lon, seed.lat))
            kept[seed.place_id] = cells[seed.place_id].intersection(disc)
        taken = unary_union(list(kept.values()))
        result = {pid: cell.difference(taken) for pid, cell in self._voronoi(others).items()}
        result.update(kept)
        return result

    def union(self, place_ids: frozenset[int]) -> Any:
        """The dissolved cells of these places; remembered, since most controllers keep the same places from one
        date of change to the next."""
        if place_ids not in self._union_cache:
            parts = [self.by_place[p] for p in place_ids if p in self.by_place]
            merged = shapely.set_precision(unary_union(parts), GRID) if parts else None
            self._union_cache[place_ids] = merged
        return self._union_cache[place_ids]


def _geojson(geometry: Any) -> dict[str, Any] | None:
    """A Polygon or MultiPolygon as plain GeoJSON (lists, not tuples), or None when nothing is left."""
    if geometry is None or geometry.is_empty:
        return None
    polygons = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type == "Polygon" and not g.is_empty]
    if not polygons:
        return None
    shape = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    return json.loads(json.dumps(mapping(shape)))


def map_features(
    cells: Cells, held: Mapping[int, int], actors: Mapping[int, Mapping[str, str]], source_note: str
) -> list[dict[str, Any]]:
    """One GeoJSON Feature per controller: the dissolved cells of the places it holds (``held``: place id ->
    actor id), in the order of the controllers' names. ``actors``: actor id -> name, slug and colour."""
    by_controller: dict[int, set[int]] = {}
    for place_id, actor_id in held.items():
        by_controller.setdefault(actor_id, set()).add(place_id)
    features = []
    for actor_id in sorted(by_controller, key=lambda a: (actors[a]["name"], a)):
        place_ids = frozenset(by_controller[actor_id])
        geometry = _geojson(cells.union(place_ids))
        if geometry is None:
            continue
        actor = actors[actor_id]
        count = len([p for p in place_ids if p in cells.by_place])
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": f"Held by {actor['name']}",
                    "controller": actor["name"],
                    "controller_slug": actor["slug"],
                    "color": actor["color"] or "#777777",
                    "kind": "derived",
                    "places": count,
                    "source_note": source_note,
                },
            }
        )
    return features
