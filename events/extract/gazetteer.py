"""The gazetteer as extraction sees it: plain, immutable records, loaded from the database or from the data files.

Extraction is a pure function of (article text, gazetteer, rules); keeping the gazetteer a plain value (no ORM
objects) lets the evaluation and the unit tests run it without a database, and lets ingestion build it once per
batch.

A name may mean an actor only between two dates (an alias record with a period): "government forces" is Assad's
army until 8 December 2024 and the transitional authorities' forces after. The matcher picks, for each mention,
the actor whose period holds the article's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.extract.folding import fold_key

# Inclusive first and last day; None is open.
Period = tuple[date | None, date | None]
# An actor alias: (name, actor id) holds at any date; (name, actor id, valid_from, valid_to) only in its period.
AliasRecord = tuple[str, int] | tuple[str, int, date | None, date | None]


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
    # (name as written, actor id): every alias and every actor's own name. A name two actors share over time is
    # listed for both, the later period first, so a plain name -> actor dict keeps the earliest meaning.
    actor_names: tuple[tuple[str, int], ...]
    place_names: tuple[tuple[str, int], ...]
    by_slug: dict[str, ActorRecord] = field(default_factory=dict)
    # (name as written, actor id) -> the periods in which the name means that actor; absent: at any date.
    name_periods: dict[tuple[str, int], tuple[Period, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_slug.update({a.slug: a for a in self.actors.values()})

    def place_by_slug(self, slug: str) -> PlaceRecord | None:
        return next((p for p in self.places.values() if p.slug == slug), None)


def gazetteer_build(
    actors: list[ActorRecord],
    aliases: list[AliasRecord],
    places: list[PlaceRecord],
    place_aliases: list[tuple[str, int]],
) -> Gazetteer:
    periods: dict[tuple[str, int], list[Period]] = {}
    undated: list[tuple[str, int]] = []
    for alias in aliases:
        if len(alias) == 2 or (alias[2] is None and alias[3] is None):
            undated.append((alias[0], alias[1]))
        else:
            periods.setdefault((alias[0], alias[1]), []).append((alias[2], alias[3]))
    # An actor's own name is one of its names at any date, unless an alias gives that name a period
    # ("Syrian government" is Assad's government's name, and the transitional government's after 8 Dec 2024).
    dated_keys = {fold_key(name) for name, _ in periods}
    own = [(a.name, a.id) for a in actors if fold_key(a.name) not in dated_keys]
    dated = sorted(periods, key=lambda k: max(p[0] or date.min for p in periods[k]), reverse=True)
    actor_names = own + undated + dated
    place_names = [(p.name, p.id) for p in places] + list(place_aliases)
    return Gazetteer(
        actors={a.id: a for a in actors},
        places={p.id: p for p in places},
        actor_names=tuple(dict.fromkeys(actor_names)),
        place_names=tuple(place_names),
        name_periods={key: tuple(value) for key, value in periods.items()},
    )
