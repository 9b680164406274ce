"""Feeds: their health at a glance, and the switches an editor needs (fetch now, activate, deactivate)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timesince import timesince
from simple_history.admin import SimpleHistoryAdmin

from events import tasks
from events.admin.queries import count_per_row
from events.ingest.feeds import feed_fetch, feeds_set_active
from events.models import Article, Feed, FetchStatus

RECENT_DAYS = 7
# A feed that answers but has not given us a good fetch for this long is stale, whatever its interval says.
STALE_AFTER = timedelta(days=1)
FETCH_MESSAGE_LEVELS = {
    FetchStatus.OK: messages.SUCCESS,
    FetchStatus.NOT_MODIFIED: messages.SUCCESS,
    FetchStatus.MALFORMED: messages.WARNING,
    FetchStatus.FAILED: messages.ERROR,
}


def feed_health(feed: Feed, now: datetime) -> tuple[str, str]:
    """(level, words) for the feeds list: ok, warn, bad or off; the words carry the meaning the colour shows."""
    if not feed.active:
        return "off", "Switched off"
    if feed.last_status == FetchStatus.NEVER or feed.last_fetched_at is None:
        return "off", "Not fetched yet"
    if feed.last_status == FetchStatus.FAILED:
        n = feed.consecutive_failures
        return "bad", "Failing" + (f" ({n} in a row)" if n > 1 else "")
    due = max(STALE_AFTER, 3 * timedelta(minutes=feed.fetch_interval_minutes))
    if feed.last_success_at is None or now - feed.last_success_at > due:
        return "warn", "Stale"
    if feed.last_status == FetchStatus.MALFORMED:
        return "warn", "Read with warnings"
    return "ok", "Healthy"


@admin.register(Feed)
class FeedAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "health",
        "last_success",
        "last_fetched_at",
        "recent_articles",
        "active",
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

    @admin.display(description="health and last error", ordering="last_status")
    def health(self, feed: Feed) -> SafeString:
        # The error under its badge, not in a column of its own: on a laptop that column scrolled out of view.
        level, label = feed_health(feed, timezone.now())
        return format_html('<span class="health health--{}">{}</span>{}', level, label, self.error(feed))

    @admin.display(description="last success", ordering="last_success_at")
    def last_success(self, feed: Feed) -> SafeString | str:
        if feed.last_success_at is None:
            return "never"
        return format_html(
            '<time datetime="{}" title="{}">{} ago</time>',
            feed.last_success_at.isoformat(),
            formats.date_format(timezone.localtime(feed.last_success_at), "DATETIME_FORMAT"),
            timesince(feed.last_success_at, depth=1),
        )

    @admin.display(description="last error")
    def error(self, feed: Feed) -> SafeString | str:
        if not feed.last_error:
            return ""
        # Wrapped in its column, whole up to a few lines: an editor reads why a feed fails without opening it.
        return format_html(
            '<span class="feed-error" title="{}">{}</span>', feed.last_error, Truncator(feed.last_error).chars(300)
        )

    @admin.action(description="Fetch now", permissions=["change"])
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        feed_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if tasks.fetch_feed.app.conf.task_always_eager:
            # The embedded default has no worker: fetch here (no transaction is open around an admin action) and
            # say what came of it, as a worker's result would never reach this page.
            for feed_id in feed_ids:
                report = feed_fetch(feed_id)
                self.message_user(request, report.sentence(), FETCH_MESSAGE_LEVELS.get(report.status, messages.WARNING))
            return
        for feed_id in feed_ids:
            # After commit: the worker must see whatever this request wrote, and never a rolled-back state.
            transaction.on_commit(partial(tasks.fetch_feed.delay, feed_id))
        self.message_user(
            request,
            f"Queued {len(feed_ids)} feed{'s' if len(feed_ids) != 1 else ''} for fetching. A worker fetches "
            f"{'them' if len(feed_ids) != 1 else 'it'} in the next moments; reload this list to see the outcome.",
            messages.SUCCESS,
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
