"""bench_ingest --workers N: the same feeds ingested by N worker processes at once, as the deployment runs them.

The Celery worker runs with ``--concurrency 2`` on the 2-core machine (docker-compose.yml): two prefork
processes, each taking whole feeds and doing the full path from bytes to committed rows (and extraction) on its
own database connection. Here the feeds are dealt out to a pool of N forked processes the same way, each calling
``feed_ingest_body`` for its feeds; the time is from the first feed handed out to the last one committed. Forked
children inherit the warm parent (imports, compiled rules, the matcher), like long-lived workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from events.extract.store import articles_extract
from events.ingest.feeds import FetchReport, feed_ingest_body
from events.models import Feed

# Set in the parent just before the pool forks, read by the children: the documents are not pickled to them.
_JOBS: list[tuple[int, bytes]] = []
_EXTRACT = False


@dataclass
class ParallelRun:
    seconds: float
    duplicates: int
    failures: list[str]
    cpu: float  # CPU seconds of the worker processes for the jobs
    db_cpu: float | None  # CPU seconds of their PostgreSQL backends, when readable


def db_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend process, when the server runs on this
    machine (its /proc entry is readable); None otherwise. On a machine shared with other work, CPU time says
    more about the pipeline's own cost than the wall clock."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def ingest_document(feed: Feed, document: bytes, *, extract: bool) -> FetchReport:
    """A feed body through the pipeline, then (``extract``) its new articles through extraction, as the fetch
    task and the extraction task it enqueues do one after the other."""
    report = feed_ingest_body(feed, document, url=feed.url)
    if extract:
        articles_extract(report.changed_ids)
    return report


def _ingest(index: int) -> tuple[int, str, float, float | None]:
    feed_id, document = _JOBS[index]
    connection.close()  # a fresh connection for each feed, as a Celery task gets (see bench_ingest._ingest_all)
    feed = Feed.objects.get(pk=feed_id)
    cpu, db_cpu = time.process_time(), db_cpu_seconds()
    report = ingest_document(feed, document, extract=_EXTRACT)
    db_after = db_cpu_seconds()
    db_used = db_after - db_cpu if db_cpu is not None and db_after is not None else None
    return report.duplicate, (report.error if report.status == "failed" else ""), time.process_time() - cpu, db_used


def ingest_in_parallel(feeds: list[Feed], documents: list[bytes], *, extract: bool, workers: int) -> ParallelRun:
    """Ingest documents[i] under feeds[i] with ``workers`` processes; feeds are handed out in order."""
    global _JOBS, _EXTRACT
    _JOBS = [(feed.pk, document) for feed, document in zip(feeds, documents, strict=True)]
    _EXTRACT = extract
    # A forked child must not share the parent's socket to PostgreSQL: close it, each process opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(workers) as pool:
        # chunksize 1: a worker takes the next feed when it is done with one, as a prefork worker takes tasks.
        results = pool.map(_ingest, range(len(_JOBS)), chunksize=1)
    seconds = time.perf_counter() - started
    _JOBS = []
    db = [r[3] for r in results]
    return ParallelRun(
        seconds, sum(r[0] for r in results), [r[1] for r in results if r[1]], sum(r[2] for r in results),
        None if None in db else sum(db),
    )
