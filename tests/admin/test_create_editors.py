"""`create_editors`: exactly the permissions curation needs, nothing on users or settings; a local demo login."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

# Written out by hand, on purpose: a change to the group must be a change to this list too.
EXPECTED = {
    "events.view_event", "events.change_event",
    "events.view_eventactor", "events.add_eventactor", "events.change_eventactor", "events.delete_eventactor",
    "events.view_eventsource", "events.delete_eventsource",
    "actors.view_statement", "actors.change_statement",
    "actors.view_actor", "actors.add_actor", "actors.change_actor",
    "actors.view_alias", "actors.add_alias", "actors.change_alias", "actors.delete_alias",
    "actors.view_rejectedname", "actors.delete_rejectedname",
    "events.view_controlzone", "events.add_controlzone", "events.change_controlzone",
    "events.view_controlchange", "events.add_controlchange", "events.change_controlchange",
    "events.view_place", "events.add_place", "events.change_place",
    "events.view_feed", "events.add_feed", "events.change_feed",
    "events.view_article",
    "events.view_weeklysummary", "events.change_weeklysummary",
    "events.view_subscriber",
}  # fmt: skip


def _group_perms() -> set[str]:
    group = Group.objects.get(name="Editors")
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_group_has_exactly_the_curation_permissions():
    call_command("create_editors", stdout=StringIO())
    perms = _group_perms()
    assert perms == EXPECTED
    assert not any(p.startswith(("auth.", "admin.", "sessions.", "contenttypes.", "axes.")) for p in perms)
    assert "events.delete_event" not in perms and "actors.delete_actor" not in perms


def test_rerunning_removes_permissions_added_by_hand():
    call_command("create_editors", stdout=StringIO())
    group = Group.objects.get(name="Editors")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    call_command("create_editors", stdout=StringIO())
    assert _group_perms() == EXPECTED


def test_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("create_editors", "--demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="editor").exists()


def test_demo_prints_a_working_login_for_an_editor_who_is_not_a_superuser(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_editors", "--demo", stdout=out)
    text = out.getvalue()
    password = re.search(r"password: (\S+)", text).group(1)
    assert "username: editor" in text and "/admin/" in text
    user = get_user_model().objects.get(username="editor")
    assert user.check_password(password)
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.get_all_permissions() == EXPECTED

    # A second run resets the password (the old one stops working) and still makes one account.
    out2 = StringIO()
    call_command("create_editors", "--demo", stdout=out2)
    user.refresh_from_db()
    assert not user.check_password(password)
    assert get_user_model().objects.filter(username="editor").count() == 1
