"""The review queue: candidate events, their provenance, and the publish / reject / merge decisions.

Every decision goes through events.curation.services; this module only collects the editor's choice and reports
the outcome. The changelist runs a fixed number of queries whatever the queue size (tests/admin/test_queue.py).
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from actors.models import Actor, ActorKind, ActorStatus, Statement
from events.admin.actions import SurvivorForm, action_page, apply_each
from events.admin.places import place_map_html
from events.admin.queries import count_per_row
from events.curation.services import CurationError, event_mark_editor_owned, event_merge, event_publish, event_reject
from events.models import (
    DatePrecision,
    Event,
    EventActor,
    EventSource,
    EventStatus,
    Feed,
)
from events.public.selectors import governorate_names, with_display_relations

SNIPPET_CHARS = 160
EXCERPT_CONTEXT_CHARS = 280

# ---------------------------------------------------------------------------------------------------------------
# Rendering helpers (also used by the article admin)


def _sentence_span(text: str, sentence: str) -> tuple[int, int] | None:
    """Where the extracted sentence sits in the article text: exact first, then ignoring differences in spacing."""
    sentence = sentence.strip()
    if not sentence or not text:
        return None
    start = text.find(sentence)
    if start >= 0:
        return start, start + len(sentence)
    words = sentence.split()
    match = re.search(r"\s+".join(map(re.escape, words)), text)
    return match.span() if match else None


def highlighted_excerpt(text: str, sentence: str, context: int = EXCERPT_CONTEXT_CHARS) -> SafeString:
    """The passage of the article around the extracted sentence, the sentence wrapped in <mark>, all escaped."""
    if not sentence.strip():
        return format_html("<em>{}</em>", "No sentence recorded for this source.")
    span = _sentence_span(text, sentence)
    if span is None:
        return format_html(
            '<mark>{}</mark> <em class="help">{}</em>', sentence, "(not found verbatim in the stored article text)"
        )
    start, end = span
    lead = max(0, start - context)
    tail = min(len(text), end + context)
    return format_html(
        '<span class="source-excerpt">{}{}<mark>{}</mark>{}{}</span>',
        "\u2026" if lead > 0 else "",
        text[lead:start],
        text[start:end],
        text[end:tail],
        "\u2026" if tail < len(text) else "",
    )


# ---------------------------------------------------------------------------------------------------------------
# Filters


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to the queue of candidates: the page an editor lands on is the work to do."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*EventStatus.choices, (self.ALL, "All")]

    def value(self) -> str:
        value = super().value()
        return value if value in (*EventStatus.values, self.ALL) else EventStatus.CANDIDATE

    def choices(self, changelist):  # type: ignore[no-untyped-def]
        current = self.value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        value = self.value()
        return queryset if value == self.ALL else queryset.filter(status=value)


class GovernorateFilter(admin.SimpleListFilter):
    title = "governorate"
    parameter_name = "governorate"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(name, name) for name in governorate_names()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        value = self.value()
        return queryset.filter(place__admin1=value) if value else queryset


class ActorFilter(admin.SimpleListFilter):
    """Events involving an actor or one of its members (Putin counts for Russia), in any role.

    The sidebar lists the parties only: actors at the top of the hierarchy that are not media or monitors (about
    twenty of the gazetteer's hundred-odd), as their members are included anyway. Any other actor's events are
    one click away: the actors list links each to this filter."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[int, str]]:
        parties = Actor.objects.filter(status=ActorStatus.ACTIVE, parent__isnull=True).exclude(
            kind__in=[ActorKind.MEDIA, ActorKind.NGO]
        )
        return list(parties.order_by("name").values_list("pk", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        roles = EventActor.objects.filter(Q(actor_id=value) | Q(actor__parent_id=value), event=OuterRef("pk"))
        return queryset.filter(Exists(roles))


class FeedFilter(admin.SimpleListFilter):
    title = "feed"
    parameter_name = "feed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[int, str]]:
        return list(Feed.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(Exists(EventSource.objects.filter(event=OuterRef("pk"), article__feed_id=value)))


# ---------------------------------------------------------------------------------------------------------------
# Intermediate forms


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text="Kept on the event and in its history, for the next editor.",
    )


# ---------------------------------------------------------------------------------------------------------------
# Inlines


class EventActorInline(admin.TabularInline):
    model = EventActor
    extra = 0
    autocomplete_fields = ["actor"]
    fields = ["actor", "role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EventActor]:
        return super().get_queryset(request).select_related("actor")


class EventSourceInline(admin.StackedInline):
    """Each source with its extracted sentence highlighted in the article; a wrong source can be removed."""

    model = EventSource
    extra = 0
    fields = ["article_link", "excerpt"]
    readonly_fields = ["article_link", "excerpt"]
    verbose_name = "source"
    verbose_name_plural = "sources (the extracted sentence is highlighted)"

    def has_add_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        # Sources come from extraction and merges, never typed in.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EventSource]:
        return super().get_queryset(request).select_related("article__feed")

    @admin.display(description="article")
    def article_link(self, source: EventSource) -> SafeString:
        article = source.article
        parts = [
            format_html(
                '<a href="{}">{}</a>', reverse("admin:events_article_change", args=[article.pk]), article.title
            ),
            format_html("{}", article.feed.name),
        ]
        if article.published_at:
            parts.append(format_html("{}", article.published_at.date().isoformat()))
        if article.url:
            link = '<a href="{}" rel="noopener noreferrer" target="_blank">original</a>'
            parts.append(format_html(link, article.url))
        return format_html_join(" \u00b7 ", "{}", ((part,) for part in parts))

    @admin.display(description="sentence in context")
    def excerpt(self, source: EventSource) -> SafeString:
        return highlighted_excerpt(source.article.text, source.sentence)


class EventStatementInline(admin.TabularInline):
    model = Statement
    fk_name = "event"
    extra = 0
    fields = ["said_on", "speaker", "speaker_text", "text", "is_direct", "article"]
    readonly_fields = ["article"]
    autocomplete_fields = ["speaker"]
    verbose_name_plural = "statements about this event"

    def has_add_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        # A statement belongs to the article it was said in; extraction creates them.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return super().get_queryset(request).select_related("speaker", "article")


# ---------------------------------------------------------------------------------------------------------------
# The admin


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = [
        "occurred",
        "title",
        "type_and_sub_type",
        "place",
        "actor_list",
        "source_count",
        "confidence_pct",
        "snippet",
        "status",
    ]
    list_display_links = ["occurred", "title"]
    list_select_related = ["place"]
    list_filter = [StatusFilter, "event_type", GovernorateFilter, ActorFilter, FeedFilter]
    date_hierarchy = "occurred_on"
    search_fields = ["title", "description", "sources__title"]
    # Newest candidates first; served by event_status_created_idx (status, -created_at).
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    # The unfiltered total is an extra COUNT(*) over the whole table on every page: not worth it.
    show_full_result_count = False
    actions = ["publish_events", "reject_events", "merge_events"]
    autocomplete_fields = ["place"]
    inlines = [EventActorInline, EventSourceInline, EventStatementInline]
    readonly_fields = [
        "place_map",
        "status",
        "merged_into",
        "rejection_reason",
        "editor_owned",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "description", ("event_type", "sub_event_type")]}),
        ("When", {"fields": [("occurred_on", "date_precision")]}),
        ("Where", {"fields": [("place", "geo_precision"), "place_map"]}),
        ("Figures", {"fields": [("fatalities", "confidence")]}),
        (
            "Review",
            {
                "fields": [
                    ("status", "merged_into"),
                    "rejection_reason",
                    ("reviewed_by", "reviewed_at"),
                    "editor_owned",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    change_form_template = "admin/events/event/change_form.html"
    # Extra columns on the History page, beside who, when and the change reason.
    history_list_display = ["status", "title", "editor_owned"]

    # -- queryset -------------------------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        first_sentence = (
            EventSource.objects.filter(event=OuterRef("pk")).exclude(sentence="").order_by("id").values("sentence")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sources=count_per_row(EventSource.objects.all(), "event"),
                first_sentence=Substr(Subquery(first_sentence), 1, SNIPPET_CHARS + 1),
            )
            .prefetch_related(
                Prefetch("actor_roles", queryset=EventActor.objects.select_related("actor").order_by("role", "id"))
            )
        )

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # Events are rejected or merged, never deleted: their history and sources stay auditable.
        actions.pop("delete_selected", None)
        return actions

    # -- columns --------------------------------------------------------------------------------------------------

    @admin.display(description="date", ordering="occurred_on")
    def occurred(self, event: Event) -> str:
        prefix = "" if event.date_precision == DatePrecision.DAY else "\u2248 "
        return f"{prefix}{event.occurred_on.isoformat()}"

    @admin.display(description="type / sub-type", ordering="event_type")
    def type_and_sub_type(self, event: Event) -> SafeString:
        return format_html("{}<br><small>{}</small>", event.event_type, event.sub_event_type)

    @admin.display(description="actors")
    def actor_list(self, event: Event) -> SafeString:
        roles = event.actor_roles.all()  # prefetched in get_queryset
        return format_html_join(
            ", ", '{}<small class="role"> ({})</small>', ((r.actor.name, r.get_role_display()) for r in roles)
        )

    @admin.display(description="sources", ordering="n_sources")
    def source_count(self, event: Event) -> int:
        return event.n_sources  # type: ignore[attr-defined]

    @admin.display(description="confidence", ordering="confidence")
    def confidence_pct(self, event: Event) -> str:
        return f"{event.confidence:.0%}"

    @admin.display(description="source sentence")
    def snippet(self, event: Event) -> str:
        return Truncator(event.first_sentence or "").chars(SNIPPET_CHARS)  # type: ignore[attr-defined]

    # -- change form ----------------------------------------------------------------------------------------------

    @admin.display(description="map")
    def place_map(self, event: Event) -> SafeString:
        place = event.place
        if place is None:
            return format_html("<em>{}</em>", "No place yet: choose one above.")
        return place_map_html(place)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Events come from extraction; editors decide about them.
        return False

    def save_model(self, request: HttpRequest, obj: Event, form: forms.ModelForm, change: bool) -> None:
        if change:
            # Saving through the form is an editorial act: extraction must never overwrite it afterwards.
            event_mark_editor_owned(obj, save=False)
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        context["can_publish"] = (
            obj is not None
            and obj.status in (EventStatus.CANDIDATE, EventStatus.REJECTED)
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request: HttpRequest, obj: Event) -> HttpResponse:
        if "_publish" in request.POST and self.has_change_permission(request, obj):
            try:
                event_publish(obj, request.user)
            except CurationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(request.path)
            self.message_user(request, f"Saved and published \u201c{obj}\u201d.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:events_event_changelist"))
        return super().response_change(request, obj)

    # -- actions --------------------------------------------------------------------------------------------------

    @admin.action(description="Publish selected events", permissions=["change"])
    def publish_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        apply_each(self, request, queryset, lambda event: event_publish(event, request.user), "Published")

    @admin.action(description="Reject selected events\u2026", permissions=["change"])
    def reject_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            apply_each(self, request, queryset, lambda event: event_reject(event, request.user, reason), "Rejected")
            return None
        return action_page(
            self, request, action="reject_events", title="Reject events", form=form, objects=queryset,
            template="admin/events/event/reject_events.html",
        )

    @admin.action(description="Merge selected duplicates\u2026", permissions=["change"])
    def merge_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> HttpResponse | None:
        events = queryset.order_by("-created_at", "-id")
        if len(events) < 2:
            self.message_user(
                request,
                "Select at least two events to merge: the one that survives and its duplicates. Nothing was changed.",
                messages.ERROR,
            )
            return None
        form = SurvivorForm(request.POST if "apply" in request.POST else None, choices=events)
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [event for event in events if event.pk != survivor.pk]
            try:
                event_merge(survivor, others, request.user)
            except CurationError as exc:
                self.message_user(request, f"{exc} Nothing was changed.", messages.ERROR)
                return None
            self.message_user(
                request, f"Merged {len(others)} into \u201c{survivor}\u201d (#{survivor.pk}).", messages.SUCCESS
            )
            return None
        # The editor decides on the texts: each event's description and its sources' sentences, side by side
        # (place, actors and sources in one query each, whatever the number of events).
        return action_page(
            self, request, action="merge_events", title="Merge duplicate events", form=form,
            objects=with_display_relations(
                Event.objects.filter(pk__in=[e.pk for e in events])
                .annotate(n_sources=count_per_row(EventSource.objects.all(), "event"))
                .order_by("-created_at", "-id")
            ),
            template="admin/events/event/merge_events.html",
        )
