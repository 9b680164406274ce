"""Editors driving the admin: an Editors group made by `create_editors`, and staff users who are not editors."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _test_client_settings(settings):
    # The test client speaks plain HTTP; with DEBUG off the site would redirect it to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # No collectstatic before tests: plain storage instead of the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def editors_group(db) -> Group:
    call_command("create_editors", verbosity=0)
    return Group.objects.get(name="Editors")


@pytest.fixture
def editor(editors_group):
    user = get_user_model().objects.create_user("rania", password="not-used-force-login", is_staff=True)
    user.groups.add(editors_group)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def staff_client(client, db):
    """Staff, but not an editor: may log into the admin and nothing else."""
    user = get_user_model().objects.create_user("visitor", password="not-used-force-login", is_staff=True)
    client.force_login(user)
    return client
