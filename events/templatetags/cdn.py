"""`{% cdn "leaflet.js" %}`: a <script> or <link> for a pinned CDN file with its SRI hash (see idlib_tracker.cdn)."""

from django import template
from django.utils.html import format_html

from idlib_tracker.cdn import CDN_ASSETS

register = template.Library()


@register.simple_tag
def cdn(name: str) -> str:
    asset = CDN_ASSETS[name]
    if asset.is_stylesheet:
        return format_html(
            '<link rel="stylesheet" href="{}" integrity="{}" crossorigin="anonymous">', asset.url, asset.integrity
        )
    return format_html(
        '<script src="{}" integrity="{}" crossorigin="anonymous" defer></script>', asset.url, asset.integrity
    )
