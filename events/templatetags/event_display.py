"""Template filters for how events look (see events.public.presentation)."""

from collections.abc import Iterable
from datetime import date

from django import template
from django.utils.safestring import SafeString

from events.models import Event
from events.public import presentation
from events.public.jinja import render_event_items

register = template.Library()


register.filter("type_css", presentation.type_css)
register.filter("role_label", presentation.role_label)


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


@register.filter
def thousands(value: int | None) -> str:
    """1240 as "1,240": counts on the pages are read at a glance (English separators, whatever the locale)."""
    return "" if value is None else f"{value:,}"


@register.simple_tag
def event_items(events: Iterable[Event], show_date: bool = False) -> SafeString:
    """Events as a list of items (rendered by Jinja2: see events/public/jinja.py)."""
    return render_event_items(events, show_date=show_date)
