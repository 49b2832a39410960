"""Sign-in throttling on top of django-axes: who the client is, when to lock, what to answer.

Both sign-in doors (the HTML form and `POST /api/auth/token/`) authenticate through
`django.contrib.auth.authenticate` with the request, so axes counts their failures together.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from apps.common.errors import ERROR_THROTTLED, error_body


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: Any) -> str | None:
    """The client's address: the socket peer, or what the trusted proxies say it was.

    With N trusted proxies in front, each appends the address it received from to
    X-Forwarded-For, so the N-th entry from the right is the last one a client could not forge.
    Entries further left are whatever the client sent and are never read.
    """
    peer = request.META.get("REMOTE_ADDR")
    proxies: int = settings.SOPSTUDIO_TRUSTED_PROXIES
    if proxies <= 0:
        return peer
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if not forwarded:
        return peer
    # Fewer entries than proxies: the request skipped a hop; the leftmost is the best we know.
    claimed = forwarded[-min(proxies, len(forwarded))]
    return _valid_address(claimed) or peer


class SignInAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler plus a second, higher limit for one username across addresses.

    Axes locks an address after `AXES_FAILURE_LIMIT` failures. A username is locked once its
    failures from all addresses reach `SOPSTUDIO_SIGNIN_USERNAME_LIMIT`, where each address
    counts for at most the address limit: one address (even one racing parallel requests past
    the check) can never lock a username by itself, so a correct password from elsewhere still
    signs in, while a spray against one username from many addresses is stopped.
    """

    def _username_failures(self, request: Any, username: str, address_limit: int) -> int:
        per_address = (
            AccessAttempt.objects.filter(
                username=username, attempt_time__gte=get_cool_off_threshold(request)
            )
            .values("ip_address")
            .annotate(failures=Sum("failures_since_start"))
        )
        return sum(min(row["failures"] or 0, address_limit) for row in per_address)

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_address: int = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        if username and by_address < limit:
            by_username = self._username_failures(request, username, limit)
            if by_username >= settings.SOPSTUDIO_SIGNIN_USERNAME_LIMIT:
                return limit
        return by_address


def retry_after_seconds(request: Any) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_detail(request: Any) -> str:
    """The message a locked-out sign-in is shown, with how long the lock lasts."""
    minutes = max(1, round(retry_after_seconds(request) / 60))
    return (
        "Too many failed sign-ins from this address or for this account. "
        f"Try again in {minutes} minutes."
    )


def lockout_response(request: HttpRequest, *_: Any, **__: Any) -> HttpResponse:
    """What a locked-out sign-in gets: the JSON error for the API, the sign-in page otherwise."""
    # Axes calls this with (request, response, credentials) or, on its async path, with
    # (request, credentials); only the request is needed.
    wait = retry_after_seconds(request)
    detail = lockout_detail(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(ERROR_THROTTLED, detail), status=429)
    else:
        response = render(
            request,
            "registration/login.html",
            {"locked_out": True, "lockout_detail": detail, "next": request.POST.get("next", "")},
            status=429,
        )
    if wait:
        response["Retry-After"] = str(wait)
    return response
