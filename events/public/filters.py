"""The timeline's query-string filters: one strict parser shared by the timeline, the map's GeoJSON, the exports
and the Atom feed, so a URL shared from one of them means the same set of events in all the others.

Bad input (an impossible date, an unknown type, a cursor past any real id, control characters, a value given twice)
raises FilterError with a message for a person; views turn it into a 400, never a 500.

Parameters:
    from, to        YYYY-MM-DD, inclusive
    type            ACLED event type (repeatable)
    sub_type        ACLED sub-event type (repeatable)
    actor           actor slug (a former slug or the name, in any case, finds it too); the actor's members (through
                    Actor.parent, at any depth) are included
    place           place slug (or its name, in any case)
    governorate     Place.admin1 in any case ("idlib" = "Idlib"); an unknown one is an error
    q               free text: words, "phrases", -exclusions, or (events/public/search.py, same on both databases)
    cursor          keyset position "YYYY-MM-DD.ID": the events strictly older than that (date, id)
    before          keyset position the other way: the page of events just newer than that (timeline only)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import QueryDict

from events.taxonomy import SUB_EVENT_TYPES, EventType, SubEventType

MAX_TEXT = 200
MAX_SLUG = 200
MAX_REPEATS = 10
MAX_ID = 2**63 - 1  # PostgreSQL bigint

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2})\.(\d{1,40})")
# NUL is refused by PostgreSQL inside a string (a 500 if it reached the query); other control characters are never
# part of a legitimate filter value.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

SINGLE = ("from", "to", "actor", "place", "governorate", "q", "cursor", "before")
MULTI = ("type", "sub_type")

_SUB_TYPE_PARENT = {sub.value: str(parent) for parent, subs in SUB_EVENT_TYPES.items() for sub in subs}


class FilterError(ValueError):
    """The query string cannot be understood; `messages` says what to fix, one line per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Cursor:
    occurred_on: date
    id: int

    def __str__(self) -> str:
        return f"{self.occurred_on.isoformat()}.{self.id}"


@dataclass(frozen=True)
class ActorScope:
    """The actor asked for and the ids of its members at any depth, resolved in one query."""

    slug: str
    name: str
    ids: frozenset[int]


@dataclass(frozen=True)
class EventFilters:
    date_from: date | None = None
    date_to: date | None = None
    types: tuple[str, ...] = ()
    sub_types: tuple[str, ...] = ()
    actor: str = ""
    place: str = ""
    governorate: str = ""
    text: str = ""
    cursor: Cursor | None = None
    before: Cursor | None = None
    # Filled by resolve(): the actor's id set, the place's name.
    actor_scope: ActorScope | None = field(default=None, compare=False)
    place_id: int | None = field(default=None, compare=False)
    place_name: str = field(default="", compare=False)

    @property
    def is_filtered(self) -> bool:
        """Any filter apart from the page position."""
        return bool(
            self.date_from or self.date_to or self.types or self.sub_types or self.actor or self.place
            or self.governorate or self.text
        )

    def params(self, *, cursor: Cursor | None = None, before: Cursor | None = None) -> list[tuple[str, str]]:
        """The canonical query parameters (for links to other pages, exports and the next page)."""
        pairs: list[tuple[str, str]] = []
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        pairs += [("type", t) for t in self.types]
        pairs += [("sub_type", s) for s in self.sub_types]
        for name, value in (("actor", self.actor), ("place", self.place), ("governorate", self.governorate),
                            ("q", self.text)):
            if value:
                pairs.append((name, value))
        if cursor:
            pairs.append(("cursor", str(cursor)))
        if before:
            pairs.append(("before", str(before)))
        return pairs

    def querystring(self, *, cursor: Cursor | None = None, before: Cursor | None = None) -> str:
        return urlencode(self.params(cursor=cursor, before=before))

    def without_cursor(self) -> EventFilters:
        return replace(self, cursor=None, before=None)


def _one(query: QueryDict, name: str, errors: list[str]) -> str:
    values = query.getlist(name)
    if len(values) > 1:
        errors.append(f"'{name}' was given {len(values)} times; give it once.")
        return ""
    value = values[0].strip() if values else ""
    if _CONTROL.search(value):
        errors.append(f"'{name}' contains control characters.")
        return ""
    return value


def parse_date(value: str, name: str, errors: list[str]) -> date | None:
    if not value:
        return None
    if not _DATE.fullmatch(value):
        errors.append(f"'{name}' must be a date written YYYY-MM-DD, not {_show(value)}.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"'{name}' is not a real date: {_show(value)}.")
        return None


def _show(value: str) -> str:
    """A user's value quoted back in an error message, shortened (the template escapes it)."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _slug_or_name(value: str, name: str, errors: list[str]) -> str:
    """A slug, or a name as a person types it (the typeahead offers slugs; a name typed in full works too)."""
    value = value.strip()
    if len(value) > MAX_SLUG:
        errors.append(f"'{name}' is too long: at most {MAX_SLUG} characters.")
        return ""
    return value


def _choices(query: QueryDict, name: str, valid: set[str], label: str, errors: list[str]) -> tuple[str, ...]:
    values = [v.strip() for v in query.getlist(name) if v.strip()]
    if len(values) > MAX_REPEATS:
        errors.append(f"At most {MAX_REPEATS} values of '{name}', not {len(values)}.")
        return ()
    unknown = [v for v in values if v not in valid]
    if unknown:
        errors.append(
            f"Unknown {label} {_show(unknown[0])}. Valid values: {', '.join(sorted(valid))}."
        )
        return ()
    return tuple(dict.fromkeys(values))  # de-duplicated, order kept


def parse_cursor(value: str, errors: list[str], name: str = "cursor") -> Cursor | None:
    if not value:
        return None
    match = _CURSOR.fullmatch(value)
    if not match:
        errors.append(f"'{name}' must look like 2024-03-01.1234 (date.id), not {_show(value)}.")
        return None
    try:
        day = date.fromisoformat(match[1])
    except ValueError:
        errors.append(f"'{name}' holds an impossible date: {_show(match[1])}.")
        return None
    event_id = int(match[2])
    if not 1 <= event_id <= MAX_ID:
        errors.append(f"'{name}' points past any event id.")
        return None
    return Cursor(day, event_id)


def parse_filters(query: QueryDict) -> EventFilters:
    """Validate the query string (no database access); raises FilterError listing every problem."""
    errors: list[str] = []
    raw = {name: _one(query, name, errors) for name in SINGLE}
    for name in MULTI:
        for value in query.getlist(name):
            if _CONTROL.search(value):
                errors.append(f"'{name}' contains control characters.")
    if errors:
        raise FilterError(errors)

    date_from = parse_date(raw["from"], "from", errors)
    date_to = parse_date(raw["to"], "to", errors)
    if date_from and date_to and date_from > date_to:
        errors.append(f"'from' ({date_from}) is after 'to' ({date_to}).")
    types = _choices(query, "type", set(EventType.values), "event type", errors)
    sub_types = _choices(query, "sub_type", set(SubEventType.values), "sub-event type", errors)
    if types and sub_types:
        for sub in sub_types:
            if _SUB_TYPE_PARENT[sub] not in types:
                errors.append(f"Sub-event type '{sub}' belongs to '{_SUB_TYPE_PARENT[sub]}', not to the chosen types.")
    text = raw["q"]
    if len(text) > MAX_TEXT:
        errors.append(f"'q' is too long: at most {MAX_TEXT} characters, not {len(text)}.")
    governorate = raw["governorate"]
    if len(governorate) > 100:
        errors.append("'governorate' is too long: at most 100 characters.")
    filters = EventFilters(
        date_from=date_from,
        date_to=date_to,
        types=types,
        sub_types=sub_types,
        actor=_slug_or_name(raw["actor"], "actor", errors),
        place=_slug_or_name(raw["place"], "place", errors),
        governorate=governorate,
        text=text,
        cursor=parse_cursor(raw["cursor"], errors),
        before=parse_cursor(raw["before"], errors, "before"),
    )
    if filters.cursor and filters.before:
        errors.append("Give 'cursor' (older events) or 'before' (newer events), not both.")
    if errors:
        raise FilterError(errors)
    return filters


# The root is the actor with that slug, else the one that had it before, else the one of that name (any case).
_ACTOR_TREE_SQL = """
WITH RECURSIVE root(id) AS (
    SELECT id FROM (
        SELECT id, 0 AS rank FROM actors_actor WHERE slug = %s
        UNION ALL
        SELECT actor_id, 1 FROM actors_formerslug WHERE slug = %s
        UNION ALL
        SELECT id, 2 FROM actors_actor WHERE LOWER(name) = LOWER(%s)
    ) AS found ORDER BY rank, id LIMIT 1
),
tree(id, name, slug, depth) AS (
    SELECT actor.id, actor.name, actor.slug, 0 FROM actors_actor actor JOIN root ON actor.id = root.id
    UNION ALL
    SELECT child.id, child.name, child.slug, tree.depth + 1
    FROM actors_actor child JOIN tree ON child.parent_id = tree.id
    WHERE tree.depth < 20
)
SELECT id, name, slug, depth FROM tree
"""


def actor_scope(slug: str) -> ActorScope | None:
    """The actor and all its members (members of members too) in one recursive query; None if no such actor.

    The depth cap guards against a parent cycle an editor might create by mistake. A slug the actor had before
    (actors.FormerSlug) finds it too, so saved timeline links survive a rename or a merge; so does its name, typed
    in any case. The scope carries the actor's current slug, which the links built from the filters then use."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTOR_TREE_SQL, [slug, slug, slug])
        rows = cursor.fetchall()
    if not rows:
        return None
    root_name, root_slug = next((name, slug) for _, name, slug, depth in rows if depth == 0)
    return ActorScope(slug=root_slug, name=root_name, ids=frozenset(row[0] for row in rows))


def resolve(filters: EventFilters) -> EventFilters:
    """Look up the actor's member ids (one query), the place (one query) and the governorate's spelling (one
    query), when those filters are used.

    Unknown slugs and governorates are a FilterError: an empty page would look like "nothing happened" instead of
    "no such actor"."""
    from events.models import Place

    errors: list[str] = []
    scope = None
    place_id, place_name = None, ""
    if filters.actor:
        scope = actor_scope(filters.actor)
        if scope is None:
            errors.append(f"No actor {_show(filters.actor)}: see the list of actors.")
    place = filters.place
    if place:
        found = (
            Place.objects.filter(Q(slug=place) | Q(name__iexact=place))
            .order_by(Case(When(slug=place, then=Value(0)), default=Value(1), output_field=IntegerField()), "id")
            .values_list("id", "name", "slug")
            .first()
        )
        if found is None:
            errors.append(f"No place {_show(place)}.")
        else:
            place_id, place_name, place = found
    governorate = filters.governorate
    if governorate:
        # Typed or linked in any case ("idlib", "IDLIB"): matched against the gazetteer's spelling, which the
        # event filter (an exact, indexable comparison) and the links built from these filters then use.
        spelled = (
            Place.objects.filter(admin1__iexact=governorate).order_by().values_list("admin1", flat=True).first()
        )
        if spelled is None:
            errors.append(f"No governorate {_show(governorate)}: see the list in the filters.")
        else:
            governorate = spelled
    if errors:
        raise FilterError(errors)
    # Links built from these filters name the actor and place by their current slugs, however they were asked for.
    return replace(filters, actor=scope.slug if scope else filters.actor, actor_scope=scope, place=place,
                   place_id=place_id, place_name=place_name, governorate=governorate)


def filters_from_request(query: QueryDict) -> EventFilters:
    return resolve(parse_filters(query))
