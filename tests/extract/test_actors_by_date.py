"""Generic names resolve by the article's date: "government forces" in a report of 30 November 2024 is Assad's
army, in one of 8 March 2025 the transitional authorities' forces. One person keeps one identity across names.

The pure path (the shipped gazetteer from its files, as eval_extraction reads it) and the write path (the gazetteer
loaded into the database, articles_extract as ingestion runs it) must agree."""

from __future__ import annotations

from datetime import date

import pytest

from actors.models import Actor
from events.extract.matcher import Matcher
from events.extract.matcher_cache import gazetteer_from_reference_files
from events.extract.pipeline import extract
from events.extract.rules import rules_load
from events.extract.store import articles_extract
from events.models import Event
from tests.extract.conftest import make_article

BEFORE, AFTER = date(2024, 11, 30), date(2025, 3, 8)

# The same words on both dates.
REPORT = """Government forces shell Jablah

Government forces shelled Jablah in Latakia province on Saturday, killing four civilians, the Syrian Observatory \
for Human Rights said.

The Syrian government said its troops were fighting terrorists. The Syrian Defence Ministry said the army had \
sent reinforcements, according to Syrian state media."""


@pytest.fixture(scope="module")
def shipped():
    gazetteer = gazetteer_from_reference_files()
    return Matcher(gazetteer, rules_load())


def _slugs(matcher: Matcher, published: date, text: str = REPORT) -> tuple[set[str], list[str | None]]:
    title, _, body = text.partition("\n")
    result = extract(title, body, published, matcher)
    slug = {i: a.slug for i, a in matcher.gazetteer.actors.items()}
    actor1 = [next((slug[a] for a, role in e.actors if role == "actor1"), None) for e in result.events]
    return {slug[i] for i in result.actor_ids}, actor1


def test_the_same_words_name_assads_state_before_8_december_2024_and_the_transitional_one_after(shipped):
    before, before_actor1 = _slugs(shipped, BEFORE)
    after, after_actor1 = _slugs(shipped, AFTER)
    assads = {"syrian-arab-army", "syrian-government", "sana"}
    transitional = {"syrian-armed-forces-transitional", "syrian-transitional-government",
                    "syrian-transitional-defence-ministry", "sana-transitional"}
    assert assads <= before and not before & transitional
    assert transitional <= after and not after & assads
    # The shelling is credited to the army of its day.
    assert "syrian-arab-army" in before_actor1
    assert "syrian-armed-forces-transitional" in after_actor1 and "syrian-arab-army" not in after_actor1


def test_the_switch_falls_between_the_8th_and_the_9th_of_december_2024(shipped):
    on_the_day, _ = _slugs(shipped, date(2024, 12, 8))
    next_day, _ = _slugs(shipped, date(2024, 12, 9))
    assert "syrian-arab-army" in on_the_day and "syrian-armed-forces-transitional" not in on_the_day
    assert "syrian-armed-forces-transitional" in next_day and "syrian-arab-army" not in next_day


def test_names_that_do_not_change_meaning_stay_with_their_actor(shipped):
    # "regime forces" is Assad's in 2025 too (the press means the fallen one); HTS stays HTS in a look back.
    text = ("Idlib: a year on\n\nRegime forces shelled Idlib for years before Hayat Tahrir al-Sham took Aleppo, "
            "the Syrian Observatory for Human Rights said.")
    found, _ = _slugs(shipped, AFTER, text)
    assert {"syrian-arab-army", "hayat-tahrir-al-sham"} <= found


def test_al_jolani_and_al_sharaa_are_one_person(shipped):
    then = "HTS leader speaks\n\nAbu Mohammad al-Jolani, the leader of HTS, said in Idlib that his group would fight on."
    now = "Sharaa in Idlib\n\nPresident Ahmed al-Sharaa said in Idlib that the state would rebuild the province."
    later = "President visits Idlib\n\nThe Syrian president said in Idlib that al-Sharaa's government would rebuild."
    assert "ahmed-al-sharaa" in _slugs(shipped, date(2018, 9, 7), then)[0]
    assert "ahmed-al-sharaa" in _slugs(shipped, date(2025, 6, 1), now)[0]
    assert "ahmed-al-sharaa" in _slugs(shipped, date(2025, 6, 1), later)[0]
    assert "bashar-al-assad" not in _slugs(shipped, date(2025, 6, 1), later)[0]
    # Before 2025, "the Syrian president" is Assad, and "al-Sharaa" alone is not read as him.
    assert "bashar-al-assad" in _slugs(shipped, date(2019, 6, 1), later)[0]
    farouk = "Idlib talks\n\nVice-President Farouk al-Sharaa said in Damascus that the talks on Idlib had failed."
    assert "ahmed-al-sharaa" not in _slugs(shipped, date(2012, 8, 1), farouk)[0]


@pytest.mark.django_db
def test_ingestion_links_each_article_to_the_actors_of_its_date(gazetteer_db):
    old = make_article(REPORT, published=BEFORE)
    new = make_article(REPORT, published=AFTER)
    articles_extract([old.pk, new.pk])
    army = Actor.objects.get(slug="syrian-arab-army")
    new_army = Actor.objects.get(slug="syrian-armed-forces-transitional")
    assert army in old.actors.all() and new_army not in old.actors.all()
    assert new_army in new.actors.all() and army not in new.actors.all()
    shelling_2025 = Event.objects.get(sources=new, sub_event_type="Shelling/artillery/missile attack")
    assert shelling_2025.actor_roles.get(role="actor1").actor == new_army
    assert shelling_2025.title.startswith("Shelling by Syrian Armed Forces")
    shelling_2024 = Event.objects.get(sources=old, sub_event_type="Shelling/artillery/missile attack")
    assert shelling_2024.actor_roles.get(role="actor1").actor == army
