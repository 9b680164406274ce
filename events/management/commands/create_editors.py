"""`python manage.py create_editors [--demo]`: the Editors group, and with --demo a local demo editor login."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.curation.editors import EDITORS_GROUP, RolesError, demo_editor_ensure, editors_group_sync


class Command(BaseCommand):
    help = "Create or update the Editors group (exactly the permissions curation needs); --demo adds a demo editor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also create or reset a demo editor account and print its login (DJANGO_DEBUG=1 only).",
        )

    def handle(self, *args, demo: bool = False, **options) -> None:  # type: ignore[no-untyped-def]
        if demo and not settings.DEBUG:
            raise CommandError(
                "--demo prints a password for a local demo account; it only runs with DJANGO_DEBUG=1. "
                "In a deployment, create editors with `createsuperuser`/the admin and add them to the "
                f"{EDITORS_GROUP!r} group."
            )
        try:
            if demo:
                user, password = demo_editor_ensure()
            else:
                group = editors_group_sync()
        except RolesError as exc:
            raise CommandError(str(exc)) from exc
        if not demo:
            count = group.permissions.count()
            self.stdout.write(f"Group {EDITORS_GROUP!r} has its {count} permissions.")
            return
        admin_url = f"{settings.SITE_URL}/{settings.ADMIN_URL}"
        self.stdout.write(
            self.style.SUCCESS("Demo editor (local use only; the password changes on every run):")
            + f"\n  {admin_url}\n  username: {user.get_username()}\n  password: {password}"
        )
