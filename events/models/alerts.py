"""Daily alert subscriptions: one row per (email address, saved timeline filter). The rest of daily alerts
(services, tasks, views) is in events/alerts/."""

from __future__ import annotations

from django.db import models

from events.models.summaries import OptInQuerySet, _new_token


class AlertSubscription(models.Model):
    """A reader's daily digest of newly published events matching one saved timeline filter."""

    email = models.EmailField()
    # The filter in the timeline's own query-string form (EventFilters.querystring(), dates and cursor left out):
    # parsed again by events.filters for every digest, so the alert means what the same timeline URL means.
    query = models.CharField(max_length=1000, blank=True, help_text="Timeline filter; empty means every event.")
    # The secret in the confirm and unsubscribe links; a new one when a reader subscribes again after leaving.
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Events published (Event.reviewed_at) up to this moment have been covered: set at confirmation, then moved
    # forward by each digest, so an event is listed once and nothing published before the opt-in is sent.
    covered_until = models.DateTimeField(null=True, blank=True)
    # The day (deployment's time zone) whose digest has been claimed. Setting it with a conditional UPDATE that
    # must change exactly one row is the claim: a retried or duplicated task finds it taken and sends nothing.
    last_digest_on = models.DateField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = OptInQuerySet.as_manager()

    class Meta:
        ordering = ["email", "query"]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="alert_email_query_unique"),
        ]
        indexes = [
            # Daily run: WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL AND last_digest_on < today.
            models.Index(fields=["confirmed_at", "unsubscribed_at", "last_digest_on"], name="alert_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.query or 'every event'}"
