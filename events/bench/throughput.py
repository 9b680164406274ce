"""bench_pages --throughput: requests a second that the production shape serves, page by page.

The production shape on this machine: gunicorn with 2 sync workers (the project's gunicorn config, DEBUG off,
collected static files served by WhiteNoise, Redis as cache when REDIS_URL is set) in front of a scratch
PostgreSQL database filled by bench_pages' generator. Each URL in turn is driven by concurrent loopback clients
(threads in this process, one new connection a request, as gunicorn's sync workers close each one) for a bounded
time and a bounded number of requests. A static file is measured in the same run: it is the stack's floor, what
gunicorn, the WSGI layer and this client manage with no view at all, so a figure taken while other work loads the
shared machine can be read against it.

The client is wrk (Debian's package) when the machine has it: a C client in its own process, one thread and
`clients` connections, whose latencies carry no interpreter's pauses; a Python client measuring in the same
process as the report adds its own tail (p99 up to 3.1x p50 for pages that wrk measures at 1.7-1.9x, and 3.2x for
the static file itself). Without wrk (or with BENCH_CLIENT=python), threads in this process drive the URL.

For each URL: requests/s, p50 and p99 of the client-side latency, and the CPU time the gunicorn workers (and the
PostgreSQL backends serving them) spent per request, read from /proc before and after the URL's stretch. CPU per
request does not move much when other processes compete for the cores; requests/s does.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

_CLK_TCK = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    # After the command name: state is field 3, utime field 14 and stime field 15 (1-based, proc(5)).
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            after = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(after[1]) == pid:
            found.append(int(entry.name))
    return found


def backend_pids(database: str) -> list[int]:
    """PostgreSQL backends connected to the scratch database (the gunicorn workers' connections)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        )
        return [row[0] for row in cursor.fetchall()]


def static_url(static_root: Path, name: str) -> str:
    """The hashed URL collectstatic gave ``name`` (WhiteNoise serves it with far-future caching)."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][name]


@dataclass
class UrlResult:
    name: str
    url: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_web: float = 0.0
    cpu_db: float = 0.0
    body_bytes: int = 0
    # Requests answered, when an external client counted them (wrk): `latencies` then holds its latency quantiles,
    # one point per percent of requests, which merge across rounds as samples of equal weight.
    counted: int = 0

    @property
    def requests(self) -> int:
        return self.counted or len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 0.99) if self.latencies else 0.0


HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}


def get_full(port: int, url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[
    int, int, dict[str, str]
]:
    """One GET on a new loopback connection; (status, body length, response headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url, headers={**HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, len(response.read()), dict(response.getheaders())
    finally:
        conn.close()


def get(port: int, url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, int]:
    status, size, _headers = get_full(port, url, headers, timeout)
    return status, size


@dataclass
class Target:
    """A URL to drive, with the request headers to send and the status that counts as an answer."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


_WRK_REPORT = """
done = function(summary, latency, requests)
  local points = {}
  for i = 0, 99 do points[#points + 1] = string.format("%.4f", latency:percentile(i + 0.5) / 1000) end
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "ms": [%s]}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout + e.status,
    table.concat(points, ",")))
end
"""


def wrk_path() -> str | None:
    return None if os.environ.get("BENCH_CLIENT") == "python" else shutil.which("wrk")


def _drive_wrk(wrk: str, port: int, target: Target, clients: int, seconds: float, result: UrlResult,
               script: Path) -> None:
    """wrk for ``seconds`` over ``clients`` connections (no request cap: wrk has none); non-2xx/3xx answers and
    socket errors are errors."""
    headers = [arg for name, value in {**HEADERS, **target.headers}.items() for arg in ("-H", f"{name}: {value}")]
    run = subprocess.run(
        [wrk, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script),
         *headers, f"http://127.0.0.1:{port}{target.url}"],
        capture_output=True, text=True, check=True,
    )
    line = next((x for x in run.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report for {target.url}: {run.stdout[-500:]} {run.stderr[-500:]}")
    report = json.loads(line.removeprefix("WRK_JSON "))
    result.counted = report["requests"] - report["errors"]
    result.errors += ["HTTP status or socket error"] * report["errors"]
    result.latencies = report["ms"] if result.counted else []
    result.body_bytes = report["bytes"] // max(1, report["requests"])  # headers included


def drive(port: int, name: str, target: Target, clients: int, seconds: float, cap: int, worker_pids: list[int],
          database: str) -> UrlResult:
    """The target driven for ``seconds`` over ``clients`` connections: by wrk when the machine has it, else by
    ``clients`` threads here until ``seconds`` have passed or ``cap`` requests were sent."""
    url = target.url
    result = UrlResult(name, url)
    wrk = wrk_path()
    if wrk:
        script = Path(tempfile.gettempdir()) / f"idlib-bench-wrk-{os.getpid()}.lua"
        script.write_text(_WRK_REPORT)
        web_before = sum(process_cpu_seconds(pid) for pid in worker_pids)
        db_before = {pid: process_cpu_seconds(pid) for pid in backend_pids(database)}
        started = time.monotonic()
        try:
            _drive_wrk(wrk, port, target, clients, seconds, result, script)
        finally:
            script.unlink(missing_ok=True)
        result.seconds = time.monotonic() - started
        result.cpu_web = sum(process_cpu_seconds(pid) for pid in worker_pids) - web_before
        result.cpu_db = sum(process_cpu_seconds(pid) - db_before.get(pid, 0.0) for pid in backend_pids(database))
        return result
    lock = threading.Lock()
    budget = iter(range(cap))
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline and next(budget, None) is not None:
            started = time.perf_counter()
            try:
                status, size = get(port, url, target.headers)
                error = "" if status == target.status else f"HTTP {status}"
            except OSError as exc:
                error, size = type(exc).__name__, 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if error:
                    result.errors.append(error)
                else:
                    result.latencies.append(elapsed)
                    result.body_bytes = size

    web_before = sum(process_cpu_seconds(pid) for pid in worker_pids)
    # Backends come and go (persistent connections are renewed): those present at the end that were not at the
    # start were born during the stretch and count whole.
    db_before = {pid: process_cpu_seconds(pid) for pid in backend_pids(database)}
    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    result.cpu_web = sum(process_cpu_seconds(pid) for pid in worker_pids) - web_before
    result.cpu_db = sum(process_cpu_seconds(pid) - db_before.get(pid, 0.0) for pid in backend_pids(database))
    return result


def report_lines(results: list[UrlResult]) -> list[str]:
    lines = [
        f"{'page':<26}{'req/s':>8}{'p50':>9}{'p99':>9}{'p99/p50':>8}{'CPU web':>10}{'CPU db':>9}{'kB':>7}"
        f"{'errors':>7}"
    ]
    for r in results:
        per = max(1, r.requests)
        lines.append(
            f"{r.name:<26}{r.rps:>8.0f}{r.p50:>7.1f}ms{r.p99:>7.1f}ms{r.p99 / r.p50 if r.p50 else 0:>8.1f}"
            f"{r.cpu_web * 1000 / per:>8.2f}ms{r.cpu_db * 1000 / per:>7.2f}ms{r.body_bytes / 1024:>7.0f}"
            f"{len(r.errors):>7}"
        )
    return lines


def throughput_urls(data, static_root: Path) -> dict[str, str]:
    """The URLs measured: the floor, the health check, the pages with targets, the map and a bounded export."""
    from datetime import timedelta

    from events.models import Event

    today = data.today
    middle = Event.objects.order_by("-occurred_on", "-id").values_list("occurred_on", "id")[data.written // 2]
    newest = Event.objects.order_by("-occurred_on", "-id").values_list("id", flat=True).first()
    actor = data.parents[0]
    month_ago = (today - timedelta(days=29)).isoformat()
    return {
        "static file (floor)": static_url(static_root, "css/site.css"),
        "healthz": "/healthz",
        "timeline": "/timeline/",
        "timeline filtered": f"/timeline/?type=Explosions%2FRemote+violence&actor={actor.slug}",
        "timeline deep": f"/timeline/?cursor={middle[0].isoformat()}.{middle[1]}",
        "dashboard": "/",
        "actor page": f"/actors/{actor.slug}/",
        "place page": f"/places/{data.places[0].slug}/",
        "event page": f"/events/{newest}/",
        "map page": "/map/",
        "zones geojson": f"/api/zones.geojson?date={today.isoformat()}",
        "events geojson (30 days)": f"/api/events.geojson?from={month_ago}&to={today.isoformat()}",
        "csv (30 days)": f"/api/events.csv?from={month_ago}",
    }


# The pages the targets name (>= 300 req/s, p99 <= 3x p50) and the map's GeoJSON endpoints (>= 600 req/s).
TARGET_PAGES = ("timeline", "timeline filtered", "dashboard", "actor page", "place page", "event page")
TARGET_GEOJSON = ("zones geojson", "events geojson (30 days)")


def time_full_exports(command, workdir: Path) -> None:
    """What the export job costs: each full-record file written in this process, as a worker writes it."""
    from django.conf import settings

    from events import freshness
    from events.exports import full_export_write

    settings.EXPORTS_ROOT = workdir / "exports"
    version = freshness.version() + 1  # never a version a deployment sharing this cache has written
    worst = 0.0
    for kind in ("csv", "json", "geojson"):
        report = full_export_write(kind, version)
        worst = max(worst, report.cpu_seconds)
        command.stdout.write(
            f"full export {kind:<8}{report.bytes / 1e6:>8.1f} MB in {report.seconds:>6.2f}s wall, "
            f"{report.cpu_seconds:.2f}s CPU of the worker process"
        )
    command.stdout.write(f"worst_full_export_cpu_s={worst:.2f}")


def run_throughput(command, *, events: int, per_day: int, seed: int, keep: bool, seconds: float, clients: int,
                   rounds: int, cap: int, page_cache: bool = True, exports: bool = True) -> None:
    """Scratch database, gunicorn with 2 workers, then each URL driven in turn; prints the table and the last line."""
    import logging
    import shutil
    import tempfile

    from django.conf import settings
    from django.core.management.base import CommandError
    from django.utils import timezone

    from events.bench.synthetic import Synthetic
    from idlib_tracker import childprocs

    if connection.vendor != "postgresql":
        raise CommandError("--throughput runs gunicorn on a shared database: set DATABASE_URL to PostgreSQL.")
    if not (1 <= clients <= 64 and 1 <= seconds <= 120 and 1 <= rounds <= 10 and events >= 100 and cap >= 10):
        raise CommandError("Use 1-64 --clients, 1-120 --seconds, 1-10 --rounds, >= 100 --events, >= 10 --max-requests.")
    logging.disable(logging.INFO)
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_tp"
    command.stdout.write(f"Creating scratch database {connection.settings_dict['TEST']['NAME']} ...")
    scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    workdir = Path(tempfile.mkdtemp(prefix="bench_tp_"))
    web = None
    try:
        started = time.perf_counter()
        data = Synthetic(seed, per_day, timezone.localdate())
        data.reference()
        data.extend_to(events)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        command.stdout.write(f"{events} events written in {time.perf_counter() - started:.1f}s; collecting static ...")
        if exports:
            time_full_exports(command, workdir)
        static = childprocs.collect_static(workdir / "static")
        env = {
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": childprocs.database_url(connection.settings_dict),
            "REDIS_URL": settings.REDIS_URL or "",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(static),
            # The access log line is written (a production cost) but not shown.
            "LOG_LEVEL": "WARNING",
            # --no-page-cache: every page rendered (what a visit right after a change of the record costs).
            "PUBLIC_CACHE_SECONDS": "600" if page_cache else "0",
        }
        port = childprocs.free_port()
        web = childprocs.start_gunicorn(port, workdir / "gunicorn.log", env, workers=2)
        urls = throughput_urls(data, static)
        targets = {name: Target(url) for name, url in urls.items()}
        for name, url in urls.items():  # warm both workers (and fail early on a broken page)
            for _ in range(4):
                status, _size, headers = get_full(port, url)
                if status != 200:
                    raise CommandError(f"{name}: {url} answered {status}")
            if name == "timeline":
                # A browser coming back: If-None-Match with the tag it was given, answered 304 with no body.
                targets["timeline, revalidated"] = Target(url, {"If-None-Match": headers.get("ETag", "")}, 304)
        workers = children_of(web.pid)
        command.stdout.write(
            f"gunicorn ({len(workers)} workers) on 127.0.0.1:{port}, "
            f"cache: {'Redis' if settings.REDIS_URL else 'local memory'}, "
            f"page cache {'on' if page_cache else 'OFF (every page rendered)'}"
            f"; {clients} connections, {rounds} rounds of {seconds:.0f}s per URL "
            f"({'client: wrk' if wrk_path() else f'client: Python threads, at most {cap} requests'}); "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )
        per_round: list[dict[str, UrlResult]] = []
        for n in range(rounds):
            results = {name: drive(port, name, target, clients, seconds, cap, workers, scratch)
                       for name, target in targets.items()}
            per_round.append(results)
            command.stdout.write(f"--- round {n + 1} (load average {os.getloadavg()[0]:.1f})")
            for line in report_lines(list(results.values())):
                command.stdout.write(line)
        merged = []
        for name, target in targets.items():
            total = UrlResult(name, target.url)
            for results in per_round:
                r = results[name]
                total.seconds += r.seconds
                total.latencies += r.latencies
                total.counted += r.counted
                total.errors += r.errors
                total.cpu_web += r.cpu_web
                total.cpu_db += r.cpu_db
                total.body_bytes = r.body_bytes
            merged.append(total)
        command.stdout.write("--- all rounds (req/s spread across rounds in brackets)")
        lines = report_lines(merged)
        command.stdout.write(lines[0] + "  spread")
        for line, total in zip(lines[1:], merged, strict=True):
            spread = [results[total.name].rps for results in per_round]
            command.stdout.write(f"{line}  [{min(spread):.0f}-{max(spread):.0f}]")
        by_name = {r.name: r for r in merged}
        worst = min(by_name[name].rps for name in TARGET_PAGES)
        worst_geo = min(by_name[name].rps for name in TARGET_GEOJSON)
        tail = max(by_name[name].p99 / by_name[name].p50 for name in TARGET_PAGES if by_name[name].p50)
        errors = sum(len(r.errors) for r in merged)
        command.stdout.write(
            f"worst_page_rps={worst:.0f} floor_rps={by_name['static file (floor)'].rps:.0f} "
            f"worst_geojson_rps={worst_geo:.0f} worst_p99_over_p50={tail:.1f} errors={errors}"
        )
    except Exception:
        if (workdir / "gunicorn.log").exists():
            command.stderr.write("--- last lines of gunicorn.log:\n" + (workdir / "gunicorn.log").read_text()[-4000:])
        raise
    finally:
        if web is not None:
            childprocs.stop(web)
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)
        shutil.rmtree(workdir, ignore_errors=True)
