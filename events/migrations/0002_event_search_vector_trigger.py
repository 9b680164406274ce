"""Full-text search on PostgreSQL: a trigger keeps Event.search_vector current, a GIN index serves the timeline's
free-text filter (WHERE search_vector @@ websearch_to_tsquery(...)). On SQLite nothing is created and the
timeline falls back to a plain substring match."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION events_event_search_vector_update() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS events_event_search_vector_trg ON events_event;
CREATE TRIGGER events_event_search_vector_trg BEFORE INSERT OR UPDATE OF title, description, search_vector
  ON events_event FOR EACH ROW EXECUTE FUNCTION events_event_search_vector_update();
-- Timeline free-text filter: WHERE search_vector @@ query.
CREATE INDEX IF NOT EXISTS event_search_vector_gin ON events_event USING gin (search_vector);
UPDATE events_event SET title = title;
"""

BACKWARD = """
DROP INDEX IF EXISTS event_search_vector_gin;
DROP TRIGGER IF EXISTS events_event_search_vector_trg ON events_event;
DROP FUNCTION IF EXISTS events_event_search_vector_update();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
