"""python manage.py bench_ingest --entries N: how fast the ingest pipeline turns feed bytes into committed rows.

Builds a synthetic feed set of N article-sized entries split into feeds of ``--per-feed`` entries: realistic wire
stories (``events/bench/wire_stories.py``: several kB of varied text each, one to three happenings and a few
quotes per story, names, places and dates drawn from the shipped gazetteers, one story in ten off-topic, several
outlets reporting the same happening, full HTML with the site furniture, scripts and event-handler attributes real
feeds carry), so that extraction is timed on what it reads in production, not on one paragraph repeated. It times,
in the same run and on the same bytes:

- the baseline: feedparser's default ``parse()`` (its own sanitiser and relative-URI resolution on), which is what
  a plain Django app would call;
- our pipeline from bytes to committed rows: ``feed_ingest_body`` (defuse, feedparser with its sanitiser off,
  lxml furniture removal and text, nh3 sanitising, dedup lookups, batched inserts, feed health), and with
  ``--extract`` also extraction (actors, places, statements, clustered candidate events), as scheduled fetches run it;
- a second run over the same feeds (unchanged bodies, as the scheduler sees them), which must add 0 rows in
  under a tenth of the first run's time, and for information the same with the body-hash shortcut disabled so
  every entry goes through parsing and database dedup again;
- with ``--workers 2``, the same pipeline on the same bytes (the first run's rows deleted first) dealt out to two
  worker processes at once, as the deployed Celery worker (``--concurrency 2`` on this 2-core machine) runs
  fetches (``events/bench/parallel.py``), and its second run. Both ratios are printed, labelled; the final line's
  ``ratio`` is the one for ``--workers`` processes, ``single_process_ratio`` the one-process figure. The baseline
  is always feedparser in one process.

Extraction writes its events' history rows as in production; only the bench's own Feed rows and the clean-up
skip history.

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
from django.db import connection
from django.test.utils import override_settings

from actors.models import Statement
from events.bench.parallel import db_cpu_seconds, ingest_document, ingest_in_parallel
from events.bench.wire_stories import Newsroom, wire_feed
from events.extract.matcher_cache import matcher_current
from events.extract.pipeline import extract
from events.extract.store import article_date
from events.models import Article, Event, EventActor, EventSource, Feed


class Command(BaseCommand):
    help = "Benchmark ingestion (bytes -> committed rows) against feedparser's default parse() of the same bytes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--entries", type=int, default=2000, help="Entries in the synthetic feed set.")
        parser.add_argument("--per-feed", type=int, default=1000, help="Entries per feed document.")
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--keep", action="store_true", help="Keep the bench feeds and articles afterwards.")
        parser.add_argument(
            "--extract", action="store_true",
            help="Run extraction inside ingestion, as the scheduled fetch does (events/extract/store.py).",
        )
        parser.add_argument(
            "--workers", type=int, default=1,
            help="Also time the pipeline with this many worker processes at once (the deployment runs 2).",
        )

    def handle(
        self, *args, entries: int, per_feed: int, seed: int, keep: bool, extract: bool, workers: int, **options
    ) -> None:
        self.extract = extract
        self.workers = workers
        self.db_cpu: float | None = None  # CPU seconds of PostgreSQL backends during _ingest_all, when readable
        if entries < 1 or per_feed < 1 or workers < 1:
            raise CommandError("--entries, --per-feed and --workers must be positive")
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
        # editors' changes, not for a benchmark). A second set of feeds for the run with several workers.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            feeds = Feed.objects.bulk_create(
                Feed(name=f"bench {run} #{n}", url=f"https://bench.invalid/{run}/{n}.xml", active=False)
                for n in range(len(documents) * (2 if workers > 1 else 1) + 1)
            )
        try:
            self._vacuum()
            self._bench(documents, entries, feeds)
        finally:
            if not keep:
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    self._delete_rows(feeds)
                    Feed.objects.filter(pk__in=[f.pk for f in feeds]).delete()
                self._vacuum()

    @staticmethod
    def _vacuum() -> None:
        """PostgreSQL: reclaim the rows a bench run deleted and refresh the planner's statistics, as autovacuum
        does in a deployment (a development server may run without it), so a run does not time another's dead
        rows or plan on stale statistics."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return  # VACUUM cannot run in a transaction (the command inside a test's)
        models = (Article, Article.actors.through, Article.places.through, Statement, Event, Event.history.model,
                  EventSource, EventActor, Feed)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models))

    @staticmethod
    def _delete_rows(feeds: list[Feed]) -> None:
        """The bench's articles and the candidate events extracted from them (--extract), with their history."""
        event_ids = list(Event.objects.filter(sources__feed__in=feeds).values_list("id", flat=True).distinct())
        Event.objects.filter(id__in=event_ids).delete()
        Event.history.filter(id__in=event_ids).delete()
        Article.objects.filter(feed__in=feeds).delete()

    def _ingest_all(self, feeds: list[Feed], documents: list[bytes]) -> tuple[float, int, int]:
        """Ingest each document under its feed; returns (seconds, rows added, entries counted duplicate)."""
        before = Article.objects.filter(feed__in=feeds).count()
        duplicates = 0
        started = time.perf_counter()
        for feed, document in zip(feeds, documents, strict=True):
            # A fetch_feed task starts on a fresh connection (Celery's Django fix-up closes it before each task):
            # so does each feed here. One connection for every feed would keep the plans PostgreSQL cached for
            # foreign-key checks while the tables were nearly empty (sequential scans) as they grow.
            if not connection.in_atomic_block:  # (the command inside a test's transaction keeps its connection)
                connection.close()
            db_started = db_cpu_seconds()
            report = ingest_document(feed, document, extract=self.extract)
            db_ended = db_cpu_seconds()
            if self.db_cpu is not None and db_started is not None and db_ended is not None:
                self.db_cpu += db_ended - db_started
            else:
                self.db_cpu = None
            if report.status == "failed":
                raise CommandError(f"bench feed failed: {report.error}")
            duplicates += report.duplicate
        elapsed = time.perf_counter() - started
        return elapsed, Article.objects.filter(feed__in=feeds).count() - before, duplicates

    def _bench(self, documents: list[bytes], entries: int, feeds: list[Feed]) -> None:
        warmup_feed, feeds, parallel_feeds = feeds[0], feeds[1:len(documents) + 1], feeds[len(documents) + 1:]
        # Warm both paths (imports, compiled patterns, connection) on a small document outside the timings.
        warmup = wire_feed(Newsroom(random.Random(0)), 999, 0, 20, 20)
        feedparser.parse(io.BytesIO(warmup))
        ingest_document(warmup_feed, warmup, extract=self.extract)

        started, cpu_started = time.perf_counter(), time.process_time()
        for document in documents:
            parsed = feedparser.parse(io.BytesIO(document))
            assert parsed.entries, "the baseline parsed nothing"
        baseline, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(f"feedparser default parse(): {baseline:.2f} s ({entries / baseline:.0f} entries/s)")

        cpu_started, self.db_cpu = time.process_time(), 0.0
        first, added, _ = self._ingest_all(feeds, documents)
        first_cpu, first_db = time.process_time() - cpu_started, self.db_cpu
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
        self._cpu_line("1 process", entries, baseline_cpu, first_cpu, first_db)
        if self.workers == 1:
            self.stdout.write(
                f"entries_per_s={entries / first:.0f} feedparser_only_per_s={entries / baseline:.0f} "
                f"ratio={baseline / first:.2f}"
            )
            self._extract_cpu_line(feeds)
            return
        parallel, cpu, db_cpu = self._bench_parallel(documents, entries, feeds, parallel_feeds)
        self._cpu_line(f"{self.workers} worker processes", entries, baseline_cpu, cpu, db_cpu)
        self.stdout.write(
            f"ratio with 1 process: {baseline / first:.2f}; with {self.workers} worker processes: "
            f"{baseline / parallel:.2f} (baseline: feedparser in 1 process)"
        )
        self.stdout.write(
            f"entries_per_s={entries / parallel:.0f} feedparser_only_per_s={entries / baseline:.0f} "
            f"ratio={baseline / parallel:.2f} workers={self.workers} "
            f"single_process_entries_per_s={entries / first:.0f} single_process_ratio={baseline / first:.2f}"
        )
        self._extract_cpu_line(feeds + parallel_feeds)

    def _extract_cpu_line(self, feeds: list[Feed]) -> None:
        """With --extract, the last line: CPU an article costs extraction itself (reading it: the pure extract() the
        pipeline ran, again over the stored articles in this process), the bound issue 13 sets at 5 ms."""
        if not self.extract:
            return
        matcher = matcher_current()
        if not matcher.size:
            # An empty gazetteer reads nothing and would time nothing: the figure would be meaningless.
            raise CommandError("the gazetteer is empty: run `python manage.py seed_reference` first")
        articles = list(Article.objects.filter(feed__in=feeds).only("title", "text", "published_at", "fetched_at"))
        if not articles:
            raise CommandError("no stored article left to time extraction on")
        cpu_started = time.process_time()
        for article in articles:
            extract(article.title, article.text, article_date(article), matcher)
        cpu = time.process_time() - cpu_started
        self.stdout.write(f"extract_cpu_ms_per_entry={cpu / len(articles) * 1000:.2f}")

    def _cpu_line(self, label: str, entries: int, baseline: float, cpu: float, db_cpu: float | None) -> None:
        """CPU per entry of the pipeline's processes and of their PostgreSQL backends (when this machine runs the
        server), against the baseline's: the cost itself, whatever else the machine is doing."""
        total = cpu + (db_cpu or 0.0)
        db = f" + PostgreSQL {db_cpu / entries * 1000:.2f} ms" if db_cpu is not None else " (PostgreSQL's not readable)"
        self.stdout.write(
            f"CPU per entry with {label}: {cpu / entries * 1000:.2f} ms{db}; feedparser {baseline / entries * 1000:.2f}"
            f" ms; CPU ratio {baseline / total:.2f}"
        )

    def _bench_parallel(
        self, documents: list[bytes], entries: int, done: list[Feed], feeds: list[Feed]
    ) -> tuple[float, float, float | None]:
        """The first run again, from the same empty start, with self.workers processes; returns its seconds and
        the CPU seconds of the workers and of their PostgreSQL backends."""
        self._delete_rows(done)  # the single-process run's rows: the same work to do again, not duplicates
        self._vacuum()
        first = ingest_in_parallel(feeds, documents, extract=self.extract, workers=self.workers)
        if first.failures:
            raise CommandError(f"bench feed failed: {first.failures[0]}")
        added = Article.objects.filter(feed__in=feeds).count()
        self.stdout.write(
            f"pipeline with {self.workers} worker processes: {first.seconds:.2f} s "
            f"({entries / first.seconds:.0f} entries/s), {added} rows added"
        )
        if added != entries:
            raise CommandError(f"expected {entries} new articles, got {added}")
        feeds = list(Feed.objects.filter(pk__in=[f.pk for f in feeds]).order_by("pk"))
        again = ingest_in_parallel(feeds, documents, extract=self.extract, workers=self.workers)
        added_again = Article.objects.filter(feed__in=feeds).count() - added
        self.stdout.write(
            f"second run with {self.workers} worker processes: {again.seconds:.3f} s "
            f"({again.seconds / first.seconds:.1%} of the first run), {added_again} rows added"
        )
        if added_again:
            raise CommandError("a second run added rows: ingestion is not idempotent")
        return first.seconds, first.cpu, first.db_cpu
