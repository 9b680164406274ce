"""Anonymous public pages and APIs: served from the cache until the record changes, with ETag / Last-Modified.

A middleware, placed after WhiteNoise and before sessions (settings.MIDDLEWARE), so a cached page skips sessions,
CSRF, authentication, URL resolution, the view and its template; the access log and the security headers still run
on every response. What it does for a GET from a visitor without a session cookie (editors always have one, and
always get fresh pages with their candidates marked):

- The key names the record's version (events.freshness), today's date (pages say "this week" and default to
  today), the scheme, host and full path with its query string. A publish, reject or merge, an admin edit, seeding
  or extraction bumps the version, so every older entry is simply never read again; entries also expire after
  PUBLIC_CACHE_SECONDS so the cache stays bounded (Redis runs with noeviction: it is the broker too).
- Only the views in CACHEABLE_VIEWS, only 200 responses that set no cookie, only bodies under MAX_BODY. Streaming
  responses (exports) are not stored but carry the same validators.
- Every such response carries `ETag` (version + key) and `Last-Modified` (the version's time); a conditional
  request that still matches gets 304 without the view running.

PUBLIC_CACHE_SECONDS=0 turns all of it off (pages are then rendered for every request, validators still sent).
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from events import freshness

CACHEABLE_VIEWS = frozenset({
    "events:dashboard", "events:timeline", "events:map", "events:detail", "events:place", "events:feed",
    "events:zones_geojson", "events:events_geojson", "events:events_csv", "events:events_json", "events:full_export",
    "events:suggestions",
    "actors:list", "actors:detail",
})
MAX_BODY = 512 * 1024
_COMPRESS_FROM = 2048


logger = logging.getLogger(__name__)


def _digest(request: HttpRequest) -> str:
    where = "|".join((
        timezone.localdate().isoformat(), request.scheme, request.get_host(), request.get_full_path(),
    ))
    return hashlib.sha1(where.encode(), usedforsecurity=False).hexdigest()[:20]


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.view_name


def _start_of_today() -> int:
    now = timezone.localtime()
    return int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())


def _key(version: int, digest: str) -> str:
    return f"idlib:page:{version:x}:{digest}"


class PublicCacheMiddleware:
    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not settings.SITE_LOGIN_REQUIRED
        )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # The version this process saw last: the version and the page stored under it are read in one round trip
        # (MGET), and only when the version has moved is the page read again under the new one.
        self.last_version: int | None = None

    def _lookup(self, digest: str, caching: bool) -> tuple[int, Any]:
        guess = self.last_version
        if guess is None or not caching:
            version, entry = freshness.version(), None
        else:
            found = cache.get_many([freshness.RECORD_KEY, _key(guess, digest)])
            stored = found.get(freshness.RECORD_KEY)
            version = int(stored) if stored is not None else freshness.version()
            entry = found.get(_key(guess, digest)) if version == guess else None
        if caching and version != guess:
            entry = cache.get(_key(version, digest))
        self.last_version = version
        return version, entry

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._eligible(request):
            return self.get_response(request)
        digest = _digest(request)
        caching = settings.PUBLIC_CACHE_SECONDS > 0
        try:
            version, entry = self._lookup(digest, caching)
        except Exception:
            # The cache (Redis) is down: the page is rendered as if there were no cache, never a 500.
            logger.warning("page cache unreachable; serving %s uncached", request.path, exc_info=True)
            return self.get_response(request)
        etag = f'"{version:x}-{digest}"'
        # Pages say "this week" and default to today: a new day is a change even when the record has none.
        modified = max(freshness.last_modified(version), _start_of_today())
        conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        if conditional and (entry is not None or _view_name(request) in CACHEABLE_VIEWS):
            answer = get_conditional_response(request, etag=etag, last_modified=modified)
            if answer is not None:  # 304 Not Modified: the view does not run
                return _with_validators(answer, etag, modified)
        if entry is not None:
            return _with_validators(_rebuild(entry), etag, modified)
        response = self.get_response(request)
        if response.status_code != 200 or response.cookies or _view_name(request) not in CACHEABLE_VIEWS:
            return response
        _with_validators(response, etag, modified)
        if caching and not response.streaming and len(response.content) <= MAX_BODY:
            try:
                cache.set(_key(version, digest), _entry(response), settings.PUBLIC_CACHE_SECONDS)
            except Exception:
                logger.warning("page cache unreachable; %s not stored", request.path, exc_info=True)
        return response


def _with_validators(response: HttpResponseBase, etag: str, modified: int) -> HttpResponseBase:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    # Browsers and proxies may keep it, but must ask again (a conditional request, usually a 304) before reuse.
    response.setdefault("Cache-Control", "public, no-cache")
    return response


def _entry(response: HttpResponse) -> tuple[list[tuple[str, str]], bool, bytes]:
    body = response.content
    compressed = len(body) >= _COMPRESS_FROM
    headers = [(k, v) for k, v in response.items() if k not in ("ETag", "Last-Modified", "Cache-Control")]
    return headers, compressed, zlib.compress(body, 1) if compressed else body


def _rebuild(entry: tuple[list[tuple[str, str]], bool, bytes]) -> HttpResponse:
    headers, compressed, body = entry
    response = HttpResponse(zlib.decompress(body) if compressed else body)
    for name, value in headers:
        response[name] = value
    return response
