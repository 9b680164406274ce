"""python manage.py bench_pages --events N: do the analysts' pages cost the same with N events as with 1000?

Works in a SEPARATE scratch database, created and dropped by the command through Django's own test-database
machinery (`<name>_bench` on PostgreSQL; a temporary file on SQLite), so it never touches real data.

The synthetic record grows the way a tracker's does: by history. Events arrive at a steady rate (--per-day, 5 by
default, about the rate ACLED records for Idlib governorate in a busy year) going back from today, each with one or
two actors, a place, a source article and, for one in five, a statement; control zones are redrawn every 90 days.
Actors, places and feeds are reference data of a fixed size. The newest 1000 events are written to one scratch
database; a copy of it (`<name>_bench_large`, CREATE DATABASE ... TEMPLATE) is extended back in time to N events.
Both are vacuumed and analysed, as a database that grew over years would be.

Each page is requested through Django's test client (the whole middleware and template stack, no network), after
warm-up, in rounds that alternate between the two databases so that load from other processes on the machine falls
on both sizes alike; the server-side p50 / p95 and the number of SQL queries are printed. The last line is
`worst_p50_ratio=...`, the largest p50(N) / p50(1000) over the pages; the target is <= 1.5 at N=100000 with the
same query counts.

`--throughput` measures something else: requests a second through gunicorn with 2 workers (the production shape)
on one scratch database of N events, page by page, beside a static file's in the same run (see
_bench_throughput.py). The last line is `worst_page_rps=... floor_rps=...`; the targets are >= 300 req/s with p99 <=
3x p50 for the timeline, dashboard, actor, place and event pages and >= 600 for the map's GeoJSON.
"""

from __future__ import annotations

import logging
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from actors.models import Actor, ActorKind, Statement, statement_key
from events.models import (
    ActorRole,
    Article,
    ControlZone,
    Event,
    EventActor,
    EventSource,
    EventStatus,
    Feed,
    Place,
)
from events.taxonomy import SUB_EVENT_TYPES, EventType

BASELINE = 1000
BATCH = 5000
ZONE_PERIOD_DAYS = 90
GOVERNORATES = ["Idlib", "Aleppo", "Hama", "Latakia"]
# Shares of the ACLED types in the Idlib record: mostly shelling and air strikes, then clashes.
TYPE_WEIGHTS = {
    EventType.EXPLOSIONS: 55, EventType.BATTLES: 25, EventType.VIOLENCE_AGAINST_CIVILIANS: 8,
    EventType.STRATEGIC: 8, EventType.PROTESTS: 3, EventType.RIOTS: 1,
}
WORDS = ["shelling", "air", "strike", "clashes", "front", "village", "market", "convoy", "drone", "artillery",
         "checkpoint", "offensive", "positions", "road", "hospital", "camp", "civilians", "fighters", "patrol"]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Synthetic:
    """Writes the synthetic record in batches (bulk_create; the search-vector trigger runs as in production)."""

    def __init__(self, seed: int, per_day: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.per_day = per_day
        self.today = today
        self.written = 0
        self.zone_periods = 0

    def reference(self) -> None:
        rng = self.rng
        self.parents = []
        self.actors: list[Actor] = []
        colours = ["#c0392b", "#2e7d32", "#1f77b4", "#8e44ad", "#b8860b", "#555555"]
        for g in range(6):
            parent = Actor.objects.create(name=f"Bench state {g}", slug=f"bench-state-{g}", kind=ActorKind.STATE,
                                          color=colours[g])
            self.parents.append(parent)
            self.actors.append(parent)
            for m in range(3):
                member = Actor.objects.create(name=f"Bench unit {g}.{m}", slug=f"bench-unit-{g}-{m}",
                                              kind=ActorKind.STATE_FORCES, parent=parent)
                self.actors.append(member)
                self.actors.append(Actor.objects.create(name=f"Bench person {g}.{m}", slug=f"bench-person-{g}-{m}",
                                                        kind=ActorKind.PERSON, parent=member))
        for a in range(40):
            self.actors.append(Actor.objects.create(name=f"Bench group {a}", slug=f"bench-group-{a}",
                                                    kind=ActorKind.MILITIA))
        self.places = Place.objects.bulk_create(
            [
                Place(name=f"Bench place {p}", slug=f"bench-place-{p}", admin1=GOVERNORATES[p % len(GOVERNORATES)],
                      latitude=rng.uniform(35.3, 36.6), longitude=rng.uniform(35.9, 37.3))
                for p in range(300)
            ]
        )
        self.feeds = [Feed.objects.create(name=f"Bench wire {f}", url=f"https://bench.invalid/{f}.xml", active=False)
                      for f in range(5)]

    def extend_to(self, total: int) -> None:
        """Add events going back in time until `total` exist, and the zones of the days they cover."""
        while self.written < total:
            self._batch(min(BATCH, total - self.written))
        days_covered = self.written // self.per_day + 1
        periods = days_covered // ZONE_PERIOD_DAYS + 1
        zones = []
        for k in range(self.zone_periods, periods):
            valid_to = None if k == 0 else self.today - timedelta(days=ZONE_PERIOD_DAYS * k)
            valid_from = self.today - timedelta(days=ZONE_PERIOD_DAYS * (k + 1))
            for z, controller in enumerate(self.parents[:4]):
                lon, lat = 36.0 + 0.35 * z + self.rng.uniform(-0.05, 0.05), 35.9 + self.rng.uniform(-0.05, 0.05)
                ring = [[lon, lat], [lon + 0.3, lat], [lon + 0.3, lat + 0.4], [lon, lat + 0.4], [lon, lat]]
                zones.append(ControlZone(name=f"Bench zone {k}.{z}", controller=controller, valid_from=valid_from,
                                         valid_to=valid_to, geometry={"type": "Polygon", "coordinates": [ring]}))
        ControlZone.objects.bulk_create(zones)
        self.zone_periods = max(self.zone_periods, periods)

    def _batch(self, count: int) -> None:
        rng = self.rng
        types = list(TYPE_WEIGHTS)
        weights = list(TYPE_WEIGHTS.values())
        events, articles = [], []
        for i in range(self.written, self.written + count):
            event_type = rng.choices(types, weights)[0]
            day = self.today - timedelta(days=i // self.per_day)
            place = rng.choice(self.places)
            events.append(Event(
                title=f"{' '.join(rng.choices(WORDS, k=5)).capitalize()} near {place.name}",
                description=" ".join(rng.choices(WORDS, k=25)),
                event_type=event_type, sub_event_type=rng.choice(SUB_EVENT_TYPES[event_type]),
                occurred_on=day, place=place, status=EventStatus.PUBLISHED,
                fatalities=rng.choice([None, 0, 1, 2, 5]),
            ))
            articles.append(Article(
                feed=self.feeds[i % len(self.feeds)], guid=f"bench-{i}", url=f"https://bench.invalid/story/{i}",
                title=f"Report {i}", text="", content_hash=f"{i:064x}",
            ))
        Event.objects.bulk_create(events, batch_size=1000)
        Article.objects.bulk_create(articles, batch_size=1000)
        roles, sources, statements = [], [], []
        for n, (event, article) in enumerate(zip(events, articles, strict=True)):
            first = rng.choice(self.actors)
            roles.append(EventActor(event=event, actor=first, role=ActorRole.ACTOR1))
            second = rng.choice(self.actors)
            if second != first and rng.random() < 0.7:
                roles.append(EventActor(event=event, actor=second, role=ActorRole.ACTOR2))
            sources.append(EventSource(event=event, article=article, sentence=event.title))
            if n % 5 == 0:
                text = f"Statement {self.written + n}: " + " ".join(rng.choices(WORDS, k=12))
                statements.append(Statement(
                    speaker=rng.choice(self.actors), speaker_text="", text=text, is_direct=True,
                    said_on=event.occurred_on, article=article, event=event, text_key=statement_key(text),
                ))
        EventActor.objects.bulk_create(roles, batch_size=2000)
        EventSource.objects.bulk_create(sources, batch_size=2000)
        Statement.objects.bulk_create(statements, batch_size=2000)
        self.written += count


class Command(BaseCommand):
    help = "Time the analysts' pages at 1000 and at N events in a scratch database; print worst_p50_ratio."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--events", type=int, default=100_000, help="events in the large record (>= 2000)")
        parser.add_argument("--per-day", type=int, default=5, help="events a day in the synthetic record")
        parser.add_argument("--requests", type=int, default=40, help="timed requests per page and size")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="leave the scratch databases for inspection")
        parser.add_argument("--throughput", action="store_true",
                            help="req/s through gunicorn (2 workers) with concurrent loopback clients instead")
        parser.add_argument("--seconds", type=float, default=5.0, help="--throughput: seconds per URL and round")
        parser.add_argument("--clients", type=int, default=4, help="--throughput: concurrent connections")
        parser.add_argument("--rounds", type=int, default=2, help="--throughput: passes over the URLs")
        parser.add_argument("--max-requests", type=int, default=20000, help="--throughput: cap per URL and round")
        parser.add_argument("--no-page-cache", action="store_true",
                            help="--throughput: render every page (PUBLIC_CACHE_SECONDS=0), the cost after a change")
        parser.add_argument("--no-exports", action="store_true", help="--throughput: skip timing the export job")

    def handle(self, *args, events: int, per_day: int, requests: int, seed: int, keep: bool, **options) -> None:
        if options["throughput"]:
            from events.management.commands._bench_throughput import run_throughput

            run_throughput(self, events=events, per_day=per_day, seed=seed, keep=keep, seconds=options["seconds"],
                           clients=options["clients"], rounds=options["rounds"], cap=options["max_requests"],
                           page_cache=not options["no_page_cache"], exports=not options["no_exports"])
            return
        if events < 2 * BASELINE:
            raise CommandError(f"--events must be at least {2 * BASELINE}.")
        if per_day < 1 or requests < 10:
            raise CommandError("--per-day must be >= 1 and --requests >= 10.")
        logging.disable(logging.INFO)  # the per-request access log would drown the report
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        scratch_dir = None
        if connection.vendor == "sqlite":
            scratch_dir = Path(tempfile.mkdtemp(prefix="bench_pages_"))
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(scratch_dir / "bench.sqlite3")
        else:
            connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench"
        self.stdout.write(f"Creating scratch database {connection.settings_dict['TEST']['NAME']} ...")
        small_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        large_name = ""
        try:
            with override_settings(
                ALLOWED_HOSTS=["testserver"],
                SECURE_SSL_REDIRECT=False,
                SITE_LOGIN_REQUIRED=False,
                DEBUG=False,
                STORAGES={**settings.STORAGES, "staticfiles": {
                    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
            ):
                large_name = self._copy_name(small_name)
                self._run(events, per_day, requests, seed, small_name, large_name)
        finally:
            self._use(small_name)
            if large_name and not keep:
                self._drop(large_name)
            creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)
            if keep:
                self.stdout.write(f"Kept the scratch databases {small_name} and {large_name}.")
            elif scratch_dir is not None:
                for path in scratch_dir.iterdir():
                    path.unlink()
                scratch_dir.rmdir()

    # --- Two scratch databases: the 1000-event record and its copy grown to N ------------------------------------

    @staticmethod
    def _copy_name(small_name: str) -> str:
        if connection.vendor == "sqlite":
            return str(Path(small_name).with_name("bench-large.sqlite3"))
        return f"{small_name}_large"

    @staticmethod
    def _use(name: str) -> None:
        connection.close()
        connection.settings_dict["NAME"] = name

    def _copy(self, small_name: str, large_name: str) -> None:
        connection.close()
        if connection.vendor == "sqlite":
            shutil.copyfile(small_name, large_name)
            return
        quote = connection.ops.quote_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(large_name)}")
            cursor.execute(f"CREATE DATABASE {quote(large_name)} TEMPLATE {quote(small_name)}")

    def _drop(self, large_name: str) -> None:
        connection.close()
        if connection.vendor == "sqlite":
            Path(large_name).unlink(missing_ok=True)
            return
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(large_name)}")

    @staticmethod
    def _settle() -> None:
        """What a database that grew slowly would have had: fresh statistics, visibility map, a checkpoint."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
                cursor.execute("CHECKPOINT")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _run(self, total: int, per_day: int, requests: int, seed: int, small_name: str, large_name: str) -> None:
        today = timezone.localdate()
        data = Synthetic(seed, per_day, today)
        data.reference()
        data.extend_to(BASELINE)
        self._settle()
        small_pages = self._pages(data)
        self._copy(small_name, large_name)
        self._use(large_name)
        started = time.perf_counter()
        data.extend_to(total)
        self._settle()
        large_pages = self._pages(data)
        self.stdout.write(
            f"Record of {BASELINE} events copied and extended back in time to {total} events ({total // per_day} "
            f"days, {ControlZone.objects.count()} zones, {Statement.objects.count()} statements) in "
            f"{time.perf_counter() - started:.1f}s."
        )
        # Interleaved rounds, so load from other processes on the machine falls on both sizes alike.
        rounds = 5
        samples: dict[str, dict[str, list[float]]] = {"small": {}, "large": {}}
        queries: dict[str, dict[str, int]] = {}
        client = Client()
        for label, name, pages in (("small", small_name, small_pages), ("large", large_name, large_pages)):
            self._use(name)
            queries[label] = {page: self._warm_and_count(client, url) for page, url in pages.items()}
        self.stdout.write(f"Measuring {requests} requests per page and size in {rounds} interleaved rounds ...")
        for _ in range(rounds):
            for label, name, pages in (("small", small_name, small_pages), ("large", large_name, large_pages)):
                self._use(name)
                for page, url in pages.items():
                    samples[label].setdefault(page, []).extend(
                        self._time(client, url) for _ in range(max(1, requests // rounds))
                    )
        self._report(total, samples, queries)

    def _report(
        self, total: int, samples: dict[str, dict[str, list[float]]], queries: dict[str, dict[str, int]]
    ) -> None:
        self.stdout.write(
            f"{'page':<22}{'p50@1000':>10}{'p95@1000':>10}{'q':>4}{f'p50@{total}':>13}{f'p95@{total}':>13}{'q':>4}"
            f"{'ratio':>7}"
        )
        worst = 0.0
        mismatched = []
        for page, small_times in samples["small"].items():
            large_times = samples["large"][page]
            a50, b50 = statistics.median(small_times), statistics.median(large_times)
            ratio = b50 / a50
            worst = max(worst, ratio)
            qa, qb = queries["small"][page], queries["large"][page]
            if qa != qb:
                mismatched.append(page)
            self.stdout.write(
                f"{page:<22}{a50:>8.1f}ms{_percentile(small_times, 0.95):>8.1f}ms{qa:>4}"
                f"{b50:>11.1f}ms{_percentile(large_times, 0.95):>11.1f}ms{qb:>4}{ratio:>7.2f}"
            )
        self.stdout.write(f"query counts identical: {'yes' if not mismatched else 'NO: ' + ', '.join(mismatched)}")
        self.stdout.write(f"worst_p50_ratio={worst:.2f}")

    def _pages(self, data: Synthetic) -> dict[str, str]:
        """The URLs measured, chosen the same way at both sizes."""
        today = data.today
        middle = Event.objects.order_by("-occurred_on", "-id").values_list("occurred_on", "id")[data.written // 2]
        actor = data.parents[0]
        return {
            "timeline first": "/timeline/",
            # About 8% of events match (more than a page even at 1000), so both sizes render a full page.
            "timeline filtered": f"/timeline/?type=Explosions%2FRemote+violence&actor={actor.slug}",
            "timeline deep": f"/timeline/?cursor={middle[0].isoformat()}.{middle[1]}",
            "map zones geojson": f"/api/zones.geojson?date={today.isoformat()}",
            "map events geojson": f"/api/events.geojson?from={(today - timedelta(days=29)).isoformat()}"
                                  f"&to={today.isoformat()}",
            "actor page": f"/actors/{actor.slug}/",
            "dashboard": "/",
        }

    @staticmethod
    def _fetch(client: Client, url: str) -> int:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            _ = response.content
        return response.status_code

    def _warm_and_count(self, client: Client, url: str) -> int:
        for _ in range(3):
            self._fetch(client, url)
        with CaptureQueriesContext(connection) as captured:
            status = self._fetch(client, url)
        count = len(captured)  # now: the log is cleared when the next request starts
        if status != 200:
            raise CommandError(f"{url} answered {status}")
        return count

    def _time(self, client: Client, url: str) -> float:
        started = time.perf_counter()
        self._fetch(client, url)
        return (time.perf_counter() - started) * 1000
