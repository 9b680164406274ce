"""feed_fetch end to end over real HTTP: articles stored, conditional GETs, feed health, claims and the lock."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from events.ingest import feeds as feed_services
from events.ingest.feeds import MAX_BACKOFF, feed_add, feed_fetch, feed_lock, feeds_claim_due, feeds_due
from events.models import Article, Feed, FetchStatus
from tests.conftest import require
from tests.ingest import server as routes
from tests.ingest.concurrency import run_together
from tests.ingest.feeds import Item, founding_entry, rss, story

pytestmark = pytest.mark.django_db


def served_feed(feed_server, path: str, respond, **fields) -> Feed:
    feed_server.routes[path] = respond
    return Feed.objects.create(name=path.strip("/"), url=feed_server.url(path), **fields)


def test_a_fetch_stores_the_articles_and_remembers_the_validators(feed_server, local_fetch):
    body = rss(story(1), story(2), story(3))
    feed = served_feed(
        feed_server, "/wire", routes.feed(body, etag='"e1"', last_modified="Sat, 08 Sep 2018 10:00:00 GMT")
    )

    report = feed_fetch(feed.id)

    assert (report.status, report.new, report.duplicate) == (FetchStatus.OK, 3, 0)
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"e1"', "Sat, 08 Sep 2018 10:00:00 GMT")
    assert feed.body_hash == hashlib.sha256(body).hexdigest()
    assert feed.last_success_at is not None and feed.consecutive_failures == 0
    assert sorted(Article.objects.filter(feed=feed).values_list("guid", flat=True)) == ["story-1", "story-2", "story-3"]
    assert report.line() == f"[{feed.id}] wire: 3 new, 0 duplicate, 0 updated, 0 failed (ok)"


def test_the_next_fetch_is_conditional_and_a_304_costs_nothing(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.feed(rss(story(1)), etag='"e1"'))
    feed_fetch(feed.id)

    report = feed_fetch(feed.id)

    assert report.status == FetchStatus.NOT_MODIFIED and report.new == 0
    assert feed_server.requests_to("/wire")[1].headers["if-none-match"] == '"e1"'
    feed.refresh_from_db()
    assert feed.last_status == FetchStatus.NOT_MODIFIED and feed.consecutive_failures == 0


def test_an_unchanged_body_without_validators_is_not_parsed_again(feed_server, local_fetch, monkeypatch):
    feed = served_feed(feed_server, "/wire", routes.feed(rss(story(1))))
    feed_fetch(feed.id)
    parsed = []
    monkeypatch.setattr(feed_services, "parse_feed", lambda *a, **k: parsed.append(a) or pytest.fail("parsed"))

    report = feed_fetch(feed.id)

    assert report.status == FetchStatus.NOT_MODIFIED and not parsed


def test_new_entries_in_a_changed_feed_are_added_once(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.feed(rss(story(1), story(2))))
    feed_fetch(feed.id)
    feed_server.routes["/wire"] = routes.feed(rss(story(1), story(2), story(3)))

    report = feed_fetch(feed.id)

    assert (report.new, report.duplicate) == (1, 2)
    assert Article.objects.filter(feed=feed).count() == 3


def test_failures_are_counted_described_and_back_off_until_a_success_resets_them(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.status(500), fetch_interval_minutes=10)

    first = feed_fetch(feed.id)
    feed.refresh_from_db()
    assert first.status == FetchStatus.FAILED and first.transient
    assert feed.consecutive_failures == 1 and "HTTP 500" in feed.last_error
    assert feed.next_fetch_at - feed.last_fetched_at == timedelta(minutes=20)

    feed_fetch(feed.id)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 2
    assert feed.next_fetch_at - feed.last_fetched_at == timedelta(minutes=40)
    assert feed.active  # a failing feed stays on, visibly failing

    feed_server.routes["/wire"] = routes.feed(rss(story(1)))
    feed_fetch(feed.id)
    feed.refresh_from_db()
    assert (feed.consecutive_failures, feed.last_error, feed.last_status) == (0, "", FetchStatus.OK)
    assert feed.next_fetch_at - feed.last_fetched_at == timedelta(minutes=10)


def test_the_backoff_is_capped(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.status(404), consecutive_failures=30)

    report = feed_fetch(feed.id)

    feed.refresh_from_db()
    assert not report.transient  # a 404 will not go away by retrying in a minute
    assert feed.next_fetch_at - feed.last_fetched_at == MAX_BACKOFF


def test_a_refused_address_is_a_recorded_failure(feed_server, settings):
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = False
    feed = served_feed(feed_server, "/wire", routes.feed(rss(story(1))))

    report = feed_fetch(feed.id)

    feed.refresh_from_db()
    assert report.status == FetchStatus.FAILED and not report.transient
    assert "127.0.0.1 is a loopback address" in feed.last_error
    assert not feed_server.seen


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body><p>Moved</p></body></html>", "text/html is not an XML media type"),
        (b"", "empty document"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not well-formed XML"),
    ],
)
def test_an_unreadable_feed_fails_with_the_parser_message(feed_server, local_fetch, body, message):
    feed = served_feed(feed_server, "/wire", routes.feed(body, content_type="text/html"))

    report = feed_fetch(feed.id)

    feed.refresh_from_db()
    assert report.status == FetchStatus.FAILED
    assert feed.last_error.startswith("unreadable feed:") and message in feed.last_error
    assert not Article.objects.exists()


def test_a_malformed_feed_with_readable_entries_is_ingested_with_its_warning(feed_server, local_fetch):
    body = rss(story(1), story(2)).replace(b"</channel></rss>", b"<item><title>cut off")
    feed = served_feed(feed_server, "/wire", routes.feed(body))

    report = feed_fetch(feed.id)

    feed.refresh_from_db()
    assert report.status == FetchStatus.MALFORMED and report.new == 2
    assert feed.last_status == FetchStatus.MALFORMED and "not well-formed XML" in feed.last_error
    assert all("not well-formed XML" in a.parse_warning for a in Article.objects.all())


def test_a_gzipped_feed_is_ingested(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.compressed(rss(story(1), story(2))))

    assert feed_fetch(feed.id).new == 2


def test_the_founding_article_keeps_its_paragraphs_and_loses_its_furniture(
    feed_server, local_fetch, founding_article_text
):
    feed = served_feed(feed_server, "/wire", routes.feed(rss(founding_entry(founding_article_text))))

    report = feed_fetch(feed.id)

    article = Article.objects.get(feed=feed)
    assert report.new == 1
    assert article.title == "Syria's Idlib 'Cannot Be a Slaughter'"
    assert article.url == "https://news.example.org/2018/09/07/idlib-cannot-be-a-slaughter"
    assert "Adjust Comment Print" not in article.text and "Adjust Comment Print" not in article.html
    assert "More news" not in article.text and "More news" not in article.html
    assert "Supreme Court pick" not in article.text and "Kaepernick" not in article.text
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("Idlib, Syria's last major rebel stronghold")
    assert any(p.startswith("Russian Foreign Ministry Spokeswoman Maria Zakharova said") for p in paragraphs)
    assert paragraphs[-1] == (
        "Aid groups have warned that any military offensive in Idlib could spark one of the worst humanitarian "
        "disasters of Syria's seven-year civil war."
    )
    assert len(paragraphs) == 17


def test_a_feed_being_fetched_elsewhere_is_skipped(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.feed(rss(story(1))))

    with feed_lock(feed.id) as held:
        assert held
        report = feed_fetch(feed.id)

    assert report.status == "skipped" and "another worker" in report.error
    assert not feed_server.seen
    assert feed_fetch(feed.id).new == 1  # the lock is released afterwards


def test_an_inactive_feed_is_not_fetched(feed_server, local_fetch):
    feed = served_feed(feed_server, "/wire", routes.feed(rss(story(1))), active=False)

    assert feed_fetch(feed.id).status == "skipped"
    assert not feed_server.seen


def test_due_feeds_are_claimed_once_and_become_due_again_after_the_lease(settings):
    now = timezone.now()
    due = Feed.objects.create(name="due", url="https://due.example.org/feed")
    overdue = Feed.objects.create(name="overdue", url="https://overdue.example.org/feed", next_fetch_at=now)
    Feed.objects.create(name="later", url="https://later.example.org/feed", next_fetch_at=now + timedelta(hours=1))
    Feed.objects.create(name="off", url="https://off.example.org/feed", active=False)

    assert feeds_due() == [due.id, overdue.id]
    assert feeds_claim_due() == [due.id, overdue.id]
    assert feeds_claim_due() == []  # claimed: the next beat does not enqueue them again

    lease = settings.CELERY_BROKER_VISIBILITY_TIMEOUT + settings.CELERY_TASK_TIME_LIMIT
    Feed.objects.filter(id=due.id).update(next_fetch_at=now - timedelta(seconds=1))  # as if the lease ran out
    assert feeds_claim_due() == [due.id]
    due.refresh_from_db()
    assert due.next_fetch_at >= now + timedelta(seconds=lease - 5)


class TestFeedAdd:
    def test_a_public_url_is_added_once(self):
        feed, created = feed_add("https://www.example.org/syria/rss.xml", "Example wire")
        again, created_again = feed_add(" https://www.example.org/syria/rss.xml ")

        assert created and not created_again and again == feed
        assert feed.name == "Example wire" and feed.active

    def test_the_name_defaults_to_the_host(self):
        assert feed_add("https://news.example.net/feed")[0].name == "news.example.net"

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            ("ftp://example.org/feed", "http:// or https://"),
            ("not a url", "http:// or https://"),
            ("javascript:alert(1)", "http:// or https://"),
            ("http://127.0.0.1/feed", "loopback"),
            ("http://169.254.169.254/latest", "link-local"),
            ("http://[::1]/feed", "loopback"),
            ("http://10.1.2.3/feed", "private"),
        ],
    )
    def test_bad_urls_are_refused_with_a_reason(self, settings, url, message):
        settings.FEEDS_ALLOW_PRIVATE_HOSTS = False

        with pytest.raises(ValidationError, match=message):
            feed_add(url)
        assert not Feed.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_fetches_of_one_feed_at_once_store_each_article_once(feed_server, local_fetch):
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
    counter = routes.Counter()
    feed = served_feed(feed_server, "/wire", routes.slow_ok(rss(*(story(n) for n in range(20))), 0.5, counter))
    reports = run_together(lambda: feed_fetch(feed.id), lambda: feed_fetch(feed.id))

    assert Article.objects.filter(feed=feed).count() == 20
    assert sorted(r.status for r in reports) == [FetchStatus.OK, "skipped"]
    assert len(feed_server.requests_to("/wire")) == 1  # the second worker did not even download it


def test_entries_with_hostile_markup_are_stored_clean(feed_server, local_fetch):
    hostile = Item(
        "h-1",
        title="<script>alert(1)</script>Convoy attacked",
        link="javascript:alert(2)",
        content='<p onmouseover="x()">Aid <img src=x onerror=alert(3)>trucks burned.</p><script>steal()</script>',
    )
    feed = served_feed(feed_server, "/wire", routes.feed(rss(hostile)))

    feed_fetch(feed.id)

    article = Article.objects.get()
    assert article.title == "Convoy attacked" and article.url == ""
    assert article.html == "<p>Aid trucks burned.</p>" and article.text == "Aid trucks burned."
