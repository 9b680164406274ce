"""The corroboration rule: each agreeing report adds 0.05, never past 0.95 (publishing is the editors')."""

from events.extract.confidence import confidence_after


def test_each_report_adds_a_step_up_to_the_cap():
    assert confidence_after(0.6) == 0.65
    assert confidence_after(0.6, 3) == 0.75
    assert confidence_after(0.93) == 0.95
    assert confidence_after(0.9, 10) == 0.95
    assert confidence_after(0.7, 0) == 0.7
