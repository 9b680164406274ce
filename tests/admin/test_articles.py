"""Articles in the admin: read-only, with what extraction found in each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from actors.models import Statement
from events.models import Article
from tests.admin.builders import make_actor, make_article, make_event, make_feed, make_place

ARTICLES = reverse("admin:events_article_changelist")


@pytest.mark.parametrize("count", [3, 60])
def test_list_with_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    feed = make_feed()
    for _ in range(count):
        article = make_article(feed)
        make_event(articles=[article])
    # 1 session, 2 user, 3-4 permissions, 5 filter "feed" (the feeds), 6 COUNT of the filtered list,
    # 7 the page of articles with the feed joined and the event and statement counts as subqueries,
    # 8-9 date hierarchy: MIN/MAX of published_at, then the distinct dates to offer.
    with django_assert_num_queries(9):
        response = editor_client.get(ARTICLES)
    assert response.status_code == 200
    assert all(a.event_count == 1 for a in response.context["cl"].result_list)


def test_article_page_shows_extracted_actors_places_statements_and_events(editor_client):
    text = "Intro. Turkish drones struck a convoy near Saraqib <on Sunday>. The ministry said it would respond."
    article = make_article(title="Drone strike near Saraqib", text=text)
    turkey, saraqib = make_actor("Turkish Armed Forces"), make_place("Saraqib")
    article.actors.add(turkey)
    article.places.add(saraqib)
    Statement.objects.create(
        text="We will respond.", is_direct=True, said_on=dt.date(2026, 11, 2), article=article, speaker=turkey
    )
    event = make_event(
        "Drone strike on a convoy", articles=[article], sentence="Turkish drones struck a convoy near Saraqib <on Sunday>."
    )
    html = editor_client.get(reverse("admin:events_article_change", args=[article.pk])).content.decode()
    assert "Turkish Armed Forces" in html and "Saraqib" in html
    assert "We will respond." in html
    assert reverse("admin:events_event_change", args=[event.pk]) in html
    assert "<mark>Turkish drones struck a convoy near Saraqib &lt;on Sunday&gt;.</mark>" in html
    # Read-only: no save buttons, and a POST is refused.
    assert 'name="_save"' not in html
    response = editor_client.post(reverse("admin:events_article_change", args=[article.pk]), {"title": "Changed"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Drone strike near Saraqib"


def test_articles_cannot_be_added_or_deleted(editor_client):
    article = make_article()
    assert editor_client.get(reverse("admin:events_article_add")).status_code == 403
    assert editor_client.post(reverse("admin:events_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 403
    editor_client.post(ARTICLES, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()
