"""How event types look on pages, charts and the map: one colour per ACLED type, readable on white and in print."""

from events.taxonomy import EventType

# Colour-blind-friendly hues; white badge text on each keeps >= 4.5:1 contrast (riots use dark text instead).
TYPE_COLORS: dict[str, str] = {
    EventType.BATTLES: "#c0392b",
    EventType.EXPLOSIONS: "#b84700",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "#8e44ad",
    EventType.PROTESTS: "#0072b2",
    EventType.RIOTS: "#b8860b",
    EventType.STRATEGIC: "#2e7d32",
}

TYPE_CSS = {str(t): "type-" + str(t).lower().split("/")[0].split()[0] for t in EventType}
