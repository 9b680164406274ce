"""Incoming news: the RSS/Atom feeds we read and the articles kept from them (once each)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events.models.places import Place


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
