"""Weekly summaries, their subscribers and who was mailed which summary."""

from __future__ import annotations

import secrets

from django.db import models
from simple_history.models import HistoricalRecords


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


class OptInQuerySet(models.QuerySet):
    """Addresses with a confirmed opt-in: weekly summaries' subscribers and daily alerts share the one rule."""

    def active(self) -> OptInQuerySet:
        """Confirmed and not unsubscribed: the only addresses anything is mailed to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def pending(self) -> OptInQuerySet:
        """Signed up, not yet confirmed, not unsubscribed."""
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)


class Subscriber(models.Model):
    email = models.EmailField(unique=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OptInQuerySet.as_manager()

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
