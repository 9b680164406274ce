"""article_ingest: every entry becomes at most one Article, however often and however concurrently it arrives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from events.ingest import articles
from events.ingest.articles import IngestReport, article_ingest
from events.ingest.parse import parse_feed
from events.models import Article, Feed
from tests.conftest import require
from tests.ingest.concurrency import run_together
from tests.ingest.feeds import Item, rss, story


def make_feed(name: str) -> Feed:
    return Feed.objects.create(name=name, url=f"https://{name}.example.org/feed.xml", active=False)


def entries(*items: Item):
    return parse_feed(rss(*items)).entries


@pytest.mark.django_db
class TestOneArticlePerStory:
    def test_entries_become_clean_articles(self):
        feed = make_feed("wire")
        item = Item(
            "g-1",
            title="Strikes on <b>Khan Shaykhun</b>",
            link="https://wire.example.org/1?utm_source=rss",
            content="<p>Share | Print</p><p>Shells hit the town, residents said.</p><script>x()</script>",
        )

        report = article_ingest(feed, entries(item))

        assert (report.new, report.duplicate, report.updated, report.failed) == (1, 0, 0, 0)
        article = Article.objects.get(id=report.new_ids[0])
        assert article.title == "Strikes on Khan Shaykhun"
        assert article.url == "https://wire.example.org/1"
        assert article.text == "Shells hit the town, residents said."
        assert article.html == "<p>Shells hit the town, residents said.</p>"
        assert article.published_at == datetime(2018, 9, 8, 10, 0, tzinfo=UTC)
        assert len(article.content_hash) == 64

    def test_ingesting_twice_adds_nothing(self):
        feed = make_feed("wire")
        batch = entries(*(story(n) for n in range(5)))
        article_ingest(feed, batch)

        again = article_ingest(feed, batch)

        assert (again.new, again.duplicate, again.updated) == (0, 5, 0)
        assert Article.objects.count() == 5

    def test_the_same_link_from_another_feed_is_a_duplicate(self):
        article_ingest(make_feed("one"), entries(story(1)))
        other = story(1)
        other.guid, other.link = "another-guid", other.link + "?utm_campaign=x&fbclid=y#top"
        other.content = "<p>A different teaser.</p>"

        report = article_ingest(make_feed("two"), entries(other))

        assert (report.new, report.duplicate) == (0, 1)
        assert Article.objects.count() == 1

    def test_the_same_text_from_another_feed_is_a_duplicate(self):
        article_ingest(make_feed("one"), entries(story(1)))
        syndicated = story(1)
        syndicated.guid, syndicated.link = "syndicated-1", "https://other.example.net/copy/1"
        syndicated.content = syndicated.content.replace("'", "\u2019") + "<p>Read more: elsewhere</p>"

        report = article_ingest(make_feed("two"), entries(syndicated))

        assert (report.new, report.duplicate) == (0, 1)
        assert Article.objects.count() == 1

    def test_a_known_guid_with_changed_content_updates_its_article(self):
        feed = make_feed("wire")
        first = article_ingest(feed, entries(Item("g-1", content="<p>Two killed in shelling, the monitor said.</p>")))
        Article.objects.filter(id=first.new_ids[0]).update(extracted_at=datetime(2018, 9, 9, tzinfo=UTC))

        second = article_ingest(feed, entries(Item("g-1", content="<p>Five killed in shelling, the monitor said.</p>")))

        assert (second.new, second.updated, second.duplicate) == (0, 1, 0)
        assert second.updated_ids == first.new_ids
        article = Article.objects.get()
        assert article.text == "Five killed in shelling, the monitor said."
        # The old extraction was discarded and extraction ran again on the new text.
        assert article.extracted_at is None or article.extracted_at > datetime(2018, 9, 9, tzinfo=UTC)

    def test_a_changed_entry_keeps_its_url_when_the_new_one_belongs_to_another_article(self):
        feed = make_feed("wire")
        article_ingest(feed, entries(story(1), story(2)))
        moved = story(1)
        moved.link, moved.content = story(2).link, "<p>Updated text of report one.</p>"

        report = article_ingest(feed, entries(moved))

        assert report.updated == 1
        assert Article.objects.get(guid="story-1").url == story(1).link

    def test_repeated_guids_in_one_feed_document_are_stored_once(self):
        report = article_ingest(make_feed("wire"), entries(story(1), story(1), story(2)))

        assert (report.new, report.duplicate) == (2, 1)

    def test_batches_see_each_other(self, monkeypatch):
        monkeypatch.setattr(articles, "BATCH_SIZE", 3)
        items = [story(n) for n in range(7)] + [story(2), story(5)]

        report = article_ingest(make_feed("wire"), entries(*items))

        assert (report.new, report.duplicate) == (7, 2)
        assert Article.objects.count() == 7

    def test_entries_without_body_are_told_apart_by_title(self):
        report = article_ingest(
            make_feed("wire"), entries(Item("a", title="Strikes on Ariha", description=""), Item("b", description=""))
        )

        assert report.new == 2

    def test_new_and_changed_articles_are_handed_to_extraction(self):
        feed = make_feed("wire")
        first = article_ingest(feed, entries(story(1), story(2)))
        changed = story(2)
        changed.content = "<p>Corrected figures, officials said.</p>"
        second = article_ingest(feed, entries(story(1), changed, story(3)))
        third = article_ingest(feed, entries(story(1)))  # nothing new: nothing to extract

        assert len(first.new_ids) == 2 and first.updated_ids == []
        assert len(second.new_ids) == 1 and second.updated_ids == [Article.objects.get(guid=changed.guid).pk]
        assert third.new_ids == third.updated_ids == []
        # Storing extracts nothing itself (the feed's services hand the ids on once the feed's lock is released).
        assert not Article.objects.filter(extracted_at__isnull=False).exists()

    def test_nul_bytes_and_control_characters_do_not_reach_the_database(self):
        # The XML parser refuses these; the loose parser lets them through, so article_ingest must cope.
        parsed = parse_feed(
            b"<rss version='2.0'><channel><title>t</title><item><title>Null\x00 title\x07</title>"
            b"<guid>nul\x00guid</guid><description>Body\x00 text &#0; here.</description></item></channel></rss>"
        )

        report = article_ingest(make_feed("wire"), parsed.entries)

        article = Article.objects.get(id=report.new_ids[0])
        assert "\x00" not in article.title + article.guid + article.text + article.html
        assert article.title == "Null title"


@pytest.mark.django_db(transaction=True)
class TestConcurrentWorkers:
    def test_two_workers_ingesting_one_feed_at_once_add_each_article_once(self):
        require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
        feed = make_feed("wire")
        batch = entries(*(story(n) for n in range(40)))

        reports: list[IngestReport] = run_together(
            lambda: article_ingest(feed, batch), lambda: article_ingest(feed, batch)
        )

        assert Article.objects.count() == 40
        assert sum(r.new for r in reports) == 40  # each row reported new by exactly one worker
        assert sum(r.duplicate for r in reports) == 40

    def test_two_feeds_carrying_the_same_stories_at_once_store_them_once(self):
        require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://...")
        one, two = make_feed("one"), make_feed("two")
        copies = []
        for n in range(30):
            copy = story(n)
            copy.guid, copy.link = f"copy-{n}", f"https://copies.example.net/{n}"
            copies.append(copy)

        run_together(
            lambda: article_ingest(one, entries(*(story(n) for n in range(30)))),
            lambda: article_ingest(two, entries(*copies)),
        )

        assert Article.objects.count() == 30
