"""Places: the gazetteer editors search when they set an event's place (autocomplete)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString

from events.admin.territory import pass_places
from events.models import Place


def place_map_html(place: Place) -> SafeString:
    """A map placeholder that static/js/admin/place_map.js fills in (data-* attributes: the CSP forbids inline JS)."""
    return format_html(
        '<div class="admin-map admin-place-map" data-lat="{}" data-lon="{}" data-label="{}" data-tiles="{}"></div>',
        place.latitude,
        place.longitude,
        place.name,
        settings.MAP_TILES_URL,
    )


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admin1", "admin2", "latitude", "longitude"]
    list_filter = ["kind", "admin1"]
    # Also what the event form's place autocomplete searches; aliases are the press's other spellings.
    search_fields = ["name", "slug", "aliases", "admin1", "admin2"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["place_map"]
    fields = [
        ("name", "slug"),
        "aliases",
        "kind",
        ("latitude", "longitude"),
        "place_map",
        ("admin1", "admin2", "country"),
        "source",
    ]
    change_form_template = "admin/events/place/change_form.html"
    # Recording that the selected places change hands (events.admin.territory).
    actions = [pass_places]

    @admin.display(description="map")
    def place_map(self, place: Place) -> SafeString:
        if place.pk is None:
            return format_html("<em>{}</em>", "The map appears once the place is saved.")
        return place_map_html(place)
