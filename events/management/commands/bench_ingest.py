"""python manage.py bench_ingest --entries N: how fast the ingest pipeline turns feed bytes into committed rows.

Builds a synthetic feed set of N article-sized entries (full HTML content of several kB each, with the site
furniture, scripts and event-handler attributes real feeds carry) split into feeds of ``--per-feed`` entries, and
times, in the same run and on the same bytes:

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
from xml.sax.saxutils import escape

import feedparser
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from events.models import Article, Event, Feed
from events.services.feeds import feed_ingest_body

WORDS = (
    "government", "forces", "rebels", "province", "village", "town", "district", "front", "line", "offensive",
    "ceasefire", "shelling", "air", "strikes", "artillery", "displaced", "civilians", "camps", "border", "crossing",
    "humanitarian", "convoy", "hospital", "school", "market", "observers", "patrol", "demilitarised", "zone",
    "highway", "agreement", "summit", "talks", "envoy", "ministry", "spokesman", "statement", "officials",
    "according", "monitoring", "group", "fighters", "militants", "coalition", "opposition", "factions",
    "reinforcements", "positions", "withdrawal", "heavy", "weapons", "deadline", "residents", "families", "aid",
    "agencies", "shelter", "winter", "water", "electricity", "bakery", "clinic", "ambulance", "rescue", "workers",
    "casualties", "wounded", "killed", "injured", "negotiations", "guarantors", "observation", "posts",
)  # fmt: skip
PLACES = ["Idlib", "Khan Shaykhun", "Jisr al-Shughur", "Maarat al-Numan", "Saraqib", "Ariha", "al-Lataminah"]
SPEAKERS = ["the UN envoy", "a ministry spokesman", "the monitoring group", "local officials", "aid workers"]


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 24))
    words[0] = words[0].capitalize()
    return f"{' '.join(words)} in {rng.choice(PLACES)}, {rng.choice(SPEAKERS)} said."


def _inline(rng: random.Random, sentence: str) -> str:
    """A sentence with the inline markup news HTML carries: a tag link, emphasis."""
    words = sentence.split(" ")
    at = rng.randrange(1, len(words) - 3)
    kind = rng.randrange(3)
    if kind == 0:
        words[at] = f'<a href="https://news.example.org/tag/{words[at]}">{words[at]}</a>'
    elif kind == 1:
        words[at : at + 2] = [f"<em>{words[at]} {words[at + 1]}</em>"]
    else:
        words[at : at + 3] = [f"<strong>{' '.join(words[at : at + 3])}</strong>"]
    return " ".join(words)


def _entry(rng: random.Random, feed_no: int, entry_no: int, paragraphs: int) -> str:
    slug = f"{feed_no}-{entry_no}-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"
    body = [
        '<div class="share-tools"><a href="https://www.facebook.com/sharer.php">Share</a> | '
        '<a href="#" onclick="window.print()">Print</a></div>',
        '<p class="byline">By <a href="https://news.example.org/author/staff">Staff Reporter</a></p>',
        f'<figure><img src="https://news.example.org/img/{slug}.jpg" alt="{escape(_sentence(rng))}" width="800" '
        f'height="450" loading="lazy" onerror="this.remove()"><figcaption>{_sentence(rng)} '
        "(Photo: AFP)</figcaption></figure>",
    ]
    for p in range(paragraphs):
        sentences = [_sentence(rng) for _ in range(rng.randint(2, 4))]
        sentences[0] = _inline(rng, sentences[0])
        body.append(f"<p>{' '.join(sentences)}</p>")
        if p == paragraphs // 2:
            body.append(f"<blockquote><p>&#8220;{_sentence(rng)}&#8221;</p></blockquote>")
    body.append("<h3>Related</h3><ul>")
    body += [f'<li><a href="https://news.example.org/story/{rng.getrandbits(32)}">{_sentence(rng)}</a></li>'] * 3
    body.append('</ul><p>Read more: <a href="https://news.example.org/syria">Syria coverage</a></p>')
    body.append('<script>trackPageView("story")</script><iframe src="https://www.youtube.com/embed/x"></iframe>')
    title = escape(" ".join(rng.choices(WORDS, k=8)).capitalize())
    return (
        f"<item><title>{title}</title>"
        f"<link>https://news.example.org/story/{slug}?utm_source=rss&amp;utm_medium=feed</link>"
        f'<guid isPermaLink="false">bench-{slug}</guid>'
        f"<pubDate>Mon, {1 + entry_no % 28:02d} Sep 2018 {entry_no % 24:02d}:00:00 +0000</pubDate>"
        f"<description>{escape(_sentence(rng))}</description>"
        f"<content:encoded><![CDATA[{''.join(body)}]]></content:encoded></item>"
    )


def synthetic_feed(rng: random.Random, feed_no: int, entries: int, paragraphs: int = 6) -> bytes:
    items = "".join(_entry(rng, feed_no, n, paragraphs) for n in range(entries))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Bench feed {feed_no}</title><link>https://news.example.org/</link>"
        f"<description>Synthetic</description>{items}</channel></rss>"
    ).encode()


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
        rng = random.Random(seed)
        sizes = [min(per_feed, entries - start) for start in range(0, entries, per_feed)]
        documents = [synthetic_feed(rng, n, size) for n, size in enumerate(sizes)]
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
        warmup = synthetic_feed(random.Random(0), 999, 20)
        feedparser.parse(io.BytesIO(warmup))
        feed_ingest_body(warmup_feed, warmup, url=warmup_feed.url, extract=self.extract)

        started = time.perf_counter()
        for document in documents:
            parsed = feedparser.parse(io.BytesIO(document))
            assert parsed.entries, "the baseline parsed nothing"
        baseline = time.perf_counter() - started
        self.stdout.write(f"feedparser default parse(): {baseline:.2f} s ({entries / baseline:.0f} entries/s)")

        first, added, _ = self._ingest_all(feeds, documents)
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
        self.stdout.write(
            f"entries_per_s={entries / first:.0f} feedparser_only_per_s={entries / baseline:.0f} "
            f"ratio={baseline / first:.2f}"
        )
