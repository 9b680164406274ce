"""Who said what: speakers are attributed only when the text says who spoke."""

from __future__ import annotations

from datetime import date


def _statements(read, matcher, body):
    result = read(body)
    slug = {a.id: a.slug for a in matcher.gazetteer.actors.values()}
    return [(slug.get(s.speaker_id), s.speaker_text, s.is_direct, s.text) for s in result.statements]


def test_reported_speech_with_a_titled_speaker(read, matcher):
    body = "Russian President Vladimir Putin however, said that he was against a ceasefire in Idlib."
    assert _statements(read, matcher, body) == [
        ("vladimir-putin", "Russian President Vladimir Putin", False, "he was against a ceasefire in Idlib"),
    ]


def test_direct_quote_in_a_statement_frame(read, matcher):
    body = 'In a statement, Treasury Secretary Steven Mnuchin said that "millions of people in Idlib are at risk".'
    assert _statements(read, matcher, body) == [
        ("steven-mnuchin", "Treasury Secretary Steven Mnuchin", True, "millions of people in Idlib are at risk"),
    ]


def test_says_it_has_and_according_to(read, matcher):
    body = (
        "The Russian military says it has shot down dozens of hostile drones over Idlib.\n\n"
        "Air strikes hit Saraqib, according to SOHR."
    )
    assert [(s, t) for s, _, _, t in _statements(read, matcher, body)] == [
        ("russian-armed-forces", "it has shot down dozens of hostile drones over Idlib"),
        ("sohr", "Air strikes hit Saraqib"),
    ]


def test_trailing_attribution_and_inverted_quote(read, matcher):
    body = (
        '"We will not leave Idlib," Erdogan said.\n\n'
        '"It was a massacre," said Abu Khaled, a resident of Saraqib.\n\n'
        "Rockets hit Saraqib on Tuesday, the Syrian Observatory for Human Rights said, adding that two died."
    )
    assert _statements(read, matcher, body) == [
        ("recep-tayyip-erdogan", "Erdogan", True, "We will not leave Idlib"),
        (None, "Abu Khaled", True, "It was a massacre"),
        ("sohr", "the Syrian Observatory for Human Rights", False, "Rockets hit Saraqib on Tuesday"),
    ]


def test_a_sentence_that_is_only_a_quote_has_no_speaker(read, matcher):
    body = "Putin arrived in Tehran.\n\n\"Turkey's aim in Idlib has been to avoid a new conflict on its border\"."
    assert _statements(read, matcher, body) == [
        (None, "", True, "Turkey's aim in Idlib has been to avoid a new conflict on its border"),
    ]


def test_unnamed_sources_are_kept_without_a_speaker(read, matcher):
    body = (
        "The White House has warned that chemical weapons must not be used in Idlib. "
        "Sources said he cautioned that he did not want a long war."
    )
    warning, sources = _statements(read, matcher, body)
    assert warning[0] is None  # "White House" is not in this small gazetteer
    assert sources[:2] == (None, "Sources")
    assert sources[3].startswith("he cautioned")


def test_he_is_attributed_only_when_one_person_spoke_just_before(read, matcher):
    body = (
        "Erdogan said the agreement would prevent a disaster in Idlib. \"We have prevented a tragedy,\" he said.\n\n"
        "Putin met Erdogan in Tehran. He said the talks on Idlib went well.\n\n"
        "Rouhani said Iran backed the talks. Putin arrived later. \"It is a good day,\" he said."
    )
    speakers = [s for s, _, _, _ in _statements(read, matcher, body)]
    # 1: Erdogan, then "he" = Erdogan (one person in the paragraph, who spoke just before).
    # 2: two people named, nobody spoke before: "he" stays unattributed.
    # 3: Putin is named after Rouhani spoke: "he" is ambiguous, stays unattributed.
    assert speakers == ["recep-tayyip-erdogan", "recep-tayyip-erdogan", None, "hassan-rouhani", None]


def test_it_said_follows_the_only_organisation_that_just_spoke(read, matcher):
    body = "In a statement, SOHR said 12 people died in Saraqib. It said the toll could rise."
    assert [s for s, _, _, _ in _statements(read, matcher, body)] == ["sohr", "sohr"]


def test_appositions_and_spokespeople(read, matcher):
    body = (
        "Maria Zakharova, the Russian military spokeswoman, said Idlib was a nest of terrorists.\n\n"
        "A spokesman for Putin said the Idlib talks were over.\n\n"
        "An NFL commander told Reuters that Saraqib was calm.\n\n"
        "The Britain-based monitor said Idlib was quiet."
    )
    speakers = [s for s, _, _, _ in _statements(read, matcher, body)]
    # Zakharova is not in this gazetteer: the unknown name before the apposition speaks, not the military.
    # A person's spokesman is not the person; a group's commander speaks for the group; "Britain-based" describes.
    assert speakers == [None, None, "nfl", None]


def test_not_speech(read, matcher):
    body = (
        "No group claimed responsibility for the blast in Idlib. The claims could not be verified. "
        "The attack was reported by residents of Saraqib."
    )
    assert _statements(read, matcher, body) == []


def test_statement_date_comes_from_the_speaker_frame(read, matcher):
    result = read("The United States on Wednesday warned an offensive in Idlib would be reckless.")
    (statement,) = result.statements
    assert statement.said_on == date(2018, 9, 5)
    result = read("Putin said he would visit Idlib in October.")
    assert result.statements[0].said_on == date(2018, 9, 7)


def test_teasers_and_irrelevant_articles_yield_no_statements(read):
    body = "More news: Trump said the hearing was a disgrace\nMore news: Google said Chrome is ten"
    assert read(body, title="More news").statements == []
    sport = read("Turkey beat Croatia, the coach said after the match.", title="Football")
    assert not sport.relevant and sport.statements == [] and sport.actor_ids == []
