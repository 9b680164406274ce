"""The editors' desk for the control history: record a change in one step (a place passes to a controller from a
date, with a source), undo a mistaken one, accept or reject the changes proposed by published territory events.
Rows are never deleted: the history (who changed what, when) is kept by django-simple-history."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from actors.models import Actor, ActorStatus
from events.admin.actions import action_page
from events.models import ControlChange, ControlMap, Place
from events.territory.services import (
    ControlError,
    control_change_check,
    control_change_record,
    control_change_undo,
    control_changes_record,
    control_proposal_accept,
    control_proposal_reject,
)


class ControlChangeForm(forms.ModelForm):
    class Meta:
        model = ControlChange
        fields = ["place", "controller", "valid_from", "source", "note", "precision"]
        labels = {"valid_from": "From (date)", "controller": "Passes to"}
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "source": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "note": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is None and all(data.get(f) for f in ("place", "controller", "valid_from")):
            try:
                control_change_check(data["place"], data["controller"], data["valid_from"])
            except ControlError as exc:
                raise ValidationError(str(exc)) from None
        return data


def _apply(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[ControlChange],
    service: Callable[[ControlChange], object],
    verb: str,
) -> None:
    done = 0
    for change in queryset.order_by("valid_from", "pk"):
        try:
            service(change)
            done += 1
        except ControlError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
    if done:
        model_admin.message_user(
            request, f"{verb} {done} control change{'s' if done != 1 else ''}; the map is up to date.", messages.SUCCESS
        )


@admin.register(ControlChange)
class ControlChangeAdmin(SimpleHistoryAdmin):
    form = ControlChangeForm
    list_display = ["place", "controller", "valid_from", "status", "origin", "event_link", "recorded_by"]
    list_select_related = ["place", "controller", "recorded_by"]
    list_filter = ["status", "origin", "controller"]
    date_hierarchy = "valid_from"
    search_fields = ["place__name", "controller__name", "note", "source"]
    autocomplete_fields = ["place", "controller"]
    ordering = ["-valid_from", "place__name"]
    actions = ["accept_proposals", "reject_proposals", "undo_changes"]
    history_list_display = ["status", "controller", "valid_from"]

    def get_fields(self, request: HttpRequest, obj: ControlChange | None = None) -> list[str]:
        if obj is None:
            return ["place", "controller", "valid_from", "source", "note", "precision"]
        return [
            "place", "controller", "valid_from", "status", "origin", "event_link", "source", "note", "precision",
            "recorded_by", "decided_by", "decided_at", "created_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: ControlChange | None = None) -> list[str]:
        if obj is None:
            return []
        # Who, what and when are settled once recorded: a wrong change is undone and a new one recorded, so the
        # map's history stays readable. The wording (source, note, precision) can still be corrected.
        return [
            "place", "controller", "valid_from", "status", "origin", "event_link", "recorded_by", "decided_by",
            "decided_at", "created_at",
        ]

    def has_delete_permission(self, request: HttpRequest, obj: ControlChange | None = None) -> bool:
        return False

    @admin.display(description="proposed by event")
    def event_link(self, change: ControlChange) -> SafeString | str:
        if change.event_id is None:
            return "-"
        return format_html(
            '<a href="{}">event #{}</a>', reverse("admin:events_event_change", args=[change.event_id]), change.event_id
        )

    def save_model(self, request: HttpRequest, obj: ControlChange, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        recorded = control_change_record(
            form.cleaned_data["place"],
            form.cleaned_data["controller"],
            form.cleaned_data["valid_from"],
            source=form.cleaned_data["source"],
            note=form.cleaned_data.get("note") or "",
            precision=form.cleaned_data.get("precision") or "",
            user=request.user,
        )
        # The admin's own redirect and log entry point at the row the service wrote.
        obj.pk = recorded.pk
        obj._state.adding = False

    @admin.action(description="Accept selected proposals (they go on the map)", permissions=["change"])
    def accept_proposals(self, request: HttpRequest, queryset: QuerySet[ControlChange]) -> None:
        _apply(self, request, queryset, lambda c: control_proposal_accept(c, request.user), "Accepted")

    @admin.action(description="Reject selected proposals (the map is not touched)", permissions=["change"])
    def reject_proposals(self, request: HttpRequest, queryset: QuerySet[ControlChange]) -> None:
        _apply(self, request, queryset, lambda c: control_proposal_reject(c, request.user), "Rejected")

    @admin.action(description="Undo selected changes (the previous controller holds again)", permissions=["change"])
    def undo_changes(self, request: HttpRequest, queryset: QuerySet[ControlChange]) -> None:
        _apply(self, request, queryset, lambda c: control_change_undo(c, request.user), "Undid")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ControlChange]:
        return super().get_queryset(request).select_related("place", "controller")


class PassPlacesForm(forms.Form):
    controller = forms.ModelChoiceField(
        queryset=Actor.objects.filter(status=ActorStatus.ACTIVE).order_by("name"), label="Passes to"
    )
    valid_from = forms.DateField(label="From (date)", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
                             help_text="The public source: a report, a map, an agreement. Readers see it.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))
    precision = forms.CharField(required=False, max_length=300,
                                help_text="How exact the date and the line are ('to the day', 'within a week').")


@admin.action(description="Pass selected places to another controller from a date\u2026", permissions=["change"])
def pass_places(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Place]) -> HttpResponse | None:
    """One step for a front that moves over several villages: every selected place passes to the controller from
    the date, all or nothing, and the map follows."""
    if not request.user.has_perm("events.add_controlchange"):
        model_admin.message_user(request, "You may not record control changes.", messages.ERROR)
        return None
    places = queryset.order_by("name")
    form = PassPlacesForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            changes = control_changes_record(
                list(places), data["controller"], data["valid_from"], source=data["source"], note=data["note"],
                precision=data["precision"], user=request.user,
            )
        except ControlError as exc:
            model_admin.message_user(request, f"Nothing recorded: {exc}", messages.ERROR)
            return None
        model_admin.message_user(
            request,
            f"{len(changes)} place{'s' if len(changes) != 1 else ''} pass to {data['controller']} from "
            f"{data['valid_from'].isoformat()}; the map is up to date.",
            messages.SUCCESS,
        )
        return None
    return action_page(
        model_admin, request, action="pass_places", title="Pass places to another controller", form=form,
        objects=places, template="admin/events/place/pass_places.html",
    )


@admin.register(ControlMap)
class ControlMapAdmin(admin.ModelAdmin):
    """The cached maps, read only: they are rebuilt by every accepted change and its undo, never edited."""

    list_display = ["valid_from", "valid_to", "controllers", "built_at"]
    ordering = ["-valid_from"]
    date_hierarchy = "valid_from"
    fields = ["valid_from", "valid_to", "controllers", "built_at"]
    readonly_fields = fields

    @admin.display(description="areas")
    def controllers(self, snapshot: ControlMap) -> str:
        return ", ".join(
            f"{f['properties']['controller']} ({f['properties']['places']} places)" for f in snapshot.features
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ControlMap | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ControlMap | None = None) -> bool:
        return False
