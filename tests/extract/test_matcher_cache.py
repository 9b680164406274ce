"""The extraction matcher each process keeps: rebuilt when the gazetteer changes, and only from committed rows."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from actors.models import Alias
from events.extract.matcher_cache import GAZETTEER_VERSION_KEY, matcher_current, matcher_forget
from tests.factories import make_actor, make_place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    matcher_forget()
    yield
    matcher_forget()


def test_the_shared_token_moves_only_once_the_change_is_committed(django_capture_on_commit_callbacks):
    cache.set(GAZETTEER_VERSION_KEY, "before", timeout=None)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actor = make_actor("Jaish al-Izza")
        Alias.objects.create(actor=actor, name="Army of Glory")
        make_place("Latamneh")
        # Inside the editor's transaction nothing reached Redis: another worker must not rebuild from old rows
        # under a new token and keep that matcher.
        assert cache.get(GAZETTEER_VERSION_KEY) == "before"

    assert len(callbacks) == 1  # one bump for the whole transaction, not one per saved row
    callbacks[0]()
    assert cache.get(GAZETTEER_VERSION_KEY) != "before"


def test_the_matcher_is_keyed_on_the_rows_it_was_built_from():
    actor = make_actor("Jaish al-Izza")
    alias = Alias.objects.create(actor=actor, name="Army of Glory")
    first = matcher_current()

    cache.set(GAZETTEER_VERSION_KEY, "a save that changed nothing the matcher reads", timeout=None)
    assert matcher_current() is first  # same rows: the same matcher, no rebuild

    Alias.objects.filter(pk=alias.pk).update(name="Glory Army", normalized="glory army")
    cache.set(GAZETTEER_VERSION_KEY, "an edit in place", timeout=None)
    rebuilt = matcher_current()
    assert rebuilt is not first
    assert ("Glory Army", actor.pk) in rebuilt.gazetteer.actor_names
    assert ("Glory Army", actor.pk) not in first.gazetteer.actor_names
