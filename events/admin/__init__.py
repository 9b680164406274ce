"""The editors' desk, one module per model family so that each has one obvious home."""

from events.admin import actors, alerts, articles, events, feeds, places, summaries, territory, zones  # noqa: F401
