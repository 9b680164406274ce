"""Actor pages. Reads go through events.public.actor_selectors."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from actors.models import ActorKind
from events.public.actor_selectors import active_actors, actor_profile
from events.public.responses import is_editor
from events.public.selectors import visible_statuses


def actor_list(request: HttpRequest) -> HttpResponse:
    """Active actors grouped by kind (one query)."""
    kind_order = {value: i for i, value in enumerate(ActorKind.values)}
    actors = sorted(active_actors(), key=lambda a: (kind_order.get(a.kind, 99), a.name.casefold()))
    groups = [
        (ActorKind(kind).label if kind in kind_order else kind, list(members))
        for kind, members in groupby(actors, key=lambda a: a.kind)
    ]
    return render(request, "actors/actor_list.html", {"groups": groups, "count": len(actors)})


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile = actor_profile(slug, visible_statuses(is_editor(request)))
    if profile is None:
        raise Http404("No such actor.")
    context = {
        "profile": profile,
        "actor": profile.actor,
        "chart_data": profile.chart.as_chart_data(),
        "timeline_query": profile.filters.querystring(),
    }
    return render(request, "actors/actor_detail.html", context)
