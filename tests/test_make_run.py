"""What `make run` does before serving: reference data, the demo feed, the demo editor, the demo's publication.

A newcomer's first look must not be an empty timeline, and the editors' desk must still have candidates to review.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from events.models import Article, Event, EventStatus

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
    for event in published:
        assert event.title in page.content.decode()

    # Running the whole sequence again adds nothing.
    counts = (Article.objects.count(), Event.objects.count())
    call_command("seed_reference")
    call_command("ingest", file=[str(DEMO_FEED)])
    call_command("publish_demo")
    assert (Article.objects.count(), Event.objects.count()) == counts


@pytest.mark.django_db
def test_publish_demo_refuses_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("publish_demo")


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
