"""What `make run` does before serving: reference data, the demo feed, the demo editor, the demo's publication.

A newcomer's first look must not be an empty timeline, and the editors' desk must still have candidates to review.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from actors.models import Actor
from events import summaries
from events.models import Article, Event, EventStatus, SummaryStatus, WeeklySummary

DEMO_FEED = django_settings.BASE_DIR / "events" / "data" / "demo_feed.xml"


@pytest.mark.django_db
def test_make_run_steps_give_a_timeline_and_a_review_queue(client, settings, capsys):
    settings.DEBUG = True
    settings.SECURE_SSL_REDIRECT = False  # make run serves plain HTTP
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("create_editors", demo=True)
    call_command("publish_demo")
    output = capsys.readouterr().out
    assert "username: editor" in output and "password: " in output

    published = Event.objects.filter(status=EventStatus.PUBLISHED)
    assert published.count() >= 5
    assert Event.objects.filter(status=EventStatus.CANDIDATE).exists(), "some candidates stay for the editor"
    assert Article.objects.filter(is_relevant=False).exists(), "the off-topic demo entry is kept but irrelevant"

    page = client.get("/timeline/")
    assert page.status_code == 200
    # The timeline's first page holds the newest events (it pages by date).
    newest = list(published.order_by("-occurred_on", "-id")[:20])
    for event in newest:
        assert event.title in page.content.decode()

    # The demo spans the record: published events in every period from the Sochi memorandum to 2025.
    years = set(published.values_list("occurred_on__year", flat=True))
    assert {2018, 2019, 2020, 2021, 2023, 2024, 2025} <= years
    # Each week with a published event has its published weekly summary.
    weeks = {summaries.week_monday(day) for day in published.values_list("occurred_on", flat=True)}
    assert len(weeks) >= 15
    summary_weeks = set(
        WeeklySummary.objects.filter(status=SummaryStatus.PUBLISHED).values_list("week_start", flat=True)
    )
    assert summary_weeks == weeks
    assert "/summaries/2025-W29/" in client.get("/summaries/").content.decode()  # the newest first
    for week in ("2018-W36", "2020-W10", "2024-W49", "2025-W10"):
        assert client.get(f"/summaries/{week}/").status_code == 200, week

    # Generic names go to the actors of the report's date: "government forces" in 2025 are the transitional
    # authorities' forces, in 2018-2024 Assad's army.
    transitional = Actor.objects.get(slug="syrian-armed-forces-transitional")
    assad_army = Actor.objects.get(slug="syrian-arab-army")
    coast = Event.objects.get(occurred_on__year=2025, occurred_on__month=3, sub_event_type="Armed clash")
    assert coast.actor_roles.get(role="actor1").actor == transitional
    assert coast.title == "Clashes between Syrian Armed Forces and Assad loyalist insurgents in Jablah"
    deal = Event.objects.get(occurred_on=date(2025, 3, 10), sub_event_type="Agreement")
    # "The Syrian government" of March 2025 is the transitional one.
    assert deal.actor_roles.get(role="actor1").actor.slug == "syrian-transitional-government"
    assert not Event.objects.filter(occurred_on__gt="2024-12-08", actors=assad_army).exists()
    assert not Event.objects.filter(occurred_on__lte="2024-12-08", actors=transitional).exists()
    assert Event.objects.filter(occurred_on__year=2019, actors=assad_army, status=EventStatus.PUBLISHED).exists()

    # Running the whole sequence again adds nothing and republishes no summary.
    counts = (Article.objects.count(), Event.objects.count(), WeeklySummary.objects.count())
    published_at = dict(WeeklySummary.objects.values_list("pk", "published_at"))
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("publish_demo")
    assert (Article.objects.count(), Event.objects.count(), WeeklySummary.objects.count()) == counts
    assert dict(WeeklySummary.objects.values_list("pk", "published_at")) == published_at


@pytest.mark.django_db
def test_publish_demo_refuses_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("publish_demo")
