"""The gazetteer as extraction sees it: plain, immutable records, loaded from the database or from the data files.

Extraction is a pure function of (article text, gazetteer, rules); keeping the gazetteer a plain value (no ORM
objects) lets the evaluation and the unit tests run it without a database, and lets ingestion build it once per
batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ActorRecord:
    id: int
    slug: str
    name: str
    kind: str
    parent_id: int | None = None
    country: str = ""
    # Proposed actors are known (so they are not proposed twice) but never attached as if confirmed.
    proposed: bool = False


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    id: int
    slug: str
    name: str
    kind: str
    country: str = "Syria"
    admin1: str = ""


@dataclass(frozen=True)
class Gazetteer:
    actors: dict[int, ActorRecord]
    places: dict[int, PlaceRecord]
    # (name as written, actor id): every alias and every actor's own name.
    actor_names: tuple[tuple[str, int], ...]
    place_names: tuple[tuple[str, int], ...]
    by_slug: dict[str, ActorRecord] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug.update({a.slug: a for a in self.actors.values()})

    def place_by_slug(self, slug: str) -> PlaceRecord | None:
        return next((p for p in self.places.values() if p.slug == slug), None)


def gazetteer_build(
    actors: list[ActorRecord],
    aliases: list[tuple[str, int]],
    places: list[PlaceRecord],
    place_aliases: list[tuple[str, int]],
) -> Gazetteer:
    actor_names = [(a.name, a.id) for a in actors] + list(aliases)
    place_names = [(p.name, p.id) for p in places] + list(place_aliases)
    return Gazetteer(
        actors={a.id: a for a in actors},
        places={p.id: p for p in places},
        actor_names=tuple(actor_names),
        place_names=tuple(place_names),
    )
