"""Writes to actors and their aliases from the shipped gazetteer (editors' decisions: events.curation.actors)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import Actor, ActorKind, ActorStatus, Alias, hex_colour
from actors.names import normalize_name
from idlib_tracker.loading import LoadReport, ReferenceDataError, too_long

_SLUG = re.compile(r"^[-a-z0-9]+$")
# Fields the gazetteer owns; compared with the row so an unchanged actor is not written (and gets no history row).
_ACTOR_FIELDS = ("name", "kind", "country", "color", "description", "designations", "source")


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
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(
        isinstance(a, Mapping) and isinstance(a.get("name"), str) and normalize_name(a["name"]) for a in aliases
    ):
        errors.append(f"{where}: aliases must be a list of {{name, language}} objects with a non-empty name.")
    else:
        errors += [f"{where}: alias {a['name'][:40]!r}: {problem}." for a in aliases
                   for problem in too_long(Alias, a, ("name", "language"))]
    return errors


def actor_names_wanted(item: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """normalized -> (name, language) for the actor's own name and its aliases (first spelling wins): the Alias
    rows a gazetteer entry becomes (the evaluation builds its gazetteer from the same)."""
    wanted: dict[str, tuple[str, str]] = {normalize_name(item["name"]): (item["name"], "en")}
    for alias in item.get("aliases", []):
        wanted.setdefault(normalize_name(alias["name"]), (alias["name"], alias.get("language") or "en"))
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
    owner: dict[str, str] = {}
    for item in items:
        for key, (name, _language) in actor_names_wanted(item).items():
            if owner.setdefault(key, item["slug"]) != item["slug"]:
                errors.append(
                    f"alias {name!r} (normalised {key!r}) is given to both {owner[key]!r} and {item['slug']!r}."
                )
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
            values = {f: item.get(f) or ([] if f == "designations" else "") for f in _ACTOR_FIELDS}
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

        # Second pass: parents may be listed after their members.
        parents = {a.slug: a for a in Actor.objects.filter(slug__in={i["parent"] for i in items if i.get("parent")})}
        for item in items:
            actor = existing[item["slug"]]
            parent_id = parents[item["parent"]].pk if item.get("parent") else None
            if actor.parent_id != parent_id:
                actor.parent_id = parent_id
                actor.save(update_fields=["parent", "updated_at"])
                if item["slug"] not in touched:
                    report.updated += 1
                    touched.add(item["slug"])
        report.unchanged = len(items) - report.created - report.updated

        _aliases_load(items, existing, alias_report)
    return report


def _aliases_load(items: list[Mapping[str, Any]], actors: dict[str, Actor], report: LoadReport) -> None:
    wanted = {key: (actors[item["slug"]], name, language)
              for item in items for key, (name, language) in actor_names_wanted(item).items()}
    current = {a.normalized: a for a in Alias.objects.select_related("actor").filter(normalized__in=wanted)}
    conflicts = [
        f"alias {alias.name!r} already belongs to {alias.actor.slug!r}, not {actor.slug!r}: change one of them "
        f"(or merge the actors) and load again."
        for key, (actor, _name, _language) in wanted.items()
        if (alias := current.get(key)) is not None and alias.actor_id != actor.pk
    ]
    if conflicts:
        raise ReferenceDataError(conflicts)
    new = []
    for key, (actor, name, language) in wanted.items():
        alias = current.get(key)
        if alias is None:
            new.append(Alias(actor=actor, name=name, normalized=key, language=language))
        elif (alias.name, alias.language) != (name, language):
            alias.name, alias.language = name, language
            alias.save(update_fields=["name", "language"])
            report.updated += 1
        else:
            report.unchanged += 1
    Alias.objects.bulk_create(new)
    report.created += len(new)
