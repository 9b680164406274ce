"""Builders for the admin tests: an article with real text and an event with its sources and roles; actors,
places and feeds come from the shared tests/factories."""

from __future__ import annotations

import datetime as dt
import itertools

from actors.models import Actor
from events.models import ActorRole, Article, Event, EventActor, EventSource, EventStatus, Feed, Place
from events.taxonomy import EventType, SubEventType
from tests.factories import make_actor, make_feed, make_place

__all__ = ["form_data", "make_actor", "make_article", "make_event", "make_feed", "make_place"]

_seq = itertools.count(1)


def make_article(feed: Feed | None = None, title: str = "Shelling near Saraqib", text: str = "") -> Article:
    n = next(_seq)
    return Article.objects.create(
        feed=feed or make_feed(),
        guid=f"guid-{n}",
        url=f"https://news.example.org/a/{n}",
        title=title,
        text=text or f"Intro paragraph {n}. Artillery shelled Saraqib on Monday, monitors said. More context.",
        content_hash=f"{n:064d}",
    )


def make_event(
    title: str = "Shelling of Saraqib",
    *,
    status: str = EventStatus.CANDIDATE,
    place: Place | None = None,
    articles: list[Article] | None = None,
    actors: list[tuple[Actor, str]] | None = None,
    sentence: str = "Artillery shelled Saraqib on Monday, monitors said.",
    occurred_on: dt.date = dt.date(2026, 11, 2),
) -> Event:
    event = Event.objects.create(
        title=title,
        event_type=EventType.EXPLOSIONS,
        sub_event_type=SubEventType.SHELLING,
        occurred_on=occurred_on,
        place=place,
        status=status,
        confidence=0.7,
    )
    for article in articles or []:
        EventSource.objects.create(event=event, article=article, sentence=sentence, extraction_key=f"k{next(_seq)}")
    for actor, role in actors or []:
        EventActor.objects.create(event=event, actor=actor, role=role)
    return event


ACTOR1 = ActorRole.ACTOR1
ACTOR2 = ActorRole.ACTOR2


def form_data(response) -> dict:
    """The form as the browser would submit it unchanged, from the rendered page's bound fields."""
    forms = [response.context["adminform"].form]
    data = {}
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        forms.extend(fs.forms)
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data
