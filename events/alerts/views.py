"""Daily alert pages: the subscribe form (reached from the timeline, pre-filled with its filter), confirm and
unsubscribe. The confirmation mail is sent by a task enqueued on commit (events.tasks), never from the request."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events import tasks
from events.alerts.services import (
    alert_confirm,
    alert_filters,
    alert_subscribe,
    alert_token_exists,
    alert_unsubscribe,
    describe,
    description_of,
)
from events.models import AlertSubscription
from events.public import selectors
from events.public.filters import EventFilters, FilterError
from events.taxonomy import SUB_EVENT_TYPES, EventType


class AlertEmailForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)


def _choices() -> dict:
    """The filter selects' options (one small query, the governorates); actor and place are typed, with
    suggestions, as on the timeline."""
    return {
        "type_options": [{"value": str(t), "sub_types": [str(s) for s in SUB_EVENT_TYPES[t]]} for t in EventType],
        "governorate_options": selectors.governorate_names(),
    }


def _form_page(
    request: HttpRequest, form: AlertEmailForm, filters: EventFilters, errors: list[str], status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "filters": filters,
        "filter_errors": errors,
        "description": describe(filters),
        # The timeline sends its whole selection; the dates are what an alert leaves out.
        "dropped_dates": bool(request.GET.get("from") or request.GET.get("to")),
        **_choices(),
    }
    return render(request, "alerts/subscribe.html", context, status=status)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    # Queries (GET): the actor with its members and the place when the filter names them, then the form's
    # options: actors, places, governorates.
    source: QueryDict = request.POST if request.method == "POST" else request.GET
    errors: list[str] = []
    try:
        filters = alert_filters(source)
    except FilterError as exc:
        errors, filters = exc.messages, EventFilters()
    form = AlertEmailForm(request.POST or None)
    if request.method == "GET":
        return _form_page(request, form, filters, errors, status=400 if errors else 200)
    if errors or not form.is_valid():
        return _form_page(request, form, filters, errors, status=400)
    try:
        subscription, confirmation_due = alert_subscribe(form.cleaned_data["email"], filters)
    except ValidationError as exc:
        form.add_error("email", exc)
        return _form_page(request, form, filters, errors, status=400)
    except FilterError as exc:
        return _form_page(request, form, filters, exc.messages, status=400)
    if confirmation_due:
        # Mailed by a worker once the row is committed: SMTP (slow, sometimes down) never holds the request,
        # and a failed send is retried there.
        tasks.send_alert_confirmation.delay_on_commit(subscription.pk)
    # The same answer whether or not the address already had this alert: nothing to learn from the form.
    return render(
        request, "alerts/subscribe_sent.html", {"email": form.cleaned_data["email"], "description": describe(filters)}
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, alert_confirm, "alerts/confirm.html", "alerts/confirmed.html")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session; the token is the secret.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, alert_unsubscribe, "alerts/unsubscribe.html", "alerts/unsubscribed.html")


def _token_page(
    request: HttpRequest,
    token: str,
    action: Callable[[str], AlertSubscription | None],
    ask: str,
    done: str,
) -> HttpResponse:
    """GET only shows a button, so a mail scanner that opens every link acts on nobody's behalf; POST acts."""
    if request.method == "POST":
        subscription = action(token)
        if subscription is None:
            return render(request, "alerts/unknown_token.html", status=404)
        return render(request, done, {"subscription": subscription, "description": description_of(subscription)})
    if not alert_token_exists(token):
        return render(request, "alerts/unknown_token.html", status=404)
    return render(request, ask, {"token": token})
