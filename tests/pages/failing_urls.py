"""The site's URLs plus one view that fails, so the error page is tested through Django's real handler."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from idlib_tracker.urls import urlpatterns as site_urlpatterns


def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault inside a view")


urlpatterns = [path("test-failure/", failing_view), *site_urlpatterns]
