"""Event markers never look like the zone they sit on: the map draws zones in their controller's colour (a line,
and a translucent fill) and events in their type's colour, so the two palettes must stay apart for a reader to
tell a battle marker from a patch of government-held ground."""

from __future__ import annotations

import json
import re
from itertools import combinations

from django.conf import settings

from actors.models import ActorKind
from events.public.presentation import TYPE_COLORS, ZONE_CONTRAST, blend_on_white, colour_difference

# Actors that can hold ground; persons, media, NGOs and international bodies never control a zone.
TERRITORIAL = {
    ActorKind.STATE, ActorKind.STATE_FORCES, ActorKind.GOVERNMENT_BODY, ActorKind.REBEL_GROUP,
    ActorKind.JIHADIST_GROUP, ActorKind.MILITIA,
}


def _zone_fill_opacity() -> float:
    # Read from the script that draws the zones, so a change there is checked here.
    script = (settings.BASE_DIR / "static" / "js" / "mapcommon.js").read_text()
    return float(re.search(r"fillOpacity:\s*([0-9.]+)", script).group(1))


def _controller_colours() -> dict[str, str]:
    actors = json.loads((settings.BASE_DIR / "actors" / "data" / "actors.json").read_text())["actors"]
    by_slug = {a["slug"]: a for a in actors}
    zones = json.loads((settings.BASE_DIR / "events" / "data" / "control_zones.geojson").read_text())["features"]
    colours = {a["slug"]: a["color"] for a in actors if a["color"] and a["kind"] in TERRITORIAL}
    for zone in zones:  # the shipped zones' controllers, whatever their kind
        slug = zone["properties"]["controller"]
        colours[slug] = by_slug[slug]["color"]
    return colours


def test_no_event_colour_looks_like_a_zone_line_or_fill():
    opacity = _zone_fill_opacity()
    controllers = _controller_colours()
    assert len(set(controllers.values())) > 20  # the palette under test is the real one, not an empty list
    too_close = [
        (event_type, colour, slug, drawn, round(colour_difference(colour, drawn), 1))
        for event_type, colour in TYPE_COLORS.items()
        for slug, zone_colour in controllers.items()
        for drawn in (zone_colour, blend_on_white(zone_colour, opacity))
        if colour_difference(colour, drawn) < ZONE_CONTRAST
    ]
    assert too_close == []


def test_the_event_colours_differ_from_each_other():
    for (type_a, a), (type_b, b) in combinations(TYPE_COLORS.items(), 2):
        assert colour_difference(a, b) >= ZONE_CONTRAST, (type_a, type_b)


def test_colour_difference_measures_what_an_eye_sees():
    assert colour_difference("#ffffff", "#ffffff") == 0
    assert round(colour_difference("#000000", "#ffffff")) == 100  # black to white spans L* 0..100
    assert colour_difference("#d62728", "#c0392b") < ZONE_CONTRAST  # the old battle red on government ground
    assert blend_on_white("#000000", 0.3) == "#b2b2b2"  # 0.7 * 255 = 178.5, rounded to even
