"""The timeline's free-text filter (`q`), one syntax on both databases.

A person types what a web search box takes: words (all must appear, as whole words, stemmed), "quoted phrases",
-exclusions and `or` between alternatives; letters with diacritics match their plain form (Erdogan finds Erdoğan).

- PostgreSQL: websearch_to_tsquery over Event.search_vector, which a trigger fills with the `idlib_search` text
  search configuration (english stemming after unaccent; events/migrations/0004). websearch_to_tsquery never
  raises on odd input.
- SQLite (the embedded default): the FTS5 table `events_event_fts` (porter stemming over unicode61 with
  remove_diacritics 2), kept in step with events_event by triggers (events/migrations/0004). The query is parsed
  here into the same shape websearch_to_tsquery builds (groups joined by `or`, each a conjunction of terms and
  negated terms), and every term is passed to FTS5 as a quoted string, so no input is an FTS5 syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.expressions import RawSQL

PG_CONFIG = "idlib_search"
FTS_TABLE = "events_event_fts"
_FTS_IDS = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 (constant table name)
# A term FTS5's unicode61 tokenizer would turn into at least one token (letters or digits in any script).
_WORDY = re.compile(r"\w")
# Quoted phrase (closing quote optional, as websearch_to_tsquery allows), or a run of anything else but space.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


# PostgreSQL's english configuration ignores these words (its snowball stop list); FTS5 has no stop words, so a
# bare word from this list is dropped here too, and "the strikes" means the same on both databases.
_STOP_WORDS = """
a about above after again against all am an and any are as at be because been before being below between both but
by can did do does doing don down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own s same she should so some such t than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where which while who
whom why will with you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass
class Group:
    """Terms that must all appear (`include`) and must not appear (`exclude`); a term is a word or a phrase."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


def parse(text: str) -> list[Group]:
    """Split a websearch-style query into `or`-separated groups; terms without a letter or digit are dropped
    (websearch_to_tsquery ignores punctuation the same way)."""
    groups = [Group()]
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                if groups[-1].include or groups[-1].exclude:
                    groups.append(Group())
                continue
            negated = word.startswith("-")
            term = word.lstrip("-")
            # A stray quote inside a word is not a phrase: it is punctuation, like websearch_to_tsquery treats it.
            term = term.replace('"', " ").strip()
            if term.lower() in STOP_WORDS:
                continue
        else:
            negated, term = bool(negated_phrase), phrase.strip()
        if not _WORDY.search(term):
            continue
        (groups[-1].exclude if negated else groups[-1].include).append(term)
    return [g for g in groups if g.include or g.exclude]


def _fts_string(term: str) -> str:
    """An FTS5 string (a phrase of the tokens in it): operators and punctuation inside are only text."""
    return '"' + term.replace('"', '""') + '"'


def _fts_ids(terms: list[str], joiner: str) -> Q:
    expression = f" {joiner} ".join(_fts_string(t) for t in terms)
    # The user's text is a bound parameter; the SQL around it is a constant.
    return Q(id__in=RawSQL(_FTS_IDS, (expression,)))  # noqa: S611


def sqlite_q(text: str) -> Q:
    """The filter as id-IN-FTS5 subqueries: a group is (every included term) and not (any excluded term)."""
    result: Q | None = None
    for group in parse(text):
        q = _fts_ids(group.include, "AND") if group.include else Q()
        if group.exclude:
            q &= ~_fts_ids(group.exclude, "OR")
        result = q if result is None else result | q
    # Nothing searchable (only punctuation): no event matches, as on PostgreSQL.
    return result if result is not None else Q(pk__in=[])


def text_q(text: str) -> Q:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return Q(search_vector=SearchQuery(text, search_type="websearch", config=PG_CONFIG))
    return sqlite_q(text)


# The SQLite triggers, as events/migrations/0004 creates them. SQLite has no ALTER TABLE for most changes, so a
# later migration that alters an Event field rebuilds events_event (copy, drop, rename) and its triggers go with
# the old table: ensure_sqlite_fts puts them back after every `migrate` (events.apps, post_migrate).
SQLITE_TRIGGERS = {
    "events_event_fts_insert": """CREATE TRIGGER events_event_fts_insert AFTER INSERT ON events_event BEGIN
        INSERT INTO events_event_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
    END""",
    "events_event_fts_update": """CREATE TRIGGER events_event_fts_update AFTER UPDATE OF title, description
        ON events_event BEGIN
        DELETE FROM events_event_fts WHERE rowid = old.id;
        INSERT INTO events_event_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
    END""",
    "events_event_fts_delete": """CREATE TRIGGER events_event_fts_delete AFTER DELETE ON events_event BEGIN
        DELETE FROM events_event_fts WHERE rowid = old.id;
    END""",
}


def ensure_sqlite_fts(db: BaseDatabaseWrapper) -> list[str]:
    """Recreate any missing FTS trigger and, if one was missing (writes may have gone unindexed), rebuild the index
    from events_event. Returns the names of the triggers recreated. No-op on other databases or before 0004."""
    if db.vendor != "sqlite":
        return []
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present or "events_event" not in present:
            return []
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if missing:
            cursor.execute("DELETE FROM events_event_fts")
            cursor.execute(
                "INSERT INTO events_event_fts (rowid, title, description) "
                "SELECT id, title, description FROM events_event"
            )
    return missing
