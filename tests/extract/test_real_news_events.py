"""Events as real news tells them (issue 13): tolls written the way reporters write them, perpetrators kept
through passives, headlines and later sentences, air raids that are no arrests, history and datelines that are no
happenings. The sentences are our own; what they check is what an editor would see on an event."""

from __future__ import annotations

from datetime import date

from events.models import ActorRole


def _roles(matcher, event) -> dict[str, str]:
    return {matcher.gazetteer.actors[a].slug: role for a, role in event.actors}


def _actor1(matcher, event) -> str | None:
    return next((matcher.gazetteer.actors[a].slug for a, role in event.actors if role == ActorRole.ACTOR1), None)


def test_a_toll_told_as_a_sum_is_added_up(read):
    (event,) = read("Air strikes on Saraqib on Tuesday killed a woman and nine children.").events
    assert event.fatalities == 10
    (event,) = read("Five women and a child were killed when warplanes bombed Saraqib on Tuesday.").events
    assert event.fatalities == 6


def test_a_figure_inside_the_toll_is_not_the_toll(read):
    body = "At least 31 people including eight children were killed in air strikes on Saraqib on Tuesday."
    (event,) = read(body).events
    assert event.fatalities == 31


def test_a_year_in_a_dateline_is_no_toll(read):
    (event,) = read("4 September 2018 Two children were killed by rocket fire on Saraqib.").events
    assert event.fatalities == 2


def test_the_latest_toll_and_an_exact_figure_win(read):
    body = "Air strikes hit Saraqib on Tuesday, killing 10 people. The death toll has since risen to 14."
    (event,) = read(body).events
    assert event.fatalities == 14
    body = "Dozens were killed in air strikes on Saraqib on Tuesday. The strikes killed 23 people, the monitor said."
    (event,) = read(body).events
    assert event.fatalities == 23


def test_two_reports_of_one_toll_keep_the_lowest(read):
    body = (
        "A car bomb killed seven people in Saraqib on Tuesday, the monitor said. "
        "The car bomb in Saraqib killed five people, state media said."
    )
    (event,) = read(body).events
    assert event.fatalities == 5


def test_a_state_acts_in_violence_through_its_forces(read, matcher):
    (event,) = read("Russia bombed Saraqib on Tuesday, killing four civilians.").events
    assert _actor1(matcher, event) == "russian-armed-forces"


def test_those_killed_by_the_strike_are_not_its_perpetrator(read, matcher):
    (event,) = read("Twelve ISIS fighters were killed in air strikes near Saraqib on Tuesday.").events
    assert _actor1(matcher, event) is None
    assert _roles(matcher, event)["islamic-state"] == ActorRole.ACTOR2


def test_the_headline_names_the_perpetrator_the_lead_leaves_out(read, matcher):
    (event,) = read("Air strikes hit Saraqib on Tuesday, killing 12 people.", title="Russian warplanes strike Idlib").events
    assert _actor1(matcher, event) == "russian-armed-forces"


def test_a_later_report_names_the_perpetrator(read, matcher):
    body = "Air strikes hit Saraqib on Tuesday, killing 12 people. The strikes were carried out by Russian warplanes."
    (event,) = read(body).events
    assert _actor1(matcher, event) == "russian-armed-forces"


def test_raids_are_air_raids_unless_people_are_arrested(read):
    body = "Air strikes hit Saraqib on Tuesday. The raids also destroyed a bakery in Saraqib."
    assert [e.sub_event_type for e in read(body).events] == ["Air/drone strike"]
    body = "Government forces raided homes in Saraqib on Tuesday and arrested 20 men."
    assert [e.sub_event_type for e in read(body).events] == ["Arrests"]


def test_history_told_with_its_year_is_no_event(read):
    body = "Syria has been at war since 2011, when the regime cracked down on protests in Saraqib."
    assert read(body).events == []
    body = "The town was shelled in 2015 and again in 2016 according to residents of Saraqib."
    assert read(body).events == []


def test_the_dateline_is_not_the_day_of_the_happening(read):
    body = (
        "7 Sep 2018 Air strikes hit Saraqib, killing five people. "
        "The strikes on Saraqib on Tuesday were the heaviest in weeks."
    )
    (event,) = read(body).events
    assert event.occurred_on == date(2018, 9, 4)


def test_who_fights_whom_in_general_is_no_battle(read):
    body = "The attack in Saraqib was blamed on rebels fighting to overthrow the government since the war began."
    assert [e.sub_event_type for e in read(body).events if e.event_type == "Battles"] == []
    body = "Air strikes on Saraqib came amid intense clashes between government forces and rebels in Idlib province."
    assert [e.event_type for e in read(body).events] == ["Explosions/Remote violence"]


def test_an_attack_foiled_is_a_clash_and_a_rocket_attack_is_shelling(read):
    body = "Government forces foiled an attack by HTS on their positions near Saraqib on Tuesday."
    assert [e.sub_event_type for e in read(body).events] == ["Armed clash"]
    body = "Two civilians were killed in a rocket attack on Saraqib on Tuesday."
    assert [e.sub_event_type for e in read(body).events] == ["Shelling/artillery/missile attack"]


def test_a_round_ups_heading_names_the_province_not_the_city(read, matcher):
    body = "Hama Government forces clashed with HTS in the northern countryside on Tuesday."
    (event,) = read(body).events
    assert matcher.gazetteer.places[event.place_id].slug == "hama-governorate"


def test_rockets_fired_by_jets_are_an_air_strike_told_once(read):
    body = (
        "Russian warplanes struck Saraqib on Tuesday, killing six people. "
        "The bombing by Russian warplanes destroyed a bakery in Saraqib."
    )
    assert [e.sub_event_type for e in read(body).events] == ["Air/drone strike"]
    body = "Rockets fired by jets hit a hospital in Saraqib on Tuesday."
    assert [e.sub_event_type for e in read(body).events] == ["Air/drone strike"]


def test_the_headline_gives_the_toll_the_lead_leaves_out(read):
    (event,) = read("Air strikes hit Saraqib on Tuesday.", title="Air strikes kill 19 in Idlib").events
    assert event.fatalities == 19


def test_parts_of_a_toll_and_deaths_on_top_of_it_are_not_the_toll(read):
    body = "Another seven people including four women and two children were killed in air strikes on Saraqib."
    (event,) = read(body).events
    assert event.fatalities == 7
    body = (
        "At least 20 civilians were killed in air strikes on Saraqib on Tuesday. "
        "The strikes on Saraqib killed three more civilians in the evening."
    )
    (event,) = read(body).events
    assert event.fatalities == 20
    (event,) = read("The rocket fire on two villages killed four soldiers near Saraqib on Tuesday.").events
    assert event.fatalities == 4


def test_a_chemical_incident_and_toxic_gas_are_a_chemical_attack(read):
    body = "A chemical weapons incident in Khan Sheikhoun on Tuesday claimed the lives of some 80 people."
    (event,) = read(body).events
    assert (event.sub_event_type, event.fatalities) == ("Chemical weapon", 80)


def test_army_units_that_kill_or_destroy_are_a_clash_by_the_army(read, matcher):
    body = "Army units killed a number of HTS militants and destroyed their vehicles near Saraqib on Tuesday."
    (event,) = read(body).events
    assert event.sub_event_type == "Armed clash"
    # The small gazetteer holds no Syrian forces: the home army is the shipped gazetteer's (test below).


def test_army_units_are_the_home_army_at_the_articles_date():
    from events.extract.matcher import Matcher
    from events.extract.matcher_cache import gazetteer_from_reference_files
    from events.extract.pipeline import extract
    from events.extract.rules import rules_load

    matcher = Matcher(gazetteer_from_reference_files(), rules_load())
    body = "Army units killed a number of terrorists and destroyed their vehicles near Morek on Tuesday."
    for published, army in ((date(2018, 9, 14), "syrian-arab-army"), (date(2025, 3, 14), None)):
        (event,) = extract("Hama report", body, published, matcher).events
        actor1 = _actor1(matcher, event)
        if army:
            assert actor1 == army
        else:  # after December 2024 the army is the transitional government's, not Assad's
            assert actor1 not in (None, "syrian-arab-army")


def test_a_named_army_keeps_its_name(read, matcher):
    body = "Russian military units targeted HTS positions near Saraqib on Tuesday, killing 12 militants."
    events = read(body).events
    assert all(_actor1(matcher, e) in (None, "russian-armed-forces") for e in events)


def test_one_event_per_listed_town_but_not_per_town_named_further_on(read, matcher):
    body = "Air strikes hit Saraqib and Khan Sheikhoun on Tuesday."
    assert sorted(matcher.gazetteer.places[e.place_id].slug for e in read(body).events) == ["khan-shaykhun", "saraqib"]
    body = "Government forces clashed with HTS in Saraqib who had tried to advance on the villages north of Hama."
    assert [matcher.gazetteer.places[e.place_id].slug for e in read(body).events] == ["saraqib"]
