"""Read side of the actor pages: a fixed number of queries per page, whatever the number of events."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from actors.models import Actor, ActorStatus, Alias, Statement
from events.models import ControlZone
from events.public.filters import EventFilters, actor_scope
from events.public.selectors import EventPage, WeeklyChart, event_page, public_statements, weekly_chart

ACTOR_EVENTS = 20
ACTOR_STATEMENTS = 20
ACTIVITY_WEEKS = 26
ACTOR_ZONES = 20


def active_actors() -> QuerySet[Actor]:
    return Actor.objects.filter(status=ActorStatus.ACTIVE).select_related("parent").order_by("name")


def actor_choices() -> list[tuple[str, str]]:
    """(slug, name) of every active actor, for the timeline's actor filter."""
    return list(Actor.objects.filter(status=ActorStatus.ACTIVE).order_by("name").values_list("slug", "name"))


@dataclass
class ActorProfile:
    actor: Actor
    aliases: list[Alias]
    members: list[Actor]
    statements: list[Statement]
    zones: list[ControlZone]
    events: EventPage
    chart: WeeklyChart
    filters: EventFilters


def actor_profile(slug: str, statuses: tuple[str, ...]) -> ActorProfile | None:
    """Everything the actor page shows, in eleven queries (see tests/pages/test_query_counts.py).

    Events and the activity chart include the actor's members at any depth (Putin's statements and Russia's air
    strikes both belong on Russia's page), through the same filter the timeline uses."""
    actor = Actor.objects.select_related("parent").filter(slug=slug, status=ActorStatus.ACTIVE).first()
    if actor is None:
        return None
    scope = actor_scope(slug)
    filters = EventFilters(actor=slug, actor_scope=scope)
    return ActorProfile(
        actor=actor,
        aliases=list(actor.aliases.order_by("name")),
        members=list(actor.members.filter(status=ActorStatus.ACTIVE).order_by("name")),
        statements=list(
            public_statements().filter(speaker_id__in=sorted(scope.ids))[:ACTOR_STATEMENTS]
        ),
        # The newest zones first, capped: a long history of redrawn front lines would otherwise grow the page.
        zones=list(actor.zones.order_by("-valid_from", "name")[:ACTOR_ZONES]),
        events=event_page(filters, statuses, size=ACTOR_EVENTS),
        chart=weekly_chart(filters, statuses, weeks=ACTIVITY_WEEKS),
        filters=filters,
    )
