"""Editorial decisions on events: publish, reject, merge duplicates, and mark an event as the editors' own.

Every decision is one transaction that locks the rows it reads, re-checks their status under the lock, and saves
through the model (not ``QuerySet.update``) so that django-simple-history records who decided what and when.

Status rules (the only moves an editor can make):

- publish: candidate or rejected -> published (an editor may reconsider a rejection);
- reject: candidate or published -> rejected (taking a wrong event off the public pages);
- merge: candidate or published -> merged into a candidate or published survivor.

A merged event never moves again: it points at its survivor, and its sources now belong there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from actors.models import Statement
from events.freshness import record_changed
from events.models import Event, EventActor, EventSource, EventStatus
from events.territory.services import control_proposal_from_event
from idlib_tracker.history import history_reason


class CurationError(Exception):
    """An editorial action that cannot be applied; the message is shown to the editor as is."""


def _save_reviewed(event: Event, user: AbstractBaseUser | None, reason: str, fields: Sequence[str]) -> None:
    event.reviewed_by = user
    event.reviewed_at = timezone.now()
    # Read by simple-history: the same user and reason whether called from the admin, a command or a task.
    event._history_user = user
    event._change_reason = history_reason(reason)
    event.save(update_fields=[*fields, "reviewed_by", "reviewed_at", "updated_at"])


def _locked(event_id: int) -> Event:
    try:
        return Event.objects.select_for_update().get(pk=event_id)
    except Event.DoesNotExist:
        raise CurationError(f"Event #{event_id} no longer exists.") from None


def event_publish(event: Event, user: AbstractBaseUser | None) -> Event:
    """Publish a candidate (or a previously rejected) event; it then appears on the public pages. An event whose
    sub-type is a change of territory also proposes to editors that its place passes to its actor 1."""
    with transaction.atomic():
        locked = _locked(event.pk)
        if locked.status == EventStatus.PUBLISHED:
            raise CurationError(f"\u201c{locked}\u201d is already published.")
        if locked.status == EventStatus.MERGED:
            raise CurationError(
                f"\u201c{locked}\u201d was merged into event #{locked.merged_into_id}; publish that one instead."
            )
        locked.status = EventStatus.PUBLISHED
        locked.rejection_reason = ""
        _save_reviewed(locked, user, "Published", ["status", "rejection_reason"])
        record_changed()  # public pages, ETags and export files follow the record
        # A place changing hands is proposed to editors, never put on the map by publishing alone.
        control_proposal_from_event(locked)
    return locked


def event_reject(event: Event, user: AbstractBaseUser | None, reason: str) -> Event:
    """Reject a candidate, or withdraw a published event; the reason is kept on the event and in its history."""
    reason = reason.strip()
    if not reason:
        raise CurationError("Give a reason for rejecting: it is what the next editor will read.")
    with transaction.atomic():
        locked = _locked(event.pk)
        if locked.status == EventStatus.REJECTED:
            raise CurationError(f"\u201c{locked}\u201d is already rejected.")
        if locked.status == EventStatus.MERGED:
            raise CurationError(
                f"\u201c{locked}\u201d was merged into event #{locked.merged_into_id}; it cannot be rejected."
            )
        locked.status = EventStatus.REJECTED
        locked.rejection_reason = reason
        _save_reviewed(locked, user, f"Rejected: {reason}", ["status", "rejection_reason"])
        record_changed()
    return locked


def event_mark_editor_owned(event: Event, *, save: bool = True) -> Event:
    """Mark an event as edited by an editor: extraction never overwrites its fields afterwards.

    The admin form calls this with ``save=False`` just before it saves the editor's change, so that the change and
    the flag land in one row and one history record.
    """
    if event.editor_owned:
        return event
    event.editor_owned = True
    if save and event.pk is not None:
        event._change_reason = "Marked as edited by an editor"
        event.save(update_fields=["editor_owned", "updated_at"])
    return event


_MERGEABLE = (EventStatus.CANDIDATE, EventStatus.PUBLISHED)


def _check_merge(survivor: Event, others: Sequence[Event]) -> None:
    if not others:
        raise CurationError("Select at least two events to merge: the one that survives and its duplicates.")
    if any(other.pk == survivor.pk for other in others):
        raise CurationError(f"\u201c{survivor}\u201d cannot be merged into itself.")
    if survivor.status not in _MERGEABLE:
        raise CurationError(
            f"\u201c{survivor}\u201d is {survivor.get_status_display().lower()}: "
            "duplicates can only be merged into a candidate or published event."
        )
    for other in others:
        if other.status not in _MERGEABLE:
            raise CurationError(
                f"\u201c{other}\u201d is {other.get_status_display().lower()} and cannot be merged again."
            )


def _move_sources(survivor: Event, others: Sequence[Event]) -> None:
    # A source whose article the survivor already cites stays on the merged event: the unique constraint
    # (event, article) allows one row per pair, and leaving it keeps its extraction_key pointing at an event
    # that extraction no longer touches, instead of losing the key and letting re-extraction recreate it.
    cited = set(EventSource.objects.filter(event=survivor).values_list("article_id", flat=True))
    move: list[int] = []
    for source_id, article_id in (
        EventSource.objects.filter(event__in=others).order_by("id").values_list("id", "article_id")
    ):
        if article_id not in cited:
            cited.add(article_id)
            move.append(source_id)
    EventSource.objects.filter(id__in=move).update(event=survivor)


def _move_actor_roles(survivor: Event, others: Sequence[Event]) -> None:
    # Dedupe on the constraint event_actor_role_unique (event, actor, role).
    seen = set(EventActor.objects.filter(event=survivor).values_list("actor_id", "role"))
    move: list[int] = []
    drop: list[int] = []
    for role_id, actor_id, role in (
        EventActor.objects.filter(event__in=others).order_by("id").values_list("id", "actor_id", "role")
    ):
        if (actor_id, role) in seen:
            drop.append(role_id)
        else:
            seen.add((actor_id, role))
            move.append(role_id)
    EventActor.objects.filter(id__in=drop).delete()
    EventActor.objects.filter(id__in=move).update(event=survivor)


def event_merge(survivor: Event, others: Iterable[Event], user: AbstractBaseUser | None) -> Event:
    """Fold duplicates into ``survivor``: their sources, actor roles and statements move to it, and each duplicate
    becomes ``merged`` pointing at it. All or nothing: on any error nothing is changed.

    The survivor keeps its own title, date, place and status; it becomes editor-owned, since an editor has now
    decided what it is.
    """
    other_ids = sorted({other.pk for other in others})
    if not other_ids:
        _check_merge(survivor, [])
    with transaction.atomic():
        # Lock in id order, so that two editors merging overlapping sets cannot deadlock.
        locked = {
            event.pk: event
            for event in Event.objects.select_for_update().filter(pk__in=[survivor.pk, *other_ids]).order_by("pk")
        }
        if survivor.pk not in locked:
            raise CurationError(f"Event #{survivor.pk} no longer exists.")
        missing = [pk for pk in other_ids if pk not in locked]
        if missing:
            raise CurationError(f"Event #{missing[0]} no longer exists.")
        live_survivor = locked[survivor.pk]
        live_others = [locked[pk] for pk in other_ids]
        _check_merge(live_survivor, live_others)

        record_changed()  # sources, roles and statements move with queryset updates, which send no signal
        _move_sources(live_survivor, live_others)
        _move_actor_roles(live_survivor, live_others)
        Statement.objects.filter(event__in=live_others).update(event=live_survivor)
        # Events merged earlier into one of the duplicates now point straight at the survivor: merged_into is
        # always one hop to a live event.
        earlier = list(Event.objects.select_for_update().filter(merged_into__in=other_ids).order_by("pk"))
        now = timezone.now()
        for event in earlier:
            event.merged_into, event.updated_at, event._history_user = live_survivor, now, user
        bulk_update_with_history(
            earlier, Event, ["merged_into", "updated_at"],
            default_change_reason=history_reason(f"Re-pointed to #{live_survivor.pk} after a merge"),
        )

        for other in live_others:
            other.status = EventStatus.MERGED
            other.merged_into = live_survivor
            _save_reviewed(
                other, user, f"Merged into #{live_survivor.pk}", ["status", "merged_into"]
            )
        live_survivor.editor_owned = True
        live_survivor._history_user = user
        live_survivor._change_reason = history_reason(
            "Absorbed duplicates " + ", ".join(f"#{pk}" for pk in other_ids)
        )
        live_survivor.save(update_fields=["editor_owned", "updated_at"])
    return live_survivor
