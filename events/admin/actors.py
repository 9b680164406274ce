"""Admin for actors, aliases and statements: approve or discard what extraction proposed, merge duplicates."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from actors.models import Actor, Alias, FormerSlug, RejectedName, Statement
from events.admin.actions import SurvivorForm, action_page, apply_each
from events.curation.actors import actor_approve, actor_discard, actor_merge
from events.curation.services import CurationError


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    # Dates only for a name that changes meaning ("government forces": Assad's army until 8 Dec 2024).
    fields = ["name", "normalized", "language", "valid_from", "valid_to"]
    readonly_fields = ["normalized"]


class FormerSlugInline(admin.TabularInline):
    """Old slugs that redirect here (written by merges and the gazetteer load); deleting one breaks old links."""

    model = FormerSlug
    extra = 0
    fields = ["slug"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "parent", "country", "created_at", "events_link"]
    list_select_related = ["parent"]
    # status=proposed is the queue of names extraction met that are not in the gazetteer.
    list_filter = ["status", "kind"]
    # Also what the autocompletes on events and statements search.
    search_fields = ["name", "slug", "aliases__name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "successor"]
    inlines = [AliasInline, FormerSlugInline]
    actions = ["approve", "discard", "merge"]
    history_list_display = ["status", "name", "parent", "successor"]
    fields = [
        ("name", "slug"),
        ("kind", "status"),
        "parent",
        ("valid_from", "valid_to"),
        "successor",
        ("country", "color"),
        "description",
        "designations",
        "source",
    ]

    @admin.display(description="events")
    def events_link(self, actor: Actor) -> str:
        # The event list's actor filter (its members' events included); a link, not a count: no query per row.
        url = reverse("admin:events_event_changelist") + f"?actor={actor.pk}"
        return format_html('<a href="{}">events</a>', url)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # An actor goes through discard (proposed) or merge (duplicate), which keep names resolving.
        actions.pop("delete_selected", None)
        return actions

    def has_discard_permission(self, request: HttpRequest) -> bool:
        # Discarding only ever deletes what extraction proposed: an editor's right to change actors covers it.
        return request.user.has_perm("actors.change_actor")

    @admin.action(description="Approve selected proposed actors", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Actor]) -> None:
        apply_each(self, request, queryset, actor_approve, "Approved")

    @admin.action(description="Discard selected proposed actors", permissions=["discard"])
    def discard(self, request: HttpRequest, queryset: QuerySet[Actor]) -> None:
        apply_each(self, request, queryset, lambda actor: actor_discard(actor, by=request.user), "Discarded")

    @admin.action(description="Merge selected duplicates\u2026", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet[Actor]) -> HttpResponse | None:
        actors = queryset.select_related("parent").order_by("name", "pk")
        if len(actors) < 2:
            self.message_user(
                request, "Select at least two actors to merge. Nothing was changed.", messages.ERROR
            )
            return None
        form = SurvivorForm(request.POST if "apply" in request.POST else None, choices=actors)
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [actor for actor in actors if actor.pk != survivor.pk]
            try:
                actor_merge(survivor, others)
            except CurationError as exc:
                self.message_user(request, f"{exc} Nothing was changed.", messages.ERROR)
                return None
            names = ", ".join(actor.name for actor in others)
            self.message_user(request, f"Merged {names} into \u201c{survivor}\u201d.", messages.SUCCESS)
            return None
        return action_page(
            self, request, action="merge", title="Merge duplicate actors", form=form, objects=actors,
            template="admin/actors/actor/merge_actors.html",
        )


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["said_on", "speaker_name", "quote", "is_direct", "article"]
    list_display_links = ["said_on", "quote"]
    list_select_related = ["speaker", "article"]
    list_filter = ["is_direct"]
    date_hierarchy = "said_on"
    search_fields = ["text", "speaker_text", "speaker__name"]
    autocomplete_fields = ["speaker", "event"]
    raw_id_fields = ["article"]
    ordering = ["-said_on", "-id"]
    show_full_result_count = False
    fields = [("said_on", "is_direct"), ("speaker", "speaker_text"), "text", "sentence", "article", "event"]
    readonly_fields = ["sentence", "article"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Statements come from articles through extraction; editors correct them.
        return False

    @admin.display(description="speaker", ordering="speaker__name")
    def speaker_name(self, statement: Statement) -> str:
        if statement.speaker_id:
            return statement.speaker.name
        return statement.speaker_text or "(unattributed)"

    @admin.display(description="statement")
    def quote(self, statement: Statement) -> str:
        return Truncator(statement.text).chars(140)


@admin.register(RejectedName)
class RejectedNameAdmin(admin.ModelAdmin):
    """Names discarded as proposed actors. Deleting one lets extraction propose it again."""

    list_display = ["name", "rejected_by", "rejected_at"]
    list_select_related = ["rejected_by"]
    search_fields = ["name", "normalized"]
    ordering = ["name"]
    fields = ["name", "normalized", "rejected_by", "rejected_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rejected by discarding a proposed actor, with its aliases, not typed in
