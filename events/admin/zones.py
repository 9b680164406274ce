"""Control zones: edit the GeoJSON on a map, import a dated FeatureCollection, close a zone when control changes."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from events.admin.actions import action_page
from events.models import ControlZone
from events.territory.zones import zone_close, zones_import
from idlib_tracker.loading import LoadReport

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ZoneForm(forms.ModelForm):
    class Meta:
        model = ControlZone
        fields = ["name", "controller", "valid_from", "valid_to", "geometry", "source_note"]
        help_texts = {
            "geometry": "GeoJSON Polygon or MultiPolygon, [longitude, latitude]. Draw or edit it on the map below; "
            "the map writes the shapes back here.",
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["geometry"].widget = forms.Textarea(
            attrs={"rows": 6, "cols": 90, "data-zone-editor": "", "data-tiles": settings.MAP_TILES_URL}
        )


class ImportZonesForm(forms.Form):
    file = forms.FileField(help_text="A GeoJSON FeatureCollection; each feature's properties: name, controller "
                           "(actor slug or alias), optional valid_from, valid_to, source_note.")
    valid_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date the set holds from, for features that do not give their own valid_from.",
    )
    source_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Where the lines come from, for features without their own source_note.",
    )

    def clean_file(self) -> dict:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        try:
            return json.loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None
        except json.JSONDecodeError as exc:
            raise ValidationError(f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).") from None


class CloseZonesForm(forms.Form):
    valid_to = forms.DateField(
        label="Valid to",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first day the zone no longer holds.",
    )


class CurrentFilter(admin.SimpleListFilter):
    title = "validity"
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Current (no end date)"), ("no", "Closed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ControlZone]) -> QuerySet[ControlZone]:
        if self.value() == "yes":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "no":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(ControlZone)
class ControlZoneAdmin(SimpleHistoryAdmin):
    form = ZoneForm
    list_display = ["name", "controller", "valid_from", "valid_to"]
    list_select_related = ["controller"]
    # Only the actors that control a zone: the plain filter listed every actor of the registry (hundreds of
    # people, ministries and newspapers), burying the few that hold ground.
    list_filter = [CurrentFilter, ("controller", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "valid_from"
    search_fields = ["name", "source_note", "controller__name"]
    autocomplete_fields = ["controller"]
    ordering = ["-valid_from", "name"]
    actions = ["close_zones"]
    history_list_display = ["controller", "valid_from", "valid_to"]
    change_form_template = "admin/events/controlzone/change_form.html"
    change_list_template = "admin/events/controlzone/change_list.html"

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # Zones end (valid_to) rather than vanish: the map of an earlier date still needs them.
        actions.pop("delete_selected", None)
        return actions

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="events_controlzone_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": self.has_add_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportZonesForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            report = LoadReport("control zones")
            try:
                zones_import(
                    form.cleaned_data["file"],
                    default_valid_from=form.cleaned_data["valid_from"],
                    default_source_note=form.cleaned_data["source_note"],
                    report=report,
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                self.message_user(request, f"Imported {report}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:events_controlzone_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import control zones from GeoJSON",
            "opts": self.model._meta,
            "form": form,
            "import_errors": errors,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/events/controlzone/import.html", context)

    @admin.action(description="Close selected zones on a date\u2026", permissions=["change"])
    def close_zones(self, request: HttpRequest, queryset: QuerySet[ControlZone]) -> HttpResponse | None:
        zones = queryset.select_related("controller").order_by("name", "pk")
        form = CloseZonesForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            closed = 0
            for zone in zones:
                try:
                    zone_close(zone, form.cleaned_data["valid_to"])
                    closed += 1
                except ValidationError as exc:
                    for message in exc.messages:
                        self.message_user(request, message, messages.ERROR)
            if closed:
                self.message_user(
                    request,
                    f"Closed {closed} zone{'s' if closed != 1 else ''} on {form.cleaned_data['valid_to']}.",
                    messages.SUCCESS,
                )
            return None
        return action_page(
            self, request, action="close_zones", title="Close control zones", form=form, objects=zones,
            template="admin/events/controlzone/close_zones.html",
        )
