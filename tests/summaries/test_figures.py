"""The figures of a week, computed from published events only (events.summaries.figures.compute_week)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import weeks
from events.models import EventStatus
from events.summaries import figures as summaries
from events.summaries import text
from events.summaries.data import WeekFigures
from tests.summaries.builders import make_actor, make_event, make_place, make_statement, make_zone
from tests.summaries.conftest import WEEK, day


def test_known_week_has_exactly_the_expected_figures(known_week):
    data = summaries.compute_week(WEEK, today=dt.date(2025, 4, 20)).to_json()

    assert data["label"] == "2025-W14"
    assert data["week_start"] == "2025-03-31" and data["week_end"] == "2025-04-06"
    assert data["complete"] is True
    assert data["headline"] == {
        "events": 5,
        "fatalities": 25,
        "last_week": 2,
        "four_week_average": 2.5,
        "vs_last_week": {"delta": 3, "percent": 150, "direction": "up"},
        "vs_average": {"delta": 2.5, "percent": 100, "direction": "up"},
    }
    assert data["by_type"] == [
        {"event_type": "Battles", "count": 2},
        {"event_type": "Explosions/Remote violence", "count": 2},
        {"event_type": "Strategic developments", "count": 1},
    ]
    assert data["by_governorate"] == [
        {"governorate": "Idlib", "count": 3},
        {"governorate": "Aleppo", "count": 1},
        {"governorate": "Unspecified", "count": 1},
    ]


def test_generated_highlights_of_the_known_week(known_week):
    data = summaries.compute_week(WEEK).to_json()

    assert text.default_highlights(WeekFigures.from_json(data)).splitlines() == [
        "25 reported fatalities in published events.",
        "Deadliest: Assault on Ariha (Ariha, 12 killed).",
        "Most reported: Air strike on Atarib (3 sources).",
        "Hayat Tahrir al-Sham no longer holds Saraqib pocket (opposition) (2025-04-02).",
        "Syrian Arab Army took control of Saraqib pocket (2025-04-02).",
        "Most events in Idlib governorate (3).",
    ]


def test_top_events_rank_by_sources_then_fatalities(known_week):
    top = summaries.compute_week(WEEK).to_json()["top_events"]

    w = known_week
    # 3 sources / 9 killed, 3 / 4, 2 / none stated, 1 / 12, 1 / 0.
    assert [event["id"] for event in top] == [w.e3.id, w.e1.id, w.e4.id, w.e2.id, w.e5.id]
    assert top[0] == {
        "id": w.e3.id,
        "title": "Air strike on Atarib",
        "event_type": "Explosions/Remote violence",
        "occurred_on": "2025-04-02",
        "place": "Atarib",
        "governorate": "Aleppo",
        "fatalities": 9,
        "sources": 3,
    }
    assert top[2]["fatalities"] is None and top[2]["place"] == ""


def test_key_statements_are_attributed_in_week_and_never_from_unpublished_events(known_week):
    statements = summaries.compute_week(WEEK).to_json()["statements"]

    # Two articles carry the army's words; then direct quotes before reported speech.
    assert [(s["speaker"], s["sources"], s["is_direct"]) for s in statements] == [
        ("Syrian Arab Army", 2, True),
        ("Russia", 1, True),
        ("Hayat Tahrir al-Sham", 1, False),
    ]
    assert statements[0]["text"] == "We will restore security to every village."
    assert statements[0]["speaker_slug"] == known_week.saa.slug
    assert statements[0]["source_url"].startswith("https://news.example.org/a/")
    texts = " ".join(s["text"] for s in statements)
    for excluded in ("Nobody knows", "rejected report", "unreviewed report", "following Monday"):
        assert excluded not in texts


def test_zone_changes_in_the_week_with_before_and_after_dates(known_week):
    changes = summaries.compute_week(WEEK).to_json()["zone_changes"]

    assert changes == [
        {
            "zone_id": known_week.ended.id, "name": "Saraqib pocket (opposition)", "controller": "Hayat Tahrir al-Sham",
            "controller_slug": known_week.hts.slug, "change": "ended", "on": "2025-04-02",
            "before": "2025-04-01", "after": "2025-04-02",
        },
        {
            "zone_id": known_week.gained.id, "name": "Saraqib pocket", "controller": "Syrian Arab Army",
            "controller_slug": known_week.saa.slug, "change": "gained", "on": "2025-04-02",
            "before": "2025-04-01", "after": "2025-04-02",
        },
    ]


def test_most_active_actors_count_published_events_only(known_week):
    actors = summaries.compute_week(WEEK).to_json()["active_actors"]

    assert [(a["name"], a["events"]) for a in actors] == [
        ("Hayat Tahrir al-Sham", 3),
        ("Russia", 2),
        ("Syrian Arab Army", 2),  # not 4: the candidate and the rejected report do not count
    ]


def test_twelve_week_series_ends_with_this_week(known_week):
    series = summaries.compute_week(WEEK).to_json()["series"]

    assert [week["label"] for week in series] == [f"2025-W{n:02d}" for n in range(3, 15)]
    assert [week["events"] for week in series] == [0, 0, 0, 0, 0, 0, 7, 4, 1, 3, 2, 5]
    assert series[-2]["fatalities"] == 3 and series[-1]["fatalities"] == 25
    assert series[-1]["by_type"] == {"Battles": 2, "Explosions/Remote violence": 2, "Strategic developments": 1}


def test_candidate_rejected_and_merged_events_never_count(db):
    place = make_place("Saraqib")
    for status in (EventStatus.CANDIDATE, EventStatus.REJECTED):
        make_event(day(1), status=status, place=place, sources=5, fatalities=10)
    survivor = make_event(day(8))  # published, but the week after
    make_event(day(1), status=EventStatus.MERGED, merged_into=survivor, sources=5)

    data = summaries.compute_week(WEEK).to_json()

    assert data["headline"]["events"] == 0 and data["headline"]["fatalities"] == 0
    assert data["by_type"] == [] and data["by_governorate"] == [] and data["top_events"] == []
    assert data["active_actors"] == [] and sum(week["events"] for week in data["series"]) == 0


def test_a_week_without_events_says_so(db):
    data = summaries.compute_week(WEEK).to_json()

    assert text.headline_sentence(WeekFigures.from_json(data)) == (
        "No published events were recorded this week (last week: 0; four-week average: 0)."
    )
    assert data["headline"]["vs_last_week"] == {"delta": 0, "percent": None, "direction": "same"}


def test_fewer_events_than_last_week_reads_down(db):
    for _ in range(4):
        make_event(day(-3))
    make_event(day(2))

    data = summaries.compute_week(WEEK).to_json()

    assert data["headline"]["vs_last_week"] == {"delta": -3, "percent": -75, "direction": "down"}
    assert data["headline"]["vs_average"] == {"delta": 0, "percent": 0, "direction": "same"}
    assert text.headline_sentence(WeekFigures.from_json(data)) == (
        "1 published event, down 3 (-75%) on last week's 4; equal to the four-week average of 1."
    )


@pytest.mark.parametrize("events", [3, 40])
def test_the_computation_costs_the_same_queries_however_many_events(db, django_assert_num_queries, events):
    place = make_place("Saraqib")
    for n in range(events):
        actor = make_actor(f"Brigade {n}")
        event = make_event(day(n % 7), place=place, sources=2, fatalities=n, actors=[actor])
        make_statement(actor, f"Statement number {n}.", day(n % 7), event=event)
        make_zone(f"Zone {n}", actor, valid_from=day(n % 7))
    # 1 weekly series, 2 by type, 3 by governorate, 4 top events, 5 statement groups, 6 the statements with
    # their speakers and articles, 7 zones with controllers, 8 active actors.
    with django_assert_num_queries(8):
        summaries.compute_week(WEEK).to_json()


def test_weeks_are_iso_weeks_in_the_deployment_time_zone():
    assert weeks.week_monday(dt.date(2025, 4, 6)) == WEEK  # Sunday belongs to the week before
    assert weeks.week_monday(dt.date(2025, 4, 7)) == dt.date(2025, 4, 7)
    assert weeks.week_label(dt.date(2024, 12, 30)) == "2025-W01"  # ISO year differs from the calendar year
    assert weeks.week_from_label(2025, 1) == dt.date(2024, 12, 30)
    assert weeks.week_range_label(WEEK) == "31 Mar \u2013 6 Apr 2025"
    assert weeks.last_complete_week(dt.date(2025, 4, 7)) == WEEK
    assert weeks.last_complete_week(dt.date(2025, 4, 13)) == WEEK
    # 22:30 UTC on Sunday is already Monday 01:30 in Damascus (UTC+3): a new week there.
    late_sunday = dt.datetime(2025, 4, 6, 22, 30, tzinfo=dt.UTC)
    with timezone.override(ZoneInfo("Asia/Damascus")):
        assert weeks.week_monday(late_sunday) == dt.date(2025, 4, 7)
    with timezone.override(ZoneInfo("UTC")):
        assert weeks.week_monday(late_sunday) == WEEK
    with pytest.raises(ValueError):
        weeks.week_from_label(2025, 53)
