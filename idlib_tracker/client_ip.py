"""The client's address as our own reverse proxies saw it, for login lockouts and logs.

Each proxy appends the address it received the connection from to X-Forwarded-For, so with DJANGO_PROXY_COUNT=N
trusted proxies in front of gunicorn the client is the N-th entry from the right. Everything left of it was written
by the client and can be forged; reading the leftmost entry (what many snippets do) would let an attacker pick a new
"address" for every login attempt. django-axes only reads proxies through the optional django-ipware package, which
we do not install, so axes calls this through AXES_CLIENT_IP_CALLABLE.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # Not every one of our proxies handled this request (or it came round them): the peer is all we know.
        return remote
    return _valid(hops[-proxies]) or remote
