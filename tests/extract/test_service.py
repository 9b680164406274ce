"""The extraction write path: idempotent, respectful of editors' work, one event for many reports, no query per
article. Real PostgreSQL (or SQLite) through articles_extract, as ingestion and the admin call it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor, ActorStatus, Alias, RejectedName, Statement
from events.curation.actors import actor_approve, actor_discard
from events.extract.store import articles_extract
from events.models import Article, Event, EventActor, EventSource, EventStatus, Place
from tests.extract.conftest import make_article, run_commit_callbacks
from tests.factories import make_feed

pytestmark = pytest.mark.django_db

STRIKE_A = """Russian air strikes kill 13 civilians in Jisr al-Shughur

Russian warplanes pounded the town of Jisr al-Shughur in Idlib province on Tuesday, killing at least 13 civilians, \
according to the Syrian Observatory for Human Rights.

"The planes did not leave the sky all morning," a rescue worker told AFP."""

STRIKE_B = """Strikes on Jisr al-Shughur end weeks of calm

Russian jets carried out dozens of air strikes on Jisr al-Shughur on Tuesday, killing 12 civilians, residents said.

The White Helmets civil defence group said its teams were searching collapsed buildings in Jisr al-Shughur."""

STRIKE_ELSEWHERE = """Air strikes hit Saraqib

Russian warplanes bombed Saraqib in Idlib province on Tuesday, killing four civilians, the White Helmets said."""

TUESDAY_REPORT = date(2018, 9, 4)


def _snapshot(article: Article) -> dict:
    return {
        "events": sorted(Event.objects.filter(sources=article).values_list("id", flat=True)),
        "sources": EventSource.objects.filter(article=article).count(),
        "roles": EventActor.objects.filter(event__sources=article).count(),
        "statements": sorted(Statement.objects.filter(article=article).values_list("id", "speaker_id", "text")),
        "actors": sorted(article.actors.values_list("id", flat=True)),
        "places": sorted(article.places.values_list("id", flat=True)),
    }


def test_re_extraction_adds_nothing(gazetteer_db):
    article = make_article(STRIKE_A, published=TUESDAY_REPORT)
    articles_extract([article.pk])
    before = _snapshot(article)
    assert before["events"] and before["statements"] and before["actors"]
    report = articles_extract([article.pk, article.pk])
    assert (report.events_created, report.statements, report.sources_attached) == (0, 0, 0)
    assert _snapshot(article) == before


def test_re_extraction_updates_its_own_candidate_and_drops_what_the_text_no_longer_says(gazetteer_db):
    article = make_article(STRIKE_A, published=TUESDAY_REPORT)
    articles_extract([article.pk])
    (event,) = Event.objects.filter(sources=article)
    assert event.fatalities == 13
    # The feed corrected the story (ingestion stores the new text and runs extraction again).
    Article.objects.filter(pk=article.pk).update(text=article.text.replace("at least 13", "at least 15"))
    articles_extract([article.pk])
    (updated,) = Event.objects.filter(sources=article)
    assert (updated.pk, updated.fatalities) == (event.pk, 15)
    Article.objects.filter(pk=article.pk).update(text="The planes did not come back to Idlib, residents said.")
    articles_extract([article.pk])
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Statement.objects.filter(article=article, text__contains="13").exists()


def test_published_rejected_and_editor_owned_events_are_never_changed(gazetteer_db):
    articles = [make_article(STRIKE_A, published=TUESDAY_REPORT), make_article(STRIKE_ELSEWHERE,
                                                                                published=TUESDAY_REPORT)]
    articles_extract([a.pk for a in articles])
    published = Event.objects.get(sources=articles[0])
    owned = Event.objects.get(sources=articles[1])
    Event.objects.filter(pk=published.pk).update(status=EventStatus.PUBLISHED, title="Checked by an editor")
    Event.objects.filter(pk=owned.pk).update(editor_owned=True, fatalities=3)
    for article in articles:
        Article.objects.filter(pk=article.pk).update(text=article.text.replace("killing", "killing at least 30,"))
    articles_extract([a.pk for a in articles])
    published.refresh_from_db()
    owned.refresh_from_db()
    assert (published.status, published.title, published.fatalities) == (
        EventStatus.PUBLISHED, "Checked by an editor", 13,
    )
    assert (owned.editor_owned, owned.fatalities) == (True, 3)
    # ... and no second candidate appeared beside them.
    assert Event.objects.count() == 2
    # Even when the text stops reporting it, a published event keeps its source.
    Article.objects.filter(pk=articles[0].pk).update(text="Nothing happened in Idlib today, residents said.")
    articles_extract([articles[0].pk])
    assert EventSource.objects.filter(event=published, article=articles[0]).exists()


def test_two_feeds_reporting_one_strike_make_one_event_with_two_sources(gazetteer_db):
    first = make_article(STRIKE_A, feed=make_feed("Wire A"), published=TUESDAY_REPORT)
    second = make_article(STRIKE_B, feed=make_feed("Wire B"), published=date(2018, 9, 5))
    articles_extract([first.pk])
    articles_extract([second.pk])
    (event,) = Event.objects.filter(event_type="Explosions/Remote violence")
    assert set(event.sources.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert event.place.slug == "jisr-al-shughur" and event.occurred_on == date(2018, 9, 4)
    # Idempotent too: running both again keeps one event with two sources.
    articles_extract([first.pk, second.pk])
    assert Event.objects.filter(event_type="Explosions/Remote violence").count() == 1
    assert event.event_sources.count() == 2


def test_reports_in_one_batch_cluster_too_but_not_across_places(gazetteer_db):
    articles = [
        make_article(STRIKE_A, feed=make_feed("Wire A"), published=TUESDAY_REPORT),
        make_article(STRIKE_B, feed=make_feed("Wire B"), published=TUESDAY_REPORT),
        make_article(STRIKE_ELSEWHERE, feed=make_feed("Wire C"), published=TUESDAY_REPORT),
    ]
    articles_extract([a.pk for a in articles])
    strikes = Event.objects.filter(sub_event_type="Air/drone strike").order_by("place__slug")
    assert [(e.place.slug, e.sources.count()) for e in strikes] == [("jisr-al-shughur", 2), ("saraqib", 1)]
    assert {e.occurred_on for e in strikes} == {date(2018, 9, 4)}


def test_a_new_report_joins_a_published_event_without_changing_it(gazetteer_db):
    first = make_article(STRIKE_A, published=TUESDAY_REPORT)
    articles_extract([first.pk])
    event = Event.objects.get(sources=first)
    Event.objects.filter(pk=event.pk).update(status=EventStatus.PUBLISHED)
    event.refresh_from_db()
    second = make_article(STRIKE_B, feed=make_feed("Wire B"), published=TUESDAY_REPORT)
    articles_extract([second.pk])
    fresh = Event.objects.get(pk=event.pk)
    assert set(fresh.sources.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert (fresh.fatalities, fresh.confidence, fresh.updated_at) == (
        event.fatalities, event.confidence, event.updated_at,
    )


def test_statements_about_an_event_in_the_next_sentence_are_tied_to_it_but_not_across_two_events(gazetteer_db):
    text = """Strikes on Ariha and Saraqib

Russian warplanes struck Ariha in Idlib province on Monday. Nine civilians were killed, the Syrian Observatory for \
Human Rights said.

Government artillery shelled Saraqib on Monday. "The shells fell on the market," a resident said.

Rebels clashed with government forces near Kafr Nabl on Monday. Turkish troops shelled Tal Rifaat on Monday. \
"Nobody slept," a volunteer said."""
    article = make_article(text, published=TUESDAY_REPORT)
    articles_extract([article.pk])
    events = {e.place.name: e.pk for e in Event.objects.filter(sources=article).select_related("place")}
    said = {s.text: s.event_id for s in Statement.objects.filter(article=article)}
    assert said["Nine civilians were killed"] == events["Ariha"]
    assert said["The shells fell on the market"] == events["Saraqib"]
    # Its paragraph reports two happenings: which one it is about, the text does not say.
    assert said["Nobody slept"] is None
    articles_extract([article.pk])  # re-extraction keeps the links
    assert {s.text: s.event_id for s in Statement.objects.filter(article=article)} == said


def test_a_party_to_the_articles_one_event_speaks_about_it_wherever_it_is_quoted(gazetteer_db):
    text = """Putin and Erdogan agree on Idlib buffer zone

Russian President Vladimir Putin and Turkish President Recep Tayyip Erdogan agreed in Sochi on Monday to create a \
demilitarised zone in Idlib.

Putin said the radical groups would have to leave the zone by mid-October.

Erdogan said the agreement would prevent a humanitarian crisis.

Aid agencies said up to 800,000 people could be driven from their homes."""
    article = make_article(text, published=date(2018, 9, 18))
    articles_extract([article.pk])
    (deal,) = Event.objects.filter(sources=article)
    said = {s.speaker.slug if s.speaker else s.speaker_text: s.event_id for s in Statement.objects.filter(article=article)}
    assert said["vladimir-putin"] == said["recep-tayyip-erdogan"] == deal.pk
    assert said["Aid agencies"] is None  # not a party to the deal, not in its paragraph


def test_titles_join_the_place_as_the_happening_stands_to_it(gazetteer_db):
    text = """Drones downed near Russian base; Ankara lists HTS

Air defences at the Hmeimim air base in Latakia province shot down drones launched towards it on Monday, the \
Russian Defence Ministry said.

Turkey on Friday designated Hayat Tahrir al-Sham as a terrorist organisation, the group that controls most of Idlib."""
    article = make_article(text, published=TUESDAY_REPORT)
    articles_extract([article.pk])
    titles = set(Event.objects.filter(sources=article).values_list("title", flat=True))
    # Drones are shot down approaching a base, and a state lists a group from its capital, not from Idlib.
    assert titles == {"Drones shot down near Hmeimim airbase", "Turkey lists Hayat Tahrir al-Sham as terrorist group"}


def test_irrelevant_articles_are_kept_without_facts(gazetteer_db):
    article = make_article(
        "Late penalty gives Croatia draw\n\nCroatia drew 1-1 with Portugal in Lisbon on Sunday. They travel to "
        "face Turkey in October, the coach said.",
    )
    articles_extract([article.pk])
    article.refresh_from_db()
    assert article.is_relevant is False and article.extracted_at is not None
    assert _snapshot(article) == {
        "events": [], "sources": 0, "roles": 0, "statements": [], "actors": [], "places": [],
    }


def test_unknown_names_are_proposed_once_and_attached_only_after_approval(gazetteer_db):
    text = (
        "Sultan Murad Brigade fighters clash with HTS\n\nFighters of the Sultan Murad Brigade clashed with Hayat "
        "Tahrir al-Sham near Saraqib on Monday, the Syrian Observatory for Human Rights said."
    )
    article = make_article(text)
    articles_extract([article.pk])
    proposed = Actor.objects.get(name="Sultan Murad Brigade")
    assert (proposed.status, proposed.kind) == (ActorStatus.PROPOSED, "militia")
    assert "Sultan Murad Brigade" in proposed.description
    assert proposed not in article.actors.all()
    assert not EventActor.objects.filter(actor=proposed).exists()
    other = make_article(text.replace("Monday", "Tuesday"), feed=make_feed("Wire B"))
    articles_extract([article.pk, other.pk])
    assert Actor.objects.filter(name="Sultan Murad Brigade").count() == 1
    actor_approve(proposed)  # an editor accepts it: the matcher picks it up on the next run
    articles_extract([article.pk])
    assert proposed in article.actors.all()


def test_a_discarded_proposal_is_not_proposed_again(gazetteer_db):
    text = (
        "Clashes near Saraqib\n\nThe Free Coast Brigade clashed with Hayat Tahrir al-Sham near Saraqib on Monday, "
        "the Syrian Observatory for Human Rights said."
    )
    article = make_article(text)
    articles_extract([article.pk])
    proposed = Actor.objects.get(name="Free Coast Brigade", status=ActorStatus.PROPOSED)
    actor_discard(proposed)  # an editor: not an actor
    assert RejectedName.objects.filter(name="Free Coast Brigade").exists()

    articles_extract([article.pk])  # re-extracting the article that proposed it
    later = make_article(text.replace("Monday", "Thursday"), feed=make_feed("Wire C"))
    articles_extract([later.pk])  # and another article naming it
    assert not Actor.objects.filter(name__iexact="Free Coast Brigade").exists()

    RejectedName.objects.filter(name="Free Coast Brigade").delete()  # the editor changes their mind
    articles_extract([later.pk])
    assert Actor.objects.filter(name="Free Coast Brigade", status=ActorStatus.PROPOSED).exists()


def test_matcher_follows_gazetteer_changes(gazetteer_db):
    # A spelling the gazetteer cannot derive from its names (matcher.place_spellings knows 'Kfar Zeita').
    article = make_article(
        "Shelling in Qafr Zaytah\n\nGovernment forces shelled Qafr Zaytah in northern Hama on Monday, "
        "killing two civilians, the Syrian Observatory for Human Rights said."
    )
    articles_extract([article.pk])
    assert "kafr-zita" not in set(article.places.values_list("slug", flat=True))
    place = Place.objects.get(slug="kafr-zita")
    place.aliases = [*place.aliases, "Qafr Zaytah"]
    place.save()  # an edit in place: once committed, the save signal invalidates every process's matcher
    run_commit_callbacks()  # the commit the test's transaction never makes
    articles_extract([article.pk])
    assert "kafr-zita" in set(article.places.values_list("slug", flat=True))
    # Bulk writes send no signals; the table fingerprint still notices them.
    wfp = Actor.objects.get(slug="wfp")
    Alias.objects.bulk_create([Alias(actor=wfp, name="Qafr Zaytah food convoy", normalized="qafr zaytah food convoy")])
    Article.objects.filter(pk=article.pk).update(text=article.text + " The Qafr Zaytah food convoy was turned back.")
    articles_extract([article.pk])
    assert wfp in article.actors.all()


def _batch(towns: list[str], feed) -> list[int]:
    return [
        make_article(
            f"Shelling in {town}\n\nGovernment forces shelled {town} in Idlib province on Monday, killing "
            f"{i + 2} civilians, the Syrian Observatory for Human Rights said.", feed=feed,
        ).pk
        for i, town in enumerate(towns)
    ]


def test_query_count_does_not_grow_with_the_batch(gazetteer_db):
    feed = make_feed()
    articles_extract(_batch(["Harim"], make_feed("warm-up")))  # builds the matcher once
    counts = []
    for towns in (["Saraqib", "Ariha"], ["Kafr Nabl", "Binnish", "Sarmin", "Taftanaz", "Armanaz", "Salqin"]):
        ids = _batch(towns, feed)
        with CaptureQueriesContext(connection) as queries:
            report = articles_extract(ids)
        assert report.events_created == len(towns) and report.statements == len(towns)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_ingested_articles_are_extracted(gazetteer_db, founding_article_text):
    from events.ingest.articles import article_ingest
    from events.ingest.parse import ParsedEntry

    title, _, body = founding_article_text.partition("\n")
    html = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    entry = ParsedEntry(
        guid="founding", link="https://news.example.org/idlib-cannot-be-a-slaughter", title=title, author="",
        published_at=None, content=html, content_is_html=True,
    )
    report = article_ingest(make_feed(), [entry])
    articles_extract(report.new_ids)  # what the feed's services hand on once the feed's lock is released
    article = Article.objects.get(pk=report.new_ids[0])
    assert article.is_relevant is True
    assert Statement.objects.filter(article=article, speaker__slug="steven-mnuchin").exists()
    assert article.events.filter(sub_event_type="Agreement", place__slug="tehran").exists()


def test_articles_ingestion_just_added_are_written_without_lookups_and_stay_idempotent(gazetteer_db):
    """New articles skip the lookups of existing rows (there are none); extracting them again finds and keeps
    exactly what the short path wrote, and a changed text is reconciled as for any other article."""
    from events.ingest.articles import article_ingest
    from events.ingest.parse import ParsedEntry

    def entry(text: str) -> ParsedEntry:
        title, _, body = text.partition("\n\n")
        return ParsedEntry(
            guid="strike", link="https://news.example.org/strike", title=title, author="",
            published_at=None, content="".join(f"<p>{p}</p>" for p in body.split("\n\n")), content_is_html=True,
        )

    feed = make_feed()
    with CaptureQueriesContext(connection) as queries:
        report = article_ingest(feed, [entry(STRIKE_A)])
        articles_extract(report.new_ids)
    article = Article.objects.get(pk=report.new_ids[0])
    assert not any('"actors_statement"."id"' in q["sql"] and "SELECT" in q["sql"] for q in queries.captured_queries)
    first = _snapshot(article)
    assert first["events"] and first["statements"] and first["actors"] and first["places"]
    # Each new candidate starts its history with what extraction proposed (the admin shows changes against it).
    created = Event.history.filter(id__in=first["events"], history_type="+")
    assert sorted(created.values_list("id", flat=True)) == first["events"]
    assert {(h.history_change_reason, h.title) for h in created} == {
        ("Extracted", e.title) for e in Event.objects.filter(id__in=first["events"])
    }

    again = articles_extract([article.pk])
    assert (again.events_created, again.statements, again.sources_attached) == (0, 0, 0)
    assert _snapshot(article) == first

    articles_extract(article_ingest(feed, [entry(STRIKE_ELSEWHERE)]).updated_ids)
    changed = _snapshot(article)
    assert Statement.objects.filter(article=article).get().text.startswith("Russian warplanes bombed Saraqib")
    assert changed["places"] != first["places"] and changed["events"] != first["events"]


def test_proposals_cost_the_same_queries_however_many_names(gazetteer_db):
    """Unknown names are proposed in bulk: no savepoint, INSERTs or Redis calls per proposal."""
    brigades = ["Free Coast Brigade", "Northern Storm Brigade", "Sham Falcons Brigade", "Desert Hawks Brigade"]

    def extract_naming(names: list[str]) -> int:
        text = "Clashes near Saraqib\n\n" + " ".join(
            f"The {name} clashed with Hayat Tahrir al-Sham near Saraqib on Monday, the Syrian Observatory said."
            for name in names
        )
        article = make_article(text)
        articles_extract([make_article("Warm-up\n\nNothing here.").pk])  # the matcher is built outside the count
        with CaptureQueriesContext(connection) as queries:
            report = articles_extract([article.pk])
        assert report.proposals == len(names)
        return len(queries)

    one = extract_naming(brigades[:1])
    Actor.objects.filter(status=ActorStatus.PROPOSED).delete()
    assert extract_naming(brigades[1:]) == one


def test_an_article_in_a_language_without_a_profile_is_stored_but_not_read(gazetteer_db):
    """English rules over Arabic text would find nothing right: the article stays, unread, and the report says so;
    a feed that says "en-GB" is English."""
    arabic = make_article(STRIKE_A, feed=make_feed("Arabic wire", language="ar"), published=TUESDAY_REPORT)
    british = make_article(STRIKE_B, feed=make_feed("British wire", language="en-GB"), published=TUESDAY_REPORT)
    report = articles_extract([arabic.pk, british.pk])
    assert report.unread == {"ar": 1}
    arabic.refresh_from_db()
    british.refresh_from_db()
    assert arabic.extracted_at is None and _snapshot(arabic)["events"] == [] and not arabic.actors.exists()
    assert british.extracted_at is not None and _snapshot(british)["events"]
