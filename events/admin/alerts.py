"""Daily alerts on the desk: who asked for what, and whether it is live. People subscribe themselves (confirmed
opt-in), so nothing here adds an alert; stopping one goes through the same service as the reader's own link."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from events.alerts.services import alert_unsubscribe
from events.models import AlertSubscription


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "query", "state", "created_at", "last_digest_on", "last_sent_at"]
    search_fields = ["email", "query"]
    ordering = ["email", "query"]
    readonly_fields = [
        "email", "query", "created_at", "confirmed_at", "unsubscribed_at", "covered_until", "last_digest_on",
        "last_sent_at",
    ]
    fields = readonly_fields
    actions = ["unsubscribe"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="state")
    def state(self, subscription: AlertSubscription) -> str:
        if subscription.unsubscribed_at:
            return "unsubscribed"
        return "receiving" if subscription.confirmed_at else "awaiting confirmation"

    @admin.action(description="Unsubscribe (stop this alert)")
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[AlertSubscription]) -> None:
        count = 0
        for subscription in queryset.filter(unsubscribed_at__isnull=True).order_by("id"):
            alert_unsubscribe(subscription.token)
            count += 1
        self.message_user(request, f"{count} alert(s) stopped.")
