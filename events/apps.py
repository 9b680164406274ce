from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'events'

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from actors.models import Actor, Alias
        from events.extract.matcher_cache import gazetteer_changed
        from events.models import Place

        # The extraction matcher is rebuilt when the gazetteer changes (see events/extract/matcher_cache.py).
        for model in (Actor, Alias, Place):
            post_save.connect(gazetteer_changed, sender=model, dispatch_uid=f"gazetteer-save-{model.__name__}")
            post_delete.connect(gazetteer_changed, sender=model, dispatch_uid=f"gazetteer-delete-{model.__name__}")

        # Public pages, ETags and export files are keyed on the record's version (events/freshness.py).
        from events.freshness import connect_signals

        connect_signals()

        # SQLite's search index lives on triggers that a table rebuild by a later migration drops
        # (events/public/search.py): put back after every migrate.
        post_migrate.connect(_restore_sqlite_search, sender=self, dispatch_uid="events-sqlite-fts")


def _restore_sqlite_search(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    from events.public.search import ensure_sqlite_fts

    ensure_sqlite_fts(connections[using])
