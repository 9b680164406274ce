"""Small builders for the summary tests: real rows with only the fields each test cares about."""

from __future__ import annotations

import datetime as dt
import itertools

from actors.models import Actor, ActorKind, Statement
from events.models import (
    ActorRole,
    Article,
    ControlZone,
    Event,
    EventActor,
    EventSource,
    EventStatus,
    Feed,
    Place,
    Subscriber,
)
from events.taxonomy import SUB_EVENT_TYPES, EventType

_seq = itertools.count(1)

SQUARE = {"type": "Polygon", "coordinates": [[[36.6, 35.9], [36.7, 35.9], [36.7, 36.0], [36.6, 36.0], [36.6, 35.9]]]}


def make_place(name: str, admin1: str = "Idlib") -> Place:
    n = next(_seq)
    return Place.objects.create(
        name=name, slug=f"{name.lower().replace(' ', '-')}-{n}", latitude=35.9, longitude=36.6, admin1=admin1
    )


def make_feed() -> Feed:
    n = next(_seq)
    return Feed.objects.create(name=f"Wire {n}", url=f"https://news.example.org/{n}/rss")



def make_article(title: str = "Report", url: str | None = None) -> Article:
    n = next(_seq)
    feed = Feed.objects.filter(name="Summary wire").first() or Feed.objects.create(
        name="Summary wire", url="https://news.example.org/summary/rss"
    )
    return Article.objects.create(
        feed=feed,
        guid=f"guid-{n}",
        url=url if url is not None else f"https://news.example.org/a/{n}",
        title=f"{title} {n}",
        text=f"Article {n}.",
        content_hash=f"{n:064d}",
    )


def make_actor(name: str) -> Actor:
    n = next(_seq)
    return Actor.objects.create(name=name, slug=f"{name.lower().replace(' ', '-')}-{n}", kind=ActorKind.OTHER)


def make_event(
    occurred_on: dt.date,
    *,
    title: str | None = None,
    event_type: str = EventType.BATTLES,
    status: str = EventStatus.PUBLISHED,
    place: Place | None = None,
    sources: int = 1,
    fatalities: int | None = None,
    actors: list[Actor] = (),
    merged_into: Event | None = None,
) -> Event:
    n = next(_seq)
    event = Event.objects.create(
        title=title or f"Event {n}",
        event_type=event_type,
        sub_event_type=SUB_EVENT_TYPES[event_type][0],
        occurred_on=occurred_on,
        place=place,
        status=status,
        fatalities=fatalities,
        merged_into=merged_into,
    )
    for _ in range(sources):
        EventSource.objects.create(event=event, article=make_article(), extraction_key=f"k{next(_seq)}")
    for index, actor in enumerate(actors):
        EventActor.objects.create(event=event, actor=actor, role=ActorRole.ACTOR1 if index == 0 else ActorRole.ACTOR2)
    return event


def make_statement(
    speaker: Actor | None,
    text: str,
    said_on: dt.date,
    *,
    article: Article | None = None,
    event: Event | None = None,
    is_direct: bool = True,
) -> Statement:
    return Statement.objects.create(
        speaker=speaker,
        speaker_text=speaker.name if speaker else "",
        text=text,
        is_direct=is_direct,
        said_on=said_on,
        article=article or make_article(),
        event=event,
    )


def make_zone(name: str, controller: Actor, valid_from: dt.date, valid_to: dt.date | None = None) -> ControlZone:
    return ControlZone.objects.create(
        name=name, geometry=SQUARE, controller=controller, valid_from=valid_from, valid_to=valid_to
    )


def make_subscriber(email: str, *, confirmed: bool = True, unsubscribed: bool = False) -> Subscriber:
    now = dt.datetime.now(dt.UTC)
    return Subscriber.objects.create(
        email=email, confirmed_at=now if confirmed else None, unsubscribed_at=now if unsubscribed else None
    )
