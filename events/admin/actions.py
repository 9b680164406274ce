"""What admin actions share: applying a service to each selected row, and the page an action shows before it
acts (reject with a reason, pick a merge survivor, close zones on a date)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from events.curation.services import CurationError


class SurvivorForm(forms.Form):
    """Which of the selected rows survives a merge (the template renders the radios beside each row)."""

    survivor = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, choices: QuerySet, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = choices


def action_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    action: str,
    title: str,
    form: forms.Form,
    objects: QuerySet,
    template: str,
) -> TemplateResponse:
    """The page an action shows before it acts: the selected rows, a form, and the hidden fields that bring the
    editor's answer back to the same action (as Django's own delete confirmation does)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "objects": objects,
        "form": form,
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, template, context)


def apply_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    service: Callable[[Any], object],
    verb: str,
) -> None:
    """Call ``service`` on each selected row (each call is its own transaction), then say what was done and, one
    message each, what was refused and why: one wrong row does not stop the others."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            service(obj)
            done += 1
        except CurationError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
    if done:
        opts = model_admin.model._meta
        noun = opts.verbose_name if done == 1 else opts.verbose_name_plural
        model_admin.message_user(request, f"{verb} {done} {noun}.", messages.SUCCESS)
