from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'events'

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from actors.models import Actor, Alias
        from events.models import Place
        from events.services.extraction import gazetteer_changed

        # The extraction matcher is rebuilt when the gazetteer changes (see events/services/extraction.py).
        for model in (Actor, Alias, Place):
            post_save.connect(gazetteer_changed, sender=model, dispatch_uid=f"gazetteer-save-{model.__name__}")
            post_delete.connect(gazetteer_changed, sender=model, dispatch_uid=f"gazetteer-delete-{model.__name__}")

        # SQLite's search index lives on triggers a table rebuild by a later migration would drop (events/search.py).
        post_migrate.connect(_restore_sqlite_search, sender=self, dispatch_uid="events-sqlite-fts")


def _restore_sqlite_search(sender, using: str = "default", **kwargs) -> None:
    from django.db import connections

    from events.search import ensure_sqlite_fts

    ensure_sqlite_fts(connections[using])
