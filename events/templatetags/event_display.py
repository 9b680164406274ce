"""Template filters for how events look (see events.public.presentation)."""

from datetime import date

from django import template

from events.models import ActorRole, EventActor
from events.public.presentation import TYPE_CSS
from events.taxonomy import EventType

register = template.Library()


@register.filter
def type_css(event_type: str) -> str:
    """The CSS class carrying an event type's colour (site.css), so no inline style is needed under the CSP."""
    return TYPE_CSS.get(event_type, "type-other")


@register.filter
def day(value: str | date) -> str:
    """A day as readers write it, "Mon 2 Apr", from a date or the ISO string a weekly summary stores (the year is
    in the summary's heading). Anything that is not a date is shown as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return f"{value:%a} {value.day} {value:%b}"


# A clash or a deal has sides, not an initiator and a target: ACLED's actor 1 and 2 read as such only for attacks.
_SIDE_TYPES = frozenset({EventType.BATTLES, EventType.STRATEGIC})
_SIDE_LABELS = {ActorRole.ACTOR1: "Actor 1", ActorRole.ACTOR2: "Actor 2"}


@register.filter
def role_label(role: EventActor, event_type: str) -> str:
    """The role as a reader should take it: "Actor 1 (initiator)" in an attack, plain "Actor 1" in a clash or an
    agreement, where the order of the sides means nothing."""
    if event_type in _SIDE_TYPES and role.role in _SIDE_LABELS:
        return _SIDE_LABELS[role.role]
    return role.get_role_display()


@register.filter
def thousands(value: int | None) -> str:
    """1240 as "1,240": counts on the pages are read at a glance (English separators, whatever the locale)."""
    return "" if value is None else f"{value:,}"
