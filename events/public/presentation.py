"""How event types look on pages, charts and the map: one colour per ACLED type, readable on white and in print."""

from events.models import ActorRole, EventActor
from events.taxonomy import EventType

# White badge text on each keeps >= 4.5:1 contrast (riots use dark text instead). A marker must never read as part
# of the zone under it, so each colour stays at least ZONE_CONTRAST (delta E) from every colour a controller of the
# shipped reference data is drawn in, as a line and as the zone's translucent fill (tests/pages/test_palettes.py):
# the zones take red, blue, teal, green, yellow, grey and black, so the events keep to raspberry, burnt orange,
# magenta, violet, ochre and a dark bottle green.
TYPE_COLORS: dict[str, str] = {
    EventType.BATTLES: "#900038",
    EventType.EXPLOSIONS: "#b84700",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "#b5179e",
    EventType.PROTESTS: "#5020a0",
    EventType.RIOTS: "#c09800",
    EventType.STRATEGIC: "#24573a",
}

TYPE_CSS = {str(t): "type-" + str(t).lower().split("/")[0].split()[0] for t in EventType}

ZONE_CONTRAST = 20.0


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour: the space in which a distance says how different two colours look."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def colour_difference(first: str, second: str) -> float:
    """CIE76 delta E between two hex colours: about 2 is the smallest difference an eye notices, 20 and more reads
    as another colour at a glance."""
    return sum((p - q) ** 2 for p, q in zip(_lab(first), _lab(second), strict=True)) ** 0.5


def blend_on_white(colour: str, opacity: float) -> str:
    """The colour a translucent fill shows over a white (or untiled) map, as the reader sees it."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(opacity * c + (1 - opacity) * 255):02x}" for c in channels)


def type_css(event_type: str) -> str:
    """The CSS class carrying an event type's colour (site.css), so no inline style is needed under the CSP."""
    return TYPE_CSS.get(event_type, "type-other")


# A clash or a deal has sides, not an initiator and a target: ACLED's actor 1 and 2 read as such only for attacks.
_SIDE_TYPES = frozenset({EventType.BATTLES, EventType.STRATEGIC})
_SIDE_LABELS = {ActorRole.ACTOR1: "Actor 1", ActorRole.ACTOR2: "Actor 2"}


def role_label(role: EventActor, event_type: str) -> str:
    """The role as a reader should take it: "Actor 1 (initiator)" in an attack, plain "Actor 1" in a clash or an
    agreement, where the order of the sides means nothing."""
    if event_type in _SIDE_TYPES and role.role in _SIDE_LABELS:
        return _SIDE_LABELS[role.role]
    return role.get_role_display()
