"""The request-side hooks django-axes calls: who the client is, and what a locked-out client sees.

The login page itself is Django's LoginView with dashboard.accounts.forms.LoginForm (see
switchboard/urls.py); the lockout lives in axes' authentication backend and middleware, so the
login page, the admin login, DRF and any later way to authenticate share one count.
"""

import ipaddress
import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED_OUT_STATUS = 429


def locked_out_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    if minutes is None:
        return "Too many failed attempts; ask an administrator to unlock the account."
    return f"Too many failed attempts; try again in {minutes} minute{'s' if minutes != 1 else ''}."


def lockout_response(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: one generic answer, 429, whether the username exists or not.

    Nothing from the attempt (not even the username) is echoed, so the page cannot tell an
    existing account from an unknown one. The extra arguments (the original response and the
    credentials; axes' async middleware passes them in another order) are deliberately unused.
    """
    context = {"message": locked_out_message(request)}
    return render(request, "registration/locked_out.html", context, status=LOCKED_OUT_STATUS)


def _networks(entries: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the client's address, believing X-Forwarded-For only from a trusted proxy.

    A direct client's REMOTE_ADDR is its address, whatever X-Forwarded-For it sends. From a proxy
    listed in DJANGO_TRUSTED_PROXIES, X-Forwarded-For is read from the right (each proxy appends
    the address it received from) and the first hop that is not a trusted proxy is the client:
    anything further left was written by the client and may be made up.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(settings.TRUSTED_PROXIES)
    nearest = _address(remote)
    if nearest is None or not any(nearest in network for network in trusted):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Not an address: no trusted proxy wrote this, so stop at the last hop one did vouch for.
            break
        nearest = address
        if not any(address in network for network in trusted):
            break
    return str(nearest)
