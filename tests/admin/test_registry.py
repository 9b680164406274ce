"""The admin lists every model of the tracker, and each list opens for a superuser (issue: foundation)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse


def _inline_models() -> set[type]:
    inlines = set()
    for model_admin in admin.site._registry.values():
        for inline in model_admin.inlines:
            inlines.add(inline.model)
    return inlines


def _tracker_models() -> list[type]:
    return [
        model
        for app in ("actors", "events")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]


# Shown on its parent's form as figures rather than as rows of its own (one row per subscriber and summary).
SHOWN_AS_FIGURES = {"SummaryDelivery"}


def test_every_model_is_in_the_admin_as_a_list_or_an_inline():
    registered = set(admin.site._registry)
    inlines = _inline_models()
    missing = [
        m.__name__
        for m in _tracker_models()
        if m not in registered and m not in inlines and m.__name__ not in SHOWN_AS_FIGURES
    ]
    assert not missing, f"not reachable from the admin: {missing}"


@pytest.mark.django_db
def test_every_registered_list_opens_for_a_superuser(admin_client, settings):
    settings.SECURE_SSL_REDIRECT = False
    index = admin_client.get(reverse("admin:index"))
    assert index.status_code == 200
    for model in _tracker_models():
        if model not in admin.site._registry:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert url.encode() in index.content, f"{model.__name__} is not listed on the admin index"
        assert admin_client.get(url).status_code == 200, url
