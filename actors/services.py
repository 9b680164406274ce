"""Writes to actors and their aliases from the shipped gazetteer (editors' decisions: events.curation.actors)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import (
    Actor,
    ActorKind,
    ActorStatus,
    Alias,
    FormerSlug,
    hex_colour,
    period_label,
    periods_overlap,
)
from actors.names import normalize_name
from idlib_tracker.loading import LoadReport, ReferenceDataError, too_long

_SLUG = re.compile(r"^[-a-z0-9]+$")
# Fields the gazetteer owns; compared with the row so an unchanged actor is not written (and gets no history row).
_ACTOR_FIELDS = ("name", "kind", "country", "color", "description", "designations", "source", "valid_from", "valid_to")
_DATE_FIELDS = ("valid_from", "valid_to")


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _period_errors(where: str, item: Mapping[str, Any]) -> list[str]:
    errors = []
    for name in _DATE_FIELDS:
        value = item.get(name)
        if value in (None, ""):
            continue
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(f"{where}: {name} {value!r} is not a date like 2024-12-08.")
    if not errors and _day(item.get("valid_from")) and _day(item.get("valid_to")) and (
        _day(item["valid_from"]) > _day(item["valid_to"])
    ):
        errors.append(f"{where}: valid_to comes before valid_from.")
    return errors


def _actor_errors(index: int, item: Any) -> list[str]:
    where = f"actor {index + 1}"
    if not isinstance(item, Mapping):
        return [f"{where}: must be an object, got {type(item).__name__}."]
    slug = item.get("slug")
    where = f"actor {index + 1} ({slug!r})"
    errors = []
    if not isinstance(slug, str) or not _SLUG.match(slug):
        errors.append(f"{where}: slug must be lower-case letters, digits and hyphens.")
    if not isinstance(item.get("name"), str) or not normalize_name(item.get("name") or ""):
        errors.append(f"{where}: name is missing.")
    if item.get("kind") not in ActorKind.values:
        errors.append(f"{where}: kind {item.get('kind')!r} is not one of {', '.join(ActorKind.values)}.")
    color = item.get("color") or ""
    if color:
        try:
            hex_colour(color)
        except ValidationError:
            errors.append(f"{where}: color {color!r} is not like #1f77b4.")
    designations = item.get("designations", [])
    if not isinstance(designations, list) or not all(
        isinstance(d, Mapping) and d.get("by") and d.get("as") for d in designations
    ):
        errors.append(f"{where}: designations must be a list of {{by, as, since}} objects.")
    errors += [f"{where}: {problem}." for problem in too_long(Actor, item, ("name", "country", "source"))]
    errors += _period_errors(where, item)
    former = item.get("former_slugs", [])
    if not isinstance(former, list) or not all(isinstance(f, str) and _SLUG.match(f) for f in former):
        errors.append(f"{where}: former_slugs must be a list of slugs.")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(
        isinstance(a, Mapping) and isinstance(a.get("name"), str) and normalize_name(a["name"]) for a in aliases
    ):
        errors.append(f"{where}: aliases must be a list of {{name, language}} objects with a non-empty name.")
    else:
        errors += [f"{where}: alias {a['name'][:40]!r}: {problem}." for a in aliases
                   for problem in too_long(Alias, a, ("name", "language"))]
        errors += [problem for a in aliases for problem in _period_errors(f"{where}: alias {a['name'][:40]!r}", a)]
    return errors


# (normalized, valid_from) -> (name, language, valid_to)
WantedAliases = dict[tuple[str, date | None], tuple[str, str, date | None]]


def actor_names_wanted(item: Mapping[str, Any]) -> WantedAliases:
    """The actor's own name and its aliases, each with its period (first spelling wins). The own name holds at any
    date unless an alias of the same name gives it a period ("Syrian government" until 8 Dec 2024). These are the
    Alias rows a gazetteer entry becomes; the evaluation builds its gazetteer from the same."""
    wanted: WantedAliases = {}
    for alias in item.get("aliases", []):
        key = (normalize_name(alias["name"]), _day(alias.get("valid_from")))
        wanted.setdefault(key, (alias["name"], alias.get("language") or "en", _day(alias.get("valid_to"))))
    own = normalize_name(item["name"])
    if not any(key == own for key, _ in wanted):
        wanted[(own, None)] = (item["name"], "en", None)
    return wanted


def _validate(items: list[Any]) -> None:
    errors: list[str] = []
    for index, item in enumerate(items):
        errors += _actor_errors(index, item)
    if errors:
        raise ReferenceDataError(errors)

    slugs = [item["slug"] for item in items]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        errors.append(f"slugs listed more than once: {', '.join(duplicates)}.")
    known = set(slugs) | set(Actor.objects.filter(slug__in={i.get("parent") for i in items} - {None}).values_list(
        "slug", flat=True))
    for item in items:
        if item.get("parent") and item["parent"] not in known:
            errors.append(
                f"actor {item['slug']!r}: parent {item['parent']!r} is neither in the file nor in the database."
            )
        if item.get("parent") == item["slug"]:
            errors.append(f"actor {item['slug']!r}: cannot be its own parent.")
        if item.get("successor") and item["successor"] not in known | set(
            Actor.objects.filter(slug=item["successor"]).values_list("slug", flat=True)
        ):
            errors.append(
                f"actor {item['slug']!r}: successor {item['successor']!r} is neither in the file nor in the database."
            )
        if item.get("successor") == item["slug"]:
            errors.append(f"actor {item['slug']!r}: cannot be its own successor.")
        for former in item.get("former_slugs", []):
            if former in slugs:
                errors.append(f"actor {item['slug']!r}: former slug {former!r} is a live actor's slug in the file.")
    owners: dict[str, list[tuple[str, date | None, date | None]]] = {}
    for item in items:
        for (key, valid_from), (name, _language, valid_to) in actor_names_wanted(item).items():
            for slug, other_from, other_to in owners.get(key, []):
                if periods_overlap(valid_from, valid_to, other_from, other_to):
                    errors.append(
                        f"alias {name!r} (normalised {key!r}) is given to both {slug!r} and {item['slug']!r} "
                        f"{period_label(valid_from, valid_to)}."
                    )
            owners.setdefault(key, []).append((item["slug"], valid_from, valid_to))
    if errors:
        raise ReferenceDataError(errors)


def actor_gazetteer_load(data: Mapping[str, Any]) -> LoadReport:
    """Upsert the actors of a gazetteer ({"actors": [...]}) by slug, then their parents, then their aliases.

    Idempotent: a second run with the same data writes nothing. Actors and aliases that are not in the data
    (added by editors) are left alone. An alias that already belongs to another actor is an error, and the
    whole load is rolled back.
    """
    items = data.get("actors") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise ReferenceDataError('The actor gazetteer must be an object with an "actors" list.')
    _validate(items)

    report = LoadReport("actors")
    alias_report = LoadReport("aliases")
    report.parts.append(alias_report)
    with transaction.atomic():
        existing = {a.slug: a for a in Actor.objects.select_for_update().filter(slug__in=[i["slug"] for i in items])}
        touched: set[str] = set()
        for item in items:
            values = {
                f: _day(item.get(f)) if f in _DATE_FIELDS else item.get(f) or ([] if f == "designations" else "")
                for f in _ACTOR_FIELDS
            }
            actor = existing.get(item["slug"])
            if actor is None:
                existing[item["slug"]] = Actor.objects.create(slug=item["slug"], status=ActorStatus.ACTIVE, **values)
                report.created += 1
                touched.add(item["slug"])
                continue
            changed = [f for f, v in values.items() if getattr(actor, f) != v]
            for f in changed:
                setattr(actor, f, values[f])
            if actor.status != ActorStatus.ACTIVE:
                # A gazetteer entry is approved by definition, even if extraction proposed the slug first.
                actor.status = ActorStatus.ACTIVE
                changed.append("status")
            if changed:
                actor.save(update_fields=[*changed, "updated_at"])
                report.updated += 1
                touched.add(item["slug"])

        # Second pass: parents and successors may be listed after the actors that point at them.
        linked = {i.get(f) for i in items for f in ("parent", "successor")} - {None, ""}
        others = {a.slug: a for a in Actor.objects.filter(slug__in=linked)}
        for item in items:
            actor = existing[item["slug"]]
            parent_id = others[item["parent"]].pk if item.get("parent") else None
            successor_id = others[item["successor"]].pk if item.get("successor") else None
            links = (("parent", parent_id), ("successor", successor_id))
            changed = [f for f, v in links if getattr(actor, f"{f}_id") != v]
            if changed:
                actor.parent_id, actor.successor_id = parent_id, successor_id
                actor.save(update_fields=[*changed, "updated_at"])
                if item["slug"] not in touched:
                    report.updated += 1
                    touched.add(item["slug"])
        report.unchanged = len(items) - report.created - report.updated

        _former_slugs_load(items, existing)
        _aliases_load(items, existing, alias_report)
    return report


def _former_slugs_load(items: list[Mapping[str, Any]], actors: dict[str, Actor]) -> None:
    wanted = {former: actors[item["slug"]] for item in items for former in item.get("former_slugs", [])}
    if not wanted:
        return
    current = {f.slug: f for f in FormerSlug.objects.filter(slug__in=wanted).select_related("actor")}
    live = set(Actor.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    conflicts = [f"former slug {slug!r} is still the slug of an actor: merge it into {actor.slug!r} first."
                 for slug, actor in wanted.items() if slug in live]
    conflicts += [f"former slug {slug!r} already leads to {current[slug].actor.slug!r}, not {actor.slug!r}."
                  for slug, actor in wanted.items() if slug in current and current[slug].actor_id != actor.pk]
    if conflicts:
        raise ReferenceDataError(conflicts)
    FormerSlug.objects.bulk_create(
        [FormerSlug(slug=slug, actor=actor) for slug, actor in wanted.items() if slug not in current]
    )


def _aliases_load(items: list[Mapping[str, Any]], actors: dict[str, Actor], report: LoadReport) -> None:
    """Upsert each (name, period) of the data. A row of the same actor and name is the same alias: its period is
    updated in place (an undated "Syrian government" becomes "until 8 Dec 2024"); rows of other names, and rows
    no entry claims, are editors' and stay. A claimed period that overlaps another actor's row is an error."""
    wanted: dict[tuple[str, int], list[tuple[date | None, str, str, date | None]]] = {}
    for item in items:
        actor = actors[item["slug"]]
        for (key, valid_from), (name, language, valid_to) in actor_names_wanted(item).items():
            wanted.setdefault((key, actor.pk), []).append((valid_from, name, language, valid_to))
    keys = {key for key, _ in wanted}
    rows: dict[str, list[Alias]] = {}
    for alias in Alias.objects.select_related("actor").filter(normalized__in=keys).order_by("valid_from", "pk"):
        rows.setdefault(alias.normalized, []).append(alias)
    by_pk = {a.pk: a for a in actors.values()}
    updates: list[tuple[Alias, tuple[str, str, date | None, date | None]]] = []
    new: list[Alias] = []
    claimed: set[int] = set()
    for (key, actor_pk), periods in wanted.items():
        own_rows = [row for row in rows.get(key, []) if row.actor_id == actor_pk]
        periods = sorted(periods, key=lambda p: p[0] or date.min)
        # Same start first, then the remaining rows in order of their start.
        matched: dict[int, Alias] = {}
        for index, (valid_from, *_rest) in enumerate(periods):
            row = next((r for r in own_rows if r.valid_from == valid_from and r.pk not in claimed), None)
            if row is not None:
                matched[index] = row
                claimed.add(row.pk)
        for index in range(len(periods)):
            if index not in matched:
                row = next((r for r in own_rows if r.pk not in claimed), None)
                if row is not None:
                    matched[index] = row
                    claimed.add(row.pk)
        for index, (valid_from, name, language, valid_to) in enumerate(periods):
            row = matched.get(index)
            if row is None:
                new.append(Alias(actor=by_pk[actor_pk], name=name, normalized=key, language=language,
                                 valid_from=valid_from, valid_to=valid_to))
            elif (row.name, row.language, row.valid_from, row.valid_to) != (name, language, valid_from, valid_to):
                updates.append((row, (name, language, valid_from, valid_to)))
            else:
                report.unchanged += 1
    conflicts = []
    for (key, actor_pk), periods in wanted.items():
        for row in rows.get(key, []):
            if row.actor_id == actor_pk:
                continue
            if row.pk in claimed:
                continue  # its new period is checked against the data by _validate
            for valid_from, name, _language, valid_to in periods:
                if periods_overlap(valid_from, valid_to, row.valid_from, row.valid_to):
                    conflicts.append(
                        f"alias {name!r} already belongs to {row.actor.slug!r} "
                        f"{period_label(row.valid_from, row.valid_to)}, not {by_pk[actor_pk].slug!r}: change one of "
                        f"them (or merge the actors, or give the names periods) and load again."
                    )
    if conflicts:
        raise ReferenceDataError(conflicts)
    # Narrow existing periods before adding new ones, so the unique constraints hold after every statement.
    for row, (name, language, valid_from, valid_to) in sorted(updates, key=lambda u: u[1][3] is None):
        row.name, row.language, row.valid_from, row.valid_to = name, language, valid_from, valid_to
        row.save(update_fields=["name", "language", "valid_from", "valid_to"])
        report.updated += 1
    Alias.objects.bulk_create(new)
    report.created += len(new)
