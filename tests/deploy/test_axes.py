"""Admin sign-in brute-force protection (django-axes), with the client address read as our proxy wrote it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from idlib_tracker.client_ip import client_ip

PROXY = "10.0.0.2"  # our TLS proxy: every request reaches gunicorn from it


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("hala", password="correct horse battery staple", is_staff=True)


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.SECURE_SSL_REDIRECT = False
    # Each attempt hashes a password; the slow production hasher would make this file take a quarter-minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _login(client, password: str, forwarded_for: str):
    return client.post(
        reverse("admin:login"),
        {"username": "hala", "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _fail_five_times(client, forwarded_for: str) -> None:
    for attempt in range(5):
        response = _login(client, f"wrong-{attempt}", forwarded_for)
        # The first four are ordinary wrong-password pages; the fifth trips the lock.
        assert response.status_code == (200 if attempt < 4 else 429)


def test_five_failures_lock_the_account_for_that_address_with_a_clear_message(client, editor):
    _fail_five_times(client, "198.51.100.7")
    response = _login(client, "correct horse battery staple", "198.51.100.7")
    assert response.status_code == 429, "the right password must not get through a lock"
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "after 5 wrong passwords" in page and "for 60 minutes" in page
    assert "_auth_user_id" not in client.session


def test_a_forged_x_forwarded_for_does_not_get_round_the_lock(client, editor):
    _fail_five_times(client, "198.51.100.7")
    # The attacker writes a fresh "client address" each time; our proxy still appends the real one last.
    for forged in ("1.1.1.1", "203.0.113.50", "8.8.8.8, 9.9.9.9"):
        response = _login(client, "correct horse battery staple", f"{forged}, 198.51.100.7")
        assert response.status_code == 429, f"forged {forged!r} unlocked the account"


def test_the_lock_is_per_address_so_the_editor_elsewhere_can_still_sign_in(client, editor):
    _fail_five_times(client, "198.51.100.7")
    response = _login(client, "correct horse battery staple", "192.0.2.44")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_the_cool_off_expires(client, editor, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    _fail_five_times(client, "198.51.100.7")
    assert _login(client, "correct horse battery staple", "198.51.100.7").status_code == 429
    time.sleep(2.5)  # a real wait: the cool-off is measured against the clock, as in production
    response = _login(client, "correct horse battery staple", "198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_ip_takes_the_hop_our_proxies_appended(settings):
    settings.PROXY_COUNT = 0  # gunicorn faces clients: the header is the client's own words
    assert client_ip(_request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"
    settings.PROXY_COUNT = 1
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request(PROXY, "198.51.100.7")) == "198.51.100.7"
    settings.PROXY_COUNT = 2  # a CDN then our proxy: the CDN appended the client, our proxy the CDN
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.7, 172.16.0.9")) == "198.51.100.7"
    # Fewer hops than proxies (a request that went round them) or garbage: only the peer address is known.
    assert client_ip(_request(PROXY, "198.51.100.7")) == PROXY
    settings.PROXY_COUNT = 1
    assert client_ip(_request(PROXY, "1.2.3.4, not-an-ip")) == PROXY
    assert client_ip(_request(PROXY)) == PROXY
    assert client_ip(_request(PROXY, "2001:db8::1")) == "2001:db8::1"
