"""Builders for the summary tests: one event at a time with exactly the sources, fatalities and status a figure
needs (tests/factories.py builds in bulk; actors and places come from there)."""

from __future__ import annotations

import datetime as dt
import itertools

from actors.models import Actor, Statement
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
from tests.factories import make_actor, make_feed, make_place, square

__all__ = ["make_actor", "make_article", "make_event", "make_place", "make_statement", "make_subscriber", "make_zone"]

_seq = itertools.count(1)


def make_article(title: str = "Report", url: str | None = None) -> Article:
    n = next(_seq)
    feed = Feed.objects.filter(name="Summary wire").first() or make_feed("Summary wire")
    return Article.objects.create(
        feed=feed,
        guid=f"guid-{n}",
        url=url if url is not None else f"https://news.example.org/a/{n}",
        title=f"{title} {n}",
        text=f"Article {n}.",
        content_hash=f"{n:064d}",
    )


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
    speaker_text: str | None = None,
    sentence: str = "",
) -> Statement:
    return Statement.objects.create(
        speaker=speaker,
        speaker_text=speaker_text if speaker_text is not None else speaker.name if speaker else "",
        sentence=sentence,
        text=text,
        is_direct=is_direct,
        said_on=said_on,
        article=article or make_article(),
        event=event,
    )


def make_zone(name: str, controller: Actor, valid_from: dt.date, valid_to: dt.date | None = None) -> ControlZone:
    return ControlZone.objects.create(
        name=name, geometry=square(36.65, 35.95, 0.05), controller=controller, valid_from=valid_from, valid_to=valid_to
    )


def make_subscriber(email: str, *, confirmed: bool = True, unsubscribed: bool = False) -> Subscriber:
    now = dt.datetime.now(dt.UTC)
    return Subscriber.objects.create(
        email=email, confirmed_at=now if confirmed else None, unsubscribed_at=now if unsubscribed else None
    )
