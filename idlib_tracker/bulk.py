"""Multi-row INSERTs from plain tuples, for the write paths that add thousands of rows a minute.

bulk_create() builds a model instance per row and runs each value through the field's preparation: for the
narrow rows extraction writes (mentions, statements, roles, sources) that costs more than the database's own work.
Here the rows are tuples in the order of ``fields`` (model field names), values already of the column's Python
type; only dates and datetimes are adapted, by the backend's own functions. ``ON CONFLICT DO NOTHING``: the
unique constraints decide, as with bulk_create(ignore_conflicts=True), so a racing writer's row is not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

# Rows per statement: large enough to amortise the round trip, small enough for SQLite's parameter limit.
MAX_PARAMS = 30_000


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def rows_insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple], *, returning: str = ""
) -> list:
    """Insert the rows, skipping any that a unique constraint refuses; returns ``returning``'s value of each row
    this call added (in no particular order), or [] without ``returning``."""
    if not rows:
        return []
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in concrete)
    adapters = [(i, a) for i, f in enumerate(concrete) if (a := _adapter(f)) is not None]
    if adapters and connection.vendor != "postgresql":  # psycopg2 adapts dates itself
        adapted = []
        for row in rows:
            values = list(row)
            for i, adapt in adapters:
                values[i] = adapt(values[i])
            adapted.append(values)
        rows = adapted
    limit = connection.features.max_query_params or MAX_PARAMS
    per_statement = max(1, min(limit, MAX_PARAMS) // len(fields))
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(meta.get_field(returning).column)}" if returning else ""
    found: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start:start + per_statement]
            # Only quoted identifiers from the model's metadata are formatted in; every value is a parameter.
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
                f"{', '.join([placeholder] * len(batch))} ON CONFLICT DO NOTHING{tail}"
            )
            cursor.execute(sql, [value for row in batch for value in row])
            if returning:
                found += [row[0] for row in cursor.fetchall()]
    return found
