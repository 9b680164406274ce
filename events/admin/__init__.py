"""The editors' desk, one module per model family so that each has one obvious home."""

from events.admin import articles, events, feeds, places, summaries, zones  # noqa: F401
from events.territory import admin as territory_admin  # noqa: F401
