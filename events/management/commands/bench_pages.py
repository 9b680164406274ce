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
events/bench/throughput.py). The last line is `worst_page_rps=... floor_rps=...`; the targets are >= 300 req/s
with p99 <= 3x p50 for the timeline, dashboard, actor, place and event pages and >= 600 for the map's GeoJSON.
"""

from __future__ import annotations

import logging
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from actors.models import Statement
from events.bench.synthetic import Synthetic
from events.bench.throughput import percentile, run_throughput
from events.models import ControlZone, Event

BASELINE = 1000



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
                # What is measured is the render (its cost and query count at both sizes); a cached page would
                # be a cache read whatever the record's size.
                PUBLIC_CACHE_SECONDS=0,
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
                f"{page:<22}{a50:>8.1f}ms{percentile(small_times, 0.95):>8.1f}ms{qa:>4}"
                f"{b50:>11.1f}ms{percentile(large_times, 0.95):>11.1f}ms{qb:>4}{ratio:>7.2f}"
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
