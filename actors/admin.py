"""Admin for actors, aliases and statements."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from actors.models import Actor, Alias, Statement


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1
    fields = ["name", "normalized", "language"]
    readonly_fields = ["normalized"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "parent", "country"]
    list_select_related = ["parent"]
    list_filter = ["status", "kind"]
    # Also what the autocompletes on events and statements search.
    search_fields = ["name", "slug", "aliases__name"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [AliasInline]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["said_on", "speaker", "speaker_text", "text", "is_direct", "article"]
    list_select_related = ["speaker", "article"]
    search_fields = ["text", "speaker_text"]
    autocomplete_fields = ["speaker"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statement]:
        return super().get_queryset(request)
