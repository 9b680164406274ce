"""Building, rebuilding and publishing a week's summary (events.summaries.services, command, beat task)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from events import weeks
from events.models import SummaryStatus, WeeklySummary
from events.summaries.services import SummaryError, summary_build, summary_publish
from events.tasks import build_weekly_summary
from tests.conftest import require
from tests.summaries.builders import make_event
from tests.summaries.conftest import WEEK, day


def test_rebuilding_a_week_updates_its_draft_and_never_duplicates(db):
    make_event(day(1))
    first = summary_build(day(3))  # any day of the week names the week
    built_at = first.built_at
    make_event(day(5), fatalities=6)

    second = summary_build(WEEK)

    assert WeeklySummary.objects.count() == 1
    assert second.pk == first.pk and second.week_start == WEEK
    assert second.status == SummaryStatus.DRAFT
    assert second.data["headline"]["events"] == 2 and second.data["headline"]["fatalities"] == 6
    assert second.built_at > built_at


def test_a_rebuild_keeps_the_editors_lead_and_edited_highlights(db):
    make_event(day(1), title="Shelling of Ariha", fatalities=2)
    summary = summary_build(WEEK)
    assert summary.highlights == "2 reported fatalities in published events.\nDeadliest: Shelling of Ariha (2 killed)."

    # Untouched generated highlights follow the figures...
    make_event(day(2), title="Strike on Sarmada", fatalities=5)
    summary = summary_build(WEEK)
    assert summary.highlights == "7 reported fatalities in published events.\nDeadliest: Strike on Sarmada (5 killed)."

    # ...an editor's lead and edited highlights survive every rebuild.
    summary.lead = "A quieter week on the front lines."
    summary.highlights = "Fighting moved north.\nTwo events."
    summary.save()
    make_event(day(3))
    summary = summary_build(WEEK)
    assert summary.lead == "A quieter week on the front lines."
    assert summary.highlights == "Fighting moved north.\nTwo events."
    assert summary.data["headline"]["events"] == 3


def test_a_published_summary_keeps_its_figures_unless_refreshed_on_purpose(db, django_capture_on_commit_callbacks):
    make_event(day(1), fatalities=1)
    summary = summary_build(WEEK)
    summary.lead = "As sent."
    summary.save()
    with django_capture_on_commit_callbacks(execute=False):
        summary_publish(summary)
    make_event(day(2), fatalities=4)

    # The Monday task and a plain rebuild leave what stakeholders were sent alone.
    unchanged = summary_build(WEEK)
    assert unchanged.data["headline"]["events"] == 1

    refreshed = summary_build(WEEK, refresh_published=True)
    assert refreshed.data["headline"]["events"] == 2
    assert refreshed.status == SummaryStatus.PUBLISHED
    assert refreshed.lead == "As sent."
    assert refreshed.data["headline"]["fatalities"] == 5
    assert refreshed.highlights.startswith("1 reported fatality")  # the highlights stay as published
    assert WeeklySummary.objects.count() == 1


def test_publishing_records_who_and_leaves_the_mail_to_the_caller(db, django_capture_on_commit_callbacks):
    editor = get_user_model().objects.create_user("rania", is_staff=True)
    summary = summary_build(WEEK)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary_publish(summary, editor)

    summary.refresh_from_db()
    assert summary.status == SummaryStatus.PUBLISHED and summary.published_at is not None
    assert summary.history.first().history_user == editor
    assert callbacks == []  # the service enqueues nothing: the admin's publish action does (test_admin.py)
    with pytest.raises(SummaryError, match="already published"):
        summary_publish(summary, editor)


def test_a_summary_that_was_never_built_cannot_be_published(db):
    summary = WeeklySummary.objects.create(week_start=WEEK)
    with pytest.raises(SummaryError, match="no figures yet"):
        summary_publish(summary)
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.DRAFT


def test_a_week_that_has_not_started_cannot_be_built(db):
    next_week = weeks.week_monday(timezone.localdate()) + dt.timedelta(weeks=1)
    with pytest.raises(SummaryError, match="has not started"):
        summary_build(next_week)
    assert not WeeklySummary.objects.exists()


def test_build_summary_command(db, capsys):
    make_event(day(4))
    call_command("build_summary", "--week", "2025-04-05")
    assert "2025-W14 (31 Mar \u2013 6 Apr 2025): 1 events, draft." in capsys.readouterr().out

    call_command("build_summary")
    last = weeks.last_complete_week()
    assert WeeklySummary.objects.filter(week_start=last).exists()

    with pytest.raises(CommandError, match="not a date"):
        call_command("build_summary", "--week", "5 April")
    with pytest.raises(CommandError, match="has not started"):
        call_command("build_summary", "--week", (timezone.localdate() + dt.timedelta(days=8)).isoformat())
    assert WeeklySummary.objects.count() == 2


def test_the_monday_task_builds_last_weeks_summary(db):
    last = weeks.last_complete_week()
    make_event(last + dt.timedelta(days=6))  # Sunday of last week
    make_event(last + dt.timedelta(days=7))  # Monday of this week: not in it

    summary_id = build_weekly_summary()

    summary = WeeklySummary.objects.get(pk=summary_id)
    assert summary.week_start == last and summary.data["headline"]["events"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_builds_of_one_week_make_one_row():
    require(connection.vendor == "postgresql", "needs PostgreSQL row locks: set DATABASE_URL=postgres://...")
    make_event(day(1))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def build() -> None:
        try:
            barrier.wait()
            summary_build(WEEK)
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert WeeklySummary.objects.filter(week_start=WEEK).count() == 1
