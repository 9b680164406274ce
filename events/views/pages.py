"""Public pages about events and places. Reads go through events.selectors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from events.models import Event, EventStatus, Place


def dashboard(request: HttpRequest) -> HttpResponse:
    latest = (
        Event.objects.filter(status=EventStatus.PUBLISHED).select_related("place").order_by("-occurred_on", "-id")[:20]
    )
    return render(request, "events/dashboard.html", {"latest": latest})


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("place"), pk=pk, status=EventStatus.PUBLISHED)
    return render(request, "events/event_detail.html", {"event": event})


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    return render(request, "events/place_detail.html", {"place": place})
