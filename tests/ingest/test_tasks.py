"""The fetch task's retry policy, run in-process with Celery's apply() (retries happen at once there)."""

from __future__ import annotations

import pytest

from events.models import Article, Feed, FetchStatus
from events.tasks import fetch_feed
from tests.ingest import server as routes
from tests.ingest.feeds import rss, story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _report_failures_as_results():
    # Tests run with eager propagation on; the retries apply() chains must report, not raise, as on a worker.
    conf = fetch_feed.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


def failing_then(body: bytes, failures: int, code: int):
    """Answer ``code`` the first ``failures`` times, then the feed."""
    answers = [routes.status(code)] * failures + [routes.feed(body)]

    def respond(handler) -> None:
        (answers.pop(0) if len(answers) > 1 else answers[0])(handler)

    return respond


def test_a_transient_failure_is_retried_until_the_feed_answers(feed_server, local_fetch):
    feed_server.routes["/wire"] = failing_then(rss(story(1), story(2)), 2, 503)
    feed = Feed.objects.create(name="wire", url=feed_server.url("/wire"))

    result = fetch_feed.apply(args=[feed.id])

    assert result.successful() and result.result["new"] == 2
    assert len(feed_server.requests_to("/wire")) == 3
    assert Article.objects.filter(feed=feed).count() == 2


def test_a_transient_failure_gives_up_after_the_last_retry_and_stays_recorded(feed_server, local_fetch):
    feed_server.routes["/wire"] = routes.status(503)
    feed = Feed.objects.create(name="wire", url=feed_server.url("/wire"))

    result = fetch_feed.apply(args=[feed.id])

    assert result.failed()
    assert len(feed_server.requests_to("/wire")) == 1 + fetch_feed.max_retries
    feed.refresh_from_db()
    assert feed.last_status == FetchStatus.FAILED and feed.consecutive_failures == 1 + fetch_feed.max_retries


def test_a_permanent_failure_is_not_retried(feed_server, local_fetch):
    feed_server.routes["/wire"] = routes.status(404)
    feed = Feed.objects.create(name="wire", url=feed_server.url("/wire"))

    result = fetch_feed.apply(args=[feed.id])

    assert result.successful() and result.result["status"] == FetchStatus.FAILED
    assert len(feed_server.requests_to("/wire")) == 1


def test_the_fetch_hands_its_articles_to_an_extraction_task_once_the_feed_lock_is_free(
    feed_server, local_fetch, django_capture_on_commit_callbacks, eager_tasks
):
    from django.core.cache import cache

    feed_server.routes["/wire"] = routes.feed(rss(story(1), story(2)))
    feed = Feed.objects.create(name="wire", url=feed_server.url("/wire"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = fetch_feed.apply(args=[feed.id])

    assert result.successful() and result.result["new"] == 2
    # Stored, not yet extracted: the fetch task ran no extraction, under its lock or after it.
    assert not Article.objects.filter(feed=feed, extracted_at__isnull=False).exists()
    assert len(callbacks) == 1  # extract_articles, enqueued on commit
    assert cache.get(f"idlib:feed-lock:{feed.id}") is None  # the lock is free before extraction starts
    callbacks[0]()  # the commit: the extraction task runs (in-process here)
    assert Article.objects.filter(feed=feed, extracted_at__isnull=False).count() == 2


def test_due_feeds_are_claimed_with_the_same_queries_however_many_and_enqueued_on_commit(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    from events.tasks import fetch_due_feeds

    def due_feeds(n: int) -> set[int]:
        return {Feed.objects.create(name=f"due {i}", url=f"https://news{i}.example.org/{n}.xml").id for i in range(n)}

    for n in (1, 6):
        wanted = due_feeds(n)
        # SAVEPOINT (the claim's transaction, nested in the test's), SELECT ... FOR UPDATE SKIP LOCKED of the due
        # feeds, one UPDATE of all of them, RELEASE SAVEPOINT: four queries for one feed or six.
        with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_num_queries(4):
            assert fetch_due_feeds.apply().result == n
        assert len(callbacks) == n  # one fetch_feed per claimed feed, only once the claims are committed
        assert not Feed.objects.filter(id__in=wanted, next_fetch_at__isnull=True).exists()
