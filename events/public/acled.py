"""An event as a row of ACLED's export, so analysts' scripts written for ACLED read our CSV unchanged.

Every ACLED column, in ACLED's order (Codebook 2023), then ours: `source_urls`. Pure: the event comes with its
place, actor roles (actor and its parent joined) and sources already loaded (events.selectors.
with_display_relations), so a row costs no query.

ACLED names one organisation per side: actor1 is the organisation, and a person we recorded as acting for it
(Putin, Erdoğan) is named in assoc_actor_1, the person's parent organisation (Russia, Turkey) becoming actor1.
Where our record has no figure, ACLED's conventions apply: fatalities 0, empty admin3, tags and source_scale.
"""

from __future__ import annotations

from typing import Any

from actors.models import Actor, ActorKind
from events.models import ActorRole, DatePrecision, Event
from events.taxonomy import EventType, SubEventType

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    # Ours, after ACLED's: the articles the event was read from.
    "source_urls",
)

# The countries our gazetteer places events in (events/data/places.json): ISO 3166 alpha-3 (the prefix of ACLED's
# event_id_cnty), numeric (ACLED's iso) and ACLED's region.
COUNTRIES: dict[str, tuple[str, int, str]] = {
    "Syria": ("SYR", 760, "Middle East"),
    "Turkey": ("TUR", 792, "Middle East"),
    "Iran": ("IRN", 364, "Middle East"),
    "Iraq": ("IRQ", 368, "Middle East"),
    "Israel": ("ISR", 376, "Middle East"),
    "Jordan": ("JOR", 400, "Middle East"),
    "Lebanon": ("LBN", 422, "Middle East"),
    "Qatar": ("QAT", 634, "Middle East"),
    "Russia": ("RUS", 643, "Europe"),
    "Belgium": ("BEL", 56, "Europe"),
    "France": ("FRA", 250, "Europe"),
    "Germany": ("DEU", 276, "Europe"),
    "Switzerland": ("CHE", 756, "Europe"),
    "United Kingdom": ("GBR", 826, "Europe"),
    "Kazakhstan": ("KAZ", 398, "Caucasus and Central Asia"),
    "United States": ("USA", 840, "North America"),
}
DEFAULT_COUNTRY = "Syria"  # an event without a place is in the tracker's country

TIME_PRECISION = {DatePrecision.DAY: 1, DatePrecision.WEEK: 2, DatePrecision.MONTH: 3}

# ACLED's interaction codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity militias,
# 5 rioters, 6 protesters, 7 civilians, 8 external/other forces (a state's forces outside their own country too).
_STATE_KINDS = {ActorKind.STATE, ActorKind.STATE_FORCES, ActorKind.GOVERNMENT_BODY}
_INTER = {
    ActorKind.REBEL_GROUP: 2,
    ActorKind.JIHADIST_GROUP: 2,
    ActorKind.MILITIA: 3,
    ActorKind.CIVILIANS: 7,
}
CIVILIANS = 7


def disorder_type(event_type: str, sub_event_type: str) -> str:
    """ACLED's disorder type: demonstrations, political violence, both (force against protesters, mob violence),
    or strategic developments."""
    if sub_event_type in (SubEventType.EXCESSIVE_FORCE, SubEventType.MOB_VIOLENCE):
        return "Political violence; Demonstrations"
    if event_type in (EventType.PROTESTS, EventType.RIOTS):
        return "Demonstrations"
    if event_type == EventType.STRATEGIC:
        return "Strategic developments"
    return "Political violence"


def inter_code(actor: Actor | None, country: str) -> int | None:
    if actor is None:
        return None
    if actor.kind in _STATE_KINDS:
        # A state's forces at home are state forces; abroad (Russia's air force over Idlib) external forces.
        return 1 if actor.country in ("", country) else 8
    return _INTER.get(actor.kind, 8)


def _organisation(actor: Actor) -> Actor:
    """The organisation a person acts for (their parent), or the actor itself."""
    if actor.kind == ActorKind.PERSON and actor.parent_id is not None:
        return actor.parent
    return actor


def side(actors: list[Actor], associated: list[Actor] | None = None) -> tuple[Actor | None, list[str]]:
    """(actor, associated names) for one side: the first organisation is the actor; persons acting for it, further
    organisations and associated actors are named as associated, each once."""
    associated = associated or []
    if not actors:
        return None, [a.name for a in associated]
    main = _organisation(actors[0])
    names: list[str] = []
    for actor in [*actors, *associated]:
        for named in (actor, _organisation(actor)):
            if named.pk != main.pk and named.name not in names:
                names.append(named.name)
    return main, names


def _joined(values: list[str]) -> str:
    return "; ".join(values)


_ROLES = tuple(ActorRole.values)  # read once: Choices.values builds its list on every call


def row(event: Event) -> dict[str, Any]:
    """The ACLED row of one event (no query: relations are prefetched)."""
    roles = list(event.actor_roles.all())
    by_role: dict[str, list[Actor]] = {role: [] for role in _ROLES}
    for role in roles:
        by_role[role.role].append(role.actor)
    place = event.place
    country = place.country if place and place.country else DEFAULT_COUNTRY
    alpha3, iso, region = COUNTRIES.get(country, ("", None, ""))
    actor1, assoc1 = side(by_role[ActorRole.ACTOR1], by_role[ActorRole.ASSOCIATED])
    actor2, assoc2 = side(by_role[ActorRole.ACTOR2])
    inter1, inter2 = inter_code(actor1, country), inter_code(actor2, country)
    if inter1 and inter2:
        interaction = min(inter1, inter2) * 10 + max(inter1, inter2)
    else:
        interaction = (inter1 or inter2 or 0) * 10 or None  # 10 = sole state forces action, 20 = sole rebel ...
    sources = list(event.event_sources.all())
    return {
        "event_id_cnty": f"{alpha3 or 'XXX'}{event.pk}",
        "event_date": event.occurred_on.isoformat(),
        "year": event.occurred_on.year,
        "time_precision": TIME_PRECISION.get(event.date_precision, 1),
        "disorder_type": disorder_type(event.event_type, event.sub_event_type),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": actor1.name if actor1 else "",
        "assoc_actor_1": _joined(assoc1),
        "inter1": inter1,
        "actor2": actor2.name if actor2 else "",
        "assoc_actor_2": _joined(assoc2),
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": (
            "Civilian targeting"
            if inter2 == CIVILIANS or event.event_type == EventType.VIOLENCE_AGAINST_CIVILIANS else ""
        ),
        "iso": iso,
        "region": region,
        "country": country,
        "admin1": place.admin1 if place else "",
        "admin2": place.admin2 if place else "",
        "admin3": "",
        "location": place.name if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": event.geo_precision,
        "source": _joined(list(dict.fromkeys(s.article.feed.name for s in sources))),
        "source_scale": "",
        "notes": event.description or event.title,
        "fatalities": event.fatalities or 0,
        "tags": "",
        "timestamp": int(event.updated_at.timestamp()),
        "source_urls": _joined(list(dict.fromkeys(s.article.url for s in sources if s.article.url))),
    }
