"""The Celery tasks on a real worker process, real Redis and the test database."""

from __future__ import annotations

from django.utils import timezone

from events.models import Article, Feed, FetchStatus
from events.tasks import fetch_due_feeds, fetch_feed
from tests import processes
from tests.ingest import server as routes
from tests.ingest.feeds import rss, story


def wait_for_articles(feed: Feed, count: int, worker) -> None:
    try:
        processes.wait_until(lambda: Article.objects.filter(feed=feed).count() >= count, 90, f"{count} articles")
    except TimeoutError:
        raise AssertionError(f"the worker did not store the articles; its log:\n{worker.log_text()[-4000:]}") from None


def test_fetch_feed_runs_on_a_real_worker(celery_worker, feed_server):
    feed_server.routes["/wire"] = routes.feed(rss(*(story(n) for n in range(3))), etag='"w1"')
    feed = Feed.objects.create(name="wire", url=feed_server.url("/wire"))

    fetch_feed.delay(feed.id)

    wait_for_articles(feed, 3, celery_worker)
    processes.wait_until(
        lambda: Feed.objects.get(id=feed.id).last_status == FetchStatus.OK, 30, "the feed's health to be recorded"
    )
    feed.refresh_from_db()
    assert feed.etag == '"w1"' and feed.consecutive_failures == 0
    assert "events.tasks.fetch_feed" in celery_worker.log_text()
    assert len(celery_worker.children()) == 2  # the prefork pool, for the fault tests that kill it


def test_the_beat_task_enqueues_every_due_feed_for_the_worker(celery_worker, feed_server):
    feed_server.routes["/a"] = routes.feed(rss(*(story(n, "a") for n in range(2))))
    feed_server.routes["/b"] = routes.feed(rss(*(story(n, "b") for n in range(4))))
    feed_server.routes["/off"] = routes.feed(rss(story(1, "off")))
    due_a = Feed.objects.create(name="a", url=feed_server.url("/a"))
    due_b = Feed.objects.create(name="b", url=feed_server.url("/b"), next_fetch_at=timezone.now())
    Feed.objects.create(name="off", url=feed_server.url("/off"), active=False)

    fetch_due_feeds.delay()

    wait_for_articles(due_a, 2, celery_worker)
    wait_for_articles(due_b, 4, celery_worker)
    assert not feed_server.requests_to("/off")
    assert Article.objects.count() == 6
