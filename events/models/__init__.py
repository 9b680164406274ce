"""The tracker's record of the crisis, one module per family (the tables and the app label stay ``events``)."""

from events.models.events import *  # noqa: F403
