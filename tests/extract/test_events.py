"""Event typing rules (rules/event_rules.json): the regressions these catch are what editors would see."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from events.extract.rules import RULES_DIR, RulesError, rules_load
from events.models import ActorRole, DatePrecision, GeoPrecision


def _events(read, matcher, body):
    g = matcher.gazetteer
    return [
        (e.event_type, e.sub_event_type, g.places[e.place_id].slug if e.place_id else None)
        for e in read(body).events
    ]


def test_air_strike_reported_by_a_monitor_is_read_from_what_it_said(read, matcher):
    body = (
        "As Putin and Erdogan were arriving in Tehran, SOHR said air strikes were targeting positions "
        "belonging to rebel groups in the northern Hama and southern Idlib provinces."
    )
    (event,) = read(body).events
    assert (event.event_type, event.sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert matcher.gazetteer.places[event.place_id].slug == "hama-governorate"
    assert event.geo_precision == GeoPrecision.REGION
    # The monitor reports it and the leaders were elsewhere: none of them is an actor of the strike.
    assert event.actors == []


def test_fatalities_roles_and_date(read, matcher):
    body = "Russian warplanes bombed Khan Sheikhoun on Tuesday, killing 12 civilians."
    (event,) = read(body).events
    assert event.fatalities == 12
    assert (event.occurred_on, event.date_precision) == (date(2018, 9, 4), DatePrecision.DAY)
    slugs = {matcher.gazetteer.actors[a].slug: role for a, role in event.actors}
    assert slugs == {"russian-armed-forces": ActorRole.ACTOR1, "civilians": ActorRole.ACTOR2}
    (event,) = read("At least nine civilians were killed when government forces shelled Saraqib.").events
    assert (event.sub_event_type, event.fatalities) == ("Shelling/artillery/missile attack", 9)


def test_hypothetical_negated_and_quoted_keywords_make_no_event(read, matcher):
    body = (
        "The United States warned an all-out offensive in Idlib would be a reckless escalation. "
        "The White House said it would respond if government forces used chemical weapons in Idlib. "
        "Putin said he was against a ceasefire in Idlib. "
        "\"The Turks have shown a great deal of resistance to an attack in Idlib\". "
        "Saraqib has been a frequent target of air strikes in recent weeks."
    )
    assert _events(read, matcher, body) == []


def test_summit_is_an_agreement_at_its_venue_with_the_leaders_as_parties(read, matcher):
    body = "After his meeting with Rouhani, Erdoğan and Putin also held a one-on-one meeting on Idlib in Tehran."
    (event,) = read(body).events
    assert (event.sub_event_type, matcher.gazetteer.places[event.place_id].slug) == ("Agreement", "tehran")
    roles = [(matcher.gazetteer.actors[a].slug, r) for a, r in event.actors]
    assert roles == [
        ("hassan-rouhani", ActorRole.ACTOR1), ("recep-tayyip-erdogan", ActorRole.ACTOR2),
        ("vladimir-putin", ActorRole.ASSOCIATED),
    ]


def test_territory_type_follows_who_took_it(read, matcher):
    assert _events(read, matcher, "Government forces recaptured Khan Shaykhun on Wednesday.") == [
        ("Battles", "Government regains territory", "khan-shaykhun")
    ]
    assert _events(read, matcher, "HTS fighters captured Saraqib on Wednesday.") == [
        ("Battles", "Non-state actor overtakes territory", "saraqib")
    ]
    # Weapons are seized too: without a place it is not a change of territory.
    assert _events(read, matcher, "Weapons and explosive belts were seized in a raid on a house, HTS said.") == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Assad's government has been massing thousands of troops in preparation for an assault on Idlib.",
         ("Strategic developments", "Other")),
        ("Zakharova said that barrels of chlorine had been delivered to Idlib for a staged provocation.",
         ("Strategic developments", "Other")),
        ("The Russian military says it has shot down dozens of hostile drones over Idlib.",
         ("Strategic developments", "Disrupted weapons use")),
        ("A car bomb exploded in Idlib on Monday, killing seven people.",
         ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
        ("A helicopter dropped barrel bombs containing chlorine gas on Saraqib on Sunday.",
         ("Explosions/Remote violence", "Chemical weapon")),
        ("Gunmen kidnapped a doctor in Saraqib on Sunday.",
         ("Violence against civilians", "Abduction/forced disappearance")),
        ("Thousands of people took to the streets in Maarat al-Numan on Friday.", ("Protests", "Peaceful protest")),
        ("HTS fighters fired into the air to disperse a crowd of protesters in Saraqib.",
         ("Protests", "Protest with intervention")),
        ("Angry residents stormed the council offices in Saraqib in protest at bread prices.",
         ("Riots", "Violent demonstration")),
        ("HTS said it had arrested 12 members of an Islamic State cell in Saraqib.",
         ("Strategic developments", "Arrests")),
        ("Turkish forces completed a new observation post near Saraqib on Tuesday.",
         ("Strategic developments", "Headquarters or base established")),
        ("HTS fighters entered Saraqib without a fight after the deal.",
         ("Strategic developments", "Non-violent transfer of territory")),
        ("HTS fighters clashed with the NFL near Maarat al-Numan.", ("Battles", "Armed clash")),
        # Weapons named as equipment are not an attack; the strike answered is not this sentence's event.
        ("Convoys of government troops, tanks and artillery moved towards Saraqib during the week.",
         ("Strategic developments", "Other")),
        ("HTS said it shelled government positions near Saraqib in response to the air strikes.",
         ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ],
)
def test_event_types(read, matcher, body, expected):
    assert [e[:2] for e in _events(read, matcher, body)] == [expected]


def test_one_happening_told_in_several_sentences_is_one_candidate(read, matcher):
    body = (
        "A car bomb exploded in the centre of Idlib on Monday, killing seven people.\n\n"
        "The blast went off close to a police building. It shattered windows across the street."
    )
    (event,) = read(body).events
    assert event.sentences == [1, 2]
    assert event.fatalities == 7


def test_bad_rules_files_are_clear_errors(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    path = tmp_path / "rules" / "event_rules.json"
    data = json.loads(path.read_text())
    data["rules"][0]["sub_event_type"] = "Air/drone strike"  # not a sub-type of Strategic developments
    path.write_text(json.dumps(data))
    with pytest.raises(RulesError, match="not in ACLED's taxonomy"):
        rules_load(tmp_path / "rules")
    path.write_text("{not json")
    with pytest.raises(RulesError, match=r"event_rules\.json"):
        rules_load.__wrapped__(tmp_path / "rules")


# --- On the shipped gazetteer: titles, places inside governorates, roles, designations ----------------------------
@pytest.fixture(scope="module")
def shipped():
    """read(text) on the gazetteer the tracker ships (Latakia, Jabal al-Akrad, Hmeimim, Sochi...)."""
    from events.extract.matcher import Matcher
    from events.extract.matcher_cache import gazetteer_from_reference_files
    from events.extract.pipeline import extract

    matcher = Matcher(gazetteer_from_reference_files(), rules_load())

    def _read(body: str, published: date = date(2018, 9, 14)):
        return extract("Idlib report", body, published, matcher).events

    _read.gazetteer = matcher.gazetteer
    _read.matcher = matcher
    return _read


def _roles(read, event):
    return [(read.gazetteer.actors[a].slug, role) for a, role in event.actors]


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ("Russian President Vladimir Putin and Turkish President Recep Tayyip Erdoğan agreed in Sochi on Monday "
         "to create a demilitarised zone between government forces and rebels in Idlib.",
         "Vladimir Putin and Recep Tayyip Erdoğan agree on demilitarised zone"),
        ("The presidents of Russia, Turkey and Iran failed to agree on a ceasefire for Idlib at a summit in Tehran "
         "on Friday.", "Russia, Turkey and Iran hold summit"),
        ("Air defences at the Hmeimim air base in Latakia province shot down drones launched towards it from the "
         "Idlib de-escalation zone, the Russian Defence Ministry said.", "Drones shot down"),
        # The civilians are who was killed, in another clause: the strike is by the Russian forces, not "on" them.
        ("Russian warplanes struck rebel-held areas in western Idlib on Tuesday, killing 12 civilians.",
         "Air strikes by Russian Armed Forces"),
        ("Government forces recaptured Khan Shaykhun on Wednesday.", "Syrian Arab Army takes control"),
        ("A car bomb exploded in the centre of Idlib on Monday, killing seven people.", "Car bomb explosion"),
        ("Turkish troops set up a new observation post near Morek on Tuesday.",
         "Turkish Armed Forces set up observation post"),  # a plural name takes a plural verb
        ("Hayat Tahrir al-Sham set up a checkpoint near Saraqib on Tuesday.", "Hayat Tahrir al-Sham sets up checkpoint"),
        # Nobody named in the sentence: the rule's own words, nothing made up.
        ("Air strikes hit Saraqib on Tuesday.", "Air strikes"),
    ],
)
def test_the_title_says_what_happened_and_who_did_it(shipped, body, label):
    (event,) = shipped(body)
    assert event.label == label
    assert len(event.label) <= 120


@pytest.mark.parametrize("published", [date(2018, 9, 14), date(2018, 9, 17)])  # the Friday itself, or after
def test_a_clash_told_at_a_place_and_again_at_its_governorate_is_one_event_at_the_place(shipped, published):
    body = (
        "Government forces and rebel fighters clashed on Friday in the Jabal al-Akrad hills of northern Latakia, "
        "according to the Syrian Observatory for Human Rights.\n\n"
        "The National Liberation Front said its fighters repelled an attempt by government troops to advance in "
        "the Latakia hills."
    )
    (event,) = shipped(body, published=published)
    assert (event.sub_event_type, shipped.gazetteer.places[event.place_id].slug) == ("Armed clash", "jabal-al-akrad")
    assert event.sentences == [1, 2]  # both reports stay the event's sources
    assert event.occurred_on == date(2018, 9, 14)  # the day the first report gives, not the article's
    # "A and B clashed": both are sides, in the order named.
    assert _roles(shipped, event) == [
        ("syrian-arab-army", ActorRole.ACTOR1), ("syrian-opposition", ActorRole.ACTOR2),
    ]
    assert event.label == "Clashes between Syrian Arab Army and Syrian opposition"


def test_protests_across_a_governorate_and_in_one_of_its_towns_stay_two_events(shipped):
    body = (
        "Thousands of people took to the streets in towns across Idlib province on Friday to protest.\n\n"
        "In Maarat al-Numan, protesters chanted slogans against the government."
    )
    places = sorted(shipped.gazetteer.places[e.place_id].slug for e in shipped(body))
    assert places == ["idlib-governorate", "maarat-al-numan"]


def test_the_side_building_up_troops_is_the_initiator(shipped):
    body = (
        "Convoys of Syrian government troops, tanks and artillery moved during the past week towards the fronts "
        "around Idlib province, according to the Syrian Observatory for Human Rights."
    )
    (event,) = shipped(body)
    assert event.sub_event_type == "Other"
    # Troops are the army (docs/coding-guide.md), not the government that commands it.
    assert _roles(shipped, event) == [("syrian-arab-army", ActorRole.ACTOR1)]
    assert event.label == "Troop build-up by Syrian Arab Army"


def test_listing_a_group_as_terrorist_is_a_change_to_the_group(shipped):
    body = (
        "Turkey designated Hayat Tahrir al-Sham as a terrorist organisation in a presidential decree published "
        "on Friday."
    )
    (event,) = shipped(body, published=date(2018, 8, 31))
    assert (event.event_type, event.sub_event_type) == ("Strategic developments", "Change to group/activity")
    assert _roles(shipped, event) == [("turkey", ActorRole.ACTOR1), ("hayat-tahrir-al-sham", ActorRole.ACTOR2)]
    assert event.label == "Turkey lists Hayat Tahrir al-Sham as terrorist group"
    assert event.occurred_on == date(2018, 8, 31)


@pytest.mark.parametrize(
    "body",
    [
        # The wire's background line about a group is not a new designation.
        "Hayat Tahrir al-Sham, which is designated as a terrorist organisation by the United Nations, controls "
        "most of Idlib.",
        "Hayat Tahrir al-Sham, listed by Turkey as a terrorist group, controls most of Idlib.",
        "Russia urged Turkey to list Hayat Tahrir al-Sham as a terrorist organisation.",
        "Turkey has not designated Hayat Tahrir al-Sham a terrorist organisation.",
    ],
)
def test_background_and_wished_for_designations_make_no_event(shipped, body):
    assert [e.sub_event_type for e in shipped(body)] == []


def test_a_label_template_with_an_unknown_name_is_a_clear_error(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    path = tmp_path / "rules" / "event_rules.json"
    data = json.loads(path.read_text())
    data["rules"][0]["labels"] = [{"template": "{attacker} shoots down drones"}]
    path.write_text(json.dumps(data))
    with pytest.raises(RulesError, match="attacker"):
        rules_load(tmp_path / "rules")


def test_a_dateline_and_a_news_agency_are_not_actors_and_by_the_names_the_attacker(shipped):
    body = "REYHANLI, Turkey (Anadolu Agency) - Air strikes by the Russian air force hit Jisr al-Shughur on Tuesday."
    (event,) = shipped(body)
    assert _roles(shipped, event) == [("russian-armed-forces", ActorRole.ACTOR1)]
    assert event.label == "Air strikes by Russian Armed Forces"


def test_fighting_between_two_sides_names_both(shipped):
    (event,) = shipped("Fighting broke out between Syrian troops and rebels near Morek on Tuesday.")
    assert _roles(shipped, event) == [
        ("syrian-arab-army", ActorRole.ACTOR1), ("syrian-opposition", ActorRole.ACTOR2),
    ]
    assert event.label == "Clashes between Syrian Arab Army and Syrian opposition"


@pytest.mark.parametrize(
    "body",
    [
        "According to local officials, aid convoys had been unable to reach Saraqib for ten days.",
        "Residents of Saraqib said the planes circled for hours before the raids.",
    ],
)
def test_aid_convoys_and_air_raids_told_again_are_no_build_up_or_arrests(shipped, body):
    assert [e.sub_event_type for e in shipped(body)] == []


def test_the_war_so_far_is_background_not_a_change_of_territory(shipped):
    body = (
        "Government forces have regained most of the country with the help of Russia and Iran since Moscow "
        "intervened in 2015."
    )
    assert [e.sub_event_type for e in shipped(body)] == []


def test_pro_government_militias_are_the_governments_side(shipped):
    (event,) = shipped("Pro-government militias captured the village of Tal Sultan in southern Idlib on Thursday.")
    assert (event.event_type, event.sub_event_type) == ("Battles", "Government regains territory")
    assert _roles(shipped, event) == [("pro-government-militias", "actor1")]
    assert event.label == "Pro-government militias take control"  # plural, and no "(Syria)" in a title


def test_the_latakia_mountains_are_the_governorates_not_the_city(shipped):
    (event,) = shipped("Government forces clashed with rebels in the Latakia mountains on Friday.")
    assert shipped.gazetteer.places[event.place_id].slug == "latakia-governorate"


def test_a_sentence_that_refers_back_to_an_event_joins_it_but_not_at_another_place(shipped):
    body = (
        "Russian warplanes pounded rebel-held parts of Idlib province on Tuesday, killing at least 13 civilians.\n\n"
        "The strikes hit the town of Jisr al-Shughur and the village of Mhambal, the monitor said.\n\n"
        "Later the strikes also reached Hama city, residents said."
    )
    (event,) = shipped(body)
    assert event.sentences == [1, 2]  # the second paragraph is a source; Hama is not in Idlib


# --- What real coverage taught (docs/coding-guide.md; measured on the annotated development half) ---------------
def _places(read, events):
    return [read.gazetteer.places[e.place_id].slug if e.place_id else None for e in events]


def test_strikes_on_a_list_of_towns_are_one_event_per_town_and_their_shared_toll_belongs_to_none(shipped):
    events = shipped("Russian jets struck Kafr Nabl, Khan Shaykhun and Hass on Monday, killing 11 civilians.")
    assert sorted(_places(shipped, events)) == ["hass", "kafr-nabl", "khan-shaykhun"]
    assert {e.fatalities for e in events} == {None}
    assert {_roles(shipped, e)[0] for e in events} == {("russian-armed-forces", ActorRole.ACTOR1)}


def test_a_place_between_two_towns_is_one_event(shipped):
    events = shipped("Gunmen kidnapped a doctor on the road between Sarmada and Dana on Sunday.")
    assert len(events) == 1


def test_a_happening_dated_weeks_before_the_article_is_background(shipped):
    body = "Air strikes on Saraqib on 2 August killed nine civilians. Air strikes hit Ariha on Thursday."
    assert _places(shipped, shipped(body, published=date(2018, 9, 14))) == ["ariha"]


def test_violence_is_never_placed_abroad(shipped):
    (event,) = shipped("Washington condemned air strikes that killed 12 people in Maarat al-Numan on Friday.")
    assert _places(shipped, [event]) == ["maarat-al-numan"]


def test_who_reports_or_rescues_takes_no_side_in_a_strike(shipped):
    (event,) = shipped(
        "Civil defence workers of the White Helmets said an air strike by Russian jets killed five people in Ariha "
        "on Thursday, according to the Syrian Observatory for Human Rights."
    )
    sides = [slug for slug, role in _roles(shipped, event) if role in (ActorRole.ACTOR1, ActorRole.ACTOR2)]
    assert "white-helmets" not in sides and "sohr" not in sides
    assert _roles(shipped, event)[0] == ("russian-armed-forces", ActorRole.ACTOR1)


def test_a_country_named_as_a_location_is_not_the_state_acting(shipped):
    from events.extract.pipeline import extract

    def actors(text: str) -> set[str]:
        result = extract("Idlib report", text, date(2018, 9, 14), shipped.matcher)
        return {shipped.gazetteer.actors[i].slug for i in result.actor_ids}

    assert "turkey" not in actors("Thousands fled to Turkey as jets struck Ariha in northern Syria on Thursday.")
    assert "syria" not in actors("Jets struck Ariha in war-torn northern Syria on Thursday.")
    assert "turkey" in actors("Turkey sent troops to Idlib on Thursday, the Turkish army said.")
    assert {"russia", "turkey", "iran"} <= actors("The presidents of Russia, Turkey and Iran met in Tehran on Friday.")


@pytest.mark.parametrize(
    ("body", "toll"),
    [
        ("Air strikes on Ariha on Thursday killed more than 50 people.", 50),
        ("Air strikes on Ariha on Thursday killed dozens of civilians.", 12),
        ("At least eight people died in air strikes on Ariha on Thursday.", 8),
        ("Air strikes on Ariha on Thursday killed 26 people and wounded 40 others.", 26),
    ],
)
def test_the_stated_toll_is_read_as_the_coding_guide_says(shipped, body, toll):
    (event,) = shipped(body)
    assert event.fatalities == toll
