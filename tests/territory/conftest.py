"""The control history's tests: the test client speaks plain HTTP without collectstatic, as in tests/admin."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_client_settings(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The editors of tests/admin: an Editors group made by `create_editors` and a staff user in it.
from tests.admin.conftest import editor, editor_client, editors_group  # noqa: E402, F401
