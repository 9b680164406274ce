"""Abu Mohammad al-Jolani is Ahmed al-Sharaa: one person, one actor.

The gazetteer listed him as `abu-mohammad-al-julani` (HTS's leader, by his nom de guerre). From December 2024 the
press names him Ahmed al-Sharaa, the name he took back as de facto leader and then president. The existing actor
is renamed in place, so every statement, event role, article mention and member keeps pointing at it, and its old
slug stays a FormerSlug (old links redirect). If an `ahmed-al-sharaa` actor already exists (an editor added one),
the old actor is folded into it instead, as actors.services.actor_merge does.
"""

from django.db import migrations

from actors.names import normalize_name

OLD, NEW = "abu-mohammad-al-julani", "ahmed-al-sharaa"
NAME = "Ahmed al-Sharaa"


def _fold(apps, old, new) -> None:
    Alias = apps.get_model("actors", "Alias")
    Statement = apps.get_model("actors", "Statement")
    Actor = apps.get_model("actors", "Actor")
    EventActor = apps.get_model("events", "EventActor")
    Article = apps.get_model("events", "Article")
    ControlZone = apps.get_model("events", "ControlZone")

    taken = set(Alias.objects.filter(actor=new).values_list("normalized", flat=True))
    Alias.objects.filter(actor=old).exclude(normalized__in=taken).update(actor=new)
    Alias.objects.filter(actor=old).delete()
    Statement.objects.filter(speaker=old).update(speaker=new)
    have = set(EventActor.objects.filter(actor=new).values_list("event_id", "role"))
    for role in EventActor.objects.filter(actor=old).order_by("id"):
        if (role.event_id, role.role) in have:
            role.delete()
        else:
            have.add((role.event_id, role.role))
            role.actor = new
            role.save(update_fields=["actor"])
    through = Article.actors.through
    mentioned = set(through.objects.filter(actor=new).values_list("article_id", flat=True))
    through.objects.filter(actor=old, article_id__in=mentioned).delete()
    through.objects.filter(actor=old).update(actor=new)
    ControlZone.objects.filter(controller=old).update(controller=new)
    Actor.objects.filter(parent=old).exclude(pk=new.pk).update(parent=new)
    Actor.objects.filter(successor=old).update(successor=new)
    old.delete()


def forwards(apps, schema_editor) -> None:
    Actor = apps.get_model("actors", "Actor")
    Alias = apps.get_model("actors", "Alias")
    FormerSlug = apps.get_model("actors", "FormerSlug")
    old = Actor.objects.filter(slug=OLD).first()
    if old is None:
        return  # a fresh database: seed_reference loads ahmed-al-sharaa with its former slug
    new = Actor.objects.filter(slug=NEW).first()
    if new is None:
        old.slug, old.name = NEW, NAME
        old.save(update_fields=["slug", "name"])
        new = old
    else:
        _fold(apps, old, new)
    key = normalize_name(NAME)  # historical models have no Alias.save() override to set it
    if not Alias.objects.filter(normalized=key).exists():
        Alias.objects.create(actor=new, name=NAME, normalized=key, language="en")
    FormerSlug.objects.get_or_create(slug=OLD, defaults={"actor": new})


def backwards(apps, schema_editor) -> None:
    Actor = apps.get_model("actors", "Actor")
    FormerSlug = apps.get_model("actors", "FormerSlug")
    FormerSlug.objects.filter(slug=OLD).delete()
    if not Actor.objects.filter(slug=OLD).exists():
        Actor.objects.filter(slug=NEW).update(slug=OLD, name="Abu Mohammad al-Julani")


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0005_actors_through_time"),
        ("events", "0003_drop_covered_fk_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
