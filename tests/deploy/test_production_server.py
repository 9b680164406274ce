"""The site as the `web` container runs it: gunicorn, DEBUG off, collected static files, behind a TLS proxy.

A real gunicorn on loopback, on the test database and Redis; requests carry the headers our proxy would add.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re
from urllib.parse import urlparse

import pytest
from django.conf import settings

from idlib_tracker.cdn import CDN_ASSETS
from tests import processes
from tests.conftest import require

pytestmark = pytest.mark.services

HOST = "tracker.example.org"
PROXIED = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, collected_static, tmp_path_factory):
    from django.db import connection

    require(connection.vendor == "postgresql", "the live server shares the test database only on PostgreSQL")
    require(bool(settings.REDIS_URL), "needs Redis: set REDIS_URL")
    port = processes.free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = processes.production_env(collected_static, DJANGO_PROXY_COUNT="1")
    proc = processes.start_gunicorn(port, log, env)
    yield port, log
    processes.stop(proc)


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers if headers is not None else PROXIED)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def _csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_plain_http_is_redirected_to_https_and_https_gets_hsts(server):
    port, _ = server
    response, _ = _get(port, "/", {"Host": HOST})
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/"
    response, _ = _get(port, "/")
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"


def test_unknown_host_is_refused(server):
    port, _ = server
    response, body = _get(port, "/", {**PROXIED, "Host": "attacker.example.net"})
    assert response.status == 400
    assert b"Traceback" not in body and b"DisallowedHost" not in body


def test_csp_is_sent_and_allows_only_the_cdn_and_tile_hosts_the_pages_use(server):
    port, _ = server
    response, body = _get(port, "/")
    csp = _csp(response.getheader("Content-Security-Policy"))
    for directive in ("script-src", "style-src", "img-src", "default-src", "connect-src"):
        assert "*" not in csp.get(directive, []), f"{directive} allows any host"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]

    # Exactly the origins of the pinned CDN assets and of the map tiles, nothing else outside 'self'.
    cdn = {f"{urlparse(a.url).scheme}://{urlparse(a.url).netloc}" for a in CDN_ASSETS.values()}
    external = {v for values in csp.values() for v in values if v.startswith("https://")}
    assert external == cdn | {settings.MAP_TILES_ORIGIN}
    assert set(csp["script-src"]) == {"'self'", *cdn}

    # And every external script or stylesheet the page really loads is among them.
    html = body.decode()
    for url in re.findall(r'<script[^>]+src="(https?://[^"]+)"', html):
        origin = "{0.scheme}://{0.netloc}".format(urlparse(url))
        assert origin in csp["script-src"], f"the page loads {url}, which the CSP blocks"
    for url in re.findall(r'<link[^>]+href="(https?://[^"]+)"', html):
        origin = "{0.scheme}://{0.netloc}".format(urlparse(url))
        assert origin in csp["style-src"], f"the page loads {url}, which the CSP blocks"


def test_static_files_have_hashed_names_and_are_cached_for_good(server):
    port, _ = server
    _, body = _get(port, "/")
    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert match, "the page does not link the hashed stylesheet"
    response, css = _get(port, match.group(1), {**PROXIED, "Accept-Encoding": "gzip"})
    assert response.status == 200
    assert "immutable" in response.getheader("Cache-Control")
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(css) == (settings.BASE_DIR / "static" / "css" / "site.css").read_bytes()


def test_healthz_answers_load_balancers_over_plain_http_on_any_host(server):
    port, _ = server
    response, body = _get(port, "/healthz", {"Host": "10.0.3.7:8000"})
    assert response.status == 200
    assert json.loads(body) == {"status": "ok", "failing": []}
    assert "no-cache" in response.getheader("Cache-Control")


def test_access_log_is_one_json_object_per_line_with_the_client_behind_the_proxy(server):
    port, log = server
    _get(port, "/?from=access-log-test", {**PROXIED, "X-Forwarded-For": "203.0.113.9, 198.51.100.23"})

    def logged():
        for line in log.read_text().splitlines():
            if line.startswith("{") and '"idlib_tracker.request"' in line and "198.51.100.23" in line:
                return json.loads(line)
        return None

    entry = processes.wait_until(logged, 10, "the access log line")
    assert entry["level"] == "INFO"
    # DJANGO_PROXY_COUNT=1: the hop our proxy appended, not the one the client wrote.
    assert entry["request"] == {"method": "GET", "path": "/", "client_ip": "198.51.100.23"}
    assert entry["status"] == 200 and entry["duration_ms"] > 0
    # Nothing but JSON on stdout and stderr: Django's lines and gunicorn's own (start-up, worker boots).
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)


def test_errors_show_a_plain_page_without_debug_details(server):
    port, _ = server
    response, body = _get(port, "/no-such-page/")
    assert response.status == 404
    assert b"Traceback" not in body and b"URLconf" not in body


def test_subscriber_tokens_in_urls_stay_out_of_the_log(server):
    port, log = server
    secret = "s3cr3t-token-of-a-subscriber"
    _get(port, f"/summaries/unsubscribe/{secret}/")

    def logged():
        return [line for line in log.read_text().splitlines() if "/summaries/unsubscribe/" in line]

    lines = processes.wait_until(logged, 10, "the access log line")
    assert json.loads(lines[0])["request"]["path"] == "/summaries/unsubscribe/<token>/"
    assert secret not in log.read_text()
