"""What `make run` does before serving: reference data, the demo feed, the demo editor, the demo's publication.

A newcomer's first look must not be an empty timeline, and the editors' desk must still have candidates to review.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from actors.models import Actor
from events.models import Article, Event, EventStatus, SummaryStatus, WeeklySummary
from events.summaries.figures import TOP_EVENTS
from events.weeks import week_monday

DEMO_FEED = django_settings.BASE_DIR / "events" / "data" / "demo_feed.xml"
MAKEFILE = django_settings.BASE_DIR / "Makefile"


def _run_recipe_commands() -> list[str]:
    """The manage.py commands `make run` runs, in order (the lines of its recipe)."""
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", MAKEFILE.read_text(), re.MULTILINE).group(1)
    return re.findall(r"manage\.py (\w+)", recipe)


def test_make_run_runs_the_steps_these_tests_check():
    assert _run_recipe_commands() == [
        "migrate", "seed_reference", "ingest", "create_editors", "publish_demo", "publish_demo_summary", "run_site",
    ]


@pytest.mark.django_db
def test_make_run_steps_give_a_timeline_and_a_review_queue(client, settings, capsys):
    settings.DEBUG = True
    settings.SECURE_SSL_REDIRECT = False  # make run serves plain HTTP
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("create_editors", demo=True)
    call_command("publish_demo")
    call_command("publish_demo_summary")
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
    # Each week with a published event has its published weekly summary, built by the summary services.
    per_week = Counter(week_monday(event.occurred_on) for event in published)
    assert len(per_week) >= 15
    summary_weeks = set(
        WeeklySummary.objects.filter(status=SummaryStatus.PUBLISHED).values_list("week_start", flat=True)
    )
    assert summary_weeks == set(per_week)
    assert "/summaries/2025-W29/" in client.get("/summaries/").content.decode()  # the newest first
    for week in ("2018-W36", "2020-W10", "2024-W49", "2025-W10"):
        assert client.get(f"/summaries/{week}/").status_code == 200, week
    # The busiest week's summary: its events linked, its statements quoted as sentences naming their speaker.
    busiest = max(per_week.values())
    summary = WeeklySummary.objects.get(week_start=max(w for w, count in per_week.items() if count == busiest))
    assert summary.data["headline"]["events"] == busiest
    page = client.get(f"/summaries/{summary}/")
    assert page.status_code == 200
    in_week = published.filter(occurred_on__range=(summary.week_start, summary.week_start + timedelta(days=6)))
    for event in in_week[: TOP_EVENTS]:
        assert f'href="/events/{event.pk}/"' in page.content.decode()
    quotes = re.findall(r"<blockquote><p>(.*?)</p></blockquote>", page.content.decode(), re.DOTALL)
    assert len(quotes) == len(summary.data["statements"])
    for quote, statement in zip(quotes, summary.data["statements"], strict=True):
        assert quote[0].isupper() and quote.rstrip().endswith(".") and statement["speaker"] in quote, quote

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
    as_published = list(WeeklySummary.objects.order_by("pk").values_list("pk", "published_at", "data"))
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("publish_demo")
    call_command("publish_demo_summary")
    assert (Article.objects.count(), Event.objects.count(), WeeklySummary.objects.count()) == counts
    assert list(WeeklySummary.objects.order_by("pk").values_list("pk", "published_at", "data")) == as_published


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["publish_demo", "publish_demo_summary"])
def test_the_demo_publishers_refuse_outside_debug(settings, command):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command(command)


@pytest.mark.django_db
def test_search_on_the_demo_record_folds_diacritics_and_keeps_whole_words(client, settings):
    """What a newcomer types into the timeline's search after `make run`, on whichever database is configured."""
    import re

    from actors.names import normalize_name

    settings.DEBUG = True
    settings.SECURE_SSL_REDIRECT = False
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("create_editors", demo=True)
    call_command("publish_demo")
    published = list(Event.objects.filter(status=EventStatus.PUBLISHED))

    def found(q: str) -> set[int]:
        html = client.get("/timeline/", {"q": q}).content.decode()
        return {int(i) for i in re.findall(r'id="event-(\d+)-title"', html)}

    def naming(word: str) -> set[int]:
        return {e.pk for e in published if word in normalize_name(f"{e.title} {e.description}").split()}

    erdogan = naming("erdogan")
    assert erdogan, "the demo feed's Erdoğan events are published"
    assert found("Erdogan") == erdogan == found("Erdoğan")
    assert found("HTS") == naming("hts")
