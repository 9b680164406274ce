"""Extraction service: turns stored articles into actors, places, statements and candidate events.

The reading is pure (events/extract/); this module loads the gazetteer, runs the reading outside any transaction,
then writes each chunk of articles in one short transaction with a constant number of queries (no query per
article):
- Article.actors / Article.places / is_relevant / extracted_at (an irrelevant article keeps no mentions);
- proposed actors for unknown names (Actor.status=proposed with one Alias, so a name is proposed once; names editors
  discarded are remembered as RejectedName and not proposed again);
- Statements, idempotent by (article, text_key): re-extraction updates them and drops the ones no longer found;
- candidate Events through EventSource(article, extraction_key): re-extraction updates the article's own
  candidates; a new happening joins an existing candidate or published event when cluster.best_match says it is
  the same one (a published event only gains the source), else it becomes a new candidate.
Extraction never changes an event that is published, rejected, merged or editor_owned.

The matcher is built once per process and rebuilt when the gazetteer changes: a fingerprint of the actor, alias
and place tables (counts, newest rows, Actor.updated_at) catches bulk loads, merges and approvals; a token in the
shared cache, bumped by post_save/post_delete signals on Actor, Alias and Place, catches edits in place.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from actors.models import Actor, ActorStatus, Alias, RejectedName, Statement, statement_key
from actors.names import normalize_name
from events.extract.cluster import Signature, best_match, tokens_of
from events.extract.events import EventCandidate
from events.extract.gazetteer import ActorRecord, Gazetteer, PlaceRecord, gazetteer_build
from events.extract.matcher import Matcher
from events.extract.pipeline import Extraction, extract
from events.extract.proposals import Proposal
from events.extract.rules import rules_load
from events.freshness import record_changed
from events.models import Article, Event, EventActor, EventSource, EventStatus, Place
from events.services.bulk import rows_insert

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200
GAZETTEER_VERSION_KEY = "extraction:gazetteer-version"
# Advisory lock class for clustering (distinct from ingestion's 0x1D1B); the lock key is a place bucket.
CLUSTER_LOCK_CLASS = 0x1D1E
CLUSTER_LOCK_BUCKETS = 256
# Events this many days either side of a candidate's date are compared with it (cluster.py decides).
CLUSTER_WINDOW_DAYS = 3
OPEN_STATUSES = (EventStatus.CANDIDATE, EventStatus.PUBLISHED)


@dataclass
class ExtractReport:
    articles: int = 0
    relevant: int = 0
    statements: int = 0
    events_created: int = 0
    events_updated: int = 0
    sources_attached: int = 0
    proposals: int = 0
    errors: list[str] = field(default_factory=list)


# --- The matcher, cached per process ------------------------------------------------------------------------------
_matcher_lock = threading.Lock()
_matcher_cache: tuple[tuple, Matcher] | None = None


def gazetteer_changed(**_kwargs) -> None:
    """Signal receiver: an actor, alias or place was saved or deleted; every process rebuilds its matcher."""
    global _matcher_cache
    _matcher_cache = None
    try:
        cache.set(GAZETTEER_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache being down must not block an editor's save; the fingerprint still works
        logger.warning("could not bump the gazetteer token in the cache", exc_info=True)


def _gazetteer_version() -> tuple:
    actors = Actor.objects.aggregate(n=Count("id"), newest=Max("updated_at"))
    aliases = Alias.objects.aggregate(n=Count("id"), last=Max("id"))
    places = Place.objects.aggregate(n=Count("id"), last=Max("id"))
    try:
        token = cache.get(GAZETTEER_VERSION_KEY)
    except Exception:
        logger.warning("could not read the gazetteer token from the cache", exc_info=True)
        token = None
    return (actors["n"], actors["newest"], aliases["n"], aliases["last"], places["n"], places["last"], token)


def gazetteer_from_db() -> Gazetteer:
    actors = [
        ActorRecord(id=pk, slug=slug, name=name, kind=kind, parent_id=parent, country=country,
                    proposed=status == ActorStatus.PROPOSED)
        for pk, slug, name, kind, parent, country, status in Actor.objects.order_by("id").values_list(
            "id", "slug", "name", "kind", "parent_id", "country", "status"
        )
    ]
    aliases = list(Alias.objects.order_by("id").values_list("name", "actor_id"))
    places, place_aliases = [], []
    for pk, slug, name, kind, country, admin1, names in Place.objects.order_by("id").values_list(
        "id", "slug", "name", "kind", "country", "admin1", "aliases"
    ):
        places.append(PlaceRecord(id=pk, slug=slug, name=name, kind=kind, country=country, admin1=admin1))
        place_aliases += [(alias, pk) for alias in names or [] if isinstance(alias, str)]
    return gazetteer_build(actors, aliases, places, place_aliases)


def matcher_current() -> Matcher:
    """The matcher for the gazetteer as it is now (rebuilt only when it changed)."""
    global _matcher_cache
    version = _gazetteer_version()
    cached = _matcher_cache
    if cached and cached[0] == version:
        return cached[1]
    with _matcher_lock:
        if _matcher_cache and _matcher_cache[0] == version:
            return _matcher_cache[1]
        matcher = Matcher(gazetteer_from_db(), rules_load())
        _matcher_cache = (version, matcher)
        return matcher


# --- Entry points ---------------------------------------------------------------------------------------------------
def article_date(article: Article) -> date:
    """The date relative expressions ("on Wednesday") resolve against: the feed's published date, else fetched."""
    moment = article.published_at or article.fetched_at or timezone.now()
    return timezone.localdate(moment)


def articles_extract(article_ids: Sequence[int]) -> ExtractReport:
    """Extract these articles (idempotent): one matcher, the reading outside transactions, short bulk writes."""
    report = ExtractReport()
    ids = list(dict.fromkeys(int(i) for i in article_ids))
    if not ids:
        return report
    matcher = matcher_current()
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start:start + CHUNK_SIZE]
        articles = list(
            Article.objects.filter(id__in=chunk)
            .only("id", "title", "text", "url", "published_at", "fetched_at", "updated_at", "extracted_at")
            .order_by("id")
        )
        results: list[tuple[Article, Extraction]] = []
        for article in articles:
            try:
                results.append((article, extract(article.title, article.text, article_date(article), matcher)))
            except Exception as exc:  # one unreadable article must not cost the others their extraction
                logger.exception("extraction failed for article %s", article.pk)
                report.errors.append(f"article {article.pk}: {type(exc).__name__}: {exc}")
        if results:
            _write(results, matcher.gazetteer, report)
    return report


def article_extract(article: Article) -> ExtractReport:
    return articles_extract([article.pk])


# --- Writes ---------------------------------------------------------------------------------------------------------
def _write(results: list[tuple[Article, Extraction]], gazetteer: Gazetteer, report: ExtractReport) -> None:
    now = timezone.now()
    sources_before = report.sources_attached
    with transaction.atomic():
        _proposals_write(results, report)
        _mentions_write(results, Article.actors.through, "actor_id", lambda x: x.actor_ids)
        _mentions_write(results, Article.places.through, "place_id", lambda x: x.place_ids)
        for relevant in (True, False):
            ids = [a.pk for a, x in results if x.relevant is relevant]
            if ids:
                Article.objects.filter(id__in=ids).update(is_relevant=relevant, extracted_at=now)
        # Clustering takes place locks that other workers wait for until this transaction ends: everything
        # that does not depend on the events (most statements, the mentions, their foreign-key checks) is
        # written before, and only what does after.
        tied = _sentences_tied_to_events(results)
        statements = _statements_plan(results)
        _statements_write(statements, {}, report, lambda pair: pair not in tied)
        _constraints_check_now()
        event_of_sentence = _events_write(results, gazetteer, report)
        _statements_write(statements, _event_of_statement(results, event_of_sentence), report,
                          lambda pair: pair in tied)
        if report.sources_attached != sources_before:
            record_changed()  # a report joining an event may join a published one: its sources are public
    report.articles += len(results)
    report.relevant += sum(1 for _, x in results if x.relevant)


def _sentences_tied_to_events(results: list[tuple[Article, Extraction]]) -> set[tuple[int, int]]:
    """(article id, sentence index) of the statements that may be about an event (events/extract/links.py):
    written once the events are, with the event when their candidates turned out to be one."""
    return {
        (article.pk, statement.sentence)
        for article, extraction in results if extraction.relevant
        for statement, candidates in zip(extraction.statements, extraction.statement_events, strict=True)
        if candidates
    }


def _event_of_statement(
    results: list[tuple[Article, Extraction]], event_of_sentence: dict[tuple[int, int], int]
) -> dict[tuple[int, int], int]:
    """(article id, sentence index) -> the event a statement there is about: its candidates (links.py) became one
    event. Candidates that became two events tie it to neither: no link is better than a wrong one."""
    found = {}
    for article, extraction in results:
        if not extraction.relevant or not extraction.events:
            continue
        ids = [event_of_sentence.get((article.pk, c.sentences[0])) for c in extraction.events]
        for statement, candidates in zip(extraction.statements, extraction.statement_events, strict=True):
            events = {ids[n] for n in candidates} - {None}
            if len(events) == 1:
                found[(article.pk, statement.sentence)] = events.pop()
    return found


def _may_hold_rows(results: list[tuple[Article, Extraction]]) -> list[int]:
    """Ids of the articles that may already have mentions, statements or sources to reconcile.

    Not the ones ingestion has just inserted: never extracted, never updated (articles._insert stamps fetched_at
    and updated_at alike; an update moves updated_at, a finished extraction sets extracted_at in the same
    transaction as its rows). Most chunks are only those, and their lookups would find nothing.
    """
    return [a.pk for a, _ in results if not (a.extracted_at is None and a.updated_at == a.fetched_at)]


def _mentions_write(results, through, column: str, wanted_of) -> None:
    """Make the article's M2M rows match what extraction found: delete the gone, add the new."""
    ids = _may_hold_rows(results)
    wanted = {(a.pk, target) for a, x in results if x.relevant for target in wanted_of(x)}
    existing = {(article_id, target): row_id for row_id, article_id, target in
                through.objects.filter(article_id__in=ids).values_list("id", "article_id", column)} if ids else {}
    stale = [row_id for pair, row_id in existing.items() if pair not in wanted]
    if stale:
        through.objects.filter(id__in=stale).delete()
    # Sorted: writers that share rows insert them in one order.
    rows_insert(through, ("article", column.removesuffix("_id")), sorted(wanted - existing.keys()))


def _unique_slug(name: str, taken: set[str]) -> str:
    base = (slugify(name) or "actor")[:180]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _proposals_write(results: list[tuple[Article, Extraction]], report: ExtractReport) -> None:
    """One proposed actor (with its name as an alias) per unknown name; names already known are skipped."""
    wanted: dict[str, tuple[Proposal, Article, Extraction]] = {}
    for article, extraction in results:
        if not extraction.relevant:
            continue
        for proposal in extraction.proposals:
            key = normalize_name(proposal.name)
            if key:
                wanted.setdefault(key, (proposal, article, extraction))
    if not wanted:
        return
    # Names already in the gazetteer, and names editors discarded as proposals (RejectedName): both skipped.
    known = set(
        Alias.objects.filter(normalized__in=list(wanted)).values_list("normalized", flat=True).union(
            RejectedName.objects.filter(normalized__in=list(wanted)).values_list("normalized", flat=True)
        )
    )
    fresh = {key: item for key, item in wanted.items() if key not in known}
    if not fresh:
        return
    taken = set(
        Actor.objects.filter(slug__in=[slugify(p.name)[:180] for p, _, _ in fresh.values()]).values_list(
            "slug", flat=True
        )
    )
    for proposal, article, extraction in fresh.values():
        sentence = extraction.sentences[proposal.sentence].text
        actor = Actor(
            name=proposal.name[:200], slug=_unique_slug(proposal.name, taken), kind=proposal.kind,
            status=ActorStatus.PROPOSED,
            description=f"Proposed by extraction. First seen in: \u201c{sentence[:900]}\u201d",
            source=(article.url or f"article #{article.pk}")[:300],
        )
        try:
            # A savepoint each: another worker proposing the same name at the same moment is not an error.
            with transaction.atomic():
                actor._change_reason = "Proposed by extraction"
                actor.save()
                Alias.objects.create(actor=actor, name=proposal.name[:200])
            report.proposals += 1
        except IntegrityError:
            logger.info("proposal %r already made by another worker", proposal.name)


_STATEMENT_FIELDS = ("speaker", "speaker_text", "is_direct", "said_on", "sentence", "event")


@dataclass
class _StatementPlan:
    # ((article id, sentence index), article id, candidate text, text key, values but the event, stored row)
    items: list[tuple[tuple[int, int], int, str, str, tuple, tuple | None]]


def _statements_plan(results: list[tuple[Article, Extraction]]) -> _StatementPlan:
    """The chunk's statements, one per (article, text key), with the stored row of each; stored statements no
    longer found are deleted here."""
    ids = _may_hold_rows(results)
    # (article id, text key) -> (id, *fields)
    existing = {
        (row[1], row[2]): (row[0], *row[3:])
        for row in Statement.objects.filter(article_id__in=ids).values_list(
            "id", "article_id", "text_key", *_STATEMENT_FIELDS
        )
    } if ids else {}
    wanted: set[tuple[int, str]] = set()
    items = []
    for article, extraction in results:
        if not extraction.relevant:
            continue
        for candidate in extraction.statements:
            key = statement_key(candidate.text)
            if (article.pk, key) in wanted:
                continue
            wanted.add((article.pk, key))
            values = (
                candidate.speaker_id, candidate.speaker_text[:300], candidate.is_direct, candidate.said_on,
                extraction.sentences[candidate.sentence].text,
            )
            items.append(((article.pk, candidate.sentence), article.pk, candidate.text, key, values,
                          existing.get((article.pk, key))))
    stale = [row[0] for pair, row in existing.items() if pair not in wanted]
    if stale:
        Statement.objects.filter(id__in=stale).delete()
    return _StatementPlan(items)


def _statements_write(
    plan: _StatementPlan, event_of_sentence: dict[tuple[int, int], int], report: ExtractReport, which
) -> None:
    """Insert or update the planned statements whose (article, sentence) ``which`` selects."""
    new: list[tuple] = []
    changed: list[Statement] = []
    now = timezone.now()
    for pair, article_id, text, key, values, current in plan.items:
        if not which(pair):
            continue
        values = (*values, event_of_sentence.get(pair))
        if current is None:
            new.append((article_id, text, key, now, *values))
        elif current[1:] != values:
            changed.append(Statement(pk=current[0], **{f"{f}_id" if f in ("speaker", "event") else f: v
                                                        for f, v in zip(_STATEMENT_FIELDS, values, strict=True)}))
    # text_key is computed above (Statement.save() is not called); the constraint makes a racing insert a no-op.
    rows_insert(Statement, ("article", "text", "text_key", "created_at", *_STATEMENT_FIELDS), new)
    if new or changed:
        # Statements tied to no event are public at once (dashboard, actor pages), and multi-row INSERTs send no
        # signals: the record's version moves here (events/freshness.py). Candidates alone never move it.
        record_changed()
    if changed:
        Statement.objects.bulk_update(changed, list(_STATEMENT_FIELDS))
    report.statements += len(new)


def _constraints_check_now() -> None:
    """PostgreSQL: run the deferred foreign-key checks of the rows written so far now, not at commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


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


def _events_write(
    results: list[tuple[Article, Extraction]], gazetteer: Gazetteer, report: ExtractReport
) -> dict[tuple[int, int], int]:
    """Write the chunk's event candidates; returns (article id, sentence index) -> event id for statements."""
    ids = _may_hold_rows(results)
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
                    event.confidence = round(min(0.95, event.confidence + 0.05), 2)
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
            event.confidence = round(min(0.95, event.confidence + 0.05 * (len({a for a, _ in members}) - 1)), 2)
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
