"""The CSV export reads like ACLED's: every column in ACLED's order plus our source URLs, one organisation per side
with the persons acting for it as associated actors, and an Excel variant that keeps Erdoğan's ğ."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from actors.models import ActorKind
from events.models import ActorRole, EventActor, EventSource
from events.taxonomy import EventType, SubEventType
from tests.factories import make_actor, make_articles, make_events, make_feed, make_place

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def _whole_record(client, query: str = ""):
    """The whole record is a file a job writes (events/exports.py): /api/events.csv redirects to it; on the
    embedded default (eager Celery) the request writes it, with a worker the test writes it as the worker would."""
    from events import exports, freshness

    response = client.get("/api/events.csv" + query)
    assert response.status_code == 302
    exports.full_export_write("csv", freshness.version())
    return client.get(response["Location"])


def _rows(raw: bytes, encoding: str = "utf-8") -> tuple[list[str], dict[str, dict[str, str]]]:
    reader = csv.reader(io.StringIO(raw.decode(encoding), newline=""))
    header = next(reader)
    rows = [dict(zip(header, values, strict=True)) for values in reader]
    return header, {row["event_id_cnty"]: row for row in rows}


@pytest.fixture
def record(db):
    turkey = make_actor("Turkey", slug="turkey", kind=ActorKind.STATE, country="Turkey")
    erdogan = make_actor("Recep Tayyip Erdoğan", slug="erdogan", kind=ActorKind.PERSON, parent=turkey)
    russia = make_actor("Russia", slug="russia", kind=ActorKind.STATE, country="Russia")
    putin = make_actor("Vladimir Putin", slug="putin", kind=ActorKind.PERSON, parent=russia)
    air_force = make_actor("Russian Aerospace Forces", slug="vks", kind=ActorKind.STATE_FORCES, country="Russia")
    civilians = make_actor("Civilians (Syria)", slug="civilians", kind=ActorKind.CIVILIANS)
    hts = make_actor("Hayat Tahrir al-Sham", slug="hts", kind=ActorKind.JIHADIST_GROUP)
    sochi = make_place("Sochi", slug="sochi", country="Russia", admin1="Krasnodar", latitude=43.6, longitude=39.7)
    khan = make_place("Khan Shaykhun", slug="khan-shaykhun", admin1="Idlib", admin2="Maarrat al-Numan",
                      latitude=35.44, longitude=36.65)
    deal = make_events(1, start=date(2018, 9, 17), types=[EventType.STRATEGIC], sub_type=SubEventType.AGREEMENT,
                       places=[sochi], title="Erdoğan and Putin agree on a buffer zone", numbered=False)[0]
    strike = make_events(1, start=date(2018, 9, 4), types=[EventType.EXPLOSIONS],
                         sub_type=SubEventType.AIR_DRONE_STRIKE, places=[khan], title="Air strike",
                         description="Air strikes on Khan Shaykhun killed 3 civilians.", numbered=False)[0]
    strike.fatalities = 3
    strike.save()
    EventActor.objects.bulk_create([
        EventActor(event=deal, actor=erdogan, role=ActorRole.ACTOR1),
        EventActor(event=deal, actor=putin, role=ActorRole.ACTOR2),
        EventActor(event=strike, actor=air_force, role=ActorRole.ACTOR1),
        EventActor(event=strike, actor=civilians, role=ActorRole.ACTOR2),
        EventActor(event=strike, actor=hts, role=ActorRole.ASSOCIATED),
    ])
    feed = make_feed("Levant Wire")
    articles = make_articles(feed, 2)
    EventSource.objects.bulk_create([
        EventSource(event=deal, article=articles[0], sentence="."),
        EventSource(event=strike, article=articles[1], sentence="."),
    ])
    return {"deal": deal, "strike": strike, "articles": articles}


def test_every_acled_column_in_acleds_order_then_our_source_urls(client, record):
    header, rows = _rows(_bytes(_whole_record(client)))
    assert header == [*ACLED_COLUMNS, "source_urls"]
    assert set(rows) == {f"RUS{record['deal'].pk}", f"SYR{record['strike'].pk}"}


def test_a_persons_organisation_is_actor1_and_the_person_is_associated(client, record):
    _, rows = _rows(_bytes(_whole_record(client)))
    deal = rows[f"RUS{record['deal'].pk}"]
    assert (deal["actor1"], deal["assoc_actor_1"]) == ("Turkey", "Recep Tayyip Erdoğan")
    assert (deal["actor2"], deal["assoc_actor_2"]) == ("Russia", "Vladimir Putin")
    # Turkey acting in Russia: external forces (8); Russia at home: state forces (1).
    assert (deal["inter1"], deal["inter2"], deal["interaction"]) == ("8", "1", "18")
    assert deal["disorder_type"] == "Strategic developments" and deal["civilian_targeting"] == ""
    assert (deal["iso"], deal["region"], deal["country"], deal["admin1"]) == ("643", "Europe", "Russia", "Krasnodar")
    assert (deal["event_date"], deal["year"], deal["time_precision"]) == ("2018-09-17", "2018", "1")
    assert deal["fatalities"] == "0"


def test_the_strike_row_carries_acled_codes_places_and_sources(client, record):
    _, rows = _rows(_bytes(_whole_record(client)))
    strike = rows[f"SYR{record['strike'].pk}"]
    assert (strike["actor1"], strike["assoc_actor_1"], strike["actor2"]) == (
        "Russian Aerospace Forces", "Hayat Tahrir al-Sham", "Civilians (Syria)"
    )
    assert (strike["inter1"], strike["inter2"], strike["interaction"]) == ("8", "7", "78")
    assert strike["civilian_targeting"] == "Civilian targeting"
    assert strike["disorder_type"] == "Political violence"
    assert (strike["event_type"], strike["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (strike["iso"], strike["region"], strike["country"]) == ("760", "Middle East", "Syria")
    assert (strike["admin1"], strike["admin2"], strike["admin3"]) == ("Idlib", "Maarrat al-Numan", "")
    assert (strike["location"], float(strike["latitude"]), float(strike["longitude"])) == ("Khan Shaykhun", 35.44, 36.65)
    assert strike["notes"] == "Air strikes on Khan Shaykhun killed 3 civilians." and strike["fatalities"] == "3"
    assert strike["source"] == "Levant Wire" and strike["source_urls"] == record["articles"][1].url
    assert int(strike["timestamp"]) == int(record["strike"].updated_at.timestamp())


def test_erdogan_survives_both_variants(client, record):
    plain = _bytes(_whole_record(client))
    assert not plain.startswith(b"\xef\xbb\xbf")
    response = _whole_record(client, "?excel=1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "-excel.csv" in response["Content-Disposition"]
    excel = _bytes(response)
    assert excel.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark Excel looks for
    assert excel[3:] == plain  # otherwise the same bytes
    _, rows = _rows(excel, "utf-8-sig")
    assert rows[f"RUS{record['deal'].pk}"]["assoc_actor_1"] == "Recep Tayyip Erdoğan"
    assert rows[f"RUS{record['deal'].pk}"]["notes"] == "Erdoğan and Putin agree on a buffer zone"


@pytest.mark.parametrize("query", ["excel=yes", "excel=1&excel=1"])
def test_a_bad_excel_flag_is_a_400(client, record, query):
    response = client.get(f"/api/events.csv?{query}")
    assert response.status_code == 400
    assert b"'excel' must be 1" in response.content


def test_the_timeline_offers_both_csvs_with_its_filters(client, record):
    html = client.get("/timeline/?type=Battles&governorate=idlib").content.decode()
    assert 'href="/api/events.csv?type=Battles&amp;governorate=Idlib">CSV (ACLED columns)' in html
    assert 'href="/api/events.csv?type=Battles&amp;governorate=Idlib&amp;excel=1">CSV for Excel' in html
