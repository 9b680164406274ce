"""Atom feed of published events, filtered like the timeline (/events/feed/?type=...&governorate=Idlib), so an
analyst can subscribe to exactly the slice they follow."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_GET

from events.models import Event
from events.public import selectors
from events.public.filters import EventFilters, FilterError, filters_from_request
from events.public.responses import bad_request_text

FEED_ITEMS = 50


class EventsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args, **kwargs) -> EventFilters:
        return request.event_filters

    def title(self, filters: EventFilters) -> str:
        return "Idlib Tracker: events" + (" (filtered)" if filters.is_filtered else "")

    def subtitle(self, filters: EventFilters) -> str:
        return "Published events from the Idlib Tracker timeline, newest first."

    def link(self, filters: EventFilters) -> str:
        query = filters.without_cursor().querystring()
        return "/timeline/" + (f"?{query}" if query else "")

    def feed_url(self, filters: EventFilters) -> str:
        query = filters.without_cursor().querystring()
        return "/events/feed/" + (f"?{query}" if query else "")

    def items(self, filters: EventFilters) -> list[Event]:
        return selectors.event_page(filters.without_cursor(), size=FEED_ITEMS).events

    def item_title(self, item: Event) -> str:
        # Plain text in an Atom <title> (type="text"): the XML writer escapes it.
        return item.title

    def item_description(self, item: Event) -> str:
        # Atom1Feed writes the summary as type="html", so readers render it as HTML: the text is escaped here so a
        # "<script>" from a feed arrives as visible text, never as markup.
        place = item.place.name if item.place else "unknown place"
        return escape(f"{item.occurred_on:%d %b %Y}, {place}: {item.event_type} / {item.sub_event_type}. "
                      f"{item.description}".strip())

    def item_link(self, item: Event) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Event) -> datetime:
        return timezone.make_aware(datetime.combine(item.occurred_on, time(12)))

    def item_updateddate(self, item: Event) -> datetime:
        return item.updated_at

    def item_categories(self, item: Event) -> list[str]:
        return [item.event_type, item.sub_event_type]


_feed = EventsFeed()


@require_GET
def events_feed(request: HttpRequest) -> HttpResponse:
    try:
        request.event_filters = filters_from_request(request.GET)
    except FilterError as exc:
        return bad_request_text(exc.messages)
    return _feed(request)
