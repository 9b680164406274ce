"""python manage.py bench_ingest --entries N: how fast the ingest pipeline turns feed bytes into committed rows.

Builds a synthetic feed set of N article-sized entries split into feeds of ``--per-feed`` entries: realistic wire
stories (``_wire_stories.py``: several kB of varied text each, one to three happenings and a few quotes per story,
names, places and dates drawn from the shipped gazetteers, one story in ten off-topic, several outlets reporting
the same happening, full HTML with the site furniture, scripts and event-handler attributes real feeds carry), so
that extraction is timed on what it reads in production, not on one paragraph repeated. It times, in the same run
and on the same bytes:

- the baseline: feedparser's default ``parse()`` (its own sanitiser and relative-URI resolution on), which is what
  a plain Django app would call;
- our pipeline from bytes to committed rows: ``feed_ingest_body`` (defuse, feedparser with its sanitiser off,
  lxml furniture removal and text, nh3 sanitising, dedup lookups, batched inserts, feed health), and with
  ``--extract`` also extraction (actors, places, statements, clustered candidate events), as scheduled fetches run it;
- a second run over the same feeds (unchanged bodies, as the scheduler sees them), which must add 0 rows in
  under a tenth of the first run's time, and for information the same with the body-hash shortcut disabled so
  every entry goes through parsing and database dedup again.

It writes to the configured database (PostgreSQL in production and CI, so the figures include real inserts),
under Feed rows with URLs on the reserved ``bench.invalid`` domain, inactive so the scheduler never fetches them,
and deletes them and their articles at the end (``--keep`` leaves them for inspection).
"""

from __future__ import annotations

import io
import random
import time
import uuid

import feedparser
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from events.management.commands._wire_stories import Newsroom, wire_feed
from events.models import Article, Event, Feed
from events.services.feeds import feed_ingest_body


class Command(BaseCommand):
    help = "Benchmark ingestion (bytes -> committed rows) against feedparser's default parse() of the same bytes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--entries", type=int, default=2000, help="Entries in the synthetic feed set.")
        parser.add_argument("--per-feed", type=int, default=1000, help="Entries per feed document.")
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--keep", action="store_true", help="Keep the bench feeds and articles afterwards.")
        parser.add_argument(
            "--extract", action="store_true",
            help="Run extraction inside ingestion, as the scheduled fetch does (events/services/extraction.py).",
        )

    def handle(self, *args, entries: int, per_feed: int, seed: int, keep: bool, extract: bool, **options) -> None:
        self.extract = extract
        if entries < 1 or per_feed < 1:
            raise CommandError("--entries and --per-feed must be positive")
        newsroom = Newsroom(random.Random(seed))
        starts = range(0, entries, per_feed)
        documents = [
            wire_feed(newsroom, n, start, min(per_feed, entries - start), entries) for n, start in enumerate(starts)
        ]
        total_bytes = sum(map(len, documents))
        self.stdout.write(
            f"feeds={len(documents)} entries={entries} bytes={total_bytes / 1e6:.1f}MB "
            f"({total_bytes / entries / 1000:.1f} kB per entry)"
        )
        run = uuid.uuid4().hex[:8]
        # Bench feeds are created and deleted in bulk: no history rows for them (the admin's audit trail is for
        # editors' changes, not for a benchmark).
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            feeds = Feed.objects.bulk_create(
                Feed(name=f"bench {run} #{n}", url=f"https://bench.invalid/{run}/{n}.xml", active=False)
                for n in range(len(documents) + 1)
            )
            try:
                self._bench(documents, entries, feeds)
            finally:
                if not keep:
                    # Candidate events extracted from the bench articles go with them (--extract).
                    Event.objects.filter(sources__feed__in=feeds).delete()
                    Article.objects.filter(feed__in=feeds).delete()
                    Feed.objects.filter(pk__in=[f.pk for f in feeds]).delete()

    def _ingest_all(self, feeds: list[Feed], documents: list[bytes]) -> tuple[float, int, int]:
        """Ingest each document under its feed; returns (seconds, rows added, entries counted duplicate)."""
        before = Article.objects.filter(feed__in=feeds).count()
        duplicates = 0
        started = time.perf_counter()
        for feed, document in zip(feeds, documents, strict=True):
            report = feed_ingest_body(feed, document, url=feed.url, extract=self.extract)
            if report.status == "failed":
                raise CommandError(f"bench feed failed: {report.error}")
            duplicates += report.duplicate
        elapsed = time.perf_counter() - started
        return elapsed, Article.objects.filter(feed__in=feeds).count() - before, duplicates

    def _bench(self, documents: list[bytes], entries: int, feeds: list[Feed]) -> None:
        warmup_feed, feeds = feeds[0], feeds[1:]
        # Warm both paths (imports, compiled patterns, connection) on a small document outside the timings.
        warmup = wire_feed(Newsroom(random.Random(0)), 999, 0, 20, 20)
        feedparser.parse(io.BytesIO(warmup))
        feed_ingest_body(warmup_feed, warmup, url=warmup_feed.url, extract=self.extract)

        started, cpu_started = time.perf_counter(), time.process_time()
        for document in documents:
            parsed = feedparser.parse(io.BytesIO(document))
            assert parsed.entries, "the baseline parsed nothing"
        baseline, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(f"feedparser default parse(): {baseline:.2f} s ({entries / baseline:.0f} entries/s)")

        cpu_started = time.process_time()
        first, added, _ = self._ingest_all(feeds, documents)
        first_cpu = time.process_time() - cpu_started
        self.stdout.write(
            f"pipeline, bytes -> committed rows: {first:.2f} s ({entries / first:.0f} entries/s), {added} rows added"
        )
        if added != entries:
            raise CommandError(f"expected {entries} new articles, got {added}")

        feeds = list(Feed.objects.filter(pk__in=[f.pk for f in feeds]).order_by("pk"))
        second, added_again, _ = self._ingest_all(feeds, documents)
        self.stdout.write(
            f"second run over the same feeds: {second:.3f} s ({second / first:.1%} of the first run), "
            f"{added_again} rows added"
        )
        Feed.objects.filter(pk__in=[f.pk for f in feeds]).update(body_hash="")
        feeds = list(Feed.objects.filter(pk__in=[f.pk for f in feeds]).order_by("pk"))
        forced, added_forced, duplicates = self._ingest_all(feeds, documents)
        self.stdout.write(
            f"same again with the body-hash shortcut off (every entry parsed and deduplicated in the database): "
            f"{forced:.2f} s, {added_forced} rows added, {duplicates} duplicates"
        )
        if added_again or added_forced:
            raise CommandError("a second run added rows: ingestion is not idempotent")
        # On a shared machine the wall-clock ratio moves with other processes' load; this one much less.
        self.stdout.write(
            f"CPU time of this process: baseline {baseline_cpu:.2f} s, pipeline {first_cpu:.2f} s "
            f"(ratio {baseline_cpu / first_cpu:.2f}; PostgreSQL's own work for the pipeline is not in it)"
        )
        self.stdout.write(
            f"entries_per_s={entries / first:.0f} feedparser_only_per_s={entries / baseline:.0f} "
            f"ratio={baseline / first:.2f}"
        )
