"""Places, feeds, articles, events, control zones and weekly summaries: the tracker's record of the crisis."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events.geo import validate_zone_geometry
from events.taxonomy import SUB_EVENT_TYPES, EventType, SubEventType


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    GOVERNORATE = "governorate", "Governorate"
    DISTRICT = "district", "District"
    CITY = "city", "City"
    TOWN = "town", "Town"
    VILLAGE = "village", "Village"
    CROSSING = "crossing", "Border crossing"
    SITE = "site", "Site (base, airport, dam...)"
    OTHER = "other", "Other"


class Place(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    # Other spellings the press uses ("Khan Sheikhoun", "Khan Shaykhun"); matched like actor aliases.
    aliases = models.JSONField(default=list, blank=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    admin1 = models.CharField("governorate", max_length=100, blank=True)
    admin2 = models.CharField("district", max_length=100, blank=True)
    country = models.CharField(max_length=100, default="Syria")
    kind = models.CharField(max_length=16, choices=PlaceKind.choices, default=PlaceKind.TOWN)
    source = models.CharField(max_length=300, blank=True, help_text="Where the coordinates come from.")

    class Meta:
        ordering = ["name"]
        indexes = [
            # Governorate filter on the timeline: WHERE place.admin1 = ?.
            models.Index(fields=["admin1", "name"], name="place_admin1_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:place", args=[self.slug])


class FetchStatus(models.TextChoices):
    NEVER = "never", "Never fetched"
    OK = "ok", "OK"
    NOT_MODIFIED = "not_modified", "Not modified"
    MALFORMED = "malformed", "Ingested with parser warnings"
    FAILED = "failed", "Failed"


class Feed(models.Model):
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, unique=True)
    active = models.BooleanField(default=True)
    language = models.CharField(max_length=10, default="en")
    fetch_interval_minutes = models.PositiveIntegerField(default=15)
    # Conditional GET state: sent back as If-None-Match / If-Modified-Since; an unchanged body hash skips parsing.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True, help_text="Empty means due now.")
    last_status = models.CharField(max_length=16, choices=FetchStatus.choices, default=FetchStatus.NEVER)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [
            # fetch_due_feeds: WHERE active AND (next_fetch_at IS NULL OR next_fetch_at <= now).
            models.Index(fields=["active", "next_fetch_at"], name="feed_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="articles")
    guid = models.CharField(max_length=1000)
    # Canonical URL (tracking parameters stripped); empty when the entry has no link.
    url = models.URLField(max_length=1000, blank=True)
    title = models.CharField(max_length=1000)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    text = models.TextField(blank=True, help_text="Clean plain text, paragraphs separated by blank lines.")
    html = models.TextField(blank=True, help_text="Sanitised HTML (nh3), safe to render.")
    # sha256 of the normalised text: the same story syndicated by two feeds is kept once.
    content_hash = models.CharField(max_length=64)
    parse_warning = models.TextField(blank=True, help_text="What the parser complained about, if anything.")
    # None until extraction has run; False keeps an off-topic article without events or statements.
    is_relevant = models.BooleanField(null=True, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    actors = models.ManyToManyField("actors.Actor", blank=True, related_name="articles")
    places = models.ManyToManyField(Place, blank=True, related_name="articles")

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="article_feed_guid_unique"),
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_url_unique"),
        ]
        indexes = [
            # Cross-feed dedup on ingest: WHERE content_hash = ?.
            models.Index(fields=["content_hash"], name="article_content_hash_idx"),
            # Admin list and feed health ("articles in the last 7 days"): WHERE feed_id = ? AND fetched_at >= ?.
            models.Index(fields=["feed", "-fetched_at"], name="article_feed_fetched_idx"),
            # Extraction backlog: WHERE extracted_at IS NULL.
            models.Index(fields=["extracted_at"], name="article_extracted_idx"),
        ]

    def __str__(self) -> str:
        return self.title[:80]


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
    # Kept up to date by a PostgreSQL trigger (migration 0002) from title and description; unused on SQLite.
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
            # Timeline type filter and weekly counts by type: WHERE status = ? AND event_type = ? ORDER BY date.
            models.Index(fields=["status", "event_type", "-occurred_on"], name="event_status_type_date_idx"),
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


class ControlZone(models.Model):
    name = models.CharField(max_length=200)
    # A GeoJSON Polygon or MultiPolygon geometry object (lon, lat order), validated on save.
    geometry = models.JSONField(validators=[validate_zone_geometry])
    controller = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="zones")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Empty while the zone is still current.")
    source_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="zone_valid_to_after_valid_from",
            ),
        ]
        indexes = [
            # "Who controls what on date D": WHERE valid_from <= D AND (valid_to IS NULL OR valid_to > D).
            models.Index(fields=["valid_from", "valid_to"], name="zone_validity_idx"),
            # Actor page "zones it controls": WHERE controller_id = ?.
            models.Index(fields=["controller", "valid_from"], name="zone_controller_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        validate_zone_geometry(self.geometry)
        super().save(*args, **kwargs)


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class WeeklySummary(models.Model):
    # Monday of the ISO week, in the deployment's time zone.
    week_start = models.DateField(unique=True)
    status = models.CharField(max_length=16, choices=SummaryStatus.choices, default=SummaryStatus.DRAFT)
    lead = models.TextField("editor's lead", blank=True)
    highlights = models.TextField(blank=True, help_text="Editable highlights, one per line.")
    # Figures computed from published events when the summary was (re)built.
    data = models.JSONField(default=dict, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start"]
        verbose_name_plural = "weekly summaries"
        indexes = [
            # Public list and "latest summary" on the dashboard: WHERE status = 'published' ORDER BY week_start DESC.
            models.Index(fields=["status", "-week_start"], name="summary_status_week_idx"),
        ]

    def __str__(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    email = models.EmailField(unique=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        indexes = [
            # Mailing a summary: WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL.
            models.Index(fields=["confirmed_at", "unsubscribed_at"], name="subscriber_active_idx"),
        ]

    def __str__(self) -> str:
        return self.email


class SummaryDelivery(models.Model):
    """One row per (summary, subscriber) claimed before sending: a retried task never mails anyone twice."""

    summary = models.ForeignKey(WeeklySummary, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "subscriber"], name="delivery_summary_subscriber_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id} -> {self.subscriber_id}"


# Daily alerts keep their model in their own package (events/alerts/); imported here so it belongs to this app.
from events.alerts.models import AlertSubscription  # noqa: E402, F401
