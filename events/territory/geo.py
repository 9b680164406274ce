"""GeoJSON validation for control zones, without a GIS stack: structure, coordinate ranges and closed rings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def _check_position(position: Any, where: str) -> None:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise ValidationError(f"{where}: a position must be [longitude, latitude].")
    lon, lat = position[0], position[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        raise ValidationError(f"{where}: coordinates must be numbers, got {position!r}.")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(f"{where}: {position!r} is out of range (GeoJSON order is [longitude, latitude]).")


def _check_polygon(rings: Any, where: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(f"{where}: a polygon needs at least one linear ring.")
    for r, ring in enumerate(rings):
        label = f"{where} ring {r + 1}"
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(f"{label}: a linear ring needs at least four positions.")
        for position in ring:
            _check_position(position, label)
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise ValidationError(f"{label}: the ring is not closed (its first and last positions differ).")


def validate_zone_geometry(value: Any) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon geometry object; raise ValidationError saying what is wrong."""
    if not isinstance(value, dict):
        raise ValidationError("The geometry must be a GeoJSON object with 'type' and 'coordinates'.")
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates, "Polygon")
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError("MultiPolygon: needs at least one polygon.")
        for p, polygon in enumerate(coordinates):
            _check_polygon(polygon, f"MultiPolygon polygon {p + 1}")
    else:
        raise ValidationError(f"The geometry type must be Polygon or MultiPolygon, not {kind!r}.")


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    # Ray casting: count crossings of a ray going east from the point.
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def geometry_bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a validated Polygon / MultiPolygon: the outer rings' extremes."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    lons = [p[0] for rings in polygons for p in rings[0]]
    lats = [p[1] for rings in polygons for p in rings[0]]
    return min(lons), min(lats), max(lons), max(lats)


def geometry_contains(geometry: dict, lon: float, lat: float) -> bool:
    """Whether a validated Polygon / MultiPolygon contains the point (holes excluded), in plain Python: the place
    page asks this of every zone without a GIS database."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for rings in polygons:
        if _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:]):
            return True
    return False
