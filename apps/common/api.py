"""Small helpers shared by API views."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework.request import Request

from apps.common.errors import ValidationFailed


def request_user(request: Request) -> User:
    user: Any = request.user
    return user  # IsAuthenticated has already refused anonymous callers


def int_param(value: Any, *, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{name} must be a whole number.", field=name) from None
