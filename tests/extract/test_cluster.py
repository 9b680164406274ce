"""When two reports are the same happening (pure part; the database side is in test_service.py)."""

from __future__ import annotations

from datetime import date

from events.extract.cluster import Signature, best_match, match_score, tokens_of

STRIKE = "Russian warplanes struck Jisr al-Shughur on Tuesday, killing 13 civilians including six children"
REPORT = "Russian jets carried out dozens of air strikes on Jisr al-Shughur on Tuesday; 12 civilians were killed"


def _sig(text, place=1, day=4, precision="day", sub="Air/drone strike", actors=(14,)):
    return Signature("Explosions/Remote violence", sub, place, date(2018, 9, day), precision, tokens_of(text),
                     frozenset(actors))


def test_two_reports_of_one_strike_match():
    assert match_score(_sig(STRIKE), _sig(REPORT)) is not None
    assert match_score(_sig(STRIKE), _sig(REPORT, day=5)) is not None  # reported the next day


def test_different_place_type_or_date_never_match():
    assert match_score(_sig(STRIKE), _sig(STRIKE, place=2)) is None
    assert match_score(_sig(STRIKE), _sig(STRIKE, sub="Shelling/artillery/missile attack")) is None
    assert match_score(_sig(STRIKE), _sig(STRIKE, day=9)) is None
    assert match_score(_sig(STRIKE, place=None), _sig(STRIKE, place=None)) is None


def test_unrelated_text_on_the_next_day_does_not_match():
    other = "A drone strike hit a car near Jisr al-Shughur bridge, the monitor said"
    assert match_score(_sig(STRIKE), _sig(other, day=5, actors=())) is None


def test_best_match_prefers_the_closest_date():
    existing = [(10, _sig(REPORT, day=3)), (11, _sig(REPORT, day=4))]
    assert best_match(_sig(STRIKE), existing) == 11


def test_a_place_lies_within_the_governorate_it_belongs_to_and_nowhere_else():
    from events.extract.cluster import place_within
    from events.extract.gazetteer import PlaceRecord

    latakia_governorate = PlaceRecord(1, "latakia-governorate", "Latakia Governorate", "governorate", admin1="Latakia")
    latakia = PlaceRecord(2, "latakia", "Latakia", "city", admin1="Latakia")
    akrad = PlaceRecord(3, "jabal-al-akrad", "Jabal al-Akrad", "other", admin1="Latakia")
    idlib_governorate = PlaceRecord(4, "idlib-governorate", "Idlib Governorate", "governorate", admin1="Idlib")
    assert place_within(akrad, latakia_governorate) and place_within(latakia, latakia_governorate)
    assert not place_within(akrad, idlib_governorate)
    assert not place_within(akrad, latakia)  # a city holds nothing in the gazetteer
    assert not place_within(latakia_governorate, latakia_governorate)
    assert not place_within(latakia_governorate, akrad)
