"""With DEBUG off (production), a missing page and a server error are the site's own pages: its header and
navigation, a way on, status codes kept, nothing of Django's debug output."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def _assert_site_layout(html: str) -> None:
    assert 'class="site-header"' in html and 'href="/timeline/"' in html and 'class="site-footer"' in html
    assert "Traceback" not in html and "DEBUG = True" not in html


@pytest.mark.parametrize("path", ["/no-such-page/", "/events/999999/", "/places/nowhere/", "/actors/nobody/"])
def test_a_missing_page_is_the_sites_404(client, db, production, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    _assert_site_layout(html)
    assert "<h1>Page not found</h1>" in html
    assert f"<code>{path}</code>" in html


def test_the_404_page_escapes_the_address(client, db, production):
    response = client.get("/%3Cscript%3Ealert(1)%3C/script%3E/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "%3Cscript%3E" in html  # shown, as inert text


def test_a_server_error_is_the_sites_500(db, production, settings):
    settings.ROOT_URLCONF = "tests.pages.failing_urls"
    response = Client(raise_request_exception=False).get("/test-failure/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_site_layout(html)
    assert "Something went wrong on our side" in html
    assert "a fault inside a view" not in html
