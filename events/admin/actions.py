"""The intermediate pages of admin actions (reject with a reason, pick a merge survivor, close zones on a date)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse


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
