"""The Jinja2 environment of the hot fragments (TEMPLATES' second backend, "jinja2").

The pages stay Django templates; the one fragment they repeat by the fifty, an event in a list
(templates/jinja2/events/event_items.html, on the timeline, dashboard, actor and place pages), is rendered by
Jinja2, which compiles a template to Python and renders that list several times faster than Django's engine (the
timeline measured in README's throughput section). Autoescape is on, as in every Django template: everything in an
event item is text from feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.template import engines
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment

from events.public.presentation import role_label, type_css


def prefetched(instance: Any, name: str) -> Any:
    """The rows prefetch_related() already fetched for a relation. `instance.<name>.all()` returns the same rows but
    builds a manager and clones a queryset each time: twice per event, a sixth of the list's render."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    return cache[name] if name in cache else getattr(instance, name).all()


def environment(**options: Any) -> Environment:
    # Escaping is this module's promise, whatever the settings pass.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.filters.update(type_css=type_css, role_label=role_label, date=dateformat.format)
    env.globals["prefetched"] = prefetched
    return env


_MARKER = "4815162342"


def _url_maker(name: str) -> Callable[[object], str]:
    """reverse() once, then fill in the argument: reversing each of some 200 links a page was half of the list's
    render. The arguments are ids and slugs, which need no quoting in a path."""
    head, tail = reverse(name, args=[_MARKER]).split(_MARKER)
    return lambda value: f"{head}{value}{tail}"


def render_event_items(events: Iterable[Any], *, show_date: bool) -> SafeString:
    """Events as the pages list them: each with its actor roles and sources prefetched (a query per relation)."""
    template = engines["jinja2"].get_template("events/event_items.html")
    context = {
        "events": events,
        "show_date": show_date,
        "event_url": _url_maker("events:detail"),
        "place_url": _url_maker("events:place"),
        "actor_url": _url_maker("actors:detail"),
    }
    # Jinja2 escaped every value on the way in; the result is marked safe for the Django page around it.
    return mark_safe(template.render(context))  # noqa: S308
