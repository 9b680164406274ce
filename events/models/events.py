"""Events (ACLED's types), the actors' roles in them and the articles that report them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events.models.feeds import Article
from events.models.places import Place
from events.taxonomy import SUB_EVENT_TYPES, EventType, SubEventType


class DatePrecision(models.TextChoices):
    # ACLED's time_precision 1 / 2 / 3.
    DAY = "day", "Exact day"
    WEEK = "week", "Within a week"
    MONTH = "month", "Within a month"


class GeoPrecision(models.IntegerChoices):
    # ACLED's geo_precision.
    TOWN = 1, "The town itself"
    NEAR = 2, "Near the town / part of a region"
    REGION = 3, "The governorate or a larger region"


class EventStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate (unreviewed)"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged into another event"


def _sub_type_matches_type() -> Q:
    condition = Q()
    for event_type, sub_types in SUB_EVENT_TYPES.items():
        condition |= Q(event_type=event_type, sub_event_type__in=[s.value for s in sub_types])
    return condition


class Event(models.Model):
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    sub_event_type = models.CharField(max_length=48, choices=SubEventType.choices)
    occurred_on = models.DateField()
    date_precision = models.CharField(max_length=8, choices=DatePrecision.choices, default=DatePrecision.DAY)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    geo_precision = models.PositiveSmallIntegerField(choices=GeoPrecision.choices, default=GeoPrecision.TOWN)
    fatalities = models.PositiveIntegerField(null=True, blank=True, help_text="Empty when no figure is stated.")
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.CANDIDATE)
    confidence = models.FloatField(default=0.5, validators=[MinValueValidator(0), MaxValueValidator(1)])
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_events"
    )
    rejection_reason = models.TextField(blank=True)
    # Set when an editor changes the event: extraction never overwrites it afterwards.
    editor_owned = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    actors = models.ManyToManyField("actors.Actor", through="EventActor", related_name="events", blank=True)
    sources = models.ManyToManyField(Article, through="EventSource", related_name="events", blank=True)
    # Kept up to date by a PostgreSQL trigger (migrations 0002, 0004) from title and description; unused on SQLite,
    # where the FTS5 table events_event_fts (migration 0004, events/public/search.py) serves search.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The history is read per event (WHERE id = ? ORDER BY history_date): the copies of the foreign keys'
    # indexes would serve no query and be paid on each of the thousands of rows extraction writes a day.
    history = HistoricalRecords(excluded_fields=["search_vector"], no_db_index=["place", "merged_into", "reviewed_by"])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=_sub_type_matches_type(), name="event_sub_type_matches_type"),
            models.CheckConstraint(
                condition=Q(status=EventStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=EventStatus.MERGED) & Q(merged_into__isnull=True)),
                name="event_merged_has_survivor",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("id")), name="event_not_merged_into_itself"),
            models.CheckConstraint(condition=Q(confidence__gte=0, confidence__lte=1), name="event_confidence_0_1"),
        ]
        indexes = [
            # Timeline keyset pagination: WHERE status = 'published' AND (occurred_on, id) < (?, ?)
            # ORDER BY occurred_on DESC, id DESC.
            models.Index(fields=["status", "-occurred_on", "-id"], name="event_status_date_idx"),
            # Timeline type filter and weekly counts by type: WHERE status = ? AND event_type = ? ORDER BY date, id.
            # The id makes it cover the timeline's count of a type-filtered selection ("Events 1-50 of 2,307"),
            # which PostgreSQL then reads from the index alone instead of the table.
            models.Index(fields=["status", "event_type", "-occurred_on", "-id"], name="event_status_type_date_idx"),
            # Place page and place/governorate filters: WHERE place_id IN (...) ORDER BY occurred_on DESC.
            models.Index(fields=["place", "-occurred_on"], name="event_place_date_idx"),
            # Editors' queue: WHERE status = 'candidate' ORDER BY created_at DESC.
            models.Index(fields=["status", "-created_at"], name="event_status_created_idx"),
            # Daily alert digests (events.alerts): WHERE status = 'published' AND reviewed_at > ? AND reviewed_at <= ?.
            models.Index(fields=["status", "reviewed_at"], name="event_status_reviewed_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])


class ActorRole(models.TextChoices):
    ACTOR1 = "actor1", "Actor 1 (initiator)"
    ACTOR2 = "actor2", "Actor 2 (target)"
    ASSOCIATED = "associated", "Associated actor"


class EventActor(models.Model):
    # No single-column indexes: event_actor_role_unique leads with event_id, eventactor_actor_event_idx with
    # actor_id (extraction inserts these by the thousand; each index is paid on every row).
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="actor_roles", db_index=False)
    actor = models.ForeignKey("actors.Actor", on_delete=models.CASCADE, related_name="event_roles", db_index=False)
    role = models.CharField(max_length=16, choices=ActorRole.choices)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "actor", "role"], name="event_actor_role_unique"),
        ]
        indexes = [
            # Actor page and actor filter: WHERE actor_id IN (...) -> event ids.
            models.Index(fields=["actor", "event"], name="eventactor_actor_event_idx"),
        ]

    def __str__(self) -> str:
        # The actor's name when it came with the row (the admin inline selects it), else its id: never a query.
        actor = self._state.fields_cache.get("actor")
        return f"{self.get_role_display()}: {actor.name if actor is not None else f'actor #{self.actor_id}'}"


class EventSource(models.Model):
    # No index of its own: eventsource_event_article_unique leads with event_id. article_id keeps its own, as
    # eventsource_article_key_unique is partial (an editor's source has no extraction key).
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_sources", db_index=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="event_sources")
    # The sentence(s) the event was extracted from: the provenance an editor checks.
    sentence = models.TextField(blank=True)
    # Identifies the happening within the article (e.g. type + place + date), so re-extracting the article
    # updates its own candidate instead of adding a new one.
    extraction_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "article"], name="eventsource_event_article_unique"),
            models.UniqueConstraint(
                fields=["article", "extraction_key"],
                condition=~Q(extraction_key=""),
                name="eventsource_article_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} <- article {self.article_id}"
