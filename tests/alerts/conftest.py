"""Daily alert tests: the summary tests' settings (plain HTTP, a site URL for links, a cache prefix per test) and
their real Celery worker fixture, reused as they are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events.curation.services import event_publish
from events.models import EventStatus
from tests.summaries.builders import make_actor, make_event, make_place
from tests.summaries.conftest import _test_client_settings, mail_worker  # noqa: F401  (fixtures)

DAY = dt.date(2025, 4, 2)


def published_now(title: str, **kwargs):
    """A candidate event published through the curation service now, as an editor would."""
    event = make_event(DAY, title=title, status=EventStatus.CANDIDATE, **kwargs)
    return event_publish(event, None)


@pytest.fixture
def world(db):
    """Two actors, two places, and an alert-worthy mix of events; nothing published yet."""
    from types import SimpleNamespace

    hts = make_actor("Hayat Tahrir al-Sham")
    saa = make_actor("Syrian Arab Army")
    saraqib = make_place("Saraqib", admin1="Idlib")
    atarib = make_place("Atarib", admin1="Aleppo")
    return SimpleNamespace(hts=hts, saa=saa, saraqib=saraqib, atarib=atarib, now=timezone.now)
