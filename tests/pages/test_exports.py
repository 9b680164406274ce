"""Exports of any size: the whole record is a file a worker writes once per version, filtered exports stream, and
the JSON API pages with `limit` and a keyset cursor so a client can walk a record of any length."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.cache import cache

from events import exports, freshness
from events.curation.services import event_publish
from events.public import acled, selectors
from events.public.export_records import export_record
from events.public.filters import EventFilters
from tests.factories import make_events, make_place, world

START = date(2024, 3, 1)


@pytest.fixture
def built(db):
    return world(40, start=START, candidates=2)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_ids(rows: list[dict]) -> list[int]:
    """The event ids of ACLED rows (event_id_cnty: the country's ISO code, then our id)."""
    return [int(r["event_id_cnty"].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for r in rows]


def _newest_first(events) -> list[int]:
    return [e.pk for e in sorted(events, key=lambda e: (e.occurred_on, e.pk), reverse=True)]


def test_the_fast_reader_gives_the_same_records_as_the_model_reader(built):
    filters = EventFilters()
    by_models = [export_record(e) for chunk in selectors.export_chunks(filters, chunk=7) for e in chunk]
    fast = [export_record(e) for chunk in exports.export_chunks(filters, chunk=7) for e in chunk]
    assert len(fast) == len(built.events)
    assert fast == by_models
    assert any(r["actor1"] and r["actor2"] and r["source"] for r in fast)  # the relations really were compared
    # The CSV's ACLED rows too (persons' organisations through the actor's parent, inter codes, timestamps).
    acled_by_models = [acled.row(e) for chunk in selectors.export_chunks(filters, chunk=7) for e in chunk]
    assert [acled.row(e) for chunk in exports.export_chunks(filters, chunk=7) for e in chunk] == acled_by_models


def test_the_whole_record_is_one_file_per_version_written_once(client, built):
    response = client.get("/api/events.csv")
    assert response.status_code == 302 and response["Location"] == "/api/exports/events.csv"
    version = freshness.version()
    # Written by the job, not by this request (here the service a worker runs; the worker test below uses one).
    report = exports.full_export_write("csv", version)
    assert report.written and report.bytes > 1000
    again = exports.full_export_write("csv", version)
    assert not again.written  # once per version, however often it is asked for
    response = client.get("/api/exports/events.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=\"idlib-tracker-events-")
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert _csv_ids(rows) == _newest_first(built.events)
    assert response["ETag"] and response["Last-Modified"]
    assert client.get("/api/exports/events.csv", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    # For Excel: the same file after a UTF-8 byte order mark, reached from the API's ?excel=1 too.
    assert client.get("/api/events.csv?excel=1")["Location"] == "/api/exports/events.csv?excel=1"
    excel = _body(client.get("/api/exports/events.csv?excel=1"))
    assert excel.startswith("\ufeff".encode()) and excel.removeprefix("\ufeff".encode()) == _body(
        client.get("/api/exports/events.csv")
    )


def test_a_claimed_version_is_not_written_by_a_second_worker(built):
    version = freshness.version()
    cache.add(f"idlib:export:claim:json:{version:x}", "another worker", 60)
    report = exports.full_export_write("json", version)
    assert not report.written and not report.path.exists()


def test_publishing_makes_a_new_file_and_old_ones_are_pruned(client, built):
    first = exports.full_export_write("json", freshness.version())
    event_publish(built.candidates[0], None)
    second = exports.full_export_write("json", freshness.version())
    third_version = freshness.version() + 1
    cache.set("idlib:version:record", third_version)
    exports.full_export_write("json", third_version)
    assert second.written and second.path != first.path
    ids = {e["event_id"] for e in json.loads(second.path.read_text())["events"]}
    assert built.candidates[0].pk in ids and first.path.exists() is False  # two newest kept
    assert {p.name for p in exports.exports_root().glob("*.json")} == {
        second.path.name, exports.export_path("json", third_version).name
    }


def test_the_whole_record_as_geojson_has_every_placed_event(built):
    report = exports.full_export_write("geojson", freshness.version())
    data = json.loads(report.path.read_text())
    assert data["type"] == "FeatureCollection"
    assert [f["id"] for f in data["features"]] == _newest_first([e for e in built.events if e.place_id])


def test_unknown_export_format_is_404(client, db):
    assert client.get("/api/exports/events.xlsx").status_code == 404


def test_filtered_exports_stream_through_the_fast_reader(client, built, monkeypatch):
    monkeypatch.setattr(exports.export_chunks, "__defaults__", (7,))
    response = client.get("/api/events.csv?governorate=Idlib")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert _csv_ids(rows) == _newest_first(
        [e for e in built.events if e.place and e.place.admin1 == "Idlib"]
    )


def test_the_json_api_pages_with_limit_and_a_cursor(client, db):
    events = make_events(30, start=START, places=[make_place()], per_day=4)
    seen, url, pages = [], "/api/events.json?limit=7", 0
    while url:
        data = json.loads(client.get(url).content)
        assert data["limit"] == 7 and data["count"] == len(data["events"]) <= 7
        seen += [e["event_id"] for e in data["events"]]
        url, pages = data["next"], pages + 1
        assert pages <= 5
    assert seen == _newest_first(events)
    filtered = json.loads(client.get("/api/events.json?type=Battles&limit=1000").content)
    assert filtered["next"] is None and filtered["filters"] == {"type": ["Battles"]}
    assert {e["event_type"] for e in filtered["events"]} == {"Battles"}


@pytest.mark.parametrize("limit", ["0", "1001", "ten", "-1"])
def test_a_bad_limit_is_a_400_that_says_so(client, db, limit):
    response = client.get(f"/api/events.json?limit={limit}")
    assert response.status_code == 400 and "limit" in response.json()["messages"][0]


def test_a_worker_writes_the_file_while_the_page_says_it_is_being_prepared(
    client, settings, tmp_path, transactional_db, redis_url
):
    """A real Celery worker (another process, sharing the folder through EXPORTS_ROOT as compose's volume does)."""
    import redis
    from django.db import connection

    from idlib_tracker.celery import app
    from tests import processes
    from tests.conftest import require
    from tests.faults.support import start_worker

    require(connection.vendor == "postgresql", "a worker process shares the test database only on PostgreSQL")
    root = tmp_path / "shared-exports"
    settings.EXPORTS_ROOT = root
    events = make_events(300, start=START, places=[make_place()], per_day=5)
    freshness.record_changed()
    queue = app.conf.task_default_queue
    redis.Redis.from_url(redis_url).delete(queue)
    worker = start_worker(tmp_path, queue, name="exports", EXPORTS_ROOT=str(root))
    try:
        first = client.get("/api/exports/events.csv")
        assert first.status_code == 202
        assert first["Retry-After"] == "5" and "being prepared" in first.content.decode()
        processes.wait_until(lambda: client.get("/api/exports/events.csv").status_code == 200, 60, "the export")
        rows = list(csv.DictReader(io.StringIO(_body(client.get("/api/exports/events.csv")).decode())))
        assert _csv_ids(rows) == _newest_first(events)
        assert len(list(root.glob("*.csv"))) == 1
    finally:
        processes.stop(worker.proc)
        redis.Redis.from_url(redis_url).delete(queue)
