"""Roles: the "Editors" group with exactly the permissions curation needs, and a local demo editor account.

Editors decide about events, actors, zones, control changes, places and feeds; they read articles and subscribers
and edit the weekly summaries. They get no permission on users, groups or permissions, and none to delete events,
actors or control changes (rejecting, merging, discarding and undoing go through events.curation.services,
actors.services and events.territory.services instead).
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction
from django.db.models import Q

EDITORS_GROUP = "Editors"
DEMO_EDITOR_USERNAME = "editor"

# "app_label.model": the actions on it. Inlines need add/delete on their own model (actor roles, aliases).
EDITOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "events.event": ("view", "change"),
    "events.eventactor": ("view", "add", "change", "delete"),
    # Sources are never typed in; an editor may only detach a wrong one.
    "events.eventsource": ("view", "delete"),
    "actors.statement": ("view", "change"),
    "actors.actor": ("view", "add", "change"),
    "actors.alias": ("view", "add", "change", "delete"),
    # Discarding a proposed actor rejects its names; deleting a rejected name lets extraction propose it again.
    "actors.rejectedname": ("view", "delete"),
    "events.controlzone": ("view", "add", "change"),
    # Control changes are recorded, accepted, rejected or undone, never deleted: the map's history stays whole.
    "events.controlchange": ("view", "add", "change"),
    "events.place": ("view", "add", "change"),
    "events.feed": ("view", "add", "change"),
    "events.article": ("view",),
    "events.weeklysummary": ("view", "change"),
    "events.subscriber": ("view",),
}


class RolesError(Exception):
    pass


def _editor_permissions() -> list[Permission]:
    wanted = {
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, actions in EDITOR_PERMISSIONS.items()
        for action in actions
    }
    condition = Q()
    for app_label, codename in wanted:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(condition).select_related("content_type"))
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        names = ", ".join(sorted(f"{app}.{code}" for app, code in missing))
        raise RolesError(f"Permissions not found: {names}. Run `python manage.py migrate` first.")
    return found


def editors_group_sync() -> Group:
    """Create or update the Editors group so that it holds exactly EDITOR_PERMISSIONS (extras are removed)."""
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
        group.permissions.set(_editor_permissions())
    return group


def demo_editor_ensure() -> tuple[AbstractBaseUser, str]:
    """Create or reset the local demo editor with a fresh random password; returns (user, password).

    Staff (so it can log into the admin), never superuser, in the Editors group and nothing else.
    """
    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    with transaction.atomic():
        group = editors_group_sync()
        user, _ = user_model.objects.get_or_create(username=DEMO_EDITOR_USERNAME)
        user.is_staff = True
        user.is_superuser = False
        user.is_active = True
        user.set_password(password)
        user.save()
        user.user_permissions.clear()
        user.groups.set([group])
    return user, password
