"""The governorate filter offers Syria's governorates, not the admin areas of the diplomacy's venues abroad."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

ABROAD = ("Berlin", "District of Columbia", "England", "Tehran", "Hatay")


@pytest.mark.django_db
def test_governorate_choices_are_syrian_on_the_timeline_and_in_the_review_queue(client, admin_client):
    call_command("seed_reference", verbosity=0)

    timeline = client.get("/timeline/").content.decode()
    select = re.search(r'<select[^>]*name="governorate".*?</select>', timeline, re.S)
    assert select, "the timeline has a governorate filter"
    options = re.findall(r'<option value="([^"]*)"', select.group(0))
    assert {"Idlib", "Hama", "Aleppo", "Latakia"} <= set(options)
    assert not set(ABROAD) & set(options)

    queue = admin_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "governorate=Idlib" in queue
    for abroad in ABROAD:
        assert f"governorate={abroad.replace(' ', '+')}" not in queue, abroad
