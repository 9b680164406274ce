"""The timeline filter form's long option lists, rendered once per state of the reference data.

Hundreds of actors and places made the form most of the timeline's cost: three queries and a template loop of some
900 <option> elements on every request. The lists depend only on the gazetteer, so their HTML is built once per
reference version (events.freshness, bumped by seeding, the admin and any save of an actor or place) and kept in
the shared cache; a request then marks its selected option by exact replacement of `value="..."` (slugs are
validated by events.public.filters; the governorate is escaped the same way it was when the list was built).
"""

from __future__ import annotations

import contextlib

from django.core.cache import cache
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from events import freshness

_KEEP_SECONDS = 24 * 3600


def _options(pairs: list[tuple[str, str]]) -> str:
    return format_html_join("", '<option value="{}">{}</option>', pairs)


def _build() -> dict[str, str]:
    """Three queries over the reference tables (actors, places, governorates)."""
    from events.models import Place
    from events.public.actor_selectors import actor_choices
    from events.public.selectors import governorate_names

    return {
        "actor": _options(actor_choices()),
        "place": _options(list(Place.objects.order_by("name").values_list("slug", "name"))),
        "governorate": _options([(name, name) for name in governorate_names()]),
    }


def option_lists() -> dict[str, str]:
    key = f"idlib:filter-options:{freshness.version(freshness.REFERENCE):x}"
    try:
        lists = cache.get(key)
    except Exception:
        return _build()  # the cache (Redis) is down: build them for this request, as before they were cached
    if lists is None:
        lists = _build()
        # A cache that cannot be written (Redis down) only makes the next page as slow as this one.
        with contextlib.suppress(Exception):
            cache.set(key, lists, _KEEP_SECONDS)
    return lists


def with_selected(options: str, value: str) -> SafeString:
    """The cached options with ``value``'s marked selected (none if it is not among them)."""
    if value:
        marker = f'<option value="{escape(value)}">'
        options = options.replace(marker, marker[:-1] + " selected>", 1)
    return mark_safe(options)  # noqa: S308 - built by format_html_join above, every value escaped


def form_options(actor: str, place: str, governorate: str) -> dict[str, SafeString]:
    lists = option_lists()
    return {
        "actor_options_html": with_selected(lists["actor"], actor),
        "place_options_html": with_selected(lists["place"], place),
        "governorate_options_html": with_selected(lists["governorate"], governorate),
    }
