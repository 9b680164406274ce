"""Read side of the actor pages: a fixed number of queries per page, whatever the number of events."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from actors.models import Actor, ActorStatus, Alias, FormerSlug, Statement
from actors.names import normalize_name
from events.models import ControlZone, EventActor, EventStatus
from events.public.filters import EventFilters, actor_scope
from events.public.selectors import EventPage, WeeklyChart, event_page, public_statements, weekly_chart

ACTOR_EVENTS = 20
ACTOR_STATEMENTS = 20
ACTIVITY_WEEKS = 26
ACTOR_ZONES = 20


def active_actors() -> QuerySet[Actor]:
    return Actor.objects.filter(status=ActorStatus.ACTIVE).select_related("parent").order_by("name")


def actor_slug_now(former_slug: str) -> str | None:
    """The slug an actor has now, for a slug it had before (old links to abu-mohammad-al-julani)."""
    return FormerSlug.objects.filter(slug=former_slug).values_list("actor__slug", flat=True).first()


def _count_per_actor(qs: QuerySet, actor_field: str) -> Coalesce:
    """A correlated COUNT for each actor row (0 when none): the list stays one query however many actors."""
    counted = qs.filter(**{actor_field: OuterRef("pk")}).order_by().values(actor_field).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def actors_with_counts() -> QuerySet[Actor]:
    """Active actors with `n_events` (published events the actor itself takes part in, in any role) and
    `n_statements` (its statements the public can read: tied to no event or to a published one), in one query.

    Members are not folded into their parent here: the list shows what each row itself did, while the actor page
    adds the members' events."""
    events = EventActor.objects.filter(event__status=EventStatus.PUBLISHED)
    statements = Statement.objects.filter(Q(event__isnull=True) | Q(event__status=EventStatus.PUBLISHED))
    return active_actors().annotate(
        n_events=_count_per_actor(events, "actor"),
        n_statements=_count_per_actor(statements, "speaker"),
    )


def actor_for_alias(slug: str) -> Actor | None:
    """The active actor one of whose aliases reads as `slug` ("hts" for HTS, "tahrir-al-sham" for Tahrir al-Sham),
    for redirecting an address typed or linked by a name the actor is also known by (one query)."""
    key = normalize_name(slug.replace("-", " "))
    if not key:
        return None
    return (
        Actor.objects.filter(status=ActorStatus.ACTIVE, aliases__normalized=key).only("slug").order_by("pk").first()
    )


def actor_suggestions(text: str, limit: int = 10) -> list[dict[str, str]]:
    """Active actors whose name, slug or any alias holds the text (aliases compared accent- and case-folded, so
    "erdogan" finds Erdoğan and "HTS" finds Hayat Tahrir al-Sham), names that start with it first: one query."""
    folded = normalize_name(text)
    alias = Alias.objects.filter(actor=OuterRef("pk"), normalized__contains=folded) if folded else Alias.objects.none()
    starts = Q(name__istartswith=text) | Q(slug__istartswith=text)
    rows = (
        Actor.objects.filter(status=ActorStatus.ACTIVE)
        .filter(Q(name__icontains=text) | Q(slug__icontains=text) | Exists(alias))
        .annotate(rank=Case(When(starts, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "name", "slug")
        .values("slug", "name")[:limit]
    )
    return [{"value": r["slug"], "label": r["name"]} for r in rows]


@dataclass
class ActorProfile:
    actor: Actor
    aliases: list[Alias]
    members: list[Actor]
    # Who came before (Nusra Front before HTS); who came after is actor.successor.
    predecessors: list[Actor]
    statements: list[Statement]
    zones: list[ControlZone]
    events: EventPage
    chart: WeeklyChart
    filters: EventFilters


def actor_profile(slug: str, statuses: tuple[str, ...]) -> ActorProfile | None:
    """Everything the actor page shows, in twelve queries (see tests/pages/test_query_counts.py).

    Events and the activity chart include the actor's members at any depth (Putin's statements and Russia's air
    strikes both belong on Russia's page), through the same filter the timeline uses."""
    actor = (
        Actor.objects.select_related("parent", "successor").filter(slug=slug, status=ActorStatus.ACTIVE).first()
    )
    if actor is None:
        return None
    scope = actor_scope(slug)
    filters = EventFilters(actor=slug, actor_scope=scope)
    return ActorProfile(
        actor=actor,
        aliases=list(actor.aliases.order_by("name")),
        members=list(actor.members.filter(status=ActorStatus.ACTIVE).order_by("name")),
        predecessors=list(actor.predecessors.filter(status=ActorStatus.ACTIVE).order_by("valid_from", "name")),
        statements=list(
            public_statements().filter(speaker_id__in=sorted(scope.ids))[:ACTOR_STATEMENTS]
        ),
        # The newest zones first, capped: a long history of redrawn front lines would otherwise grow the page.
        zones=list(actor.zones.order_by("-valid_from", "name")[:ACTOR_ZONES]),
        events=event_page(filters, statuses, size=ACTOR_EVENTS),
        chart=weekly_chart(filters, statuses, weeks=ACTIVITY_WEEKS),
        filters=filters,
    )
