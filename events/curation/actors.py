"""Editors' decisions on actors: approving or discarding what extraction proposed, and merging duplicates.

Here rather than in actors/: a merge moves event roles, zones and article mentions, and actors never imports events.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from actors.models import Actor, ActorStatus, Alias, FormerSlug, RejectedName, Statement
from actors.names import normalize_name
from events.curation.services import CurationError
from events.freshness import reference_changed
from events.models import Article, ControlZone, EventActor

# --- Editors' decisions on actors -------------------------------------------------------------------------------
# Merging: everything that points at the duplicates (aliases, statements, event roles, zones, article mentions,
# members, successors) moves to the survivor, the duplicates' names become aliases of the survivor, their slugs
# former slugs of it (old links redirect), and the duplicates are deleted. Deleted rather than kept as empty
# shells: every name still resolves (to the survivor) through the
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
        # Roles, statements and zones move with queryset updates, which send no signal: public pages follow.
        reference_changed()

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
        # Zones and members carry history, and the move belongs in it: one UPDATE and one history INSERT each,
        # however many rows move.
        zones = list(ControlZone.objects.filter(controller_id__in=other_ids).order_by("pk"))
        for zone in zones:
            zone.controller = live
        bulk_update_with_history(zones, ControlZone, ["controller"],
                                 default_change_reason=f"Controller merged into {live.slug}"[:100])
        members = list(Actor.objects.filter(parent_id__in=other_ids).exclude(pk=live.pk).order_by("pk"))
        now = timezone.now()
        for member in members:
            member.parent, member.updated_at = live, now
        bulk_update_with_history(members, Actor, ["parent", "updated_at"],
                                 default_change_reason=f"Parent merged into {live.slug}"[:100])
        before = list(Actor.objects.filter(successor_id__in=other_ids).exclude(pk=live.pk).order_by("pk"))
        for actor in before:
            actor.successor, actor.updated_at = live, now
        bulk_update_with_history(before, Actor, ["successor", "updated_at"],
                                 default_change_reason=f"Successor merged into {live.slug}"[:100])
        if live.successor_id in other_ids:
            live.successor_id = None
        # Old links and saved filters keep working: the duplicates' slugs (and their own former slugs) lead here.
        FormerSlug.objects.filter(actor_id__in=other_ids).update(actor=live)
        FormerSlug.objects.bulk_create([FormerSlug(slug=d.slug, actor=live) for d in duplicates], ignore_conflicts=True)

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
