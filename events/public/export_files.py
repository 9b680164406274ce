"""Full-record exports: the file a worker wrote for the record's current version, or "being prepared" (202).

See events/exports.py for how the file is written once per version; this view never builds it itself."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events import freshness
from events.exports import KINDS, download_name, export_path, full_export_request

RETRY_SECONDS = 5


@require_GET
def full_export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such export format.")
    version = freshness.version()
    path = export_path(kind, version)
    if not path.exists():
        full_export_request(kind, version)  # on the embedded default (eager Celery) the file exists right after
    if path.exists():
        return FileResponse(path.open("rb"), as_attachment=True, filename=download_name(kind, version),
                            content_type=KINDS[kind])
    response = render(request, "events/export_preparing.html",
                      {"kind": kind.upper(), "retry": RETRY_SECONDS}, status=202)
    response["Retry-After"] = str(RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
