"""bench_ingest --workers N: the same feeds ingested by N worker processes at once, as the deployment runs them.

The Celery worker runs with ``--concurrency 2`` on the 2-core machine (docker-compose.yml): two prefork
processes, each taking whole feeds and doing the full path from bytes to committed rows (and extraction) on its
own database connection. Here the feeds are dealt out to a pool of N forked processes the same way, each calling
``feed_ingest_body`` for its feeds; the time is from the first feed handed out to the last one committed. Forked
children inherit the warm parent (imports, compiled rules, the matcher), like long-lived workers.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass

from django.db import connections

from events.models import Feed
from events.services.feeds import feed_ingest_body

# Set in the parent just before the pool forks, read by the children: the documents are not pickled to them.
_JOBS: list[tuple[int, bytes]] = []
_EXTRACT = False


@dataclass
class ParallelRun:
    seconds: float
    duplicates: int
    failures: list[str]


def _ingest(index: int) -> tuple[int, str]:
    feed_id, document = _JOBS[index]
    feed = Feed.objects.get(pk=feed_id)
    report = feed_ingest_body(feed, document, url=feed.url, extract=_EXTRACT)
    return report.duplicate, (report.error if report.status == "failed" else "")


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
    return ParallelRun(seconds, sum(d for d, _ in results), [e for _, e in results if e])
