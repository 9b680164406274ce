"""Feeds at a glance, and the editor's switches on them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Article, Feed, FetchStatus
from tests.admin.builders import make_article, make_feed

FEEDS = reverse("admin:events_feed_changelist")


def _age(article: Article, days: float) -> None:
    Article.objects.filter(pk=article.pk).update(fetched_at=timezone.now() - dt.timedelta(days=days))


@pytest.mark.parametrize("feeds", [2, 30])
def test_health_columns_with_a_fixed_number_of_queries(editor_client, django_assert_num_queries, feeds):
    for i in range(feeds):
        feed = make_feed(f"Feed {i}")
        _age(make_article(feed), 1)
        _age(make_article(feed), 10)
    # 1 session, 2 user, 3-4 permissions, 5 COUNT of the filtered list, 6 COUNT of all feeds ("2 of 30"),
    # 7 the page of feeds with "articles in the last 7 days" as a correlated COUNT subquery per listed feed.
    with django_assert_num_queries(7):
        response = editor_client.get(FEEDS)
    assert response.status_code == 200
    assert all(feed.n_recent == 1 for feed in response.context["cl"].result_list)


def test_health_shows_failures_and_last_error_escaped(editor_client):
    feed = make_feed("Broken wire")
    feed.last_status = FetchStatus.FAILED
    feed.consecutive_failures = 4
    feed.last_error = "HTTP 503 from <upstream>"
    feed.last_fetched_at = timezone.now()
    feed.save()
    for days in (0.5, 2, 6.5, 8):
        _age(make_article(feed), days)
    response = editor_client.get(FEEDS)
    html = response.content.decode()
    row = response.context["cl"].result_list[0]
    assert row.n_recent == 3
    assert "HTTP 503 from &lt;upstream&gt;" in html
    assert "Failing (4 in a row)" in html


def test_activate_and_deactivate_are_recorded(editor_client, editor):
    on, off = make_feed("On"), make_feed("Off")
    off.active = False
    off.save()
    response = editor_client.post(
        FEEDS, {"action": "deactivate", "_selected_action": [on.pk, off.pk]}, follow=True
    )
    assert b"1 feed now inactive." in response.content
    on.refresh_from_db()
    assert not on.active
    latest = on.history.latest()
    assert latest.history_user == editor and latest.history_change_reason == "Deactivated"

    editor_client.post(FEEDS, {"action": "activate", "_selected_action": [on.pk, off.pk]})
    on.refresh_from_db()
    off.refresh_from_db()
    assert on.active and off.active


def test_staff_without_editor_rights_cannot_switch_feeds(staff_client):
    feed = make_feed()
    response = staff_client.post(FEEDS, {"action": "deactivate", "_selected_action": [feed.pk]})
    assert response.status_code == 403
    feed.refresh_from_db()
    assert feed.active


def test_the_list_shows_each_feeds_health_in_colour_and_words_with_its_last_success(editor_client):
    now = timezone.now()
    healthy = make_feed("Healthy wire")
    Feed.objects.filter(pk=healthy.pk).update(
        last_status=FetchStatus.OK, last_fetched_at=now, last_success_at=now - dt.timedelta(hours=3)
    )
    failing = make_feed("Failing wire")
    reason = ("connection to wire.example.org failed: [Errno 111] Connection refused; the host has answered "
              "nothing since Tuesday and its <status page> says maintenance")
    Feed.objects.filter(pk=failing.pk).update(
        last_status=FetchStatus.FAILED, consecutive_failures=5, last_fetched_at=now, last_error=reason,
        last_success_at=now - dt.timedelta(days=3),
    )
    stale = make_feed("Quiet wire")
    Feed.objects.filter(pk=stale.pk).update(
        last_status=FetchStatus.NOT_MODIFIED, last_fetched_at=now - dt.timedelta(days=2),
        last_success_at=now - dt.timedelta(days=2),
    )
    make_feed("New wire")
    html = editor_client.get(FEEDS).content.decode()

    def row(name: str) -> str:
        found = re.search(rf"<tr>(?:(?!</tr>).)*{name}(?:(?!</tr>).)*</tr>", html, re.S).group(0)
        return found.replace("\xa0", " ")  # timesince keeps "3 hours" together with a no-break space

    assert '<span class="health health--ok">Healthy</span>' in row("Healthy wire")
    assert '<span class="health health--bad">Failing (5 in a row)</span>' in row("Failing wire")
    assert '<span class="health health--warn">Stale</span>' in row("Quiet wire")
    assert '<span class="health health--off">Not fetched yet</span>' in row("New wire")
    assert "3 hours ago</time>" in row("Healthy wire") and "3 days ago</time>" in row("Failing wire")
    assert ">never<" in row("New wire")
    # The whole reason, escaped, readable in the list (not cut to a few words).
    assert "its &lt;status page&gt; says maintenance" in row("Failing wire")
    assert "css/admin/desk.css" in html
