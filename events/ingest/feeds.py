"""Feed services: add a feed, find the due ones, and run the whole pipeline for one feed.

``feed_fetch`` is what the ``fetch_feed`` task and the ``ingest`` command both call: lock the feed, fetch (no
transaction is open during the network call), parse, store, and record the feed's health; then, the lock
released, hand the new and changed articles to extraction (the task enqueues it; the command runs it). A 304,
or a body whose hash has not changed since the last success, costs no parsing. Failures are counted and
described in words, and push the next fetch back exponentially (capped); a success resets that. A failing feed
is never switched off by itself: it stays in the admin, marked failing, until an editor decides.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from events.extract.store import articles_extract
from events.ingest.articles import IngestReport, article_ingest
from events.ingest.clean import text_of
from events.ingest.fetch import BlockedAddressError, FetchError, address_refusal, check_url, fetch
from events.ingest.parse import FeedUnreadable, parse_feed
from events.models import Feed, FetchStatus

# After n consecutive failures the next attempt waits interval * 2**n, but never longer than this.
MAX_BACKOFF = timedelta(hours=24)


@dataclass
class FetchReport:
    feed_id: int
    feed_name: str = ""
    status: str = ""  # a FetchStatus value, or "skipped"
    new: int = 0
    duplicate: int = 0
    updated: int = 0
    failed: int = 0
    error: str = ""  # why the feed failed (or what the parser complained about)
    transient: bool = False  # a failure that may go away by itself (timeouts, 5xx): worth a retry soon
    changed_ids: list[int] = field(default_factory=list)  # new and updated articles: extraction's work

    @property
    def ok(self) -> bool:
        return self.status in (FetchStatus.OK, FetchStatus.MALFORMED, FetchStatus.NOT_MODIFIED)

    def line(self) -> str:
        """One line for the ingest command: counts, then the outcome in words."""
        counts = f"{self.new} new, {self.duplicate} duplicate, {self.updated} updated, {self.failed} failed"
        outcome = {
            FetchStatus.OK: "ok",
            FetchStatus.NOT_MODIFIED: "unchanged since the last fetch",
            FetchStatus.MALFORMED: f"ingested with parser warnings: {self.error}",
            FetchStatus.FAILED: f"FAILED: {self.error}",
        }.get(self.status, f"skipped: {self.error}")
        return f"[{self.feed_id}] {self.feed_name}: {counts} ({outcome})"

    def as_dict(self) -> dict:
        return asdict(self)

    def sentence(self) -> str:
        """What happened, for an editor who pressed "Fetch now": in words, the reason when it failed."""
        name = self.feed_name or f"Feed {self.feed_id}"
        new = f"{self.new} new article{'' if self.new == 1 else 's'}"
        others = ", ".join(
            f"{n} {label}" for n, label in
            ((self.duplicate, "already stored"), (self.updated, "updated"), (self.failed, "not stored"))
            if n
        )
        fetched = f"fetched {new}" + (f" ({others})" if others else "")
        if self.status == FetchStatus.OK:
            return f"{name}: {fetched}."
        if self.status == FetchStatus.MALFORMED:
            return f"{name}: {fetched}; the feed is malformed and was read as far as possible ({self.error})."
        if self.status == FetchStatus.NOT_MODIFIED:
            return f"{name}: not modified since the last fetch, nothing new."
        if self.status == FetchStatus.FAILED:
            again = "tried again later, waiting longer after each failure" if self.transient else (
                "tried again at its next turn; this looks lasting, so check the address")
            return f"{name}: failed: {self.error}. It will be {again}."
        return f"{name}: not fetched: {self.error}."


# --- Locking and claiming -----------------------------------------------------------------------------------


def _lock_ttl() -> int:
    # Longer than the task's hard time limit: a worker killed by the limit cannot leave the lock held forever,
    # and a live fetch (killed at the hard limit at the latest) never outlives its lock.
    return settings.CELERY_TASK_TIME_LIMIT + 60


@contextmanager
def feed_lock(feed_id: int, owner: str = "") -> Iterator[bool]:
    """Try to take the per-feed lock (shared by all workers through the Redis cache); yields whether we hold it.

    ``owner`` is the Celery task id. A worker process killed mid-fetch leaves the lock behind until its TTL, and
    the broker redelivers that same message (same task id) at once: the redelivery may take over its own lock,
    where any other fetch of the feed (another message) still skips.
    """
    key = f"idlib:feed-lock:{feed_id}"
    token = owner or secrets.token_hex(8)
    acquired = cache.add(key, token, timeout=_lock_ttl())
    if not acquired and owner and cache.get(key) == owner:
        cache.set(key, token, timeout=_lock_ttl())
        acquired = True
    try:
        yield acquired
    finally:
        # The TTL outlasts any fetch, so the value is still ours unless something is badly wrong.
        if acquired and cache.get(key) == token:
            cache.delete(key)


def _due() -> Q:
    return Q(active=True) & (Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=timezone.now()))


def _due_first(feeds: QuerySet[Feed]) -> QuerySet[Feed]:
    return feeds.filter(_due()).order_by(F("next_fetch_at").asc(nulls_first=True), "id")


def feeds_due() -> list[int]:
    """Ids of the active feeds whose next fetch is due, longest-waiting first."""
    return list(_due_first(Feed.objects.all()).values_list("id", flat=True))


def feeds_claim_due(then: Callable[[int], object] | None = None) -> list[int]:
    """Claim every due feed for one fetch: its next_fetch_at moves past the time a queued fetch can take. Calls
    ``then(feed_id)`` for each claimed feed inside the claiming transaction (the beat task passes
    ``fetch_feed.delay_on_commit``, so no worker sees a feed still unclaimed).

    A claimed feed is not enqueued again by the next beat while its fetch waits in the queue; if that fetch is
    lost, the claim lapses and the feed becomes due again. Two queries whatever the number of feeds: the due rows
    are locked (a concurrent claimer skips them, and finds them no longer due once this commits), then moved on
    in one UPDATE.
    """
    lease = timedelta(seconds=settings.CELERY_BROKER_VISIBILITY_TIMEOUT + settings.CELERY_TASK_TIME_LIMIT)
    with transaction.atomic():
        claimed = list(_due_first(Feed.objects.select_for_update(skip_locked=True)).values_list("id", flat=True))
        if claimed:
            Feed.objects.filter(id__in=claimed).update(next_fetch_at=timezone.now() + lease)
        for feed_id in claimed:
            if then is not None:
                then(feed_id)
    return claimed


# --- Health ---------------------------------------------------------------------------------------------------


def _backoff(feed: Feed, failures: int) -> timedelta:
    return min(timedelta(minutes=feed.fetch_interval_minutes) * (2 ** min(failures, 16)), MAX_BACKOFF)


def _record_failure(feed: Feed, error: str, *, transient: bool) -> FetchReport:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    Feed.objects.filter(id=feed.id).update(
        last_status=FetchStatus.FAILED,
        last_error=error,
        consecutive_failures=failures,
        last_fetched_at=now,
        next_fetch_at=now + _backoff(feed, failures),
    )
    return FetchReport(feed.id, feed.name, FetchStatus.FAILED, error=error, transient=transient)


def _record_success(feed: Feed, status: str, *, warning: str = "", **conditional: str) -> None:
    now = timezone.now()
    Feed.objects.filter(id=feed.id).update(
        last_status=status,
        last_error=warning,
        consecutive_failures=0,
        last_fetched_at=now,
        last_success_at=now,
        next_fetch_at=now + timedelta(minutes=feed.fetch_interval_minutes),
        **conditional,
    )


# --- The pipeline -----------------------------------------------------------------------------------------------


def feed_ingest_body(
    feed: Feed,
    body: bytes,
    *,
    content_type: str = "",
    url: str = "",
    etag: str = "",
    last_modified: str = "",
    name_from_title: bool = False,
) -> FetchReport:
    """Parse and store a feed body we already hold (after the network call), recording the feed's health; the
    report lists the new and changed articles (``changed_ids``) for extraction.

    ``name_from_title``: the feed row was just named after its file; readers see the feed's name beside every
    source, so the channel's own title ("Idlib Tracker demo wire") replaces "demo_feed.xml" when there is one."""
    body_hash = hashlib.sha256(body).hexdigest()
    conditional = {"etag": etag[:500], "last_modified": last_modified[:100]}
    if body_hash == feed.body_hash:
        _record_success(feed, FetchStatus.NOT_MODIFIED, **conditional)
        return FetchReport(feed.id, feed.name, FetchStatus.NOT_MODIFIED)
    try:
        parsed = parse_feed(body, content_type=content_type, url=url or feed.url)
    except FeedUnreadable as exc:
        return _record_failure(feed, f"unreadable feed: {exc}", transient=False)
    title = text_of(parsed.title)[:200] if name_from_title else ""
    if title:
        Feed.objects.filter(pk=feed.pk).update(name=title)
        feed.name = title
    ingested: IngestReport = article_ingest(feed, parsed.entries, warning=parsed.warning)
    status = FetchStatus.MALFORMED if parsed.warning else FetchStatus.OK
    _record_success(feed, status, warning=parsed.warning, body_hash=body_hash, **conditional)
    return FetchReport(
        feed.id,
        feed.name,
        status,
        new=ingested.new,
        duplicate=ingested.duplicate,
        updated=ingested.updated,
        failed=ingested.failed,
        error=parsed.warning,
        changed_ids=ingested.new_ids + ingested.updated_ids,
    )


ExtractHandOff = Callable[[list[int]], object]


def _extract_after(report: FetchReport, then_extract: ExtractHandOff) -> FetchReport:
    # After the feed's lock is released: extraction takes longer than the fetch and needs no lock of the feed.
    if report.changed_ids:
        then_extract(report.changed_ids)
    return report


def feed_fetch(feed_id: int, lock_owner: str = "", *, then_extract: ExtractHandOff = articles_extract) -> FetchReport:
    """Fetch one feed and store its new articles. Never raises for a feed's own problems: see the report.

    ``lock_owner``: the calling task's id, so a redelivery of a task whose worker died can retake its lock.
    ``then_extract`` gets the new and changed articles once the lock is released: extraction right here by default
    (the ``ingest`` command), the fetch task passes ``extract_articles.delay_on_commit``.
    """
    return _extract_after(_feed_fetch_locked(feed_id, lock_owner), then_extract)


def _feed_fetch_locked(feed_id: int, lock_owner: str) -> FetchReport:
    with feed_lock(feed_id, owner=lock_owner) as locked:
        if not locked:
            return FetchReport(feed_id, status="skipped", error="another worker is fetching this feed right now")
        feed = Feed.objects.filter(id=feed_id).first()
        if feed is None:
            return FetchReport(feed_id, status="skipped", error="no such feed")
        if not feed.active:
            return FetchReport(feed_id, feed.name, status="skipped", error="feed is switched off")
        try:
            result = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except FetchError as exc:
            return _record_failure(feed, str(exc), transient=exc.transient)
        if result.not_modified:
            _record_success(
                feed, FetchStatus.NOT_MODIFIED, etag=result.etag[:500], last_modified=result.last_modified[:100]
            )
            return FetchReport(feed.id, feed.name, FetchStatus.NOT_MODIFIED)
        return feed_ingest_body(
            feed,
            result.body,
            content_type=result.content_type,
            url=result.url,
            etag=result.etag,
            last_modified=result.last_modified,
        )


def feed_ingest_file(
    path: str | Path, name: str = "", *, then_extract: ExtractHandOff = articles_extract
) -> FetchReport:
    """Ingest a local feed file under a Feed row of its own (``file://`` URL, never fetched by the scheduler),
    then extract its new and changed articles (``then_extract``, as in feed_fetch).

    Running it again on the same file adds nothing. Raises FileNotFoundError for a missing file.
    """
    return _extract_after(_feed_ingest_file_locked(path, name), then_extract)


def _feed_ingest_file_locked(path: str | Path, name: str) -> FetchReport:
    path = Path(path).resolve()
    with path.open("rb") as handle:
        body = handle.read(settings.FEEDS_MAX_BYTES + 1)
    feed, created = Feed.objects.get_or_create(
        url=path.as_uri(), defaults={"name": (name or path.name)[:200], "active": False}
    )
    with feed_lock(feed.id) as locked:
        if not locked:
            return FetchReport(feed.id, feed.name, status="skipped", error="this file is being ingested right now")
        if len(body) > settings.FEEDS_MAX_BYTES:
            return _record_failure(
                feed, f"file is larger than the {settings.FEEDS_MAX_BYTES} byte limit", transient=False
            )
        return feed_ingest_body(feed, body, url=feed.url, name_from_title=created and not name)


def feed_add(url: str, name: str = "") -> tuple[Feed, bool]:
    """Add a feed an editor typed in (or return the existing one). Raises ValidationError saying what is wrong."""
    url = url.strip()
    URLValidator(schemes=["http", "https"], message="Enter a full http:// or https:// feed URL.")(url)
    try:
        _scheme, host, _port = check_url(url)
    except BlockedAddressError as exc:
        raise ValidationError(str(exc)) from exc
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None  # a host name: it is resolved and checked at every fetch (DNS answers change)
    if literal is not None and not settings.FEEDS_ALLOW_PRIVATE_HOSTS:
        reason = address_refusal(literal)
        if reason:
            raise ValidationError(f"refusing a feed on {host}: {reason}; feeds must be on public addresses")
    return Feed.objects.get_or_create(url=url, defaults={"name": (name or host)[:200]})


def feeds_set_active(feeds: Iterable[Feed], active: bool) -> int:
    """Switch feeds on or off (an inactive feed is never fetched by the beat); returns how many changed.

    Each switch is in the feed's history with the editor's name (the request's user, via simple-history's
    middleware): one UPDATE and one history INSERT for all of them.
    """
    with transaction.atomic():
        switched = list(Feed.objects.select_for_update().filter(pk__in=[f.pk for f in feeds], active=not active))
        for feed in switched:
            feed.active = active
        bulk_update_with_history(
            switched, Feed, ["active"], default_change_reason="Activated" if active else "Deactivated"
        )
    return len(switched)
