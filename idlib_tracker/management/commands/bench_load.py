"""python manage.py bench_load: does the running site stay fast while feeds are being ingested?

Sets up the production shape on this machine, in a SEPARATE scratch database (`<name>_bench_load`, created and
dropped through Django's test-database machinery, so real data is never touched) filled with bench_pages'
history-shaped synthetic record:

- gunicorn with 2 workers (the project's gunicorn config, DEBUG off, collected static files) on a loopback port;
- a real `celery worker` (prefork, concurrency 2 as in docker-compose.yml) on a queue of its own;
- a feed server on loopback serving article-sized synthetic feeds with new entries on each fetch.

Then concurrent clients (threads, loopback only, bounded by --seconds and --max-requests per stretch) request the
timeline, the map's GeoJSON and the exports, one URL at a time for an equal share of the stretch (as
`bench_pages --throughput` drives them with its Python client, BENCH_CLIENT=python, so the idle req/s of a URL here
agrees with its figure there; with wrk that bench measures more, as its client costs the machine less; a mix in
which every client cycles through every URL would report the rate of the slowest export instead): first with the
worker idle (the baseline), then while the feeds are
fetched and ingested over and over (every fetch brings new articles, so each is parsed, cleaned, stored and run
through extraction). The idle/loaded pair is repeated --rounds times, alternating, so that load from other
processes on the machine falls on both phases alike. It reports throughput, p50/p95 and errors for both phases and
the articles ingested meanwhile; the last line is `idle_p95_ms=... loaded_p95_ms=... p95_ratio=... errors=...`.
Target: zero errors and a ratio under 4.
"""

from __future__ import annotations

import logging
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from events.bench.synthetic import WORDS, Synthetic
from events.bench.throughput import percentile
from events.models import Article, Feed
from idlib_tracker import childprocs

BODIES_PER_FEED = 40
BENCH_FEED_IDS = 2_000_000_000


PLACES = ["Idlib", "Saraqib", "Ariha", "Jisr al-Shughur", "Khan Shaykhun", "Maarat al-Numan", "Atarib"]


def article_feed(rng: random.Random, entries: int) -> bytes:
    """An RSS body of ``entries`` article-sized items (six paragraphs of HTML each) with never-seen guids."""
    now = format_datetime(timezone.now())
    items = []
    for _ in range(entries):
        key = f"{rng.getrandbits(64):016x}"
        paragraphs = "".join(
            "<p>" + " ".join(
                f"{' '.join(rng.choices(WORDS, k=14)).capitalize()} near {rng.choice(PLACES)}, officials said."
                for _ in range(4)
            ) + "</p>"
            for _ in range(6)
        )
        items.append(
            f"<item><title>{escape(' '.join(rng.choices(WORDS, k=8)).capitalize())}</title>"
            f"<link>https://news.example.org/story/{key}</link><guid>load-{key}</guid><pubDate>{now}</pubDate>"
            f"<description><![CDATA[{paragraphs}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Load wire</title>'
        f"<link>https://news.example.org/</link><description>bench</description>{''.join(items)}</channel></rss>"
    ).encode()



class FeedSource:
    """Serves /feed/<n>.xml on loopback: each GET the next of a pool of pre-built bodies, all with new entries
    (built up front so that serving costs the benchmark's own process next to nothing)."""

    def __init__(self, feeds: int, entries: int, seed: int) -> None:
        rng = random.Random(seed)
        self.bodies = [
            [article_feed(rng, entries) for _ in range(BODIES_PER_FEED)] for _feed in range(feeds)
        ]
        self.served = [0] * feeds
        self.lock = threading.Lock()
        source = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                try:
                    feed_no = int(self.path.removeprefix("/feed/").removesuffix(".xml"))
                    pool = source.bodies[feed_no]
                except (ValueError, IndexError):
                    self.send_error(404)
                    return
                with source.lock:
                    body = pool[source.served[feed_no] % len(pool)]
                    source.served[feed_no] += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, feed_no: int) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/feed/{feed_no}.xml"


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    url_seconds: dict[str, float] = field(default_factory=dict)

    def rps(self, key: str) -> float:
        seconds = self.url_seconds.get(key, 0.0)
        return len(self.latencies.get(key, [])) / seconds if seconds else 0.0

    @property
    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]

    @property
    def requests(self) -> int:
        return len(self.all_latencies) + len(self.errors)


class Command(BaseCommand):
    help = "Drive gunicorn (2 workers) with concurrent clients, idle then during ingestion; print p95 and errors."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--events", type=int, default=5000, help="published events in the scratch record")
        parser.add_argument("--clients", type=int, default=4, help="concurrent client threads (2 per worker)")
        parser.add_argument("--seconds", type=float, default=10.0, help="length of each idle or loaded stretch")
        parser.add_argument("--rounds", type=int, default=3, help="idle/loaded pairs, alternated")
        parser.add_argument("--max-requests", type=int, default=20000, help="cap on requests per stretch")
        parser.add_argument("--feeds", type=int, default=3, help="feeds ingested over and over in the loaded phase")
        parser.add_argument("--entries", type=int, default=30, help="new entries in each fetched feed body")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, events: int, clients: int, seconds: float, rounds: int, max_requests: int, feeds: int,
               entries: int, seed: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_load runs gunicorn and a worker on a shared database: set DATABASE_URL to "
                               "PostgreSQL.")
        if not settings.REDIS_URL:
            raise CommandError("bench_load needs the Celery broker: set REDIS_URL.")
        if not (1 <= clients <= 64 and 1 <= seconds <= 300 and 1 <= rounds <= 10 and 1 <= feeds <= 20
                and events >= 100):
            raise CommandError("Use 1-64 --clients, 1-300 --seconds, 1-10 --rounds, 1-20 --feeds and at least 100 "
                               "--events.")
        logging.disable(logging.INFO)  # our own access log lines would drown the report
        old_name = connection.settings_dict["NAME"]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_load"
        self.stdout.write(f"Creating scratch database {connection.settings_dict['TEST']['NAME']} ...")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        workdir = Path(tempfile.mkdtemp(prefix="bench_load_"))
        try:
            self._run(workdir, events, clients, seconds, rounds, max_requests, feeds, entries, seed)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            shutil.rmtree(workdir, ignore_errors=True)

    def _run(self, workdir: Path, events: int, clients: int, seconds: float, rounds: int, max_requests: int,
             feeds: int, entries: int, seed: int) -> None:
        started = time.perf_counter()
        data = Synthetic(seed, per_day=5, today=timezone.localdate())
        data.reference()
        data.extend_to(events)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"{events} events written in {time.perf_counter() - started:.1f}s; collecting static ...")
        static = childprocs.collect_static(workdir / "static")

        source = FeedSource(feeds, entries, seed)
        source.thread.start()
        # Ids far above any real feed's: the per-feed locks live in Redis, which a deployment on this machine may
        # share, keyed by feed id. A lock left by an earlier, interrupted run is cleared.
        feed_ids = [
            Feed.objects.create(id=BENCH_FEED_IDS + n, name=f"Load wire {n}", url=source.url(n)).id
            for n in range(feeds)
        ]
        cache.delete_many([f"idlib:feed-lock:{feed_id}" for feed_id in feed_ids])
        queue = f"bench-load-{uuid.uuid4().hex[:8]}"
        db_url = childprocs.database_url(connection.settings_dict)
        env = {
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": db_url,
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(static),
            "FEEDS_ALLOW_PRIVATE_HOSTS": "1",  # the feed server is on loopback
            "LOG_LEVEL": "WARNING",
        }
        port = childprocs.free_port()
        web = childprocs.start_gunicorn(port, workdir / "gunicorn.log", env, workers=2)
        worker = None
        try:
            urls = self._urls(data)
            for url in urls.values():  # warm both gunicorn workers, and fail early on a broken page
                for _ in range(2):
                    status, _body = childprocs.request(port, url)
                    if status != 200:
                        raise CommandError(f"{url} answered {status}")
            worker = childprocs.start_celery_worker(queue, workdir / "worker.log", env, concurrency=2, name="load")
            self.stdout.write(
                f"gunicorn (2 workers) on 127.0.0.1:{port}, celery worker (concurrency 2); {clients} clients, "
                f"{rounds} rounds of {seconds:.0f}s idle then {seconds:.0f}s loaded, {len(urls)} URLs"
            )
            idle, loaded = Phase("idle"), Phase("loaded")
            ingested, ingest_seconds = 0, 0.0
            # Rounds alternate so that load from other processes on the machine falls on both phases alike.
            for _ in range(rounds):
                self._quiesce(feed_ids)
                self._drive(idle, port, urls, clients, seconds, max_requests)
                before = Article.objects.filter(feed_id__in=feed_ids).count()
                stop_feeding = threading.Event()
                feeder = threading.Thread(target=self._feed, args=(feed_ids, queue, stop_feeding), daemon=True)
                feeder.start()
                try:
                    self._wait_for_ingestion(feed_ids, before)
                    ingest_started = time.monotonic()
                    self._drive(loaded, port, urls, clients, seconds, max_requests)
                    ingested += Article.objects.filter(feed_id__in=feed_ids).count() - before
                    ingest_seconds += time.monotonic() - ingest_started
                finally:
                    stop_feeding.set()
                    feeder.join(timeout=10)
                    redis.Redis.from_url(settings.REDIS_URL).delete(queue)  # what the feeder left unfetched
        except Exception:
            for log in ("gunicorn.log", "worker.log"):  # the evidence goes with the temporary folder otherwise
                if (workdir / log).exists():
                    self.stderr.write(f"--- last lines of {log}:\n" + (workdir / log).read_text()[-4000:])
            raise
        finally:
            if worker is not None:
                childprocs.stop(worker, timeout=30)
            childprocs.stop(web)
            source.httpd.shutdown()
            source.httpd.server_close()
            childprocs.delete_queue(settings.REDIS_URL, queue)
        self._report(idle, loaded, urls, ingested, ingest_seconds)

    @staticmethod
    def _urls(data: Synthetic) -> dict[str, str]:
        today = data.today
        month_ago = (today - timedelta(days=29)).isoformat()
        quarter_ago = (today - timedelta(days=89)).isoformat()
        return {
            "timeline": "/timeline/",
            "timeline filtered": "/timeline/?type=Explosions%2FRemote+violence",
            "map events geojson": f"/api/events.geojson?from={month_ago}&to={today.isoformat()}",
            "map zones geojson": f"/api/zones.geojson?date={today.isoformat()}",
            "export csv (90 days)": f"/api/events.csv?from={quarter_ago}&to={today.isoformat()}",
            "export json (90 days)": f"/api/events.json?from={quarter_ago}&to={today.isoformat()}",
        }

    @staticmethod
    def _feed(feed_ids: list[int], queue: str, stop: threading.Event) -> None:
        """Keep the worker busy: whenever the queue has drained, enqueue a fetch of every feed."""
        from events.tasks import fetch_feed

        client = redis.Redis.from_url(settings.REDIS_URL)
        while not stop.is_set():
            if client.llen(queue) == 0:
                for feed_id in feed_ids:
                    fetch_feed.apply_async((feed_id,), queue=queue)
            stop.wait(0.2)

    @staticmethod
    def _wait_for_ingestion(feed_ids: list[int], before: int) -> None:
        try:
            childprocs.wait_until(
                lambda: Article.objects.filter(feed_id__in=feed_ids).count() > before, 120, "ingestion to start"
            )
        except TimeoutError:
            health = Feed.objects.filter(id__in=feed_ids).order_by("id").values_list(
                "id", "last_status", "consecutive_failures", "last_error"
            )
            raise CommandError(
                "The worker stored nothing in 120 s. Feeds (id, status, failures, error): " + repr(list(health))
            ) from None

    @staticmethod
    def _quiesce(feed_ids: list[int]) -> None:
        """Wait for the fetches still running to finish: the idle phase measures the site alone."""
        last, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 3:
            count = Article.objects.filter(feed_id__in=feed_ids).count()
            if count != last:
                last, stable_since = count, time.monotonic()
            time.sleep(0.5)

    @staticmethod
    def _drive(phase: Phase, port: int, urls: dict[str, str], clients: int, seconds: float, cap: int) -> None:
        """Each URL in turn, with every client, for an equal share of ``seconds`` (and of the request cap)."""
        share = seconds / len(urls)
        for key in urls:
            Command._drive_one(phase, port, key, urls[key], clients, share, max(1, cap // len(urls)))

    @staticmethod
    def _drive_one(phase: Phase, port: int, key: str, url: str, clients: int, seconds: float, cap: int) -> None:
        lock = threading.Lock()
        budget = iter(range(cap))
        deadline = time.monotonic() + seconds

        def client(offset: int) -> None:
            while time.monotonic() < deadline and next(budget, None) is not None:
                started = time.perf_counter()
                try:
                    status, _body = childprocs.request(port, url, timeout=30)
                    error = "" if status == 200 else f"{key}: HTTP {status}"
                except OSError as exc:
                    error = f"{key}: {type(exc).__name__}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if error:
                        phase.errors.append(error)
                    else:
                        phase.latencies.setdefault(key, []).append(elapsed)

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        phase.seconds += elapsed
        phase.url_seconds[key] = phase.url_seconds.get(key, 0.0) + elapsed

    def _report(self, idle: Phase, loaded: Phase, urls: dict[str, str], ingested: int, ingest_seconds: float) -> None:
        self.stdout.write(f"{'phase':<8}{'requests':>10}{'req/s':>9}{'p50':>10}{'p95':>10}{'errors':>8}")
        for phase in (idle, loaded):
            values = phase.all_latencies or [0.0]
            self.stdout.write(
                f"{phase.name:<8}{phase.requests:>10}{phase.requests / phase.seconds:>9.1f}"
                f"{statistics.median(values):>8.1f}ms{percentile(values, 0.95):>8.1f}ms{len(phase.errors):>8}"
            )
        self.stdout.write(
            f"ingestion during the loaded phase: {ingested} articles in {ingest_seconds:.1f}s "
            f"({ingested / ingest_seconds:.1f}/s, parsed, cleaned, stored and extracted)"
        )
        self.stdout.write(f"{'per URL':<24}{'idle req/s':>11}{'p95':>10}{'loaded req/s':>14}{'p95':>10}")
        for key in urls:
            a, b = idle.latencies.get(key) or [0.0], loaded.latencies.get(key) or [0.0]
            self.stdout.write(
                f"{key:<24}{idle.rps(key):>11.1f}{percentile(a, 0.95):>8.1f}ms{loaded.rps(key):>14.1f}"
                f"{percentile(b, 0.95):>8.1f}ms"
            )
        for error in sorted(set(idle.errors + loaded.errors))[:10]:
            self.stdout.write(f"error: {error}")
        idle_p95 = percentile(idle.all_latencies or [0.0], 0.95)
        loaded_p95 = percentile(loaded.all_latencies or [0.0], 0.95)
        ratio = loaded_p95 / idle_p95 if idle_p95 else float("inf")
        self.stdout.write(
            f"idle_p95_ms={idle_p95:.1f} loaded_p95_ms={loaded_p95:.1f} p95_ratio={ratio:.2f} "
            f"errors={len(idle.errors) + len(loaded.errors)}"
        )
