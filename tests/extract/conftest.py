"""Fixtures for the extraction tests: a small hand-made gazetteer for the pure functions, the shipped one for the
founding article and the evaluation set, and a clean matcher cache for every database test."""

from __future__ import annotations

from datetime import date

import pytest

from events.extract.gazetteer import ActorRecord, PlaceRecord, gazetteer_build
from events.extract.matcher import Matcher
from events.extract.pipeline import Extraction, extract
from events.extract.rules import rules_load

# id, slug, name, kind, parent, country
_ACTORS = [
    (1, "russia", "Russia", "state", None, "Russia"),
    (2, "vladimir-putin", "Vladimir Putin", "person", 1, "Russia"),
    (3, "turkey", "Turkey", "state", None, "Turkey"),
    (4, "recep-tayyip-erdogan", "Recep Tayyip Erdoğan", "person", 3, "Turkey"),
    (5, "nfl", "National Front for Liberation", "rebel_group", None, "Syria"),
    (6, "islamic-state", "Islamic State", "jihadist_group", None, ""),
    (7, "hts", "Hayat Tahrir al-Sham", "jihadist_group", None, "Syria"),
    (8, "syria", "Syria", "state", None, "Syria"),
    (9, "syrian-government", "Syrian government", "government_body", 8, "Syria"),
    (10, "sohr", "Syrian Observatory for Human Rights", "ngo", None, "United Kingdom"),
    (11, "united-states", "United States", "state", None, "United States"),
    (12, "steven-mnuchin", "Steven Mnuchin", "person", 11, "United States"),
    (13, "civilians", "Civilians (Syria)", "civilians", None, "Syria"),
    (14, "russian-armed-forces", "Russian Armed Forces", "state_forces", 1, "Russia"),
    (15, "hassan-rouhani", "Hassan Rouhani", "person", 16, "Iran"),
    (16, "iran", "Iran", "state", None, "Iran"),
    (17, "white-helmets", "White Helmets", "ngo", None, "Syria"),
    (18, "hamza-division", "Hamza Division", "militia", None, "Syria", True),
]
_ALIASES = [
    ("Putin", 2), ("Erdogan", 4), ("Turkey-backed rebels", 5), ("rebels backed by Turkey", 5), ("NFL", 5),
    ("ISIL", 6), ("ISIS", 6), ("Islamic State of Iraq and the Levant", 6), ("HTS", 7), ("Nusra Front", 7),
    ("al-Nusra Front", 7), ("Assad regime", 9), ("government forces", 9), ("Assad's government", 9),
    ("SOHR", 10), ("Mnuchin", 12), ("civilians", 13), ("Russian military", 14), ("Russian warplanes", 14),
    ("Rouhani", 15), ("Syria Civil Defence", 17),
]
# id, slug, name, kind, country, admin1, aliases
_PLACES = [
    (1, "idlib", "Idlib", "city", "Syria", "Idlib", ["Idleb"]),
    (2, "idlib-governorate", "Idlib Governorate", "governorate", "Syria", "Idlib", ["Idlib province"]),
    (3, "hama", "Hama", "city", "Syria", "Hama", []),
    (4, "hama-governorate", "Hama Governorate", "governorate", "Syria", "Hama", ["Hama province"]),
    (5, "maarat-al-numan", "Maarat al-Numan", "city", "Syria", "Idlib", ["Ma'arrat an-Nu'man"]),
    (6, "saraqib", "Saraqib", "town", "Syria", "Idlib", ["Saraqeb"]),
    (7, "tehran", "Tehran", "city", "Iran", "Tehran", []),
    (8, "khan-shaykhun", "Khan Shaykhun", "town", "Syria", "Idlib", ["Khan Sheikhoun"]),
]

PUBLISHED = date(2018, 9, 7)  # a Friday


def small_gazetteer():
    actors = [
        ActorRecord(id=a[0], slug=a[1], name=a[2], kind=a[3], parent_id=a[4], country=a[5],
                    proposed=len(a) > 6 and a[6])
        for a in _ACTORS
    ]
    places = [PlaceRecord(id=p[0], slug=p[1], name=p[2], kind=p[3], country=p[4], admin1=p[5]) for p in _PLACES]
    place_aliases = [(alias, p[0]) for p in _PLACES for alias in p[6]]
    return gazetteer_build(actors, _ALIASES, places, place_aliases)


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return Matcher(small_gazetteer(), rules_load())


@pytest.fixture(scope="session")
def read(matcher):
    """read(text) -> Extraction of a one-paragraph article about Idlib (so it is relevant) dated PUBLISHED."""

    def _read(body: str, title: str = "Idlib report", published: date = PUBLISHED) -> Extraction:
        return extract(title, body, published, matcher)

    return _read


@pytest.fixture
def fresh_matcher(db):
    """Every database test builds its matcher from its own gazetteer (SQLite can reuse ids after a rollback)."""
    from events.extract.matcher_cache import matcher_forget

    matcher_forget()
    yield
    matcher_forget()


@pytest.fixture
def gazetteer_db(fresh_matcher):
    """The shipped gazetteer (actors and places) loaded through the reference-data services."""
    from actors.services import actor_gazetteer_load
    from events.reference import ACTORS_FILE, PLACES_FILE, place_gazetteer_load, read_json

    actor_gazetteer_load(read_json(ACTORS_FILE))
    place_gazetteer_load(read_json(PLACES_FILE))
    from events.extract.matcher_cache import matcher_forget

    matcher_forget()


_guid = iter(range(1, 10**6))


def make_article(text: str, *, feed=None, published: date = PUBLISHED, title: str | None = None):
    """An Article row as ingestion stores it: the first line of ``text`` is the title unless one is given."""
    from datetime import datetime, time

    from django.utils import timezone

    from events.models import Article
    from tests.factories import make_feed

    if title is None:
        title, _, text = text.partition("\n")
    n = next(_guid)
    return Article.objects.create(
        feed=feed or make_feed(), guid=f"extract-{n}", url=f"https://news.example.org/extract/{n}", title=title,
        text=text.strip(), content_hash=f"{n:064x}",
        published_at=timezone.make_aware(datetime.combine(published, time(12, 0))),
    )


def run_commit_callbacks() -> None:
    """Run what the test's transaction (never committed) has waiting for its commit, as a commit would."""
    from django.db import connection

    for _sids, callback, _robust in list(connection.run_on_commit):
        callback()
