"""The summary tests' data: one ISO week (2025-W14, 31 March to 6 April 2025) whose figures are known by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from events.models import EventStatus
from events.taxonomy import EventType
from tests.summaries.builders import make_actor, make_event, make_place, make_statement, make_zone

WEEK = dt.date(2025, 3, 31)  # Monday of 2025-W14


def day(offset: int) -> dt.date:
    """A day relative to WEEK's Monday (0 = Monday, 6 = Sunday, -1 = the Sunday before)."""
    return WEEK + dt.timedelta(days=offset)


@pytest.fixture(autouse=True)
def _test_client_settings(settings):
    # The test client speaks plain HTTP; with DEBUG off the site would redirect it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # No collectstatic before tests: plain storage instead of the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SITE_URL = "https://tracker.example.org"
    # A key prefix of its own, so one test's "confirmation just sent" throttle is not another's (same cache backend).
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def publish(db, django_capture_on_commit_callbacks):
    """Build and publish a week's summary through the services; the email task it enqueues is not run."""

    def publish(week: dt.date = WEEK, lead: str = ""):
        from events.summaries.services import summary_build, summary_publish

        summary = summary_build(week)
        summary.lead = lead
        summary.save()
        with django_capture_on_commit_callbacks(execute=False):
            return summary_publish(summary)

    return publish


@pytest.fixture
def known_week(db):
    """Published, candidate, rejected and merged events, statements and zones around 2025-W14.

    Published events per week, oldest first: 7 (five weeks back, outside the average), 4, 1, 3, 2 (last week), then
    5 this week; so the four-week average is (4 + 1 + 3 + 2) / 4 = 2.5.
    """
    saraqib = make_place("Saraqib", admin1="Idlib")
    ariha = make_place("Ariha", admin1="Idlib")
    atarib = make_place("Atarib", admin1="Aleppo")
    saa = make_actor("Syrian Arab Army")
    hts = make_actor("Hayat Tahrir al-Sham")
    russia = make_actor("Russia")

    # This week: 5 published events.
    e1 = make_event(day(0), title="Clashes at Saraqib", place=saraqib, sources=3, fatalities=4, actors=[saa, hts])
    e2 = make_event(day(6), title="Assault on Ariha", place=ariha, sources=1, fatalities=12, actors=[saa, hts])
    e3 = make_event(
        day(2), title="Air strike on Atarib", event_type=EventType.EXPLOSIONS, place=atarib, sources=3,
        fatalities=9, actors=[russia],
    )
    e4 = make_event(day(3), title="Drone strike", event_type=EventType.EXPLOSIONS, sources=2, actors=[russia])
    e5 = make_event(
        day(4), title="Checkpoint handed over", event_type=EventType.STRATEGIC, place=saraqib, fatalities=0,
        actors=[hts],
    )
    # Never counted, however well sourced.
    candidate = make_event(day(1), title="Unreviewed report", status=EventStatus.CANDIDATE, sources=9, fatalities=99,
                           place=atarib, actors=[saa])
    rejected = make_event(day(1), title="Rejected report", status=EventStatus.REJECTED, sources=5, fatalities=50,
                          place=saraqib, actors=[saa])
    make_event(day(1), title="Duplicate of the clashes", status=EventStatus.MERGED, merged_into=e1, sources=4)
    # Just outside the week on both sides.
    make_event(day(7), title="Next Monday")
    make_event(day(-1), title="The Sunday before", fatalities=3)
    # The weeks before: 1 more last week, then 3, 1, 4, and 7 five weeks back.
    make_event(day(-7))
    for weeks_back, count in ((2, 3), (3, 1), (4, 4), (5, 7)):
        for _ in range(count):
            make_event(day(-7 * weeks_back + 2), sources=0)

    # Statements: the same words in two articles are one statement with two sources.
    s1a = make_statement(saa, "We will restore security to every village.", day(1))
    make_statement(saa, "We will restore security to every village.", day(1))
    s2 = make_statement(hts, "The group said it had repelled the attack.", day(2), is_direct=False)
    s3 = make_statement(russia, "Our aircraft struck only terrorist positions.", day(5))
    make_statement(None, "Nobody knows who said this.", day(2))
    make_statement(russia, "A quote from a rejected report.", day(2), event=rejected)
    make_statement(saa, "Said the following Monday.", day(7))
    make_statement(hts, "A quote from an unreviewed report.", day(3), event=candidate)

    # Zones: one control line moved on Wednesday (old zone ended, new zone began); one change long before.
    gained = make_zone("Saraqib pocket", saa, valid_from=day(2))
    ended = make_zone("Saraqib pocket (opposition)", hts, valid_from=dt.date(2024, 1, 1), valid_to=day(2))
    make_zone("Old front", saa, valid_from=dt.date(2025, 3, 1))

    return SimpleNamespace(
        week=WEEK, events=[e1, e2, e3, e4, e5], e1=e1, e2=e2, e3=e3, e4=e4, e5=e5, s1=s1a, s2=s2, s3=s3,
        saa=saa, hts=hts, russia=russia, gained=gained, ended=ended,
    )


@pytest.fixture
def mail_worker(transactional_db, redis_url, tmp_path):
    """A real Celery worker (prefork, 2 processes; the ingest tests' start_worker) on the tests' Redis and the
    PostgreSQL test database, mailing through the file backend. Yields the directory the messages land in."""
    from django.db import connection

    from idlib_tracker.celery import app
    from tests import processes
    from tests.conftest import require
    from tests.faults.support import start_worker

    require(connection.vendor == "postgresql", "the worker shares the test database only on PostgreSQL")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # Publishing enqueues on the default queue; this Redis database is the summary tests' own, so emptying the
    # queue only drops what an earlier run left behind.
    queue = app.conf.task_default_queue
    app.control.purge()
    worker = start_worker(
        tmp_path,
        queue,
        name="mail",
        EMAIL_BACKEND="tests.summaries.flaky_mail.FlakyFileBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        FLAKY_MAIL_FAIL_ONCE="reader1@example.org",
        SITE_URL="https://tracker.example.org",
    )
    try:
        yield mail_dir
    finally:
        processes.stop(worker.proc)
        print(worker.log_text()[-5000:])  # shown by pytest when the test failed
