"""Article ingest: parsed feed entries in, at most one Article per story out.

An entry is the same article as a stored one when (in this order) it has the same guid in the same feed, the
same canonical URL, or the same content hash (the same story syndicated by another feed). A known guid whose
content changed updates its article instead of adding one.

The CPU work (sanitising, text, hashes) happens before any transaction; each batch of up to BATCH_SIZE entries
is then written in one short transaction after the network call: three lookups (guids, URLs, hashes), one
multi-row INSERT and, for changed entries, one bulk UPDATE. Idempotent and safe with several workers at once:
the unique constraints (feed, guid) and (url) make a racing insert a no-op (ON CONFLICT DO NOTHING), and on
PostgreSQL writers take transaction-scoped advisory locks on the content-hash buckets they insert, so two
workers holding the same story from two feeds cannot both add it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from events.ingest.clean import canonical_url, clean_content, content_hash, storable, text_of
from events.ingest.parse import MAX_TITLE, ParsedEntry
from events.models import Article, Feed

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Content hashes map onto this many advisory locks; a bounded number keeps PostgreSQL's lock table small.
HASH_LOCK_BUCKETS = 256
# Distinguishes our advisory locks from anyone else's (pg_advisory_xact_lock(int4, int4) key space).
ADVISORY_LOCK_CLASS = 0x1D1B
INSERT_FIELDS = (
    "feed", "guid", "url", "title", "author", "published_at", "fetched_at", "updated_at", "text", "html",
    "content_hash", "parse_warning",
)  # fmt: skip
UPDATED_FIELDS = (
    "title", "url", "author", "published_at", "text", "html", "content_hash", "parse_warning", "updated_at",
    "is_relevant", "extracted_at",
)  # fmt: skip


@dataclass
class IngestReport:
    new: int = 0
    duplicate: int = 0
    updated: int = 0
    failed: int = 0
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.new += other.new
        self.duplicate += other.duplicate
        self.updated += other.updated
        self.failed += other.failed
        self.new_ids += other.new_ids
        self.updated_ids += other.updated_ids
        self.errors += other.errors


@dataclass(slots=True)
class ArticleDraft:
    """What an entry becomes, before it meets the database (a plain record: a model instance costs more)."""

    guid: str
    url: str
    title: str
    author: str
    published_at: datetime | None
    text: str
    html: str
    content_hash: str
    parse_warning: str


def article_draft(entry: ParsedEntry, *, warning: str = "") -> ArticleDraft:
    """Sanitised HTML, clean text, canonical URL and content hash of one entry."""
    body = clean_content(entry.content, is_html=entry.content_is_html, base_url=entry.link)
    title = text_of(entry.title) or body.text.split("\n", 1)[0][:120].strip() or "(untitled)"
    return ArticleDraft(
        guid=storable(entry.guid),
        url=canonical_url(entry.link),
        title=title[:MAX_TITLE],
        author=text_of(entry.author)[:300],
        published_at=entry.published_at,
        text=body.text,
        html=body.html,
        content_hash=content_hash(body.text, title),
        parse_warning="; ".join(part for part in (warning, *entry.notes) if part),
    )


_lz4_available: bool | None = None


def _prepare_transaction(hashes: Iterable[str]) -> None:
    """PostgreSQL only (SQLite has a single writer and one compression): lock the stories' hash buckets, and have
    this transaction compress article bodies with lz4.

    Advisory locks: writers that insert the same stories are serialised, so two workers holding one story from
    two feeds cannot both add it. lz4: pglz, the default TOAST compression, costs most of the time of an article
    insert (two values of several kB per row); lz4 compresses them several times faster.
    """
    global _lz4_available
    if connection.vendor != "postgresql":
        return
    buckets = sorted({int(h[:8], 16) % HASH_LOCK_BUCKETS for h in hashes})
    with connection.cursor() as cursor:
        if _lz4_available is None:
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            row = cursor.fetchone()
            _lz4_available = bool(row and row[0])
        if _lz4_available:
            cursor.execute("SET LOCAL default_toast_compression = lz4")
        # Sorted, so two writers with overlapping buckets always lock in the same order (no deadlock).
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, b) FROM unnest(%s::int[]) AS b ORDER BY b",
            [ADVISORY_LOCK_CLASS, buckets],
        )


def _insert(feed: Feed, drafts: Sequence[ArticleDraft], now: datetime) -> dict[str, int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the ids of the rows this call added, by guid.

    bulk_create(ignore_conflicts=True) cannot say which rows it added, and building model instances for it
    costs more than the rest of the write; a row that another worker added meanwhile (same guid or URL) is
    simply not returned.
    """
    ops = connection.ops
    columns = ", ".join(ops.quote_name(Article._meta.get_field(name).column) for name in INSERT_FIELDS)
    # fetched_at and updated_at alike: extraction takes that as "never updated" (extraction._may_hold_rows).
    stamp = ops.adapt_datetimefield_value(now)
    params: list = []
    for d in drafts:
        params += (feed.pk, d.guid, d.url, d.title, d.author, ops.adapt_datetimefield_value(d.published_at))
        params += (stamp, stamp, d.text, d.html, d.content_hash, d.parse_warning)
    row = "(" + ", ".join(["%s"] * len(INSERT_FIELDS)) + ")"
    # Only quoted identifiers from the model's metadata are formatted in; every value is a parameter.
    table = ops.quote_name(Article._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(drafts))} "  # noqa: S608
        f"ON CONFLICT DO NOTHING RETURNING {ops.quote_name('id')}, {ops.quote_name('guid')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {guid: pk for pk, guid in cursor.fetchall()}


def _write_batch(feed: Feed, drafts: Sequence[ArticleDraft]) -> IngestReport:
    report = IngestReport()
    now = timezone.now()
    with transaction.atomic():
        _prepare_transaction(d.content_hash for d in drafts)
        known_guids = {
            guid: (pk, url, title, digest)
            for pk, guid, url, title, digest in Article.objects.filter(
                feed=feed, guid__in=[d.guid for d in drafts]
            ).values_list("id", "guid", "url", "title", "content_hash")
        }
        urls = {d.url for d in drafts if d.url}
        taken_urls = set(Article.objects.filter(url__in=urls).values_list("url", flat=True)) if urls else set()
        known_hashes = set(
            Article.objects.filter(content_hash__in={d.content_hash for d in drafts}).values_list(
                "content_hash", flat=True
            )
        )
        to_insert: list[ArticleDraft] = []
        to_update: list[Article] = []
        seen_guids: set[str] = set()
        for draft in drafts:
            if draft.guid in seen_guids:
                report.duplicate += 1
                continue
            seen_guids.add(draft.guid)
            known = known_guids.get(draft.guid)
            if known is not None:
                pk, old_url, old_title, old_hash = known
                if old_hash == draft.content_hash and old_title == draft.title:
                    report.duplicate += 1
                    continue
                url = draft.url
                if url != old_url and (not url or url in taken_urls):
                    url = old_url  # the new link already belongs to another article: keep ours
                if url:
                    taken_urls.add(url)
                to_update.append(
                    Article(
                        pk=pk,
                        url=url,
                        title=draft.title,
                        author=draft.author,
                        published_at=draft.published_at,
                        text=draft.text,
                        html=draft.html,
                        content_hash=draft.content_hash,
                        parse_warning=draft.parse_warning,
                        updated_at=now,
                        is_relevant=None,
                        extracted_at=None,  # extraction runs again on the new text
                    )
                )
                continue
            if (draft.url and draft.url in taken_urls) or draft.content_hash in known_hashes:
                report.duplicate += 1
                continue
            if draft.url:
                taken_urls.add(draft.url)
            known_hashes.add(draft.content_hash)
            to_insert.append(draft)
        if to_insert:
            inserted = _insert(feed, to_insert, now)
            report.new_ids = [inserted[d.guid] for d in to_insert if d.guid in inserted]
            report.new = len(report.new_ids)
            report.duplicate += len(to_insert) - report.new
        if to_update:
            Article.objects.bulk_update(to_update, UPDATED_FIELDS)
            report.updated = len(to_update)
            report.updated_ids = [a.pk for a in to_update]
    return report


def article_ingest(feed: Feed, entries: Iterable[ParsedEntry], *, warning: str = "") -> IngestReport:
    """Store the entries of one feed; returns what happened to each, with the ids of the new and changed articles
    (the caller has them extracted, outside the feed's lock: events.ingest.feeds).

    ``warning`` is the parser's complaint about the feed as a whole (kept on each article).
    """
    report = IngestReport()
    drafts: list[ArticleDraft] = []
    for entry in entries:
        try:
            drafts.append(article_draft(entry, warning=warning))
        except Exception as exc:  # one bad entry must not cost the others
            logger.exception("entry %r of feed %s could not be cleaned", entry.guid[:200], feed.pk)
            report.failed += 1
            report.errors.append(f"entry {entry.guid[:200]!r}: {type(exc).__name__}: {exc}")
    for start in range(0, len(drafts), BATCH_SIZE):
        report.add(_write_batch(feed, drafts[start : start + BATCH_SIZE]))
    return report
