"""Article ingest: parsed feed entries in, at most one Article per story out.

An entry is the same article as a stored one when (in this order) it has the same guid in the same feed, the
same canonical URL, or the same content hash (the same story syndicated by another feed). A known guid whose
content changed updates its article instead of adding one.

The CPU work (sanitising, text, hashes) happens before any transaction; each batch is then written in one short
transaction after the network call. Idempotent and safe with several workers at once: the unique constraints
(feed, guid) and (url) make a racing insert a no-op (ON CONFLICT DO NOTHING), and on PostgreSQL writers take
transaction-scoped advisory locks on the content-hash buckets they insert, so two workers holding the same
story from two feeds cannot both add it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from events.ingest.clean import canonical_url, clean_content, content_hash, storable, text_of
from events.ingest.parse import MAX_TITLE, ParsedEntry
from events.models import Article, Feed
from events.services.extraction import articles_extract

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Content hashes map onto this many advisory locks; a bounded number keeps PostgreSQL's lock table small.
HASH_LOCK_BUCKETS = 256
# Distinguishes our advisory locks from anyone else's (pg_advisory_xact_lock(int4, int4) key space).
ADVISORY_LOCK_CLASS = 0x1D1B
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


def article_draft(feed: Feed, entry: ParsedEntry, *, warning: str = "") -> Article:
    """The unsaved Article an entry becomes: sanitised HTML, clean text, canonical URL, content hash."""
    body = clean_content(entry.content, is_html=entry.content_is_html, base_url=entry.link)
    title = text_of(entry.title)
    if not title:
        title = (body.text.split("\n", 1)[0][:120] or "(untitled)").strip()
    title = title[:MAX_TITLE]
    return Article(
        feed=feed,
        guid=storable(entry.guid),
        url=canonical_url(entry.link),
        title=title,
        author=text_of(entry.author)[:300],
        published_at=entry.published_at,
        text=body.text,
        html=body.html,
        content_hash=content_hash(body.text, title),
        parse_warning="; ".join(part for part in (warning, *entry.notes) if part),
    )


def _lock_hash_buckets(hashes: Iterable[str]) -> None:
    """Serialise writers that insert the same stories (PostgreSQL; SQLite has one writer at a time anyway)."""
    if connection.vendor != "postgresql":
        return
    buckets = sorted({int(h[:8], 16) % HASH_LOCK_BUCKETS for h in hashes})
    if buckets:
        with connection.cursor() as cursor:
            # Sorted, so two writers with overlapping buckets always lock in the same order (no deadlock).
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, b) FROM unnest(%s::int[]) AS b ORDER BY b",
                [ADVISORY_LOCK_CLASS, buckets],
            )


def _write_batch(feed: Feed, drafts: Sequence[Article]) -> IngestReport:
    report = IngestReport()
    now = timezone.now()
    with transaction.atomic():
        _lock_hash_buckets(d.content_hash for d in drafts)
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
        to_insert: list[Article] = []
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
                draft.pk = pk
                if draft.url != old_url and (not draft.url or draft.url in taken_urls):
                    draft.url = old_url  # the new link already belongs to another article: keep ours
                if draft.url:
                    taken_urls.add(draft.url)
                draft.updated_at = now
                draft.is_relevant = None
                draft.extracted_at = None  # extraction runs again on the new text
                to_update.append(draft)
                continue
            if (draft.url and draft.url in taken_urls) or draft.content_hash in known_hashes:
                report.duplicate += 1
                continue
            if draft.url:
                taken_urls.add(draft.url)
            known_hashes.add(draft.content_hash)
            to_insert.append(draft)
        if to_insert:
            # A row another worker inserted meanwhile (same guid or URL) is skipped, not an error.
            Article.objects.bulk_create(to_insert, ignore_conflicts=True)
            ours = {d.guid: d.content_hash for d in to_insert}
            for pk, guid, digest in Article.objects.filter(feed=feed, guid__in=list(ours)).values_list(
                "id", "guid", "content_hash"
            ):
                if ours.pop(guid) == digest:
                    report.new_ids.append(pk)
            report.new = len(report.new_ids)
            report.duplicate += len(to_insert) - report.new
        if to_update:
            Article.objects.bulk_update(to_update, UPDATED_FIELDS)
            report.updated = len(to_update)
            report.updated_ids = [d.pk for d in to_update]
    return report


def article_ingest(
    feed: Feed, entries: Iterable[ParsedEntry], *, warning: str = "", extract: bool = True
) -> IngestReport:
    """Store the entries of one feed; returns what happened to each. Runs extraction on new and changed articles.

    ``warning`` is the parser's complaint about the feed as a whole (kept on each article); ``extract=False``
    leaves extraction to a later run (bulk loads, the ingest benchmark).
    """
    report = IngestReport()
    drafts: list[Article] = []
    for entry in entries:
        try:
            drafts.append(article_draft(feed, entry, warning=warning))
        except Exception as exc:  # one bad entry must not cost the others
            logger.exception("entry %r of feed %s could not be cleaned", entry.guid[:200], feed.pk)
            report.failed += 1
            report.errors.append(f"entry {entry.guid[:200]!r}: {type(exc).__name__}: {exc}")
    for start in range(0, len(drafts), BATCH_SIZE):
        report.add(_write_batch(feed, drafts[start : start + BATCH_SIZE]))
    changed = report.new_ids + report.updated_ids
    if extract and changed:
        articles_extract(changed)
    return report
