"""SITE_LOGIN_REQUIRED: for deployments that must not be public, every page but login and health needs a login."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


class LoginRequiredSwitchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        static = "/" + settings.STATIC_URL.lstrip("/")
        # Subscription links carry their own secret token, and unsubscribing must work from any mail client (RFC
        # 8058 one-click POSTs come with no session), so they stay open on a private deployment too.
        subscription_links = ("/summaries/confirm/", "/summaries/unsubscribe/")
        self.open_prefixes = ("/" + settings.ADMIN_URL, "/healthz", static, *subscription_links)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SITE_LOGIN_REQUIRED
            and not request.user.is_authenticated
            and not request.path.startswith(self.open_prefixes)
        ):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answer /healthz before host validation and the HTTPS redirect.

    Load balancers and the container health check call it by IP over plain HTTP, with a Host header that is not
    in ALLOWED_HOSTS; it says only which part is down, so answering it for any host is safe.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            from idlib_tracker.views import healthz

            return healthz(request)
        return self.get_response(request)
