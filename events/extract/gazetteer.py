"""The gazetteer as extraction sees it: plain, immutable records, loaded from the database or from the data files.

Extraction is a pure function of (article text, gazetteer, rules); keeping the gazetteer a plain value (no ORM
objects) lets the evaluation and the unit tests run it without a database, and lets ingestion build it once per
batch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


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


def gazetteer_from_files(actors_path: Path, places_path: Path) -> Gazetteer:
    """The shipped reference data as a gazetteer, without a database (ids are positions in the files)."""
    actor_rows = json.loads(actors_path.read_text(encoding="utf-8"))["actors"]
    ids = {row["slug"]: n for n, row in enumerate(actor_rows, start=1)}
    actors = [
        ActorRecord(
            id=ids[row["slug"]], slug=row["slug"], name=row["name"], kind=row.get("kind", "other"),
            parent_id=ids.get(row.get("parent") or ""), country=row.get("country", ""),
        )
        for row in actor_rows
    ]
    aliases = [(alias["name"], ids[row["slug"]]) for row in actor_rows for alias in row.get("aliases", [])]
    place_data = json.loads(places_path.read_text(encoding="utf-8"))
    place_rows = place_data["places"] if isinstance(place_data, dict) else place_data
    places = [
        PlaceRecord(
            id=n, slug=row["slug"], name=row["name"], kind=row.get("kind", "town"),
            country=row.get("country", "Syria"), admin1=row.get("admin1", ""),
        )
        for n, row in enumerate(place_rows, start=1)
    ]
    place_aliases = [(alias, place.id) for place, row in zip(places, place_rows, strict=True)
                     for alias in row.get("aliases", [])]
    return gazetteer_build(actors, aliases, places, place_aliases)
