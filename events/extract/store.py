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

The matcher is built once per process and rebuilt when the gazetteer changes (matcher_cache.py); candidate
events are written by store_events.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from actors.models import Actor, ActorStatus, Alias, RejectedName, Statement, statement_key
from actors.names import normalize_name
from events.extract.gazetteer import Gazetteer
from events.extract.language import language_code, profile_for
from events.extract.matcher import Matcher
from events.extract.matcher_cache import matcher_current
from events.extract.pipeline import Extraction, extract
from events.extract.proposals import Proposal
from events.extract.store_events import events_write, may_hold_rows
from events.freshness import record_changed
from events.models import Article
from idlib_tracker.bulk import rows_insert

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200


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
    # Articles left unread because their feed's language has no profile (events/extract/language.py), by language.
    unread: dict[str, int] = field(default_factory=dict)


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
    matchers: dict[str, Matcher] = {}
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start:start + CHUNK_SIZE]
        articles = list(
            Article.objects.filter(id__in=chunk)
            .select_related("feed")
            .only("id", "title", "text", "url", "published_at", "fetched_at", "updated_at", "extracted_at",
                  "feed__language")
            .order_by("id")
        )
        results: list[tuple[Article, Extraction]] = []
        for article in articles:
            language = language_code(article.feed.language)
            profile = profile_for(language)
            if profile is None:
                report.unread[language] = report.unread.get(language, 0) + 1
                continue
            if profile.code not in matchers:
                matchers[profile.code] = matcher_current(profile)
            matcher = matchers[profile.code]
            try:
                results.append((article, extract(article.title, article.text, article_date(article), matcher)))
            except Exception as exc:  # one unreadable article must not cost the others their extraction
                logger.exception("extraction failed for article %s", article.pk)
                report.errors.append(f"article {article.pk}: {type(exc).__name__}: {exc}")
        if results:
            # Every profile's matcher is built from the same gazetteer rows (matcher_current keys on them).
            _write(results, next(iter(matchers.values())).gazetteer, report)
    for language, count in report.unread.items():
        logger.info("%d articles in language %r left unread: extraction has no profile for it", count, language)
    return report


def article_extract(article: Article) -> ExtractReport:
    return articles_extract([article.pk])


def record_extract_enqueue(enqueue: Callable[[list[int]], object], *, chunk_size: int = CHUNK_SIZE) -> int:
    """Hand every stored article to extraction again, ``chunk_size`` ids at a time (after a change of rules or
    gazetteer: extraction is idempotent, and never touches what editors decided). Returns how many articles.

    Keyset over ids, one query a chunk, so the whole record never sits in memory."""
    total, last = 0, 0
    while True:
        ids = list(Article.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:chunk_size])
        if not ids:
            return total
        enqueue(ids)
        total, last = total + len(ids), ids[-1]


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
        event_of_sentence = events_write(results, gazetteer, report)
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


def _mentions_write(results, through, column: str, wanted_of) -> None:
    """Make the article's M2M rows match what extraction found: delete the gone, add the new."""
    ids = may_hold_rows(results)
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
        # order_by(): the models' default ordering would put an ORDER BY inside the UNION, which SQLite refuses.
        Alias.objects.filter(normalized__in=list(wanted)).order_by().values_list("normalized", flat=True).union(
            RejectedName.objects.filter(normalized__in=list(wanted)).order_by().values_list("normalized", flat=True)
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
    proposed = []
    for key, (proposal, article, extraction) in fresh.items():
        sentence = extraction.sentences[proposal.sentence].text
        actor = Actor(
            name=proposal.name[:200], slug=_unique_slug(proposal.name, taken), kind=proposal.kind,
            status=ActorStatus.PROPOSED,
            description=f"Proposed by extraction. First seen in: \u201c{sentence[:900]}\u201d",
            source=(article.url or f"article #{article.pk}")[:300],
        )
        proposed.append((key, actor))
    try:
        # The whole chunk's proposals at once: one savepoint, one INSERT of actors, one of their history, one of
        # aliases (and, after commit, one gazetteer bump), however many names.
        with transaction.atomic():
            _proposals_insert(proposed)
        report.proposals += len(proposed)
    except IntegrityError:
        # Another worker proposed one of these names (or took a slug) at the same moment: one by one, then, so
        # only the names it already holds are skipped.
        for key, actor in proposed:
            actor.pk, actor._state.adding = None, True  # (the rolled-back INSERT may have numbered it)
            try:
                with transaction.atomic():
                    _proposals_insert([(key, actor)])
                report.proposals += 1
            except IntegrityError:
                logger.info("proposal %r already made by another worker", actor.name)


def _proposals_insert(proposed: list[tuple[str, Actor]]) -> None:
    actors = [actor for _, actor in proposed]
    bulk_create_with_history(actors, Actor, default_change_reason="Proposed by extraction")
    # bulk_create skips Alias.save(), which would normalise the name: the key is the normalised name already.
    Alias.objects.bulk_create([Alias(actor=actor, name=actor.name, normalized=key) for key, actor in proposed])


_STATEMENT_FIELDS = ("speaker", "speaker_text", "is_direct", "said_on", "sentence", "event")


@dataclass
class _StatementPlan:
    # ((article id, sentence index), article id, candidate text, text key, values but the event, stored row)
    items: list[tuple[tuple[int, int], int, str, str, tuple, tuple | None]]


def _statements_plan(results: list[tuple[Article, Extraction]]) -> _StatementPlan:
    """The chunk's statements, one per (article, text key), with the stored row of each; stored statements no
    longer found are deleted here."""
    ids = may_hold_rows(results)
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


