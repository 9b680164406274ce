"""The SSRF guard: editors type feed URLs, so our client must never be turned against the inside of our network."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from events.ingest.fetch import BlockedAddressError, address_refusal, fetch
from tests.ingest import server as routes
from tests.ingest.feeds import rss, story


@pytest.fixture
def guard_on(settings):
    settings.FEEDS_ALLOW_PRIVATE_HOSTS = False
    settings.FEEDS_CONNECT_TIMEOUT = 2
    settings.FEEDS_TOTAL_TIMEOUT = 3
    return settings


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("192.168.1.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("[::1]", "loopback"),
        ("[::ffff:127.0.0.1]", "loopback"),
        ("[::ffff:169.254.169.254]", "link-local"),
        ("[fe80::1]", "link-local"),
        ("[fc00::1]", "private"),
        ("[ff02::1]", "multicast"),
        ("[::]", "unspecified"),
        ("[2002:7f00:1::]", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("[64:ff9b::a00:1]", "private"),  # NAT64 wrapping 10.0.0.1
        ("localhost", "loopback"),  # a name that resolves to loopback
        ("2130706433", "loopback"),  # 127.0.0.1 written as one number
    ],
)
def test_non_public_addresses_are_refused_before_connecting(feed_server, guard_on, host, kind):
    feed_server.routes["/feed"] = routes.feed(rss(story(1)))

    with pytest.raises(BlockedAddressError, match=kind):
        fetch(f"http://{host}:{feed_server.port}/feed")

    assert not feed_server.seen  # for the loopback forms: our server was never contacted


def test_the_same_url_is_fetched_when_private_hosts_are_allowed(feed_server, guard_on):
    feed_server.routes["/feed"] = routes.feed(rss(story(1)))
    guard_on.FEEDS_ALLOW_PRIVATE_HOSTS = True

    assert fetch(f"http://localhost:{feed_server.port}/feed").status == 200


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "gopher://example.org/", "javascript:alert(1)", "x"]
)
def test_only_http_and_https_are_fetched(guard_on, url):
    with pytest.raises(BlockedAddressError, match="only http and https"):
        fetch(url)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"])
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_we_connect_to_the_address_we_checked_not_to_a_second_dns_answer(feed_server, guard_on, monkeypatch):
    """DNS rebinding: a name answers a harmless address to the check and an internal one right after. Our client
    resolves once, checks that answer and connects to that very address, so a second lookup never happens."""
    guard_on.FEEDS_ALLOW_PRIVATE_HOSTS = True  # the "harmless" first answer is our loopback server
    feed_server.routes["/feed"] = routes.feed(rss(story(1)))
    answers = iter(["127.0.0.1", "10.255.255.1"])
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_dns(host, port, *args, **kwargs):
        if host == "feeds.rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)

    result = fetch(f"http://feeds.rebind.example:{feed_server.port}/feed")

    assert result.status == 200
    assert feed_server.seen[0].headers["host"] == f"feeds.rebind.example:{feed_server.port}"
    assert next(answers) == "10.255.255.1"  # the second answer was never asked for
