"""Small builders for the admin tests: real rows, only the fields each test cares about."""

from __future__ import annotations

import datetime as dt
import itertools

from actors.models import Actor, ActorKind
from events.models import ActorRole, Article, Event, EventActor, EventSource, EventStatus, Feed, Place
from events.taxonomy import EventType, SubEventType

_seq = itertools.count(1)


def make_place(name: str = "Saraqib", admin1: str = "Idlib") -> Place:
    n = next(_seq)
    return Place.objects.create(
        name=name, slug=f"{name.lower().replace(' ', '-')}-{n}", latitude=35.86, longitude=36.8, admin1=admin1
    )


def make_feed(name: str = "Wire") -> Feed:
    n = next(_seq)
    return Feed.objects.create(name=f"{name} {n}", url=f"https://news.example.org/{n}/rss")


def make_article(feed: Feed | None = None, title: str = "Shelling near Saraqib", text: str = "") -> Article:
    n = next(_seq)
    return Article.objects.create(
        feed=feed or make_feed(),
        guid=f"guid-{n}",
        url=f"https://news.example.org/a/{n}",
        title=title,
        text=text or f"Intro paragraph {n}. Artillery shelled Saraqib on Monday, monitors said. More context.",
        content_hash=f"{n:064d}",
    )


def make_actor(name: str = "Syrian Arab Army") -> Actor:
    n = next(_seq)
    return Actor.objects.create(name=name, slug=f"actor-{n}", kind=ActorKind.STATE_FORCES)


def make_event(
    title: str = "Shelling of Saraqib",
    *,
    status: str = EventStatus.CANDIDATE,
    place: Place | None = None,
    articles: list[Article] | None = None,
    actors: list[tuple[Actor, str]] | None = None,
    sentence: str = "Artillery shelled Saraqib on Monday, monitors said.",
    occurred_on: dt.date = dt.date(2026, 11, 2),
) -> Event:
    event = Event.objects.create(
        title=title,
        event_type=EventType.EXPLOSIONS,
        sub_event_type=SubEventType.SHELLING,
        occurred_on=occurred_on,
        place=place,
        status=status,
        confidence=0.7,
    )
    for article in articles or []:
        EventSource.objects.create(event=event, article=article, sentence=sentence, extraction_key=f"k{next(_seq)}")
    for actor, role in actors or []:
        EventActor.objects.create(event=event, actor=actor, role=role)
    return event


ACTOR1 = ActorRole.ACTOR1
ACTOR2 = ActorRole.ACTOR2
