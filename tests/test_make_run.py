"""What `make run` does before serving: reference data, the demo feed, the demo editor, the demo's publication.

A newcomer's first look must not be an empty timeline, and the editors' desk must still have candidates to review.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

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
    for event in published:
        assert event.title in page.content.decode()

    # One published summary, of the demo's busiest week, built from its published events by the summary services.
    summary = WeeklySummary.objects.get()
    assert summary.status == SummaryStatus.PUBLISHED and summary.published_at is not None
    per_week = Counter(week_monday(event.occurred_on) for event in published)
    busiest = max(per_week.values())
    assert summary.week_start == max(week for week, count in per_week.items() if count == busiest)
    assert summary.data["headline"]["events"] == busiest
    assert summary.data["statements"], "the week's statements are quoted"
    assert f"/summaries/{summary}/" in client.get("/summaries/").content.decode()
    page = client.get(f"/summaries/{summary}/")
    assert page.status_code == 200
    in_week = published.filter(occurred_on__range=(summary.week_start, summary.week_start + timedelta(days=6)))
    for event in in_week[: TOP_EVENTS]:
        assert f'href="/events/{event.pk}/"' in page.content.decode()
    quotes = re.findall(r"<blockquote><p>(.*?)</p></blockquote>", page.content.decode(), re.DOTALL)
    assert len(quotes) == len(summary.data["statements"])
    for quote, statement in zip(quotes, summary.data["statements"], strict=True):
        # The demo's real extracted statements, quoted as sentences naming their speaker.
        assert quote[0].isupper() and quote.rstrip().endswith(".") and statement["speaker"] in quote, quote

    # Running the whole sequence again adds nothing and leaves the published summary as it was.
    counts = (Article.objects.count(), Event.objects.count())
    first_published = (summary.published_at, summary.data)
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("publish_demo")
    call_command("publish_demo_summary")
    assert (Article.objects.count(), Event.objects.count()) == counts
    assert WeeklySummary.objects.count() == 1
    summary.refresh_from_db()
    assert (summary.published_at, summary.data) == first_published


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
