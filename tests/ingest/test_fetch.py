"""Our HTTP client against a real server on loopback: validators, errors, time and size limits, redirects, gzip."""

from __future__ import annotations

import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from events.ingest import fetch as fetch_module
from events.ingest.fetch import (
    FetchTimeoutError,
    HTTPStatusError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    TransientFetchError,
    fetch,
)
from tests.conftest import require
from tests.ingest import server as routes
from tests.ingest.feeds import rss, story

BODY = rss(story(1), story(2))


def test_a_feed_comes_back_with_its_validators_and_our_user_agent(feed_server, local_fetch):
    feed_server.routes["/feed"] = routes.feed(BODY, etag='"v1"', last_modified="Sat, 08 Sep 2018 10:00:00 GMT")

    result = fetch(feed_server.url("/feed"))

    assert result.status == 200 and result.body == BODY
    assert (result.etag, result.last_modified) == ('"v1"', "Sat, 08 Sep 2018 10:00:00 GMT")
    sent = feed_server.requests_to("/feed")[0].headers
    assert sent["user-agent"] == local_fetch.FEEDS_USER_AGENT
    assert "gzip" in sent["accept-encoding"]


def test_conditional_get_with_the_stored_etag_is_answered_304(feed_server, local_fetch):
    feed_server.routes["/feed"] = routes.feed(BODY, etag='"v1"')

    result = fetch(feed_server.url("/feed"), etag='"v1"')

    assert result.not_modified and result.body == b""
    assert feed_server.requests_to("/feed")[0].headers["if-none-match"] == '"v1"'


def test_conditional_get_with_last_modified_only(feed_server, local_fetch):
    stamp = "Sat, 08 Sep 2018 10:00:00 GMT"
    feed_server.routes["/feed"] = routes.feed(BODY, last_modified=stamp)

    assert fetch(feed_server.url("/feed"), last_modified=stamp).not_modified
    assert fetch(feed_server.url("/feed"), last_modified="Fri, 07 Sep 2018 10:00:00 GMT").body == BODY


@pytest.mark.parametrize(("code", "transient"), [(500, True), (503, True), (429, True), (404, False), (410, False)])
def test_error_statuses_say_whether_a_retry_can_help(feed_server, local_fetch, code, transient):
    feed_server.routes["/feed"] = routes.status(code)

    with pytest.raises(HTTPStatusError) as caught:
        fetch(feed_server.url("/feed"))

    assert caught.value.status == code
    assert caught.value.transient is transient
    assert f"HTTP {code}" in str(caught.value)


def test_a_server_that_never_answers_times_out(feed_server, local_fetch):
    feed_server.routes["/feed"] = routes.stall(30)
    started = time.monotonic()

    with pytest.raises(FetchTimeoutError):
        fetch(feed_server.url("/feed"))

    assert time.monotonic() - started < local_fetch.FEEDS_TOTAL_TIMEOUT + 2


def test_a_slow_drip_is_cut_at_the_total_timeout(feed_server, local_fetch):
    # One byte every 0.2 s: every read succeeds quickly, but the whole body would take minutes.
    counter = routes.Counter()
    feed_server.routes["/feed"] = routes.drip(BODY, 0.2, counter)
    started = time.monotonic()

    with pytest.raises(FetchTimeoutError):
        fetch(feed_server.url("/feed"))

    assert time.monotonic() - started < local_fetch.FEEDS_TOTAL_TIMEOUT + 2
    assert counter.sent < len(BODY)


def test_an_endless_body_is_cut_off_while_streaming(feed_server, local_fetch):
    local_fetch.FEEDS_MAX_BYTES = 256 * 1024
    counter = routes.Counter()
    feed_server.routes["/feed"] = routes.endless(counter)

    with pytest.raises(ResponseTooLargeError, match="262144 byte limit"):
        fetch(feed_server.url("/feed"))

    time.sleep(0.3)  # let the server notice the hang-up
    # The server could send gigabytes; we stopped reading just past the cap. What it got rid of beyond that sat in
    # the two sockets' buffers, which the kernel grows up to its tcp_rmem / tcp_wmem maxima on a busy machine.
    assert counter.sent < local_fetch.FEEDS_MAX_BYTES + _socket_buffers_max() + 1024 * 1024


def _socket_buffers_max() -> int:
    total = 0
    for name in ("tcp_rmem", "tcp_wmem"):
        try:
            total += int(Path(f"/proc/sys/net/ipv4/{name}").read_text().split()[-1])
        except (OSError, ValueError, IndexError):
            total += 8 * 1024 * 1024
    return total


def test_a_declared_oversized_body_is_refused_before_reading(feed_server, local_fetch):
    local_fetch.FEEDS_MAX_BYTES = 256 * 1024
    counter = routes.Counter()
    feed_server.routes["/feed"] = routes.endless(counter, declare=10**9)

    with pytest.raises(ResponseTooLargeError, match="declares 1000000000 bytes"):
        fetch(feed_server.url("/feed"))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_decoded(feed_server, local_fetch, encoding):
    feed_server.routes["/feed"] = routes.compressed(BODY, encoding)

    assert fetch(feed_server.url("/feed")).body == BODY


def test_a_gzip_bomb_stops_at_the_cap_without_inflating(feed_server, local_fetch):
    local_fetch.FEEDS_MAX_BYTES = 1024 * 1024
    feed_server.routes["/bomb"] = routes.gzip_bomb(200 * 1024 * 1024)  # ~200 kB on the wire, 200 MB inflated
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError, match="once decompressed"):
            fetch(feed_server.url("/bomb"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 8 * 1024 * 1024  # a few times the 1 MB cap, nowhere near 200 MB


def test_redirects_are_followed_and_the_final_url_kept(feed_server, local_fetch):
    feed_server.routes["/old"] = routes.redirect("/moved", 301)
    feed_server.routes["/moved"] = routes.redirect(feed_server.url("/feed"), 307)
    feed_server.routes["/feed"] = routes.feed(BODY)

    result = fetch(feed_server.url("/old"))

    assert result.body == BODY
    assert result.url == feed_server.url("/feed")


def test_five_redirects_are_followed_six_are_refused(feed_server, local_fetch):
    for n in range(6):
        feed_server.routes[f"/r{n}"] = routes.redirect(f"/r{n + 1}")
    feed_server.routes["/r6"] = routes.feed(BODY)

    assert fetch(feed_server.url("/r1")).body == BODY  # r1 -> ... -> r6: five redirects
    with pytest.raises(TooManyRedirectsError):
        fetch(feed_server.url("/r0"))  # six
    assert not feed_server.requests_to("/r6")[1:]  # the sixth hop was never requested


def test_a_redirect_to_another_scheme_is_refused(feed_server, local_fetch):
    feed_server.routes["/feed"] = routes.redirect("file:///etc/passwd")

    with pytest.raises(fetch_module.BlockedAddressError, match="only http and https"):
        fetch(feed_server.url("/feed"))


def test_every_redirect_is_checked_against_the_guard(feed_server, local_fetch):
    # The first hop is our loopback server (allowed for the test); as it answers, the guard is switched back on,
    # as in production, and the redirect to the cloud metadata address must then be judged on its own.
    def guard_on() -> None:
        local_fetch.FEEDS_ALLOW_PRIVATE_HOSTS = False

    feed_server.routes["/feed"] = routes.redirect("http://169.254.169.254/latest/meta-data/", before=guard_on)

    with pytest.raises(fetch_module.BlockedAddressError, match=r"169\.254\.169\.254 is a link-local address"):
        fetch(feed_server.url("/feed"))


@pytest.mark.parametrize("use_redis", [False, True], ids=["in-process", "redis"])
def test_at_most_two_requests_at_once_to_one_host(feed_server, local_fetch, use_redis):
    if use_redis:
        require(bool(local_fetch.REDIS_URL), "needs Redis: set REDIS_URL=redis://...")
    else:
        local_fetch.REDIS_URL = ""
    counter = routes.Counter()
    feed_server.routes["/slow"] = routes.slow_ok(BODY, 0.4, counter)
    results: list[bytes] = []

    def one() -> None:
        results.append(fetch(feed_server.url("/slow")).body)

    threads = [threading.Thread(target=one) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert results == [BODY] * 5  # all five were served, two at a time
    assert counter.max_in_flight == 2


def test_the_host_limit_gives_up_with_a_transient_error_when_slots_stay_busy(feed_server, local_fetch):
    local_fetch.REDIS_URL = ""
    local_fetch.FEEDS_TOTAL_TIMEOUT = 1
    with (
        fetch_module.host_slot("127.0.0.1", wait=1),
        fetch_module.host_slot("127.0.0.1", wait=1),
        pytest.raises(TransientFetchError, match="already in flight"),
    ):
        fetch(feed_server.url("/feed"))
    assert not feed_server.seen
