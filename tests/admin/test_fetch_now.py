""""Fetch now" on a feed: the admin action enqueues the real fetch_feed task after commit, and a real worker (or,
without Redis, Celery's eager mode) fetches the feed from a server on loopback."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from events.models import Article, Feed, FetchStatus
from tests import processes
from tests.conftest import require
from tests.faults.conftest import feed_server, live_db  # noqa: F401  (fixtures)
from tests.faults.support import entries, rss, start_worker, wait_for

FEEDS = reverse("admin:events_feed_changelist")
DEFAULT_QUEUE = "celery"  # where .delay() sends fetch_feed


@pytest.fixture
def editor_on_live_db(client, transactional_db):
    call_command("create_editors", verbosity=0)
    user = get_user_model().objects.create_user("omar", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def _fetch_now(client, feed: Feed):
    return client.post(FEEDS, {"action": "fetch_now", "_selected_action": [feed.pk]}, follow=True)


@pytest.mark.services
def test_fetch_now_is_run_by_a_real_worker(editor_on_live_db, live_db, feed_server, redis_url, tmp_path):  # noqa: F811
    require(not settings.CELERY_TASK_ALWAYS_EAGER, "needs Celery on Redis (REDIS_URL)")
    broker = redis.Redis.from_url(redis_url)
    # Nothing left on the default queue from elsewhere, no feed lock left by an earlier test database.
    broker.delete(DEFAULT_QUEUE)
    for key in broker.scan_iter(match="*idlib:feed-lock:*"):
        broker.delete(key)
    feed_server.add("/wire.xml", rss(entries("now", 0, 3)))
    feed = Feed.objects.create(name="Loopback wire", url=feed_server.url("/wire.xml"))

    response = _fetch_now(editor_on_live_db, feed)
    assert b"Queued 1 feed for fetching. A worker fetches it in the next moments" in response.content
    # Enqueued on commit, not run here: the message waits on the broker until a worker takes it.
    assert broker.llen(DEFAULT_QUEUE) == 1
    assert not Article.objects.filter(feed=feed).exists()

    worker = start_worker(tmp_path, DEFAULT_QUEUE, concurrency=1, name="admin")
    try:
        # The feed's health is recorded after its articles are stored: wait for that last write.
        wait_for(
            lambda: Feed.objects.filter(pk=feed.pk, last_status=FetchStatus.OK).exists(), 60, "the fetch to finish"
        )
    finally:
        processes.stop(worker.proc)
    assert Article.objects.filter(feed=feed).count() == 3
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_fetched_at is not None


def test_fetch_now_runs_in_eager_mode_without_redis(editor_on_live_db, feed_server, settings, eager_tasks):  # noqa: F811
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = True
    feed_server.add("/wire.xml", rss(entries("eager", 0, 2)))
    feed = Feed.objects.create(name="Loopback wire", url=feed_server.url("/wire.xml"))
    response = _fetch_now(editor_on_live_db, feed)
    # No worker to queue for: fetched in the request, and the editor is told the outcome.
    assert b"Loopback wire: fetched 2 new articles." in response.content
    assert Article.objects.filter(feed=feed).count() == 2
    feed.refresh_from_db()
    assert feed.last_status == FetchStatus.OK
