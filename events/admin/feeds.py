"""Feeds: their health at a glance, and the switches an editor needs (fetch now, activate, deactivate)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from events import tasks
from events.admin.queries import count_per_row
from events.ingest.feeds import feeds_set_active
from events.models import Article, Feed

RECENT_DAYS = 7


@admin.register(Feed)
class FeedAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "active",
        "last_fetched_at",
        "last_status",
        "consecutive_failures",
        "error",
        "recent_articles",
    ]
    list_filter = ["active", "last_status"]
    search_fields = ["name", "url"]
    ordering = ["name"]
    actions = ["fetch_now", "activate", "deactivate"]
    readonly_fields = [
        "last_fetched_at",
        "last_success_at",
        "next_fetch_at",
        "last_status",
        "consecutive_failures",
        "last_error",
        "etag",
        "last_modified",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "url", "active", "language", "fetch_interval_minutes"]}),
        (
            "Health",
            {
                "fields": [
                    ("last_status", "consecutive_failures"),
                    ("last_fetched_at", "last_success_at", "next_fetch_at"),
                    "last_error",
                ]
            },
        ),
        ("Conditional GET state", {"classes": ["collapse"], "fields": ["etag", "last_modified", "created_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Feed]:
        # One correlated COUNT per listed feed, each served by article_feed_fetched_idx (feed, -fetched_at),
        # rather than a join of every article ever fetched.
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        recent = Article.objects.filter(fetched_at__gte=since)
        return super().get_queryset(request).annotate(n_recent=count_per_row(recent, "feed"))

    @admin.display(description=f"articles, last {RECENT_DAYS} days", ordering="n_recent")
    def recent_articles(self, feed: Feed) -> int:
        return feed.n_recent  # type: ignore[attr-defined]

    @admin.display(description="last error")
    def error(self, feed: Feed) -> SafeString | str:
        if not feed.last_error:
            return ""
        return format_html('<span title="{}">{}</span>', feed.last_error, Truncator(feed.last_error).chars(80))

    @admin.action(description="Fetch now", permissions=["change"])
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        feed_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for feed_id in feed_ids:
            # After commit: the worker must see whatever this request wrote, and never a rolled-back state.
            transaction.on_commit(partial(tasks.fetch_feed.delay, feed_id))
        self.message_user(
            request, f"Queued {len(feed_ids)} feed{'s' if len(feed_ids) != 1 else ''} for fetching.", messages.SUCCESS
        )

    @admin.action(description="Activate selected feeds", permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected feeds", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        self._set_active(request, queryset, False)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[Feed], active: bool) -> None:
        changed = feeds_set_active(queryset, active)
        state = "active" if active else "inactive"
        self.message_user(request, f"{changed} feed{'s' if changed != 1 else ''} now {state}.", messages.SUCCESS)
