"""One search syntax on both databases (events/public/search.py).

PostgreSQL: the trigger of 0002 now builds Event.search_vector with the `idlib_search` configuration (english
stemming after unaccent), so "Erdogan" finds "Erdoğan"; every stored vector is rebuilt.

SQLite: an FTS5 table with its own copy of each event's title and description (porter stemming, diacritics
removed), kept in step by triggers on events_event, so every writer (the admin, the extraction's multi-row
INSERTs, raw SQL) updates it. Each half runs only on its own database."""

from django.db import migrations

PG_FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'idlib_search') THEN
    CREATE TEXT SEARCH CONFIGURATION idlib_search (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION idlib_search
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
END
$$;
CREATE OR REPLACE FUNCTION events_event_search_vector_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('idlib_search', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('idlib_search', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
UPDATE events_event SET title = title;
"""

PG_BACKWARD = """
CREATE OR REPLACE FUNCTION events_event_search_vector_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
UPDATE events_event SET title = title;
DROP TEXT SEARCH CONFIGURATION IF EXISTS idlib_search;
"""

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS events_event_fts USING fts5(
         title, description, tokenize = 'porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS events_event_fts_insert AFTER INSERT ON events_event BEGIN
         INSERT INTO events_event_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
       END""",
    """CREATE TRIGGER IF NOT EXISTS events_event_fts_update AFTER UPDATE OF title, description ON events_event
       BEGIN
         DELETE FROM events_event_fts WHERE rowid = old.id;
         INSERT INTO events_event_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
       END""",
    """CREATE TRIGGER IF NOT EXISTS events_event_fts_delete AFTER DELETE ON events_event BEGIN
         DELETE FROM events_event_fts WHERE rowid = old.id;
       END""",
    "DELETE FROM events_event_fts",
    "INSERT INTO events_event_fts (rowid, title, description) SELECT id, title, description FROM events_event",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS events_event_fts_insert",
    "DROP TRIGGER IF EXISTS events_event_fts_update",
    "DROP TRIGGER IF EXISTS events_event_fts_delete",
    "DROP TABLE IF EXISTS events_event_fts",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_drop_covered_fk_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
