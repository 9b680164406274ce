"""Re-running extraction from the article admin, and what it may not touch: an event an editor has saved."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from events.models import Event, EventStatus
from tests.admin.builders import form_data, make_article
from tests.factories import make_actor, make_aliases, make_place

ARTICLES = reverse("admin:events_article_changelist")
TEXT = (
    "Syrian government forces shelled Saraqib on Monday, killing three civilians, "
    "the Syrian Observatory for Human Rights said."
)


def _gazetteer() -> None:
    make_place("Saraqib", admin1="Idlib", latitude=35.86, longitude=36.8)
    army = make_actor("Syrian Arab Army")
    make_aliases(army, ["Syrian Arab Army", "Syrian government forces"])


def _post_rerun(client, article):
    response = client.post(ARTICLES, {"action": "rerun_extraction", "_selected_action": [article.pk]}, follow=True)
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def rerun(django_capture_on_commit_callbacks, eager_tasks):
    """The action, then its commit: the extraction task it enqueued runs in-process, as a worker would run it."""

    def rerun(client, article):
        with django_capture_on_commit_callbacks(execute=True):
            return _post_rerun(client, article)

    return rerun


def test_the_request_only_enqueues_the_extraction(editor_client, django_capture_on_commit_callbacks):
    _gazetteer()
    article = make_article(title="Shelling in Saraqib", text=TEXT)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        messages = _post_rerun(editor_client, article)

    assert messages == ["Queued extraction of 1 article; refresh to see it."]
    assert len(callbacks) == 1  # the extract_articles task, enqueued once the request commits
    article.refresh_from_db()
    assert article.extracted_at is None and not Event.objects.exists()  # nothing ran in the request


def test_rerun_extracts_candidates_and_never_overwrites_an_editor_owned_event(editor_client, rerun):
    _rerun = rerun
    _gazetteer()
    article = make_article(title="Shelling in Saraqib", text=TEXT)
    assert "Queued extraction of 1 article; refresh to see it." in _rerun(editor_client, article)
    events = list(Event.objects.filter(sources=article).order_by("pk"))
    assert events and all(e.status == EventStatus.CANDIDATE for e in events)
    article.refresh_from_db()
    assert article.extracted_at is not None
    assert {p.name for p in article.places.all()} == {"Saraqib"}

    event = events[0]
    extracted_title = event.title
    # Changed behind extraction's back (not through the form): a re-run puts extraction's title back.
    Event.objects.filter(pk=event.pk).update(title="Changed outside the admin")
    _rerun(editor_client, article)
    event.refresh_from_db()
    assert event.title == extracted_title and not event.editor_owned

    # Corrected by an editor through the form, which makes it the editors' own: a re-run leaves it alone.
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(editor_client.get(url))
    data["title"] = "Government artillery shells Saraqib"
    assert editor_client.post(url, data).status_code == 302
    _rerun(editor_client, article)
    event.refresh_from_db()
    assert event.editor_owned
    assert event.title == "Government artillery shells Saraqib"
    assert Event.objects.filter(sources=article).count() == len(events)  # and no new copy appeared


def test_staff_without_editor_rights_cannot_rerun(staff_client):
    _gazetteer()
    article = make_article(text=TEXT)
    response = staff_client.post(ARTICLES, {"action": "rerun_extraction", "_selected_action": [article.pk]})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.extracted_at is None
