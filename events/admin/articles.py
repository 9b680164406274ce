"""Articles, read-only: what extraction found in each (actors, places, statements, events), and a re-run action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from actors.models import Statement
from events import tasks
from events.admin.events import highlighted_excerpt
from events.admin.queries import count_per_row
from events.models import Article, EventSource

# A synchronous re-run inside a request: keep it to what an editor reviews at once.
MAX_RERUN = 100


def _links(rows: QuerySet, url_name: str) -> SafeString:
    return format_html_join(", ", '<a href="{}">{}</a>', ((reverse(url_name, args=[r.pk]), r.name) for r in rows))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title", "feed", "published_at", "fetched_at", "is_relevant", "extracted_at", "n_events", "n_statements",
    ]
    list_select_related = ["feed"]
    list_filter = ["feed", "is_relevant", ("extracted_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "url", "guid"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["rerun_extraction"]
    fieldsets = [
        (None, {"fields": ["title", "feed", "original", ("published_at", "fetched_at", "updated_at"), "author"]}),
        (
            "Extraction",
            {
                "fields": [
                    ("is_relevant", "extracted_at"),
                    "extracted_actors",
                    "extracted_places",
                    "extracted_statements",
                    "extracted_events",
                ]
            },
        ),
        ("Text", {"fields": ["text", "parse_warning"]}),
        ("Identity", {"classes": ["collapse"], "fields": ["guid", "content_hash"]}),
    ]
    readonly_fields = [
        "title",
        "feed",
        "original",
        "published_at",
        "fetched_at",
        "updated_at",
        "author",
        "is_relevant",
        "extracted_at",
        "extracted_actors",
        "extracted_places",
        "extracted_statements",
        "extracted_events",
        "text",
        "parse_warning",
        "guid",
        "content_hash",
    ]

    # Articles are what the feeds said: nobody edits or deletes them here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_extract_permission(self, request: HttpRequest) -> bool:
        # Re-running extraction rewrites candidate events, so it takes the editors' right to change events.
        return request.user.has_perm("events.change_event")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                event_count=count_per_row(EventSource.objects.all(), "article"),
                statement_count=count_per_row(Statement.objects.all(), "article"),
            )
        )

    @admin.display(description="events", ordering="event_count")
    def n_events(self, article: Article) -> int:
        return article.event_count  # type: ignore[attr-defined]

    @admin.display(description="statements", ordering="statement_count")
    def n_statements(self, article: Article) -> int:
        return article.statement_count  # type: ignore[attr-defined]

    @admin.display(description="original")
    def original(self, article: Article) -> SafeString | str:
        if not article.url:
            return ""
        return format_html('<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>', article.url)

    @admin.display(description="actors")
    def extracted_actors(self, article: Article) -> SafeString:
        return _links(article.actors.order_by("name"), "admin:actors_actor_change")

    @admin.display(description="places")
    def extracted_places(self, article: Article) -> SafeString:
        return _links(article.places.order_by("name"), "admin:events_place_change")

    @admin.display(description="statements")
    def extracted_statements(self, article: Article) -> SafeString:
        statements = article.statements.select_related("speaker").order_by("id")
        return format_html_join(
            "",
            '<p><a href="{}">{}</a>: {}{}{}</p>',
            (
                (
                    reverse("admin:actors_statement_change", args=[s.pk]),
                    s.speaker.name if s.speaker else (s.speaker_text or "unattributed"),
                    "\u201c" if s.is_direct else "",
                    s.text,
                    "\u201d" if s.is_direct else "",
                )
                for s in statements
            ),
        )

    @admin.display(description="events")
    def extracted_events(self, article: Article) -> SafeString:
        sources = article.event_sources.select_related("event").order_by("id")
        return format_html_join(
            "",
            '<div class="extracted-event"><p><a href="{}">{}</a> ({}, {})</p>{}</div>',
            (
                (
                    reverse("admin:events_event_change", args=[s.event_id]),
                    s.event.title,
                    s.event.get_status_display(),
                    s.event.occurred_on.isoformat(),
                    highlighted_excerpt(article.text, s.sentence, context=0),
                )
                for s in sources
            ),
        )

    @admin.action(description="Re-run extraction on selected articles", permissions=["extract"])
    def rerun_extraction(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: MAX_RERUN + 1])
        if len(ids) > MAX_RERUN:
            self.message_user(
                request, f"Select at most {MAX_RERUN} articles at a time; nothing was re-run.", messages.ERROR
            )
            return
        # A worker extracts them once this request has committed: the request never runs the pipeline itself.
        tasks.extract_articles.delay_on_commit(ids)
        self.message_user(
            request, f"Queued extraction of {len(ids)} article{'s' if len(ids) != 1 else ''}; refresh to see it."
        )
