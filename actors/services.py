"""Writes to actors and their aliases: the gazetteer load, and approving, discarding and merging actors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import Actor, ActorKind, ActorStatus, Alias, RejectedName, Statement, hex_colour
from actors.names import normalize_name
from events.curation.services import CurationError
from events.models import Article, ControlZone, EventActor
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


def _wanted_aliases(item: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """normalized -> (name, language) for the actor's own name and its aliases (first spelling wins)."""
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
        for key, (name, _language) in _wanted_aliases(item).items():
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
              for item in items for key, (name, language) in _wanted_aliases(item).items()}
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


# --- Editors' decisions on actors -------------------------------------------------------------------------------
# Merging: everything that points at the duplicates (aliases, statements, event roles, zones, article mentions,
# members) moves to the survivor, the duplicates' names become aliases of the survivor, and the duplicates are
# deleted. Deleted rather than kept as empty shells: every name still resolves (to the survivor) through the
# aliases, simple-history keeps the deleted rows and who deleted them, and there is no second "merged" state for
# every actor query to exclude. A gazetteer entry merged away should also leave actors/data/actors.json, or the
# next load reports its aliases as belonging to the survivor.


def _move_event_roles(survivor: Actor, other_ids: list[int]) -> None:
    # Dedupe on event_actor_role_unique (event, actor, role).
    seen = set(EventActor.objects.filter(actor=survivor).values_list("event_id", "role"))
    move, drop = [], []
    for role_id, event_id, role in (
        EventActor.objects.filter(actor_id__in=other_ids).order_by("id").values_list("id", "event_id", "role")
    ):
        (drop if (event_id, role) in seen else move).append(role_id)
        seen.add((event_id, role))
    EventActor.objects.filter(id__in=drop).delete()
    EventActor.objects.filter(id__in=move).update(actor=survivor)


def _move_article_mentions(survivor: Actor, other_ids: list[int]) -> None:
    through = Article.actors.through
    mentioned = set(through.objects.filter(actor=survivor).values_list("article_id", flat=True))
    move, drop = [], []
    for row_id, article_id in through.objects.filter(actor_id__in=other_ids).order_by("id").values_list(
        "id", "article_id"
    ):
        (drop if article_id in mentioned else move).append(row_id)
        mentioned.add(article_id)
    through.objects.filter(id__in=drop).delete()
    through.objects.filter(id__in=move).update(actor=survivor)


def actor_merge(survivor: Actor, others: Iterable[Actor]) -> Actor:
    """Fold duplicate actors into ``survivor`` (see the note above); all or nothing. The survivor becomes active:
    choosing it is an editor's approval."""
    other_ids = sorted({other.pk for other in others})
    if not other_ids:
        raise CurationError("Select at least two actors to merge: the one that survives and its duplicates.")
    if survivor.pk in other_ids:
        raise CurationError(f"\u201c{survivor}\u201d cannot be merged into itself.")
    with transaction.atomic():
        locked = {
            a.pk: a for a in Actor.objects.select_for_update().filter(pk__in=[survivor.pk, *other_ids]).order_by("pk")
        }
        missing = [pk for pk in [survivor.pk, *other_ids] if pk not in locked]
        if missing:
            raise CurationError(f"Actor #{missing[0]} no longer exists.")
        live = locked[survivor.pk]
        duplicates = [locked[pk] for pk in other_ids]

        Alias.objects.filter(actor_id__in=other_ids).update(actor=live)
        taken = set(Alias.objects.filter(normalized__in=[normalize_name(d.name) for d in duplicates]).values_list(
            "normalized", flat=True))
        for duplicate in duplicates:
            key = normalize_name(duplicate.name)
            if key and key not in taken:
                Alias.objects.create(actor=live, name=duplicate.name)
                taken.add(key)
        Statement.objects.filter(speaker_id__in=other_ids).update(speaker=live)
        _move_event_roles(live, other_ids)
        _move_article_mentions(live, other_ids)
        # Zones and members one by one: both carry history, and the move belongs in it.
        for zone in ControlZone.objects.filter(controller_id__in=other_ids).order_by("pk"):
            zone.controller = live
            zone._change_reason = f"Controller merged into {live.slug}"
            zone.save(update_fields=["controller"])
        for member in Actor.objects.filter(parent_id__in=other_ids).exclude(pk=live.pk).order_by("pk"):
            member.parent = live
            member._change_reason = f"Parent merged into {live.slug}"
            member.save(update_fields=["parent", "updated_at"])

        if live.parent_id in other_ids:
            # The survivor was a member of a duplicate: it takes that duplicate's own parent, if any.
            grandparent = locked[live.parent_id].parent_id
            live.parent_id = None if grandparent in (live.pk, *other_ids) else grandparent
        for field in ("description", "country", "color", "source"):
            if not getattr(live, field):
                setattr(live, field, next((getattr(d, field) for d in duplicates if getattr(d, field)), ""))
        for duplicate in duplicates:
            for designation in duplicate.designations:
                if designation not in live.designations:
                    live.designations.append(designation)
        live.status = ActorStatus.ACTIVE
        live._change_reason = "Absorbed " + ", ".join(d.slug for d in duplicates)[:90]
        live.save()
        for duplicate in duplicates:
            duplicate._change_reason = f"Merged into {live.slug}"[:100]
            duplicate.delete()
    return live


def actor_approve(actor: Actor) -> Actor:
    """Accept an actor that extraction proposed: it joins the gazetteer the matcher uses."""
    with transaction.atomic():
        live = Actor.objects.select_for_update().filter(pk=actor.pk).first()
        if live is None:
            raise CurationError(f"Actor #{actor.pk} no longer exists.")
        if live.status != ActorStatus.PROPOSED:
            raise CurationError(f"\u201c{live}\u201d is already {live.get_status_display().lower()}.")
        live.status = ActorStatus.ACTIVE
        live._change_reason = "Approved"
        live.save(update_fields=["status", "updated_at"])
    return live


def actor_discard(actor: Actor, *, by: AbstractBaseUser | None = None) -> None:
    """Delete an actor that extraction proposed wrongly, with its aliases and event roles; statements it was
    credited with become unattributed. Only proposed actors: an active one is merged or edited instead.

    Its names are remembered as rejected (RejectedName), so the next article that mentions them does not propose
    the same actor again; an editor who changes their mind deletes the rejected name."""
    with transaction.atomic():
        live = Actor.objects.select_for_update().filter(pk=actor.pk).first()
        if live is None:
            raise CurationError(f"Actor #{actor.pk} no longer exists.")
        if live.status != ActorStatus.PROPOSED:
            raise CurationError(
                f"\u201c{live}\u201d is {live.get_status_display().lower()}: only proposed actors can be discarded "
                "(merge it into another actor instead)."
            )
        if live.zones.exists():
            raise CurationError(f"\u201c{live}\u201d controls zones; give them another controller first.")
        names = {normalize_name(name): name for name in [live.name, *live.aliases.values_list("name", flat=True)]}
        names.pop("", None)
        known = set(RejectedName.objects.filter(normalized__in=list(names)).values_list("normalized", flat=True))
        RejectedName.objects.bulk_create(
            [RejectedName(name=name[:200], normalized=key, rejected_by=by) for key, name in names.items()
             if key not in known],
            ignore_conflicts=True,  # (bulk_create skips save(): normalized is set here)
        )
        live._change_reason = "Discarded"
        live.delete()
