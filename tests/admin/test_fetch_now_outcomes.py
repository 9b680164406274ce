""""Fetch now" without a worker (the embedded default: Celery eager, no Redis) fetches in the request and says what
came of it: new articles, nothing modified, or the failure and its reason; never a server error. The feeds are
served by a real HTTP server on loopback (tests/ingest/server.py), and the dead host is a loopback port nobody
listens on."""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from events import tasks
from events.models import Article, Feed, FetchStatus
from tests.ingest.feeds import rss, story
from tests.ingest.server import FeedServer, feed, status

FEEDS = reverse("admin:events_feed_changelist")


@pytest.fixture
def server():
    running = FeedServer()
    yield running
    running.close()


@pytest.fixture
def editor_client(client, transactional_db, settings):
    # Committed rows, as outside tests: the action runs with no transaction open around it.
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = True  # the loopback server is private; the SSRF guard refuses it else
    settings.FEEDS_CONNECT_TIMEOUT = 2
    settings.FEEDS_TOTAL_TIMEOUT = 3
    call_command("create_editors", verbosity=0)
    user = get_user_model().objects.create_user("salma", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def eager():
    """The embedded default's Celery: tasks run in-process (REDIS_URL unset), whatever this run's set-up."""
    previous = tasks.fetch_feed.app.conf.task_always_eager
    tasks.fetch_feed.app.conf.task_always_eager = True
    yield
    tasks.fetch_feed.app.conf.task_always_eager = previous


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed on leaving: connecting is refused


def _fetch_now(client, *feeds: Feed) -> tuple[int, list[tuple[str, str]]]:
    response = client.post(FEEDS, {"action": "fetch_now", "_selected_action": [f.pk for f in feeds]}, follow=True)
    said = [(m.level_tag, m.message) for m in response.context["messages"]] if response.context else []
    return response.status_code, said


def test_fetch_now_says_how_many_new_then_not_modified(editor_client, server):
    server.routes["/wire.xml"] = feed(rss(story(1), story(2), story(3)), etag='"v1"')
    wire = Feed.objects.create(name="Loopback wire", url=server.url("/wire.xml"))
    code, said = _fetch_now(editor_client, wire)
    assert code == 200
    assert said == [("success", "Loopback wire: fetched 3 new articles.")]
    assert Article.objects.filter(feed=wire).count() == 3

    code, said = _fetch_now(editor_client, wire)
    assert said == [("success", "Loopback wire: not modified since the last fetch, nothing new.")]
    assert server.requests_to("/wire.xml")[-1].headers.get("if-none-match") == '"v1"'


def test_fetch_now_on_a_dead_host_and_a_failing_server_says_why(editor_client, server):
    dead = Feed.objects.create(name="Dead host", url=f"http://127.0.0.1:{_dead_port()}/feed.xml")
    server.routes["/broken.xml"] = status(500, b"<h1>upstream exploded</h1>")
    broken = Feed.objects.create(name="Broken <wire>", url=server.url("/broken.xml"))
    server.routes["/fine.xml"] = feed(rss(story(1, "fine")))
    fine = Feed.objects.create(name="Fine wire", url=server.url("/fine.xml"))

    response = editor_client.post(
        FEEDS, {"action": "fetch_now", "_selected_action": [dead.pk, broken.pk, fine.pk]}, follow=True
    )
    assert response.status_code == 200
    said = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert [level for level, _ in said] == ["error", "error", "success"]
    assert said[0][1].startswith("Dead host: failed: ") and "refused" in said[0][1].lower()
    assert said[0][1].endswith("It will be tried again later, waiting longer after each failure.")
    assert said[1][1].startswith("Broken <wire>: failed: ") and "500" in said[1][1]
    assert said[2][1] == "Fine wire: fetched 1 new article."
    html = response.content.decode()
    assert "Broken &lt;wire&gt;: failed:" in html and "Broken <wire>" not in html  # the message is escaped
    dead.refresh_from_db()
    assert dead.last_status == FetchStatus.FAILED and dead.consecutive_failures == 1 and dead.next_fetch_at


def test_the_task_itself_run_eagerly_returns_the_failure_instead_of_raising_retry(transactional_db, settings):
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = True
    dead = Feed.objects.create(name="Dead host", url=f"http://127.0.0.1:{_dead_port()}/feed.xml")
    result = tasks.fetch_feed.delay(dead.pk).get()
    assert result["status"] == FetchStatus.FAILED and result["transient"] is True


def test_a_switched_off_feed_is_not_fetched_and_says_so(editor_client, server):
    server.routes["/off.xml"] = feed(rss(story(1)))
    off = Feed.objects.create(name="Paused wire", url=server.url("/off.xml"), active=False)
    code, said = _fetch_now(editor_client, off)
    assert code == 200 and said == [("warning", "Paused wire: not fetched: feed is switched off.")]
    assert server.requests_to("/off.xml") == []
