"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

CDN requests are answered from node_modules (the same npm files jsDelivr serves byte for byte, so the SRI hashes
must match), every other external request (map tiles) is aborted: the suite runs offline. Console errors, page
errors and CSP violations are collected so a test can assert there were none.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from idlib_tracker.cdn import CDN_ASSETS
from tests.conftest import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
NODE_MODULES = settings.BASE_DIR / "node_modules"
SCREENSHOTS = settings.BASE_DIR / "artifacts" / "screenshots"

# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make between browser
# steps are ordinary synchronous calls, so Django's async-safety guard would be a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def _plain_http_live_settings() -> Iterator[None]:
    """The live server speaks plain HTTP with unhashed static names: no TLS redirect, no collectstatic."""
    from django.test.utils import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture
def site(_plain_http_live_settings, live_server):
    return live_server


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), "Debian chromium is not installed")
    require((NODE_MODULES / "leaflet").is_dir(), "node_modules is missing: run `npm ci` in the checkout")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _cdn_files() -> dict[str, Path]:
    return {asset.url: NODE_MODULES / asset.package / asset.path for asset in CDN_ASSETS.values()}


@dataclass
class Problems:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    served_from_cdn: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.page_errors == [], f"page errors: {self.page_errors}"


_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=site.url)
    files = _cdn_files()
    problems = Problems()

    def route(request_route, request):
        url = request.url
        if url.startswith(site.url):
            return request_route.continue_()
        path = files.get(url)
        if path is not None:
            problems.served_from_cdn.append(url)
            content_type = "text/css" if url.endswith(".css") else "application/javascript"
            return request_route.fulfill(
                status=200, body=path.read_bytes(), content_type=content_type,
                headers={"Access-Control-Allow-Origin": "*"},
            )
        problems.aborted.append(url)
        return request_route.abort()

    context.route("**/*", route)
    context.add_init_script(_WATCH_CSP)
    tab = context.new_page()

    def on_console(message):
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        # Aborted map tiles are the offline condition under test, not a fault of the page.
        if "Failed to load resource" in message.text and location and not location.startswith(site.url):
            return
        problems.console_errors.append(f"{message.text} @ {location}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    tab.problems = problems
    yield tab
    violations = tab.evaluate("window.__cspViolations || []") if not tab.is_closed() else []
    context.close()
    assert violations == [], f"CSP violations: {violations}"


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
