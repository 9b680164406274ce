"""Test data built with bulk_create, so a test can make 10 or 500 events in a handful of queries.

Shared by every area's tests. Each function returns saved objects; `world()` builds a small but complete picture
(actors with a parent, places in two governorates, a feed, articles, published and candidate events with roles and
sources, statements and control zones that change hands).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from actors.models import Actor, ActorKind, Alias, Statement, statement_key
from actors.names import normalize_name
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
)
from events.taxonomy import SUB_EVENT_TYPES, EventType

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def square(lon: float, lat: float, half: float) -> dict:
    """A closed square polygon around (lon, lat), GeoJSON order."""
    ring = [
        [lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def make_actor(name: str | None = None, **fields) -> Actor:
    n = _n()
    name = name or f"Actor {n}"
    fields.setdefault("slug", f"{normalize_name(name).replace(' ', '-')}-{n}")
    fields.setdefault("kind", ActorKind.MILITIA)
    return Actor.objects.create(name=name, **fields)


def make_aliases(actor: Actor, names: list[str]) -> list[Alias]:
    return Alias.objects.bulk_create(
        [Alias(actor=actor, name=name, normalized=normalize_name(name)) for name in names]
    )


def make_place(name: str | None = None, **fields) -> Place:
    n = _n()
    name = name or f"Place {n}"
    fields.setdefault("slug", f"{normalize_name(name).replace(' ', '-')}-{n}")
    fields.setdefault("latitude", 35.9)
    fields.setdefault("longitude", 36.6)
    fields.setdefault("admin1", "Idlib")
    return Place.objects.create(name=name, **fields)


def make_feed(name: str = "Test Wire", **fields) -> Feed:
    n = _n()
    fields.setdefault("url", f"https://news.example.org/feed-{n}.xml")
    return Feed.objects.create(name=name, **fields)


def make_articles(feed: Feed, count: int, *, title: str = "Report", day: date | None = None) -> list[Article]:
    n = _n()
    return Article.objects.bulk_create(
        [
            Article(
                feed=feed,
                guid=f"guid-{n}-{i}",
                url=f"https://news.example.org/{n}/{i}",
                title=f"{title} {i}",
                text=f"{title} {i}.",
                content_hash=f"{n:032x}{i:032x}",
            )
            for i in range(count)
        ]
    )


def make_events(
    count: int,
    *,
    start: date = date(2024, 3, 1),
    status: str = EventStatus.PUBLISHED,
    places: list[Place] | None = None,
    actors: list[Actor] | None = None,
    feed: Feed | None = None,
    title: str = "Event",
    description: str = "",
    types: list[str] | None = None,
    per_day: int = 3,
    spacing_days: int = 1,
    numbered: bool = True,
    sub_type: str | None = None,
) -> list[Event]:
    """`count` events, `per_day` a day every `spacing_days` going back from `start`, cycling through types, places
    and actors; titles get a running number unless `numbered` is false; `sub_type` must fit every type given.

    Each gets an actor1 (and an actor2 when two or more actors are given) and one source article."""
    types = types or list(EventType.values)
    events = Event.objects.bulk_create(
        [
            Event(
                title=f"{title} {i}" if numbered else title,
                description=description,
                event_type=types[i % len(types)],
                sub_event_type=sub_type or SUB_EVENT_TYPES[types[i % len(types)]][0],
                occurred_on=start - timedelta(days=(i // per_day) * spacing_days),
                place=places[i % len(places)] if places else None,
                status=status,
                fatalities=i % 4 or None,
            )
            for i in range(count)
        ]
    )
    if actors:
        roles = [EventActor(event=e, actor=actors[i % len(actors)], role=ActorRole.ACTOR1) for i, e in enumerate(events)]
        if len(actors) > 1:
            roles += [
                EventActor(event=e, actor=actors[(i + 1) % len(actors)], role=ActorRole.ACTOR2)
                for i, e in enumerate(events)
            ]
        EventActor.objects.bulk_create(roles)
    if feed is not None:
        articles = make_articles(feed, len(events), title=title)
        EventSource.objects.bulk_create(
            [EventSource(event=e, article=a, sentence=f"{e.title}.") for e, a in zip(events, articles, strict=True)]
        )
    return events


def make_statements(speaker: Actor | None, article: Article, count: int, *, start: date = date(2024, 3, 1),
                    event: Event | None = None, text: str = "We will respond") -> list[Statement]:
    rows = []
    for i in range(count):
        body = f"{text} ({i})"
        rows.append(
            Statement(
                speaker=speaker, speaker_text=speaker.name if speaker else "", text=body, is_direct=i % 2 == 0,
                said_on=start - timedelta(days=i), article=article, event=event, text_key=statement_key(body),
            )
        )
    return Statement.objects.bulk_create(rows)


def make_zone(controller: Actor, geometry: dict, valid_from: date, valid_to: date | None = None,
              name: str = "") -> ControlZone:
    return ControlZone.objects.create(
        name=name or f"Zone {_n()}", controller=controller, geometry=geometry, valid_from=valid_from, valid_to=valid_to
    )


@dataclass
class World:
    state: Actor
    leader: Actor
    unit: Actor
    rebels: Actor
    places: list[Place]
    feed: Feed
    events: list[Event] = field(default_factory=list)
    candidates: list[Event] = field(default_factory=list)
    zones: list[ControlZone] = field(default_factory=list)


def world(events: int = 10, *, start: date = date(2024, 3, 1), candidates: int = 2) -> World:
    """A small complete world: Russia (a state) with a member (its president) who has a member unit; a rebel group;
    three places in two governorates; `events` published events and `candidates` unreviewed ones; statements;
    zones: the rebels hold the north until `start - 10 days`, then the state takes the east half."""
    state = make_actor("Russia", slug="russia", kind=ActorKind.STATE, color="#c0392b")
    leader = make_actor("Vladimir Putin", slug="vladimir-putin", kind=ActorKind.PERSON, parent=state)
    unit = make_actor("Russian Aerospace Forces", slug="russian-aerospace-forces", kind=ActorKind.STATE_FORCES,
                      parent=leader)
    rebels = make_actor("Hayat Tahrir al-Sham", slug="hts", kind=ActorKind.JIHADIST_GROUP, color="#2e7d32")
    make_aliases(state, ["Russian Federation"])
    make_aliases(rebels, ["HTS", "Tahrir al-Sham"])
    places = [
        make_place("Idlib", slug="idlib", latitude=35.93, longitude=36.63, admin1="Idlib", kind="city"),
        make_place("Saraqib", slug="saraqib", latitude=35.86, longitude=36.80, admin1="Idlib"),
        make_place("Atarib", slug="atarib", latitude=36.14, longitude=36.83, admin1="Aleppo"),
    ]
    feed = make_feed("Levant Wire")
    built = World(state, leader, unit, rebels, places, feed)
    built.events = make_events(events, start=start, places=places, actors=[unit, rebels, state], feed=feed)
    if candidates:
        built.candidates = make_events(candidates, start=start, places=places, actors=[rebels], feed=feed,
                                       status=EventStatus.CANDIDATE, title="Unreviewed claim")
    article = make_articles(feed, 1, title="Statement source")[0]
    make_statements(leader, article, 3, start=start)
    make_statements(rebels, article, 2, start=start, text="We hold our lines")
    if built.events:
        make_statements(state, article, 2, start=start, event=built.events[0], text="Our strikes hit only terrorists")
    switch = start - timedelta(days=10)
    built.zones = [
        make_zone(rebels, square(36.7, 35.95, 0.4), date(2020, 1, 1), switch, name="Idlib pocket"),
        make_zone(rebels, square(36.45, 35.95, 0.25), switch, None, name="Western Idlib"),
        make_zone(state, square(36.95, 35.95, 0.2), switch, None, name="M5 corridor"),
    ]
    return built
