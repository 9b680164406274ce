"""The tracker's record of the crisis, one module per family (the tables and the app label stay ``events``):
feeds.py (feeds, articles), events.py (events, actors' roles, sources), places.py (places, control zones),
summaries.py (weekly summaries, subscribers, deliveries), alerts.py (daily alert subscriptions), territory.py (each
place's dated controller and the map areas derived from it)."""

from events.models.alerts import AlertSubscription
from events.models.events import (
    ActorRole,
    DatePrecision,
    Event,
    EventActor,
    EventSource,
    EventStatus,
    GeoPrecision,
)
from events.models.feeds import Article, Feed, FetchStatus
from events.models.places import ControlZone, Place, PlaceKind
from events.models.summaries import OptInQuerySet, Subscriber, SummaryDelivery, SummaryStatus, WeeklySummary
from events.models.territory import ControlChange, ControlMap, ControlOrigin, ControlStatus

__all__ = [
    "ActorRole",
    "AlertSubscription",
    "Article",
    "ControlChange",
    "ControlMap",
    "ControlOrigin",
    "ControlStatus",
    "ControlZone",
    "DatePrecision",
    "Event",
    "EventActor",
    "EventSource",
    "EventStatus",
    "Feed",
    "FetchStatus",
    "GeoPrecision",
    "OptInQuerySet",
    "Place",
    "PlaceKind",
    "Subscriber",
    "SummaryDelivery",
    "SummaryStatus",
    "WeeklySummary",
]
