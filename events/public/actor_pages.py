"""Actor pages. Reads go through events.public.actor_selectors."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from actors.models import ActorKind
from events.public.actor_selectors import actor_for_alias, actor_profile, actor_slug_now, actors_with_counts
from events.public.responses import bad_request, is_editor
from events.public.selectors import visible_statuses

# ?sort= on the actors list: the default groups by kind; the counts list every actor, most active first.
SORTS = {
    "kind": "by kind",
    "events": "by events",
    "statements": "by statements",
    "name": "by name",
}


def actor_list(request: HttpRequest) -> HttpResponse:
    """Active actors with their event and statement counts (one query), grouped by kind or sorted by a count."""
    values = request.GET.getlist("sort")
    sort = values[0].strip() if values else "kind"
    if len(values) > 1 or sort not in SORTS:
        return bad_request(request, [f"'sort' must be one of {', '.join(SORTS)}, given once."])
    actors = list(actors_with_counts())  # ordered by name
    kind_order = {value: i for i, value in enumerate(ActorKind.values)}
    if sort == "kind":
        actors.sort(key=lambda a: (kind_order.get(a.kind, 99), a.name.casefold()))
        groups = [
            (ActorKind(kind).label if kind in kind_order else kind, list(members))
            for kind, members in groupby(actors, key=lambda a: a.kind)
        ]
    else:
        actors.sort(key=lambda a: a.name.casefold())
        if sort != "name":
            # Most first; ties stay in name order (the sort is stable).
            actors.sort(key=lambda a: a.n_events if sort == "events" else a.n_statements, reverse=True)
        groups = [("", actors)]
    context = {"groups": groups, "count": len(actors), "sort": sort, "sorts": SORTS, "sort_label": SORTS[sort]}
    return render(request, "actors/actor_list.html", context)


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile = actor_profile(slug, visible_statuses(is_editor(request)))
    if profile is None:
        # A slug the actor had before (renamed, or merged into another): a permanent move, so links keep working.
        current = actor_slug_now(slug)
        if current:
            return redirect("actors:detail", slug=current, permanent=True)
        # /actors/hts/: a name the actor is also known by leads to its page. Temporary (302), because editors
        # may move an alias to another actor.
        actor = actor_for_alias(slug)
        if actor is not None and actor.slug != slug:
            return redirect(actor)
        raise Http404("No such actor.")
    context = {
        "profile": profile,
        "actor": profile.actor,
        "chart_data": profile.chart.as_chart_data(),
        "timeline_query": profile.filters.querystring(),
    }
    return render(request, "actors/actor_detail.html", context)
