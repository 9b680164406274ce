"""The editors' desk, one module per model family so that each has one obvious home."""

from events.admin import articles, events, feeds, places, summaries, zones  # noqa: F401
from events.alerts import admin as alerts  # noqa: F401  (daily alerts keep their admin in their own package)
