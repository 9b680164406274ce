"""The ingest commands as an operator runs them: add_feed, ingest (feeds and files), bench_ingest, run_site."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from events.models import Article, Feed, FetchStatus
from tests import processes
from tests.conftest import require
from tests.ingest import server as routes
from tests.ingest.feeds import rss, story

DEMO_FEED = Path(settings.BASE_DIR) / "events" / "data" / "demo_feed.xml"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestAddFeed:
    def test_adds_a_feed_and_says_so(self):
        out = run("add_feed", "https://www.example.org/syria/feed.xml", "--name", "Example wire")

        feed = Feed.objects.get()
        assert out.strip() == f"[{feed.id}] Example wire <https://www.example.org/syria/feed.xml>: added"
        assert "already followed" in run("add_feed", "https://www.example.org/syria/feed.xml")

    def test_refuses_a_bad_url_with_the_reason(self, settings):
        settings.FEEDS_ALLOW_PRIVATE_HOSTS = False
        with pytest.raises(CommandError, match="link-local"):
            run("add_feed", "http://169.254.169.254/latest/meta-data/")
        assert not Feed.objects.exists()


@pytest.mark.django_db
class TestIngest:
    def test_the_demo_feed_is_ingested_once_and_its_furniture_removed(self):
        first = run("ingest", "--file", str(DEMO_FEED))
        second = run("ingest", "--file", str(DEMO_FEED))

        feed = Feed.objects.get()
        # Sources are shown with their feed's name: the channel's title, not the file's name.
        assert feed.name == "Idlib Tracker demo wire"
        assert f"[{feed.id}] Idlib Tracker demo wire: 43 new, 0 duplicate, 0 updated, 0 failed (ok)" in first
        assert "0 new" in second and "unchanged since the last fetch" in second
        assert not feed.active  # a file is never fetched by the scheduler
        texts = list(Article.objects.values_list("text", flat=True))
        assert len(texts) == 43
        for furniture in ("Share | Print", "Adjust Comment Print", "Read more", "More news", "Photo", "By Demo"):
            assert not any(furniture in text for text in texts), furniture
        assert sum(" said" in text for text in texts) >= 10  # material for the statement extraction

    def test_a_changed_file_adds_only_its_new_entries(self, tmp_path):
        path = tmp_path / "wire.xml"
        path.write_bytes(rss(story(1), story(2)))
        run("ingest", "--file", str(path))
        path.write_bytes(rss(story(1), story(2), story(3)))

        out = run("ingest", "--file", str(path))

        assert "1 new, 2 duplicate, 0 updated, 0 failed" in out
        assert Article.objects.count() == 3

    def test_an_unreadable_file_is_reported_and_recorded(self, tmp_path):
        path = tmp_path / "page.html"
        path.write_text("<html><body>Not a feed</body></html>")

        out = run("ingest", "--file", str(path))

        assert "FAILED: unreadable feed: not an RSS or Atom feed" in out
        feed = Feed.objects.get()
        assert feed.last_status == FetchStatus.FAILED and "not an RSS or Atom feed" in feed.last_error

    def test_a_missing_file_is_an_error(self, tmp_path):
        with pytest.raises(CommandError, match="cannot read"):
            run("ingest", "--file", str(tmp_path / "nowhere.xml"))

    def test_feeds_are_fetched_by_id_or_url(self, feed_server, local_fetch):
        feed_server.routes["/a"] = routes.feed(rss(story(1, "a"), story(2, "a")))
        feed_server.routes["/b"] = routes.status(500)
        a = Feed.objects.create(name="a", url=feed_server.url("/a"))
        b = Feed.objects.create(name="b", url=feed_server.url("/b"))

        out = run("ingest", "--feed", str(a.id), "--feed", b.url)

        assert f"[{a.id}] a: 2 new, 0 duplicate, 0 updated, 0 failed (ok)" in out
        assert f"[{b.id}] b: 0 new, 0 duplicate, 0 updated, 0 failed (FAILED: HTTP 500" in out
        assert out.strip().endswith("2 feed(s): 2 new, 0 duplicate, 0 updated, 0 failed entries; 1 feed(s) failed")

    def test_without_options_every_active_feed_is_fetched(self, feed_server, local_fetch):
        feed_server.routes["/a"] = routes.feed(rss(story(1)))
        Feed.objects.create(name="a", url=feed_server.url("/a"))
        Feed.objects.create(name="off", url=feed_server.url("/off"), active=False)

        out = run("ingest")

        assert "a: 1 new" in out and "off" not in out

    def test_an_unknown_feed_is_an_error(self):
        with pytest.raises(CommandError, match="no feed with id or URL"):
            run("ingest", "--feed", "https://unknown.example.org/feed")


@pytest.mark.django_db
def test_bench_ingest_reports_its_figures_and_cleans_up():
    out = run("bench_ingest", "--entries", "60", "--per-feed", "25")

    lines = out.strip().splitlines()
    assert lines[0].startswith("feeds=3 entries=60")
    assert any(line.startswith("second run over the same feeds:") and line.endswith("0 rows added") for line in lines)
    final = dict(pair.split("=") for pair in lines[-1].split())
    assert set(final) == {"entries_per_s", "feedparser_only_per_s", "ratio"}
    assert float(final["ratio"]) > 0
    assert not Feed.objects.exists() and not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_run_site_serves_and_runs_a_worker_and_beat_that_stop_with_it(tmp_path, redis_url):
    require(connection.vendor == "postgresql", "the site process shares the test database only on PostgreSQL")
    port = processes.free_port()
    log = tmp_path / "run_site.log"
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": processes.database_url(), "REDIS_URL": redis_url}
    site = processes.start([processes.PYTHON, "manage.py", "run_site", "--port", str(port), "--noreload"], log, env)
    try:
        processes.wait_until(lambda: processes.port_open(port) or site.poll() is not None, 90, "the site")
        status, _body = processes.request(port, "/healthz", headers={"Host": "127.0.0.1"})
        children = Path(f"/proc/{site.pid}/task/{site.pid}/children").read_text().split()
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() for pid in children]

        assert f"Idlib Tracker: http://127.0.0.1:{port}/" in log.read_text()
        assert status == 200
        assert any(" worker " in c for c in commands) and any(" beat " in c for c in commands)

        os.kill(site.pid, signal.SIGTERM)
        site.wait(timeout=60)
        for pid in children:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    finally:
        processes.stop(site)
