"""Weekly summaries for stakeholders: list, printable page, Atom feed, and the subscription pages.

A summary page renders only the figures stored on the summary (computed at build time), so it costs the same few
queries however many events the week had.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from django import forms
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events import tasks, weeks
from events.models import Subscriber
from events.public.responses import is_editor
from events.summaries import display, selectors, text
from events.summaries.services import subscriber_confirm, subscriber_subscribe, subscriber_unsubscribe

logger = logging.getLogger(__name__)

SUMMARIES_PER_PAGE = 20


class IsoWeekConverter:
    """``2025-W14`` in a URL <-> the Monday of that ISO week; a week that does not exist is a 404."""

    regex = r"[0-9]{4}-W[0-9]{2}"

    def to_python(self, value: str) -> date:
        year, week = value.split("-W")
        return weeks.week_from_label(int(year), int(week))

    def to_url(self, value: date) -> str:
        return weeks.week_label(weeks.week_monday(value))


def summary_list(request: HttpRequest) -> HttpResponse:
    # Queries: COUNT of published summaries, then one page of them.
    page = Paginator(selectors.published_summaries(), SUMMARIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "summaries/summary_list.html", {"page": page})


def summary_detail(request: HttpRequest, week_start: date) -> HttpResponse:
    # One query: the summary row, whose stored data holds every figure on the page. Editors may preview a draft.
    summary = selectors.summary_for_week(week_start, include_drafts=is_editor(request))
    if summary is None or not summary.data:
        raise Http404("No summary has been published for this week.")
    return render(request, "summaries/summary_detail.html", display.summary_context(summary))


class SummaryAtomFeed(Feed):
    feed_type = Atom1Feed
    title = "Idlib Tracker: weekly summaries"
    subtitle = "One page a week on the Idlib crisis, from events reviewed by editors."
    description_template = "summaries/feed_item.html"

    def link(self) -> str:
        return reverse("events:summary_list")

    def items(self):
        return selectors.published_summaries()[:SUMMARIES_PER_PAGE]

    def item_title(self, item) -> str:
        figures = display.figures_of(item)
        return f"Weekly summary {figures.label} ({figures.range})"

    def item_link(self, item) -> str:
        return reverse("events:summary_detail", args=[item.week_start])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(filter(None, [item.published_at, item.built_at]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = kwargs["item"]
        context.update(
            headline_sentence=text.headline_sentence(display.figures_of(summary)),
            highlights=text.highlight_lines(summary.highlights),
            statements=display.quoted_statements(display.figures_of(summary)),
        )
        return context


# --- Subscription ----------------------------------------------------------------------------------------------


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriber, confirmation_due = subscriber_subscribe(form.cleaned_data["email"])
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            if confirmation_due:
                # Mailed by a worker once the address is committed: SMTP (slow, sometimes down) never holds the
                # request, and a failed send is retried there.
                tasks.send_subscription_confirmation.delay_on_commit(subscriber.pk)
            # The same answer whether or not the address was already subscribed: nothing to learn from the form.
            return render(request, "summaries/subscribe_sent.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "summaries/subscribe.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, subscriber_confirm, "summaries/confirm.html", "summaries/confirmed.html")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session; the token is the secret.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(
        request, token, subscriber_unsubscribe, "summaries/unsubscribe.html", "summaries/unsubscribed.html"
    )


def _token_page(
    request: HttpRequest, token: str, action: Callable[[str], Subscriber | None], ask: str, done: str
) -> HttpResponse:
    """GET only shows a button, so a mail scanner that opens every link acts on nobody's behalf; POST acts."""
    if request.method == "POST":
        subscriber = action(token)
        if subscriber is None:
            return _unknown_token(request)
        return render(request, done, {"subscriber": subscriber})
    if not selectors.subscriber_token_exists(token):
        return _unknown_token(request)
    return render(request, ask, {"token": token})


def _unknown_token(request: HttpRequest) -> HttpResponse:
    return render(request, "summaries/unknown_token.html", status=404)
