"""Template filters for how events look (see events.presentation)."""

from datetime import date

from django import template

from events.presentation import TYPE_CSS

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
