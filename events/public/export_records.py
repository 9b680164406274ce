"""What an export says about an event, and the CSV (ACLED's columns, events/public/acled.py) and JSON it is written
as: shared by the streaming API (events/public/api.py) and the full-record files a worker writes
(events/exports.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from events.models import ActorRole, Event
from events.public import acled
from events.public.filters import EventFilters

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such text cells get a
# leading apostrophe, which spreadsheets show as plain text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _names(event: Event, role: str) -> list[str]:
    return [r.actor.name for r in event.actor_roles.all() if r.role == role]


def _source_names(event: Event) -> list[str]:
    return list(dict.fromkeys(s.article.feed.name for s in event.event_sources.all()))


def export_record(event: Event) -> dict[str, Any]:
    place = event.place
    return {
        "event_id": event.pk,
        "event_date": event.occurred_on.isoformat(),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": _names(event, ActorRole.ACTOR1),
        "assoc_actor_1": _names(event, ActorRole.ASSOCIATED),
        "actor2": _names(event, ActorRole.ACTOR2),
        "admin1": place.admin1 if place else "",
        "location": place.name if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geo_precision": event.geo_precision,
        "source": _source_names(event),
        "sources": [s.article.url for s in event.event_sources.all() if s.article.url],
        "title": event.title,
        "notes": event.description or event.title,
        "fatalities": event.fatalities,
    }


class _Echo:
    """A file-like object for csv.writer that hands each formatted line back instead of buffering it."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = "; ".join(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)  # each prefix is one character


def _csv_row(record: dict[str, Any], columns: tuple[str, ...]) -> list[Any]:
    """_csv_cell over a row, inlined: a full export writes some three million cells (ACLED rows are never lists)."""
    out = []
    for value in map(record.__getitem__, columns):
        if value is None:
            out.append("")
        elif type(value) is str:
            out.append("'" + value if value and value[0] in _FORMULA_FIRST else value)
        else:
            out.append(_csv_cell(value))
    return out


def csv_lines(chunks: Iterable[list[Event]], bom: bool = False) -> Iterator[str]:
    """Every ACLED column in ACLED's order plus `source_urls` (events/public/acled.py), a row per event."""
    writer = csv.writer(_Echo())
    columns = tuple(acled.COLUMNS)
    # Excel reads a CSV without a byte order mark in the machine's legacy code page; with one, as UTF-8.
    yield ("\ufeff" if bom else "") + writer.writerow(acled.COLUMNS)
    for chunk in chunks:
        for event in chunk:
            yield writer.writerow(_csv_row(acled.row(event), columns))


def applied_filters(filters: EventFilters) -> dict[str, Any]:
    applied: dict[str, Any] = {}
    for name, value in filters.params():
        if name in ("type", "sub_type"):
            applied.setdefault(name, []).append(value)
        else:
            applied[name] = value
    return applied


def json_lines(chunks: Iterable[list[Event]], filters: EventFilters) -> Iterator[str]:
    yield '{"filters": ' + json.dumps(applied_filters(filters)) + ', "events": ['
    first = True
    for chunk in chunks:
        for event in chunk:
            yield ("" if first else ",") + "\n" + json.dumps(export_record(event))
            first = False
    yield "\n]}\n"
