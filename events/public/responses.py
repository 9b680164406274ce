"""What every public view shares: who counts as an editor, and how a malformed address is answered (a 400 that
says what to fix: a page for people, JSON for the exports, plain text for the Atom feed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def is_editor(request: HttpRequest) -> bool:
    """Editors (staff) also see unreviewed candidates and draft summaries on the public pages."""
    return request.user.is_authenticated and request.user.is_staff


def bad_request(request: HttpRequest, messages: list[str]) -> HttpResponse:
    """A 400 page that says what was wrong with the address, with a way back."""
    return render(request, "events/bad_request.html", {"messages": messages}, status=400)


def bad_request_json(messages: list[str]) -> JsonResponse:
    return JsonResponse({"error": "Bad filter", "messages": messages}, status=400)


def bad_request_text(messages: list[str]) -> HttpResponse:
    return HttpResponse("Bad filter: " + " ".join(messages), status=400, content_type="text/plain")
