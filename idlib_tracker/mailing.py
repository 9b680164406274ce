"""What every mailing shares (weekly summaries, daily alerts): one address rule and absolute links."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import validate_email


def normalize_email(email: str) -> str:
    """Lower-cased and trimmed, so ``Ana@Example.org`` cannot subscribe twice; raises ValidationError if invalid."""
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def site_url(path: str) -> str:
    """A link a mail client can follow: the deployment's address before the site's own path."""
    return settings.SITE_URL + path
