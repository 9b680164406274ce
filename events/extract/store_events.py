"""Extraction's writes of candidate events: each happening an article reports joins the open event it is the
same as (cluster.best_match, within CLUSTER_WINDOW_DAYS, under a per-place advisory lock) or becomes a new
candidate; an article's own candidates are updated on re-extraction. Events editors decided on are never changed.
Called by events.extract.store inside its chunk's transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from events.extract.cluster import Signature, best_match, tokens_of
from events.extract.confidence import confidence_after
from events.extract.events import EventCandidate
from events.extract.gazetteer import Gazetteer
from events.extract.pipeline import Extraction
from events.models import Article, Event, EventActor, EventSource, EventStatus
from idlib_tracker.bulk import rows_insert

if TYPE_CHECKING:
    from events.extract.store import ExtractReport

logger = logging.getLogger(__name__)

# Advisory lock class for clustering (distinct from ingestion's 0x1D1B); the lock key is a place bucket.
CLUSTER_LOCK_CLASS = 0x1D1E
CLUSTER_LOCK_BUCKETS = 256
# Events this many days either side of a candidate's date are compared with it (cluster.py decides).
CLUSTER_WINDOW_DAYS = 3
OPEN_STATUSES = (EventStatus.CANDIDATE, EventStatus.PUBLISHED)


def may_hold_rows(results: list[tuple[Article, Extraction]]) -> list[int]:
    """Ids of the articles that may already have mentions, statements or sources to reconcile.

    Not the ones ingestion has just inserted: never extracted, never updated (articles._insert stamps fetched_at
    and updated_at alike; an update moves updated_at, a finished extraction sets extracted_at in the same
    transaction as its rows). Most chunks are only those, and their lookups would find nothing.
    """
    return [a.pk for a, _ in results if not (a.extracted_at is None and a.updated_at == a.fetched_at)]



# --- Events ---------------------------------------------------------------------------------------------------------
def _lock_places(place_ids: Iterable[int]) -> None:
    """Serialise clustering per place bucket on PostgreSQL, so two workers cannot both create the same event."""
    if connection.vendor != "postgresql":
        return
    buckets = sorted({pid % CLUSTER_LOCK_BUCKETS for pid in place_ids})
    if buckets:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, b) FROM unnest(%s::int[]) AS b ORDER BY b",
                [CLUSTER_LOCK_CLASS, buckets],
            )


def _signature(event_type, sub_type, place_id, occurred_on, precision, text: str, actors) -> Signature:
    return Signature(event_type, sub_type, place_id, occurred_on, precision, tokens_of(text), frozenset(actors))


def _bucket(signature: Signature) -> tuple:
    return (signature.event_type, signature.sub_event_type, signature.place_id)


def _candidate_signature(candidate: EventCandidate) -> Signature:
    return _signature(
        candidate.event_type, candidate.sub_event_type, candidate.place_id, candidate.occurred_on,
        candidate.date_precision, candidate.text, (a for a, _ in candidate.actors),
    )


def _title(candidate: EventCandidate, gazetteer: Gazetteer) -> str:
    place = gazetteer.places[candidate.place_id].name if candidate.place_id else ""
    if not place or not candidate.title_place:
        return candidate.label[:300]
    return f"{candidate.label} {candidate.title_place} {place}"[:300]


def _protected(event: Event) -> bool:
    return event.status != EventStatus.CANDIDATE or event.editor_owned


class _Pool:
    """Open events near the batch's candidates (same places, nearby dates), with their sources' words."""

    def __init__(self, candidates: list[EventCandidate]) -> None:
        placed = [c for c in candidates if c.place_id]
        self.events: dict[int, Event] = {}
        # (event type, sub-type, place) -> event ids: only events in a candidate's bucket can match (cluster.py);
        # their signatures (word sets of every source) are computed when a candidate first looks there.
        self._buckets: dict[tuple, list[int]] = {}
        self._texts: dict[int, list[str]] = {}
        self._signatures: dict[tuple, list[tuple[int, Signature]]] = {}
        self.first_source: dict[int, int] = {}
        self.roles: dict[int, set[tuple[int, str]]] = {}
        self.articles: dict[int, set[int]] = {}
        if not placed:
            return
        window = timedelta(days=CLUSTER_WINDOW_DAYS)
        events = Event.objects.filter(
            status__in=OPEN_STATUSES,
            place_id__in={c.place_id for c in placed},
            sub_event_type__in={c.sub_event_type for c in placed},
            occurred_on__gte=min(c.occurred_on for c in placed) - window,
            occurred_on__lte=max(c.occurred_on for c in placed) + window,
        ).defer("search_vector").order_by("id")  # whole rows: the history of an update reads every field
        self.events = {e.pk: e for e in events}
        for pk, event in self.events.items():
            self._texts[pk] = [event.title, event.description]
            self._buckets.setdefault((event.event_type, event.sub_event_type, event.place_id), []).append(pk)
        for source_id, event_id, article_id, sentence in EventSource.objects.filter(
            event_id__in=list(self.events)
        ).order_by("id").values_list("id", "event_id", "article_id", "sentence"):
            self._texts[event_id].append(sentence)
            self.first_source.setdefault(event_id, source_id)
            self.articles.setdefault(event_id, set()).add(article_id)
        for event_id, actor_id, role in EventActor.objects.filter(event_id__in=list(self.events)).values_list(
            "event_id", "actor_id", "role"
        ):
            self.roles.setdefault(event_id, set()).add((actor_id, role))

    def _signature_of(self, pk: int) -> Signature:
        event = self.events[pk]
        return _signature(
            event.event_type, event.sub_event_type, event.place_id, event.occurred_on, event.date_precision,
            " ".join(self._texts[pk]), (a for a, _ in self.roles.get(pk, ())),
        )

    def match(self, signature: Signature) -> int | None:
        bucket = _bucket(signature)
        if bucket not in self._signatures:
            self._signatures[bucket] = [(pk, self._signature_of(pk)) for pk in self._buckets.get(bucket, [])]
        return best_match(signature, self._signatures[bucket])


def events_write(
    results: list[tuple[Article, Extraction]], gazetteer: Gazetteer, report: ExtractReport
) -> dict[tuple[int, int], int]:
    """Write the chunk's event candidates; returns (article id, sentence index) -> event id for statements."""
    ids = may_hold_rows(results)
    wanted = {(a.pk, c.key): c for a, x in results if x.relevant for c in x.events}
    _lock_places(c.place_id for c in wanted.values() if c.place_id)
    sources = {
        (s.article_id, s.extraction_key): s
        for s in EventSource.objects.filter(article_id__in=ids).exclude(extraction_key="").select_related("event")
        .defer("event__search_vector")
    } if ids else {}
    # First, so a happening whose key changed (a corrected date) can join its old event again below.
    _stale_sources_drop(sources, wanted)
    pool = _Pool(list(wanted.values()))
    event_of_sentence: dict[tuple[int, int], int] = {}
    updates: dict[int, Event] = {}  # the article's own candidates, re-read
    corroborated: dict[int, Event] = {}  # candidates another report joined: more confident, maybe a toll
    new_sources: list[tuple[int, int, str, str]] = []  # (event, article, sentence, extraction key)
    new_roles: list[tuple[int, int, str]] = []  # (event, actor, role)
    source_updates: list[EventSource] = []
    # Happenings no stored event matches: one new candidate each, or one for several reports in this chunk.
    pending: list[tuple[Event, EventCandidate, list[tuple[int, EventCandidate]]]] = []
    pending_index: dict[tuple, list[tuple[int, Signature]]] = {}

    for (article_id, key), candidate in wanted.items():
        source = sources.get((article_id, key))
        if source is not None:
            event = source.event
            if not _protected(event):
                if source.sentence != candidate.text:
                    source.sentence = candidate.text
                    source_updates.append(source)
                if pool.first_source.get(event.pk, source.pk) == source.pk and _refresh(event, candidate, gazetteer):
                    updates[event.pk] = event
                new_roles += _roles_missing(pool.roles.setdefault(event.pk, set()), event.pk, candidate)
            _remember(event_of_sentence, article_id, candidate, event.pk)
            continue
        signature = _candidate_signature(candidate)
        match = pool.match(signature)
        if match is not None:
            event = pool.events[match]
            if article_id not in pool.articles.setdefault(match, set()):
                pool.articles[match].add(article_id)
                new_sources.append((match, article_id, candidate.text, key))
                report.sources_attached += 1
                if not _protected(event):
                    event.confidence = confidence_after(event.confidence)
                    if event.fatalities is None and candidate.fatalities is not None:
                        event.fatalities = candidate.fatalities
                    if event.pk not in updates:
                        corroborated[event.pk] = event
                    new_roles += _roles_missing(pool.roles.setdefault(match, set()), match, candidate)
            _remember(event_of_sentence, article_id, candidate, match)
            continue
        twin = best_match(signature, pending_index.get(_bucket(signature), []))
        if twin is not None:
            pending[twin][2].append((article_id, candidate))
            continue
        event = Event(status=EventStatus.CANDIDATE)
        _refresh(event, candidate, gazetteer)
        pending_index.setdefault(_bucket(signature), []).append((len(pending), signature))
        pending.append((event, candidate, [(article_id, candidate)]))

    if pending:
        for event, _, members in pending:
            event.confidence = confidence_after(event.confidence, len({a for a, _ in members}) - 1)
        _events_create([e for e, _, _ in pending], reason="Extracted")
        report.events_created += len(pending)
        for event, _, members in pending:
            have: set[tuple[int, str]] = set()
            attached: set[int] = set()
            for article_id, candidate in members:
                if article_id not in attached:
                    attached.add(article_id)
                    new_sources.append((event.pk, article_id, candidate.text, candidate.key))
                new_roles += _roles_missing(have, event.pk, candidate)
                _remember(event_of_sentence, article_id, candidate, event.pk)
            report.sources_attached += len(attached) - 1

    now = timezone.now()
    rows_insert(
        EventSource, ("event", "article", "sentence", "extraction_key", "created_at"),
        [(*row, now) for row in new_sources],
    )
    rows_insert(EventActor, ("event", "actor", "role"), new_roles)
    if source_updates:
        EventSource.objects.bulk_update(source_updates, ["sentence"])
    if updates:
        bulk_update_with_history(
            list(updates.values()), Event,
            ["title", "description", "event_type", "sub_event_type", "occurred_on", "date_precision", "place",
             "geo_precision", "fatalities", "confidence"],
            default_change_reason="Re-extracted",
        )
        report.events_updated += len(updates)
    # Two fields only, without a history row each: the new source itself is the record of what happened. Grouped
    # by value (confidence moves in steps of 0.05), so a few UPDATEs serve the whole chunk.
    groups: dict[tuple[float, int | None], list[int]] = {}
    for pk, event in corroborated.items():
        if pk not in updates:
            groups.setdefault((event.confidence, event.fatalities), []).append(pk)
    for (confidence, fatalities), pks in groups.items():
        Event.objects.filter(id__in=pks).update(confidence=confidence, fatalities=fatalities, updated_at=timezone.now())
        report.events_updated += len(pks)
    return event_of_sentence


def _events_create(events: list[Event], reason: str) -> None:
    """INSERT the new candidate events (their pk set) and their first history rows, from plain values.

    What bulk_create_with_history writes, without building a model instance per row twice: the history row
    records what extraction proposed, so an editor's later change shows against it in the admin.
    """
    now = timezone.now()
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key and f.name != "search_vector"]
    rows = []
    for event in events:
        event.created_at = event.updated_at = now
        rows.append(tuple(getattr(event, f.attname) for f in fields))
    ids = rows_insert(Event, [f.name for f in fields], rows, returning="id")
    if len(ids) != len(events):  # no unique constraint can refuse an event: RETURNING has one id per row
        raise RuntimeError(f"inserted {len(ids)} of {len(events)} events")
    for event, pk in zip(events, ids, strict=True):
        event.pk = pk
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        rows_insert(
            Event.history.model,
            ["id", *(f.name for f in fields), "history_date", "history_change_reason", "history_type", "history_user"],
            [(e.pk, *row, now, reason, "+", None) for e, row in zip(events, rows, strict=True)],
        )


def _refresh(event: Event, candidate: EventCandidate, gazetteer: Gazetteer) -> bool:
    """Copy a candidate's reading onto an event extraction owns; True when anything changed."""
    values = {
        "title": _title(candidate, gazetteer),
        "description": candidate.text,
        "event_type": candidate.event_type,
        "sub_event_type": candidate.sub_event_type,
        "occurred_on": candidate.occurred_on,
        "date_precision": candidate.date_precision,
        "place_id": candidate.place_id,
        "geo_precision": candidate.geo_precision,
        "fatalities": candidate.fatalities,
        "confidence": candidate.confidence,
    }
    changed = False
    for name, value in values.items():
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed = True
    return changed


def _roles_missing(have: set[tuple[int, str]], event_id: int, candidate: EventCandidate) -> list[tuple[int, int, str]]:
    """(event, actor, role) rows the event lacks for this candidate's actors (``have`` is updated)."""
    rows = []
    for actor_id, role in candidate.actors:
        if (actor_id, role) not in have:
            have.add((actor_id, role))
            rows.append((event_id, actor_id, str(role)))
    return rows


def _remember(event_of_sentence: dict, article_id: int, candidate: EventCandidate, event_id: int) -> None:
    for index in candidate.sentences:
        event_of_sentence[(article_id, index)] = event_id


def _stale_sources_drop(sources: dict[tuple[int, str], EventSource], wanted: dict) -> None:
    """The article no longer reports these happenings: drop its sources from events extraction owns, and the
    events left without any source. Published, rejected, merged and editor-owned events keep their sources."""
    stale = [s for pair, s in sources.items() if pair not in wanted and not _protected(s.event)]
    if not stale:
        return
    EventSource.objects.filter(id__in=[s.pk for s in stale]).delete()
    orphans = Event.objects.filter(
        id__in={s.event_id for s in stale}, status=EventStatus.CANDIDATE, editor_owned=False
    ).annotate(n=Count("event_sources")).filter(n=0)
    Event.objects.filter(id__in=list(orphans.values_list("id", flat=True))).delete()
