"""Weekly summaries and their subscribers on the editors' desk.

Editors review the built draft, write the lead and edit the highlights, then publish (which mails the confirmed
subscribers once). Every write goes through events.summaries.services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from events import tasks, weeks
from events.admin.queries import count_per_row
from events.models import Subscriber, SummaryDelivery, WeeklySummary
from events.summaries import display, text
from events.summaries.services import SummaryError, subscribers_unsubscribe, summary_build, summary_publish


class BuildWeekForm(forms.Form):
    day = forms.DateField(
        label="Any day of the week", help_text="The summary covers that ISO week, Monday to Sunday.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(SimpleHistoryAdmin):
    list_display = ["week", "week_range", "status", "events", "mailed", "built_at", "published_at"]
    list_filter = ["status"]
    ordering = ["-week_start"]
    date_hierarchy = "week_start"
    actions = ["publish", "rebuild"]
    fields = ["week_start", "status", "figures", "lead", "highlights", "built_at", "published_at", "deliveries"]
    readonly_fields = ["week_start", "status", "figures", "built_at", "published_at", "deliveries"]
    change_list_template = "admin/events/weeklysummary/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[WeeklySummary]:
        # Messages sent per listed summary as a correlated COUNT (a JOIN would also weigh on the changelist's own
        # COUNT and date-hierarchy queries).
        sent = SummaryDelivery.objects.filter(sent_at__isnull=False)
        return super().get_queryset(request).annotate(n_sent=count_per_row(sent, "summary"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # summaries are built from the figures ("Build a week" on the list), never typed in

    def get_urls(self):
        build = self.admin_site.admin_view(self.build_view)
        return [path("build/", build, name="events_weeklysummary_build"), *super().get_urls()]

    @admin.display(description="week", ordering="week_start")
    def week(self, summary: WeeklySummary) -> str:
        return str(summary)

    @admin.display(description="dates")
    def week_range(self, summary: WeeklySummary) -> str:
        return weeks.week_range_label(summary.week_start)

    @admin.display(description="events")
    def events(self, summary: WeeklySummary) -> int | str:
        return summary.data.get("headline", {}).get("events", "-")

    @admin.display(description="mailed to", ordering="n_sent")
    def mailed(self, summary: WeeklySummary) -> int:
        return summary.n_sent  # type: ignore[attr-defined]

    @admin.display(description="email")
    def deliveries(self, summary: WeeklySummary) -> str:
        counts = summary.deliveries.aggregate(
            sent=Count("id", filter=Q(sent_at__isnull=False)), stuck=Count("id", filter=Q(sent_at__isnull=True))
        )
        text = f"Sent to {counts['sent']} subscriber(s)."
        if counts["stuck"]:
            # At most once: a claim without sent_at may have gone out just before its worker stopped.
            text += f" {counts['stuck']} claimed by a run that stopped before confirming; not resent."
        return text

    @admin.display(description="figures")
    def figures(self, summary: WeeklySummary) -> SafeString | str:
        if not summary.data:
            return "Not built yet: use the Rebuild action."
        return format_html(
            '{}<br><a href="{}" target="_blank" rel="noopener">Preview the page as readers will see it</a>',
            text.headline_sentence(display.figures_of(summary)),
            reverse("events:summary_detail", args=[summary.week_start]),
        )

    @admin.action(description="Publish and email to subscribers")
    def publish(self, request: HttpRequest, queryset: QuerySet[WeeklySummary]) -> None:
        for summary in queryset.order_by("week_start"):
            try:
                summary_publish(summary, request.user)
                # Mailed by a worker once the publication is committed, never from this request.
                tasks.send_summary_emails.delay_on_commit(summary.pk)
            except SummaryError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, f"{summary} published; the email is on its way to subscribers.")

    @admin.action(description="Rebuild figures (keeps the lead and edited highlights)")
    def rebuild(self, request: HttpRequest, queryset: QuerySet[WeeklySummary]) -> None:
        for summary in queryset.order_by("week_start"):
            try:
                # The editor asked for it, so a published summary's figures are refreshed too (nobody is re-mailed).
                summary_build(summary.week_start, refresh_published=True)
            except SummaryError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                self.message_user(request, f"{summary} rebuilt.")

    def build_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = BuildWeekForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                summary = summary_build(form.cleaned_data["day"])
            except SummaryError as exc:
                form.add_error("day", str(exc))
            else:
                self.message_user(request, f"{summary} built.")
                return HttpResponseRedirect(reverse("admin:events_weeklysummary_change", args=[summary.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Build a weekly summary",
            "form": form,
        }
        return TemplateResponse(request, "admin/events/weeklysummary/build.html", context)


class SubscriberState(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Receiving"), ("pending", "Awaiting confirmation"), ("unsubscribed", "Unsubscribed")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "unsubscribed":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "state", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [SubscriberState]
    search_fields = ["email"]
    ordering = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at", "unsubscribed_at"]
    fields = readonly_fields
    actions = ["unsubscribe"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # confirmed opt-in only: people subscribe themselves through /summaries/subscribe/

    @admin.display(description="state")
    def state(self, subscriber: Subscriber) -> str:
        if subscriber.unsubscribed_at:
            return "unsubscribed"
        return "receiving" if subscriber.confirmed_at else "awaiting confirmation"

    @admin.action(description="Unsubscribe (stop all mail)")
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        count = subscribers_unsubscribe(queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} subscriber(s) unsubscribed.")
