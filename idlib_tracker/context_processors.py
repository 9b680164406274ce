from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Values every template may need: the admin path is configurable, and editors see unreviewed events."""
    user = getattr(request, "user", None)
    return {
        "ADMIN_URL": "/" + settings.ADMIN_URL,
        "is_editor": bool(user and user.is_authenticated and user.is_staff),
    }
