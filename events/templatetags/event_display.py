"""Template filters for how events look (see events.presentation)."""

from django import template

from events.presentation import TYPE_CSS

register = template.Library()


@register.filter
def type_css(event_type: str) -> str:
    """The CSS class carrying an event type's colour (site.css), so no inline style is needed under the CSP."""
    return TYPE_CSS.get(event_type, "type-other")
