"""Workers dying mid-task and the same feed enqueued many times: nothing lost, nothing twice (real Redis, worker,
PostgreSQL, HTTP)."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
import redis

from events.models import Article, Feed
from events.tasks import fetch_feed
from tests import processes
from tests.faults.support import entries, pid_with_connection_from, rss, wait_for

pytestmark = pytest.mark.services


def _feed(url: str) -> Feed:
    return Feed.objects.create(name="Fault Wire", url=url)


def _guids(feed: Feed) -> list[str]:
    return list(Article.objects.filter(feed=feed).order_by("guid").values_list("guid", flat=True))


def _assert_exactly_once(feed: Feed, expected: list[tuple[str, str]]) -> None:
    guids = _guids(feed)
    assert len(guids) == len(set(guids)), "an article was stored twice"
    assert sorted(guids) == sorted(g for g, _ in expected)


def test_pool_process_killed_mid_download_is_redelivered_at_once_and_stores_each_article_once(
    live_db, feed_server, workers, queue
):
    # Ten articles already in, ten new ones in the body the killed process was downloading.
    first = entries("kill", 0, 10)
    both = entries("kill", 0, 20)
    route = feed_server.add("/kill.xml", rss(first))
    feed = _feed(feed_server.url("/kill.xml"))
    worker = workers.start(queue, concurrency=2)
    fetch_feed.apply_async((feed.id,), queue=queue)
    wait_for(lambda: len(_guids(feed)) == 10, 60, "the first ten articles")
    assert route.full == 1

    route.set_body(rss(both))
    route.stall = 1
    fetch_feed.apply_async((feed.id,), queue=queue)
    assert route.started.wait(60), "the second download never began"
    pid = pid_with_connection_from(route.client_ports[-1], worker.children())
    assert pid is not None, "could not tell which pool process is downloading"
    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)

    # acks_late + reject_on_worker_lost: the message goes straight back to the queue and another pool process
    # fetches the feed again (the stall was for the first attempt only) within seconds, not a visibility timeout.
    wait_for(lambda: len(_guids(feed)) == 20, 60, "the redelivered fetch to store the new articles")
    assert time.monotonic() - killed_at < 30
    assert route.full == 2, f"{route.full} complete downloads (expected the first fetch and the redelivery)"
    _assert_exactly_once(feed, both)
    assert worker.proc.poll() is None, "the worker itself should survive the loss of one pool process"
    # The worker logs as the site does, one JSON object a line: the loss is an ERROR a log shipper can see.
    lost = [json.loads(line) for line in worker.log_text().splitlines() if line.startswith("{") and "signal 9" in line]
    assert lost and lost[0]["level"] == "ERROR" and lost[0]["logger"].startswith("celery")
    feed.refresh_from_db()
    assert feed.last_status == "ok" and feed.consecutive_failures == 0


def test_the_same_feed_enqueued_fifty_times_is_downloaded_once_and_stored_once(
    live_db, feed_server, workers, queue, redis_url
):
    body_entries = entries("burst", 0, 30)
    route = feed_server.add("/burst.xml", rss(body_entries))
    feed = _feed(feed_server.url("/burst.xml"))
    # Two workers of two processes each: four fetches can run at the same moment.
    workers.start(queue, concurrency=2, name="a")
    second = workers.start(queue, concurrency=2, name="b")
    for _ in range(50):
        fetch_feed.apply_async((feed.id,), queue=queue)

    wait_for(lambda: len(_guids(feed)) == 30, 60, "the articles")
    client = redis.Redis.from_url(redis_url)
    wait_for(lambda: client.llen(queue) == 0, 60, "the fifty messages to be consumed")
    time.sleep(2)  # the last few deliveries finish
    assert route.full == 1, f"{route.full} full downloads; the others should be skipped or answered 304"
    requests = len(route.client_ports)
    assert requests == route.full + route.not_modified, "a request was neither a full download nor a 304"
    _assert_exactly_once(feed, body_entries)
    assert second.proc.poll() is None


# The shortest visibility timeout settings accept (it must outlast the hard time limit), so the test waits half a
# minute rather than five.
SHORT_TIMEOUTS = {
    "CELERY_BROKER_VISIBILITY_TIMEOUT": "30",
    "CELERY_TASK_TIME_LIMIT": "20",
    "CELERY_TASK_SOFT_TIME_LIMIT": "15",
}


def test_whole_worker_killed_mid_task_is_redelivered_to_a_new_worker_after_the_visibility_timeout(
    live_db, feed_server, workers, queue, redis_url
):
    body_entries = entries("dead", 0, 12)
    route = feed_server.add("/dead.xml", rss(body_entries), stall=1)
    feed = _feed(feed_server.url("/dead.xml"))
    first = workers.start(queue, concurrency=1, name="doomed", **SHORT_TIMEOUTS)
    fetch_feed.apply_async((feed.id,), queue=queue)
    assert route.started.wait(60), "the download never began"

    client = redis.Redis.from_url(redis_url)
    delivered = client.zrange("unacked_index", 0, -1, withscores=True)
    assert len(delivered) == 1, "the task in flight should be the one unacknowledged message"
    tag, delivered_at = delivered[0]
    processes.kill(first.proc)  # main process and pool child at once: nobody is left to requeue anything
    first.proc.wait(timeout=10)
    assert client.llen(queue) == 0 and client.hexists("unacked", tag), "the message must wait in 'unacked'"

    workers.start(queue, concurrency=1, name="rescuer", **SHORT_TIMEOUTS)
    wait_for(lambda: len(_guids(feed)) == 12, 90, "the new worker to run the abandoned fetch")
    redelivered_after = route.request_times[1] - delivered_at
    # Not before the visibility timeout (the message was really abandoned, not requeued by anyone), and within it
    # plus one restore sweep (10 s, CELERY_BROKER_TRANSPORT_OPTIONS) and the new worker's start.
    assert 29 <= redelivered_after <= 30 + 10 + 5, f"redelivered {redelivered_after:.1f}s after the first delivery"
    assert len(route.request_times) == 2 and route.full == 1
    _assert_exactly_once(feed, body_entries)
    # Late acknowledgement: the message leaves 'unacked' once the task has returned, just after its last write.
    wait_for(lambda: not client.hexists("unacked", tag), 15, "the redelivered message to be acknowledged")
