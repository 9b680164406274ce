from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from actors.models import Actor, ActorStatus


def actor_list(request: HttpRequest) -> HttpResponse:
    actors = Actor.objects.filter(status=ActorStatus.ACTIVE).order_by("name")
    return render(request, "actors/actor_list.html", {"actors": actors})


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug, status=ActorStatus.ACTIVE)
    return render(request, "actors/actor_detail.html", {"actor": actor})
