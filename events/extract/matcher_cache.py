"""The extraction matcher each process keeps, and when to build it again.

A fingerprint of the actor, alias and place tables (counts, newest rows, Actor.updated_at) catches bulk loads,
merges and approvals; a token in the shared cache, bumped once committed by post_save/post_delete signals on
Actor, Alias and Place (events/apps.py), catches edits in place. Either only says "look again": the matcher is
keyed on a digest of the rows it was built from.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

from actors.models import Actor, ActorStatus, Alias
from actors.services import actor_names_wanted
from events.extract.gazetteer import ActorRecord, Gazetteer, PlaceRecord, gazetteer_build
from events.extract.language import ENGLISH, LanguageProfile
from events.extract.matcher import Matcher
from events.extract.rules import rules_load
from events.models import Place, PlaceKind
from events.reference import ACTORS_FILE, PLACES_FILE, governorate, place_aliases_wanted, read_json

logger = logging.getLogger(__name__)

GAZETTEER_VERSION_KEY = "extraction:gazetteer-version"

_matcher_lock = threading.Lock()
# Per language profile: (version the rows were read under, digest of the rows, the matcher built from exactly those
# rows and the profile's rules).
_matcher_cache: dict[str, tuple[tuple, str, Matcher]] = {}


def gazetteer_changed(**_kwargs) -> None:
    """Signal receiver: an actor, alias or place was saved or deleted; every process rebuilds its matcher.

    The shared token moves once the change is committed, never before: a token bumped inside the transaction
    would let another worker read the old rows under the new token and keep that matcher. Nor is Redis called
    inside the editor's transaction. One bump per transaction, however many rows it saves (extraction proposes
    actors by the dozen)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(entry[1] is _gazetteer_token_bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_gazetteer_token_bump)


def matcher_forget() -> None:
    """Drop this process's matcher, so the next extraction reads the gazetteer again (tests, whose transactions
    never commit; a shell after editing rows behind the ORM's back)."""
    _matcher_cache.clear()


def _gazetteer_token_bump() -> None:
    try:
        cache.set(GAZETTEER_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache being down must not fail an editor's save; the fingerprint still works
        logger.warning("could not bump the gazetteer token in the cache", exc_info=True)


def _gazetteer_version() -> tuple:
    """Cheap: whether the gazetteer may have changed (counts, newest rows, Actor.updated_at, the shared token)."""
    actors = Actor.objects.aggregate(n=Count("id"), newest=Max("updated_at"))
    aliases = Alias.objects.aggregate(n=Count("id"), last=Max("id"))
    places = Place.objects.aggregate(n=Count("id"), last=Max("id"))
    try:
        token = cache.get(GAZETTEER_VERSION_KEY)
    except Exception:
        logger.warning("could not read the gazetteer token from the cache", exc_info=True)
        token = None
    return (actors["n"], actors["newest"], aliases["n"], aliases["last"], places["n"], places["last"], token)


@dataclass
class GazetteerRows:
    actors: list[tuple]
    aliases: list[tuple]
    places: list[tuple]

    def digest(self) -> str:
        """What the matcher is keyed on: the very rows it is built from."""
        return hashlib.sha256(repr((self.actors, self.aliases, self.places)).encode()).hexdigest()

    def gazetteer(self) -> Gazetteer:
        actors = [
            ActorRecord(id=pk, slug=slug, name=name, kind=kind, parent_id=parent, country=country,
                        proposed=status == ActorStatus.PROPOSED)
            for pk, slug, name, kind, parent, country, status in self.actors
        ]
        places, place_aliases = [], []
        for pk, slug, name, kind, country, admin1, names in self.places:
            places.append(PlaceRecord(id=pk, slug=slug, name=name, kind=kind, country=country, admin1=admin1))
            place_aliases += [(alias, pk) for alias in names or [] if isinstance(alias, str)]
        return gazetteer_build(actors, self.aliases, places, place_aliases)


def _gazetteer_rows() -> GazetteerRows:
    return GazetteerRows(
        actors=list(Actor.objects.order_by("id").values_list(
            "id", "slug", "name", "kind", "parent_id", "country", "status"
        )),
        # With their periods: a dated name ("government forces") is chosen by the article's date.
        aliases=list(Alias.objects.order_by("id").values_list("name", "actor_id", "valid_from", "valid_to")),
        places=list(Place.objects.order_by("id").values_list(
            "id", "slug", "name", "kind", "country", "admin1", "aliases"
        )),
    )


def gazetteer_from_db() -> Gazetteer:
    return _gazetteer_rows().gazetteer()


def gazetteer_from_reference_files(actors_path: Path = ACTORS_FILE, places_path: Path = PLACES_FILE) -> Gazetteer:
    """The gazetteer `seed_reference` would give a fresh database, without one: the shipped files read into the rows
    production reads (the seeders' own alias rules, ids in file order), then built as production builds them. The
    evaluation and the extraction tests use it, so they measure the matcher a deployment runs."""
    actor_items = read_json(actors_path)["actors"]
    ids = {item["slug"]: n for n, item in enumerate(actor_items, start=1)}
    place_items = read_json(places_path)["places"]
    return GazetteerRows(
        actors=[
            (ids[item["slug"]], item["slug"], item["name"], item["kind"], ids.get(item.get("parent") or ""),
             item.get("country") or "", ActorStatus.ACTIVE)
            for item in actor_items
        ],
        aliases=[
            (name, ids[item["slug"]], valid_from, valid_to)
            for item in actor_items
            for (_, valid_from), (name, _, valid_to) in actor_names_wanted(item).items()
        ],
        places=[
            (n, item["slug"], item["name"], item.get("kind") or PlaceKind.TOWN, item.get("country") or "Syria",
             governorate(item.get("admin1") or ""), place_aliases_wanted(item))
            for n, item in enumerate(place_items, start=1)
        ],
    ).gazetteer()


def matcher_current(profile: LanguageProfile = ENGLISH) -> Matcher:
    """The matcher for the gazetteer as it is now, with the language profile's rules (English by default).

    The version is read before the rows, so rows read after a committed change are never filed under a version
    older than they are; and the matcher is keyed on the digest of the rows it was built from, so a changed
    version whose rows are the same (a save that changed nothing the matcher reads) costs no rebuild."""
    version = _gazetteer_version()
    cached = _matcher_cache.get(profile.code)
    if cached and cached[0] == version:
        return cached[2]
    with _matcher_lock:
        cached = _matcher_cache.get(profile.code)
        if cached and cached[0] == version:
            return cached[2]
        rows = _gazetteer_rows()
        digest = rows.digest()
        if cached and cached[1] == digest:
            matcher = cached[2]
        else:
            matcher = Matcher(rows.gazetteer(), rules_load(profile.rules_dir, profile.code))
        _matcher_cache[profile.code] = (version, digest, matcher)
        return matcher
