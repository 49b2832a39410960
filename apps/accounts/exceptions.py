"""Errors of the accounts app that the shared error classes do not cover."""

from __future__ import annotations

from apps.common.errors import ERROR_THROTTLED, ServiceError


class SignInThrottled(ServiceError):
    """Too many failed sign-ins for this address or username; answered 429 until the cool-off."""

    status_code = 429
    code = ERROR_THROTTLED
