"""Full-record exports: the file a worker wrote for the record's current version, or "being prepared" (202).

See events/exports.py for how the file is written once per version; this view never builds it itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from events import freshness, tasks
from events.exports import KINDS, download_name, export_path, full_export_wanted

RETRY_SECONDS = 5
_BLOCK = 256 * 1024


def _with_bom(path: Path, filename: str) -> StreamingHttpResponse:
    """The CSV after a UTF-8 byte order mark, for Excel (which otherwise reads it in a legacy code page)."""

    def pieces() -> Iterator[bytes]:
        yield "\ufeff".encode()
        with path.open("rb") as handle:
            while block := handle.read(_BLOCK):
                yield block

    response = StreamingHttpResponse(pieces(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def full_export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such export format.")
    version = freshness.version()
    path = export_path(kind, version)
    if not path.exists() and full_export_wanted(kind, version):
        # On the embedded default (eager Celery) the file exists right after.
        tasks.write_full_export.delay_on_commit(kind, version)
    if path.exists():
        if kind == "csv" and request.GET.get("excel") == "1":
            return _with_bom(path, download_name(kind, version).replace(".csv", "-excel.csv"))
        return FileResponse(path.open("rb"), as_attachment=True, filename=download_name(kind, version),
                            content_type=KINDS[kind])
    response = render(request, "events/export_preparing.html",
                      {"kind": kind.upper(), "retry": RETRY_SECONDS}, status=202)
    response["Retry-After"] = str(RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
