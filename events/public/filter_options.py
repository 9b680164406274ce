"""The timeline filter form's governorate list, rendered once per state of the reference data.

Hundreds of actors and places once made the form most of the timeline's cost: three queries and a template loop of
some 900 <option> elements on every request. Actors and places are now typed with suggestions (api/suggest/); the
governorates stay a list. It depends only on the gazetteer, so its HTML is built once per
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
    """One query over the places (their governorates)."""
    from events.public.selectors import governorate_names

    return {"governorate": _options([(name, name) for name in governorate_names()])}


def option_lists() -> dict[str, str]:
    # ":2": the entry's shape changed when actors and places left it; a deployment must not read the old one.
    key = f"idlib:filter-options:2:{freshness.version(freshness.REFERENCE):x}"
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


def form_options(governorate: str) -> dict[str, SafeString]:
    return {"governorate_options_html": with_selected(option_lists()["governorate"], governorate)}
