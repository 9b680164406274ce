"""The synthetic record bench_pages (and bench_load) measure against: events arriving at a steady rate going back
from today, with actors, places, sources, statements and control zones redrawn every ZONE_PERIOD_DAYS days."""

from __future__ import annotations

import random
from datetime import date, timedelta

from actors.models import Actor, ActorKind, Statement, statement_key
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

BATCH = 5000
ZONE_PERIOD_DAYS = 90
GOVERNORATES = ["Idlib", "Aleppo", "Hama", "Latakia"]
# Shares of the ACLED types in the Idlib record: mostly shelling and air strikes, then clashes.
TYPE_WEIGHTS = {
    EventType.EXPLOSIONS: 55, EventType.BATTLES: 25, EventType.VIOLENCE_AGAINST_CIVILIANS: 8,
    EventType.STRATEGIC: 8, EventType.PROTESTS: 3, EventType.RIOTS: 1,
}
WORDS = ["shelling", "air", "strike", "clashes", "front", "village", "market", "convoy", "drone", "artillery",
         "checkpoint", "offensive", "positions", "road", "hospital", "camp", "civilians", "fighters", "patrol"]


class Synthetic:
    """Writes the synthetic record in batches (bulk_create; the search-vector trigger runs as in production)."""

    def __init__(self, seed: int, per_day: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.per_day = per_day
        self.today = today
        self.written = 0
        self.zone_periods = 0

    def reference(self) -> None:
        rng = self.rng
        self.parents = []
        self.actors: list[Actor] = []
        colours = ["#c0392b", "#2e7d32", "#1f77b4", "#8e44ad", "#b8860b", "#555555"]
        for g in range(6):
            parent = Actor.objects.create(name=f"Bench state {g}", slug=f"bench-state-{g}", kind=ActorKind.STATE,
                                          color=colours[g])
            self.parents.append(parent)
            self.actors.append(parent)
            for m in range(3):
                member = Actor.objects.create(name=f"Bench unit {g}.{m}", slug=f"bench-unit-{g}-{m}",
                                              kind=ActorKind.STATE_FORCES, parent=parent)
                self.actors.append(member)
                self.actors.append(Actor.objects.create(name=f"Bench person {g}.{m}", slug=f"bench-person-{g}-{m}",
                                                        kind=ActorKind.PERSON, parent=member))
        for a in range(40):
            self.actors.append(Actor.objects.create(name=f"Bench group {a}", slug=f"bench-group-{a}",
                                                    kind=ActorKind.MILITIA))
        self.places = Place.objects.bulk_create(
            [
                Place(name=f"Bench place {p}", slug=f"bench-place-{p}", admin1=GOVERNORATES[p % len(GOVERNORATES)],
                      latitude=rng.uniform(35.3, 36.6), longitude=rng.uniform(35.9, 37.3))
                for p in range(300)
            ]
        )
        self.feeds = [Feed.objects.create(name=f"Bench wire {f}", url=f"https://bench.invalid/{f}.xml", active=False)
                      for f in range(5)]

    def extend_to(self, total: int) -> None:
        """Add events going back in time until `total` exist, and the zones of the days they cover."""
        while self.written < total:
            self._batch(min(BATCH, total - self.written))
        days_covered = self.written // self.per_day + 1
        periods = days_covered // ZONE_PERIOD_DAYS + 1
        zones = []
        for k in range(self.zone_periods, periods):
            valid_to = None if k == 0 else self.today - timedelta(days=ZONE_PERIOD_DAYS * k)
            valid_from = self.today - timedelta(days=ZONE_PERIOD_DAYS * (k + 1))
            for z, controller in enumerate(self.parents[:4]):
                lon, lat = 36.0 + 0.35 * z + self.rng.uniform(-0.05, 0.05), 35.9 + self.rng.uniform(-0.05, 0.05)
                ring = [[lon, lat], [lon + 0.3, lat], [lon + 0.3, lat + 0.4], [lon, lat + 0.4], [lon, lat]]
                zones.append(ControlZone(name=f"Bench zone {k}.{z}", controller=controller, valid_from=valid_from,
                                         valid_to=valid_to, geometry={"type": "Polygon", "coordinates": [ring]}))
        for zone in zones:
            zone.fit_bounds()
        ControlZone.objects.bulk_create(zones)
        self.zone_periods = max(self.zone_periods, periods)

    def _batch(self, count: int) -> None:
        rng = self.rng
        types = list(TYPE_WEIGHTS)
        weights = list(TYPE_WEIGHTS.values())
        events, articles = [], []
        for i in range(self.written, self.written + count):
            event_type = rng.choices(types, weights)[0]
            day = self.today - timedelta(days=i // self.per_day)
            place = rng.choice(self.places)
            events.append(Event(
                title=f"{' '.join(rng.choices(WORDS, k=5)).capitalize()} near {place.name}",
                description=" ".join(rng.choices(WORDS, k=25)),
                event_type=event_type, sub_event_type=rng.choice(SUB_EVENT_TYPES[event_type]),
                occurred_on=day, place=place, status=EventStatus.PUBLISHED,
                fatalities=rng.choice([None, 0, 1, 2, 5]),
            ))
            articles.append(Article(
                feed=self.feeds[i % len(self.feeds)], guid=f"bench-{i}", url=f"https://bench.invalid/story/{i}",
                title=f"Report {i}", text="", content_hash=f"{i:064x}",
            ))
        Event.objects.bulk_create(events, batch_size=1000)
        Article.objects.bulk_create(articles, batch_size=1000)
        roles, sources, statements = [], [], []
        for n, (event, article) in enumerate(zip(events, articles, strict=True)):
            first = rng.choice(self.actors)
            roles.append(EventActor(event=event, actor=first, role=ActorRole.ACTOR1))
            second = rng.choice(self.actors)
            if second != first and rng.random() < 0.7:
                roles.append(EventActor(event=event, actor=second, role=ActorRole.ACTOR2))
            sources.append(EventSource(event=event, article=article, sentence=event.title))
            if n % 5 == 0:
                text = f"Statement {self.written + n}: " + " ".join(rng.choices(WORDS, k=12))
                statements.append(Statement(
                    speaker=rng.choice(self.actors), speaker_text="", text=text, is_direct=True,
                    said_on=event.occurred_on, article=article, event=event, text_key=statement_key(text),
                ))
        EventActor.objects.bulk_create(roles, batch_size=2000)
        EventSource.objects.bulk_create(sources, batch_size=2000)
        Statement.objects.bulk_create(statements, batch_size=2000)
        self.written += count
