"""Page tests run over plain HTTP with unhashed static names: no TLS redirect, no collectstatic manifest needed."""

import pytest

PAGE_TEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(autouse=True)
def _plain_http_site(settings):
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = PAGE_TEST_STORAGES


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    """Full-record export files (events/exports.py) go to the test's own folder, not the checkout's artifacts/."""
    settings.EXPORTS_ROOT = tmp_path / "exports"
