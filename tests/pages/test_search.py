"""The timeline's free-text filter means the same on both databases: this module runs unchanged on SQLite (FTS5,
`make test` with nothing set) and on PostgreSQL (websearch_to_tsquery, CI's second run); the same queries, the same
answers. Events are written through the ORM and raw SQL so the index must follow every kind of write."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection

from events.models import Event
from events.public.search import Group, parse
from tests.factories import make_events

TEXTS = {
    "erdogan": ("Erdoğan meets Putin in Sochi", "Turkey's president Recep Tayyip Erdoğan agreed a buffer zone."),
    "hrw": ("Human Rights Watch report on Idlib", "The report lists attacks on hospitals."),
    "hts": ("HTS fighters attack army posts", "Hayat Tahrir al-Sham (HTS) attacked posts near Saraqib."),
    "barrels_aleppo": ("Barrel bombs dropped on Aleppo countryside", "Helicopters dropped barrel bombs."),
    "barrels_idlib": ("Barrel bombs hit Khan Shaykhun", "Two barrel bombs fell on the market."),
    "barrel_loose": ("Shelling near a barrel factory", "Bombs fell on the town; the barrel store burnt."),
}


@pytest.fixture
def events(db) -> dict[str, int]:
    made = make_events(len(TEXTS), start=date(2024, 3, 1))
    ids = {}
    for event, (key, (title, description)) in zip(made, TEXTS.items(), strict=True):
        Event.objects.filter(pk=event.pk).update(title=title, description=description)
        ids[key] = event.pk
    return ids


def _ids(client, q: str) -> set[int]:
    response = client.get("/timeline/", {"q": q})
    assert response.status_code == 200, response.content[:500]
    return {int(i) for i in re.findall(r'id="event-(\d+)-title"', response.content.decode())}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Whole words: HTS is not the end of "Rights".
        ("HTS", {"hts"}),
        ("hts", {"hts"}),
        # Diacritics folded both ways round.
        ("Erdogan", {"erdogan"}),
        ("Erdoğan", {"erdogan"}),
        # Words anywhere, all of them; stemmed ("bomb" finds "bombs").
        ("barrel bomb", {"barrels_aleppo", "barrels_idlib", "barrel_loose"}),
        # A phrase must appear as written; an exclusion removes.
        ('"barrel bombs"', {"barrels_aleppo", "barrels_idlib"}),
        ('"barrel bombs" -Aleppo', {"barrels_idlib"}),
        ('-"barrel bombs" barrel', {"barrel_loose"}),
        # Alternatives.
        ("Erdogan or HTS", {"erdogan", "hts"}),
        # Stop words are ignored as PostgreSQL's english configuration ignores them.
        ("the HTS", {"hts"}),
        ("the", set()),
        # Hyphenated names and title or description alike.
        ("al-Sham", {"hts"}),
        ("hospitals", {"hrw"}),
        # Odd input is not an error, and finds nothing rather than everything.
        ('"unclosed phrase', set()),
        ("!!! & | :* <-> ()", set()),
        ("NEAR(a b) OR *", set()),
    ],
)
def test_the_same_query_finds_the_same_events_on_either_database(client, events, query, expected):
    assert _ids(client, query) == {events[key] for key in expected}, connection.vendor


def test_an_exclusion_alone_keeps_everything_else(client, events):
    assert _ids(client, "-barrel") == {events["erdogan"], events["hrw"], events["hts"]}


def test_the_index_follows_edits_and_deletions(client, events):
    hrw = Event.objects.get(pk=events["hrw"])
    hrw.title = "Amnesty report on Maarat al-Numan"
    hrw.save()
    assert _ids(client, "Amnesty") == {events["hrw"]}
    assert _ids(client, "Human Rights") == set()
    Event.objects.filter(pk=events["hts"]).delete()
    assert _ids(client, "HTS") == set()


def test_rows_written_in_raw_sql_are_found(client, events):
    # Extraction writes events in multi-row INSERTs of plain tuples; the index must not depend on the ORM.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE events_event SET description = %s WHERE id = %s",
                       ["Çavuşoğlu spoke of the ceasefire.", events["hrw"]])
    assert _ids(client, "Cavusoglu ceasefire") == {events["hrw"]}


def test_queries_are_parsed_as_websearch_to_tsquery_reads_them():
    assert parse('Erdogan "barrel bombs" -Aleppo or tahrir') == [
        Group(include=["Erdogan", "barrel bombs"], exclude=["Aleppo"]),
        Group(include=["tahrir"]),
    ]
    assert parse("or or") == []
    assert parse('-"a b" "c') == [Group(include=["c"], exclude=["a b"])]


def test_a_table_rebuild_that_drops_the_sqlite_triggers_is_repaired_by_migrate(client, events, transactional_db):
    """SQLite rebuilds events_event when a migration alters one of its fields, and the triggers go with the old
    table; `migrate` puts them back and re-reads what was written meanwhile."""
    from django.core.management import call_command

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its trigger through ALTER TABLE; this is SQLite's table rebuild")
    with connection.cursor() as cursor:
        for name in ("events_event_fts_insert", "events_event_fts_update", "events_event_fts_delete"):
            cursor.execute(f"DROP TRIGGER {name}")
    Event.objects.filter(pk=events["hrw"]).update(title="Amnesty report on Maarat al-Numan")
    assert _ids(client, "Amnesty") == set()  # what a rebuilt table without triggers would do
    call_command("migrate", verbosity=0)
    assert _ids(client, "Amnesty") == {events["hrw"]}
    Event.objects.filter(pk=events["hts"]).update(title="Jaish al-Izza shells Hama")
    assert _ids(client, "Izza") == {events["hts"]}
