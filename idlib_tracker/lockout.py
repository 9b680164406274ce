"""The page an editor sees when django-axes has locked their sign-in: what happened and when to try again."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    # 429 so scripts and monitoring see a rate limit, not a wrong password.
    return render(request, "registration/lockout.html", context, status=429)
