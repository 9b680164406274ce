"""When the public record last changed: the version that public caches, ETags and export files are keyed on.

Two versions live in the shared cache (Redis in production, so every gunicorn worker and Celery worker sees the
same value; local memory on the embedded default, where the site is one process):

- ``record``: anything a public page or export shows (events and their actors, places and sources; statements;
  zones; weekly summaries; actors and places themselves). Pages and exports cached under an older value are never
  served again (their keys name the version) and expire on their own.
- ``reference``: the gazetteer of actors and places, which the timeline's filter form lists. A change of reference
  data changes the record too.

A version is a Unix time in microseconds, and a bump always moves it forward (to now, or one past the old value),
so it doubles as the record's Last-Modified date, rounded up to the second (HTTP dates have one-second
resolution: two changes within one second share a Last-Modified, never an ETag, and If-None-Match wins over
If-Modified-Since when a client sends both). A missing value (a flushed or restarted cache) is recreated as "now",
which can only invalidate more, never serve something stale.

Writes bump the version twice: at once, and again when the transaction commits. The first makes the writer's own
next read fresh (and a test's, whose transaction never commits); the second drops anything a concurrent request
cached between the two from rows not yet committed.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

RECORD = "record"
REFERENCE = "reference"
RECORD_KEY = "idlib:version:record"
_KEYS = {RECORD: RECORD_KEY, REFERENCE: "idlib:version:reference"}


logger = logging.getLogger(__name__)


def _now_us() -> int:
    return time.time_ns() // 1000


def version(kind: str = RECORD) -> int:
    """The current version (Unix microseconds) of ``kind``; created as "now" when the cache has none."""
    key = _KEYS[kind]
    try:
        value = cache.get(key)
        if value is None:
            cache.add(key, _now_us(), None)
            value = cache.get(key) or _now_us()
    except Exception:
        # Redis down: every answer is new (nothing is served from a cache that cannot be read either).
        logger.warning("record version unreadable; treating the record as just changed", exc_info=True)
        return _now_us()
    return int(value)


def last_modified(value: int) -> int:
    """A version as the Unix second of a Last-Modified header (rounded up: never earlier than the change)."""
    return -(-value // 1_000_000)


def _bump(kind: str) -> None:
    key = _KEYS[kind]
    try:
        previous = cache.get(key) or 0
        cache.set(key, max(_now_us(), int(previous) + 1), None)
    except Exception:
        # A change must not fail because the cache is down; pages cached under the old version expire
        # (PUBLIC_CACHE_SECONDS), and version() treats an unreadable version as new.
        logger.warning("record version not bumped: cache unreachable", exc_info=True)


def _bump_on_commit_once(kind: str) -> None:
    """Register one bump of ``kind`` for the end of the current transaction (however many rows it writes)."""
    if not connection.in_atomic_block:
        _bump(kind)
        return
    marker = f"idlib-freshness-{kind}"
    # run_on_commit holds (savepoint ids, callable, robust) per registered callback; rolled-back blocks drop theirs.
    if any(getattr(entry[1], "__name__", "") == marker for entry in connection.run_on_commit):
        return

    def callback() -> None:
        _bump(kind)

    callback.__name__ = marker
    transaction.on_commit(callback)


def record_changed() -> None:
    """Call after any write that public pages or exports show (services call it; signals cover the admin)."""
    _bump(RECORD)
    _bump_on_commit_once(RECORD)


def reference_changed() -> None:
    """Call after a change of actors or places (seeding, the admin): the filter form's options change too."""
    _bump(REFERENCE)
    _bump_on_commit_once(REFERENCE)
    record_changed()


def _on_record_write(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # loaddata writes fixtures before the site serves anything
        record_changed()


def _on_reference_write(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        reference_changed()


def connect_signals() -> None:
    """Saves and deletes through the ORM (the admin, services, seeding) bump the versions; bulk writers that skip
    signals (extraction's multi-row INSERTs, bulk_create) call record_changed() themselves."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    from actors.models import Actor, Alias, Statement
    from events.models import (
        ControlChange,
        ControlMap,
        ControlZone,
        Event,
        EventActor,
        EventSource,
        Place,
        WeeklySummary,
    )

    # ControlChange and ControlMap: who held a place when, and the map areas cut from it (events/territory/).
    for model in (Event, EventActor, EventSource, Statement, ControlZone, ControlChange, ControlMap, WeeklySummary):
        post_save.connect(_on_record_write, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
        post_delete.connect(_on_record_write, sender=model, dispatch_uid=f"freshness-delete-{model.__name__}")
    for model in (Actor, Alias, Place):
        post_save.connect(_on_reference_write, sender=model, dispatch_uid=f"freshness-save-{model.__name__}")
        post_delete.connect(_on_reference_write, sender=model, dispatch_uid=f"freshness-delete-{model.__name__}")
    # A migration may rewrite rows (or, on SQLite, rebuild the search index): nothing cached before it is kept.
    post_migrate.connect(_on_migrate, dispatch_uid="freshness-migrate")


def _on_migrate(sender: Any, **kwargs: Any) -> None:
    reference_changed()
